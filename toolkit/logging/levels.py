"""Level names and numbers, parsed once where a Logger or buffer is configured."""

from __future__ import annotations

from toolkit import config
from toolkit.logging.errors import InvalidLevelError

__all__ = ["parse_level"]

_NAMES = {"DEBUG": 10, "INFO": 20, "WARNING": 30, "ERROR": 40, "CRITICAL": 50}


def parse_level(value: str | int, argument: str = "level") -> int:
    """A level number from a name (any case; WARN, FATAL and TRACE accepted) or an int."""
    if isinstance(value, bool):
        raise InvalidLevelError(argument, value, "a level name or an integer")
    if isinstance(value, int):
        if value < 0:
            raise InvalidLevelError(argument, value, "a non-negative level number")
        return value
    if isinstance(value, str):
        try:
            name = config.parse_level(value)
        except ValueError as exc:
            raise InvalidLevelError(argument, value, str(exc)) from None
        return int(name) if name.isdigit() else _NAMES[name]
    raise InvalidLevelError(argument, value, "a level name or an integer")
