"""SQS and SNS-over-SQS envelopes."""

from __future__ import annotations

from typing import Any

from toolkit.parser.envelopes.base import BaseEnvelope
from toolkit.parser.models.sns import SnsNotificationModel
from toolkit.parser.models.sqs import SqsModel
from toolkit.parser.parsing import validator_for

__all__ = ["SnsSqsEnvelope", "SqsEnvelope"]


class SqsEnvelope(BaseEnvelope):
    """Each record's ``body`` (JSON text) validated against the model: a list, in record order."""

    def parse(self, data: Any, model: Any) -> list[Any]:
        event = validator_for(SqsModel)(data)
        return self._each(
            model, ((("Records", i, "body"), r.body) for i, r in enumerate(event.records))
        )


class SnsSqsEnvelope(BaseEnvelope):
    """SNS notifications delivered to SQS (raw message delivery off): each body is an SNS
    notification whose ``Message`` is validated against the model."""

    def parse(self, data: Any, model: Any) -> list[Any]:
        event = validator_for(SqsModel)(data)
        notification = validator_for(SnsNotificationModel)
        return self._each(
            model,
            (
                (
                    ("Records", i, "body", "Message"),
                    notification(r.body, ("Records", i, "body")).message,
                )
                for i, r in enumerate(event.records)
            ),
        )
