"""CloudWatch Logs envelope."""

from __future__ import annotations

from typing import Any

from toolkit.parser.envelopes.base import BaseEnvelope
from toolkit.parser.models.cloudwatch import CloudWatchLogsModel
from toolkit.parser.parsing import validator_for

__all__ = ["CloudWatchLogsEnvelope"]


class CloudWatchLogsEnvelope(BaseEnvelope):
    """The subscription's payload decoded (base64, then gzip) and each log event's ``message``
    (JSON text: structured log lines) validated: a list, in log order."""

    def parse(self, data: Any, model: Any) -> list[Any]:
        event = validator_for(CloudWatchLogsModel)(data)
        return self._each(
            model,
            (
                (("awslogs", "data", "logEvents", i, "message"), log.message)
                for i, log in enumerate(event.awslogs.decoded_data.log_events)
            ),
        )
