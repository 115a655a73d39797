"""The cache and the retry loop on their own (no AWS needed)."""

from __future__ import annotations

import time

import pytest

from toolkit.parameters.cache import MISSING, Cache
from toolkit.parameters.transport import BACKOFF, FetchError, retrying
from toolkit.testing import lambda_context


def test_cache_get_put_expiry_and_zero_max_age():
    cache = Cache()
    cache.put("a", None, 60)
    assert cache.value("a") is None  # None is a value
    assert cache.value("b") is MISSING
    cache.put("z", 1, 0)
    assert cache.value("z") is MISSING and len(cache) == 1
    cache.put("short", 1, 0.01)
    time.sleep(0.05)
    assert cache.value("short") is MISSING
    assert "entries" in repr(cache)


def test_cache_is_bounded_dropping_expired_then_oldest():
    cache = Cache(size=3)
    cache.put("old", 1, 60)
    cache.put("mid", 2, 60)
    cache.put("new", 3, 60)
    cache.put("old", 1, 60)  # rewritten: now the newest
    cache.put("x", 4, 60)
    assert cache.value("mid") is MISSING and cache.value("old") == 1 and len(cache) == 3
    cache.put("gone", 5, 0.01)  # evicts the oldest, "new"
    time.sleep(0.05)
    cache.put("y", 6, 60)  # evicts the expired one, not the oldest
    assert cache.value("new") is MISSING
    assert cache.value("old") == 1 and cache.value("x") == 4 and cache.value("y") == 6
    cache.discard(lambda key: key in ("x", "y"))
    assert len(cache) == 1 and cache.value("old") == 1
    cache.clear()
    assert len(cache) == 0
    with pytest.raises(ValueError):
        Cache(size=0)


class Flaky:
    """Fails ``failures`` times with ``error``, then answers."""

    def __init__(self, failures: int, error: FetchError) -> None:
        self.failures = failures
        self.error = error
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error
        return "value"


def test_transient_failures_are_retried_then_given_up():
    waits: list[float] = []
    flaky = Flaky(2, FetchError("5xx", status=503, transient=True))
    assert retrying(flaky, sleep=waits.append) == "value"
    assert flaky.calls == 3 and waits == list(BACKOFF[:2])
    always = Flaky(99, FetchError("5xx", status=503, transient=True))
    with pytest.raises(FetchError):
        retrying(always, sleep=waits.append)
    assert always.calls == len(BACKOFF) + 1


def test_answers_are_not_retried():
    missing = Flaky(1, FetchError("not found", status=400, code="ParameterNotFound"))
    with pytest.raises(FetchError):
        retrying(missing, sleep=lambda _: None)
    assert missing.calls == 1


def test_no_retry_without_the_time_for_it():
    from toolkit.middleware import middleware

    calls = []

    @middleware
    def probe(handler, event, context):
        flaky = Flaky(5, FetchError("5xx", status=500, transient=True))
        with pytest.raises(FetchError):
            retrying(flaky, sleep=lambda _: None)
        calls.append(flaky.calls)
        return handler(event, context)

    @probe
    def handler(event, context):
        return None

    handler({}, lambda_context(timeout_ms=150))  # less than the reserve: no retry
    handler({}, lambda_context(timeout_ms=60_000))
    assert calls == [1, len(BACKOFF) + 1]
