"""The structured Logger: a ``logging.Logger`` whose level methods take a short cut.

Hot path. ``logger.info(msg, **keys)`` checks one int (``_threshold``) and returns at once
when the level is off. When it is on, it builds one dict (level, location, message,
timestamp), adds the keys merged once per change (service, Lambda keys, appended keys),
the ``with logger.keys()`` block keys, the :func:`toolkit.context.scope_keys` and the call's
own keys, serialises once and writes once. No ``LogRecord``, no handler loop.

Interoperability. The object is registered with stdlib ``logging`` under the service name,
so ``logging.getLogger(service)`` returns it and records from other code (``logger.log``,
``logging.getLogger(f"{service}.lib")``, a library that logs through that name) reach its own
handler, which renders them into the same JSON. As soon as a user adds a handler or filter,
or turns ``propagate`` on, the level methods go through stdlib's ``_log`` instead so those see
every record. ``propagate`` is off by default: a Lambda runtime's root handler (awslambdaric's)
must not print our lines a second time, and no filter is put on the root logger, so other
libraries' records are never swallowed.

State. Everything a Logger and its children share lives in one :class:`_Family`. Keys fixed
for an invocation and keys appended during it sit in plain dicts replaced (never mutated) under
a lock and merged into ``merged``, which a log call reads with one attribute access: threads
started by the handler see the invocation's keys even though ``threading.Thread`` does not
inherit context variables. Keys of ``with logger.keys(...)`` are a context variable, so they
belong to the block (and its asyncio tasks), not to other threads.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import IO, TYPE_CHECKING, Any, cast

from toolkit import config
from toolkit import context as _context
from toolkit.logging.buffer import LogBuffer, PendingLines
from toolkit.logging.errors import (
    InvalidBufferError,
    InvalidCorrelationPathError,
    InvalidSamplingRateError,
)
from toolkit.logging.formatter import (
    LEVEL_NAMES,
    ExcInfo,
    Renderer,
    exception_fields,
    safe_str,
    timestamp,
)
from toolkit.logging.levels import parse_level
from toolkit.logging.sampling import sampled
from toolkit.middleware import MiddlewareFunction, _Configured

if TYPE_CHECKING:
    from jmespath.parser import ParsedResult

__all__ = ["Logger"]

DEBUG, INFO, WARNING, ERROR, CRITICAL = 10, 20, 30, 40, 50

_SPECIAL = frozenset({"exc_info", "extra", "stack_info", "stacklevel"})
_EMPTY: Mapping[str, Any] = {}
_RECORD_ATTRS = frozenset(
    logging.LogRecord("", 0, "", 0, "", None, None).__dict__.keys()
    | {"message", "asctime", "taskName", "_toolkit_keys"}
)
_manager = logging.Logger.manager
_scope_keys = _context.scope_keys
_now = time.time
_getframe = sys._getframe

_warned_lambda_level = False


def _format_message(msg: Any, args: tuple[Any, ...]) -> tuple[Any, str | None]:
    """The message to log and, when ``msg % args`` failed, why. A dict stays a dict (it is
    structured data); anything else that is not a string becomes its ``str``."""
    if args:
        if len(args) == 1 and isinstance(args[0], Mapping) and args[0]:
            args = args[0]  # type: ignore[assignment]  # stdlib's %(name)s form
        try:
            return safe_str(msg) % args, None
        except Exception as exc:
            return safe_str(msg), f"{type(exc).__name__}: {safe_str(exc)}"
    if msg.__class__ is str or isinstance(msg, dict):
        return msg, None
    return safe_str(msg), None


def _exc_info(value: Any) -> ExcInfo | None:
    if not value:
        return None
    if isinstance(value, BaseException):
        return (type(value), value, value.__traceback__)
    if isinstance(value, tuple):
        return cast(ExcInfo, value) if value[0] is not None else None
    info = sys.exc_info()
    return cast(ExcInfo, info) if info[0] is not None else None


def _xray_root(header: str | None) -> str | None:
    """The ``Root=`` part of ``_X_AMZN_TRACE_ID``, which is what X-Ray calls the trace id."""
    if not header:
        return None
    for part in header.split(";"):
        if part.startswith("Root="):
            return part[5:]
    return None


def _lambda_keys(lambda_context: Any, cold_start: bool) -> dict[str, Any]:
    keys: dict[str, Any] = {"cold_start": cold_start}
    if lambda_context is None:
        return keys
    name = getattr(lambda_context, "function_name", None)
    if name is not None:
        keys["function_name"] = name
    memory = getattr(lambda_context, "memory_limit_in_mb", None)
    if memory is not None:
        try:
            keys["function_memory_size"] = int(memory)
        except (TypeError, ValueError):
            keys["function_memory_size"] = safe_str(memory)
    arn = getattr(lambda_context, "invoked_function_arn", None)
    if arn is not None:
        keys["function_arn"] = arn
    request_id = getattr(lambda_context, "aws_request_id", None)
    if request_id is not None:
        keys["function_request_id"] = request_id
    return keys


class _Family:
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
        self.render = Renderer(json_default)
        self.stream = stream
        self._write = stream.write
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
        self.active = False
        self.pending: PendingLines | None = None
        self.configured_level = level
        self.effective = level
        self.threshold = level
        self.write_failed = False
        self.rebuild()

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
            invocation.on_close(self.end)
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
        with self.lock:
            self.invocation = invocation
            self.active = True
            self.fixed = fixed
            self.invocation_keys = {}
            if clear:
                self.persistent = dict(self.constructor_keys)
            self.rebuild()
            if self.buffer is not None:
                self.pending = PendingLines(self.buffer.max_bytes)
            is_sampled = self.sampling_rate is not None and sampled(self.sampling_rate)
            self.set_levels(min(self.configured_level, DEBUG) if is_sampled else None)
        if invocation is not None:
            invocation.on_close(self.end)

    def end(self) -> None:
        """Drop what belonged to the invocation: its keys, held lines, sampled level."""
        with self.lock:
            self.active = False
            self.invocation = None
            self.pending = None
            self.fixed = {}
            self.invocation_keys = {}
            self.rebuild()
            self.set_levels(None)

    def set_levels(self, sampled_level: int | None) -> None:
        effective = self.configured_level if sampled_level is None else sampled_level
        threshold = effective
        if self.buffer is not None:
            # Everything from DEBUG up to the buffer's level is held, whatever the level.
            threshold = min(threshold, self.buffer.level_no, DEBUG)
        self.effective = effective
        if threshold == self.threshold and all(lg._threshold == threshold for lg in self.loggers):
            return
        self.threshold = threshold
        for logger in self.loggers:
            logger._threshold = threshold
        if self.loggers:
            # Keep stdlib's view in step, so records from library loggers below ours and from
            # ``logger.log`` are let through exactly when ours are.
            logging.Logger.setLevel(self.loggers[0], threshold)

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
        if args or msg.__class__ is not str:
            message, error = _format_message(msg, args)
        else:
            message, error = msg, None
        data: dict[str, Any] = {
            "level": LEVEL_NAMES.get(level) or f"Level {level}",
            "location": location,
            "message": message,
            "timestamp": timestamp(created),
        }
        data.update(self.merged)
        block = self.block.get()
        if block:
            data.update(block)
        scoped = _scope_keys()
        if scoped:
            data.update(scoped)
        if keys:
            data.update(keys)
        if logger_name is not None:
            data["logger"] = logger_name
        if error is not None:
            data["message_args_error"] = error
        if exc_info is not None:
            data.update(exception_fields(exc_info))
        return self.render(data)

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
            self._write(line + "\n")
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
            except Exception:
                return


class _JsonHandler(logging.Handler):
    """Renders records that arrive through stdlib ``logging`` as the Logger's JSON lines."""

    def __init__(self, family: _Family, owner: str) -> None:
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
                exc_info=_exc_info(record.exc_info),
                logger_name=None if record.name == self._owner else record.name,
            )
            family.deliver(record.levelno, line)
        except Exception as exc:
            family.report_failure(exc)


def _warn_lambda_level(family: _Family, requested: int, lambda_level: int) -> None:
    """One line per process when ``AWS_LAMBDA_LOG_LEVEL`` hides records asked for."""
    global _warned_lambda_level
    if _warned_lambda_level:
        return
    _warned_lambda_level = True
    family.write(
        family.line(
            WARNING,
            "AWS_LAMBDA_LOG_LEVEL is higher than the level this Logger was configured with; "
            "records below it will not be written",
            (),
            "toolkit.logging:level",
            {
                "configured_level": LEVEL_NAMES.get(requested, requested),
                "aws_lambda_log_level": LEVEL_NAMES.get(lambda_level, lambda_level),
            },
            created=_now(),
        )
    )


def _register(logger: logging.Logger) -> None:
    """Make ``logging.getLogger(logger.name)`` return ``logger``, re-parenting the loggers
    below the name (a placeholder or a plain logger created earlier) onto it."""
    manager = cast(Any, _manager)
    with cast(Any, logging)._lock:
        existing = manager.loggerDict.get(logger.name)
        manager.loggerDict[logger.name] = logger
        if isinstance(existing, logging.PlaceHolder):
            manager._fixupChildren(existing, logger)
        elif isinstance(existing, logging.Logger):
            for other in list(manager.loggerDict.values()):
                if isinstance(other, logging.Logger) and other.parent is existing:
                    other.parent = logger
        manager._fixupParents(logger)
    manager._clear_cache()


class _InjectLambdaContext(MiddlewareFunction[Any]):
    """``inject_lambda_context`` with its options resolved at decoration time: the JMESPath
    is compiled (a bad one fails there, not on the first invocation) and ``log_event``
    defaults from the environment."""

    def configure(self, **options: Any) -> _Configured:
        path = options.get("correlation_id_path")
        if isinstance(path, str):
            import jmespath
            from jmespath.exceptions import JMESPathError

            try:
                options["correlation_id_path"] = jmespath.compile(path)
            except JMESPathError as exc:
                raise InvalidCorrelationPathError(
                    "correlation_id_path", path, f"a JMESPath expression ({exc})"
                ) from None
        elif path is not None and not hasattr(path, "search"):
            raise InvalidCorrelationPathError(
                "correlation_id_path", path, "a JMESPath expression string"
            )
        if options.get("log_event") is None:
            options["log_event"] = config.LOGGER_LOG_EVENT.read()
        return super().configure(**options)


class Logger(logging.Logger):
    """Structured JSON logging for Lambda handlers; see ``docs/logger.md``.

    ``service`` defaults to ``TOOLKIT_SERVICE_NAME``/``POWERTOOLS_SERVICE_NAME``, ``level`` to
    ``TOOLKIT_LOG_LEVEL``/``POWERTOOLS_LOG_LEVEL`` then INFO, ``sampling_rate`` to
    ``TOOLKIT_LOGGER_SAMPLE_RATE``; explicit arguments win, and ``AWS_LAMBDA_LOG_LEVEL`` wins
    over all of them. Extra keyword arguments are keys on every line.
    """

    _family: _Family
    _threshold: int
    _handler: _JsonHandler

    def __init__(
        self,
        service: str | None = None,
        level: str | int | None = None,
        *,
        sampling_rate: float | None = None,
        stream: IO[str] | None = None,
        buffer: LogBuffer | None = None,
        json_default: Callable[[Any], Any] = str,
        **persistent_keys: Any,
    ) -> None:
        service = service or config.SERVICE_NAME.read()
        if level is None:
            level = config.LOG_LEVEL.read() or "INFO"
        requested = parse_level(level)
        configured = requested
        lambda_level_name = config.LAMBDA_LOG_LEVEL.read()
        lambda_level = None if lambda_level_name is None else parse_level(lambda_level_name)
        if lambda_level is not None:
            configured = lambda_level
        if sampling_rate is None:
            sampling_rate = config.LOGGER_SAMPLE_RATE.read()
        elif (
            isinstance(sampling_rate, bool)
            or not isinstance(sampling_rate, (int, float))
            or not 0.0 <= sampling_rate <= 1.0
        ):
            raise InvalidSamplingRateError(
                "sampling_rate", sampling_rate, "a number between 0 and 1"
            )
        if buffer is not None and not isinstance(buffer, LogBuffer):
            raise InvalidBufferError("buffer", buffer, "a toolkit.logging.LogBuffer")
        family = _Family(
            service,
            configured,
            sampling_rate=None if sampling_rate is None else float(sampling_rate),
            stream=stream if stream is not None else sys.stdout,
            buffer=buffer,
            json_default=json_default,
            keys=persistent_keys,
        )
        self._setup(service, family)
        if lambda_level is not None and lambda_level > requested:
            _warn_lambda_level(family, requested, lambda_level)

    def _setup(self, name: str, family: _Family) -> None:
        self._family = family
        self._threshold = family.threshold
        self._handler = _JsonHandler(family, name)
        super().__init__(name)
        self._fast = False
        self.handlers.append(self._handler)
        self.propagate = False
        if not family.loggers:
            logging.Logger.setLevel(self, family.threshold)
        family.loggers.append(self)
        _register(self)

    # --- stdlib interoperability ----------------------------------------------------------
    @property
    def propagate(self) -> bool:
        return self._propagate

    @propagate.setter
    def propagate(self, value: bool) -> None:
        self._propagate = value
        self._refresh()

    def _refresh(self) -> None:
        """Take the short cut only while nothing but our own handler would see the record."""
        handler = getattr(self, "_handler", None)
        self._fast = (
            handler is not None
            and not self._propagate
            and not self.filters
            and getattr(self, "handlers", None) == [handler]
        )

    def addHandler(self, hdlr: logging.Handler) -> None:
        super().addHandler(hdlr)
        self._refresh()

    def removeHandler(self, hdlr: logging.Handler) -> None:
        super().removeHandler(hdlr)
        self._refresh()

    def addFilter(self, filter: Any) -> None:
        super().addFilter(filter)
        self._refresh()

    def removeFilter(self, filter: Any) -> None:
        super().removeFilter(filter)
        self._refresh()

    def setLevel(self, level: str | int) -> None:
        """Change the configured level (``AWS_LAMBDA_LOG_LEVEL`` still wins)."""
        requested = parse_level(level)
        lambda_level_name = config.LAMBDA_LOG_LEVEL.read()
        family = self._family
        with family.lock:
            family.configured_level = (
                requested if lambda_level_name is None else parse_level(lambda_level_name)
            )
            family.set_levels(None)
        if family.configured_level > requested:
            _warn_lambda_level(family, requested, family.configured_level)

    @property
    def service(self) -> str:
        return self._family.service

    @property
    def sampling_rate(self) -> float | None:
        return self._family.sampling_rate

    # --- the level methods (the hot path) -------------------------------------------------
    def debug(self, msg: Any, *args: Any, **keys: Any) -> None:
        if self._threshold > DEBUG:
            return
        self._emit(DEBUG, msg, args, keys)

    def info(self, msg: Any, *args: Any, **keys: Any) -> None:
        if self._threshold > INFO:
            return
        self._emit(INFO, msg, args, keys)

    def warning(self, msg: Any, *args: Any, **keys: Any) -> None:
        if self._threshold > WARNING:
            return
        self._emit(WARNING, msg, args, keys)

    warn = warning

    def error(self, msg: Any, *args: Any, **keys: Any) -> None:
        if self._threshold > ERROR:
            return
        self._emit(ERROR, msg, args, keys)

    def exception(self, msg: Any, *args: Any, exc_info: Any = True, **keys: Any) -> None:
        if self._threshold > ERROR:
            return
        keys["exc_info"] = exc_info
        self._emit(ERROR, msg, args, keys)

    def critical(self, msg: Any, *args: Any, **keys: Any) -> None:
        if self._threshold > CRITICAL:
            return
        self._emit(CRITICAL, msg, args, keys)

    fatal = critical

    def log(self, level: int, msg: Any, *args: Any, **keys: Any) -> None:
        if not isinstance(level, int):
            level = parse_level(level)
        if level < self._threshold:
            return
        self._emit(level, msg, args, keys)

    def _emit(self, level: int, msg: Any, args: tuple[Any, ...], keys: dict[str, Any]) -> None:
        family = self._family
        try:
            if self.disabled or _manager.disable >= level:
                return
            depth = 2
            exc_info = None
            if keys and not _SPECIAL.isdisjoint(keys):
                exc_info = _exc_info(keys.pop("exc_info", None))
                extra = keys.pop("extra", None)
                keys.pop("stack_info", None)
                depth += max(1, int(keys.pop("stacklevel", 1))) - 1
                if extra:
                    keys = {**extra, **keys}
            if not self._fast:
                self._log(
                    level,
                    msg,
                    args,
                    exc_info=exc_info,
                    extra={"_toolkit_keys": keys},
                    stacklevel=depth + 1,
                )
                return
            frame = _getframe(depth)
            family.deliver(
                level,
                family.line(
                    level,
                    msg,
                    args,
                    f"{frame.f_code.co_name}:{frame.f_lineno}",
                    keys,
                    created=_now(),
                    exc_info=exc_info,
                ),
            )
        except Exception as exc:
            family.report_failure(exc)

    # --- keys -----------------------------------------------------------------------------
    def append_keys(self, **keys: Any) -> None:
        """Add keys to every following line: for the rest of the invocation when called
        during one (also seen by the handler's threads), for good when called outside."""
        self._family.append(keys)

    def remove_keys(self, *names: str) -> None:
        self._family.remove(names)

    @contextmanager
    def keys(self, **keys: Any) -> Iterator[None]:
        """Add keys to the lines logged inside the block, in this thread or task only."""
        block = self._family.block
        token = block.set({**block.get(), **keys})
        try:
            yield
        finally:
            block.reset(token)

    def get_current_keys(self) -> dict[str, Any]:
        """The keys every line gets right now (without level, message, time, location)."""
        return {**self._family.merged, **self._family.block.get(), **_scope_keys()}

    def set_correlation_id(self, value: str | None) -> None:
        """Set (or with ``None`` remove) ``correlation_id``, scoped like :meth:`append_keys`."""
        if value is None:
            self._family.remove(("correlation_id",))
        else:
            self._family.append({"correlation_id": value})

    def get_correlation_id(self) -> Any:
        return self._family.merged.get("correlation_id")

    def flush_buffer(self) -> None:
        """Write what the buffer holds for this invocation now."""
        with self._family.lock:
            self._family.flush_pending()

    # --- children -------------------------------------------------------------------------
    def child(self, name: str) -> Logger:
        """A logger named ``<service>.<name>`` sharing this one's configuration and keys."""
        child = Logger.__new__(Logger)
        child._setup(f"{self.name}.{name}", self._family)
        return child

    def __reduce__(self) -> Any:
        return logging.getLogger, (self.name,)

    def __repr__(self) -> str:
        level = LEVEL_NAMES.get(self._family.effective, self._family.effective)
        return f"<toolkit.Logger {self.name} ({level})>"

    # --- the handler decorator ------------------------------------------------------------
    def _inject_lambda_context(
        self,
        handler: Callable[[Any, Any], Any],
        event: Any,
        lambda_context: Any,
        *,
        log_event: bool | None = None,
        correlation_id_path: ParsedResult | None = None,
        clear_state: bool = False,
    ) -> Any:
        family = self._family
        invocation = _context.current()
        if invocation is not None and family.invocation is invocation and family.active:
            return handler(event, lambda_context)  # nested handler in the same invocation
        fixed = _lambda_keys(
            lambda_context, invocation.cold_start if invocation is not None else False
        )
        if correlation_id_path is not None:
            try:
                correlation_id = correlation_id_path.search(event)
            except Exception:
                correlation_id = None
            if correlation_id is not None:
                fixed["correlation_id"] = correlation_id
        trace_id = _xray_root(config.XRAY_TRACE_ID.read())
        if trace_id is not None:
            fixed["xray_trace_id"] = trace_id
        family.begin(invocation, fixed, clear_state)
        try:
            if log_event:
                self.info(event)
            if invocation is None:
                try:
                    return handler(event, lambda_context)
                finally:
                    family.end()
            return handler(event, lambda_context)
        except BaseException:
            with family.lock:
                family.flush_pending()
            raise

    @property
    def inject_lambda_context(self) -> MiddlewareFunction[Any]:
        """Middleware: Lambda keys, correlation id, per-invocation keys, sampling and buffer.

        ``@logger.inject_lambda_context`` or ``@logger.inject_lambda_context(log_event=True,
        correlation_id_path=correlation_paths.API_GATEWAY_REST, clear_state=True)``.
        """
        return _InjectLambdaContext(
            self._inject_lambda_context, name="Logger.inject_lambda_context"
        )
