"""Give other libraries' loggers the Logger's JSON output: Powertools'
``copy_config_to_registered_loggers``, with its parameters and which loggers it picks."""

from __future__ import annotations

import logging

from toolkit._typing import TYPE_CHECKING
from toolkit.logging.family import JsonHandler
from toolkit.logging.levels import parse_level
from toolkit.logging.logger import Logger

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ["copy_config_to_registered_loggers"]

_POWERTOOLS_PACKAGE = "aws_lambda_powertools"


def copy_config_to_registered_loggers(  # noqa: PLR0917 - Powertools' positional order
    source_logger: Logger,
    log_level: int | str | None = None,
    ignore_log_level: bool = False,
    include_buffering: bool = False,
    exclude: Iterable[str] | None = None,
    include: Iterable[str] | None = None,
) -> None:
    """Make the top-level loggers registered so far (``botocore``, ``urllib3``...) write
    through ``source_logger``'s handlers, at its level.

    Which: every registered logger whose name has no dot (records of ``botocore.hooks`` reach
    ``botocore`` by propagation), only those in ``include`` when given, never those in
    ``exclude``, the source's own top-level name or Powertools' package logger, and never
    another toolkit :class:`~toolkit.Logger` (its output is toolkit's already). Each gets the
    source's handlers in place of its own and stops propagating, so a line is written once;
    its level becomes ``log_level``, or the source's level, unless ``ignore_log_level``. Its
    lines carry ``"logger": "<name>"``. With a buffer on the source, library records are
    held in it only with ``include_buffering=True``; otherwise they are written at once.
    """
    if not isinstance(source_logger, Logger):
        raise TypeError(
            f"source_logger must be a toolkit Logger, not {type(source_logger).__name__}"
        )
    level = (
        source_logger._family.levels.configured
        if log_level is None
        else parse_level(log_level, "log_level")
    )
    excluded = {*(exclude or ()), source_logger.name.split(".")[0], _POWERTOOLS_PACKAGE}
    wanted = None if include is None else set(include) - excluded
    # The source's own handler writes at the source's level; these loggers have their own.
    handlers = [
        handler
        if handler is not source_logger._handler
        else JsonHandler(source_logger._family, source_logger.service, buffered=include_buffering)
        for handler in source_logger.handlers
    ]
    manager = logging.Logger.manager
    for name in list(manager.loggerDict):
        if "." in name or name in excluded or (wanted is not None and name not in wanted):
            continue
        logger = logging.getLogger(name)  # a placeholder becomes a logger, as in Powertools
        if isinstance(logger, Logger):
            continue
        if not ignore_log_level:
            logger.setLevel(level)
        logger.handlers = list(handlers)
        logger.propagate = False
