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

State. What a Logger and its children share is one :class:`~toolkit.logging.family.Family`:
an immutable configuration, one :class:`~toolkit.logging.levels.Levels`, the keys that outlive
invocations; what belongs to one invocation is an
:class:`~toolkit.logging.family.InvocationRecord` kept in that invocation's state. The Logger
object itself holds only its name and the level number its methods compare against.

Same-named Loggers. Each ``Logger(...)`` is its own family: two ``Logger("x")`` share nothing
(configuration, keys, level, buffer), and ``logging.getLogger("x")`` returns the one built
last. Sharing is asked for explicitly, with :meth:`Logger.child`. See docs/logger.md.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from toolkit import _notice, config
from toolkit import context as _context
from toolkit._typing import TYPE_CHECKING, cast
from toolkit.logging.buffer import LogBuffer
from toolkit.logging.errors import (
    InvalidBufferError,
    InvalidCorrelationPathError,
    InvalidSamplingRateError,
    OrphanedChildLoggerError,
)
from toolkit.logging.family import (
    Family,
    HandlerOutput,
    JsonHandler,
    LoggerConfig,
    attach_keys,
    exc_info_of,
)
from toolkit.logging.formatter import make_formatter
from toolkit.logging.lambda_keys import lambda_keys, xray_trace_id
from toolkit.logging.levels import (
    CRITICAL,
    DEBUG,
    ERROR,
    INFO,
    WARNING,
    Levels,
    level_name,
    parse_level,
)
from toolkit.middleware import Target, middleware_method

if TYPE_CHECKING:
    from typing import IO, Any

    from jmespath.parser import ParsedResult

    from toolkit.jmespath import Expression

__all__ = ["Logger"]

_SPECIAL = frozenset({"exc_info", "extra", "stack_info", "stacklevel"})
_manager = logging.Logger.manager
_scope_keys = _context.scope_keys
_current_invocation = _context.current
_now = time.time
_getframe = sys._getframe

_warned_lambda_level = False


def _warn_lambda_level(family: Family, requested: int, lambda_level: int) -> None:
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
                "configured_level": level_name(requested),
                "aws_lambda_log_level": level_name(lambda_level),
            },
            created=_now(),
            record=family.current(),
        ),
        WARNING,
    )


def _log_uncaught_exceptions(logger: Logger) -> None:
    """``Logger(log_uncaught_exceptions=True)``: an exception nobody caught is logged (ERROR,
    with its traceback) before the hook that was installed before ours runs as usual."""
    previous = sys.excepthook

    def hook(etype: type[BaseException], value: BaseException, tb: Any) -> None:
        logger.exception(value, exc_info=(etype, value, tb))
        previous(etype, value, tb)

    sys.excepthook = hook


def _outermost() -> tuple[Any, int]:
    """The outermost frame of the stack and its depth seen from the function calling this
    one: where a ``stacklevel`` deeper than the stack points (the line is still logged, as
    stdlib does)."""
    frame = _getframe(1)
    depth = 0
    while frame.f_back is not None:
        frame = frame.f_back
        depth += 1
    return frame, depth


def _lambda_level() -> int | None:
    """``AWS_LAMBDA_LOG_LEVEL`` as a number, when Lambda's logging controls set it."""
    name = config.LAMBDA_LOG_LEVEL.read()
    return None if name is None else parse_level(name)


_MAX_CORRELATION_ID = 256


def _one_correlation_id(found: Any) -> str | int | float | bool | None:
    """What a correlation path found, as the one short value a correlation id is: a list (a
    ``[*]`` projection over a batch's records) gives its first element; a string is cut to
    256 characters; a number or boolean is kept; anything else (an object) gives no id."""
    if isinstance(found, list):
        found = found[0] if found else None
    if isinstance(found, str):
        return found[:_MAX_CORRELATION_ID]
    if isinstance(found, (int, float)):
        return found
    return None


def _names(method: str, keys: str | Iterable[str], names: tuple[str, ...]) -> tuple[str, ...]:
    """The key names given as one iterable (Powertools' signature) or as names."""
    if isinstance(keys, str):
        return (keys, *names)
    if names:
        raise TypeError(f"{method} takes one iterable of names or names, not both")
    return tuple(keys)


def _register(logger: logging.Logger) -> None:
    """Make ``logging.getLogger(logger.name)`` return ``logger``, re-parenting the loggers
    below the name (a placeholder or a plain logger created earlier) onto it."""
    manager = cast("Any", _manager)
    with cast("Any", logging)._lock:
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


_SEAM = frozenset(
    {
        "append_keys",
        "append_context_keys",
        "clear_state",
        "get_current_keys",
        "remove_keys",
        "thread_safe_append_keys",
        "thread_safe_clear_keys",
        "thread_safe_get_current_keys",
        "thread_safe_remove_keys",
    }
)


class _PowertoolsSeam:
    """Our handler's ``formatter`` as Powertools' Logger sees it (its ``registered_formatter``):
    the key methods it calls, answered by the toolkit Logger, so keys appended through a
    Powertools Logger sharing our service name land in the same lines."""

    __slots__ = ("_logger",)

    def __init__(self, logger: Logger) -> None:
        self._logger = logger

    def __getattr__(self, name: str) -> Any:
        if name in _SEAM:
            return getattr(self._logger, name)
        raise AttributeError(name)


class Logger(logging.Logger):
    """Structured JSON logging for Lambda handlers; see ``docs/logger.md``.

    ``service`` defaults to ``TOOLKIT_SERVICE_NAME``/``POWERTOOLS_SERVICE_NAME``, ``level`` to
    ``TOOLKIT_LOG_LEVEL``/``POWERTOOLS_LOG_LEVEL`` then INFO, ``sampling_rate`` to
    ``TOOLKIT_LOGGER_SAMPLE_RATE``; explicit arguments win, and ``AWS_LAMBDA_LOG_LEVEL`` wins
    over all of them. Extra keyword arguments are keys on every line. Powertools' output
    options (``logger_formatter``, ``logger_handler``, ``datefmt``, ``json_serializer``...)
    are described in docs/logger.md, "Powertools options".
    """

    _family: Family
    _threshold: int
    _handler: JsonHandler
    _logger_key: str | None
    # A child=True logger built before its service's Logger: the service name it waits for.
    _orphan_of: str | None = None
    _asked_stream: IO[str] | None = None  # a child built before its parent: the stream it named
    # The default Logger an orphan child writes through meanwhile.
    _provisional = False
    # A child's own level (Logger(child=True, level=...) or setLevel on a child), where
    # Powertools' module loggers have theirs; None: the family's. Set on each instance in
    # _setup, not as a class default: CPython 3.11 specialises the read every line makes
    # only for an instance's own attribute.
    _own_level: int | None

    # What Powertools' Logger looks for on the stdlib logger of its service name (logger.py,
    # Logger._init_logger and _get_handler): a Powertools Logger built after this one with the
    # same service reuses our handler and keys instead of adding a second handler, so every
    # line is written once.
    init = True
    powertools_buffer_config = None
    powertools_buffer_cache = None

    @property
    def powertools_handler(self) -> JsonHandler:
        return self._handler

    def __init__(
        self,
        service: str | None = None,
        level: str | int | None = None,
        *,
        child: bool = False,
        sampling_rate: float | None = None,
        stream: IO[str] | None = None,
        buffer: LogBuffer | None = None,
        json_default: Callable[[Any], Any] | None = None,
        logger_formatter: logging.Formatter | None = None,
        logger_handler: logging.Handler | None = None,
        log_uncaught_exceptions: bool = False,
        json_serializer: Callable[[dict[str, Any]], str] | None = None,
        json_deserializer: Callable[[Any], Any] | None = None,
        datefmt: str | None = None,
        use_datetime_directive: bool = False,
        log_record_order: list[str] | None = None,
        utc: bool = False,
        use_rfc3339: bool = False,
        serialize_stacktrace: bool = True,
        buffer_config: LogBuffer | None = None,
        **persistent_keys: Any,
    ) -> None:
        service = service or config.SERVICE_NAME.read()
        if child:
            self._init_child(service, _getframe(1).f_globals.get("__name__", "__main__"), locals())
            return
        if level is None:
            level = config.LOG_LEVEL.read() or "INFO"
        requested = parse_level(level)
        lambda_level = _lambda_level()
        configured = requested if lambda_level is None else lambda_level
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
        if buffer_config is not None:
            if buffer is not None:
                raise TypeError("Logger takes buffer or buffer_config (Powertools' name), not both")
            buffer = buffer_config
        if buffer is not None and not isinstance(buffer, LogBuffer):
            raise InvalidBufferError("buffer", buffer, "a toolkit.logging.LogBuffer")
        formatter = make_formatter(
            logger_formatter,
            {
                "json_serializer": json_serializer,
                "json_deserializer": json_deserializer,
                "json_default": json_default,
                "datefmt": datefmt,
                "use_datetime_directive": use_datetime_directive,
                "log_record_order": log_record_order,
                "utc": utc,
                "use_rfc3339": use_rfc3339,
                "serialize_stacktrace": serialize_stacktrace,
            },
        )
        family = Family(
            LoggerConfig(
                service,
                sampling_rate=None if sampling_rate is None else float(sampling_rate),
                buffer=buffer,
                stream=stream,
                json_default=json_default or str,
                keys=persistent_keys,
                handler=None if logger_handler is None else HandlerOutput(logger_handler, service),
                formatter=formatter,
            ),
            Levels(configured, lambda_level, None if buffer is None else buffer.level_no),
        )
        self._setup(service, family)
        if lambda_level is not None and lambda_level > requested:
            _warn_lambda_level(family, requested, lambda_level)
        if log_uncaught_exceptions:
            _log_uncaught_exceptions(self)

    def _init_child(self, service: str, module: str, given: dict[str, Any]) -> None:
        """``Logger(child=True)``: Powertools' module logger, named ``<service>.<module>`` and
        a member of the family of the Logger registered under ``service``. Built before that
        Logger, it writes through a default one until the service's Logger is built, then
        joins it (:meth:`_setup`). Everything but ``service`` and its own ``level`` is the
        parent's to configure; ``stream`` is accepted when it is the parent's own."""
        parent = _manager.loggerDict.get(service)
        stream = given["stream"]
        built = isinstance(parent, Logger) and not parent._provisional
        if (
            stream is not None
            and built
            and stream is not cast(Logger, parent)._family.config.stream
        ):
            raise TypeError(
                "Logger(child=True) writes through its parent's output: pass stream to the "
                f"Logger of service {service!r} instead"
            )
        function = Logger.__init__
        code = function.__code__
        positional = code.co_varnames[1 : code.co_argcount]
        defaults = dict(zip(positional[::-1], (function.__defaults__ or ())[::-1], strict=False))
        defaults.update(function.__kwdefaults__ or {})
        options = [
            name
            for name, default in defaults.items()
            if name not in ("service", "child", "level", "stream") and given[name] is not default
        ]
        # and the persistent keys (the ``**`` parameter, named after the keyword-only ones)
        options += given[code.co_varnames[code.co_argcount + code.co_kwonlyargcount]]
        if options:
            raise TypeError(
                f"Logger(child=True) shares its parent's configuration: pass "
                f"{', '.join(options)} to the Logger of service {service!r} instead"
            )
        if not isinstance(parent, Logger) or parent._provisional:
            if not isinstance(parent, Logger):
                parent = Logger(service, stream=stream)
                parent._provisional = True
            self._orphan_of = service
            self._asked_stream = stream
        self._setup(f"{service}.{module}", parent._family)
        if given["level"] is not None:
            self.setLevel(given["level"])

    def _setup(self, name: str, family: Family) -> None:
        super().__init__(name)
        self._own_level = None
        self._fast = False
        self.propagate = False
        self._join(family)
        _register(self)
        if name == family.config.service:  # a parent: the children built before it join it
            for other in list(_manager.loggerDict.values()):
                if isinstance(other, Logger) and other._orphan_of == name:
                    other._orphan_of = None
                    asked = other._asked_stream
                    if asked is not None and asked is not family.config.stream:
                        _notice.warn(
                            f"Logger(child=True) {other.name!r} was given another stream than "
                            f"its parent's; it writes through the parent's, as children do"
                        )
                    other._join(family)

    def _join(self, family: Family) -> None:
        """Become a member of ``family``, leaving the one this logger was in."""
        old = getattr(self, "_handler", None)
        if old is not None:
            self.removeHandler(old)
            self._family.levels.loggers.remove(self)
        self._family = family
        levels = family.levels
        self._threshold = levels.threshold if self._own_level is None else self._own_level
        service = family.config.service
        self._handler = JsonHandler(family, service)
        self._handler.floor = self._own_level
        self._handler.formatter = cast("logging.Formatter", _PowertoolsSeam(self))
        self._handler.on_filters_changed = self._refresh
        # Lines of a child (and of other loggers) say which logger wrote them.
        self._logger_key = None if self.name == service else self.name
        logging.Logger.setLevel(
            self,
            self._own_level
            if self._own_level is not None
            else logging.NOTSET
            if levels.loggers
            else levels.threshold,
        )
        levels.loggers.append(self)
        self.addHandler(self._handler)

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
            and self._family.config.formatter is None  # a formatter reads the real record
            and not self._propagate
            and not self.filters
            and not handler.filters
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
        """Change the configured level (``AWS_LAMBDA_LOG_LEVEL`` still wins): the family's, or
        a child's own, as Powertools' module loggers have."""
        requested = parse_level(level)
        lambda_level = _lambda_level()
        configured = requested if lambda_level is None else lambda_level
        if self.name != self._family.config.service:
            self._own_level = self._threshold = self._handler.floor = configured
            logging.Logger.setLevel(self, configured)
        else:
            self._family.set_level(configured)
        if configured > requested:
            _warn_lambda_level(self._family, requested, configured)

    @property
    def service(self) -> str:
        return self._family.config.service

    @property
    def sampling_rate(self) -> float | None:
        return self._family.config.sampling_rate

    @property
    def log_level(self) -> int:
        """The level number this logger writes from (Powertools' ``log_level``): its own for a
        child given one, else the configured level (``AWS_LAMBDA_LOG_LEVEL`` when set); a
        sampled invocation writes below it."""
        own = self._own_level
        return self._family.levels.configured if own is None else own

    # --- the level methods (the hot path) -------------------------------------------------
    def debug(self, msg: Any, *args: Any, **keys: Any) -> None:
        if self._threshold > 10:  # DEBUG
            return
        self._emit(DEBUG, msg, args, keys)

    def info(self, msg: Any, *args: Any, **keys: Any) -> None:
        if self._threshold > 20:  # INFO
            return
        self._emit(INFO, msg, args, keys)

    def warning(self, msg: Any, *args: Any, **keys: Any) -> None:
        if self._threshold > 30:  # WARNING
            return
        self._emit(WARNING, msg, args, keys)

    warn = warning

    def error(self, msg: Any, *args: Any, **keys: Any) -> None:
        if self._threshold > 40:  # ERROR
            return
        self._emit(ERROR, msg, args, keys)

    def exception(self, msg: Any, *args: Any, exc_info: Any = True, **keys: Any) -> None:
        if self._threshold > 40:  # ERROR
            return
        keys["exc_info"] = exc_info
        self._emit(ERROR, msg, args, keys)

    def critical(self, msg: Any, *args: Any, **keys: Any) -> None:
        if self._threshold > 50:  # CRITICAL
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
            depth = 2  # from here: the level method, then the frame that called it
            exc_info = None
            if keys and not _SPECIAL.isdisjoint(keys):
                exc_info = exc_info_of(keys.pop("exc_info", None))
                extra = keys.pop("extra", None)
                keys.pop("stack_info", None)
                depth += max(1, int(keys.pop("stacklevel", 1))) - 1
                if extra:
                    keys = {**extra, **keys}
            try:
                frame = _getframe(depth)
            except ValueError:  # stacklevel deeper than the stack
                frame, depth = _outermost()
            if not self._fast:
                # Through stdlib: filters, other handlers and propagation see the record.
                code = frame.f_code
                log_record = self.makeRecord(
                    self.name,
                    level,
                    code.co_filename,
                    frame.f_lineno,
                    msg,
                    args,
                    exc_info,
                    code.co_name,
                )
                attach_keys(log_record, keys)
                self.handle(log_record)
                return
            record = family.current()
            family.deliver(
                level,
                # All positional: keywords would cost about 390 Ir per line
                family.line(
                    level,
                    msg,
                    args,
                    f"{frame.f_code.co_name}:{frame.f_lineno}",
                    keys,
                    _now(),  # created
                    record,
                    exc_info,
                    self._logger_key,  # logger_name
                ),
                record,
                self._own_level,
            )
        except Exception as exc:
            family.report_failure(exc)

    # --- keys -----------------------------------------------------------------------------
    def append_keys(self, **keys: Any) -> None:
        """Add keys to every following line: for the rest of the invocation when called
        during one (also seen by the handler's threads), for good when called outside."""
        if self._orphan_of is not None:
            raise OrphanedChildLoggerError(self._orphan_of)
        self._family.append(keys)

    def remove_keys(self, keys: str | Iterable[str], *names: str) -> None:
        """Remove keys from the following lines: ``remove_keys(["a", "b"])`` (Powertools' one
        iterable) or ``remove_keys("a", "b")``."""
        self._family.remove(_names("remove_keys", keys, names))

    def clear_state(self) -> None:
        """Remove every appended key (for good, for the invocation, this thread's), keeping
        the constructor's keys and the invocation's Lambda keys."""
        self._family.clear()

    def structure_logs(
        self, append: bool = False, formatter_options: dict[str, Any] | None = None, **keys: Any
    ) -> None:
        """Powertools' legacy way to set keys: with ``append`` it is :meth:`append_keys`,
        otherwise :meth:`clear_state` then :meth:`append_keys`. Formatter options are the
        constructor's, so ``formatter_options`` raises ``TypeError``."""
        if formatter_options:
            raise TypeError(
                "structure_logs(formatter_options=...) is not supported: pass the formatter "
                "options to Logger(...)"
            )
        if not append:
            self.clear_state()
        self.append_keys(**keys)

    @contextmanager
    def keys(self, **keys: Any) -> Iterator[None]:
        """Add keys to the lines logged inside the block, in this thread or task only."""
        block = self._family.block
        token = block.set({**block.get(), **keys})
        try:
            yield
        finally:
            block.reset(token)

    # Powertools' thread-local keys are the block keys: one context variable per family.
    def thread_safe_append_keys(self, **keys: Any) -> None:
        """Add keys to the lines this thread (or asyncio task) logs from now on."""
        block = self._family.block
        block.set({**block.get(), **keys})

    def thread_safe_remove_keys(self, keys: str | Iterable[str], *names: str) -> None:
        """Remove keys added by :meth:`thread_safe_append_keys` in this thread."""
        removed = _names("thread_safe_remove_keys", keys, names)
        block = self._family.block
        block.set({k: v for k, v in block.get().items() if k not in removed})

    def thread_safe_clear_keys(self) -> None:
        """Remove every key added by :meth:`thread_safe_append_keys` in this thread."""
        self._family.block.set({})

    def thread_safe_get_current_keys(self) -> dict[str, Any]:
        """The keys this thread added with :meth:`thread_safe_append_keys` (or ``keys()``)."""
        return dict(self._family.block.get())

    append_context_keys = keys  # Powertools' name

    def get_current_keys(self) -> dict[str, Any]:
        """The keys every line gets right now (without level, message, time, location)."""
        family = self._family
        record = family.current()
        return {
            **(family.merged if record is None else record.merged),
            **family.block.get(),
            **_scope_keys(),
        }

    def set_correlation_id(self, value: str | None) -> None:
        """Set (or with ``None`` remove) ``correlation_id``, scoped like :meth:`append_keys`."""
        if value is None:
            self._family.remove(("correlation_id",))
        else:
            self._family.append({"correlation_id": value})

    def get_correlation_id(self) -> Any:
        return self.get_current_keys().get("correlation_id")

    def flush_buffer(self) -> None:
        """Write what the buffer holds for this invocation now."""
        family = self._family
        with family.lock:
            family.flush_pending(family.current())

    # --- children -------------------------------------------------------------------------
    def child(self, name: str) -> Logger:
        """A logger named ``<service>.<name>`` sharing this one's configuration and keys (as
        ``Logger(child=True)`` does, with a name of your choosing)."""
        child = Logger.__new__(Logger)
        child._setup(f"{self.name}.{name}", self._family)
        return child

    def __reduce__(self) -> Any:
        return logging.getLogger, (self.name,)

    def __repr__(self) -> str:
        level = level_name(self._family.levels.effective)
        return f"<toolkit.Logger {self.name} ({level})>"

    # --- the handler decorator ------------------------------------------------------------
    @middleware_method
    def inject_lambda_context(
        self,
        handler: Callable[[Any, Any], Any],
        event: Any,
        lambda_context: Any,
        *,
        log_event: bool | None = None,
        correlation_id_path: str | ParsedResult | Expression | None = None,
        clear_state: bool = False,
        flush_buffer_on_uncaught_error: bool = True,
    ) -> Any:
        """Middleware: Lambda keys, correlation id, per-invocation keys, sampling and buffer.

        ``@logger.inject_lambda_context`` or ``@logger.inject_lambda_context(log_event=True,
        correlation_id_path=correlation_paths.API_GATEWAY_REST, clear_state=True)``. The
        buffer is always flushed when the handler raises: Powertools'
        ``flush_buffer_on_uncaught_error=True`` is what happens, ``False`` is refused.
        """
        invocation = _current_invocation()
        opened_here = invocation is None
        if invocation is None:  # used as a bare layer, outside the engine: open one here
            invocation = _context.begin(event, lambda_context)
        try:
            family = self._family
            existing = invocation.state.get(family.state_key)
            if existing is not None and existing.opened:
                return handler(event, lambda_context)  # nested handler in the same invocation
            fixed = lambda_keys(lambda_context, invocation.cold_start)
            search_error = None
            if correlation_id_path is not None:
                try:
                    found = cast("Expression", correlation_id_path).search(event)
                except Exception as exc:  # the event, not the code, is wrong: the handler runs
                    found, search_error = None, exc
                correlation_id = _one_correlation_id(found)
                if correlation_id is not None:
                    fixed["correlation_id"] = correlation_id
            header = config.XRAY_TRACE_ID.read()
            if header:
                trace_id = xray_trace_id(header)
                if trace_id is not None:
                    fixed["xray_trace_id"] = trace_id
            record = family.begin(invocation, existing, fixed, clear_state)
            if invocation.logger is None:
                invocation.logger = self  # utilities report through us (see Invocation.logger)
            if search_error is not None:
                # Named by type only: a JMESPath error's text can quote the event.
                self.warning(
                    "correlation_id_path failed on this event: no correlation_id",
                    correlation_id_path=cast("Expression", correlation_id_path).text,
                    error=type(search_error).__name__,
                )
            try:
                if log_event:
                    self.info("Lambda event", event=event)
                return handler(event, lambda_context)
            except BaseException:
                with family.lock:
                    family.flush_pending(record)
                raise
        finally:
            if opened_here:
                _context.end(invocation)

    @inject_lambda_context.setup
    def _prepare_inject(self, target: Target, options: dict[str, Any]) -> dict[str, Any]:
        """Decoration time: the JMESPath is compiled (a bad one fails at import, not on the
        first invocation) and ``log_event`` defaults from the environment."""
        if options["flush_buffer_on_uncaught_error"] is not True:
            raise TypeError(
                "inject_lambda_context(flush_buffer_on_uncaught_error=False) is not supported: "
                "toolkit always writes the buffered lines when the handler raises (they are the "
                "lines that explain the error)"
            )
        path = options["correlation_id_path"]
        if path is not None:
            from toolkit import jmespath

            # A compiled jmespath expression is compiled again with the custom functions.
            text = getattr(path, "expression", path)
            try:
                options["correlation_id_path"] = jmespath.compile(text)
            except jmespath.InvalidExpressionError as exc:
                raise InvalidCorrelationPathError(
                    "correlation_id_path", path, f"a JMESPath expression ({exc.reason})"
                ) from None
        if options["log_event"] is None:
            options["log_event"] = config.LOGGER_LOG_EVENT.read()
        return options
