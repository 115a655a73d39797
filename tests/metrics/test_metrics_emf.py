"""What Metrics writes: EMF documents valid against tests/metrics/emf.schema.json, split to
respect the limits, with clear errors for what EMF cannot carry."""

from __future__ import annotations

import math
import subprocess
import sys
import threading
import time
import warnings
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from metrics_emf import check_document, flushed, metric_names, parse, values

import toolkit
from toolkit import config
from toolkit.errors import ToolkitError
from toolkit.metrics import (
    DimensionError,
    DimensionLimitError,
    MetricResolution,
    MetricResolutionError,
    Metrics,
    MetricsError,
    MetricUnit,
    MetricUnitError,
    MetricValueError,
    SchemaValidationError,
)
from toolkit.metrics import metrics as metrics_module


def test_one_document_with_metrics_dimensions_and_metadata(capsys: pytest.CaptureFixture[str]):
    metrics = Metrics(namespace="Shop", service="orders")
    before = int(time.time() * 1000)
    metrics.add_metric("Orders", MetricUnit.Count, 1)
    metrics.add_metric("Latency", "Milliseconds", 12.5, resolution=MetricResolution.High)
    metrics.add_dimension("region", "eu-west-1")
    metrics.add_metadata("order_id", "o-1")
    metrics.flush_metrics()
    after = int(time.time() * 1000)

    [document] = parse(capsys.readouterr().out)
    assert before <= document["_aws"]["Timestamp"] <= after
    [directive] = document["_aws"]["CloudWatchMetrics"]
    assert directive == {
        "Namespace": "Shop",
        "Dimensions": [["service", "region"]],
        "Metrics": [
            {"Name": "Orders", "Unit": "Count"},
            {"Name": "Latency", "Unit": "Milliseconds", "StorageResolution": 1},
        ],
    }
    assert document["Orders"] == 1
    assert document["Latency"] == 12.5
    assert document["service"] == "orders"
    assert document["region"] == "eu-west-1"
    assert document["order_id"] == "o-1"


def test_repeated_names_accumulate_into_an_array(capsys: pytest.CaptureFixture[str]):
    metrics = Metrics(namespace="Shop")
    for value in (1, 2, 3.5):
        metrics.add_metric("Items", MetricUnit.Count, value)
    metrics.add_metric("Items", "Count", 4)  # the enum member and its value are the same unit
    metrics.flush_metrics()
    [document] = parse(capsys.readouterr().out)
    assert document["Items"] == [1, 2, 3.5, 4]
    assert metric_names(document) == ["Items"]
    assert document["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [[]]


def test_flush_empties_the_buffer_but_keeps_default_dimensions(capsys: pytest.CaptureFixture[str]):
    metrics = Metrics(namespace="Shop")
    metrics.set_default_dimensions(stage="prod")
    metrics.add_dimension("customer", "c-1")
    metrics.add_metadata("note", "first")
    metrics.add_metric("A", MetricUnit.Count, 1)
    metrics.flush_metrics()
    metrics.add_metric("B", MetricUnit.Count, 1)
    metrics.flush_metrics()
    first, second = parse(capsys.readouterr().out)
    assert first["customer"] == "c-1" and first["stage"] == "prod"
    assert "A" not in second and "customer" not in second and "note" not in second
    assert second["stage"] == "prod"
    assert second["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [["stage"]]


def test_more_than_100_metrics_are_split_over_documents(capsys: pytest.CaptureFixture[str]):
    metrics = Metrics(namespace="Shop")
    for index in range(250):
        metrics.add_metric(f"m{index}", MetricUnit.Count, index)
    metrics.flush_metrics()
    documents = parse(capsys.readouterr().out)
    assert [len(metric_names(d)) for d in documents] == [100, 100, 50]
    seen = [name for d in documents for name in metric_names(d)]
    assert seen == [f"m{index}" for index in range(250)]
    for index in range(250):
        assert values(documents, f"m{index}") == [index]
    assert len({d["_aws"]["Timestamp"] for d in documents}) == 1


def test_more_than_100_values_are_split_over_documents(capsys: pytest.CaptureFixture[str]):
    metrics = Metrics(namespace="Shop", service="orders")
    for value in range(250):
        metrics.add_metric("Busy", MetricUnit.Count, value)
    metrics.add_metric("Quiet", MetricUnit.Count, 7)
    metrics.flush_metrics()
    documents = parse(capsys.readouterr().out)
    assert len(documents) == 3
    assert values(documents, "Busy") == list(range(250))
    assert values(documents, "Quiet") == [7]
    assert all(d["service"] == "orders" for d in documents)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=260), min_size=1, max_size=230))
def test_splitting_loses_and_duplicates_nothing(counts: list[int]):
    metrics = Metrics(namespace="Prop")
    for index, count in enumerate(counts):
        for value in range(count):
            metrics.add_metric(f"m{index}", MetricUnit.Count, value)
    documents = flushed(metrics)
    for index, count in enumerate(counts):
        assert values(documents, f"m{index}") == list(range(count))
    rounds = math.ceil(max(counts) / 100)  # round r carries values r*100 .. r*100+99
    expected = sum(math.ceil(sum(c > r * 100 for c in counts) / 100) for r in range(rounds))
    assert len(documents) == expected


def test_high_and_standard_resolution():
    metrics = Metrics(namespace="Shop")
    metrics.add_metric("Fast", MetricUnit.Count, 1, resolution=1)
    metrics.add_metric("Slow", MetricUnit.Count, 1, resolution=MetricResolution.Standard)
    [document] = flushed(metrics)
    check_document(document)
    assert document["_aws"]["CloudWatchMetrics"][0]["Metrics"] == [
        {"Name": "Fast", "Unit": "Count", "StorageResolution": 1},
        {"Name": "Slow", "Unit": "Count"},
    ]


def test_bad_unit_names_it_and_lists_the_allowed_ones():
    metrics = Metrics(namespace="Shop")
    with pytest.raises(MetricUnitError) as caught:
        metrics.add_metric("Latency", "Millisecond", 1)
    message = str(caught.value)
    assert "'Millisecond'" in message and "'Latency'" in message
    for unit in MetricUnit:
        assert unit.value in message
    assert caught.value.metric == "Latency" and caught.value.unit == "Millisecond"
    with pytest.raises(MetricUnitError):
        metrics.add_metric("Latency", ["Count"], 1)  # type: ignore[arg-type]
    assert isinstance(caught.value, MetricsError) and isinstance(caught.value, ToolkitError)


def test_bad_resolution_names_it_and_lists_the_allowed_ones():
    metrics = Metrics(namespace="Shop")
    with pytest.raises(MetricResolutionError) as caught:
        metrics.add_metric("Latency", MetricUnit.Seconds, 1, resolution=30)
    assert "30" in str(caught.value) and "60" in str(caught.value) and "1 " in str(caught.value)
    with pytest.raises(MetricResolutionError, match=r"\[60\]"):
        metrics.add_metric("Latency", MetricUnit.Seconds, 1, resolution=[60])  # type: ignore[arg-type]


def test_one_metric_keeps_one_unit_and_one_resolution():
    metrics = Metrics(namespace="Shop")
    metrics.add_metric("Latency", MetricUnit.Seconds, 1)
    with pytest.raises(MetricUnitError, match="'Seconds' and now with 'Milliseconds'"):
        metrics.add_metric("Latency", MetricUnit.Milliseconds, 1)
    with pytest.raises(MetricResolutionError, match="60 and now with 1"):
        metrics.add_metric("Latency", MetricUnit.Seconds, 1, resolution=1)
    metrics.add_metric("Latency", "Seconds", 2)
    [document] = flushed(metrics)
    assert document["Latency"] == [1, 2]


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, Decimal("NaN")])
def test_non_finite_values_are_refused(bad: object):
    metrics = Metrics(namespace="Shop")
    with pytest.raises(MetricValueError, match="finite"):
        metrics.add_metric("Latency", MetricUnit.Seconds, bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [True, "3", None, [1], b"1"])
def test_values_that_are_not_numbers_are_refused(bad: object):
    metrics = Metrics(namespace="Shop")
    with pytest.raises(MetricValueError, match="finite int or float"):
        metrics.add_metric("Latency", MetricUnit.Seconds, bad)  # type: ignore[arg-type]
    assert flushed(metrics) == []


def test_other_real_numbers_become_floats():
    metrics = Metrics(namespace="Shop")
    metrics.add_metric("Price", MetricUnit.NoUnit, Decimal("2.5"))  # type: ignore[arg-type]
    [document] = flushed(metrics)
    check_document(document)
    assert document["Price"] == 2.5
    assert document["_aws"]["CloudWatchMetrics"][0]["Metrics"][0]["Unit"] == "None"


@pytest.mark.parametrize("name", ["", "   ", "x" * 256, "_aws", 3])
def test_bad_metric_names_are_refused(name: object):
    with pytest.raises(MetricValueError, match="metric name"):
        Metrics(namespace="Shop").add_metric(name, MetricUnit.Count, 1)  # type: ignore[arg-type]


def test_thirty_dimensions_fit_and_the_thirty_first_is_an_error():
    metrics = Metrics(namespace="Shop", service="orders")  # service counts as one
    for index in range(29):
        metrics.add_dimension(f"d{index}", "v")
    with pytest.raises(DimensionLimitError) as caught:
        metrics.add_dimension("one_too_many", "v")
    assert caught.value.count == 31 and caught.value.limit == 30
    assert "one_too_many" in str(caught.value) and "30" in str(caught.value)
    with pytest.raises(DimensionLimitError):
        metrics.add_dimensions({f"e{index}": "v" for index in range(30)})
    with pytest.raises(DimensionLimitError):
        metrics.set_default_dimensions(extra="v")
    metrics.add_metric("A", MetricUnit.Count, 1)
    [document] = flushed(metrics)
    check_document(document)
    assert len(document["_aws"]["CloudWatchMetrics"][0]["Dimensions"][0]) == 30


def test_dimension_values_are_strings():
    metrics = Metrics(namespace="Shop")
    metrics.add_dimension("attempt", 3)  # type: ignore[arg-type]
    metrics.add_dimension("retried", True)  # type: ignore[arg-type]
    for bad in ({"a": 1}, None, "", "  ", "x" * 1025, "café"):
        with pytest.raises(DimensionError, match="'bad'"):
            metrics.add_dimension("bad", bad)  # type: ignore[arg-type]
    metrics.add_metric("A", MetricUnit.Count, 1)
    [document] = flushed(metrics)
    check_document(document)
    assert document["attempt"] == "3" and document["retried"] == "True"


def test_a_dimension_name_keeps_one_value_per_flush():
    metrics = Metrics(namespace="Shop")
    metrics.set_default_dimensions(stage="prod")
    metrics.add_dimension("stage", "canary")  # overriding a default is allowed
    metrics.add_dimension("stage", "canary")  # the same value again is fine
    with pytest.raises(DimensionError, match="already has the value 'canary'"):
        metrics.add_dimension("stage", "beta")
    with pytest.raises(DimensionError):
        metrics.add_dimensions(stage="beta")
    metrics.add_metric("A", MetricUnit.Count, 1)
    [document] = flushed(metrics)
    assert document["stage"] == "canary"


def test_names_are_not_shared_between_metrics_dimensions_and_metadata():
    metrics = Metrics(namespace="Shop")
    metrics.add_metric("A", MetricUnit.Count, 1)
    metrics.add_dimension("d", "v")
    metrics.add_metadata("m", "v")
    with pytest.raises(DimensionError):
        metrics.add_dimension("A", "v")
    with pytest.raises(DimensionError):
        metrics.add_dimension("m", "v")
    with pytest.raises(DimensionError):
        metrics.set_default_dimensions(A="v")
    with pytest.raises(DimensionError):
        metrics.add_metadata("A", 1)
    with pytest.raises(DimensionError):
        metrics.add_metadata("d", 1)
    with pytest.raises(DimensionError):
        metrics.add_metadata("_aws", 1)
    with pytest.raises(MetricValueError):
        metrics.add_metric("d", MetricUnit.Count, 1)
    with pytest.raises(MetricValueError):
        metrics.add_metric("m", MetricUnit.Count, 1)
    metrics.add_dimensions(extra="x")
    with pytest.raises(MetricValueError):
        metrics.add_metric("extra", MetricUnit.Count, 1)
    metrics.set_default_dimensions(stage="prod")
    metrics.clear_default_dimensions()  # frees "stage" but not this flush's names
    metrics.add_metric("stage", MetricUnit.Count, 1)
    for taken in ("d", "m", "extra"):
        with pytest.raises(MetricValueError):
            metrics.add_metric(taken, MetricUnit.Count, 1)


def test_dimension_sets(capsys: pytest.CaptureFixture[str]):
    metrics = Metrics(namespace="Shop", service="orders")
    metrics.add_dimension("region", "eu-west-1")
    metrics.add_dimensions(tenant="t-1", plan="pro")
    metrics.add_dimensions({"tenant": "t-1"})
    metrics.add_dimensions({"tenant": "t-1"})  # the same set twice is written once
    metrics.add_metric("Orders", MetricUnit.Count, 1)
    metrics.flush_metrics()
    [document] = parse(capsys.readouterr().out)
    assert document["_aws"]["CloudWatchMetrics"][0]["Dimensions"] == [
        ["service", "region"],
        ["service", "tenant", "plan"],
        ["service", "tenant"],
    ]
    assert (document["tenant"], document["plan"], document["region"]) == ("t-1", "pro", "eu-west-1")


def test_metadata_that_json_cannot_encode_is_written_as_text(capsys: pytest.CaptureFixture[str]):
    metrics = Metrics(namespace="Shop")
    metrics.add_metadata("when", Decimal("1.5"))
    metrics.add_metadata("nested", {"a": [1, 2]})
    metrics.add_metric("A", MetricUnit.Count, 1)
    metrics.flush_metrics()
    [document] = parse(capsys.readouterr().out)
    assert document["when"] == "1.5" and document["nested"] == {"a": [1, 2]}


def test_no_namespace_is_a_schema_error_at_flush_that_keeps_the_metrics():
    metrics = Metrics()
    metrics.add_metric("A", MetricUnit.Count, 1)
    with pytest.raises(SchemaValidationError, match="TOOLKIT_METRICS_NAMESPACE"):
        metrics.flush_metrics()
    # nothing was taken: the metrics are still there, and a flush still says why it fails
    with pytest.raises(SchemaValidationError, match="TOOLKIT_METRICS_NAMESPACE"):
        metrics.serialize_metric_set()  # serialising never empties the buffer
    metrics.clear_metrics()
    assert flushed(metrics) == []


def test_clear_metrics_drops_the_buffer(capsys: pytest.CaptureFixture[str]):
    metrics = Metrics(namespace="Shop")
    metrics.add_metric("A", MetricUnit.Count, 1)
    metrics.clear_metrics()
    assert flushed(metrics) == []
    metrics.set_default_dimensions(stage="prod")
    metrics.clear_default_dimensions()
    metrics.add_metric("B", MetricUnit.Count, 1)
    [document] = flushed(metrics)
    assert "stage" not in document


@pytest.mark.parametrize(
    ("environ", "namespace", "service"),
    [
        ({"TOOLKIT_METRICS_NAMESPACE": "T", "TOOLKIT_SERVICE_NAME": "ts"}, "T", "ts"),
        ({"POWERTOOLS_METRICS_NAMESPACE": "P", "POWERTOOLS_SERVICE_NAME": "ps"}, "P", "ps"),
        (
            {
                "TOOLKIT_METRICS_NAMESPACE": "T",
                "POWERTOOLS_METRICS_NAMESPACE": "P",
                "TOOLKIT_SERVICE_NAME": "ts",
                "POWERTOOLS_SERVICE_NAME": "ps",
            },
            "T",
            "ts",
        ),
    ],
)
def test_namespace_and_service_from_the_environment(
    environ: dict[str, str], namespace: str, service: str, capsys: pytest.CaptureFixture[str]
):
    with config.environ(environ):
        metrics = Metrics()
    metrics.add_metric("A", MetricUnit.Count, 1)
    metrics.flush_metrics()
    [document] = parse(capsys.readouterr().out)
    assert document["_aws"]["CloudWatchMetrics"][0]["Namespace"] == namespace
    assert document["service"] == service


def test_arguments_win_over_the_environment():
    with config.environ({"TOOLKIT_METRICS_NAMESPACE": "T", "TOOLKIT_SERVICE_NAME": "ts"}):
        metrics = Metrics(namespace="Arg", service="arg")
    assert (metrics.namespace, metrics.service) == ("Arg", "arg")
    assert repr(metrics) == "Metrics(namespace='Arg', service='arg')"


@pytest.mark.parametrize("variable", ["TOOLKIT_METRICS_DISABLED", "POWERTOOLS_METRICS_DISABLED"])
def test_disabled_prints_nothing_and_still_empties_the_buffer(
    variable: str, capsys: pytest.CaptureFixture[str]
):
    with config.environ({variable: "true"}):
        metrics = Metrics(namespace="Shop")
    metrics.add_metric("A", MetricUnit.Count, 1)
    metrics.flush_metrics()
    assert capsys.readouterr().out == ""
    assert flushed(metrics) == []
    with config.environ({variable: "true"}):
        no_namespace = Metrics()
    no_namespace.add_metric("A", MetricUnit.Count, 1)
    no_namespace.flush_metrics(raise_on_empty_metrics=True)  # disabled: nothing is checked
    no_namespace.flush_metrics(raise_on_empty_metrics=True)
    assert capsys.readouterr().out == ""


def test_same_namespace_shares_a_buffer_other_namespaces_do_not(
    capsys: pytest.CaptureFixture[str],
):
    handler_metrics = Metrics(namespace="Shop", service="orders")
    helper_metrics = Metrics(namespace="Shop")  # e.g. module level in a helper module
    other = Metrics(namespace="Billing")
    helper_metrics.add_metric("FromHelper", MetricUnit.Count, 1)
    helper_metrics.add_dimension("helper", "yes")
    other.add_metric("Elsewhere", MetricUnit.Count, 1)
    handler_metrics.add_metric("FromHandler", MetricUnit.Count, 1)
    handler_metrics.flush_metrics()
    [document] = parse(capsys.readouterr().out)
    assert metric_names(document) == ["FromHelper", "FromHandler"]
    assert document["helper"] == "yes" and document["service"] == "orders"
    assert "Elsewhere" not in document
    assert flushed(helper_metrics) == []
    [billing] = flushed(other)
    assert metric_names(billing) == ["Elsewhere"] and "service" not in billing


def test_an_explicit_service_wins_over_an_earlier_one_in_the_shared_buffer():
    with config.environ({"TOOLKIT_SERVICE_NAME": "from-env"}):
        Metrics(namespace="Shop")
        explicit = Metrics(namespace="Shop", service="explicit")
        Metrics(namespace="Shop")  # reads the environment again but does not override
    explicit.add_metric("A", MetricUnit.Count, 1)
    [document] = flushed(explicit)
    assert document["service"] == "explicit"


def test_public_names_resolve_from_toolkit():
    assert toolkit.Metrics is Metrics
    assert toolkit.MetricUnit is MetricUnit
    assert toolkit.MetricResolution is MetricResolution
    assert toolkit.single_metric is metrics_module.single_metric


def test_importing_metrics_stays_light():
    code = (
        "import sys, toolkit.metrics, toolkit\n"
        "toolkit.Metrics\n"
        "heavy = {'boto3', 'botocore', 'aws_xray_sdk', 'pydantic'} & set(sys.modules)\n"
        "assert not heavy, heavy\n"
    )
    from tests.conftest import subprocess_env

    subprocess.run([sys.executable, "-c", code], check=True, env=subprocess_env())


def test_many_distinct_metric_names_keep_working():
    """The cache of validated definitions is bounded; clearing it changes nothing visible."""
    metrics = Metrics(namespace="Shop")
    metrics.add_metric("kept", MetricUnit.Count, 1)
    for index in range(2100):
        metrics.add_metric(f"n{index}", MetricUnit.Count, 1)
    metrics.add_metric("kept", MetricUnit.Count, 2)
    documents = flushed(metrics)
    assert values(documents, "kept") == [1, 2]
    assert sum(len(metric_names(d)) for d in documents) == 2101


def test_int_and_float_subclasses_are_numbers():
    class Level(int):
        pass

    metrics = Metrics(namespace="Shop")
    metrics.add_metric("Level", MetricUnit.Count, Level(3))
    [document] = flushed(metrics)
    assert document["Level"] == 3


def test_threads_adding_while_flushing_lose_nothing(capsys: pytest.CaptureFixture[str]):
    metrics = Metrics(namespace="Shop")
    per_thread = 2000

    def add(thread: int) -> None:
        for value in range(per_thread):
            metrics.add_metric(f"t{thread}", MetricUnit.Count, value)

    threads = [threading.Thread(target=add, args=(n,)) for n in range(4)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # some flushes find the buffer empty
        for thread in threads:
            thread.start()
        while any(thread.is_alive() for thread in threads):
            metrics.flush_metrics()
        for thread in threads:
            thread.join()
        metrics.flush_metrics()
    documents = parse(capsys.readouterr().out)
    for thread in range(4):
        assert values(documents, f"t{thread}") == list(range(per_thread))


def test_written_lines_and_serialized_documents_agree(capsys: pytest.CaptureFixture[str]):
    metrics = Metrics(namespace="Shop", service="orders")
    metrics.add_dimension("region", "eu")
    metrics.add_dimensions(tenant="t-1")
    metrics.add_metadata("request", {"id": "r-1"})
    for value in range(3):
        metrics.add_metric("Busy", MetricUnit.Milliseconds, value / 2, resolution=1)
    metrics.add_metric("Orders", MetricUnit.Count, 2)
    serialized = check_document(metrics.serialize_metric_set())  # the buffer stays
    metrics.flush_metrics()
    [written] = parse(capsys.readouterr().out)
    assert written.pop("Orders") == 2 and serialized.pop("Orders") == [2.0]  # see test_emf_shape
    assert serialized["_aws"].pop("Timestamp") <= written["_aws"].pop("Timestamp")
    assert written == serialized


def test_cached_directive_follows_changes_of_the_default_dimensions(
    capsys: pytest.CaptureFixture[str],
):
    # The usual flush reuses its encoded Namespace/Dimensions: changing the defaults, or
    # mutating a returned document, must not leave a stale or corrupted one behind.
    metrics = Metrics(namespace="Cached", service="orders")
    metrics.add_metric("A", MetricUnit.Count, 1)
    returned = metrics.serialize_metric_set()
    returned["_aws"]["CloudWatchMetrics"][0]["Dimensions"][0].append("tampered")
    returned["service"] = "tampered"
    metrics.flush_metrics()
    metrics.set_default_dimensions(region="eu")
    metrics.add_metric("A", MetricUnit.Count, 2)
    metrics.flush_metrics()
    metrics.clear_default_dimensions()
    metrics.add_metric("A", MetricUnit.Count, 3)
    metrics.flush_metrics()
    first, second, third = parse(capsys.readouterr().out)
    dimensions = [d["_aws"]["CloudWatchMetrics"][0]["Dimensions"] for d in (first, second, third)]
    # clear_default_dimensions drops region but not the service, as in Powertools
    assert dimensions == [[["service"]], [["service", "region"]], [["service"]]]
    assert first["service"] == "orders" and second["region"] == "eu"
    assert "region" not in third and [d["A"] for d in (first, second, third)] == [1, 2, 3]


def test_metadata_is_encoded_with_str_and_refuses_nothing_after_a_plain_flush(
    capsys: pytest.CaptureFixture[str],
):
    metrics = Metrics(namespace="Plain")
    metrics.add_metric("A", MetricUnit.Count, 1.5)
    metrics.flush_metrics()
    metrics.add_metric("A", MetricUnit.Count, 2)
    metrics.add_metadata("when", Decimal("1.25"))
    metrics.flush_metrics()
    first, second = parse(capsys.readouterr().out)
    assert first["A"] == 1.5 and second["A"] == 2 and second["when"] == "1.25"
