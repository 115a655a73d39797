"""Typed views of batch records.

Each record type wraps the raw dict Lambda delivered and computes what is asked for when it
is asked for (decoded data, parsed JSON, deserialised images), caching it in a slot. Building
one costs a single small allocation, which matters at 10,000 records a batch. The cache slots
start as ``_UNSET`` rather than empty: reading an empty slot raises ``AttributeError``, and
catching it cost more than a microsecond per record. Reprs show the identifier only: bodies
may hold secrets.
"""

from __future__ import annotations

import json
from binascii import a2b_base64
from collections.abc import Mapping

from toolkit._typing import TYPE_CHECKING
from toolkit.parser.attribute_values import deserialize_image

if TYPE_CHECKING:
    from typing import Any

__all__ = [
    "DynamoDBStreamRecord",
    "KinesisStreamRecord",
    "SQSMessageAttribute",
    "SQSRecord",
    "SQSRecordAttributes",
]

_UNSET: Any = object()  # a cache slot not computed yet (None can be a computed value)


class _RawRecord:
    __slots__ = ("_raw",)
    _raw: Mapping[str, Any]  # set by each record type's __init__, with its cache slots

    @property
    def raw_event(self) -> Mapping[str, Any]:
        """The record exactly as Lambda delivered it."""
        return self._raw

    def __getitem__(self, key: str) -> Any:
        return self._raw[key]

    @property
    def event_source_arn(self) -> str | None:
        return self._raw.get("eventSourceARN")

    @property
    def aws_region(self) -> str | None:
        return self._raw.get("awsRegion")


class SQSMessageAttribute:
    """One message attribute; ``binary_value`` is the base64 text Lambda delivers."""

    __slots__ = ("_raw",)

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self._raw = raw

    @property
    def data_type(self) -> str | None:
        return self._raw.get("dataType")

    @property
    def string_value(self) -> str | None:
        return self._raw.get("stringValue")

    @property
    def binary_value(self) -> str | None:
        return self._raw.get("binaryValue")

    def __repr__(self) -> str:
        return f"SQSMessageAttribute(data_type={self.data_type!r})"


class SQSRecordAttributes:
    """The system attributes of a message (``attributes`` in the record)."""

    __slots__ = ("_raw",)

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self._raw = raw

    def __getitem__(self, key: str) -> Any:
        return self._raw[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self._raw.get(key, default)

    @property
    def approximate_receive_count(self) -> int:
        """How many times the message was received: 1 on first delivery."""
        return int(self._raw.get("ApproximateReceiveCount", 0))

    @property
    def sent_timestamp(self) -> int | None:
        """Epoch milliseconds when the queue accepted the message."""
        raw = self._raw.get("SentTimestamp")
        return None if raw is None else int(raw)

    @property
    def approximate_first_receive_timestamp(self) -> int | None:
        raw = self._raw.get("ApproximateFirstReceiveTimestamp")
        return None if raw is None else int(raw)

    @property
    def sender_id(self) -> str | None:
        return self._raw.get("SenderId")

    @property
    def message_group_id(self) -> str | None:
        return self._raw.get("MessageGroupId")

    @property
    def message_deduplication_id(self) -> str | None:
        return self._raw.get("MessageDeduplicationId")

    @property
    def sequence_number(self) -> str | None:
        return self._raw.get("SequenceNumber")

    @property
    def aws_trace_header(self) -> str | None:
        return self._raw.get("AWSTraceHeader")

    @property
    def dead_letter_queue_source_arn(self) -> str | None:
        return self._raw.get("DeadLetterQueueSourceArn")

    def __repr__(self) -> str:
        return f"SQSRecordAttributes(keys={sorted(self._raw)!r})"


class SQSRecord(_RawRecord):
    """One SQS message; identified by ``message_id``."""

    __slots__ = ("_json",)

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self._raw = raw
        self._json: Any = _UNSET

    @property
    def message_id(self) -> str:
        return self._raw["messageId"]  # type: ignore[no-any-return]

    @property
    def receipt_handle(self) -> str:
        return self._raw["receiptHandle"]  # type: ignore[no-any-return]

    @property
    def body(self) -> str:
        return self._raw["body"]  # type: ignore[no-any-return]

    @property
    def json_body(self) -> Any:
        """The body parsed as JSON (parsed once, then cached)."""
        parsed = self._json
        if parsed is _UNSET:
            parsed = self._json = json.loads(self._raw["body"])
        return parsed

    @property
    def attributes(self) -> SQSRecordAttributes:
        return SQSRecordAttributes(self._raw.get("attributes") or {})

    @property
    def message_attributes(self) -> dict[str, SQSMessageAttribute]:
        raw = self._raw.get("messageAttributes") or {}
        return {name: SQSMessageAttribute(value) for name, value in raw.items()}

    @property
    def message_group_id(self) -> str | None:
        """FIFO queues: the message group (``None`` on standard queues)."""
        return (self._raw.get("attributes") or {}).get("MessageGroupId")

    @property
    def message_deduplication_id(self) -> str | None:
        return (self._raw.get("attributes") or {}).get("MessageDeduplicationId")

    @property
    def md5_of_body(self) -> str | None:
        return self._raw.get("md5OfBody")

    @property
    def queue_url(self) -> str | None:
        """The queue's URL, derived from ``eventSourceARN`` (for deleting or re-sending)."""
        arn = self._raw.get("eventSourceARN")
        if not arn:
            return None
        _, partition, _, region, account, name = arn.split(":", 5)
        domain = "amazonaws.com.cn" if partition == "aws-cn" else "amazonaws.com"
        return f"https://sqs.{region}.{domain}/{account}/{name}"

    def __repr__(self) -> str:
        return f"SQSRecord(message_id={self._raw.get('messageId')!r})"


class KinesisStreamRecord(_RawRecord):
    """One Kinesis Data Streams record; identified by ``sequence_number``.

    ``data`` is the decoded payload as ``bytes`` (Kinesis carries arbitrary binary: protobuf,
    gzip...); ``data_as_text`` decodes it as UTF-8 and ``json_data`` parses it as JSON.
    """

    __slots__ = ("_data", "_json")

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self._raw = raw
        self._data: bytes | None = None
        self._json: Any = _UNSET

    @property
    def _kinesis(self) -> Mapping[str, Any]:
        return self._raw["kinesis"]  # type: ignore[no-any-return]

    @property
    def sequence_number(self) -> str:
        return self._raw["kinesis"]["sequenceNumber"]  # type: ignore[no-any-return]

    @property
    def partition_key(self) -> str:
        return self._kinesis["partitionKey"]  # type: ignore[no-any-return]

    @property
    def data(self) -> bytes:
        data = self._data
        if data is None:  # a2b_base64 is what base64.b64decode calls, minus a Python frame
            data = self._data = a2b_base64(self._raw["kinesis"]["data"])
        return data

    @property
    def data_as_text(self) -> str:
        return self.data.decode("utf-8")

    @property
    def json_data(self) -> Any:
        parsed = self._json
        if parsed is _UNSET:
            parsed = self._json = json.loads(self.data)
        return parsed

    @property
    def approximate_arrival_timestamp(self) -> float | None:
        return self._kinesis.get("approximateArrivalTimestamp")

    @property
    def kinesis_schema_version(self) -> str | None:
        return self._kinesis.get("kinesisSchemaVersion")

    @property
    def encryption_type(self) -> str | None:
        return self._kinesis.get("encryptionType")

    @property
    def event_id(self) -> str | None:
        return self._raw.get("eventID")

    @property
    def event_name(self) -> str | None:
        return self._raw.get("eventName")

    def __repr__(self) -> str:
        sequence = self._raw.get("kinesis", {}).get("sequenceNumber")
        return f"KinesisStreamRecord(sequence_number={sequence!r})"


class DynamoDBStreamRecord(_RawRecord):
    """One DynamoDB Streams record; identified by ``sequence_number``.

    ``keys``, ``new_image`` and ``old_image`` are deserialised to plain Python values (see
    :mod:`toolkit.parser.attribute_values`) on first access; an image the stream view type
    does not include is ``None``.
    """

    __slots__ = ("_keys", "_new", "_old")

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self._raw = raw
        self._keys: dict[str, Any] = _UNSET
        self._new: dict[str, Any] | None = _UNSET
        self._old: dict[str, Any] | None = _UNSET

    @property
    def _dynamodb(self) -> Mapping[str, Any]:
        return self._raw["dynamodb"]  # type: ignore[no-any-return]

    @property
    def event_name(self) -> str | None:
        """``INSERT``, ``MODIFY`` or ``REMOVE``."""
        return self._raw.get("eventName")

    @property
    def event_id(self) -> str | None:
        return self._raw.get("eventID")

    @property
    def sequence_number(self) -> str:
        return self._raw["dynamodb"]["SequenceNumber"]  # type: ignore[no-any-return]

    @property
    def keys(self) -> dict[str, Any]:
        keys = self._keys
        if keys is _UNSET:
            keys = self._keys = deserialize_image(self._raw["dynamodb"].get("Keys", {}), "Keys")
        return keys

    @property
    def new_image(self) -> dict[str, Any] | None:
        image = self._new
        if image is _UNSET:
            raw = self._raw["dynamodb"].get("NewImage")
            image = self._new = None if raw is None else deserialize_image(raw, "NewImage")
        return image

    @property
    def old_image(self) -> dict[str, Any] | None:
        image = self._old
        if image is _UNSET:
            raw = self._raw["dynamodb"].get("OldImage")
            image = self._old = None if raw is None else deserialize_image(raw, "OldImage")
        return image

    @property
    def stream_view_type(self) -> str | None:
        return self._dynamodb.get("StreamViewType")

    @property
    def size_bytes(self) -> int | None:
        return self._dynamodb.get("SizeBytes")

    @property
    def approximate_creation_date_time(self) -> float | None:
        """Epoch seconds of the change."""
        return self._dynamodb.get("ApproximateCreationDateTime")

    @property
    def user_identity(self) -> Mapping[str, Any] | None:
        """Set for deletions made by TTL (``principalId`` ``dynamodb.amazonaws.com``)."""
        return self._raw.get("userIdentity")

    def __repr__(self) -> str:
        sequence = self._raw.get("dynamodb", {}).get("SequenceNumber")
        return f"DynamoDBStreamRecord(event_name={self.event_name!r}, sequence_number={sequence!r})"
