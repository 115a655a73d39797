"""Kinesis Data Streams event models. ``data`` arrives base64-encoded and is decoded to
``bytes`` before validation, so a subclass may declare ``data: Json[Reading]`` (or any type
that accepts bytes) and get the payload parsed."""

from __future__ import annotations

import base64
import binascii
from typing import Any, Literal

from pydantic import BaseModel, Field, field_validator

from toolkit.parser.models._aliases import camel_case, pascal_case

__all__ = ["KinesisDataStreamModel", "KinesisDataStreamRecord", "KinesisDataStreamRecordPayload"]


class KinesisDataStreamRecordPayload(BaseModel):
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
        if isinstance(value, str):
            try:
                return base64.b64decode(value, validate=True)
            except binascii.Error:
                raise ValueError("data is not base64") from None
        return value


class KinesisDataStreamRecord(BaseModel):
    model_config = camel_case(event_id="eventID", event_source_arn="eventSourceARN")

    event_source: Literal["aws:kinesis"]
    event_version: str
    event_id: str
    event_name: str
    invoke_identity_arn: str
    aws_region: str
    event_source_arn: str
    kinesis: KinesisDataStreamRecordPayload


class KinesisDataStreamModel(BaseModel):
    model_config = pascal_case()

    records: list[KinesisDataStreamRecord]
