"""Read and validate what the metrics utility printed: every line is one EMF document, valid
against tests/metrics/emf.schema.json and against the cross-member rules of the spec."""

from __future__ import annotations

import contextlib
import io
import json
import math
import warnings
from pathlib import Path
from typing import Any

import jsonschema

SCHEMA = json.loads((Path(__file__).with_name("emf.schema.json")).read_text())
jsonschema.Draft202012Validator.check_schema(SCHEMA)
_VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


LARGEST = 2.0**360  # CloudWatch's range for metric values (MetricDatum.Value)
SMALLEST = 2.0**-360


def _no_constants(name: str) -> Any:
    raise AssertionError(f"{name} in an EMF document: not strict JSON, CloudWatch drops it")


def strict_loads(line: str) -> Any:
    """``json.loads`` refusing the NaN / Infinity tokens Python's json writes by default."""
    return json.loads(line, parse_constant=_no_constants)


def check_document(document: dict[str, Any]) -> dict[str, Any]:
    _VALIDATOR.validate(document)
    for directive in document["_aws"]["CloudWatchMetrics"]:
        for dimension_set in directive["Dimensions"]:
            for name in dimension_set:
                assert isinstance(document.get(name), str), f"dimension {name} is not a string"
                assert 1 <= len(document[name]) <= 1024
        names = [definition["Name"] for definition in directive["Metrics"]]
        assert len(names) == len(set(names)), "a metric is defined twice in one directive"
        for name in names:
            value = document[name]
            values = value if isinstance(value, list) else [value]
            assert 1 <= len(values) <= 100, f"{name} has {len(values)} values"
            for number in values:
                assert isinstance(number, (int, float)) and not isinstance(number, bool)
                assert math.isfinite(number)
                assert number == 0 or SMALLEST <= abs(number) <= LARGEST, number
    return document


def parse(output: str) -> list[dict[str, Any]]:
    """Every line of ``output`` as a validated EMF document (no other lines allowed)."""
    return [check_document(strict_loads(line)) for line in output.splitlines()]


def flushed(metrics: Any) -> list[dict[str, Any]]:
    """The documents ``metrics.flush_metrics()`` writes, validated (none for an empty buffer)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the notice of an empty flush
        metrics.flush_metrics()
    return parse(out.getvalue())


def values(documents: list[dict[str, Any]], name: str) -> list[float]:
    """All values of metric ``name`` across documents, in order."""
    found: list[float] = []
    for document in documents:
        for directive in document["_aws"]["CloudWatchMetrics"]:
            if any(d["Name"] == name for d in directive["Metrics"]):
                value = document[name]
                found.extend(value if isinstance(value, list) else [value])
    return found


def metric_names(document: dict[str, Any]) -> list[str]:
    return [d["Name"] for d in document["_aws"]["CloudWatchMetrics"][0]["Metrics"]]
