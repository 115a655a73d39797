from __future__ import annotations

from typing import Any

import pytest

from toolkit.middleware import Middleware, Request, chain
from toolkit.testing import XRayCapture, lambda_context
from toolkit.tracing import Tracer


def one(xray: XRayCapture, name: str) -> dict[str, Any]:
    xray.flush()
    (document,) = xray.subsegments(name=name)
    return document


def test_handler_subsegment_names_nesting_annotations_and_response(xray: XRayCapture) -> None:
    tracer = Tracer("orders")

    @tracer.capture_lambda_handler
    def handler(event: dict, context: object) -> dict:
        return {"ok": event["n"]}

    assert handler({"n": 1}, lambda_context()) == {"ok": 1}
    doc = one(xray, "## handler")
    assert doc["trace_id"] == xray.trace_id
    assert doc["parent_id"] == xray.parent_id
    assert doc["annotations"] == {"ColdStart": True, "Service": "orders"}
    assert doc["metadata"] == {"orders": {"handler response": {"ok": 1}}}
    assert doc["end_time"] >= doc["start_time"]
    assert "in_progress" not in doc or doc["in_progress"] is False

    xray.clear()
    xray.next_invocation()
    handler({"n": 2}, lambda_context())
    doc = one(xray, "## handler")
    assert doc["annotations"]["ColdStart"] is False
    assert doc["trace_id"] == xray.trace_id


def test_service_from_environment_and_capture_response_off(xray: XRayCapture) -> None:
    with XRayCapture(
        extra_env={"TOOLKIT_SERVICE_NAME": "from-env", "TOOLKIT_TRACER_CAPTURE_RESPONSE": "false"}
    ) as capture:
        tracer = Tracer()

        @tracer.capture_lambda_handler
        def handler(event: object, context: object) -> str:
            return "secret-ish"

        handler({}, lambda_context())
        doc = one(capture, "## handler")
    assert doc["annotations"]["Service"] == "from-env"
    assert "metadata" not in doc


def test_configured_decorator_turns_response_and_error_capture_off(xray: XRayCapture) -> None:
    tracer = Tracer("svc")

    @tracer.capture_lambda_handler(capture_response=False, capture_error=False)
    def handler(event: object, context: object) -> str:
        if event:
            raise KeyError("boom")
        return "fine"

    assert handler(None, lambda_context()) == "fine"
    with pytest.raises(KeyError):
        handler({"x": 1}, lambda_context())
    xray.flush()
    first, second = xray.subsegments(name="## handler")
    assert "metadata" not in first
    assert "metadata" not in second
    assert second["fault"] is True  # the exception itself is still recorded
    assert second["cause"]["exceptions"][0]["type"] == "KeyError"


def test_handler_error_is_recorded_and_reraised(xray: XRayCapture) -> None:
    tracer = Tracer("svc")

    @tracer.capture_lambda_handler
    def handler(event: object, context: object) -> None:
        raise ValueError("bad order 42")

    with pytest.raises(ValueError, match="bad order 42"):
        handler({}, lambda_context())
    doc = one(xray, "## handler")
    assert doc["fault"] is True
    (exception,) = doc["cause"]["exceptions"]
    assert exception["type"] == "ValueError"
    assert exception["message"] == "bad order 42"
    assert exception["stack"][-1]["label"] == "handler"  # innermost last, as the SDK does
    assert doc["metadata"]["svc"]["handler error"] == {
        "type": "ValueError",
        "message": "bad order 42",
    }


def test_handler_on_a_method_and_inside_a_chain_keeps_the_function_name(
    xray: XRayCapture,
) -> None:
    tracer = Tracer("svc")
    seen: list[str] = []

    class Audit(Middleware):
        def before(self, request: Request) -> None:
            seen.append("before")

    class App:
        @tracer.capture_lambda_handler
        def handle(self, event: object, context: object) -> str:
            return "method"

    @chain(tracer.capture_lambda_handler(capture_response=False), Audit())
    def chained(event: object, context: object) -> str:
        return "chained"

    assert App().handle({}, lambda_context()) == "method"
    assert chained({}, lambda_context()) == "chained"
    xray.flush()
    assert [d["name"] for d in xray.subsegments()] == ["## handle", "## chained"]
    assert seen == ["before"]


@pytest.mark.parametrize(
    "env",
    [
        {"TOOLKIT_TRACE_DISABLED": "true"},
        {"POWERTOOLS_TRACE_DISABLED": "1"},
        {"LAMBDA_TASK_ROOT": None},
    ],
)
def test_nothing_is_sent_when_tracing_is_off(env: dict[str, str | None]) -> None:
    with XRayCapture(extra_env=env) as capture:
        tracer = Tracer("svc")

        @tracer.capture_method
        def method() -> int:
            tracer.put_annotation("k", "v")
            tracer.put_metadata("k", "v")
            with tracer.subsegment("block") as block:
                block.put_annotation("a", 1)
                block.put_metadata("m", 2)
            return 1

        @tracer.capture_lambda_handler
        def handler(event: object, context: object) -> int:
            return method()

        assert handler({}, lambda_context()) == 1
        assert capture.flush() == []


def test_unsampled_invocation_sends_nothing_then_sampled_one_does() -> None:
    with XRayCapture(sampled=False) as capture:
        tracer = Tracer("svc")

        @tracer.capture_lambda_handler
        def handler(event: object, context: object) -> str:
            return "r"

        handler({}, lambda_context())
        assert capture.flush() == []
        capture.next_invocation(sampled=True)
        handler({}, lambda_context())
        assert [d["name"] for d in capture.flush()] == ["## handler"]


def test_disabled_argument_returns_methods_unchanged(xray: XRayCapture) -> None:
    tracer = Tracer(disabled=True)

    def method() -> None:
        return None

    assert tracer.capture_method(method) is method
    assert tracer.capture_method(capture_response=False)(method) is method
    assert repr(tracer) == "Tracer(service='service_undefined', disabled=True)"


def test_tracer_built_outside_lambda_traces_once_inside() -> None:
    tracer = Tracer("svc")  # no LAMBDA_TASK_ROOT yet: nothing is patched or imported here

    @tracer.capture_lambda_handler
    def handler(event: object, context: object) -> str:
        return "r"

    with XRayCapture() as capture:
        handler({}, lambda_context())
        assert [d["name"] for d in capture.flush()] == ["## handler"]


def test_methods_outside_an_invocation_are_not_traced(xray: XRayCapture) -> None:
    tracer = Tracer("svc")

    @tracer.capture_method
    def method() -> int:
        return 3

    assert method() == 3
    assert xray.flush() == []


def test_handler_name_found_through_function_style_middlewares(xray: XRayCapture) -> None:
    from toolkit.middleware import middleware

    @middleware
    def passthrough(handler: Any, event: Any, context: Any, *, tag: str = "") -> Any:
        return handler(event, context)

    tracer = Tracer("svc")

    @tracer.capture_lambda_handler
    @passthrough(tag="x")
    def wrapped_twice(event: object, context: object) -> str:
        return "ok"

    assert wrapped_twice({}, lambda_context()) == "ok"
    xray.flush()
    assert [d["name"] for d in xray.subsegments()] == ["## wrapped_twice"]


def test_trace_header_without_parent_is_not_traced() -> None:
    with XRayCapture() as capture:
        from toolkit import config

        config.set_environ({"_X_AMZN_TRACE_ID": f"Root={capture.trace_id};Sampled=1"})
        tracer = Tracer("svc")

        @tracer.capture_lambda_handler
        def handler(event: object, context: object) -> str:
            return "r"

        assert handler({}, lambda_context()) == "r"
        assert capture.flush() == []


def test_sdk_imported_before_lambda_environment_is_switched_to_lambda_mode() -> None:
    import subprocess
    import sys

    from tests.conftest import subprocess_env

    code = """
import aws_xray_sdk.core  # imported outside Lambda: a plain, non-Lambda recorder
from toolkit.testing import XRayCapture, lambda_context
from toolkit.tracing import Tracer
tracer = Tracer("svc")

@tracer.capture_method
def step():
    return 1

@tracer.capture_lambda_handler
def handler(event, context):
    return step()

with XRayCapture() as xray:
    handler({}, lambda_context())
    print(sorted(d["name"] for d in xray.flush()))
"""
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=subprocess_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['## __main__.step', '## handler']"


@pytest.mark.parametrize("variable", ["AWS_SAM_LOCAL", "AWS_CHALICE_CLI_MODE"])
def test_local_emulators_are_not_traced(variable: str) -> None:
    # sam local and chalice local set LAMBDA_TASK_ROOT too, but no X-Ray daemon listens there.
    with XRayCapture(extra_env={variable: "true"}) as xray:
        tracer = Tracer("svc")

        @tracer.capture_lambda_handler
        def handler(event: object, context: object) -> int:
            return 1

        assert handler({}, lambda_context()) == 1
        xray.next_invocation(sampled=True)
        assert handler({}, lambda_context()) == 1
        assert xray.flush() == []
