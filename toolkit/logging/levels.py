"""Level names and numbers: the one table toolkit reads them from, and the Logger's levels.

Every place that turns a level name into a number or back (the Logger, the buffer, the
environment variables in :mod:`toolkit.config`, the CLI's colours) calls the helpers here, so
the aliases (``WARN``, ``FATAL``, ``TRACE``) and custom levels are understood the same way
everywhere.

:class:`Levels` is the one object that says what a Logger family writes: the level it was
configured with, ``AWS_LAMBDA_LOG_LEVEL`` (which wins), the level of a sampled invocation and
the threshold its level methods compare against.
"""

from __future__ import annotations

from toolkit._typing import TYPE_CHECKING

if TYPE_CHECKING:
    from toolkit.logging.logger import Logger

__all__ = [
    "CRITICAL",
    "DEBUG",
    "ERROR",
    "INFO",
    "NAMES",
    "WARNING",
    "Levels",
    "canonical_name",
    "level_name",
    "parse_level",
]

DEBUG, INFO, WARNING, ERROR, CRITICAL = 10, 20, 30, 40, 50

NAMES: dict[int, str] = {
    DEBUG: "DEBUG",
    INFO: "INFO",
    WARNING: "WARNING",
    ERROR: "ERROR",
    CRITICAL: "CRITICAL",
}
_NUMBERS: dict[str, int] = {
    **{name: number for number, name in NAMES.items()},
    "WARN": 30,
    "FATAL": 50,
    "TRACE": 10,
}


def canonical_name(name: str) -> str:
    """``name`` upper-cased with its alias resolved (``warn`` is ``WARNING``), or the digits
    of a numeric level; ``ValueError`` for anything else."""
    value = name.strip().upper()
    number = _NUMBERS.get(value)
    if number is not None:
        return NAMES[number]
    if value.isdigit():
        return value
    raise ValueError("a level name (DEBUG, INFO, WARNING, ERROR, CRITICAL)")


def level_name(level: int) -> str:
    """The name written in a line's ``level`` field, custom levels
    (``logging.addLevelName``) included."""
    name = NAMES.get(level)
    if name is None:
        import logging  # custom levels only: this module is imported by toolkit.config

        name = logging.getLevelName(level)
    return name


def parse_level(value: str | int, argument: str = "level") -> int:
    """A level number from a name (any case; WARN, FATAL and TRACE accepted) or an int;
    :class:`~toolkit.logging.InvalidLevelError` naming ``argument`` otherwise."""
    # Imported here: toolkit.config imports this module, and needs none of the errors.
    from toolkit.logging.errors import InvalidLevelError

    if isinstance(value, bool):
        raise InvalidLevelError(argument, value, "a level name or an integer")
    if isinstance(value, int):
        if value < 0:
            raise InvalidLevelError(argument, value, "a non-negative level number")
        return value
    if isinstance(value, str):
        try:
            name = canonical_name(value)
        except ValueError as exc:
            raise InvalidLevelError(argument, value, str(exc)) from None
        return int(name) if name.isdigit() else _NUMBERS[name]
    raise InvalidLevelError(argument, value, "a level name or an integer")


class Levels:
    """What a Logger and its children write, and the number their level methods compare.

    ``configured`` is the level asked for, or ``AWS_LAMBDA_LOG_LEVEL`` when that is set
    (Lambda drops what is below it anyway). A sampled invocation writes down to
    ``sample_level``: DEBUG, but never below ``AWS_LAMBDA_LOG_LEVEL``. ``effective`` is what
    is written now; ``threshold`` is what the level methods compare against, lower than
    ``effective`` when a buffer holds lines below it. Each Logger keeps a copy of
    ``threshold`` in ``_threshold`` (one attribute read on the hot path); :meth:`apply` keeps
    the copies in step.
    """

    __slots__ = ("buffer_level", "configured", "effective", "loggers", "sample_level", "threshold")

    def __init__(self, configured: int, lambda_level: int | None, buffer_level: int | None):
        self.configured = configured
        self.sample_level = DEBUG if lambda_level is None else max(DEBUG, lambda_level)
        self.buffer_level = buffer_level
        self.loggers: list[Logger] = []
        self.effective = configured
        self.threshold = self._threshold_for(configured)

    def _threshold_for(self, effective: int) -> int:
        if self.buffer_level is None:
            return effective
        # With a buffer, every line from DEBUG up is rendered: it is held during an
        # invocation, and written or dropped by level outside one.
        return min(effective, DEBUG)

    def apply(self, sampled: bool) -> None:
        """Write ``configured`` (or, for a sampled invocation, down to ``sample_level``).

        Every Logger's copy is written each time, so a signal landing half-way through
        leaves nothing out of step after the next call."""
        effective = min(self.configured, self.sample_level) if sampled else self.configured
        threshold = self._threshold_for(effective)
        self.effective = effective
        self.threshold = threshold
        for logger in self.loggers:
            own = logger._own_level
            logger._threshold = threshold if own is None else own
        if self.loggers:
            import logging  # already loaded: the loggers are logging.Logger objects

            # stdlib's view in step, so records from library loggers below ours and from
            # ``logger.log`` are let through exactly when ours are.
            logging.Logger.setLevel(self.loggers[0], threshold)
