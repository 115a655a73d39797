"""First call, repeat, call counts, payload validation, missing keys: against a real table."""

from __future__ import annotations

from typing import Any

import pytest

from toolkit.idempotency import (
    IdempotencyConfig,
    IdempotencyKeyError,
    IdempotencyValidationError,
    idempotent,
    idempotent_function,
)
from toolkit.testing import lambda_context

pytestmark = pytest.mark.filterwarnings("ignore:the invocation's remaining time is unknown")


def test_first_call_claims_and_completes_then_a_repeat_reads_once(store, calls, items) -> None:
    runs: list[Any] = []

    @idempotent(persistence_store=store, config=IdempotencyConfig(event_key_jmespath="id"))
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        runs.append(event)
        return {"statusCode": 200, "body": f"charged {event['amount']}"}

    event = {"id": "order-1", "amount": 10}
    first = handler(event, lambda_context())
    assert calls.take() == ["PutItem", "UpdateItem"]
    second = handler(dict(event), lambda_context())
    assert calls.take() == ["PutItem"]  # the failed claim returns the completed record
    assert first == second == {"statusCode": 200, "body": "charged 10"}
    assert len(runs) == 1
    (item,) = items()
    assert item["status"] == {"S": "COMPLETED"}
    assert item["id"]["S"].startswith("test-func.")
    assert (
        ".test_first_call_claims_and_completes_then_a_repeat_reads_once.<locals>.handler#"
        in (item["id"]["S"])
    )


def test_local_cache_hit_costs_no_call(store, calls) -> None:
    config = IdempotencyConfig(event_key_jmespath="id", use_local_cache=True)

    @idempotent_function(data_keyword_argument="order", persistence_store=store, config=config)
    def charge(order: dict[str, Any]) -> dict[str, Any]:
        return {"charged": order["id"]}

    assert charge(order={"id": "a"}) == {"charged": "a"}
    assert calls.take() == ["PutItem", "UpdateItem"]
    assert charge(order={"id": "a"}) == {"charged": "a"}
    assert charge({"id": "a"}) == {"charged": "a"}  # by position too
    assert calls.take() == []


def test_a_different_payload_runs_again(store) -> None:
    runs: list[str] = []

    @idempotent_function(data_keyword_argument="order", persistence_store=store)
    def charge(order: dict[str, Any]) -> str:
        runs.append(order["id"])
        return order["id"]

    charge(order={"id": "a"})
    charge(order={"id": "b"})
    charge(order={"id": "a"})
    assert runs == ["a", "b"]


def test_payload_validation_refuses_a_changed_repeat(store) -> None:
    config = IdempotencyConfig(event_key_jmespath="id", payload_validation_jmespath="amount")

    @idempotent_function(data_keyword_argument="order", persistence_store=store, config=config)
    def charge(order: dict[str, Any]) -> int:
        return int(order["amount"])

    assert charge(order={"id": "a", "amount": 5}) == 5
    assert charge(order={"id": "a", "amount": 5.0}) == 5  # the same number
    with pytest.raises(IdempotencyValidationError) as caught:
        charge(order={"id": "a", "amount": 987654321})
    assert caught.value.table == store.table_name
    assert caught.value.key and caught.value.key.startswith("test-func.")
    assert "987654321" not in str(caught.value)


def test_missing_key_warns_and_runs_without_idempotency(store, calls) -> None:
    runs: list[int] = []
    config = IdempotencyConfig(event_key_jmespath="id")

    @idempotent_function(data_keyword_argument="order", persistence_store=store, config=config)
    def charge(order: dict[str, Any]) -> None:
        runs.append(1)

    with pytest.warns(UserWarning, match="no idempotency key"):
        charge(order={"other": 1})
    with pytest.warns(UserWarning, match="no idempotency key"):
        charge(order={"other": 1})
    assert runs == [1, 1]
    assert calls == []


def test_missing_key_raises_when_asked(store, calls) -> None:
    config = IdempotencyConfig(event_key_jmespath="id", raise_on_no_idempotency_key=True)

    @idempotent_function(data_keyword_argument="order", persistence_store=store, config=config)
    def charge(order: dict[str, Any]) -> None:
        raise AssertionError("must not run")

    with pytest.raises(IdempotencyKeyError) as caught:
        charge(order={"other": 1})
    assert caught.value.expression == "id"
    assert calls == []
