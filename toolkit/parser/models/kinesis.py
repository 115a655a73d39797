"""Kinesis Data Streams event models. ``data`` arrives base64-encoded and is decoded to
``bytes`` before validation, so a subclass may declare ``data: Json[Reading]`` (or any type
that accepts bytes) and get the payload parsed."""

from __future__ import annotations

import base64
import binascii
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = ["KinesisDataStreamModel", "KinesisDataStreamRecord", "KinesisDataStreamRecordPayload"]

_CONFIG = ConfigDict(populate_by_name=True)


class KinesisDataStreamRecordPayload(BaseModel):
    model_config = _CONFIG

    kinesis_schema_version: str = Field(alias="kinesisSchemaVersion")
    partition_key: str = Field(alias="partitionKey")
    sequence_number: str = Field(alias="sequenceNumber")
    data: bytes = Field(repr=False)
    approximate_arrival_timestamp: float = Field(alias="approximateArrivalTimestamp")
    encryption_type: str | None = Field(None, alias="encryptionType")

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
    model_config = _CONFIG

    event_source: Literal["aws:kinesis"] = Field(alias="eventSource")
    event_version: str = Field(alias="eventVersion")
    event_id: str = Field(alias="eventID")
    event_name: str = Field(alias="eventName")
    invoke_identity_arn: str = Field(alias="invokeIdentityArn")
    aws_region: str = Field(alias="awsRegion")
    event_source_arn: str = Field(alias="eventSourceARN")
    kinesis: KinesisDataStreamRecordPayload


class KinesisDataStreamModel(BaseModel):
    model_config = _CONFIG

    records: list[KinesisDataStreamRecord] = Field(alias="Records")
