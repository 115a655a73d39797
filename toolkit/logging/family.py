"""What a Logger and its children share, and how one line is built and delivered.

Keys fixed for an invocation and keys appended during it sit in plain dicts that are replaced
(never mutated) under a lock and merged into ``merged``, which a log call reads with one
attribute access: the handler's threads see the invocation's keys even though
``threading.Thread`` does not inherit context variables. Keys of ``with logger.keys(...)``
are a context variable instead, so they belong to the block (and its asyncio tasks).
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable, Mapping
from contextvars import ContextVar

from toolkit import context as _context
from toolkit._typing import TYPE_CHECKING, cast
from toolkit.jsonline import SCALARS, Encoder, flat, write_line
from toolkit.logging.buffer import LogBuffer, PendingLines
from toolkit.logging.formatter import (
    KEEP,
    OWN_FIELDS,
    ExcInfo,
    exception_fields,
    level_name,
    safe_str,
    timestamp,
)
from toolkit.middleware import LambdaTimeoutError

if TYPE_CHECKING:
    from typing import IO, Any

    from toolkit.logging.logger import Logger

__all__ = ["Family", "JsonHandler", "exc_info_of", "format_message"]

DEBUG, WARNING, ERROR = 10, 30, 40

_EMPTY: Mapping[str, Any] = {}
_RECORD_ATTRS = frozenset(
    logging.LogRecord("", 0, "", 0, "", None, None).__dict__.keys()
    | {"message", "asctime", "taskName", "_toolkit_keys"}
)
_scope_keys = _context.scope_keys
_now = time.time


def format_message(msg: Any, args: tuple[Any, ...]) -> tuple[Any, str | None]:
    """The message to log and, when ``msg % args`` failed, why. What is not a string becomes
    its ``str`` (a string is never parsed: ``"42"`` stays the text 42)."""
    if args:
        if len(args) == 1 and isinstance(args[0], Mapping) and args[0]:
            args = args[0]  # type: ignore[assignment]  # stdlib's %(name)s form
        try:
            return safe_str(msg) % args, None
        except LambdaTimeoutError:  # delivered by a signal: never swallow it
            raise
        except Exception as exc:
            return safe_str(msg), f"{type(exc).__name__}: {safe_str(exc)}"
    return safe_str(msg), None


def exc_info_of(value: Any) -> ExcInfo | None:
    if not value:
        return None
    if isinstance(value, BaseException):
        return (type(value), value, value.__traceback__)
    if isinstance(value, tuple):
        return cast(ExcInfo, value) if value[0] is not None else None
    info = sys.exc_info()
    return cast(ExcInfo, info) if info[0] is not None else None


def _add_keys(data: dict[str, Any], keys: Mapping[str, Any]) -> None:
    """Add the user's ``keys`` to a line without replacing its own fields: a key named like
    one (``level``, ``timestamp``, ``function_request_id``...) is added as ``extra_<name>``.
    A dict message's own ``message`` entry *is* the line's message (the same object), so
    writing it again changes nothing and it is not renamed."""
    if OWN_FIELDS.isdisjoint(keys):
        data.update(keys)
        return
    for key, value in keys.items():
        if key in OWN_FIELDS and (key != "message" or data["message"] is not value):
            name = f"extra_{key}"
            while name in keys:
                name = f"extra_{name}"
            data[name] = value
        else:
            data[key] = value


class Family:
    """What a Logger and its children share: configuration, keys, level and the buffer."""

    def __init__(
        self,
        service: str,
        level: int,
        *,
        sampling_rate: float | None,
        stream: IO[str],
        buffer: LogBuffer | None,
        json_default: Callable[[Any], Any],
        keys: dict[str, Any],
    ) -> None:
        self.service = service
        self.sampling_rate = sampling_rate
        self.buffer = buffer
        self.render = Encoder(json_default)
        self.stream = stream
        self.lock = threading.RLock()
        self.loggers: list[Logger] = []
        self.block: ContextVar[Mapping[str, Any]] = ContextVar(
            f"toolkit_logger_keys_{service}", default=_EMPTY
        )
        self.constructor_keys = dict(keys)
        self.persistent: dict[str, Any] = dict(keys)
        self.invocation_keys: dict[str, Any] = {}
        self.fixed: dict[str, Any] = {}
        self.merged: dict[str, Any] = {}
        self.invocation: _context.Invocation | None = None
        self.end_callback = self.end  # one bound method, registered by every invocation
        self.active = False
        self.pending: PendingLines | None = None
        self.configured_level = level
        # A sampled invocation logs down to here: DEBUG, but never below AWS_LAMBDA_LOG_LEVEL,
        # since Lambda drops what is under that level anyway.
        self.sample_level = DEBUG
        self.effective = level
        self.threshold = level
        self.write_failed = False
        # False while the loggers' thresholds may disagree with ``threshold`` (never set, or a
        # signal landed half-way through ``set_levels``): the next call then writes them all.
        self.levels_synced = False
        # ``merged`` outside an invocation, and the ``persistent`` dict it was built from: an
        # invocation's end restores it instead of merging again.
        self.idle: dict[str, Any] = {}
        self.idle_of: dict[str, Any] | None = None
        self.rebuild()
        self.set_levels(None)

    # --- keys -----------------------------------------------------------------------------
    def rebuild(self) -> None:
        """Recompute ``merged``; a new dict is swapped in so readers never see a half-built
        one."""
        merged: dict[str, Any] = {"service": self.service}
        merged.update(self.fixed)
        if self.sampling_rate is not None:
            merged["sampling_rate"] = self.sampling_rate
        merged.update(self.persistent)
        merged.update(self.invocation_keys)
        self.merged = merged

    def in_invocation(self) -> bool:
        """Whether appended keys belong to an invocation. Inside one that the decorator did
        not open (another toolkit middleware did), the keys are cleared when it closes."""
        if self.active:
            return True
        invocation = _context.current()
        if invocation is None:
            return False
        if self.invocation is not invocation:
            self.invocation = invocation
            invocation.on_close(self.end_callback)
        return True

    def append(self, keys: Mapping[str, Any]) -> None:
        with self.lock:
            if self.in_invocation():
                self.invocation_keys = {**self.invocation_keys, **keys}
            else:
                self.persistent = {**self.persistent, **keys}
            self.rebuild()

    def remove(self, names: tuple[str, ...]) -> None:
        with self.lock:
            self.invocation_keys = {k: v for k, v in self.invocation_keys.items() if k not in names}
            self.persistent = {k: v for k, v in self.persistent.items() if k not in names}
            self.fixed = {k: v for k, v in self.fixed.items() if k not in names}
            self.rebuild()

    # --- invocation lifecycle -------------------------------------------------------------
    def begin(
        self, invocation: _context.Invocation | None, fixed: dict[str, Any], clear: bool
    ) -> None:
        if invocation is not None:
            # Registered first, so that even a timeout signal landing half-way through still
            # leaves nothing of this invocation behind.
            invocation.on_close(self.end_callback)
        with self.lock:
            self.invocation = invocation
            self.active = True
            self.fixed = fixed
            self.invocation_keys = {}
            if clear:
                self.persistent = dict(self.constructor_keys)
            # What rebuild() does, with no invocation keys yet (the per-invocation path).
            merged: dict[str, Any] = {"service": self.service, **fixed}
            if self.sampling_rate is not None:
                merged["sampling_rate"] = self.sampling_rate
            if self.persistent:
                merged.update(self.persistent)
            self.merged = merged
            if self.buffer is not None:
                self.pending = PendingLines(self.buffer.max_bytes)
            if self.sampling_rate is not None:
                # Here rather than at the top: its _random is a shared library (~0.25 ms of
                # cold start) that only sampling loggers need.
                from toolkit.logging.sampling import sampled

                self.set_levels(
                    min(self.configured_level, self.sample_level)
                    if sampled(self.sampling_rate)
                    else None
                )
            elif self.effective != self.configured_level or not self.levels_synced:
                self.set_levels(None)

    def end(self) -> None:
        """Drop what belonged to the invocation: its keys, held lines, sampled level."""
        with self.lock:
            self.active = False
            self.invocation = None
            self.pending = None
            self.fixed = {}
            self.invocation_keys = {}
            self.merged = self.idle_keys()
            if self.effective != self.configured_level or not self.levels_synced:
                self.set_levels(None)

    def idle_keys(self) -> dict[str, Any]:
        """``merged`` with no invocation keys; rebuilt only when ``persistent`` was replaced
        (the dicts are never mutated, so identity says whether it changed)."""
        persistent = self.persistent
        if persistent is not self.idle_of:
            merged: dict[str, Any] = {"service": self.service}
            if self.sampling_rate is not None:
                merged["sampling_rate"] = self.sampling_rate
            merged.update(persistent)
            self.idle, self.idle_of = merged, persistent
        return self.idle

    def set_levels(self, sampled_level: int | None) -> None:
        effective = self.configured_level if sampled_level is None else sampled_level
        threshold = effective
        if self.buffer is not None:
            # Everything from DEBUG up to the buffer's level is held, whatever the level.
            threshold = min(threshold, self.buffer.level_no, DEBUG)
        self.effective = effective
        if threshold == self.threshold and self.levels_synced:
            return
        self.levels_synced = False
        self.threshold = threshold
        for logger in self.loggers:
            logger._threshold = threshold
        if self.loggers:
            # Keep stdlib's view in step, so records from library loggers below ours and from
            # ``logger.log`` are let through exactly when ours are.
            logging.Logger.setLevel(self.loggers[0], threshold)
        self.levels_synced = True

    # --- lines ----------------------------------------------------------------------------
    def line(
        self,
        level: int,
        msg: Any,
        args: tuple[Any, ...],
        location: str,
        keys: Mapping[str, Any] | None,
        *,
        created: float,
        exc_info: ExcInfo | None = None,
        logger_name: str | None = None,
    ) -> str:
        structured = None
        render = self.render
        if msg.__class__ is str and not args:
            message, error = msg, None
        elif isinstance(msg, dict) and not args:
            # A dict message is structured data: its keys join the line's, and its own
            # "message" entry, if any, is the message.
            structured = msg if flat(msg) else render.members(msg)
            message, error = structured.get("message", ""), None
        else:
            message, error = format_message(msg, args)
        data: dict[str, Any] = {
            "level": level_name(level),
            "location": location,
            "message": message,
            "timestamp": timestamp(created),
        }
        # Every part is made JSON-safe on its own (the merged keys once per change), so the
        # encoder can go straight to the C encoder: cheaper than walking the whole line.
        data.update(render.members_shared(self.merged))
        block = self.block.get()
        if block:
            _add_keys(data, block if flat(block) else render.members(block))
        scoped = _scope_keys()
        if scoped:
            _add_keys(data, scoped if flat(scoped) else render.members(scoped))
        if structured:
            _add_keys(data, structured)
        if keys:
            # flat(keys) and _add_keys in one loop: this is the usual line's path, with a key
            # or two, where a loop costs less than building iterators
            for key, value in keys.items():
                if value.__class__ not in SCALARS or key.__class__ is not str or key in OWN_FIELDS:
                    _add_keys(data, keys if flat(keys) else render.members(keys))
                    break
            else:
                data.update(keys)
        if logger_name is not None:
            data["logger"] = logger_name
        if error is not None:
            data["message_args_error"] = error
        if exc_info is not None:
            data.update(exception_fields(exc_info))  # JSON-safe as built
        return render.checked(data, KEEP)

    def deliver(self, level: int, line: str) -> None:
        """Write ``line``, hold it in the invocation's buffer, or drop it, by level."""
        pending = self.pending
        if pending is not None and level <= cast(LogBuffer, self.buffer).level_no:
            pending.add(line)
            return
        if level < self.effective:
            return
        if pending is not None and level >= ERROR and cast(LogBuffer, self.buffer).flush_on_error:
            self.flush_pending()
        self.write(line)

    def flush_pending(self) -> None:
        """Write the held lines, oldest first, after a line saying how many were evicted."""
        pending = self.pending
        if pending is None:
            return
        lines, evicted = pending.take()
        if evicted:
            self.write(
                self.line(
                    WARNING,
                    "log buffer was full: the oldest buffered records were evicted",
                    (),
                    "toolkit.logging:buffer",
                    {
                        "evicted_records": evicted,
                        "buffer_max_bytes": cast(LogBuffer, self.buffer).max_bytes,
                    },
                    created=_now(),
                )
            )
        for line in lines:
            self.write(line)

    def write(self, line: str) -> None:
        try:
            write_line(self.stream, line)
        except LambdaTimeoutError:  # delivered by a signal: never swallow it
            raise
        except Exception as exc:
            self.report_failure(exc)

    def report_failure(self, exc: BaseException) -> None:
        """A line that could not be written is reported once on stderr; the handler goes on."""
        if self.write_failed:
            return
        self.write_failed = True
        stderr = sys.stderr
        if stderr is not None:
            try:
                stderr.write(
                    f"toolkit.logging: could not write a log line for service "
                    f"{self.service!r}: {type(exc).__name__}: {safe_str(exc)}\n"
                )
            except LambdaTimeoutError:  # delivered by a signal: never swallow it
                raise
            except Exception:
                return


class JsonHandler(logging.Handler):
    """Renders records that arrive through stdlib ``logging`` as the Logger's JSON lines."""

    def __init__(self, family: Family, owner: str) -> None:
        super().__init__()
        self._family = family
        self._owner = owner

    def emit(self, record: logging.LogRecord) -> None:
        family = self._family
        try:
            keys = getattr(record, "_toolkit_keys", None)
            if keys is None:
                keys = {k: v for k, v in record.__dict__.items() if k not in _RECORD_ATTRS}
            msg = record.msg
            line = family.line(
                record.levelno,
                msg,
                record.args if isinstance(record.args, tuple) else (record.args,),
                f"{record.funcName}:{record.lineno}",
                keys,
                created=record.created,
                exc_info=exc_info_of(record.exc_info),
                logger_name=None if record.name == self._owner else record.name,
            )
            family.deliver(record.levelno, line)
        except LambdaTimeoutError:  # delivered by a signal: never swallow it
            raise
        except Exception as exc:
            family.report_failure(exc)
