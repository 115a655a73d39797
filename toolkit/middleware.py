"""The middleware engine every toolkit decorator is built on.

Two styles, one onion:

* a function ``def mw(handler, event, context, **options)`` made into a decorator by
  :func:`middleware`; it calls ``handler(event, context)`` to go inward, or doesn't;
* a class deriving from :class:`Middleware` with any of ``before`` / ``after`` / ``on_error``.

Both become *layers*; :func:`chain` (and each decorator) composes the layers once, at
decoration time, into nested callables, so an invocation costs one call per layer and no
look-ups. The outermost toolkit handler entered opens the :class:`~toolkit.context.Invocation`
that the layers share.
"""

from __future__ import annotations

import functools
import os
import sys
import threading
import warnings
from collections.abc import Callable, Sequence

from toolkit import context as _context
from toolkit._typing import TYPE_CHECKING, Generic, Protocol, TypeVar, cast, overload
from toolkit.errors import ToolkitError

if TYPE_CHECKING:
    from types import FrameType
    from typing import Any

__all__ = [
    "LambdaTimeoutError",
    "Middleware",
    "MiddlewareError",
    "MiddlewareFunction",
    "MiddlewareUsageError",
    "Request",
    "chain",
    "middleware",
    "timeout_guard",
]

if TYPE_CHECKING:
    Handler = Callable[[Any, Any], Any]
H = TypeVar("H", bound="Callable[..., Any]")


class MiddlewareError(ToolkitError):
    """Base class of the engine's errors."""


class MiddlewareUsageError(MiddlewareError, TypeError):
    """A middleware was applied or configured the wrong way (a positional option, an option
    it does not take, something that is not a middleware passed to :func:`chain`)."""


class LambdaTimeoutError(MiddlewareError):
    """Raised inside the handler by :func:`timeout_guard` shortly before Lambda's deadline,
    so that every middleware's error path (flush logs and metrics, release locks) still runs."""

    def __init__(self, margin_ms: int, remaining_ms: int) -> None:
        self.margin_ms = margin_ms
        self.remaining_ms = remaining_ms
        super().__init__(
            f"the invocation was stopped {remaining_ms} ms before the Lambda deadline "
            f"(timeout_guard margin_ms={margin_ms}); raise the function timeout or make the "
            "handler faster"
        )


class Request:
    """What a class-style middleware's hooks see.

    ``state`` is the invocation's state dict: the same object for every middleware of the
    invocation, whether they were chained or stacked as decorators.
    """

    __slots__ = ("context", "error", "event", "response", "state")

    def __init__(self, event: Any, context: Any, state: dict[str, Any]) -> None:
        self.event = event
        self.context = context
        self.state = state
        self.response: Any = None
        self.error: BaseException | None = None

    def __repr__(self) -> str:
        # Events can carry secrets: the repr names the shape, never the content.
        return (
            f"Request(event={type(self.event).__name__}, response={type(self.response).__name__}"
            f", error={type(self.error).__name__ if self.error else None})"
        )


class Middleware:
    """Base class for middlewares written as hooks.

    * ``before(request)``: returning anything but ``None`` returns that as the response at
      once: the handler and the middlewares inside this one are skipped (as is this one's
      ``after``), while the ``after`` hooks of the middlewares outside still run.
      ``request.event`` may be replaced to change what the inner layers receive.
    * ``after(request)``: runs once the inner layers returned; returning anything but ``None``
      (or assigning ``request.response``) replaces the response.
    * ``on_error(request)``: runs when the inner layers raised, with ``request.error`` set.
      Returning anything but ``None`` (or assigning ``request.response``) recovers with that
      response; otherwise the original exception propagates with its traceback.

    An instance is itself a decorator: ``@MyMiddleware()``.
    """

    def before(self, request: Request) -> Any:
        return None

    def after(self, request: Request) -> Any:
        return None

    def on_error(self, request: Request) -> Any:
        return None

    def wrap(self, inner: Handler) -> Handler:
        """The layer: ``inner`` wrapped in this middleware's hooks (called at composition)."""
        cls = type(self)
        before = self.before if cls.before is not Middleware.before else None
        after = self.after if cls.after is not Middleware.after else None
        on_error = self.on_error if cls.on_error is not Middleware.on_error else None

        def layer(event: Any, context: Any) -> Any:
            invocation = _context.current()
            request = Request(event, context, invocation.state if invocation else {})
            if before is not None:
                early = before(request)
                if early is not None:
                    return early
            try:
                response = inner(request.event, request.context)
            except Exception as error:
                if on_error is None:
                    raise
                request.error = error
                recovered = on_error(request)
                if recovered is not None:
                    return recovered
                if request.response is not None:
                    return request.response
                raise
            request.response = response
            if after is not None:
                replaced = after(request)
                if replaced is not None:
                    return replaced
            return request.response

        layer.__wrapped__ = inner  # type: ignore[attr-defined]  # lets a layer find the handler
        return layer

    def __call__(self, handler: H) -> H:
        return _decorate(handler, (self,))


class _Layer(Protocol):
    def wrap(self, inner: Handler) -> Handler: ...


class _Configured:
    """A function-style middleware with its options bound."""

    __slots__ = ("function", "options")

    def __init__(self, function: Callable[..., Any], options: dict[str, Any]) -> None:
        self.function = function
        self.options = options

    def wrap(self, inner: Handler) -> Handler:
        return functools.partial(self.function, inner, **self.options)

    def __call__(self, handler: H) -> H:
        return _decorate(handler, (self,))


class MiddlewareFunction(Generic[H]):
    """What :func:`middleware` returns: usable as ``@mw``, ``@mw(opt=1)``, ``mw(handler,
    opt=1)`` and inside :func:`chain`. On a class, it binds like a method, so
    ``@obj.mw`` gets ``obj`` as the function's first argument."""

    def __init__(self, function: Callable[..., Any], name: str | None = None) -> None:
        self._function = function
        self._name: str = name or str(getattr(function, "__qualname__", repr(function)))
        self._options, self._required = _option_names(function)
        functools.update_wrapper(self, function)

    @overload
    def __call__(self, handler: H, /, **options: Any) -> H: ...
    @overload
    def __call__(self, handler: None = None, /, **options: Any) -> _Configured: ...
    def __call__(self, handler: Any = None, /, **options: Any) -> Any:
        configured = self.configure(**options)
        if handler is None:
            return configured
        if not callable(handler):
            raise MiddlewareUsageError(
                f"middleware {self._name!r} takes its options as keyword arguments only; "
                f"it was given the positional value {handler!r}"
            )
        return _decorate(handler, (configured,))

    def configure(self, **options: Any) -> _Configured:
        if self._options is not None:
            unknown = sorted(set(options) - self._options)
            if unknown:
                allowed = ", ".join(sorted(self._options)) or "none"
                raise MiddlewareUsageError(
                    f"middleware {self._name!r} has no option {', '.join(unknown)} "
                    f"(it takes: {allowed})"
                )
        missing = sorted(self._required - options.keys())
        if missing:
            example = ", ".join(f"{name}=..." for name in missing)
            raise MiddlewareUsageError(
                f"middleware {self._name!r} needs the option(s) {', '.join(missing)}: "
                f"use it as @{self._name.rsplit('.', 1)[-1]}({example})"
            )
        return _Configured(self._function, options)

    def wrap(self, inner: Handler) -> Handler:
        return self.configure().wrap(inner)

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        bound = functools.partial(self._function, instance)
        clone = type(self).__new__(type(self))  # a subclass keeps its own configure()
        clone._function = bound
        clone._name = self._name
        clone._options = self._options
        clone._required = self._required
        clone.__dict__.update({k: v for k, v in self.__dict__.items() if k.startswith("__")})
        return clone


_VAR_KEYWORDS = 0x08  # CO_VARKEYWORDS: the function takes **options


def _option_names(function: Callable[..., Any]) -> tuple[frozenset[str] | None, frozenset[str]]:
    """The keyword-only options ``function`` accepts (``None`` if it takes ``**options``, or
    is not plain Python code), and those of them without a default: the options it requires,
    checked when the middleware is applied rather than at the first invocation.

    Read from the code object: ``inspect.signature`` would import ``inspect`` (and ``ast``,
    ``dis``...) into every function's cold start."""
    plain = getattr(function, "__func__", function)
    code = getattr(plain, "__code__", None)
    if code is None:
        return None, frozenset()
    first = code.co_argcount
    keyword_only = frozenset(code.co_varnames[first : first + code.co_kwonlyargcount])
    required = keyword_only - (getattr(plain, "__kwdefaults__", None) or {}).keys()
    return (None if code.co_flags & _VAR_KEYWORDS else keyword_only), required


def middleware(function: Callable[..., Any]) -> MiddlewareFunction[Any]:
    """Make ``def mw(handler, event, context, *, option=default)`` a middleware.

    ``handler`` is the next layer inward, a plain ``(event, context)`` callable; the function
    returns the response (usually ``handler(event, context)``'s, possibly changed). Options must
    be keyword-only so that ``@mw`` and ``@mw(option=...)`` cannot be confused.
    """
    return MiddlewareFunction(function)


def _as_layer(item: Any) -> _Layer:
    if isinstance(item, (Middleware, _Configured, MiddlewareFunction)):
        return item
    if isinstance(item, type) and issubclass(item, Middleware):
        return item()
    raise MiddlewareUsageError(
        f"chain() takes middlewares (made with @middleware, or Middleware instances); got {item!r}"
    )


def _compose(layers: Sequence[_Layer], innermost: Handler) -> Handler:
    call = innermost
    for layer in reversed(layers):
        call = layer.wrap(call)
    return call


# Bound once: the engine's per-invocation path is the hottest code in toolkit.
_current_invocation = _context._current.get
_begin = _context.begin
_end = _context.end


class _Handler:
    """A handler wrapped in layers: what every toolkit decorator returns.

    It is a plain ``(event, context)`` callable for the runtime, keeps the wrapped function's
    name, docstring and ``__wrapped__``, and binds like a function when used on a method.
    Stacked toolkit decorators fold into one handler with all their layers, so stacking costs
    the same as :func:`chain`.
    """

    def __init__(self, handler: Callable[..., Any], layers: tuple[_Layer, ...]) -> None:
        self._handler = handler
        self._layers = layers
        self._call = _compose(layers, handler)
        functools.update_wrapper(self, handler)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if len(args) == 2 and not kwargs:
            call = self._call
            event, context = args
        else:
            event, context, call = self._adapt(args, kwargs)
        if _current_invocation() is not None:
            return call(event, context)
        invocation = _begin(event, context)
        try:
            return call(event, context)
        finally:
            _end(invocation)

    def _adapt(self, args: tuple[Any, ...], kwargs: dict[str, Any]) -> tuple[Any, Any, Handler]:
        """Calls that are not the runtime's ``(event, context)``: a record handler given only
        the record, or keyword arguments passed through to the handler."""
        handler = self._handler
        if len(args) == 1:

            def inner(event: Any, context: Any) -> Any:
                return handler(event, **kwargs)

            return args[0], None, _compose(self._layers, inner)
        if len(args) >= 2:
            bound = functools.partial(handler, *args[:-2], **kwargs)
            return args[-2], args[-1], _compose(self._layers, bound)
        raise MiddlewareUsageError(
            f"handler {getattr(handler, '__qualname__', handler)!r} must be called with "
            "(event, context) or (event)"
        )

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        return _Handler(self._handler.__get__(instance, owner), self._layers)

    def __repr__(self) -> str:
        return f"<toolkit handler {getattr(self._handler, '__qualname__', self._handler)!r}>"


def _decorate(handler: H, layers: tuple[_Layer, ...]) -> H:
    if isinstance(handler, _Handler):  # fold stacked decorators into one onion
        return cast(H, _Handler(handler._handler, layers + handler._layers))
    if not callable(handler):
        raise MiddlewareUsageError(f"a middleware can only decorate a callable, not {handler!r}")
    return cast(H, _Handler(handler, layers))


def chain(*middlewares: Any) -> Callable[[H], H]:
    """Compose middlewares, outermost first, into one decorator.

    ``chain(a, b, c)(handler)`` behaves exactly like stacking ``@a``, ``@b``, ``@c`` on
    ``handler``; the composition happens once, here.
    """
    layers = tuple(_as_layer(item) for item in middlewares)

    def decorate(handler: H) -> H:
        return _decorate(handler, layers)

    return decorate


_warned_no_alarm = False
_TOOLKIT_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep
_RETRY_S = 0.001
_extra_unsafe: tuple[str, ...] = ()  # more path prefixes to treat as unsafe (tests use it)


def _unsafe_prefixes() -> tuple[str, ...]:
    """Source files where an exception raised at an arbitrary instruction can leave a lock held
    forever, because they acquire and release it in separate statements rather than in a
    ``with`` block: the standard library's ``logging`` (``Handler.handle``) and coverage's
    collector (a test run under coverage deadlocked there). toolkit's own writers hold their
    locks in ``with`` blocks, which an exception releases, so they need no such care: deferring
    inside them too made a handler that mostly logs reach the forced raise every time."""
    import logging

    prefixes = [os.path.dirname(logging.__file__) + os.sep, *_extra_unsafe]
    coverage = sys.modules.get("coverage")
    if coverage is not None and getattr(coverage, "__file__", None):
        prefixes.append(os.path.dirname(str(coverage.__file__)) + os.sep)
    return tuple(prefixes)


def _in_unsafe_section(frame: FrameType | None, unsafe: tuple[str, ...]) -> bool:
    """Whether the interrupted code is inside an unsafe file, looking outward from the
    interrupted frame through library frames (toolkit's and the unsafe ones) until the first
    frame of the user's code."""
    while frame is not None:
        filename = frame.f_code.co_filename
        if filename.startswith(unsafe):
            return True
        if not filename.startswith(_TOOLKIT_DIR):
            return False
        frame = frame.f_back
    return False


def _timeout_guard(handler: Handler, event: Any, context: Any, *, margin_ms: int = 500) -> Any:
    global _warned_no_alarm
    get_remaining = getattr(context, "get_remaining_time_in_millis", None)
    if get_remaining is None or threading.current_thread() is not threading.main_thread():
        if not _warned_no_alarm:
            _warned_no_alarm = True
            warnings.warn(
                "timeout_guard needs the main thread and a Lambda context with "
                "get_remaining_time_in_millis(); it does nothing here",
                RuntimeWarning,
                stacklevel=2,
            )
        return handler(event, context)
    remaining = int(get_remaining())
    budget_ms = remaining - margin_ms
    if budget_ms <= 0:
        raise LambdaTimeoutError(margin_ms, remaining)

    import signal  # only this middleware needs it: not paid at every cold start

    unsafe = _unsafe_prefixes()

    def alarm(signum: int, frame: FrameType | None) -> None:
        # The exception is raised wherever the main thread happens to be. Inside code that
        # holds a lock across statements that would leave the lock held forever, so the raise
        # waits for the next safe point (retried every millisecond), though never past half
        # the margin: by then Lambda is about to stop the process anyway.
        left = int(get_remaining())
        if left > margin_ms // 2 and _in_unsafe_section(frame, unsafe):
            signal.setitimer(signal.ITIMER_REAL, _RETRY_S)
            return
        raise LambdaTimeoutError(margin_ms, left)

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, budget_ms / 1000)
    try:
        return handler(event, context)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


timeout_guard = middleware(_timeout_guard)
timeout_guard.__doc__ = """Raise :class:`LambdaTimeoutError` inside the handler ``margin_ms``
before the Lambda deadline (SIGALRM, main thread only; elsewhere it warns once and does
nothing), at a point where no log or metric write is half done. Put it outermost so the error
paths of every other middleware run in time."""
