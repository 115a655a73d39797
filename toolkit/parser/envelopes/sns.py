"""SNS envelope (SNS-over-SQS is :class:`~toolkit.parser.envelopes.sqs.SnsSqsEnvelope`)."""

from __future__ import annotations

from typing import Any

from toolkit.parser.envelopes.base import BaseEnvelope
from toolkit.parser.models.sns import SnsModel
from toolkit.parser.parsing import validator_for

__all__ = ["SnsEnvelope"]


class SnsEnvelope(BaseEnvelope):
    """Each record's ``Sns.Message`` validated against the model: a list, in record order."""

    def parse(self, data: Any, model: Any) -> list[Any]:
        event = validator_for(SnsModel)(data)
        return self._each(
            model,
            (
                (("Records", i, "Sns", "Message"), r.sns.message)
                for i, r in enumerate(event.records)
            ),
        )
