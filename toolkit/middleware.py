"""The middleware engine every toolkit decorator is built on, and the one seam utilities use.

Two styles, one onion:

* a function ``def mw(handler, event, context, **options)`` made into a decorator by
  :func:`middleware` (or, for a method of a utility object, :func:`middleware_method`); it
  calls ``handler(event, context)`` to go inward, or doesn't;
* a class deriving from :class:`Middleware` with any of ``before`` / ``after`` / ``on_error``.

Both become *layers*. When a middleware is applied to a handler (at decoration, usually at
import), the engine records what it wraps (a :class:`Target`: the user's function and its
names) and gives each middleware's decoration-time hook the chance to check and prepare its
options, or to add no layer at all (:data:`NO_LAYER`). :func:`chain` (and each decorator)
then composes the layers once into nested callables, so an invocation costs one call per
layer and no look-ups. The outermost toolkit handler entered opens the
:class:`~toolkit.context.Invocation` that the layers share.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from types import FunctionType

from toolkit import config
from toolkit import context as _context
from toolkit._typing import TYPE_CHECKING, Generic, ParamSpec, Protocol, TypeVar, cast, overload
from toolkit.errors import ToolkitError

if TYPE_CHECKING:
    from typing import Any, Concatenate

    from toolkit.timeout import LambdaTimeoutError, timeout_guard

__all__ = [
    "NO_LAYER",
    "Configured",
    "LambdaTimeoutError",
    "Middleware",
    "MiddlewareError",
    "MiddlewareFunction",
    "MiddlewareMethod",
    "MiddlewareUsageError",
    "Request",
    "Target",
    "chain",
    "lambda_handler_decorator",
    "middleware",
    "middleware_method",
    "timeout_guard",
]

if TYPE_CHECKING:
    Handler = Callable[[Any, Any], Any]
H = TypeVar("H", bound="Callable[..., Any]")
S = TypeVar("S")  # the utility object a middleware method belongs to
P = ParamSpec("P")  # a middleware's options


class MiddlewareError(ToolkitError):
    """Base class of the engine's errors."""


class MiddlewareUsageError(MiddlewareError, TypeError):
    """A middleware was applied or configured the wrong way (a positional option, an option
    it does not take, something that is not a middleware passed to :func:`chain`)."""


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


class Target:
    """What a middleware is being applied to, recorded by the engine at decoration time.

    ``function`` is the user's own handler (never another middleware's layer, however the
    decorators were stacked or chained); ``name`` and ``qualname`` are its ``__name__`` and
    ``__qualname__`` (the class name for a callable object). Decoration-time hooks receive it,
    so that no utility has to unwind layers or partials to find the function it decorates.
    """

    __slots__ = ("function", "name", "qualname")

    def __init__(self, function: Callable[..., Any]) -> None:
        self.function = function
        fallback = type(function).__name__
        self.name: str = str(getattr(function, "__name__", fallback))
        self.qualname: str = str(getattr(function, "__qualname__", self.name))

    def __repr__(self) -> str:
        return f"Target({self.qualname})"


class _NoLayer:
    __slots__ = ()

    def __repr__(self) -> str:
        return "NO_LAYER"


NO_LAYER: Any = _NoLayer()
"""What a decoration-time hook returns to add no layer at all: the handler is returned as it
was (with the layers other middlewares gave it), so the opt-out costs nothing per invocation."""


class Middleware:
    """Base class for middlewares written as hooks.

    * ``setup(target)``: runs once, when the middleware is applied to a handler (see
      :class:`Target`); raise there to refuse a misconfiguration at import, or return
      :data:`NO_LAYER` to add no layer to this handler.
    * ``before(request)``: returning anything but ``None`` returns that as the response at
      once: the handler and the middlewares inside this one are skipped (as is this one's
      ``after``), while the ``after`` hooks of the middlewares outside still run.
      ``request.event`` may be replaced to change what the inner layers receive.
    * ``after(request)``: runs once the inner layers returned; returning anything but ``None``
      (or assigning ``request.response``) replaces the response.
    * ``on_error(request)``: runs when the inner layers raised anything, with ``request.error``
      set: an ``Exception``, and also a ``BaseException`` such as
      :class:`~toolkit.timeout.LambdaTimeoutError`, so that cleanup runs on the deadline too.
      Returning anything but ``None`` (or assigning ``request.response``) recovers with that
      response; otherwise the original exception propagates with its traceback.

    An instance is itself a decorator: ``@MyMiddleware()``.
    """

    def setup(self, target: Target) -> Any:
        return None

    def before(self, request: Request) -> Any:
        return None

    def after(self, request: Request) -> Any:
        return None

    def on_error(self, request: Request) -> Any:
        return None

    def prepare(self, target: Target) -> Middleware | None:
        """The engine's decoration-time call: :meth:`setup`, then this middleware as the layer
        (or ``None`` for no layer)."""
        return None if self.setup(target) is NO_LAYER else self

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
            except BaseException as error:  # the deadline too: cleanup must run for it
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
    """A middleware ready to compose: :meth:`wrap` is called once per composition."""

    def wrap(self, inner: Handler) -> Handler: ...


class _Applicable(Protocol):
    """Something :func:`chain` and the decorators accept: prepared against each handler."""

    def prepare(self, target: Target) -> _Layer | None: ...


class _Prepared:
    """A function-style middleware prepared for one handler: ``function(handler, event,
    context)`` with its instance and options bound."""

    __slots__ = ("function",)

    def __init__(self, function: Callable[..., Any]) -> None:
        self.function = function

    def wrap(self, inner: Handler) -> Handler:
        return functools.partial(self.function, inner)


class Configured(Generic[P]):
    """A function-style middleware with its options given (``mw(option=...)``): a decorator,
    and an item for :func:`chain`. The options are checked against the middleware's signature
    here; its decoration-time hook runs when it is applied to a handler."""

    __slots__ = ("middleware", "options")

    def __init__(self, middleware: MiddlewareFunction[P], options: dict[str, Any]) -> None:
        self.middleware = middleware
        self.options = options

    def __call__(self, handler: H, /) -> H:
        return _decorate(handler, (self,))

    def prepare(self, target: Target) -> _Prepared | None:
        return self.middleware._prepare(target, self.options)

    def __repr__(self) -> str:
        return f"<middleware {self.middleware._name} configured>"


class MiddlewareFunction(Generic[P]):
    """What :func:`middleware` returns: usable as ``@mw``, ``@mw(opt=1)``, ``mw(handler,
    opt=1)`` and inside :func:`chain`. On a class, it binds like a method (once per instance:
    the bound middleware is cached on the instance), so ``@obj.mw`` gets ``obj`` as the
    function's first argument.

    ``P`` is the middleware's options, so a type checker checks their names and types and
    the decorated handler keeps its type, bare or configured.
    """

    _setup: Callable[..., Any] | None
    _attribute: str | None
    _instance: Any

    def __init__(
        self,
        function: Callable[..., Any],
        *,
        positional_options: bool = False,
        trace_execution: bool = False,
    ) -> None:
        self._function = function
        self._name: str = str(getattr(function, "__qualname__", repr(function)))
        self._setup = None
        self._attribute = None
        self._instance = None
        self._accepts, self._options, self._required, self._defaults = _option_names(
            function, positional_options
        )
        self._trace_execution = trace_execution
        functools.update_wrapper(self, function)

    # ``@mw(option=...)`` first: with options only keyword-only, a positional argument can
    # only be the handler, so the second form cannot be confused with the first.
    @overload
    def __call__(self, /, *args: P.args, **options: P.kwargs) -> Configured[P]: ...
    @overload
    def __call__(self, handler: H, /, *args: P.args, **options: P.kwargs) -> H: ...
    def __call__(self, handler: Any = None, /, *args: Any, **options: Any) -> Any:
        positional = args[0] if args else None if handler is None or callable(handler) else handler
        if positional is not None:
            raise MiddlewareUsageError(
                f"middleware {self._name!r} takes its options as keyword arguments only; "
                f"it was given the positional value {positional!r}"
            )
        configured = self.configure(**options)
        if handler is None:
            return configured
        return _decorate(handler, (configured,))

    def configure(self, **options: Any) -> Configured[P]:
        """Check ``options`` against the middleware's keyword-only parameters: an unknown one
        or a missing required one is a :class:`MiddlewareUsageError` naming the middleware."""
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
        return Configured(self, options)

    def setup(self, hook: SetupHook) -> SetupHook:
        """Register the decoration-time hook: ``hook(target, options)`` (for a method,
        ``hook(self, target, options)``) runs once per decorated handler, before any
        invocation, with the :class:`Target` and the options (defaults filled in, already
        checked for unknown and missing names).

        It raises to refuse a misconfiguration (so it fails at import, not after the handler
        did its work); returns the options the middleware function will be called with (values
        prepared: a path compiled, a default resolved; keys may include the function's
        ``_private`` keyword-only parameters, which users cannot pass), or ``None`` to keep
        them as they are; or returns :data:`NO_LAYER` to add no layer to this handler.
        Returns ``hook`` itself, so it stays an ordinary function or method."""
        self._setup = hook
        return hook

    def _prepare(self, target: Target, options: dict[str, Any]) -> _Prepared | None:
        setup = self._setup
        if setup is not None:
            full = {**self._defaults, **options}
            if self._instance is None:
                result = setup(target, full)
            else:
                result = setup(self._instance, target, full)
            if result is NO_LAYER:
                return None
            options = full if result is None else dict(result)
            if self._accepts is not None:
                unknown = sorted(set(options) - self._accepts)
                if unknown:
                    raise MiddlewareUsageError(
                        f"the setup hook of middleware {self._name!r} returned option(s) "
                        f"{', '.join(unknown)} that its function does not take"
                    )
        function = _with_options(self._function, options)
        if self._instance is not None:
            function = functools.partial(function, self._instance)
        if self._trace_execution:
            function = _traced(function, f"## {self._name}")
        return _Prepared(function)

    def prepare(self, target: Target) -> _Prepared | None:
        return self._prepare(target, self.configure().options)

    def wrap(self, inner: Handler) -> Handler:
        """This middleware (with its default options) around ``inner``, as a bare layer that
        opens no invocation; ``inner`` is taken as the target."""
        prepared = self.prepare(Target(inner))
        return inner if prepared is None else prepared.wrap(inner)

    def __set_name__(self, owner: type, name: str) -> None:
        self._attribute = name

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        bound = type(self).__new__(type(self))
        bound.__dict__.update(self.__dict__)
        bound._instance = instance
        # A non-data descriptor: once stored on the instance, later look-ups find it there
        # and never come back here. Objects without a __dict__ get a new one per look-up.
        # Stored by object.__setattr__ (no __setattr__ of the class runs, as with a write to
        # ``instance.__dict__``), not through ``__dict__``: reading that makes Python 3.11
        # build the object's dict, after which every attribute read on the object (the
        # Logger's level methods make several per line) takes a slower path.
        if self._attribute is not None and type(instance).__dictoffset__:  # has a __dict__
            object.__setattr__(instance, self._attribute, bound)
        return bound


class MiddlewareMethod(MiddlewareFunction[P], Generic[S, P]):
    """What :func:`middleware_method` returns: a :class:`MiddlewareFunction` declared in a
    utility's class body; ``obj.mw`` is the middleware bound to ``obj`` (made once per
    object), typed with the method's options."""

    if TYPE_CHECKING:

        @overload
        def __get__(self, instance: None, owner: type | None = None) -> MiddlewareMethod[S, P]: ...
        @overload
        def __get__(self, instance: S, owner: type | None = None) -> MiddlewareFunction[P]: ...
        def __get__(self, instance: Any, owner: type | None = None) -> Any: ...

        def setup(self, hook: MethodSetupHook[S]) -> MethodSetupHook[S]: ...  # type: ignore[override]


_VAR_KEYWORDS = 0x08  # CO_VARKEYWORDS: the function takes **options


def _with_options(function: Callable[..., Any], options: dict[str, Any]) -> Callable[..., Any]:
    """``function`` with ``options`` bound at no cost per call: a copy of the function whose
    keyword-only defaults are the options. Passing them as keywords at each call (what
    ``functools.partial`` does) costs about 160 ns per layer and invocation; a default costs
    nothing. Callables that are not plain functions, and options that are not keyword-only
    parameters (those of a ``**options``, or a Powertools-style middleware's
    positional-or-keyword ones), get ``functools.partial``."""
    if not options:
        return function
    code = getattr(function, "__code__", None)
    if type(function) is not FunctionType or code is None:
        return functools.partial(function, **options)
    first = code.co_argcount
    if not options.keys() <= set(code.co_varnames[first : first + code.co_kwonlyargcount]):
        return functools.partial(function, **options)
    clone = FunctionType(
        function.__code__,
        function.__globals__,
        function.__name__,
        function.__defaults__,
        function.__closure__,
    )
    clone.__kwdefaults__ = {**(function.__kwdefaults__ or {}), **options}
    clone.__qualname__ = function.__qualname__
    clone.__module__ = function.__module__
    clone.__doc__ = function.__doc__
    return clone


def _option_names(
    function: Callable[..., Any], positional: bool = False
) -> tuple[frozenset[str] | None, frozenset[str] | None, frozenset[str], dict[str, Any]]:
    """What ``function``'s parameters say about its options: all the names it accepts and the
    names users may pass (both ``None`` if it takes ``**options`` or is not plain Python code;
    ``_private`` names are set only by the setup hook), the user options without a default
    (required, checked when the middleware is applied rather than at the first invocation),
    and the defaults.

    Options are the keyword-only parameters; with ``positional``, also the parameters after
    ``(handler, event, context)`` (Powertools' middleware factory takes ``fields=None`` there).

    Read from the code object: ``inspect.signature`` would import ``inspect`` (and ``ast``,
    ``dis``...) into every function's cold start."""
    plain = getattr(function, "__func__", function)
    code = getattr(plain, "__code__", None)
    if code is None:
        return None, None, frozenset(), {}
    first = code.co_argcount
    names = frozenset(code.co_varnames[first : first + code.co_kwonlyargcount])
    defaults = dict(getattr(plain, "__kwdefaults__", None) or {})
    if positional:
        after = code.co_varnames[3:first]
        names |= frozenset(after)
        values = getattr(plain, "__defaults__", None) or ()
        with_default = code.co_varnames[first - len(values) : first]
        defaults.update((n, v) for n, v in zip(with_default, values, strict=True) if n in after)
    public = frozenset(name for name in names if not name.startswith("_"))
    required = public - defaults.keys()
    if code.co_flags & _VAR_KEYWORDS:
        return None, None, required, defaults
    return names, public, required, defaults


def _traced(function: Callable[..., Any], name: str) -> Callable[..., Any]:
    """``function`` (a prepared middleware) run inside a Tracer subsegment ``name``, for
    :func:`lambda_handler_decorator`'s ``trace_execution``. The subsegment opens under the
    invocation's traced span (a ``@tracer.capture_lambda_handler`` outside this middleware);
    an untraced invocation records nothing and costs a context-variable look-up."""
    from toolkit.tracing.tracer import Tracer  # only for traced middlewares: not at import

    subsegment = Tracer(auto_patch=False).subsegment

    def traced(handler: Handler, event: Any, context: Any) -> Any:
        with subsegment(name):
            return function(handler, event, context)

    return traced


if TYPE_CHECKING:
    # What a decoration-time hook is: for a plain function ``(target, options)``, for a
    # method ``(self, target, options)``; it returns options, None or NO_LAYER.
    SetupHook = TypeVar("SetupHook", bound=Callable[[Target, dict[str, Any]], Any])
    MethodSetupHook = Callable[[S, Target, dict[str, Any]], Any]


def middleware(function: Callable[Concatenate[Handler, Any, Any, P], Any]) -> MiddlewareFunction[P]:
    """Make ``def mw(handler, event, context, *, option=default)`` a middleware.

    ``handler`` is the next layer inward, a plain ``(event, context)`` callable; the function
    returns the response (usually ``handler(event, context)``'s, possibly changed). Options must
    be keyword-only so that ``@mw`` and ``@mw(option=...)`` cannot be confused; an option
    without a default is required when the middleware is applied.
    """
    return MiddlewareFunction(function)


def middleware_method(
    function: Callable[Concatenate[S, Handler, Any, Any, P], Any],
) -> MiddlewareMethod[S, P]:
    """Make a method ``def mw(self, handler, event, context, *, option=default)`` of a utility
    class a middleware: ``@obj.mw`` and ``@obj.mw(option=...)`` then wrap a handler with
    ``self`` bound to ``obj``. The same as :func:`middleware` at run time; typed so that the
    options are checked and the decorated handler keeps its type. Register a
    decoration-time hook with ``@mw.setup``. See ``docs/middleware.md``."""
    return MiddlewareMethod(function)


class _DecoratorFactory(Protocol):
    """What ``lambda_handler_decorator(trace_execution=...)`` returns: the factory with its
    option given, to apply to the middleware function."""

    def __call__(
        self, decorator: Callable[Concatenate[Handler, Any, Any, P], Any], /
    ) -> MiddlewareFunction[P]: ...


@overload
def lambda_handler_decorator(
    decorator: Callable[Concatenate[Handler, Any, Any, P], Any],
    trace_execution: bool | None = None,
) -> MiddlewareFunction[P]: ...
@overload
def lambda_handler_decorator(
    decorator: None = None, trace_execution: bool | None = None
) -> _DecoratorFactory: ...
def lambda_handler_decorator(
    decorator: Callable[..., Any] | None = None, trace_execution: bool | None = None
) -> Any:
    """Powertools' middleware factory, on toolkit's engine: ``@lambda_handler_decorator`` or
    ``@lambda_handler_decorator(trace_execution=True)`` on ``def mw(handler, event, context,
    option=default, **kwargs)`` makes the same middleware :func:`middleware` makes, used as
    ``@mw``, ``@mw(option=...)`` or in :func:`chain`.

    The differences from :func:`middleware` are Powertools': options may also be ordinary
    parameters after ``context`` (they are still passed by keyword only), and
    ``trace_execution`` (else ``TOOLKIT_TRACE_MIDDLEWARES`` / ``POWERTOOLS_TRACE_MIDDLEWARES``,
    read here, when the factory is applied) runs the middleware in a Tracer subsegment
    ``## <its qualified name>`` under the invocation's traced handler."""
    if decorator is None:
        return functools.partial(lambda_handler_decorator, trace_execution=trace_execution)
    if not callable(decorator):
        raise MiddlewareUsageError(
            "lambda_handler_decorator takes the middleware function (or trace_execution= as a "
            f"keyword argument), not {decorator!r}"
        )
    if trace_execution is None:
        trace_execution = config.TRACE_MIDDLEWARES.read()
    return MiddlewareFunction(decorator, positional_options=True, trace_execution=trace_execution)


def _as_applicable(item: Any) -> _Applicable:
    if isinstance(item, (Middleware, Configured, MiddlewareFunction)):
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


class _Recorded:
    """What the engine keeps on a decorated handler: the user's function, the layers (outermost
    first) and the :class:`Target`, so that a toolkit decorator stacked above folds into the
    same onion instead of adding a handler around a handler."""

    __slots__ = ("function", "handler", "layers", "target")

    def __init__(
        self,
        handler: Callable[..., Any],
        function: Callable[..., Any],
        layers: tuple[_Layer, ...],
        target: Target,
    ) -> None:
        self.handler = handler  # the decorated handler this record belongs to
        self.function = function
        self.layers = layers
        self.target = target


def _recorded(handler: Any) -> _Recorded | None:
    """The record of a handler this engine decorated, else ``None``. ``functools.wraps`` in
    another library's decorator copies the record into its wrapper's ``__dict__``: the record
    names its own handler, so such a wrapper is taken for what it is, a plain function."""
    recorded = getattr(handler, "_toolkit_handler", None)
    if type(recorded) is _Recorded and recorded.handler is handler:
        return recorded
    return None


def _adapt(
    function: Callable[..., Any],
    layers: tuple[_Layer, ...],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> tuple[Any, Any, Handler]:
    """Calls that are not the runtime's ``(event, context)``: a record handler given only the
    record, keyword arguments passed through to the handler, or an explicit ``self`` first."""
    if len(args) == 1:

        def inner(event: Any, context: Any) -> Any:
            return function(event, **kwargs)

        return args[0], None, _compose(layers, inner)
    if len(args) >= 2:
        bound = functools.partial(function, *args[:-2], **kwargs)
        return args[-2], args[-1], _compose(layers, bound)
    raise MiddlewareUsageError(
        f"handler {getattr(function, '__qualname__', function)!r} must be called with "
        "(event, context) or (event)"
    )


def _handler(
    function: Callable[..., Any], layers: tuple[_Layer, ...], target: Target
) -> Callable[..., Any]:
    """The handler every toolkit decorator returns: ``function`` inside its layers.

    It is a plain Python function, so anything that accepts an ``(event, context)`` function
    accepts it: the Lambda runtime, and other libraries' decorators stacked above it
    (Powertools' ``lambda_handler_decorator`` refuses whatever ``inspect.isfunction`` rejects).
    It keeps the function's name, docstring, annotations and ``__wrapped__``. Stacked toolkit
    decorators fold into one handler with all their layers (see :class:`_Recorded`), so
    stacking costs the same as :func:`chain`. The outermost toolkit handler entered opens the
    invocation."""
    call = _compose(layers, function)

    def handler(*args: Any, **kwargs: Any) -> Any:
        if len(args) == 2 and not kwargs:
            run = call
            event, context = args
        else:
            event, context, run = _adapt(function, layers, args, kwargs)
        if _current_invocation() is not None:
            return run(event, context)
        invocation = _begin(event, context)
        try:
            return run(event, context)
        finally:
            _end(invocation)

    functools.update_wrapper(handler, function)
    handler._toolkit_handler = _Recorded(handler, function, layers, target)  # type: ignore[attr-defined]
    return handler


class _Method:
    """A decorated function defined in a class body: it binds like the function it wraps
    (``obj.handle`` gets ``obj`` as ``self``; a ``staticmethod`` binds as it does), so
    ``obj.record(record)`` is not mistaken for ``(event, context)``. Each binding is a
    :func:`_handler` around the bound function, with the same layers."""

    def __init__(
        self, function: Callable[..., Any], layers: tuple[_Layer, ...], target: Target
    ) -> None:
        self._call = _handler(function, layers, target)
        functools.update_wrapper(self, function)
        self._toolkit_handler = _Recorded(self, function, layers, target)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._call(*args, **kwargs)  # unbound: Class.handle(obj, event, context)

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        recorded = self._toolkit_handler
        function = recorded.function.__get__(instance, owner)
        if instance is None and function is recorded.function:
            return self
        return _handler(function, recorded.layers, recorded.target)

    def __repr__(self) -> str:
        return f"<toolkit handler {self._toolkit_handler.target.qualname!r}>"


_BINDS = (FunctionType, staticmethod)


def _in_class_body(function: Callable[..., Any]) -> bool:
    """Whether ``function`` was defined in a class body, from its ``__qualname__`` (set by the
    compiler: ``Service.handle``, ``f.<locals>.Service.handle``; never a function's local)."""
    if not isinstance(function, _BINDS):
        return False
    parts = str(getattr(function, "__qualname__", "")).split(".")
    return len(parts) > 1 and parts[-2] != "<locals>"


def _decorate(handler: H, items: tuple[_Applicable, ...]) -> H:
    """Apply ``items`` (outermost first) to ``handler``: each is prepared against the user's
    function, those that add a layer are composed, and stacked decorators fold into one."""
    recorded = _recorded(handler)
    if recorded is not None:  # fold stacked decorators into one onion
        function, inner_layers, target = recorded.function, recorded.layers, recorded.target
    elif callable(handler):
        function, inner_layers, target = handler, (), Target(handler)
    else:
        raise MiddlewareUsageError(f"a middleware can only decorate a callable, not {handler!r}")
    layers = tuple(layer for item in items if (layer := item.prepare(target)) is not None)
    if not layers:
        return handler  # every middleware opted out: nothing added
    layers += inner_layers
    if _in_class_body(function):
        return cast(H, _Method(function, layers, target))
    return cast(H, _handler(function, layers, target))


def chain(*middlewares: Any) -> Callable[[H], H]:
    """Compose middlewares, outermost first, into one decorator.

    ``chain(a, b, c)(handler)`` behaves exactly like stacking ``@a``, ``@b``, ``@c`` on
    ``handler``; the composition happens once, when the decorator is applied.
    """
    items = tuple(_as_applicable(item) for item in middlewares)

    def decorate(handler: H) -> H:
        return _decorate(handler, items)

    return decorate


def __getattr__(name: str) -> Any:
    """``toolkit.middleware.timeout_guard`` and ``.LambdaTimeoutError``, where they lived
    before :mod:`toolkit.timeout`: still importable from here."""
    if name in ("LambdaTimeoutError", "timeout_guard"):
        from toolkit import timeout

        return getattr(timeout, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
