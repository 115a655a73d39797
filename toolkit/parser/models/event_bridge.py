"""EventBridge event model. Subclass :class:`EventBridgeModel` and override ``detail`` with
your own model of the event's detail."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from toolkit.parser.models._aliases import kebab_case
from toolkit.parser.models._base import EventModel

__all__ = ["EventBridgeModel"]


class EventBridgeModel(EventModel):
    model_config = kebab_case()

    version: str
    id: str
    source: str
    account: str
    time: datetime
    region: str
    resources: list[str]
    detail_type: str
    detail: Any = Field(repr=False)
    replay_name: str | None = None
