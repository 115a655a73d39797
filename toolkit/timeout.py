"""``timeout_guard`` and :class:`LambdaTimeoutError`: stop a handler shortly before Lambda's
deadline so that every middleware's error path (flush logs and metrics, end the trace, report
unprocessed batch records) still runs before Lambda stops the process.

The rule for code running under the guard: :class:`LambdaTimeoutError` derives from
``BaseException``, like ``asyncio.CancelledError``, so ``except Exception`` (in your code, in
libraries, in stdlib ``logging.Handler.handleError``) lets it through. Catch it by name to stop
early with a partial result; an ``except BaseException`` or bare ``except`` must re-raise it.
Where it leaves the outermost guard it is re-raised as an instance that is also an
``Exception``, because the Lambda runtime reports only ``Exception`` subclasses as invocation
errors (a ``BaseException`` escaping the handler would end the runtime process).
"""

from __future__ import annotations

import os
import sys
import threading
import time
import warnings

from toolkit._typing import TYPE_CHECKING
from toolkit.middleware import middleware

if TYPE_CHECKING:
    from collections.abc import Callable
    from types import FrameType
    from typing import Any

    from toolkit.middleware import Handler

__all__ = ["LambdaTimeoutError", "timeout_guard"]


class LambdaTimeoutError(BaseException):
    """Raised inside the handler by :func:`timeout_guard` shortly before Lambda's deadline.

    A ``BaseException``, so that no ``except Exception`` swallows the deadline (see the module
    docstring for the rule); toolkit's middlewares and class-style ``on_error`` hooks still see
    it and clean up. ``margin_ms`` is the guard's margin, ``remaining_ms`` the time Lambda had
    left when it was raised."""

    def __init__(self, margin_ms: int, remaining_ms: int) -> None:
        self.margin_ms = margin_ms
        self.remaining_ms = remaining_ms
        super().__init__(
            f"the invocation was stopped {remaining_ms} ms before the Lambda deadline "
            f"(timeout_guard margin_ms={margin_ms}); raise the function timeout or make the "
            "handler faster"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (self.margin_ms, self.remaining_ms)


class _ReportedTimeout(LambdaTimeoutError, Exception):
    """What leaves the outermost guard: still a :class:`LambdaTimeoutError` (``except
    LambdaTimeoutError`` and ``pytest.raises`` match it), and an ``Exception`` the runtime
    reports as the invocation's error."""


# The runtime reports ``type(error).__name__`` as the errorType: keep the public name there.
_ReportedTimeout.__name__ = _ReportedTimeout.__qualname__ = "LambdaTimeoutError"


class _Guard:
    """One active guard: when it raises (``deadline``, on the monotonic clock) and how."""

    __slots__ = ("deadline", "get_remaining", "margin_ms")

    def __init__(self, deadline: float, margin_ms: int, get_remaining: Callable[[], Any]) -> None:
        self.deadline = deadline
        self.margin_ms = margin_ms
        self.get_remaining = get_remaining


# The interval timer and SIGALRM are process-wide, so the guards active in the main thread
# (nested handlers each with a guard) share them: the timer always targets the earliest
# deadline among them, and a guard that returns re-arms it for the others.
_active: list[_Guard] = []
_warned_no_alarm = False
_TOOLKIT_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep
_RETRY_S = 0.001  # next look at a deferred raise
_RECHECK_S = 0.02  # next look after a raise, in case it was swallowed
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


def _unwinding() -> bool:
    """Whether the interrupted code is handling a raised timeout (an ``except`` or ``finally``
    block on its way out): its cleanup must not be interrupted by another one."""
    error = sys.exc_info()[1]
    while error is not None:
        if isinstance(error, LambdaTimeoutError):
            return True
        error = error.__context__
    return False


def _arm(setitimer: Callable[[int, float], Any], which: int) -> None:
    """Point the timer at the earliest deadline of the active guards (or stop it)."""
    if not _active:
        setitimer(which, 0)
        return
    deadline = min(guard.deadline for guard in _active)
    setitimer(which, max(deadline - time.monotonic(), _RETRY_S))


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
    outermost = not _active
    if budget_ms <= 0:
        raise (_ReportedTimeout if outermost else LambdaTimeoutError)(margin_ms, remaining)

    import signal  # only this middleware needs it: not paid at every cold start

    setitimer, which = signal.setitimer, signal.ITIMER_REAL
    guard = _Guard(time.monotonic() + budget_ms / 1000, margin_ms, get_remaining)
    previous: Any = None
    if outermost:
        unsafe = _unsafe_prefixes()

        def alarm(signum: int, frame: FrameType | None) -> None:
            # The exception is raised wherever the main thread happens to be. Inside code that
            # holds a lock across statements that would leave the lock held forever, so the
            # raise waits for the next safe point (retried every millisecond), though never past
            # half the margin: by then Lambda is about to stop the process anyway. After a
            # raise the timer keeps running: a guard whose error was swallowed fires again,
            # while cleanup on the error's way out is left to finish.
            if not _active:
                return
            due = min(_active, key=lambda active: active.deadline)
            if due.deadline - time.monotonic() > _RETRY_S:  # woke early: not due yet
                _arm(setitimer, which)
                return
            if _unwinding():
                setitimer(which, _RECHECK_S)
                return
            left = int(due.get_remaining())
            if left > due.margin_ms // 2 and _in_unsafe_section(frame, unsafe):
                setitimer(which, _RETRY_S)
                return
            setitimer(which, _RECHECK_S)
            raise LambdaTimeoutError(due.margin_ms, left)

        previous = signal.signal(signal.SIGALRM, alarm)
    _active.append(guard)
    _arm(setitimer, which)
    try:
        return handler(event, context)
    except LambdaTimeoutError as error:
        if not outermost or isinstance(error, Exception):
            raise
        reported = _ReportedTimeout(error.margin_ms, error.remaining_ms)
        raise reported.with_traceback(error.__traceback__) from None
    finally:
        _active.remove(guard)
        _arm(setitimer, which)
        if outermost:
            signal.signal(signal.SIGALRM, previous)


timeout_guard = middleware(_timeout_guard)
timeout_guard.__doc__ = """Raise :class:`LambdaTimeoutError` inside the handler ``margin_ms``
before the Lambda deadline (SIGALRM, main thread only; elsewhere it warns once and does
nothing), at a point where no log or metric write is half done, and again if the error was
swallowed. Put it outermost so the error paths of every other middleware run in time; nested
guards (a guarded handler calling another) share the timer, which always targets the earliest
deadline."""
