"""timeout_guard raises before the deadline so every error path still runs."""

from __future__ import annotations

import signal
import threading
import time
import traceback
from typing import Any

import pytest

from toolkit.middleware import Middleware, Request, chain
from toolkit.testing import lambda_context
from toolkit.timeout import LambdaTimeoutError, timeout_guard


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
    (seen,) = cleanup.errors  # inner on_error hooks saw it, as the BaseException it is there
    assert isinstance(seen, LambdaTimeoutError) and not isinstance(seen, Exception)
    # what leaves the outermost guard is also an Exception, under the same name, for the runtime
    assert isinstance(info.value, Exception) and type(info.value).__name__ == "LambdaTimeoutError"
    assert info.value.remaining_ms == seen.remaining_ms


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
    import toolkit.timeout as engine

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

    import toolkit.timeout as engine

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


def test_user_code_catching_exception_cannot_swallow_the_deadline() -> None:
    """The decision for BaseException: the usual ``except Exception`` around each item of a
    loop (here, and in any library) let an Exception-based timeout be swallowed, and the
    handler ran on until Lambda killed it."""
    swallowed: list[str] = []

    @timeout_guard(margin_ms=300)
    def handler(event: Any, context: Any) -> str:
        deadline = time.monotonic() + 3
        while time.monotonic() < deadline:
            try:
                time.sleep(0.05)
            except Exception as error:  # the pattern users write around each item
                swallowed.append(type(error).__name__)
        return "ran past the deadline"

    started = time.monotonic()
    with pytest.raises(LambdaTimeoutError):
        handler({}, lambda_context(timeout_ms=800))
    assert time.monotonic() - started < 0.8
    assert swallowed == []


def test_a_swallowed_timeout_fires_again() -> None:
    caught: list[BaseException] = []

    @timeout_guard(margin_ms=300)
    def handler(event: Any, context: Any) -> str:
        try:
            time.sleep(3)
        except BaseException as error:  # what the docs say not to do
            caught.append(error)
        time.sleep(3)
        return "ran past the deadline"

    started = time.monotonic()
    with pytest.raises(LambdaTimeoutError):
        handler({}, lambda_context(timeout_ms=800))
    assert time.monotonic() - started < 0.8
    assert len(caught) == 1 and isinstance(caught[0], LambdaTimeoutError)


def test_cleanup_after_a_timeout_is_not_interrupted_again() -> None:
    finished: list[str] = []

    @timeout_guard(margin_ms=400)
    def handler(event: Any, context: Any) -> None:
        try:
            time.sleep(3)
        finally:  # longer than the re-check interval, well within the margin
            end = time.monotonic() + 0.1
            while time.monotonic() < end:
                pass
            finished.append("cleanup")

    with pytest.raises(LambdaTimeoutError):
        handler({}, lambda_context(timeout_ms=800))
    assert finished == ["cleanup"]


def test_a_nested_guard_keeps_the_outer_one_armed() -> None:
    """B3: the interval timer is process-wide; the inner guard returning used to disarm it,
    and the handler ran past Lambda's deadline."""

    @timeout_guard(margin_ms=100)
    def inner(event: Any, context: Any) -> str:
        return "quick"

    @timeout_guard(margin_ms=300)
    def outer(event: Any, context: Any) -> None:
        assert inner(event, context) == "quick"
        time.sleep(3)

    previous = signal.getsignal(signal.SIGALRM)
    started = time.monotonic()
    with pytest.raises(LambdaTimeoutError) as info:
        outer({}, lambda_context(timeout_ms=800))
    assert time.monotonic() - started < 0.8
    assert info.value.margin_ms == 300
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) is previous


def test_the_earliest_deadline_of_nested_guards_wins() -> None:
    @timeout_guard(margin_ms=500)
    def inner(event: Any, context: Any) -> None:
        time.sleep(3)

    @timeout_guard(margin_ms=100)
    def outer(event: Any, context: Any) -> None:
        try:
            inner(event, context)
        except LambdaTimeoutError as error:
            assert not isinstance(error, Exception)  # inside the outermost guard
            raise

    started = time.monotonic()
    with pytest.raises(LambdaTimeoutError) as info:
        outer({}, lambda_context(timeout_ms=900))
    assert 0.3 < time.monotonic() - started < 0.55  # the inner guard's 500 ms margin
    assert info.value.margin_ms == 500


class SlowStream:
    """A stream whose write blocks, as stdout does when its pipe is full."""

    def __init__(self) -> None:
        self.lines = 0

    def write(self, text: str) -> None:
        time.sleep(0.05)
        self.lines += 1

    def flush(self) -> None:
        pass


def test_a_timeout_inside_a_stdlib_handler_is_not_swallowed_by_handle_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """B4: the alarm lands inside ``logging.Handler.emit`` (the write blocks), whose
    ``handleError`` swallowed an Exception-based timeout, and the guard never fired again."""
    import logging

    stream = SlowStream()
    library = logging.getLogger("tests.timeout.slow")
    library.propagate = False
    handler_ = logging.StreamHandler(stream)  # type: ignore[arg-type]
    library.addHandler(handler_)
    try:

        @timeout_guard(margin_ms=300)
        def handler(event: Any, context: Any) -> str:
            deadline = time.monotonic() + 3
            while time.monotonic() < deadline:
                library.warning("working")
            return "ran past the deadline"

        started = time.monotonic()
        with pytest.raises(LambdaTimeoutError):
            handler({}, lambda_context(timeout_ms=800))
        assert time.monotonic() - started < 0.8
        assert stream.lines > 0
        assert "Logging error" not in capsys.readouterr().err  # handleError never ran
        assert handler_.lock is None or handler_.lock.acquire(blocking=False)  # not left held
    finally:
        library.removeHandler(handler_)


def test_the_runtime_reports_the_timeout_and_the_process_lives_on() -> None:
    """Under the real runtime client (awslambdaric), which reports only ``Exception``s: the
    error that leaves the guard is the invocation's error, and the next invocation runs in the
    same process (a BaseException escaping the handler would end the runtime)."""
    import subprocess
    import sys
    from pathlib import Path

    pytest.importorskip("awslambdaric")
    from tests.conftest import subprocess_env
    from toolkit.testing import RuntimeAPIServer

    app = Path(__file__).resolve().parent / "apps"
    with RuntimeAPIServer() as api:
        env = subprocess_env(AWS_LAMBDA_RUNTIME_API=api.address)
        env["PYTHONPATH"] = f"{env['PYTHONPATH']}:{app}"
        process = subprocess.Popen(
            [sys.executable, "-m", "awslambdaric", "guarded_app.handler"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            # A first invocation waits for the runtime to start (seconds on a loaded machine),
            # so the deadline of the second is not spent before its handler runs.
            first = api.invoke({"sleep": 0}, timeout_ms=30000).wait(30)
            slow = api.invoke({"sleep": 5}, timeout_ms=1500).wait(10)
            quick = api.invoke({"sleep": 0}, timeout_ms=3000).wait(10)
        finally:
            process.terminate()
            process.communicate(timeout=30)
    assert not slow.ok
    assert slow.json()["errorType"] == "LambdaTimeoutError"
    assert "before the Lambda deadline" in slow.json()["errorMessage"]
    assert first.ok and first.json()["invocations"] == 1
    assert quick.ok and quick.json()["invocations"] == 3  # the same process


def test_the_old_import_paths_still_work() -> None:
    import toolkit
    import toolkit.middleware
    import toolkit.timeout

    assert toolkit.LambdaTimeoutError is toolkit.timeout.LambdaTimeoutError
    assert toolkit.timeout_guard is toolkit.timeout.timeout_guard
    assert toolkit.middleware.LambdaTimeoutError is toolkit.timeout.LambdaTimeoutError
    assert toolkit.middleware.timeout_guard is toolkit.timeout.timeout_guard
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        toolkit.middleware.nope
    assert not issubclass(LambdaTimeoutError, Exception)
