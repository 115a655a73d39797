"""Per-execution-environment and per-invocation state, in one place.

The middleware engine opens an :class:`Invocation` when a decorated handler is entered from
outside any other toolkit handler, and closes it when that call returns or raises. Utilities
read what they need from :func:`current` instead of keeping class-level state of their own, so
nothing stored for one invocation can leak into the next one.

:func:`scope` is the one seam between utilities that must cooperate without importing each
other: the batch processor opens a scope per record, the Logger adds the scope's keys to every
line written inside it, and an active Tracer opens a subsegment for it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager, ExitStack
from contextvars import ContextVar, Token
from types import MappingProxyType

from toolkit import config
from toolkit._typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import logging
    from types import TracebackType
    from typing import Any

__all__ = [
    "Invocation",
    "LambdaContext",
    "ScopeSeries",
    "ScopeListener",
    "current",
    "is_cold_start",
    "scope",
    "scope_keys",
]


class LambdaContext(Protocol):
    """What the Python runtime passes as ``context``.

    ``memory_limit_in_mb`` is a string there (the runtime copies it from the environment);
    read it with ``int(...)`` when a number is needed.

    For type checking only: at run time this is a plain class (no ``typing`` import at cold
    start), so ``isinstance(obj, LambdaContext)`` is not a structural check; test for the
    attributes you need instead.
    """

    @property
    def function_name(self) -> str: ...
    @property
    def function_version(self) -> str: ...
    @property
    def invoked_function_arn(self) -> str: ...
    @property
    def memory_limit_in_mb(self) -> str | int: ...
    @property
    def aws_request_id(self) -> str: ...
    @property
    def log_group_name(self) -> str: ...
    @property
    def log_stream_name(self) -> str: ...
    def get_remaining_time_in_millis(self) -> int: ...


if TYPE_CHECKING:
    ScopeListener = Callable[[str, Mapping[str, Any]], AbstractContextManager[Any]]
    """Called when a :func:`scope` opens; the context manager it returns is closed with it."""
else:
    ScopeListener = Callable  # the precise alias needs typing.Any; it is for type checkers

_EMPTY: Mapping[str, Any] = MappingProxyType({})


class Invocation:
    """One call of the handler by the runtime: the event, the context and utilities' state.

    ``state`` is the dict shared along the middleware chain (``request.state``); utilities keep
    their per-invocation data under their own keys there. ``on_close`` callbacks run when the
    invocation ends, last registered first, whether the handler returned or raised.

    ``logger`` is the toolkit Logger whose ``inject_lambda_context`` wraps this invocation (the
    outermost one if several do), ``None`` without one: utilities write what they report about
    the invocation (a failed batch record, say) through it, so their lines carry the
    invocation's keys and reach the same stream, without importing the Logger.
    """

    __slots__ = (
        "_closers",
        "_listeners",
        "_token",
        "cold_start",
        "context",
        "event",
        "logger",
        "state",
    )

    def __init__(self, event: Any, context: Any, cold_start: bool) -> None:
        self.event = event
        self.context = context
        self.cold_start = cold_start
        self.state: dict[str, Any] = {}
        self.logger: logging.Logger | None = None
        # Most invocations register neither; the lists are made on first use.
        self._closers: list[Callable[[], None]] | None = None
        self._listeners: list[ScopeListener] | None = None
        self._token: Token[Invocation | None] | None = None

    @property
    def closed(self) -> bool:
        """Whether the invocation has ended (a thread or task running in its context can
        outlive it)."""
        return self._token is None

    @property
    def request_id(self) -> str | None:
        return getattr(self.context, "aws_request_id", None)

    def remaining_ms(self) -> int | None:
        """Milliseconds left before Lambda stops the invocation, when the context says."""
        get = getattr(self.context, "get_remaining_time_in_millis", None)
        return None if get is None else int(get())

    def on_close(self, callback: Callable[[], None]) -> None:
        if self._closers is None:
            self._closers = [callback]
        else:
            self._closers.append(callback)

    def add_scope_listener(self, listener: ScopeListener) -> None:
        """Have ``listener`` told of every :func:`scope` opened during this invocation."""
        if self._listeners is None:
            self._listeners = []
        self._listeners.append(listener)

    def _close(self) -> None:
        closers, self._closers = self._closers, None
        if not closers:
            return
        if len(closers) == 1:  # the usual case: no error list to keep
            closers[0]()
            return
        errors: list[BaseException] = []
        while closers:
            try:
                closers.pop()()
            except Exception as exc:  # one failing closer must not skip the others
                errors.append(exc)
        if errors:
            raise errors[0]


_current: ContextVar[Invocation | None] = ContextVar("toolkit_invocation", default=None)
_scope_keys: ContextVar[Mapping[str, Any]] = ContextVar("toolkit_scope_keys", default=_EMPTY)

_cold_lock = threading.Lock()
_cold_pending = True


def _take_cold_start() -> bool:
    """True for the first invocation of this execution environment only.

    With provisioned concurrency the environment was initialised ahead of any request, so no
    invocation pays a cold start and none is reported as one.
    """
    global _cold_pending
    if not _cold_pending:
        return False
    with _cold_lock:
        if not _cold_pending:
            return False
        _cold_pending = False
    return config.LAMBDA_INITIALIZATION_TYPE.read() != "provisioned-concurrency"


def reset_cold_start() -> None:
    """Make the next invocation a cold one again (tests and the local invoker use this)."""
    global _cold_pending
    with _cold_lock:
        _cold_pending = True


def begin(event: Any, context: Any) -> Invocation:
    """Open an invocation; the engine calls this, users don't need to."""
    invocation = Invocation(event, context, _cold_pending and _take_cold_start())
    invocation._token = _current.set(invocation)
    return invocation


def end(invocation: Invocation) -> None:
    """Close ``invocation``: it stops being current, then its close callbacks run."""
    if invocation._token is not None:
        _current.reset(invocation._token)
        invocation._token = None
    if invocation._closers:
        invocation._close()


def current() -> Invocation | None:
    """The invocation being handled in this thread or task, if any."""
    return _current.get()


def is_cold_start() -> bool:
    """Whether the current invocation is the first of this execution environment."""
    invocation = _current.get()
    return invocation is not None and invocation.cold_start


def scope_keys() -> Mapping[str, Any]:
    """Keys of the scopes open here (what the Logger adds to each line)."""
    return _scope_keys.get()


class _Scope:
    """What :func:`scope` returns: a plain class rather than a ``@contextmanager`` generator,
    which costs over a microsecond per scope (a generator, its wrapper object and two resumes),
    more than a batch record's own work."""

    __slots__ = ("_keys", "_name", "_stack", "_token")

    def __init__(self, name: str, keys: dict[str, Any]) -> None:
        self._name = name
        self._keys = keys
        self._stack: ExitStack | None = None

    def __enter__(self) -> None:
        keys = self._keys
        outer = _scope_keys.get()
        self._token = _scope_keys.set({**outer, **keys} if outer else keys)
        invocation = _current.get()
        if invocation is None or not invocation._listeners:
            return
        stack = ExitStack()
        try:
            for listener in invocation._listeners:
                stack.enter_context(listener(self._name, keys))
        except BaseException as error:
            try:
                stack.__exit__(type(error), error, error.__traceback__)
            finally:
                _scope_keys.reset(self._token)
            raise
        self._stack = stack

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> bool:
        stack = self._stack
        try:
            return stack is not None and bool(stack.__exit__(kind, error, tb))
        finally:
            self._stack = None
            _scope_keys.reset(self._token)


def scope(name: str, **keys: Any) -> AbstractContextManager[None]:
    """Mark a unit of work inside an invocation (a batch record, say).

    The keys are visible to :func:`scope_keys` until the block ends, and every listener of the
    current invocation (an active Tracer, for one) wraps the block in its own context manager.
    Scopes nest; inner keys win.
    """
    return _Scope(name, keys)


class ScopeSeries:
    """Scopes ``scope(name, key=value)`` opened one after another by one loop, one per item
    (a batch opens 10,000), in the context the series was made in or a copy of it (worker
    threads and tasks get one).

    A scope object per item costs more than a batch record's own work, so the loop opens the
    common scope inline. When ``not series.listeners and not series.nested``, a scope is
    exactly ``token = series.open_keys({series.key: value})`` before the block and
    ``series.close_keys(token)`` after it (a ``ContextVar`` set and reset, no Python call);
    otherwise ``with series.scope(value):``. ``listeners`` is the invocation's live list, so
    checking it per item honours a listener added during the loop.
    """

    __slots__ = ("close_keys", "key", "listeners", "name", "nested", "open_keys")

    def __init__(self, name: str, key: str) -> None:
        self.name = name
        self.key = key
        self.nested = bool(_scope_keys.get())  # enclosing scope keys to merge with
        invocation = _current.get()
        self.listeners: Sequence[ScopeListener] = ()
        if invocation is not None:
            if invocation._listeners is None:
                invocation._listeners = []
            self.listeners = invocation._listeners
        self.open_keys = _scope_keys.set
        self.close_keys = _scope_keys.reset

    def scope(self, value: Any) -> AbstractContextManager[None]:
        """The item's scope as a context manager (what to use when listeners are waiting)."""
        return _Scope(self.name, {self.key: value})
