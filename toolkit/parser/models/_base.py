"""The base of every event model: snake_case fields read from the event's own names (aliases),
and Powertools' attribute names kept working for code that moves over.

Powertools' models mostly name fields as the event does (``record.messageId``,
``event.Records``); ours are snake_case (``record.message_id``, ``event.records``). Reading an
attribute under its event name falls back to the field that alias belongs to, so Powertools
code that reads models keeps running unchanged; type checkers see only the snake_case names,
which is what new code should use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from pydantic import BaseModel

__all__ = ["EventModel"]

_BY_ALIAS: WeakKeyDictionary[type, dict[str, str]] = WeakKeyDictionary()  # per model class


def _fields_by_alias(cls: type[BaseModel]) -> dict[str, str]:
    names = _BY_ALIAS.get(cls)
    if names is None:
        names = {
            info.alias: name
            for name, info in cls.model_fields.items()
            if info.alias is not None and info.alias != name
        }
        _BY_ALIAS[cls] = names
    return names


class EventModel(BaseModel):
    """Base class of toolkit's event models (subclass the specific models, not this one)."""

    if not TYPE_CHECKING:  # keep type checkers to the snake_case names

        def __getattr__(self, name: str) -> Any:
            field = _fields_by_alias(type(self)).get(name)
            if field is not None:
                return getattr(self, field)
            return super().__getattr__(name)
