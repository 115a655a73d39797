"""What distinguishes the three batch event sources: the ``eventSource`` value, where the
identifier Lambda expects back in ``batchItemFailures`` lives, and the record type."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import Enum
from operator import itemgetter

from toolkit._typing import TYPE_CHECKING
from toolkit.batch.errors import BatchEventError
from toolkit.batch.records import DynamoDBStreamRecord, KinesisStreamRecord, SQSRecord

if TYPE_CHECKING:
    from typing import Any, NoReturn

__all__ = ["EventType", "identifiers"]


class EventType(Enum):
    SQS = "SQS"
    KinesisDataStreams = "KinesisDataStreams"
    DynamoDBStreams = "DynamoDBStreams"

    @property
    def record_type(self) -> type[SQSRecord | KinesisStreamRecord | DynamoDBStreamRecord]:
        record_type: type[SQSRecord | KinesisStreamRecord | DynamoDBStreamRecord] = _SPECS[self][0]
        return record_type

    @property
    def is_stream(self) -> bool:
        return self is not EventType.SQS


# event type -> (record type, eventSource, container of the identifier or None, identifier key)
_SPECS: dict[EventType, tuple[Any, str, str | None, str]] = {
    EventType.SQS: (SQSRecord, "aws:sqs", None, "messageId"),
    EventType.KinesisDataStreams: (KinesisStreamRecord, "aws:kinesis", "kinesis", "sequenceNumber"),
    EventType.DynamoDBStreams: (DynamoDBStreamRecord, "aws:dynamodb", "dynamodb", "SequenceNumber"),
}


def identifiers(event: Any, event_type: EventType) -> tuple[Sequence[Any], list[str]]:
    """The event's records and each one's identifier, checking the whole batch first.

    Checking before any record handler runs means a misrouted event (an SNS event given to an
    SQS processor, say) fails loudly and whole, instead of every record being reported as a
    failed item, or worse, none.
    """
    if not isinstance(event, Mapping):
        raise BatchEventError("Records", None, f"missing: the event is a {type(event).__name__}")
    records = event.get("Records")
    if records is None:
        raise BatchEventError("Records", None, "missing")
    if not isinstance(records, list):
        raise BatchEventError("Records", None, "is not a list")
    _, source, container, key = _SPECS[event_type]
    if records:
        # The common case at C speed (a pure-Python pass costs a batch ~0.3 us a record):
        # fetch every identifier and source with itemgetter, accept when all is well-formed,
        # otherwise run the checking loop below, which names the first bad record.
        try:
            found = map(itemgetter(container), records) if container else records
            ids = list(map(itemgetter(key), found))
            if (
                set(map(itemgetter("eventSource"), records)) == {source}
                and set(map(type, ids)) == {str}
                and "" not in ids
            ):
                return records, ids
        except (KeyError, TypeError, IndexError):
            pass
    field = f"{container}.{key}" if container else key
    ids = []
    append = ids.append
    for index, record in enumerate(records):
        try:
            found_source = record["eventSource"]
            identifier = record[container][key] if container else record[key]
        except (KeyError, TypeError, IndexError):
            _diagnose(record, index, source=source, container=container, field=field)
        if found_source != source:
            raise BatchEventError(
                "eventSource", index, f"is {found_source!r}, expected {source!r} ({event_type})"
            )
        if not isinstance(identifier, str) or not identifier:
            raise BatchEventError(field, index, "is not a non-empty string")
        append(identifier)
    return records, ids


def _diagnose(
    record: Any, index: int, *, source: str, container: str | None, field: str
) -> NoReturn:
    if not isinstance(record, Mapping):
        raise BatchEventError("Records", index, f"is a {type(record).__name__}, not an object")
    if "eventSource" not in record:
        raise BatchEventError("eventSource", index, f"missing (expected {source!r})")
    if container and not isinstance(record.get(container), Mapping):
        raise BatchEventError(container, index, "missing or not an object")
    raise BatchEventError(field, index, "missing")
