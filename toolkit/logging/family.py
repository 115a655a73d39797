"""What a Logger and its children share, what they keep per invocation, and how a line is
built and delivered.

Three kinds of state, each in one place:

* :class:`LoggerConfig`: what the Logger was built with (service, stream, renderer, sampling
  rate, buffer, constructor keys). Immutable.
* :class:`~toolkit.logging.levels.Levels`: the configured level, ``AWS_LAMBDA_LOG_LEVEL``, the
  level of a sampled invocation and the threshold the level methods compare against.
* :class:`InvocationRecord`: what belongs to one invocation (its Lambda keys, the keys
  appended during it, the lines a buffer holds, whether it was sampled). It is kept with the
  invocation, in ``Invocation.state``, and dropped with it.

The :class:`Family` ties them together with the keys that outlive invocations (constructor
keys and keys appended outside any invocation) and the ``with logger.keys()`` block keys.

Which invocation a call belongs to: the one in the calling context (the handler's thread, its
asyncio tasks, threads run in a copied context), even after it ended; otherwise, for a plain
thread, which does not inherit context variables, the invocation the Logger is serving at
that moment. A plain thread other than the main thread calling ``append_keys`` while no
invocation runs is most likely left over from one that ended: its keys are kept for that
thread's own lines, never for later invocations.

The keys of a line are merged in one place, :meth:`Family.line`, in this order (later
wins): service, the invocation's Lambda keys, sampling rate, keys kept for good, keys appended
during the invocation, block keys, :func:`toolkit.context.scope` keys, the call's keys. The
first five change rarely and are merged once per change (:meth:`Family.merge`).
"""

from __future__ import annotations

import logging
import sys
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Mapping
from contextvars import ContextVar

from toolkit import context as _context
from toolkit._typing import TYPE_CHECKING, cast
from toolkit.jsonline import SCALARS, Encoder, flat, write_line
from toolkit.logging import redact as _redact
from toolkit.logging.buffer import LogBuffer, PendingLines
from toolkit.logging.formatter import (
    KEEP,
    OWN_FIELDS,
    RECORD_ATTRS,
    ExcInfo,
    exception_fields,
    safe_str,
    timestamp,
)
from toolkit.logging.lambda_keys import current_trace_id
from toolkit.logging.levels import ERROR, INFO, WARNING, Levels, level_name

if TYPE_CHECKING:
    from typing import IO, Any

__all__ = [
    "Family",
    "InvocationRecord",
    "HandlerOutput",
    "JsonHandler",
    "LoggerConfig",
    "attach_keys",
    "exc_info_of",
    "format_message",
]

_EMPTY: Mapping[str, Any] = {}
# Every family alive, so that a tap added later reaches it, and the taps themselves.
_taps: list[Callable[[str, int], None]] = []
# The call's keys named like a LogRecord attribute (``name=``, ``module=``...), which cannot be
# record attributes: they travel beside their record (see :func:`attach_keys`).
_clashing: weakref.WeakKeyDictionary[logging.LogRecord, dict[str, Any]] = (
    weakref.WeakKeyDictionary()
)
# The scalars but None: a None-valued key of a call takes the path that leaves it out.
_SOME = SCALARS - {type(None)}
# Values that cannot hold a secret's text: the per-line redaction check skips them.
_PLAIN = frozenset({int, float, bool, type(None)})
# The context variables' own get methods, bound once (as the engine does): scope_keys() and
# current() are these plus a Python call, on every line.
_scope_keys = _context._scope_keys.get
_current_invocation = _context._current.get
_now = time.time


def _suspect(layer: Mapping[str, Any], line: str) -> bool:
    """Whether a registered secret may be in ``layer``'s values: strings are checked, numbers
    cannot hold one, anything else (nested, an object) has the whole ``line`` scanned."""
    for value in layer.values():
        if value.__class__ is str:
            if _redact.found_in(value):
                return True
        elif value.__class__ not in _PLAIN:
            return _redact.found(line)
    return False


def format_message(msg: Any, args: tuple[Any, ...]) -> tuple[Any, str | None]:
    """The message to log and, when ``msg % args`` failed, why. What is not a string becomes
    its ``str`` (a string is never parsed: ``"42"`` stays the text 42)."""
    if args:
        if len(args) == 1 and isinstance(args[0], Mapping) and args[0]:
            args = args[0]  # type: ignore[assignment]  # stdlib's %(name)s form
        try:
            return safe_str(msg) % args, None
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


def _has_none(values: Iterable[Any]) -> bool:
    """Whether a value is ``None``, by identity (``None in values`` would call ``__eq__``).
    A loop rather than ``any()`` over a generator: several times cheaper for a few keys."""
    for value in values:  # noqa: SIM110
        if value is None:
            return True
    return False


def _add_keys(data: dict[str, Any], keys: Mapping[str, Any]) -> None:
    """Add the user's ``keys`` to a line without replacing its own fields: a key named like
    one (``level``, ``timestamp``, ``function_request_id``...) is added as ``extra_<name>``.
    A dict message's own ``message`` entry *is* the line's message (the same object), so
    writing it again changes nothing and it is not renamed. A key whose value is ``None`` is
    left out of the line, taking an earlier value of that key with it (Powertools strips
    ``None`` values from the line it formats)."""
    if OWN_FIELDS.isdisjoint(keys) and not _has_none(keys.values()):
        data.update(keys)
        return
    for key, value in keys.items():
        if value is None:
            if key not in OWN_FIELDS:
                data.pop(key, None)
        elif key in OWN_FIELDS and (key != "message" or data.get("message") is not value):
            name = f"extra_{key}"
            while name in keys:
                name = f"extra_{name}"
            data[name] = value
        else:
            data[key] = value


class HandlerOutput:
    """A ``logging.Handler`` given as ``Logger(logger_handler=...)``, in the place of the
    stream: each line goes to its ``handle`` as one record of the line's level whose message
    is the finished line (the handler's formatter is set to write just that)."""

    __slots__ = ("handler", "name")

    def __init__(self, handler: logging.Handler, name: str) -> None:
        handler.setFormatter(logging.Formatter("%(message)s"))
        self.handler = handler
        self.name = name

    def emit(self, line: str, level: int) -> None:
        handler = self.handler
        if level >= handler.level:  # checked by the caller in stdlib (Logger.callHandlers)
            handler.handle(logging.LogRecord(self.name, level, "", 0, line, None, None))


class LoggerConfig:
    """What a Logger was built with; shared by its children, never changed afterwards.

    ``stream`` is ``None`` for "``sys.stdout`` as it is when a line is written", so that
    ``capsys``, ``contextlib.redirect_stdout`` and a runtime's own redirection see the lines
    of a Logger built before they swapped ``sys.stdout``. ``handler`` is a
    :class:`HandlerOutput` for a ``logger_handler``, which then takes the lines instead of the
    stream. ``formatter`` is ``None`` for toolkit's own line (the fast path), or
    the formatter every line goes through (see
    :func:`toolkit.logging._powertools_formatter.format_line`).
    """

    __slots__ = (
        "buffer",
        "constructor_keys",
        "formatter",
        "handler",
        "render",
        "sampling_rate",
        "service",
        "stream",
    )

    service: str
    sampling_rate: float | None
    buffer: LogBuffer | None
    stream: IO[str] | None
    handler: HandlerOutput | None
    render: Encoder
    formatter: logging.Formatter | None
    constructor_keys: Mapping[str, Any]

    def __init__(
        self,
        service: str,
        *,
        sampling_rate: float | None,
        buffer: LogBuffer | None,
        stream: IO[str] | None,
        json_default: Callable[[Any], Any],
        keys: Mapping[str, Any],
        handler: HandlerOutput | None = None,
        formatter: logging.Formatter | None = None,
    ) -> None:
        setattr_ = object.__setattr__
        setattr_(self, "service", service)
        setattr_(self, "sampling_rate", sampling_rate)
        setattr_(self, "buffer", buffer)
        setattr_(self, "stream", stream)
        setattr_(self, "render", Encoder(json_default))
        setattr_(self, "formatter", formatter)
        setattr_(self, "handler", handler)
        setattr_(self, "constructor_keys", dict(keys))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"LoggerConfig is immutable (tried to set {name!r})")


class InvocationRecord:
    """What a Logger family keeps for one invocation, stored in ``Invocation.state``.

    ``fixed`` holds the keys computed when the invocation starts (Lambda keys, correlation id,
    trace id), ``appended`` those added during it; ``merged`` is the family's keys with both
    (see :meth:`Family.merge`), replaced whole on every change so a reader never sees a
    half-built dict. ``opened`` says whether ``inject_lambda_context`` opened it (rather than an
    ``append_keys`` in an invocation another middleware opened). Once ``closed`` it takes no
    more keys and holds no lines."""

    __slots__ = (
        "appended",
        "closed",
        "fixed",
        "invocation",
        "merged",
        "opened",
        "pending",
        "sampled",
    )

    def __init__(
        self, invocation: _context.Invocation, fixed: Mapping[str, Any], opened: bool
    ) -> None:
        self.invocation = invocation
        self.fixed = fixed
        self.appended: Mapping[str, Any] = _EMPTY
        self.merged: Mapping[str, Any] = _EMPTY
        self.pending: PendingLines | None = None
        self.sampled = False
        self.opened = opened
        self.closed = False


def _give_taps(line: str, level: int) -> None:
    for tap in tuple(_taps):
        tap(line, level)


def add_tap(tap: Callable[[str, int], None]) -> None:
    """Give ``tap`` every line any Logger writes from now on, besides its output (what
    :class:`toolkit.testing.logs.CapturedLogs` uses): Loggers built before and after alike,
    whatever stream they were given and whatever ``sys.stdout`` is. Without a tap, a line
    pays one test of an empty list."""
    _taps.append(tap)


def remove_tap(tap: Callable[[str, int], None]) -> None:
    _taps.remove(tap)


class Family:
    """A Logger and its children: configuration, levels, the keys that outlive invocations,
    the block keys, and which invocation they serve right now."""

    def __init__(self, config: LoggerConfig, levels: Levels) -> None:
        self.config = config
        self.levels = levels
        self.lock = threading.RLock()
        self.block: ContextVar[Mapping[str, Any]] = ContextVar(
            f"toolkit_logger_keys_{config.service}", default=_EMPTY
        )
        # Where this family's record sits in an invocation's state dict.
        self.state_key = f"toolkit.logging:{config.service}:{id(self):x}"
        self.persistent: Mapping[str, Any] = config.constructor_keys
        # The invocation being served, for the threads that do not carry a context.
        self.record: InvocationRecord | None = None
        self.merged: Mapping[str, Any] = self.merge(None)
        self.write_failed = False
        # The merged keys last written and their JSON-safe form (see _remember_safe).
        self._safe: tuple[Mapping[str, Any] | None, Mapping[str, Any]] = (None, _EMPTY)
        # The merged keys last checked for secrets, under which registry, and the answer.
        self._checked: Mapping[str, Any] = _EMPTY
        self._checked_generation = -1
        self._merged_secret = False
        # Read on every line: an attribute of the family rather than of its configuration.
        self.formatter = config.formatter

    # --- keys -----------------------------------------------------------------------------
    def merge(self, record: InvocationRecord | None) -> dict[str, Any]:
        """The keys that change rarely, merged: service, the invocation's fixed keys,
        sampling rate, keys kept for good, keys appended during the invocation."""
        config = self.config
        if record is None:
            merged: dict[str, Any] = {"service": config.service}
        else:
            merged = {"service": config.service, **record.fixed}
        if config.sampling_rate is not None:
            merged["sampling_rate"] = config.sampling_rate
        if self.persistent:
            _add_keys(merged, self.persistent)
        if record is not None and record.appended:
            _add_keys(merged, record.appended)
        return merged

    def _remember_safe(self, merged: Mapping[str, Any]) -> Mapping[str, Any]:
        """``merged`` made JSON-safe (itself when it is flat), remembered in ``_safe`` with
        the merged keys it was made from: they are replaced, never changed, so a line pays
        one identity test until they change."""
        render = self.config.render
        safe = merged if flat(merged) else render.members(merged)
        self._safe = (merged, safe)
        return safe

    def current(self) -> InvocationRecord | None:
        """The record of the invocation this call belongs to (see the module's docstring)."""
        record = self.record
        invocation = _current_invocation()
        if invocation is not None and (record is None or record.invocation is not invocation):
            return cast("InvocationRecord | None", invocation.state.get(self.state_key))
        return record

    def _refresh(self) -> None:
        """Merge again after ``persistent`` changed. Call with the lock held."""
        self.merged = self.merge(None)
        record = self.record
        if record is not None:
            record.merged = self.merge(record)

    def append(self, keys: Mapping[str, Any]) -> None:
        with self.lock:
            invocation = _current_invocation()
            if invocation is not None:
                record = invocation.state.get(self.state_key)
                if record is None:
                    if invocation.closed:  # a copied context outliving its invocation
                        return
                    record = self.open(invocation)
            else:
                record = self.record
            if record is not None:
                if not record.closed:
                    record.appended = {**record.appended, **keys}
                    record.merged = self.merge(record)
            elif threading.current_thread() is threading.main_thread():
                self.persistent = {**self.persistent, **keys}
                self._refresh()
            else:
                # A plain thread while no invocation runs: left over from one that ended.
                # Its keys go on its own lines only, never into a later invocation's.
                self.block.set({**self.block.get(), **keys})

    def remove(self, names: tuple[str, ...]) -> None:
        with self.lock:
            record = self.current()
            if record is not None:
                record.fixed = {k: v for k, v in record.fixed.items() if k not in names}
                record.appended = {k: v for k, v in record.appended.items() if k not in names}
            block = self.block.get()
            if block and not block.keys().isdisjoint(names):
                self.block.set({k: v for k, v in block.items() if k not in names})
            self.persistent = {k: v for k, v in self.persistent.items() if k not in names}
            self._refresh()
            if record is not None and record is not self.record:
                record.merged = self.merge(record)

    def clear(self) -> None:
        """Back to the constructor's keys: drop the keys appended for good, during the current
        invocation and in this context's block."""
        with self.lock:
            record = self.current()
            if record is not None:
                record.appended = _EMPTY
            self.block.set(_EMPTY)
            self.persistent = self.config.constructor_keys
            self._refresh()
            if record is not None and record is not self.record:
                record.merged = self.merge(record)

    # --- invocation lifecycle -------------------------------------------------------------
    def _new_record(
        self, invocation: _context.Invocation, fixed: Mapping[str, Any], opened: bool
    ) -> InvocationRecord:
        """A record for ``invocation``, stored in its state and dropped when it closes."""
        record = InvocationRecord(invocation, fixed, opened)
        # Registered first, so that even a timeout signal landing half-way through still
        # leaves nothing of this invocation behind.
        invocation.on_close(lambda: self.close(record))
        invocation.state[self.state_key] = record
        return record

    def open(self, invocation: _context.Invocation) -> InvocationRecord:
        """The record of an invocation that another middleware opened, made when a key is
        appended in it. Call with the lock held."""
        record = self._new_record(invocation, _EMPTY, opened=False)
        record.merged = self.merge(record)
        self.record = record
        return record

    def begin(
        self,
        invocation: _context.Invocation,
        existing: InvocationRecord | None,
        fixed: dict[str, Any],
        clear: bool,
    ) -> InvocationRecord:
        """Start serving ``invocation`` with its fixed keys; ``existing`` is this family's
        record in it, made by an ``append_keys`` before the decorator ran (in an invocation
        another middleware opened), whose keys are kept.

        Without the lock except around what other threads also write (the kept keys, the
        levels): the record is complete before ``self.record`` publishes it to the handler's
        threads, in one assignment."""
        if clear:
            with self.lock:
                self.persistent = self.config.constructor_keys
                self.merged = self.merge(None)
        record = existing
        if record is None:
            # ``opened`` positionally: a keyword call costs about 190 Ir per invocation
            record = self._new_record(invocation, fixed, True)
        else:
            record.opened = True
            record.fixed = fixed
        record.merged = self.merge(record)
        buffer = self.config.buffer
        if buffer is not None:
            record.pending = PendingLines(buffer.max_bytes)
        rate = self.config.sampling_rate
        if rate is not None:
            # Here rather than at the top: its _random is a shared library (~0.25 ms of
            # cold start) that only sampling loggers need.
            from toolkit.logging.sampling import sampled

            record.sampled = sampled(rate)
            with self.lock:
                self.levels.apply(record.sampled)
        self.record = record
        return record

    def close(self, record: InvocationRecord) -> None:
        """Drop what belonged to the invocation: its held lines, its sampled level, and its
        keys for every thread but those still running in its context. An append racing with
        this finds the record closed, or lands in it just before: either way it ends here."""
        record.closed = True
        record.pending = None
        if self.record is record:
            self.record = None
        if record.sampled:
            with self.lock:
                self.levels.apply(False)

    def set_level(self, configured: int) -> None:
        with self.lock:
            self.levels.configured = configured
            record = self.record
            self.levels.apply(record is not None and record.sampled)

    # --- lines ----------------------------------------------------------------------------
    def line(  # noqa: PLR0917 - Logger._emit passes all positionally: keywords cost more per line
        self,
        level: int,
        msg: Any,
        args: tuple[Any, ...],
        location: str,
        keys: Mapping[str, Any] | None,
        created: float,
        record: InvocationRecord | None,
        exc_info: ExcInfo | None = None,
        logger_name: str | None = None,
        *,
        log_record: logging.LogRecord | None = None,
    ) -> str:
        structured = None
        render = self.config.render
        if msg.__class__ is str and not args:
            message, error = msg, None
        elif isinstance(msg, dict) and not args:
            # A dict message is structured data: its keys join the line's, and its own
            # "message" entry, if any, is the message.
            structured = msg if flat(msg) else render.members(msg)
            message, error = structured.get("message", ""), None
        else:
            message, error = format_message(msg, args)
        # Every key of the line, in one place (later wins): the merged keys, block keys, scope
        # keys, a dict message's keys, the call's keys. A user key named like one of the line's
        # own fields is written as ``extra_<name>`` instead (see _add_keys). Each part is made
        # JSON-safe on its own (the merged keys once per change), so the line can go straight
        # to the C encoder: cheaper than walking the whole line.
        merged = self.merged if record is None else record.merged
        memo = self._safe
        data: dict[str, Any] = {
            "level": level_name(level),
            "location": location,
            "message": message,
            "timestamp": timestamp(created),
            **(memo[1] if memo[0] is merged else self._remember_safe(merged)),
        }
        block = self.block.get()
        if block:
            _add_keys(data, block if flat(block) else render.members(block))
        scoped = _scope_keys()
        if scoped:
            _add_keys(data, scoped if flat(scoped) else render.members(scoped))
        if structured:
            _add_keys(data, structured)
        if keys:
            # flat(keys) and _add_keys in one loop: the usual line's path has a key or two,
            # where a loop costs less than building iterators
            for key, value in keys.items():
                if value.__class__ not in _SOME or key.__class__ is not str or key in OWN_FIELDS:
                    _add_keys(data, keys if flat(keys) else render.members(keys))
                    break
            else:
                data.update(keys)
        # Outside inject_lambda_context, the runtime's trace id now (inside, the invocation's
        # keys carry it when the runtime set it, and it does not change within an invocation).
        if record is None and "xray_trace_id" not in data:
            trace_id = current_trace_id()
            if trace_id is not None:
                data["xray_trace_id"] = trace_id
        if logger_name is not None:
            data["logger"] = logger_name
        if error is not None:
            data["message_args_error"] = error
        if exc_info is not None:
            data.update(exception_fields(exc_info))  # JSON-safe as built
        formatter = self.formatter
        if formatter is None:
            text = render.checked(data, KEEP)
        else:
            # here: a Logger without a formatter never loads that module
            from toolkit.logging._powertools_formatter import format_line

            name = self.config.service if logger_name is None else logger_name
            text = format_line(
                formatter,
                data,
                keys,
                record=log_record,
                notice=(name, level, location, msg, args, exc_info, created),
                encode=self._encode,
                lock=self.lock,
            )
        if _redact.needles:
            whole = structured is not None or error is not None or exc_info is not None
            whole = whole or formatter is not None
            return self.redacted(text, message, keys, record, whole)
        return text

    def redacted(
        self,
        text: str,
        message: Any,
        keys: Mapping[str, Any] | None,
        record: InvocationRecord | None,
        whole: bool,
    ) -> str:
        """``text`` with the registered secrets masked.

        The check is narrowed to what changes per line (the message and the call's, block and
        scope keys' string values) when everything else is known to be clean: the merged keys
        are checked once per change. A nested value, a dict message, an exception or a
        formatting error (``whole``) can hide anything, so those lines are scanned whole."""
        merged = self.merged if record is None else record.merged
        if self._checked is not merged or self._checked_generation != _redact.generation:
            self._merged_secret = _redact.found(self.config.render(dict(merged)))
            self._checked, self._checked_generation = merged, _redact.generation
        if whole or self._merged_secret or message.__class__ is not str:
            suspect = _redact.found(text)
        else:
            shortest = _redact.shortest
            suspect = len(message) >= shortest and _redact.found_in(message)
            if not suspect and keys:
                for value in keys.values():  # _suspect(keys, text), inlined: every line has keys
                    if value.__class__ is str:
                        if len(value) >= shortest and _redact.found_in(value):
                            suspect = True
                            break
                    elif value.__class__ not in _PLAIN:
                        suspect = _redact.found(text)
                        break
            if not suspect:
                block, scoped = self.block.get(), _scope_keys()
                suspect = bool(block) and _suspect(block, text)
                suspect = suspect or (bool(scoped) and _suspect(scoped, text))
        return _redact.scrub_line(text, self._encode) if suspect else text

    def _encode(self, data: dict[str, Any]) -> str:
        return self.config.render(data, KEEP)

    def deliver(
        self, level: int, line: str, record: InvocationRecord | None, floor: int | None = None
    ) -> None:
        """Write ``line``, hold it in the invocation's buffer, or drop it, by level (``floor``:
        a child's own level, in place of the family's). It goes to the stream of the moment,
        or to the ``logger_handler`` at ``level``. A failure to write is left to the caller
        to report (the level methods and :class:`JsonHandler` do): the usual line's path
        is one call shorter than through :meth:`write`."""
        config = self.config
        pending = None if record is None else record.pending
        if pending is not None and level <= cast(LogBuffer, config.buffer).level_no:
            pending.add(line)
            return
        if level < (self.levels.effective if floor is None else floor):
            return
        if pending is not None and level >= ERROR and cast(LogBuffer, config.buffer).flush_on_error:
            self.flush_pending(record)
        handler = config.handler
        try:
            if handler is None:
                stream = config.stream
                write_line(sys.stdout if stream is None else stream, line)
            else:
                handler.emit(line, level)
        finally:
            if (
                _taps
            ):  # a test's capture (toolkit.testing): it sees the line even if the write failed
                _give_taps(line, level)

    def flush_pending(self, record: InvocationRecord | None) -> None:
        """Write the held lines, oldest first, after a line saying how many were evicted."""
        pending = None if record is None else record.pending
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
                        "buffer_max_bytes": cast(LogBuffer, self.config.buffer).max_bytes,
                    },
                    created=_now(),
                    record=record,
                ),
                WARNING,
            )
        level = cast(LogBuffer, self.config.buffer).level_no
        for line in lines:
            self.write(line, level)

    def write(self, line: str, level: int = INFO) -> None:
        """Write ``line`` whatever its level (held lines, toolkit's own notices); a failure
        is reported once on stderr and the handler goes on."""
        try:
            # no record: nothing is held; floor 0: nothing is dropped
            self.deliver(level, line, None, 0)
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
                    _redact.text(
                        f"toolkit.logging: could not write a log line for service "
                        f"{self.config.service!r}: {type(exc).__name__}: {safe_str(exc)}\n"
                    )
                )
            except Exception:
                return


def attach_keys(record: logging.LogRecord, keys: Mapping[str, Any]) -> None:
    """Put a Logger call's keys on its ``record`` as attributes, as stdlib's ``extra=`` does,
    so a filter can read, change or add them (``record.api_key = "REDACTED"``) and any
    formatter sees them; a key that would replace one of the record's own attributes is kept
    beside the record instead, and :class:`JsonHandler` adds it back."""
    attrs = record.__dict__
    clashing = None
    for key, value in keys.items():
        if key in RECORD_ATTRS or key in attrs:
            if clashing is None:
                clashing = _clashing[record] = {}
            clashing[key] = value
        else:
            attrs[key] = value


class JsonHandler(logging.Handler):
    """Renders records that arrive through stdlib ``logging`` as the Logger's JSON lines.
    With ``buffered=False`` (a library logger given the Logger's output by
    :func:`toolkit.logging.utils.copy_config_to_registered_loggers`) a record is written at
    once: its own logger's level decided, and the Logger's buffer does not hold it."""

    # What to tell when a filter is added or removed: the Logger's short cut, which skips this
    # handler, is taken only while it has no filters.
    on_filters_changed: Callable[[], None] | None = None
    # The own level of the child Logger this handler belongs to (see Family.deliver).
    floor: int | None = None

    def __init__(self, family: Family, owner: str, *, buffered: bool = True) -> None:
        super().__init__()
        self._family = family
        self._owner = owner
        self._buffered = buffered

    def addFilter(self, filter: Any) -> None:
        super().addFilter(filter)
        if self.on_filters_changed is not None:
            self.on_filters_changed()

    def removeFilter(self, filter: Any) -> None:
        super().removeFilter(filter)
        if self.on_filters_changed is not None:
            self.on_filters_changed()

    def emit(self, record: logging.LogRecord) -> None:
        family = self._family
        try:
            keys = {k: v for k, v in record.__dict__.items() if k not in RECORD_ATTRS}
            clashing = _clashing.get(record)
            if clashing is not None:
                keys = {**clashing, **keys}
            msg = record.msg
            current = family.current()
            line = family.line(
                record.levelno,
                msg,
                record.args if isinstance(record.args, tuple) else (record.args,),
                f"{record.funcName}:{record.lineno}",
                keys,
                created=record.created,
                record=current,
                exc_info=exc_info_of(record.exc_info),
                logger_name=None if record.name == self._owner else record.name,
                log_record=record,
            )
            if self._buffered:
                family.deliver(record.levelno, line, current, self.floor)
            else:
                family.write(line, record.levelno)
        except Exception as exc:
            family.report_failure(exc)
