"""DynamoDB Streams event models. ``keys``, ``new_image`` and ``old_image`` are deserialised
from DynamoDB's typed JSON before validation (see :mod:`toolkit.parser.attribute_values`), so
a subclass may declare ``new_image: Order | None`` with a plain model of the item."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from toolkit.parser.attribute_values import deserialize_image

__all__ = [
    "DynamoDBStreamChangedRecordModel",
    "DynamoDBStreamModel",
    "DynamoDBStreamRecordModel",
]

_CONFIG = ConfigDict(populate_by_name=True)


class DynamoDBStreamChangedRecordModel(BaseModel):
    model_config = _CONFIG

    approximate_creation_date_time: datetime | None = Field(
        None, alias="ApproximateCreationDateTime"
    )
    keys: dict[str, Any] = Field(alias="Keys")
    new_image: dict[str, Any] | None = Field(None, alias="NewImage")
    old_image: dict[str, Any] | None = Field(None, alias="OldImage")
    sequence_number: str = Field(alias="SequenceNumber")
    size_bytes: int = Field(alias="SizeBytes")
    stream_view_type: Literal["NEW_AND_OLD_IMAGES", "KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE"] = Field(
        alias="StreamViewType"
    )

    @field_validator("keys", "new_image", "old_image", mode="before")
    @classmethod
    def _deserialize(cls, value: Any) -> Any:
        # AttributeValueError is a ValueError: pydantic reports it as a validation error
        return None if value is None else deserialize_image(value)


class DynamoDBStreamRecordModel(BaseModel):
    model_config = _CONFIG

    event_id: str = Field(alias="eventID")
    event_name: Literal["INSERT", "MODIFY", "REMOVE"] = Field(alias="eventName")
    event_version: str = Field(alias="eventVersion")
    event_source: Literal["aws:dynamodb"] = Field(alias="eventSource")
    aws_region: str = Field(alias="awsRegion")
    event_source_arn: str = Field(alias="eventSourceARN")
    dynamodb: DynamoDBStreamChangedRecordModel
    user_identity: dict[str, Any] | None = Field(None, alias="userIdentity")


class DynamoDBStreamModel(BaseModel):
    model_config = _CONFIG

    records: list[DynamoDBStreamRecordModel] = Field(alias="Records")
