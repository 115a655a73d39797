"""Kinesis Data Firehose transformation event models. ``data`` arrives base64-encoded and is
decoded to ``bytes`` before validation, so a subclass may declare ``data: Json[Reading]``."""

from __future__ import annotations

from typing import Any

from pydantic import Field, PositiveInt, field_validator

from toolkit.parser.models._aliases import camel_case
from toolkit.parser.models._base import EventModel
from toolkit.parser.models._decode import base64_bytes

__all__ = ["KinesisFirehoseModel", "KinesisFirehoseRecord", "KinesisFirehoseRecordMetadata"]


class KinesisFirehoseRecordMetadata(EventModel):
    """Present when the delivery stream reads from a Kinesis data stream."""

    model_config = camel_case()

    shard_id: str
    partition_key: str
    approximate_arrival_timestamp: PositiveInt
    sequence_number: str
    subsequence_number: int


class KinesisFirehoseRecord(EventModel):
    model_config = camel_case()

    data: bytes = Field(repr=False)
    record_id: str
    approximate_arrival_timestamp: PositiveInt
    kinesis_record_metadata: KinesisFirehoseRecordMetadata | None = None

    @field_validator("data", mode="before")
    @classmethod
    def _decode_data(cls, value: Any) -> Any:
        return base64_bytes(value)


class KinesisFirehoseModel(EventModel):
    model_config = camel_case()

    invocation_id: str
    delivery_stream_arn: str
    region: str
    source_kinesis_stream_arn: str | None = None
    records: list[KinesisFirehoseRecord]
