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
from collections.abc import Callable, Iterator, Mapping
from contextlib import AbstractContextManager, ExitStack, contextmanager
from contextvars import ContextVar, Token
from types import MappingProxyType

from toolkit import config
from toolkit._typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from typing import Any

__all__ = [
    "Invocation",
    "LambdaContext",
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
    """

    __slots__ = ("_closers", "_listeners", "_token", "cold_start", "context", "event", "state")

    def __init__(self, event: Any, context: Any, cold_start: bool) -> None:
        self.event = event
        self.context = context
        self.cold_start = cold_start
        self.state: dict[str, Any] = {}
        # Most invocations register neither; the lists are made on first use.
        self._closers: list[Callable[[], None]] | None = None
        self._listeners: list[ScopeListener] | None = None
        self._token: Token[Invocation | None] | None = None

    @property
    def request_id(self) -> str | None:
        return getattr(self.context, "aws_request_id", None)

    def remaining_ms(self) -> int | None:
        """Milliseconds left before Lambda stops the invocation, when the context says."""
        get = getattr(self.context, "get_remaining_time_in_millis", None)
        return None if get is None else int(get())

    def on_close(self, callback: Callable[[], None]) -> None:
        if self._closers is None:
            self._closers = []
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


@contextmanager
def scope(name: str, **keys: Any) -> Iterator[None]:
    """Mark a unit of work inside an invocation (a batch record, say).

    The keys are visible to :func:`scope_keys` until the block ends, and every listener of the
    current invocation (an active Tracer, for one) wraps the block in its own context manager.
    Scopes nest; inner keys win.
    """
    token = _scope_keys.set({**_scope_keys.get(), **keys})
    invocation = _current.get()
    try:
        if invocation is None or not invocation._listeners:
            yield
            return
        with ExitStack() as stack:
            for listener in invocation._listeners:
                stack.enter_context(listener(name, keys))
            yield
    finally:
        _scope_keys.reset(token)
