"""A tracer never fails a handler: whatever the provider (aws-xray-sdk included) raises while
a span is opened, filled or closed stays out of the handler, said once (inside Lambda, as
here, a JSON line on stdout). Only the deadline goes through."""

from __future__ import annotations

import contextvars
import sys
import threading
from collections.abc import Iterator, Sequence
from typing import Any

import pytest

from tests.tracing.notices import tracing_notices
from toolkit.middleware import LambdaTimeoutError
from toolkit.testing import XRayCapture, lambda_context
from toolkit.trace_header import TraceHeader
from toolkit.tracing import Span, Tracer, TracerProvider
from toolkit.tracing.xray import XRayProvider


@pytest.mark.parametrize("imported", [True, False], ids=["sdk-imported", "sdk-not-imported"])
def test_an_invalid_daemon_address_leaves_invocations_untraced_not_failed(
    imported: bool, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """aws-xray-sdk reads the address when it is imported, and toolkit when an invocation
    begins: both raise InvalidDaemonAddressException."""
    if imported:
        import aws_xray_sdk.core  # noqa: F401
    else:
        for name in [m for m in sys.modules if m.startswith("aws_xray_sdk")]:
            monkeypatch.delitem(sys.modules, name)
    with XRayCapture(extra_env={"AWS_XRAY_DAEMON_ADDRESS": "no-port"}) as xray:
        tracer = Tracer("svc", provider=XRayProvider())

        @tracer.capture_lambda_handler
        def handler(event: object, context: object) -> str:
            return "done"

        assert [handler({}, lambda_context()) for _ in range(3)] == ["done"] * 3
        assert xray.flush() == []
    (notice,) = tracing_notices(capsys.readouterr().out)
    assert notice["level"] == "WARNING"
    assert (
        "raised InvalidDaemonAddressException while it began an invocation" in (notice["message"])
    )


def test_the_sdk_refusing_to_close_a_subsegment_does_not_fail_the_handler(
    xray: XRayCapture, capsys: pytest.CaptureFixture[str]
) -> None:
    from aws_xray_sdk.core import xray_recorder

    tracer = Tracer("svc")

    @tracer.capture_method
    def step() -> int:
        xray_recorder.end_subsegment()  # user code closing the Tracer's subsegment itself
        return 1

    @tracer.capture_lambda_handler
    def handler(event: object, context: object) -> int:
        return step()

    assert handler({}, lambda_context()) == 1
    xray.flush()
    assert [d["name"] for d in xray.subsegments(name="## handler")] == ["## handler"]
    (notice,) = tracing_notices(capsys.readouterr().out)
    assert "raised AlreadyEndedException while it closed a subsegment" in notice["message"]


def test_a_thread_annotating_after_the_invocation_ended_is_not_failed(
    xray: XRayCapture, capsys: pytest.CaptureFixture[str]
) -> None:
    tracer = Tracer("svc")
    handler_returned = threading.Event()
    errors: list[BaseException] = []

    def late() -> None:
        handler_returned.wait(5)
        try:
            tracer.put_annotation("late", 1)
            tracer.put_metadata("late", {"n": 1})
        except BaseException as error:
            errors.append(error)

    threads: list[threading.Thread] = []

    @tracer.capture_lambda_handler
    def handler(event: object, context: object) -> str:
        context_copy = contextvars.copy_context()
        threads.append(threading.Thread(target=context_copy.run, args=(late,)))
        threads[0].start()
        return "ok"

    assert handler({}, lambda_context()) == "ok"
    handler_returned.set()
    threads[0].join(5)
    assert errors == []
    messages = [n["message"] for n in tracing_notices(capsys.readouterr().out)]
    assert len(messages) == 2  # one per kind: the annotation and the metadata
    assert all("FacadeSegmentMutationException" in m for m in messages)


class Broken(TracerProvider):
    """A backend failing at every step after the first: what a buggy provider (or a daemon
    gone wrong) can do."""

    def __init__(self, error: BaseException) -> None:
        self.error = error
        self.calls: list[str] = []

    def begin_invocation(self, header: TraceHeader) -> Span | None:
        self.calls.append("begin")
        return BrokenSpan(self)

    def start_span(self, name: str, parent: Span) -> Span:
        self.calls.append(f"start {name}")
        if name.endswith("step") or name == "block":
            raise self.error
        return BrokenSpan(self)

    def end_span(self, span: Span) -> None:
        self.calls.append("end")
        raise self.error

    def patch(self, modules: Sequence[str]) -> None:
        self.calls.append("patch")
        raise self.error


class BrokenSpan:
    def __init__(self, provider: Broken) -> None:
        self.provider = provider

    def put_annotation(self, key: str, value: Any) -> None:
        raise self.provider.error

    def put_metadata(self, key: str, value: Any, namespace: str) -> None:
        raise self.provider.error

    def add_error(self, error: BaseException) -> None:
        raise self.provider.error


def traced_app(tracer: Tracer) -> Any:
    @tracer.capture_method
    def step(n: int) -> int:
        tracer.put_annotation("n", n)
        return n + 1

    @tracer.capture_method
    def numbers() -> Iterator[int]:
        yield from (1, 2)

    @tracer.capture_lambda_handler
    def handler(event: dict[str, Any], context: object) -> int:
        with tracer.subsegment("block") as sub:
            sub.put_annotation("k", "v")
            sub.put_metadata("m", [1])
            if event.get("fail"):
                raise KeyError("the user's own error")
        return step(sum(numbers()))

    return handler


def test_a_provider_failing_everywhere_never_reaches_the_handler(
    capsys: pytest.CaptureFixture[str],
) -> None:
    provider = Broken(OSError("daemon socket gone"))
    with XRayCapture():
        handler = traced_app(Tracer("svc", provider=provider, patch_modules=["json"]))
        assert handler({}, lambda_context()) == 4
        with pytest.raises(KeyError, match="the user's own error"):
            handler({"fail": True}, lambda_context())
        assert handler({}, lambda_context()) == 4
    # One notice per kind of failure, however many invocations hit it.
    messages = [n["message"] for n in tracing_notices(capsys.readouterr().out)]
    assert all("raised OSError" in m and "(daemon socket gone)" in m for m in messages)
    operations = sorted(m.split(" while it ")[1].split(" (")[0] for m in messages)
    assert operations == [
        "closed a subsegment",
        "opened a subsegment",
        "patched libraries",
        "recorded an annotation",
        "recorded an error",
        "recorded metadata",
    ]
    assert "start ## handler" in provider.calls and provider.calls.count("patch") == 1


def test_the_deadline_goes_through_the_provider_guard() -> None:
    provider = Broken(LambdaTimeoutError(100, 90))
    with XRayCapture():
        handler = traced_app(Tracer("svc", provider=provider, auto_patch=False))
        with pytest.raises(LambdaTimeoutError):
            handler({}, lambda_context())
