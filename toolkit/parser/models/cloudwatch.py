"""CloudWatch Logs subscription event models. ``awslogs.data`` arrives base64-encoded and
compressed; the model decodes it into :class:`CloudWatchLogsDecode` (``awslogs.decoded_data``)
while validating, so each log event's ``message`` can be parsed further (for instance
``message: Json[Line]`` in a subclass of :class:`CloudWatchLogsLogEvent`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field, Json, field_validator

from toolkit.parser.models._aliases import camel_case
from toolkit.parser.models._base import EventModel
from toolkit.parser.models._decode import base64_compressed

__all__ = [
    "CloudWatchLogsData",
    "CloudWatchLogsDecode",
    "CloudWatchLogsLogEvent",
    "CloudWatchLogsModel",
]


class CloudWatchLogsLogEvent(EventModel):
    model_config = camel_case()

    id: str
    timestamp: datetime
    message: str = Field(repr=False)


class CloudWatchLogsDecode(EventModel):
    model_config = camel_case()

    message_type: str
    owner: str
    log_group: str
    log_stream: str
    subscription_filters: list[str]
    log_events: list[CloudWatchLogsLogEvent]
    policy_level: str | None = None


class CloudWatchLogsData(EventModel):
    """``data`` is the decoded payload; ``decoded_data`` is the name Powertools gives it."""

    model_config = camel_case()

    decoded_data: Json[CloudWatchLogsDecode] = Field(alias="data")

    @field_validator("decoded_data", mode="before")
    @classmethod
    def _decompress(cls, value: Any) -> Any:
        return base64_compressed(value)


class CloudWatchLogsModel(EventModel):
    model_config = camel_case()

    awslogs: CloudWatchLogsData
