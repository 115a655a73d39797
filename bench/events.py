"""Realistic large batch events, grown from the AWS sample events in tests/events.

Every record is a copy of the sample with its own id (message id, sequence number) and its own
payload; one record in ``FAIL_EVERY`` carries the marker ``FAIL`` that makes the benchmark's
record handler raise, so partial-failure bookkeeping is paid as in real life.
"""

from __future__ import annotations

import base64
import copy
import json
import os
import uuid
from pathlib import Path
from typing import Any

FAIL_EVERY = 100


def _events_dir() -> Path:
    """Where the AWS sample events are: ``$BENCH_EVENTS_DIR``, else the copies in the
    repository's tests/events (see the NOTICE there)."""
    override = os.environ.get("BENCH_EVENTS_DIR")
    return (
        Path(override) if override else Path(__file__).resolve().parent.parent / "tests" / "events"
    )


def _sample(name: str) -> dict[str, Any]:
    record: dict[str, Any] = json.loads((_events_dir() / name).read_text())["Records"][0]
    return record


def _payload(index: int) -> str:
    marker = "FAIL" if index % FAIL_EVERY == FAIL_EVERY - 1 else "ok"
    return json.dumps(
        {"order_id": index, "customer": f"customer-{index % 977}", "amount": 12.5, "state": marker}
    )


def sqs(count: int) -> dict[str, Any]:
    sample = _sample("sqsEvent.json")
    records = []
    for index in range(count):
        record = copy.deepcopy(sample)
        record["messageId"] = str(uuid.UUID(int=index + 1))
        record["body"] = _payload(index)
        records.append(record)
    return {"Records": records}


def kinesis(count: int) -> dict[str, Any]:
    sample = _sample("kinesisStreamEvent.json")
    base = int(sample["kinesis"]["sequenceNumber"])
    records = []
    for index in range(count):
        record = copy.deepcopy(sample)
        sequence = str(base + index)
        record["kinesis"]["sequenceNumber"] = sequence
        record["kinesis"]["partitionKey"] = str(index % 16)
        record["kinesis"]["data"] = base64.b64encode(_payload(index).encode()).decode()
        record["eventID"] = f"shardId-000000000006:{sequence}"
        records.append(record)
    return {"Records": records}


def dynamodb(count: int) -> dict[str, Any]:
    sample = _sample("dynamoStreamEvent.json")
    records = []
    for index in range(count):
        record = copy.deepcopy(sample)
        marker = "FAIL" if index % FAIL_EVERY == FAIL_EVERY - 1 else f"order {index}"
        record["eventID"] = str(index + 1)
        stream = record["dynamodb"]
        stream["SequenceNumber"] = str(100_000_000 + index)
        stream["Keys"] = {"Id": {"N": str(index)}}
        stream["NewImage"] = {
            "Message": {"S": marker},
            "Id": {"N": str(index)},
            "Amount": {"N": "12.5"},
            "Paid": {"BOOL": True},
        }
        records.append(record)
    return {"Records": records}


BUILDERS = {"sqs": sqs, "kinesis": kinesis, "dynamodb": dynamodb}
