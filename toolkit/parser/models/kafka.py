"""Kafka event models, Amazon MSK and self-managed clusters. ``key`` and ``value`` arrive
base64-encoded and are decoded to ``bytes`` before validation (a subclass may declare ``value:
Json[Order]``); ``headers`` become ``{name: bytes}``."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field, field_validator

from toolkit.parser.models._aliases import camel_case
from toolkit.parser.models._base import EventModel
from toolkit.parser.models._decode import base64_bytes

__all__ = [
    "KafkaBaseEventModel",
    "KafkaMskEventModel",
    "KafkaRecordModel",
    "KafkaSelfManagedEventModel",
]


class KafkaRecordModel(EventModel):
    model_config = camel_case()

    topic: str
    partition: int
    offset: int
    timestamp: datetime
    timestamp_type: str
    key: bytes | None = Field(default=None, repr=False)
    value: bytes = Field(repr=False)
    headers: list[dict[str, bytes]] = Field(repr=False)

    @field_validator("key", "value", mode="before")
    @classmethod
    def _decode(cls, value: Any) -> Any:
        return base64_bytes(value)

    @field_validator("headers", mode="before")
    @classmethod
    def _header_bytes(cls, value: Any) -> Any:
        # Lambda sends each header value as a list of byte values
        if isinstance(value, list):
            return [
                {name: bytes(data) if isinstance(data, list) else data for name, data in h.items()}
                if isinstance(h, dict)
                else h
                for h in value
            ]
        return value


class KafkaBaseEventModel(EventModel):
    """``records`` maps ``"topic-partition"`` to that partition's records."""

    model_config = camel_case()

    bootstrap_servers: list[str]
    records: dict[str, list[KafkaRecordModel]]

    @field_validator("bootstrap_servers", mode="before")
    @classmethod
    def _split_servers(cls, value: Any) -> Any:
        return value.split(",") if isinstance(value, str) else value


class KafkaSelfManagedEventModel(KafkaBaseEventModel):
    event_source: Literal["SelfManagedKafka", "aws:SelfManagedKafka"]


class KafkaMskEventModel(KafkaBaseEventModel):
    event_source: Literal["aws:kafka"]
    event_source_arn: str
