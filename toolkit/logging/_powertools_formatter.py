"""Powertools' formatter classes, and how a Logger's lines go through a formatter.

Public under :mod:`toolkit.logging.formatter` (Powertools' module name), defined here so that
a Logger without a formatter never loads them. :class:`BasePowertoolsFormatter` and
:class:`LambdaPowertoolsFormatter` keep Powertools' names and overridable hooks (``format``,
``formatTime``, ``serialize``) so a formatter written for Powertools works with
``Logger(logger_formatter=...)`` after an import change. A Logger with a formatter (or an
option only a formatter honours: ``datefmt``, ``log_record_order``, ``json_serializer``...)
builds each line's dict as usual and hands it to the formatter through :func:`format_line`,
which keeps the Logger's guarantees: a formatter that raises or returns something unwritable
still gets the line written, by toolkit's encoder, with a ``formatter_error`` member saying why.
"""

from __future__ import annotations

import json
import logging
import time
from abc import ABCMeta, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from types import MappingProxyType

from toolkit import config
from toolkit._typing import TYPE_CHECKING
from toolkit.jsonline import MAX_LINE_BYTES, Encoder, safe_str
from toolkit.logging.formatter import KEEP, RECORD_ATTRS, ExcInfo, exception_fields, timestamp

if TYPE_CHECKING:
    from typing import Any

__all__ = [
    "BasePowertoolsFormatter",
    "JsonFormatter",
    "LambdaPowertoolsFormatter",
    "format_line",
]

_INTERNAL = frozenset({"_toolkit_line"})
# The members a Logger makes for each line; a formatter's append_keys gets the others.
_GENERATED = frozenset(
    {
        "level",
        "location",
        "message",
        "timestamp",
        "logger",
        "exception",
        "exception_name",
        "stack_trace",
        "message_args_error",
        "formatter_error",
    }
)


class BasePowertoolsFormatter(logging.Formatter, metaclass=ABCMeta):
    """The interface a Logger's formatter offers (Powertools' base, same names): the Logger
    keeps a formatter that is not a :class:`LambdaPowertoolsFormatter` told of the keys of
    each line through ``clear_state`` and ``append_keys`` before calling its ``format``."""

    @abstractmethod
    def append_keys(self, **additional_keys: Any) -> None:
        """Add keys to every line this formatter formats."""

    def get_current_keys(self) -> dict[str, Any]:
        return {}

    def remove_keys(self, keys: Iterable[str]) -> None:
        raise NotImplementedError

    @abstractmethod
    def clear_state(self) -> None:
        """Remove the keys added since the formatter was built."""

    @contextmanager
    def append_context_keys(self, **additional_keys: Any) -> Iterator[None]:
        yield

    def thread_safe_append_keys(self, **additional_keys: Any) -> None:
        raise NotImplementedError

    def thread_safe_get_current_keys(self) -> dict[str, Any]:
        return {}

    def thread_safe_remove_keys(self, keys: Iterable[str]) -> None:
        raise NotImplementedError

    def thread_safe_clear_keys(self) -> None:
        raise NotImplementedError


_DEFAULT_ORDER = ["level", "location", "message", "timestamp"]
_NO_KEYS: Mapping[str, Any] = MappingProxyType({})


class LambdaPowertoolsFormatter(BasePowertoolsFormatter):
    """Powertools' JSON formatter under its name, with its options and hooks.

    ``format(record)`` builds the line's dict (from the Logger's line when a toolkit Logger
    sent the record, from the record otherwise), stamps it with ``formatTime``, orders it by
    ``log_record_order`` and returns ``serialize(dict)``; override any of the three. Options,
    as Powertools': ``json_serializer`` (dict to str; default: toolkit's strict encoder),
    ``json_deserializer`` (applied to a string message without arguments; default: none, a
    string message stays a string), ``json_default`` (for values JSON lacks, default ``str``),
    ``datefmt`` (``time.strftime`` directives plus ``%F`` for milliseconds),
    ``use_datetime_directive`` (``datefmt`` read by ``datetime.strftime``), ``utc``,
    ``use_rfc3339`` (ISO 8601 with milliseconds and offset), ``log_record_order``,
    ``serialize_stacktrace`` (the structured ``stack_trace`` member) and any other keyword as
    a key of every line. Without ``datefmt`` or ``use_rfc3339`` the timestamp is toolkit's
    (RFC 3339, UTC, milliseconds). ``POWERTOOLS_DEV``/``TOOLKIT_DEV`` indents the output.
    """

    default_time_format = "%Y-%m-%d %H:%M:%S,%F%z"
    custom_ms_time_directive = "%F"
    RFC3339_ISO8601_FORMAT = "%Y-%m-%dT%H:%M:%S.%F%z"

    def __init__(  # noqa: PLR0917 - Powertools' signature, positional arguments included
        self,
        json_serializer: Callable[[dict[str, Any]], str] | None = None,
        json_deserializer: Callable[[Any], Any] | None = None,
        json_default: Callable[[Any], Any] | None = None,
        datefmt: str | None = None,
        use_datetime_directive: bool = False,
        log_record_order: list[str] | None = None,
        utc: bool = False,
        use_rfc3339: bool = False,
        serialize_stacktrace: bool = True,
        **kwargs: Any,
    ) -> None:
        self.json_serializer = json_serializer
        self.json_deserializer = json_deserializer
        self.json_default: Callable[[Any], Any] = json_default or str
        self.json_indent = 4 if config.DEV.read() else None
        self.use_datetime_directive = use_datetime_directive
        self.utc = utc
        self.use_rfc3339_iso8601 = use_rfc3339
        self.log_record_order = list(log_record_order or _DEFAULT_ORDER)  # a copy to change
        self.serialize_stacktrace = serialize_stacktrace
        self.keys_combined = dict(kwargs)
        self.log_format: dict[str, Any] = dict(kwargs)
        self._thread_keys: ContextVar[Mapping[str, Any]] = ContextVar(
            "toolkit_formatter_keys", default=_NO_KEYS
        )
        self._encode = Encoder(self.json_default)
        super().__init__(datefmt=datefmt)

    # --- the hooks --------------------------------------------------------------------------
    def serialize(self, log: dict[str, Any]) -> str:
        """The line's text: ``json_serializer(log)``, or toolkit's strict one-line JSON
        (indented under ``POWERTOOLS_DEV``)."""
        if self.json_serializer is not None:
            return self.json_serializer(log)
        line = self._encode(log, KEEP)
        if self.json_indent is None:
            return line
        return json.dumps(json.loads(line), indent=self.json_indent, ensure_ascii=False)

    def format(self, record: logging.LogRecord) -> str:
        line: Mapping[str, Any] | None = record.__dict__.get("_toolkit_line")
        log = self._from_record(record) if line is None else dict(line)
        own, thread = self.log_format, self._thread_keys.get()
        if own or thread:
            for key, value in {**own, **thread}.items():
                log.setdefault(key, value)
        log["timestamp"] = self.formatTime(record, self.datefmt)
        message = log["message"]
        if self.json_deserializer is not None and isinstance(message, str) and not record.args:
            # not a document this deserializer reads: kept as text
            with suppress(Exception):
                log["message"] = self.json_deserializer(message)
        if not self.serialize_stacktrace:
            log.pop("stack_trace", None)
        order = self.log_record_order
        if order != _DEFAULT_ORDER:
            log = {**{key: log[key] for key in order if key in log}, **log}
        return self.serialize(log)

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        """The ``timestamp`` member: toolkit's RFC 3339 UTC form unless ``datefmt`` or
        ``use_rfc3339`` ask for another (local time unless ``utc``, as Powertools)."""
        datefmt = datefmt or self.datefmt
        rfc3339 = self.use_rfc3339_iso8601
        if not datefmt and not rfc3339:
            return timestamp(record.created)
        if not rfc3339 and not self.use_datetime_directive:
            fmt = str(datefmt).replace(self.custom_ms_time_directive, f"{int(record.msecs):03d}")
            convert = time.gmtime if self.utc else time.localtime
            return time.strftime(fmt, convert(record.created))
        from datetime import datetime, timezone  # only for these two options

        if self.utc:
            moment = datetime.fromtimestamp(record.created, tz=timezone.utc)
        else:
            moment = datetime.fromtimestamp(record.created).astimezone()
        if rfc3339:
            return moment.isoformat(timespec="milliseconds")
        return moment.strftime(
            str(datefmt).replace(self.custom_ms_time_directive, f"{int(record.msecs):03d}")
        )

    # --- keys of its own (a formatter used without a toolkit Logger) ---------------------------
    def append_keys(self, **additional_keys: Any) -> None:
        self.log_format.update(additional_keys)

    def get_current_keys(self) -> dict[str, Any]:
        return self.log_format

    def remove_keys(self, keys: Iterable[str]) -> None:
        for key in [keys] if isinstance(keys, str) else keys:
            self.log_format.pop(key, None)

    def clear_state(self) -> None:
        self.log_format = dict(self.keys_combined)

    @contextmanager
    def append_context_keys(self, **additional_keys: Any) -> Iterator[None]:
        """Keys for the block; removed when it ends (even if they existed before, as
        Powertools)."""
        self.append_keys(**additional_keys)
        try:
            yield
        finally:
            self.remove_keys(additional_keys)

    def thread_safe_append_keys(self, **additional_keys: Any) -> None:
        self._thread_keys.set({**self._thread_keys.get(), **additional_keys})

    def thread_safe_get_current_keys(self) -> dict[str, Any]:
        return dict(self._thread_keys.get())

    def thread_safe_remove_keys(self, keys: Iterable[str]) -> None:
        names = {keys} if isinstance(keys, str) else set(keys)
        self._thread_keys.set({k: v for k, v in self._thread_keys.get().items() if k not in names})

    def thread_safe_clear_keys(self) -> None:
        self._thread_keys.set({})

    def _from_record(self, record: logging.LogRecord) -> dict[str, Any]:
        """The line of a record that did not come from a toolkit Logger."""
        try:
            message: Any = record.getMessage() if record.args else record.msg
        except Exception as exc:
            message = f"{safe_str(record.msg)} (message_args_error: {type(exc).__name__})"
        log: dict[str, Any] = {
            "level": record.levelname,
            "location": f"{record.funcName}:{record.lineno}",
            "message": message if isinstance(message, (dict, str)) else safe_str(message),
            "timestamp": None,
        }
        log.update((k, v) for k, v in record.__dict__.items() if k not in RECORD_ATTRS)
        if isinstance(record.exc_info, tuple) and record.exc_info[0] is not None:
            log.update(exception_fields(record.exc_info))
        return log


JsonFormatter = LambdaPowertoolsFormatter  # Powertools' older name


if TYPE_CHECKING:
    # (logger name, level, location, msg, args, exc_info, created) of a line without a record
    Notice = tuple[str, int, str, Any, tuple[Any, ...], ExcInfo | None, float]


def _record_for(notice: Notice) -> logging.LogRecord:
    """A record for a line the Logger wrote itself (a notice), for the formatter to read:
    ``notice`` is (logger name, level, location, msg, args, exc_info, created)."""
    name, level, location, msg, args, exc_info, created = notice
    func, _, line = location.rpartition(":")
    record = logging.LogRecord(
        name, level, "", int(line) if line.isdigit() else 0, msg, args, exc_info, func or None
    )
    record.created = created
    record.msecs = (created - int(created)) * 1000
    return record


def format_line(
    formatter: logging.Formatter,
    data: dict[str, Any],
    call_keys: Mapping[str, Any] | None,
    *,
    record: logging.LogRecord | None,
    notice: Notice,
    encode: Callable[[dict[str, Any]], str],
    lock: Any,
) -> str:
    """``data`` (a line the Logger built) as ``formatter`` writes it, never raising.

    ``record`` is the record the line came from (``None`` for a notice of the Logger's own,
    then made from ``notice``). Toolkit's formatter reads the line from the record; any other
    formatter is first given the line's keys (``clear_state`` then ``append_keys``, under
    ``lock``, so two threads' keys do not mix) and gets a copy of the record with the call's
    keys as attributes (as Powertools' ``extra``) and none of toolkit's own. When the
    formatter raises, or returns neither text nor bytes, or text over CloudWatch's event
    limit, the line is ``encode(data)`` with ``formatter_error`` saying why."""
    if record is None:
        record = _record_for(notice)
    try:
        if isinstance(formatter, LambdaPowertoolsFormatter):
            record._toolkit_line = data
            text: Any = formatter.format(record)
        else:
            keys = call_keys or {}
            # A copy without toolkit's own attributes, the call's keys added (as ``extra``).
            attrs = {k: v for k, v in record.__dict__.items() if k not in _INTERNAL}
            for key, value in keys.items():
                if key.__class__ is str and key not in RECORD_ATTRS:
                    attrs.setdefault(key, value)
            record = logging.makeLogRecord(attrs)
            with lock:
                keeper: Any = formatter
                if hasattr(keeper, "append_keys") and hasattr(keeper, "clear_state"):
                    keeper.clear_state()
                    keeper.append_keys(
                        **{
                            k: v
                            for k, v in data.items()
                            if k not in _GENERATED and k not in keys and k.__class__ is str
                        }
                    )
                text = formatter.format(record)
        if isinstance(text, (bytes, bytearray)):
            text = bytes(text).decode("utf-8", "replace")
        if not isinstance(text, str):
            raise TypeError(f"format returned {type(text).__name__}, not str")
        if len(text) > MAX_LINE_BYTES and len(text.encode("utf-8", "replace")) > MAX_LINE_BYTES:
            raise ValueError(f"a line of over {MAX_LINE_BYTES} bytes (CloudWatch's limit)")
        return text
    except Exception as exc:
        return encode(
            {
                **data,
                "formatter_error": f"{type(formatter).__name__}: {type(exc).__name__}: "
                f"{safe_str(exc)}",
            }
        )
