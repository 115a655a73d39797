"""Adding 100 distinct metrics and flushing them as EMF, ours against Powertools' Metrics.

The floor builds the same EMF document by hand (one dict, one json.dumps, one print), which
is the least any EMF library can do. stdout is pointed at /dev/null around the timed loop; the
verification pass reads it back and counts the metrics that came out.
"""

from __future__ import annotations

import json
import time
from time import perf_counter_ns
from typing import Any

from common import SERVICE, Case, CountingSink, devnull, lambda_env, stdout_to
from harness import Result, Settings, Side, interleave, median, spreads
from harness import verify as verify_sides

VERIFY_N = 3
COUNT = 100
NAMES = [f"metric_{index:03d}" for index in range(COUNT)]
NAMESPACE = "Bench"


def _case(add: Any, flush: Any, verify: bool) -> Case:
    out = CountingSink() if verify else devnull()

    def run(n: int) -> int:
        with stdout_to(out):
            start = perf_counter_ns()
            for _ in range(n):
                for name in NAMES:
                    add(name, 1)
                flush()
            return perf_counter_ns() - start

    def check() -> dict[str, Any]:
        names: set[str] = set()
        documents = 0
        for line in out.lines():
            doc = json.loads(line)
            documents += 1
            for directive in doc["_aws"]["CloudWatchMetrics"]:
                names.update(m["Name"] for m in directive["Metrics"])
        return {"documents": documents, "distinct_metrics": len(names)}

    return Case(run, check, warmup=20)


def ours(verify: bool) -> Case:
    from toolkit.metrics import Metrics, MetricUnit

    metrics = Metrics(namespace=NAMESPACE, service=SERVICE)
    count = MetricUnit.Count

    def add(name: str, value: float) -> None:
        metrics.add_metric(name=name, unit=count, value=value)

    return _case(add, metrics.flush_metrics, verify)


def theirs(verify: bool) -> Case:
    import warnings

    from aws_lambda_powertools import Metrics
    from aws_lambda_powertools.metrics import MetricUnit

    # Powertools publishes by itself when the 100th metric arrives, so its flush_metrics()
    # then finds nothing and warns; the warning is not what is measured.
    warnings.simplefilter("ignore")
    metrics = Metrics(namespace=NAMESPACE, service=SERVICE)
    count = MetricUnit.Count

    def add(name: str, value: float) -> None:
        metrics.add_metric(name=name, unit=count, value=value)

    return _case(add, metrics.flush_metrics, verify)


def floor(verify: bool) -> Case:
    pending: dict[str, float] = {}

    def add(name: str, value: float) -> None:
        pending[name] = value

    def flush() -> None:
        document: dict[str, Any] = {
            "_aws": {
                "Timestamp": int(time.time() * 1000),
                "CloudWatchMetrics": [
                    {
                        "Namespace": NAMESPACE,
                        "Dimensions": [["service"]],
                        "Metrics": [{"Name": name, "Unit": "Count"} for name in pending],
                    }
                ],
            },
            "service": SERVICE,
        }
        document.update(pending)
        print(json.dumps(document, separators=(",", ":")))
        pending.clear()

    return _case(add, flush, verify)


CASES = {"ours": ours, "theirs": theirs, "floor": floor}


def run(settings: Settings, available: set[str]) -> list[Result]:
    env = lambda_env()
    roles = ["theirs", "floor"] + (["ours"] if "toolkit.metrics" in available else [])
    sides = {role: Side(__name__, role, env) for role in roles}
    checked = verify_sides(sides)
    problems = [
        f"{role}: {found['distinct_metrics']} distinct metrics written, expected {COUNT}"
        for role, found in checked.items()
        if found["distinct_metrics"] != COUNT
    ]
    samples = interleave(sides, settings, progress="100 metrics")
    ours_ns = median(samples["ours"]) if "ours" in samples else None
    theirs_ns = median(samples["theirs"])
    return [
        Result(
            f"add {COUNT} metrics + flush",
            "ns",
            ours_ns,
            theirs_ns,
            median(samples["floor"]),
            "hand-built EMF",
            "< theirs",
            None if ours_ns is None else ours_ns < theirs_ns,
            details={"verify": checked, "problems": problems, "samples": spreads(samples)},
        )
    ]
