"""Locks: expiry, takeover, fencing, release on error and on LambdaTimeoutError, waiting."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import pytest

from toolkit.idempotency import (
    IdempotencyAlreadyInProgressError,
    IdempotencyConfig,
    IdempotencyFencingError,
    idempotent_function,
)
from toolkit.timeout import LambdaTimeoutError

CONFIG = IdempotencyConfig(event_key_jmespath="id", in_progress_expires_after_seconds=30)


def _set(dynamodb: Any, table: str, key: str, **numbers: int) -> None:
    """Move a record's times (the way the clock passing would)."""
    names = {f"#{name}": name for name in numbers}
    dynamodb.update_item(
        TableName=table,
        Key={"id": {"S": key}},
        UpdateExpression="SET " + ", ".join(f"#{name} = :{name}" for name in numbers),
        ExpressionAttributeNames=names,
        ExpressionAttributeValues={
            f":{name}": {"N": str(value)} for name, value in numbers.items()
        },
    )


def test_an_expired_record_runs_again(store, dynamodb, items) -> None:
    runs: list[int] = []

    @idempotent_function(data_keyword_argument="order", persistence_store=store, config=CONFIG)
    def charge(order: dict[str, Any]) -> int:
        runs.append(1)
        return len(runs)

    assert charge(order={"id": "a"}) == 1
    (item,) = items()
    # DynamoDB's TTL deletes lazily: the record is still there, but its expiry has passed.
    _set(dynamodb, store.table_name, item["id"]["S"], expiration=int(time.time()) - 1)
    assert charge(order={"id": "a"}) == 2
    assert charge(order={"id": "a"}) == 2


def test_a_lock_in_progress_is_refused_then_taken_over_once_expired(store, dynamodb, items) -> None:
    holder: list[str] = []

    @idempotent_function(data_keyword_argument="order", persistence_store=store, config=CONFIG)
    def charge(order: dict[str, Any]) -> str:
        if not holder:
            holder.append("first")
            # A second call while this one holds the lock:
            with pytest.raises(IdempotencyAlreadyInProgressError) as caught:
                charge(order=order)
            assert caught.value.table == store.table_name
            raise RuntimeError("the first execution dies")
        return "second"

    with pytest.raises(RuntimeError):
        charge(order={"id": "a"})
    assert items() == []  # released on the error

    # A holder that died without releasing (a crash): its lock frees itself when it expires.
    @idempotent_function(data_keyword_argument="order", persistence_store=store, config=CONFIG)
    def stuck(order: dict[str, Any]) -> str:
        return "took over"

    key = f"{stuck_key(stuck, store)}"
    dynamodb.put_item(
        TableName=store.table_name,
        Item={
            "id": {"S": key},
            "status": {"S": "INPROGRESS"},
            "expiration": {"N": str(int(time.time()) + 3600)},
            "in_progress_expiration": {"N": str(int(time.time() * 1000) + 60_000)},
            "fence": {"S": "someone-else"},
        },
    )
    with pytest.raises(IdempotencyAlreadyInProgressError):
        stuck(order={"id": "a"})
    _set(dynamodb, store.table_name, key, in_progress_expiration=int(time.time() * 1000) - 1)
    assert stuck(order={"id": "a"}) == "took over"


def stuck_key(function: Any, store: Any) -> str:
    """The key ``function`` uses for ``{"id": "a"}`` (the hash of the canonical JSON "a")."""
    import hashlib

    original = function.__wrapped__
    digest = hashlib.sha256(b'"a"').hexdigest()
    return f"test-func.{original.__module__}.{original.__qualname__}#{digest}"


def test_a_stale_holder_cannot_overwrite_the_newer_result(store, dynamodb, items, caplog) -> None:
    order: list[str] = []

    @idempotent_function(data_keyword_argument="payload", persistence_store=store, config=CONFIG)
    def work(payload: dict[str, Any]) -> str:
        if not order:
            order.append("stale")
            # While the first execution runs, its lock expires and a second one takes over
            # and completes.
            (item,) = items()
            _set(
                dynamodb,
                store.table_name,
                item["id"]["S"],
                in_progress_expiration=int(time.time() * 1000) - 1,
            )
            assert work(payload=payload) == "newer"
            return "stale"
        order.append("newer")
        return "newer"

    with caplog.at_level(logging.ERROR, "toolkit.idempotency"):
        with pytest.raises(IdempotencyFencingError) as caught:
            work(payload={"id": "a"})
    assert caught.value.operation == "complete"
    assert caught.value.table == store.table_name
    assert order == ["stale", "newer"]
    (item,) = items()
    assert item["status"] == {"S": "COMPLETED"}
    assert item["data"] == {"S": '"newer"'}
    assert "stale execution" in caplog.text
    assert work(payload={"id": "a"}) == "newer"


def test_a_stale_holder_that_fails_does_not_delete_the_newer_lock(
    store, dynamodb, items, caplog
) -> None:
    calls: list[str] = []

    @idempotent_function(data_keyword_argument="payload", persistence_store=store, config=CONFIG)
    def work(payload: dict[str, Any]) -> str:
        calls.append("run")
        if len(calls) == 1:
            (item,) = items()
            _set(
                dynamodb,
                store.table_name,
                item["id"]["S"],
                in_progress_expiration=int(time.time() * 1000) - 1,
            )
            assert work(payload=payload) == "newer"
            raise ValueError("the stale execution fails")
        return "newer"

    with caplog.at_level(logging.ERROR, "toolkit.idempotency"):
        with pytest.raises(ValueError, match="the stale execution fails"):
            work(payload={"id": "a"})
    (item,) = items()
    assert item["status"] == {"S": "COMPLETED"}
    assert "taken over before the failed execution released it" in caplog.text


def test_an_error_releases_the_lock_and_keeps_its_traceback(store, items, calls) -> None:
    def fail() -> None:
        raise KeyError("boom")

    @idempotent_function(data_keyword_argument="order", persistence_store=store, config=CONFIG)
    def charge(order: dict[str, Any]) -> None:
        fail()

    with pytest.raises(KeyError) as caught:
        charge(order={"id": "a"})
    assert caught.traceback[-1].name == "fail"
    assert calls.take() == ["PutItem", "DeleteItem"]
    assert items() == []


def test_lambda_timeout_error_releases_the_lock(store, items) -> None:
    @idempotent_function(data_keyword_argument="order", persistence_store=store, config=CONFIG)
    def charge(order: dict[str, Any]) -> None:
        raise LambdaTimeoutError(500, 400)

    with pytest.raises(LambdaTimeoutError):
        charge(order={"id": "a"})
    assert items() == []


def test_lambda_timeout_from_timeout_guard_releases_the_lock(store, items) -> None:
    from toolkit import timeout_guard
    from toolkit.idempotency import idempotent
    from toolkit.testing import lambda_context

    started = threading.Event()

    @timeout_guard(margin_ms=500)
    @idempotent(persistence_store=store, config=CONFIG)
    def handler(event: dict[str, Any], context: Any) -> None:
        started.set()
        time.sleep(30)

    with pytest.raises(LambdaTimeoutError):
        handler({"id": "a"}, lambda_context(timeout_ms=1500))
    assert started.is_set()
    assert items() == []


def test_wait_for_in_progress_returns_the_other_execution_result(store) -> None:
    config = IdempotencyConfig(
        event_key_jmespath="id", in_progress_expires_after_seconds=30, wait_for_in_progress=20
    )
    running = threading.Event()
    release = threading.Event()
    runs: list[str] = []

    @idempotent_function(data_keyword_argument="order", persistence_store=store, config=config)
    def charge(order: dict[str, Any]) -> dict[str, str]:
        runs.append(threading.current_thread().name)
        running.set()
        assert release.wait(20)
        return {"charged": order["id"]}

    results: list[Any] = []
    first = threading.Thread(target=lambda: results.append(charge(order={"id": "a"})))
    first.start()
    assert running.wait(20)
    threading.Timer(0.3, release.set).start()
    assert charge(order={"id": "a"}) == {"charged": "a"}
    first.join(20)
    assert results == [{"charged": "a"}]
    assert len(runs) == 1


def test_wait_for_in_progress_gives_up_at_its_bound(store) -> None:
    config = IdempotencyConfig(
        event_key_jmespath="id", in_progress_expires_after_seconds=30, wait_for_in_progress=0.2
    )

    @idempotent_function(data_keyword_argument="order", persistence_store=store, config=config)
    def charge(order: dict[str, Any]) -> None:
        with pytest.raises(IdempotencyAlreadyInProgressError):
            charge(order=order)

    charge(order={"id": "a"})
