"""EventBridge envelope."""

from __future__ import annotations

from typing import Any

from toolkit.parser.envelopes.base import BaseEnvelope
from toolkit.parser.models.event_bridge import EventBridgeModel
from toolkit.parser.parsing import validator_for

__all__ = ["EventBridgeEnvelope"]


class EventBridgeEnvelope(BaseEnvelope):
    """The event's ``detail`` validated against the model."""

    def parse(self, data: Any, model: Any) -> Any:
        event = validator_for(EventBridgeModel)(data)
        return self._each(model, [(("detail",), event.detail)])[0]
