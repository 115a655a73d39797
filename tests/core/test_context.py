"""Invocations, cold start, scopes."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from typing import Any

import pytest

from toolkit import context as ctx
from toolkit.middleware import middleware
from toolkit.testing import lambda_context


@middleware
def passthrough(handler: Any, event: Any, context: Any) -> Any:
    return handler(event, context)


@passthrough
def report(event: Any, context: Any) -> dict[str, Any]:
    invocation = ctx.current()
    assert invocation is not None
    return {
        "cold": ctx.is_cold_start(),
        "request_id": invocation.request_id,
        "event": invocation.event,
        "remaining": invocation.remaining_ms(),
    }


def test_only_the_first_invocation_is_cold(context: Any) -> None:
    first, second = report({"n": 1}, context), report({"n": 2}, context)
    assert first["cold"] is True
    assert second["cold"] is False
    assert first["request_id"] == context.aws_request_id
    assert first["event"] == {"n": 1}
    assert 0 < first["remaining"] <= 3000
    assert ctx.current() is None
    assert ctx.is_cold_start() is False  # outside any invocation


def test_provisioned_concurrency_has_no_cold_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_LAMBDA_INITIALIZATION_TYPE", "provisioned-concurrency")
    assert report({}, None)["cold"] is False
    assert report({}, None)["cold"] is False


def test_exactly_one_cold_start_under_concurrent_first_calls() -> None:
    results: list[bool] = []
    barrier = threading.Barrier(8)

    def call() -> None:
        barrier.wait()
        results.append(report({}, None)["cold"])

    threads = [threading.Thread(target=call) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 7 + [True]


def test_nested_toolkit_handlers_share_one_invocation() -> None:
    seen: list[ctx.Invocation | None] = []

    @passthrough
    def inner(event: Any, context: Any) -> None:
        seen.append(ctx.current())

    @passthrough
    def outer(event: Any, context: Any) -> None:
        seen.append(ctx.current())
        inner(event, context)

    outer({}, None)
    assert seen[0] is seen[1] is not None


def test_close_callbacks_run_last_first_even_when_the_handler_raises() -> None:
    closed: list[str] = []

    @passthrough
    def handler(event: Any, context: Any) -> None:
        invocation = ctx.current()
        assert invocation is not None
        invocation.on_close(lambda: closed.append("first"))
        invocation.on_close(lambda: closed.append("second"))
        raise ValueError

    with pytest.raises(ValueError):
        handler({}, None)
    assert closed == ["second", "first"]


def test_a_failing_close_callback_does_not_skip_the_others() -> None:
    closed: list[str] = []

    def broken() -> None:
        raise RuntimeError("closer failed")

    @passthrough
    def handler(event: Any, context: Any) -> None:
        invocation = ctx.current()
        assert invocation is not None
        invocation.on_close(lambda: closed.append("ran"))
        invocation.on_close(broken)

    with pytest.raises(RuntimeError, match="closer failed"):
        handler({}, None)
    assert closed == ["ran"]


def test_scope_keys_nest_and_are_gone_after() -> None:
    assert dict(ctx.scope_keys()) == {}
    with ctx.scope("outer", a=1, b=1):
        with ctx.scope("inner", b=2):
            assert dict(ctx.scope_keys()) == {"a": 1, "b": 2}
        assert dict(ctx.scope_keys()) == {"a": 1, "b": 1}
    assert dict(ctx.scope_keys()) == {}


def test_scope_listeners_wrap_each_scope_of_their_invocation_only() -> None:
    events: list[str] = []

    @contextmanager
    def listener(name: str, keys: Mapping[str, Any]) -> Iterator[None]:
        events.append(f"open {name} {dict(keys)}")
        yield
        events.append(f"close {name}")

    @passthrough
    def handler(event: Any, context: Any) -> None:
        invocation = ctx.current()
        assert invocation is not None
        if event["listen"]:
            invocation.add_scope_listener(listener)
        with ctx.scope("record", batch_record_id="r1"):
            events.append("work")

    handler({"listen": True}, None)
    handler({"listen": False}, None)
    assert events == ["open record {'batch_record_id': 'r1'}", "work", "close record", "work"]


def test_fake_context_counts_down_and_has_runtime_shapes() -> None:
    context = lambda_context(timeout_ms=1000, memory_limit_in_mb=512, function_name="fn")
    assert context.memory_limit_in_mb == "512"
    assert context.invoked_function_arn.endswith(":function:fn")
    assert context.log_group_name == "/aws/lambda/fn"
    assert 900 < context.get_remaining_time_in_millis() <= 1000
    # LambdaContext is a plain class at run time (no typing import): check its members instead
    members = [name for name in vars(ctx.LambdaContext) if not name.startswith("_")]
    assert len(members) == 8
    assert [name for name in members if not hasattr(context, name)] == []


def test_a_failing_listener_closes_the_ones_opened_and_the_keys() -> None:
    events: list[str] = []

    @contextmanager
    def first(name: str, keys: Mapping[str, Any]) -> Iterator[None]:
        try:
            yield
        except RuntimeError as error:
            events.append(f"first saw {error}")
            raise

    def broken(name: str, keys: Mapping[str, Any]) -> Any:
        raise RuntimeError("listener failed")

    @passthrough
    def handler(event: Any, context: Any) -> None:
        invocation = ctx.current()
        assert invocation is not None
        invocation.add_scope_listener(first)
        invocation.add_scope_listener(broken)
        with pytest.raises(RuntimeError, match="listener failed"), ctx.scope("record", k=1):
            events.append("body ran")  # pragma: no cover - the scope never opens
        assert dict(ctx.scope_keys()) == {}

    handler({}, None)
    assert events == ["first saw listener failed"]


def test_a_listener_may_suppress_the_block_error() -> None:
    @contextmanager
    def swallowing(name: str, keys: Mapping[str, Any]) -> Iterator[None]:
        with suppress(ValueError):
            yield

    @passthrough
    def handler(event: Any, context: Any) -> str:
        invocation = ctx.current()
        assert invocation is not None
        invocation.add_scope_listener(swallowing)
        with ctx.scope("record", k=1):
            raise ValueError("swallowed")
        return "went on"  # type: ignore[unreachable]

    assert handler({}, None) == "went on"


def test_scope_series_says_when_its_inline_form_is_the_whole_scope() -> None:
    outside = ctx.ScopeSeries("record", "id")
    assert (outside.listeners, outside.nested) == ((), False)
    token = outside.open_keys({"id": "r1"})
    assert dict(ctx.scope_keys()) == {"id": "r1"}
    outside.close_keys(token)
    with ctx.scope("outer", a=1):
        nested = ctx.ScopeSeries("record", "id")
        assert nested.nested
        with nested.scope("r2"):
            assert dict(ctx.scope_keys()) == {"a": 1, "id": "r2"}

    @passthrough
    def handler(event: Any, context: Any) -> None:
        invocation = ctx.current()
        assert invocation is not None
        series = ctx.ScopeSeries("record", "id")
        assert not series.listeners
        invocation.add_scope_listener(lambda name, keys: contextmanager(lambda: iter([None]))())
        assert len(series.listeners) == 1  # the invocation's live list: later listeners count

    handler({}, None)
