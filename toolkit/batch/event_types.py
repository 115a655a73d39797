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
        if not isinstance(record, Mapping):
            raise BatchEventError("Records", index, f"is a {type(record).__name__}, not an object")
        if record.get("eventSource") != source:  # first: a misrouted event lacks our fields too
            _wrong_source(record, index, event_type)
        try:
            identifier = record[container][key] if container else record[key]
        except (KeyError, TypeError, IndexError):
            if container and not isinstance(record.get(container), Mapping):
                raise BatchEventError(container, index, "missing or not an object") from None
            raise BatchEventError(field, index, "missing") from None
        if not isinstance(identifier, str) or not identifier:
            raise BatchEventError(field, index, "is not a non-empty string")
        append(identifier)
    return records, ids


_BY_SOURCE = {spec[1]: event_type for event_type, spec in _SPECS.items()}


def _wrong_source(record: Mapping[str, Any], index: int, event_type: EventType) -> NoReturn:
    """Say what the record is when it comes from another source: an event routed to the
    wrong processor is a configuration mistake, better named than diagnosed field by field."""
    expected = _SPECS[event_type][1]
    if "eventSource" not in record:
        other = record.get("EventSource")  # SNS records spell it so
        hint = f"; the record's EventSource is {other!r}" if isinstance(other, str) else ""
        raise BatchEventError("eventSource", index, f"missing (expected {expected!r}){hint}")
    found = record["eventSource"]
    actual = _BY_SOURCE.get(found) if isinstance(found, str) else None
    hint = "" if actual is None else f": an {actual} event given to an {event_type} processor"
    raise BatchEventError(
        "eventSource", index, f"is {found!r}, expected {expected!r} ({event_type}){hint}"
    )
