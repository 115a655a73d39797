"""timeout_guard raises before the deadline so every error path still runs."""

from __future__ import annotations

import signal
import threading
import time
import traceback
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


CRITICAL = """
import time

def hold(lock, seconds):
    # acquire and release in separate statements, as coverage's collector and logging's
    # Handler.handle do: an exception raised in between leaves the lock held
    lock.acquire()
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass
    lock.release()
"""


@pytest.fixture
def critical(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A module whose code the guard must not interrupt (registered as unsafe)."""
    import importlib.util

    import toolkit.middleware as engine

    path = tmp_path / "critical_section.py"
    path.write_text(CRITICAL)
    spec = importlib.util.spec_from_file_location("critical_section", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(engine, "_extra_unsafe", (str(tmp_path) + "/",))
    return module


def test_the_timeout_waits_for_a_safe_point_and_no_lock_is_left_held(critical: Any) -> None:
    lock = threading.Lock()

    @timeout_guard(margin_ms=300)
    def handler(event: Any, context: Any) -> None:
        while True:  # ~98% of the time inside the critical section
            critical.hold(lock, 0.05)
            end = time.monotonic() + 0.001
            while time.monotonic() < end:
                pass

    with pytest.raises(LambdaTimeoutError) as info:
        handler({}, lambda_context(timeout_ms=700))
    assert lock.acquire(blocking=False), "the timeout was raised inside the critical section"
    frames = [frame.name for frame in traceback.extract_tb(info.value.__traceback__)]
    assert frames[-2:] == ["handler", "alarm"]  # raised while the handler's own code ran


def test_a_critical_section_that_never_ends_is_still_interrupted_before_the_deadline(
    critical: Any,
) -> None:
    lock = threading.Lock()

    @timeout_guard(margin_ms=300)
    def handler(event: Any, context: Any) -> None:
        critical.hold(lock, 5)

    started = time.monotonic()
    with pytest.raises(LambdaTimeoutError) as info:
        handler({}, lambda_context(timeout_ms=700))
    elapsed = time.monotonic() - started
    assert 0.5 < elapsed < 0.7  # after half the margin, before the deadline
    assert 0 < info.value.remaining_ms <= 150
