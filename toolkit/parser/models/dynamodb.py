"""DynamoDB Streams event models. ``keys``, ``new_image`` and ``old_image`` are deserialised
from DynamoDB's typed JSON before validation (see :mod:`toolkit.parser.attribute_values`), so
a subclass may declare ``new_image: Order | None = None`` with a plain model of the item."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import field_validator

from toolkit.parser.attribute_values import deserialize_image
from toolkit.parser.models._aliases import camel_case, pascal_case
from toolkit.parser.models._base import EventModel

__all__ = [
    "DynamoDBStreamChangedRecordModel",
    "DynamoDBStreamModel",
    "DynamoDBStreamRecordModel",
]


class DynamoDBStreamChangedRecordModel(EventModel):
    model_config = pascal_case()

    approximate_creation_date_time: datetime | None = None
    keys: dict[str, Any]
    new_image: dict[str, Any] | None = None
    old_image: dict[str, Any] | None = None
    sequence_number: str
    size_bytes: int
    stream_view_type: Literal["NEW_AND_OLD_IMAGES", "KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE"]

    @field_validator("keys", "new_image", "old_image", mode="before")
    @classmethod
    def _deserialize(cls, value: Any) -> Any:
        # AttributeValueError is a ValueError: pydantic reports it as a validation error
        return None if value is None else deserialize_image(value)


class DynamoDBStreamRecordModel(EventModel):
    model_config = camel_case(event_id="eventID", event_source_arn="eventSourceARN")

    event_id: str
    event_name: Literal["INSERT", "MODIFY", "REMOVE"]
    event_version: str
    event_source: Literal["aws:dynamodb"]
    aws_region: str
    event_source_arn: str
    dynamodb: DynamoDBStreamChangedRecordModel
    user_identity: dict[str, Any] | None = None


class DynamoDBStreamModel(EventModel):
    model_config = pascal_case()

    records: list[DynamoDBStreamRecordModel]
