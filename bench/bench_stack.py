"""The full stack per invocation: ``inject_lambda_context`` + ``capture_lambda_handler`` +
``log_metrics`` around a handler that adds one metric, ours against Powertools', with tracing
disabled and enabled.

Tracing enabled means what Lambda's environment says: ``LAMBDA_TASK_ROOT`` set, a sampled
``_X_AMZN_TRACE_ID`` (a new one every invocation, as the runtime does) and
``AWS_XRAY_DAEMON_ADDRESS`` pointing at a UDP socket of the orchestrator that drains and counts
the segments. Metrics go to stdout, which is pointed at /dev/null around the timed loop on
every side (the bare handler's too, so the redirection cancels out of the overhead).
"""

from __future__ import annotations

import json
import os
import sys
import time
from time import perf_counter_ns
from typing import Any

from common import SERVICE, Case, CountingSink, context, devnull, lambda_env, stdout_to
from harness import Result, Settings, Side, UdpSink, interleave, overhead_rows, spreads
from harness import verify as verify_sides

VERIFY_N = 20
EVENT = {"path": "/orders", "httpMethod": "POST", "body": '{"id": 1}'}
RESPONSE = {"statusCode": 200, "body": "ok"}
NAMESPACE = "Bench"


def _trace_headers(count: int = 1024) -> list[str]:
    epoch = f"{int(time.time()):08x}"
    return [
        f"Root=1-{epoch}-{index:024x};Parent={index + 1:016x};Sampled=1" for index in range(count)
    ]


def _case(handler: Any, verify: bool) -> Case:
    """Time ``handler`` per invocation, with stdout on /dev/null (a counting sink when
    verifying) and, when tracing is on, a fresh trace header per invocation."""
    tracing = bool(os.environ.get("AWS_XRAY_DAEMON_ADDRESS"))
    headers = _trace_headers()
    environ = os.environ
    out = CountingSink() if verify else devnull()
    ctx = context()
    event = dict(EVENT)
    responses: list[Any] = []
    with stdout_to(out):
        handler(event, ctx)  # the cold start is not what we time

    def run(n: int) -> int:
        with stdout_to(out):
            start = perf_counter_ns()
            for i in range(n):
                if tracing:
                    environ["_X_AMZN_TRACE_ID"] = headers[i & 1023]
                response = handler(event, ctx)
            elapsed = perf_counter_ns() - start
        responses.append(response)
        return elapsed

    def check() -> dict[str, Any]:
        emf = []
        for line in out.lines():
            try:
                emf.append(json.loads(line))
            except ValueError:
                continue
        return {
            **out.stats(),
            "response_ok": all(r == RESPONSE for r in responses),
            "emf_docs": sum(1 for doc in emf if "Orders" in doc and "_aws" in doc),
            "xray_loaded": "aws_xray_sdk" in sys.modules,
        }

    return Case(run, check, warmup=500)


def bare(verify: bool) -> Case:
    def handler(event: Any, context: Any) -> dict[str, Any]:
        return RESPONSE

    return _case(handler, verify)


def ours(verify: bool) -> Case:
    from toolkit.logging import Logger
    from toolkit.metrics import Metrics, MetricUnit
    from toolkit.tracing import Tracer

    logger = Logger(service=SERVICE, stream=CountingSink() if verify else devnull())
    tracer = Tracer(service=SERVICE)
    metrics = Metrics(namespace=NAMESPACE, service=SERVICE)

    @logger.inject_lambda_context
    @tracer.capture_lambda_handler
    @metrics.log_metrics
    def handler(event: Any, context: Any) -> dict[str, Any]:
        metrics.add_metric(name="Orders", unit=MetricUnit.Count, value=1)
        return RESPONSE

    return _case(handler, verify)


def theirs(verify: bool) -> Case:
    from aws_lambda_powertools import Logger, Metrics, Tracer
    from aws_lambda_powertools.metrics import MetricUnit

    logger = Logger(service=SERVICE, stream=CountingSink() if verify else devnull())
    tracer = Tracer(service=SERVICE)
    metrics = Metrics(namespace=NAMESPACE, service=SERVICE)

    @logger.inject_lambda_context
    @tracer.capture_lambda_handler
    @metrics.log_metrics
    def handler(event: Any, context: Any) -> dict[str, Any]:
        metrics.add_metric(name="Orders", unit=MetricUnit.Count, value=1)
        return RESPONSE

    return _case(handler, verify)


CASES = {"bare": bare, "ours": ours, "theirs": theirs}


def _env(tracing: bool, daemon: str | None = None) -> dict[str, str | None]:
    env: dict[str, str | None] = dict(lambda_env(LAMBDA_TASK_ROOT="/var/task"))
    if tracing:
        env.update(
            _X_AMZN_TRACE_ID=_trace_headers(1)[0],
            AWS_XRAY_DAEMON_ADDRESS=daemon,
            AWS_XRAY_CONTEXT_MISSING="LOG_ERROR",
        )
    else:
        env["POWERTOOLS_TRACE_DISABLED"] = "true"
    return env


def _run_mode(
    settings: Settings, available: set[str], tracing: bool
) -> tuple[dict[str, list[float]], dict[str, Any]]:
    roles = ["bare", "theirs"] + (
        ["ours"] if {"toolkit.tracing", "toolkit.metrics"} <= available else []
    )
    sinks = {role: UdpSink() for role in roles} if tracing else {}
    try:

        def sides() -> dict[str, Side]:
            return {
                role: Side(__name__, role, _env(tracing, sinks[role].address if tracing else None))
                for role in roles
            }

        checked = verify_sides(sides())
        time.sleep(0.3)  # let the drain threads catch the last datagrams
        for role, sink in sinks.items():
            checked[role]["udp_datagrams"] = sink.datagrams
            checked[role]["udp_bytes"] = sink.bytes
        label = "full stack, tracing " + ("on" if tracing else "off")
        samples = interleave(sides(), settings, progress=label)
        details: dict[str, Any] = {"verify": checked, "samples": spreads(samples)}
        if tracing:
            details["udp_datagrams_total"] = {role: s.datagrams for role, s in sinks.items()}
    finally:
        for sink in sinks.values():
            sink.close()
    problems = []
    for role in ("ours", "theirs"):
        found = checked.get(role)
        if not found:
            continue
        if not found["response_ok"]:
            problems.append(f"{role}: wrong response")
        if found["emf_docs"] < VERIFY_N:
            problems.append(f"{role}: {found['emf_docs']} EMF documents for {VERIFY_N}+ calls")
        if tracing and not found.get("udp_datagrams"):
            problems.append(f"{role}: no segment reached the daemon")
        if not tracing and role == "ours" and found["xray_loaded"]:
            problems.append("ours imported aws_xray_sdk with tracing disabled")
    details["problems"] = problems
    return samples, details


def run(settings: Settings, available: set[str]) -> list[Result]:
    results = []
    samples, details = _run_mode(settings, available, tracing=False)
    results += overhead_rows(
        "full stack, tracing off", samples, details, base="bare", target_ratio=0.2
    )
    samples, details = _run_mode(settings, available, tracing=True)
    results += overhead_rows("full stack, tracing on (UDP)", samples, details, base="bare")
    return results
