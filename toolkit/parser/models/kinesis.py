"""Kinesis Data Streams event models. ``data`` arrives base64-encoded and is decoded to
``bytes`` before validation, so a subclass may declare ``data: Json[Reading]`` (or any type
that accepts bytes) and get the payload parsed."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator

from toolkit.parser.models._aliases import camel_case, pascal_case
from toolkit.parser.models._base import EventModel
from toolkit.parser.models._decode import base64_bytes

__all__ = ["KinesisDataStreamModel", "KinesisDataStreamRecord", "KinesisDataStreamRecordPayload"]


class KinesisDataStreamRecordPayload(EventModel):
    model_config = camel_case()

    kinesis_schema_version: str
    partition_key: str
    sequence_number: str
    data: bytes = Field(repr=False)
    approximate_arrival_timestamp: float
    encryption_type: str | None = None

    @field_validator("data", mode="before")
    @classmethod
    def _decode_data(cls, value: Any) -> Any:
        return base64_bytes(value)


class KinesisDataStreamRecord(EventModel):
    model_config = camel_case(event_id="eventID", event_source_arn="eventSourceARN")

    event_source: Literal["aws:kinesis"]
    event_version: str
    event_id: str
    event_name: str
    invoke_identity_arn: str
    aws_region: str
    event_source_arn: str
    kinesis: KinesisDataStreamRecordPayload


class KinesisDataStreamModel(EventModel):
    model_config = pascal_case()

    records: list[KinesisDataStreamRecord]
