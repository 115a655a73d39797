"""Batch processing: records per second for SQS, Kinesis and DynamoDB Streams events of
10,000 records, ours against Powertools' BatchProcessor and against a hand-written
``try/except`` loop doing the same work; and the speed-up of ``max_workers=8`` on a handler
that sleeps 1 ms per record.

Each side parses the event from JSON before every pass (untimed), as Lambda hands it over, so
no side can profit from state a previous pass left in the dicts. The record handler touches
what a real one would (the SQS body, the decoded Kinesis data, the deserialised DynamoDB new
image) so that lazy decoding is paid, and raises on one record in a hundred.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import time
from decimal import Decimal
from time import perf_counter_ns
from typing import Any

from common import Case, context, lambda_env
from events import BUILDERS, FAIL_EVERY
from harness import Result, Settings, Side, interleave, median, spreads
from harness import verify as verify_sides

VERIFY_N = 1
KINDS = ("sqs", "kinesis", "dynamodb")


class RecordFailed(Exception):
    """What the record handler raises for a record marked FAIL."""


# --- the work each record handler does, on a typed record (ours, theirs) or a raw dict -------


def _sqs_theirs(record: Any) -> None:
    if "FAIL" in record.body:
        raise RecordFailed(record.message_id)


def _kinesis_theirs(record: Any) -> None:
    if b"FAIL" in record.kinesis.data_as_bytes():
        raise RecordFailed(record.kinesis.sequence_number)


def _dynamodb_theirs(record: Any) -> None:
    if record.dynamodb.new_image["Message"] == "FAIL":
        raise RecordFailed(record.dynamodb.sequence_number)


# Ours: the same work through toolkit's typed records (Kinesis data and DynamoDB images sit on
# the record itself there, decoded on first access).
def _sqs_ours(record: Any) -> None:
    if "FAIL" in record.body:
        raise RecordFailed(record.message_id)


def _kinesis_ours(record: Any) -> None:
    if b"FAIL" in record.data:
        raise RecordFailed(record.sequence_number)


def _dynamodb_ours(record: Any) -> None:
    if record.new_image["Message"] == "FAIL":
        raise RecordFailed(record.sequence_number)


THEIRS = {"sqs": _sqs_theirs, "kinesis": _kinesis_theirs, "dynamodb": _dynamodb_theirs}
OURS = {"sqs": _sqs_ours, "kinesis": _kinesis_ours, "dynamodb": _dynamodb_ours}


def _attribute(value: dict[str, Any]) -> Any:
    """DynamoDB's typed attribute to a Python value (the kinds a stream image carries)."""
    ((kind, raw),) = value.items()
    if kind in ("S", "B", "BOOL"):
        return raw
    if kind == "N":
        return Decimal(raw)
    if kind == "NULL":
        return None
    if kind == "M":
        return {k: _attribute(v) for k, v in raw.items()}
    if kind == "L":
        return [_attribute(v) for v in raw]
    if kind in ("SS", "BS"):
        return set(raw)
    if kind == "NS":
        return {Decimal(v) for v in raw}
    raise ValueError(f"unknown DynamoDB type {kind}")


# The floor: the raw dicts, handed to a plain handler doing the same work, in a try/except
# loop that builds the same failure list.
def _sqs_raw(record: dict[str, Any]) -> None:
    if "FAIL" in record["body"]:
        raise RecordFailed(record["messageId"])


def _kinesis_raw(record: dict[str, Any]) -> None:
    stream = record["kinesis"]
    if b"FAIL" in base64.b64decode(stream["data"]):
        raise RecordFailed(stream["sequenceNumber"])


def _dynamodb_raw(record: dict[str, Any]) -> None:
    image = {k: _attribute(v) for k, v in record["dynamodb"]["NewImage"].items()}
    if image["Message"] == "FAIL":
        raise RecordFailed(record["dynamodb"]["SequenceNumber"])


def _hand_loop(handler: Any, identifier: Any) -> Any:
    def process(event: dict[str, Any]) -> dict[str, Any]:
        failures = []
        for record in event["Records"]:
            try:
                handler(record)
            except Exception:
                failures.append({"itemIdentifier": identifier(record)})
        return {"batchItemFailures": failures}

    return process


HAND = {
    "sqs": _hand_loop(_sqs_raw, lambda record: record["messageId"]),
    "kinesis": _hand_loop(_kinesis_raw, lambda record: record["kinesis"]["sequenceNumber"]),
    "dynamodb": _hand_loop(_dynamodb_raw, lambda record: record["dynamodb"]["SequenceNumber"]),
}


# --- sides ---------------------------------------------------------------------------------


def _records() -> int:
    return int(os.environ["BENCH_RECORDS"])


def _case(kind: str, process: Any) -> Case:
    """Time ``process(event)`` over a fresh copy of the event each pass."""
    raw = json.dumps(BUILDERS[kind](_records()))
    responses: list[Any] = []

    def run(n: int) -> int:
        total = 0
        for _ in range(n):
            event = json.loads(raw)
            start = perf_counter_ns()
            response = process(event)
            total += perf_counter_ns() - start
            responses.append(response)
        return total

    def check() -> dict[str, Any]:
        ids = [item["itemIdentifier"] for item in responses[-1]["batchItemFailures"]]
        return {
            "records": _records(),
            "failures": len(ids),
            "expected_failures": _records() // FAIL_EVERY,
            "failure_ids_sha1": hashlib.sha1("\n".join(sorted(ids)).encode()).hexdigest(),
        }

    return Case(run, check, warmup=1)


def _ours_processor(kind: str, **options: Any) -> Any:
    from toolkit.batch import BatchProcessor, EventType

    event_type = {"sqs": EventType.SQS, "kinesis": EventType.KinesisDataStreams}.get(
        kind, EventType.DynamoDBStreams
    )
    return BatchProcessor(event_type, **options)


def ours(kind: str) -> Case:
    from toolkit.batch import process_partial_response

    processor = _ours_processor(kind)
    handler = OURS[kind]
    ctx = context()
    return _case(kind, lambda event: process_partial_response(event, handler, processor, ctx))


def theirs(kind: str) -> Case:
    from aws_lambda_powertools.utilities.batch import (
        BatchProcessor,
        EventType,
        process_partial_response,
    )

    event_type = {"sqs": EventType.SQS, "kinesis": EventType.KinesisDataStreams}.get(
        kind, EventType.DynamoDBStreams
    )
    processor = BatchProcessor(event_type=event_type)
    handler = THEIRS[kind]
    ctx = context()
    return _case(
        kind, lambda event: process_partial_response(event, handler, processor, context=ctx)
    )


def hand(kind: str) -> Case:
    return _case(kind, HAND[kind])


def _sleepy(record: Any) -> None:
    time.sleep(0.001)
    _sqs_ours(record)


def sleep_ours(max_workers: int | None) -> Case:
    from toolkit.batch import process_partial_response

    options = {} if max_workers is None else {"max_workers": max_workers}
    processor = _ours_processor("sqs", **options)
    ctx = context()
    return _case("sqs", lambda event: process_partial_response(event, _sleepy, processor, ctx))


CASES: dict[str, Any] = {}
for _kind in KINDS:
    CASES[f"ours_{_kind}"] = lambda verify, kind=_kind: ours(kind)
    CASES[f"theirs_{_kind}"] = lambda verify, kind=_kind: theirs(kind)
    CASES[f"hand_{_kind}"] = lambda verify, kind=_kind: hand(kind)
CASES["sleep_sequential"] = lambda verify: sleep_ours(None)
CASES["sleep_workers8"] = lambda verify: sleep_ours(8)


# --- orchestration ---------------------------------------------------------------------------


def _rate(records: int) -> Any:
    def show(ns_per_event: float) -> str:
        return f"{records / (ns_per_event / 1e9):,.0f} rec/s"

    return show


def run(settings: Settings, available: set[str]) -> list[Result]:
    has_ours = "toolkit.batch" in available
    results = []
    records = settings.batch_records
    env = lambda_env(BENCH_RECORDS=str(records))
    for kind in KINDS:
        roles = {"theirs": f"theirs_{kind}", "floor": f"hand_{kind}"}
        if has_ours:
            roles["ours"] = f"ours_{kind}"
        sides = {role: Side(__name__, case, env) for role, case in roles.items()}
        checked = verify_sides(sides)
        digests = {found["failure_ids_sha1"] for found in checked.values()}
        problems = [
            f"{role}: {found['failures']} failures reported, expected {found['expected_failures']}"
            for role, found in checked.items()
            if found["failures"] != found["expected_failures"]
        ]
        if len(digests) > 1:
            problems.append("the sides reported different failed records")
        samples = interleave(
            sides, settings, fixed_n=1, rounds=settings.batch_rounds, progress=f"batch {kind}"
        )
        ours_ns = median(samples["ours"]) if has_ours else None
        floor_ns = median(samples["floor"])
        results.append(
            Result(
                f"batch {kind}, {records:,} records",
                "ns",
                ours_ns,
                median(samples["theirs"]),
                floor_ns,
                "try/except loop",
                "<= 1.3x floor",
                None if ours_ns is None else ours_ns / floor_ns <= 1.3,
                display=_rate(records),
                details={
                    "verify": checked,
                    "problems": problems,
                    "samples_ns_per_event": spreads(samples),
                    "records_per_second": {
                        role: records / (median(values) / 1e9) for role, values in samples.items()
                    },
                },
            )
        )
    if has_ours:
        results.append(_workers(settings))
    return results


def _workers(settings: Settings) -> Result:
    records = settings.sleep_records
    env = lambda_env(BENCH_RECORDS=str(records))
    sides = {
        "sequential": Side(__name__, "sleep_sequential", env),
        "workers8": Side(__name__, "sleep_workers8", env),
    }
    checked = verify_sides(sides)
    problems = [
        f"{role}: {found['failures']} failures reported, expected {found['expected_failures']}"
        for role, found in checked.items()
        if found["failures"] != found["expected_failures"]
    ]
    samples = interleave(
        sides, settings, fixed_n=1, rounds=settings.sleep_rounds, progress="max_workers=8"
    )
    sequential = median(samples["sequential"])
    parallel = median(samples["workers8"])
    return Result(
        f"batch sqs, 1 ms/record, {records:,} records: max_workers=8 (floor: sequential)",
        "ns",
        parallel,
        None,
        sequential,
        "ours sequential",
        f"speed-up {sequential / parallel:.1f}x",
        None,
        display=_rate(records),
        details={"verify": checked, "problems": problems, "samples": spreads(samples)},
    )
