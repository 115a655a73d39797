"""The built-in sample events and reading the event of an invocation.

The samples are real payloads (see ``events/NOTICE``) stored next to this module, so that
``toolkit invoke --event-name sqs`` works without any file of the user's.
"""

from __future__ import annotations

import codecs
import copy
import hashlib
import json
import re
import sys
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from toolkit.cli.errors import EventError

SAMPLES_DIR = Path(__file__).with_suffix("")

SAMPLES: dict[str, str] = {
    "alb": "Application Load Balancer request to a Lambda target",
    "apigw-authorizer": "API Gateway REST API Lambda authorizer, REQUEST type",
    "apigw-http": "API Gateway HTTP API request (payload format 2.0)",
    "apigw-rest": "API Gateway REST API proxy request (payload format 1.0)",
    "cloudformation-create": "CloudFormation custom resource Create request",
    "cloudwatch-logs": "CloudWatch Logs subscription (gzip+base64 log data)",
    "dynamodb": "DynamoDB Streams batch of INSERT/MODIFY records",
    "eventbridge": "EventBridge event (EC2 instance state change)",
    "firehose": "Kinesis Data Firehose transformation batch (direct PUT)",
    "function-url": "Lambda function URL request",
    "kafka-msk": "Amazon MSK (Kafka) batch of records",
    "kinesis": "Kinesis Data Streams batch of records (base64 data)",
    "s3": "S3 event notification (ObjectCreated:Put)",
    "s3-eventbridge": "S3 Object Created event delivered by EventBridge",
    "sns": "SNS notification",
    "sqs": "SQS standard queue batch of two messages",
    "sqs-fifo": "SQS FIFO queue message (its body is an SNS FIFO notification)",
}


def sample_text(name: str) -> str:
    """The JSON text of a built-in sample."""
    if name not in SAMPLES:
        raise EventError(
            name, f"no built-in sample event {name!r}; known: {', '.join(sorted(SAMPLES))}"
        )
    return (SAMPLES_DIR / f"{name}.json").read_text(encoding="utf-8")


def read_event_text(path: str | None, name: str | None) -> str:
    """The event's JSON text, checked once here so that a bad file is a usage error rather
    than a failure of the first invocation. ``{}`` when no event is given."""
    if name is not None:
        source, text = name, sample_text(name)
    elif path is None:
        return "{}"
    elif path == "-":
        source = "-"
        stdin = getattr(sys.stdin, "buffer", None)  # None when replaced by a text-only stream
        text = sys.stdin.read() if stdin is None else decode_event(stdin.read(), source)
    else:
        source = path
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise EventError(path, f"cannot read event file {path!r}: {exc.strerror}") from None
        text = decode_event(data, source)
    try:
        json.loads(text)
    except ValueError as exc:
        raise EventError(
            source, f"the event in {_where(source)} is not valid JSON: {exc}"
        ) from None
    return text


_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),  # what Windows PowerShell's `>` writes
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_event(data: bytes, source: str) -> str:
    """The text of an event file: UTF-8, or UTF-8 and UTF-16 with a byte order mark (editors
    and shells on Windows write those); anything else is an :class:`EventError` naming the
    file and what is wrong with it."""
    codec = next((codec for bom, codec in _BOMS if data.startswith(bom)), "utf-8")
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        raise EventError(
            source,
            f"the event in {_where(source)} is not {_NAMES[codec]} text (byte {exc.start} "
            "cannot be decoded); save it as UTF-8",
        ) from None
    if "\x00" in text:
        raise EventError(
            source,
            f"the event in {_where(source)} has NUL characters: UTF-16 or UTF-32 without a "
            "byte order mark? Save it as UTF-8",
        )
    return text


_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "utf-16": "UTF-16"}


def _where(source: str) -> str:
    return "standard input" if source == "-" else repr(source)


def list_samples() -> str:
    """One line per sample: name and what it is."""
    width = max(map(len, SAMPLES))
    return "".join(f"{name:<{width}}  {doc}\n" for name, doc in sorted(SAMPLES.items()))


_NUMBER = re.compile(r"\d+")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_HEX_ID = re.compile(r"[0-9a-f]{32}")
_SHARD_SEQUENCE = re.compile(r"(shardId-\d+):(\d+)")
ID_KEYS = frozenset(
    {"messageId", "MessageId", "eventID", "recordId", "sequenceNumber", "SequenceNumber", "offset"}
)
"""The fields that identify a record (SQS, SNS, Kinesis, DynamoDB Streams, Firehose, Kafka):
each generated record gets its own value, as a real batch has."""


def records_of(event: dict[str, Any]) -> list[Any] | None:
    """The event's list of records (``Records``, ``records``, or the first partition of a
    Kafka batch), ``None`` when it is not a batch."""
    for key in ("Records", "records"):
        records = event.get(key)
        if isinstance(records, list) and records:
            return records
        if isinstance(records, dict) and records:
            first = next(iter(records.values()))
            if isinstance(first, list) and first:
                return first
    return None


def _unique(value: Any, index: int) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        return value + index
    if not isinstance(value, str):
        return value
    if _UUID.fullmatch(value):
        return str(uuid.uuid4())
    if _HEX_ID.fullmatch(value):
        return uuid.uuid4().hex
    if _NUMBER.fullmatch(value):
        return str(int(value) + index)
    shard = _SHARD_SEQUENCE.fullmatch(value)
    if shard:
        return f"{shard.group(1)}:{int(shard.group(2)) + index}"
    return value


def _renumber(record: Any, index: int) -> None:
    if isinstance(record, dict):
        for key, value in record.items():
            if key in ID_KEYS:
                record[key] = _unique(value, index)
            else:
                _renumber(value, index)


def _assign(target: Any, path: str, text: str) -> None:
    """Set ``path`` (dotted; list positions as numbers) in ``target`` to ``text``: as is where
    the field holds a string, else parsed as JSON when it is JSON."""
    *parents, last = path.split(".")
    for part in parents:
        if isinstance(target, list) and part.isdigit() and int(part) < len(target):
            target = target[int(part)]
        elif isinstance(target, dict):
            target = target.setdefault(part, {})
        else:
            raise EventError(path, f"--set {path}: {part!r} is not a field here")
    if not isinstance(target, dict):
        raise EventError(path, f"--set {path}: {last!r} is not a field here")
    if isinstance(target.get(last), str):
        target[last] = text
        return
    try:
        target[last] = json.loads(text)
    except ValueError:
        target[last] = text


def generate(name: str, assignments: Sequence[tuple[str, str]], count: int | None) -> str:
    """A sample shaped for a test, as ``sam local generate-event`` does: ``count`` records
    (copies of the sample's first, each with its own ids), every ``path=value`` of ``assignments``
    set in each record (in the event itself when it is not a batch)."""
    event = json.loads(sample_text(name))
    records = records_of(event)
    if records is None:
        if count is not None:
            raise EventError(name, f"--count: the {name!r} sample is not a batch of records")
        targets: list[Any] = [event]
    else:
        if count is not None:
            first = records[0]
            records[:] = [copy.deepcopy(first) for _ in range(count)]
            for index, record in enumerate(records):
                _renumber(record, index)
        targets = records
    for target in targets:
        for path, text in assignments:
            _assign(target, path, text)
        if (
            isinstance(target, dict)
            and "md5OfBody" in target
            and isinstance(target.get("body"), str)
        ):
            target["md5OfBody"] = hashlib.md5(
                target["body"].encode(), usedforsecurity=False
            ).hexdigest()
    return json.dumps(event, indent=2, ensure_ascii=False) + "\n"
