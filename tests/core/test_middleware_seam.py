"""The one public seam utilities use: middleware methods, the decoration-time hook, the
opt-out that adds no layer, and the engine recording what it wraps."""

from __future__ import annotations

from typing import Any

import pytest

from toolkit import Logger, Metrics, Tracer
from toolkit.middleware import (
    NO_LAYER,
    Middleware,
    MiddlewareUsageError,
    Request,
    Target,
    chain,
    middleware,
    middleware_method,
)
from toolkit.testing import lambda_context


class Audit:
    """A small utility: its middleware records what it saw, its hook what it prepared."""

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self.prepared: list[tuple[str, dict[str, Any]]] = []
        self.seen: list[tuple[Any, str, str]] = []

    @middleware_method
    def audit(
        self,
        handler: Any,
        event: Any,
        context: Any,
        *,
        table: str,
        level: int = 1,
        _label: str = "",
    ) -> Any:
        self.seen.append((event, table, _label))
        return handler(event, context)

    @audit.setup
    def _prepare(self, target: Target, options: dict[str, Any]) -> Any:
        if not self.enabled:
            return NO_LAYER
        if not options["table"].isidentifier():
            raise ValueError(f"audit table {options['table']!r} is not a table name")
        self.prepared.append((target.qualname, dict(options)))
        return {**options, "table": options["table"].upper(), "_label": target.name}


def test_the_hook_runs_once_at_decoration_with_the_users_function() -> None:
    audit = Audit()

    @middleware
    def passthrough(handler: Any, event: Any, context: Any, *, tag: str = "") -> Any:
        return handler(event, context)

    @audit.audit(table="orders")
    @passthrough(tag="x")
    def handle(event: Any, context: Any) -> str:
        return "ok"

    # at decoration: options with their defaults, the user's function under other layers
    assert audit.prepared == [
        (
            "test_the_hook_runs_once_at_decoration_with_the_users_function.<locals>.handle",
            {"table": "orders", "level": 1, "_label": ""},
        )
    ]
    assert audit.seen == []
    assert handle(1, None) == "ok" and handle(2, None) == "ok"
    assert audit.seen == [(1, "ORDERS", "handle"), (2, "ORDERS", "handle")]  # prepared values
    assert len(audit.prepared) == 1  # not per invocation


def test_the_target_is_the_users_function_through_chain_and_methods() -> None:
    targets: list[Target] = []

    @middleware
    def spy(handler: Any, event: Any, context: Any) -> Any:
        return handler(event, context)

    @spy.setup
    def _record(target: Target, options: dict[str, Any]) -> None:
        targets.append(target)

    class Service:
        @chain(Middleware(), spy)
        def handle(self, event: Any, context: Any) -> Any:
            return event

    service = Service()
    assert service.handle(3, None) == 3
    assert service.handle(4, None) == 4  # binding the method does not prepare again
    (target,) = targets
    assert target.function is Service.__dict__["handle"].__wrapped__
    assert target.name == "handle" and target.qualname.endswith("Service.handle")
    assert repr(target).endswith("Service.handle)")


def test_a_misconfiguration_fails_at_decoration_before_any_invocation() -> None:
    audit = Audit()
    ran: list[bool] = []
    with pytest.raises(ValueError, match="audit table 'no such' is not a table name"):

        @audit.audit(table="no such")
        def handler(event: Any, context: Any) -> None:
            ran.append(True)

    assert ran == [] and audit.seen == []


def test_no_layer_returns_the_handler_unchanged() -> None:
    audit = Audit(enabled=False)

    def plain(event: Any, context: Any) -> str:
        return "plain"

    assert audit.audit(table="t")(plain) is plain  # not even wrapped

    on = Audit()
    wrapped = on.audit(table="t")(plain)
    assert audit.audit(table="t")(wrapped) is wrapped  # the other layers, unchanged
    assert chain(audit.audit(table="t"))(plain) is plain


def test_a_disabled_tracer_adds_no_layer() -> None:
    def handler(event: Any, context: Any) -> str:
        return "ok"

    assert Tracer("svc", disabled=True).capture_lambda_handler(handler) is handler
    logged = Logger("seam-svc").inject_lambda_context(handler)
    assert (
        Tracer("svc", disabled=True).capture_lambda_handler(capture_response=False)(logged)
        is logged
    )
    assert Tracer("svc", disabled=False).capture_lambda_handler(handler) is not handler


def test_class_middleware_setup_can_refuse_or_opt_out() -> None:
    class Gate(Middleware):
        def __init__(self, mode: str) -> None:
            self.mode = mode
            self.targets: list[str] = []

        def setup(self, target: Target) -> Any:
            self.targets.append(target.name)
            if self.mode == "bad":
                raise ValueError("Gate: bad mode")
            return NO_LAYER if self.mode == "off" else None

        def before(self, request: Request) -> Any:
            return "gated"

    def handler(event: Any, context: Any) -> str:
        return "ran"

    assert Gate("off")(handler) is handler
    on = Gate("on")
    assert on(handler)({}, None) == "gated" and on.targets == ["handler"]
    with pytest.raises(ValueError, match="bad mode"):
        chain(Gate("bad"))(handler)


def test_private_options_are_the_hooks_not_the_users() -> None:
    audit = Audit()
    with pytest.raises(MiddlewareUsageError, match=r"Audit.audit.*no option _label"):
        audit.audit(table="t", _label="forged")
    with pytest.raises(MiddlewareUsageError, match=r"needs the option\(s\) table"):
        audit.audit(lambda event, context: None)

    @middleware
    def mw(handler: Any, event: Any, context: Any, *, size: int = 1) -> Any:
        return handler(event, context)

    @mw.setup
    def _bad(target: Target, options: dict[str, Any]) -> dict[str, Any]:
        return {"colour": "red"}

    with pytest.raises(
        MiddlewareUsageError, match=r"setup hook of middleware '.*mw' returned option\(s\) colour"
    ):
        mw(lambda event, context: None)


def test_a_bound_middleware_is_made_once_per_instance() -> None:
    first, second = Audit(), Audit()
    assert first.audit is first.audit
    assert first.audit is not second.audit
    assert Audit.__dict__["audit"].__get__(None, Audit) is Audit.__dict__["audit"]
    assert first.audit.__name__ == "audit" and first.audit.__doc__ == Audit.audit.__doc__
    logger, tracer, metrics = Logger("seam-once"), Tracer("svc"), Metrics(namespace="Seam")
    assert logger.inject_lambda_context is logger.inject_lambda_context
    assert tracer.capture_lambda_handler is tracer.capture_lambda_handler
    assert metrics.log_metrics is metrics.log_metrics


def test_an_object_without_a_dict_gets_a_working_middleware_each_time() -> None:
    class Slotted:
        __slots__ = ("calls",)

        def __init__(self) -> None:
            self.calls = 0

        @middleware_method
        def count(self, handler: Any, event: Any, context: Any) -> Any:
            self.calls += 1
            return handler(event, context)

    slotted = Slotted()
    slotted.count(lambda event, context: None)({}, None)
    assert slotted.calls == 1


def test_the_utilities_name_the_users_function_not_a_layer() -> None:
    from toolkit.testing import XRayCapture

    @middleware
    def passthrough(handler: Any, event: Any, context: Any) -> Any:
        return handler(event, context)

    with XRayCapture() as xray:
        tracer = Tracer("svc")

        @chain(tracer.capture_lambda_handler, passthrough)
        def checkout(event: Any, context: Any) -> str:
            return "ok"

        assert checkout({}, lambda_context()) == "ok"
        xray.flush()
        assert [d["name"] for d in xray.subsegments()] == ["## checkout"]
