"""DynamoDB Streams envelope."""

from __future__ import annotations

from typing import Any

from toolkit.parser.envelopes.base import BaseEnvelope
from toolkit.parser.models.dynamodb import DynamoDBStreamModel
from toolkit.parser.parsing import validator_for

__all__ = ["DynamoDBStreamEnvelope"]


class DynamoDBStreamEnvelope(BaseEnvelope):
    """Each record's images, deserialised from DynamoDB's typed JSON and validated against the
    model: ``[{"NewImage": item or None, "OldImage": item or None}, ...]`` in record order (an
    image the stream view type or the change does not include is ``None``)."""

    def parse(self, data: Any, model: Any) -> list[dict[str, Any]]:
        event = validator_for(DynamoDBStreamModel)(data)
        payloads = []
        for i, record in enumerate(event.records):
            at = ("Records", i, "dynamodb")
            payloads.append(((*at, "NewImage"), record.dynamodb.new_image))
            payloads.append(((*at, "OldImage"), record.dynamodb.old_image))
        images = self._each(model, payloads)
        return [
            {"NewImage": new, "OldImage": old}
            for new, old in zip(images[::2], images[1::2], strict=True)
        ]
