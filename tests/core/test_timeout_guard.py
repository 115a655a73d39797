"""timeout_guard raises before the deadline so every error path still runs."""

from __future__ import annotations

import signal
import threading
import time
from typing import Any

import pytest

from toolkit.middleware import (
    LambdaTimeoutError,
    Middleware,
    Request,
    chain,
    timeout_guard,
)
from toolkit.testing import lambda_context


class Cleanup(Middleware):
    def __init__(self) -> None:
        self.errors: list[BaseException] = []

    def on_error(self, request: Request) -> None:
        assert request.error is not None
        self.errors.append(request.error)


def test_a_handler_sleeping_past_its_deadline_is_stopped_in_time() -> None:
    cleanup = Cleanup()

    @chain(timeout_guard(margin_ms=300), cleanup)
    def handler(event: Any, context: Any) -> None:
        time.sleep(5)

    started = time.monotonic()
    with pytest.raises(LambdaTimeoutError) as info:
        handler({}, lambda_context(timeout_ms=800))
    elapsed = time.monotonic() - started
    assert 0.4 < elapsed < 0.8  # raised ~300 ms before the 800 ms deadline
    assert info.value.margin_ms == 300
    assert 0 < info.value.remaining_ms <= 400
    assert "timeout_guard margin_ms=300" in str(info.value)
    assert cleanup.errors == [info.value]  # inner on_error hooks saw it


def test_the_alarm_is_cancelled_and_the_previous_handler_restored() -> None:
    previous = signal.getsignal(signal.SIGALRM)

    @timeout_guard
    def handler(event: Any, context: Any) -> str:
        return "fast"

    assert handler({}, lambda_context(timeout_ms=2000)) == "fast"
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) is previous


def test_no_time_left_raises_before_running_the_handler() -> None:
    ran: list[bool] = []

    @timeout_guard(margin_ms=500)
    def handler(event: Any, context: Any) -> None:
        ran.append(True)

    with pytest.raises(LambdaTimeoutError):
        handler({}, lambda_context(timeout_ms=400))
    assert ran == []


def test_outside_the_main_thread_or_without_context_it_warns_and_passes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import toolkit.middleware as engine

    monkeypatch.setattr(engine, "_warned_no_alarm", False)

    @timeout_guard
    def handler(event: Any, context: Any) -> str:
        return "ran"

    with pytest.warns(RuntimeWarning, match="does nothing here"):
        assert handler({}, None) == "ran"
    results: list[str] = []
    thread = threading.Thread(target=lambda: results.append(handler({}, lambda_context())))
    thread.start()
    thread.join()
    assert results == ["ran"]
