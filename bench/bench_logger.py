"""Logger: a line inside a decorated handler, a disabled debug call, and the cost of
``inject_lambda_context`` plus three no-op middlewares per invocation.

Sides run in separate children (see worker.py); both loggers write to a text file on
/dev/null, the same sink as the floor's. A verification pass first runs every side against a
counting sink and checks the lines really were written, with the Lambda keys in them.
"""

from __future__ import annotations

import json
import os
from time import perf_counter_ns
from typing import Any

from common import SERVICE, Case, CountingSink, context, devnull, lambda_env
from harness import Result, Settings, Side, interleave, median, overhead_rows, spreads
from harness import verify as verify_sides

VERIFY_N = 10

# The floor's line: what a Lambda-aware JSON logger writes for logger.info("msg", k=i), made
# once; the floor only serialises it and writes it, as the issue defines it.
FLOOR_LINE: dict[str, Any] = {
    "level": "INFO",
    "location": "handler:42",
    "message": "msg",
    "timestamp": "2026-11-23 00:45:00,123+0000",
    "service": SERVICE,
    "cold_start": False,
    "function_name": "bench-function",
    "function_memory_size": "512",
    "function_arn": "arn:aws:lambda:us-east-1:123456789012:function:bench-function",
    "function_request_id": "c6af9ac6-7b61-11e6-9a41-93e812345678",
    "k": 0,
}


def _sink(verify: bool) -> Any:
    return CountingSink() if verify else devnull()


def _line_buffered_sink(verify: bool) -> Any:
    """/dev/null flushed at every line, like stdout under the Lambda runtime (which makes it
    unbuffered): every side then pays one write(2) per line, flushing or not."""
    return CountingSink() if verify else open(os.devnull, "w", buffering=1)


def _line_checks(sink: Any, expected: int) -> dict[str, Any]:
    if not isinstance(sink, CountingSink):
        return {}
    lines = sink.lines()
    parsed = [json.loads(line) for line in lines]
    keys = sorted(parsed[0]) if parsed else []
    return {
        **sink.stats(),
        "lines": len(lines),
        "expected_lines": expected,
        "keys": keys,
        "lambda_keys_present": all(
            "function_request_id" in p and "cold_start" in p and p.get("k") is not None
            for p in parsed
        ),
    }


def _ours_logger(stream: Any) -> Any:
    from toolkit import Logger

    return Logger(service=SERVICE, stream=stream)


def _theirs_logger(stream: Any) -> Any:
    from aws_lambda_powertools import Logger

    return Logger(service=SERVICE, stream=stream)


# --- logger.info inside a decorated handler -------------------------------------------------


def _info(make_logger: Any, verify: bool, make_sink: Any = _sink) -> Case:
    sink = make_sink(verify)
    logger = make_logger(sink)

    @logger.inject_lambda_context
    def handler(event: dict[str, int], context: Any) -> None:
        for i in range(event["n"]):
            logger.info("msg", k=i)

    ctx = context()
    handler({"n": 1}, ctx)  # the cold-start invocation is not what we time
    calls = [0]

    def run(n: int) -> int:
        calls[0] += n
        start = perf_counter_ns()
        handler({"n": n}, ctx)
        return perf_counter_ns() - start

    return Case(run, lambda: _line_checks(sink, calls[0] + 1), warmup=2000)


def info_floor(verify: bool, make_sink: Any = _sink) -> Case:
    sink = make_sink(verify)
    line = dict(FLOOR_LINE)
    dumps = json.dumps

    def run(n: int) -> int:
        start = perf_counter_ns()
        for i in range(n):
            line["k"] = i
            sink.write(dumps(line) + "\n")
        return perf_counter_ns() - start

    return Case(run, lambda: _line_checks(sink, VERIFY_N), warmup=2000)


# --- a disabled debug call ------------------------------------------------------------------


def _debug(make_logger: Any, verify: bool) -> Case:
    sink = _sink(verify)
    logger = make_logger(sink)

    @logger.inject_lambda_context
    def handler(event: dict[str, int], context: Any) -> None:
        for i in range(event["n"]):
            logger.debug("msg", k=i)

    ctx = context()
    handler({"n": 1}, ctx)

    def run(n: int) -> int:
        start = perf_counter_ns()
        handler({"n": n}, ctx)
        return perf_counter_ns() - start

    def check() -> dict[str, Any]:
        return {"chars_written": sink.chars, "silent": sink.chars == 0}

    return Case(run, check, warmup=5000)


def debug_floor(verify: bool) -> Case:
    import logging

    log = logging.getLogger("x")
    log.setLevel(logging.INFO)
    sink = _sink(verify)
    log.addHandler(logging.StreamHandler(sink))
    log.propagate = False

    def run(n: int) -> int:
        start = perf_counter_ns()
        for i in range(n):
            log.debug("msg", extra={"k": i})
        return perf_counter_ns() - start

    def check() -> dict[str, Any]:
        return {"chars_written": sink.chars, "silent": sink.chars == 0}

    return Case(run, check, warmup=5000)


# --- inject_lambda_context + 3 no-op middlewares, per invocation ----------------------------

EVENT = {"path": "/orders", "httpMethod": "GET", "body": None}
RESPONSE = {"statusCode": 200, "body": "ok"}


def _per_invocation(handler: Any, ctx: Any, check: Any = None) -> Case:
    event = dict(EVENT)
    handler(event, ctx)

    def run(n: int) -> int:
        start = perf_counter_ns()
        for _ in range(n):
            handler(event, ctx)
        return perf_counter_ns() - start

    def verify() -> dict[str, Any]:
        response = handler(event, ctx)
        return {"response_ok": response == RESPONSE, **(check() if check else {})}

    return Case(run, verify, warmup=2000)


def mw_bare(verify: bool) -> Case:
    def handler(event: Any, context: Any) -> dict[str, Any]:
        return RESPONSE

    return _per_invocation(handler, context())


def mw_ours(verify: bool) -> Case:
    from toolkit.middleware import middleware

    logger = _ours_logger(_sink(verify))
    seen: list[str] = []

    def noop(name: str) -> Any:
        @middleware
        def mw(handler: Any, event: Any, context: Any) -> Any:
            if verify:
                seen.append(name)
            return handler(event, context)

        return mw

    first, second, third = noop("a"), noop("b"), noop("c")

    @logger.inject_lambda_context
    @first
    @second
    @third
    def handler(event: Any, context: Any) -> dict[str, Any]:
        return RESPONSE

    return _per_invocation(handler, context(), lambda: {"middlewares_ran": "".join(seen[-3:])})


def mw_theirs(verify: bool) -> Case:
    from aws_lambda_powertools.middleware_factory import lambda_handler_decorator

    logger = _theirs_logger(_sink(verify))
    seen: list[str] = []

    def noop(name: str) -> Any:
        @lambda_handler_decorator
        def mw(handler: Any, event: Any, context: Any) -> Any:
            if verify:
                seen.append(name)
            return handler(event, context)

        return mw

    first, second, third = noop("a"), noop("b"), noop("c")

    @logger.inject_lambda_context
    @first
    @second
    @third
    def handler(event: Any, context: Any) -> dict[str, Any]:
        return RESPONSE

    return _per_invocation(handler, context(), lambda: {"middlewares_ran": "".join(seen[-3:])})


CASES = {
    "info_ours": lambda verify: _info(_ours_logger, verify),
    "info_theirs": lambda verify: _info(_theirs_logger, verify),
    "info_floor": info_floor,
    "info_lb_ours": lambda verify: _info(_ours_logger, verify, _line_buffered_sink),
    "info_lb_theirs": lambda verify: _info(_theirs_logger, verify, _line_buffered_sink),
    "info_lb_floor": lambda verify: info_floor(verify, _line_buffered_sink),
    "debug_ours": lambda verify: _debug(_ours_logger, verify),
    "debug_theirs": lambda verify: _debug(_theirs_logger, verify),
    "debug_floor": debug_floor,
    "mw_ours": mw_ours,
    "mw_theirs": mw_theirs,
    "mw_bare": mw_bare,
}


# --- orchestration -----------------------------------------------------------------------------


def run(settings: Settings, available: set[str]) -> list[Result]:
    env = lambda_env()
    has_ours = "toolkit.logging" in available

    def sides(ours: str, theirs: str, floor: str) -> dict[str, Side]:
        chosen = {"theirs": Side(__name__, theirs, env), "floor": Side(__name__, floor, env)}
        if has_ours:
            chosen["ours"] = Side(__name__, ours, env)
        return chosen

    results = []

    for prefix, label in (("info", ""), ("info_lb", ", line-buffered sink")):
        info = sides(f"{prefix}_ours", f"{prefix}_theirs", f"{prefix}_floor")
        checked = verify_sides(info)
        problems = [
            f"{role} wrote {found.get('lines')} lines, expected {found.get('expected_lines')}"
            for role, found in checked.items()
            if found.get("lines") != found.get("expected_lines")
            or not found.get("lambda_keys_present")
        ]
        samples = interleave(info, settings, progress=f"logger.info{label}")
        ours = median(samples["ours"]) if has_ours else None
        floor = median(samples["floor"])
        results.append(
            Result(
                f"logger.info in handler (per line{label})",
                "ns",
                ours,
                median(samples["theirs"]),
                floor,
                "json.dumps+write",
                "<= 2x floor",
                None if ours is None else ours / floor <= 2,
                details={"verify": checked, "problems": problems, "samples": spreads(samples)},
            )
        )

    debug = sides("debug_ours", "debug_theirs", "debug_floor")
    checked = verify_sides(debug)
    problems = [f"{role} wrote output" for role, found in checked.items() if not found["silent"]]
    samples = interleave(debug, settings, progress="disabled debug")
    ours = median(samples["ours"]) if has_ours else None
    floor = median(samples["floor"])
    results.append(
        Result(
            "disabled logger.debug (per call)",
            "ns",
            ours,
            median(samples["theirs"]),
            floor,
            "stdlib disabled debug",
            "<= 2x stdlib",
            None if ours is None else ours / floor <= 2,
            details={"verify": checked, "problems": problems, "samples": spreads(samples)},
        )
    )

    stack = sides("mw_ours", "mw_theirs", "mw_bare")
    checked = verify_sides(stack)
    problems = [
        f"{role}: response or middleware order differs ({found})"
        for role, found in checked.items()
        if not found.get("response_ok") or found.get("middlewares_ran", "abc") != "abc"
    ]
    samples = interleave(stack, settings, progress="inject_lambda_context + 3 middlewares")
    results.extend(
        overhead_rows(
            "inject_lambda_context + 3 no-op mw",
            samples,
            {"verify": checked, "problems": problems, "samples": spreads(samples)},
        )
    )
    return results
