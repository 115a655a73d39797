"""Kafka envelope, Amazon MSK and self-managed clusters alike."""

from __future__ import annotations

from typing import Any

from toolkit.parser.envelopes.base import BaseEnvelope
from toolkit.parser.models.kafka import KafkaMskEventModel, KafkaSelfManagedEventModel
from toolkit.parser.parsing import validator_for

__all__ = ["KafkaEnvelope"]


class KafkaEnvelope(BaseEnvelope):
    """Each record's ``value`` (base64 of JSON) validated: a list, partition by partition in
    the event's order, records in offset order within each."""

    def parse(self, data: Any, model: Any) -> list[Any]:
        msk = isinstance(data, dict) and data.get("eventSource") == "aws:kafka"
        event = validator_for(KafkaMskEventModel if msk else KafkaSelfManagedEventModel)(data)
        return self._each(
            model,
            (
                (("records", partition, i, "value"), record.value)
                for partition, records in event.records.items()
                for i, record in enumerate(records)
            ),
        )
