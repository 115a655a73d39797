"""SQS and SNS-over-SQS envelopes."""

from __future__ import annotations

from typing import Any

from toolkit.parser.envelopes.base import BaseEnvelope
from toolkit.parser.errors import ParserValidationError
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
    notification whose ``Message`` is validated against the model. Every body that is not a
    notification is reported before any message is validated."""

    def parse(self, data: Any, model: Any) -> list[Any]:
        event = validator_for(SqsModel)(data)
        notification = validator_for(SnsNotificationModel)
        messages = []
        failures: list[dict[str, Any]] = []
        for i, record in enumerate(event.records):
            at = ("Records", i, "body")
            try:
                messages.append(((*at, "Message"), notification(record.body, at).message))
            except ParserValidationError as error:
                failures.extend(error.errors())
        if failures:
            raise ParserValidationError(notification.name, failures)
        return self._each(model, messages)
