"""The built-in sample events and reading the event of an invocation.

The samples are real payloads (see ``events/NOTICE``) stored next to this module, so that
``toolkit invoke --event-name sqs`` works without any file of the user's.
"""

from __future__ import annotations

import codecs
import json
import sys
from pathlib import Path

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
