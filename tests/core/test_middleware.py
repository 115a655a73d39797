"""The engine: both styles, onion order, early return, errors, methods, state, chain."""

from __future__ import annotations

import traceback
from typing import Any

import pytest

from toolkit import context as ctx
from toolkit.middleware import (
    Middleware,
    MiddlewareUsageError,
    Request,
    chain,
    middleware,
)


def recorder(trace: list[str]) -> Any:
    @middleware
    def tagged(handler: Any, event: Any, context: Any, *, tag: str = "f") -> Any:
        trace.append(f"{tag}>")
        try:
            return handler(event, context)
        finally:
            trace.append(f"<{tag}")

    return tagged


class Hooks(Middleware):
    def __init__(self, trace: list[str], tag: str, early: Any = None, recover: Any = None):
        self.trace, self.tag, self.early, self.recover = trace, tag, early, recover

    def before(self, request: Request) -> Any:
        self.trace.append(f"{self.tag}.before")
        return self.early

    def after(self, request: Request) -> Any:
        self.trace.append(f"{self.tag}.after")
        return None

    def on_error(self, request: Request) -> Any:
        self.trace.append(f"{self.tag}.on_error:{type(request.error).__name__}")
        return self.recover


def test_function_style_bare_and_configured_run_outermost_first() -> None:
    trace: list[str] = []
    tagged = recorder(trace)

    @tagged(tag="outer")
    @tagged
    def handler(event: Any, context: Any) -> str:
        trace.append("handler")
        return "ok"

    assert handler({}, None) == "ok"
    assert trace == ["outer>", "f>", "handler", "<f", "<outer"]


def test_direct_application_with_options() -> None:
    trace: list[str] = []
    tagged = recorder(trace)
    handler = tagged(lambda e, c: e * 2, tag="x")
    assert handler(21, None) == 42
    assert trace == ["x>", "<x"]


def test_positional_option_is_a_usage_error_naming_the_middleware() -> None:
    tagged = recorder([])
    with pytest.raises(MiddlewareUsageError, match=r"tagged.*keyword arguments only"):
        tagged(5)
    with pytest.raises(TypeError):  # it is a TypeError too
        tagged("nope")


def test_unknown_option_is_rejected_at_decoration_time() -> None:
    tagged = recorder([])
    with pytest.raises(MiddlewareUsageError, match=r"no option colour \(it takes: tag\)"):
        tagged(colour="red")


def test_middleware_with_var_keyword_accepts_any_option() -> None:
    seen: dict[str, Any] = {}

    @middleware
    def anything(handler: Any, event: Any, context: Any, **options: Any) -> Any:
        seen.update(options)
        return handler(event, context)

    anything(a=1, b=2)(lambda e, c: None)({}, None)
    assert seen == {"a": 1, "b": 2}


def test_class_hooks_order_after_runs_in_reverse() -> None:
    trace: list[str] = []

    @chain(Hooks(trace, "a"), Hooks(trace, "b"))
    def handler(event: Any, context: Any) -> str:
        trace.append("handler")
        return "ok"

    assert handler({}, None) == "ok"
    assert trace == ["a.before", "b.before", "handler", "b.after", "a.after"]


def test_early_return_skips_inner_and_runs_outer_after_hooks() -> None:
    trace: list[str] = []
    tagged = recorder(trace)

    @chain(
        Hooks(trace, "outer"),
        tagged(tag="fn"),
        Hooks(trace, "gate", early="cached"),
        Hooks(trace, "inner"),
    )
    def handler(event: Any, context: Any) -> str:
        trace.append("handler")
        return "fresh"

    assert handler({}, None) == "cached"
    assert trace == ["outer.before", "fn>", "gate.before", "<fn", "outer.after"]


def test_after_can_replace_or_assign_the_response() -> None:
    class Replace(Middleware):
        def after(self, request: Request) -> Any:
            return {"wrapped": request.response}

    class Assign(Middleware):
        def after(self, request: Request) -> None:
            request.response = request.response + 1

    @Replace()
    @Assign()
    def handler(event: Any, context: Any) -> int:
        return 1

    assert handler({}, None) == {"wrapped": 2}


def test_before_can_replace_the_event_seen_inside() -> None:
    class Parse(Middleware):
        def before(self, request: Request) -> None:
            request.event = int(request.event)

    @Parse()
    def handler(event: Any, context: Any) -> Any:
        return event + 1

    assert handler("41", None) == 42


def test_on_error_runs_inner_first_and_error_propagates_with_traceback() -> None:
    trace: list[str] = []

    @chain(Hooks(trace, "a"), Hooks(trace, "b"))
    def handler(event: Any, context: Any) -> None:
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom") as info:
        handler({}, None)
    assert trace == ["a.before", "b.before", "b.on_error:ValueError", "a.on_error:ValueError"]
    frames = [frame.name for frame in traceback.extract_tb(info.value.__traceback__)]
    assert frames[-1] == "handler"  # the raise site is still the last frame


def test_on_error_recovers_by_returning_or_assigning() -> None:
    trace: list[str] = []

    class Assign(Middleware):
        def on_error(self, request: Request) -> None:
            request.response = {"status": "recovered", "error": str(request.error)}

    @chain(Hooks(trace, "outer"), Assign())
    def handler(event: Any, context: Any) -> None:
        raise KeyError("k")

    assert handler({}, None) == {"status": "recovered", "error": "'k'"}
    assert trace == ["outer.before", "outer.after"]  # outer sees a success

    @Hooks([], "r", recover="fallback")
    def other(event: Any, context: Any) -> None:
        raise RuntimeError

    assert other({}, None) == "fallback"


def test_function_style_error_path() -> None:
    trace: list[str] = []
    tagged = recorder(trace)

    @tagged
    def handler(event: Any, context: Any) -> None:
        raise OSError("disk")

    with pytest.raises(OSError, match="disk"):
        handler({}, None)
    assert trace == ["f>", "<f"]


def test_chain_is_the_same_as_stacking_and_accepts_classes() -> None:
    stacked: list[str] = []
    chained: list[str] = []

    class Tag(Middleware):
        def before(self, request: Request) -> None:
            request.state.setdefault("seen", []).append("Tag")

    tag_s, tag_c = recorder(stacked), recorder(chained)

    @tag_s(tag="1")
    @Hooks(stacked, "2")
    @tag_s(tag="3")
    def h1(event: Any, context: Any) -> str:
        return "x"

    @chain(tag_c(tag="1"), Hooks(chained, "2"), tag_c(tag="3"), Tag)
    def h2(event: Any, context: Any) -> Any:
        return ctx.current().state["seen"]  # type: ignore[union-attr]

    h1({}, None)
    assert h2({}, None) == ["Tag"]
    assert stacked == chained


def test_chain_rejects_what_is_not_a_middleware() -> None:
    with pytest.raises(MiddlewareUsageError, match="chain\\(\\) takes middlewares"):
        chain(print)
    with pytest.raises(MiddlewareUsageError, match="only decorate a callable"):
        recorder([])(tag="x")(42)


def test_metadata_is_preserved() -> None:
    @recorder([])
    def handler(event: Any, context: Any) -> None:
        """Doc."""

    assert handler.__name__ == "handler"
    assert handler.__doc__ == "Doc."
    assert handler.__wrapped__.__name__ == "handler"  # type: ignore[attr-defined]
    assert "handler" in repr(handler)


def test_methods_bind_and_single_argument_calls_work() -> None:
    trace: list[str] = []
    tagged = recorder(trace)

    class Service:
        factor = 3

        @tagged
        def handle(self, event: Any, context: Any) -> Any:
            return event * self.factor

        @tagged(tag="rec")
        def record(self, record: Any) -> Any:
            return record + self.factor

    service = Service()
    assert service.handle(2, None) == 6
    assert service.record(1) == 4
    assert Service.handle(service, 5, None) == 15  # unbound call with explicit self
    assert Service.__dict__["handle"].__get__(None, Service) is Service.__dict__["handle"]
    assert trace == ["f>", "<f", "rec>", "<rec", "f>", "<f"]


def test_keyword_arguments_pass_through_to_the_handler() -> None:
    @recorder([])
    def handler(record: Any, *, lambda_context: Any = None) -> Any:
        return (record, lambda_context)

    assert handler("r", lambda_context="ctx") == ("r", "ctx")
    with pytest.raises(MiddlewareUsageError, match="must be called with"):
        handler()


def test_object_middleware_can_be_a_bound_method() -> None:
    class Counter:
        def __init__(self) -> None:
            self.calls = 0

        @middleware
        def count(self, handler: Any, event: Any, context: Any, *, step: int = 1) -> Any:
            self.calls += step
            return handler(event, context)

    counter = Counter()

    @counter.count
    @counter.count(step=10)
    def handler(event: Any, context: Any) -> str:
        return "ok"

    handler({}, None)
    assert counter.calls == 11
    assert Counter.count.__name__ == "count"  # type: ignore[attr-defined]
    assert counter.count.__name__ == "count"


def test_state_is_shared_along_the_chain_and_fresh_per_invocation() -> None:
    class Writer(Middleware):
        def before(self, request: Request) -> None:
            assert "written" not in request.state  # nothing from the last invocation
            request.state["written"] = True

    class Reader(Middleware):
        def after(self, request: Request) -> Any:
            return request.state["written"]

    handler = Writer()(Reader()(lambda e, c: None))  # stacked, not chained
    assert handler({}, None) is True
    assert handler({}, None) is True


def test_request_repr_never_shows_event_content() -> None:
    request = Request({"password": "hunter2"}, None, {})
    assert "hunter2" not in repr(request)
    assert "dict" in repr(request)


def test_options_without_a_default_are_required_when_decorating() -> None:
    @middleware
    def needs(handler: Any, event: Any, context: Any, *, table: str, ttl: int = 60) -> Any:
        return handler(event, context)

    with pytest.raises(
        MiddlewareUsageError, match=r"needs the option\(s\) table: .*needs\(table=\.\.\.\)"
    ):

        @needs
        def bare(event: Any, context: Any) -> None: ...

    with pytest.raises(MiddlewareUsageError, match="needs the option"):
        chain(needs)(lambda e, c: None)
    assert needs(table="t")(lambda e, c: "ok")({}, None) == "ok"
