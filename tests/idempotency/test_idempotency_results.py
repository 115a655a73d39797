"""Return values: JSON as-is, dataclasses and pydantic models, custom pairs, exact types."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from pydantic import BaseModel

from toolkit.idempotency import (
    IdempotencyConfig,
    IdempotencyConfigError,
    IdempotencySerializationError,
    idempotent_function,
)
from toolkit.idempotency.exceptions import IdempotencyModelTypeError
from toolkit.idempotency.serialization.custom_dict import CustomDictSerializer
from toolkit.idempotency.serialization.dataclass import DataclassSerializer
from toolkit.idempotency.serialization.pydantic import PydanticSerializer

CONFIG = IdempotencyConfig(event_key_jmespath="id", in_progress_expires_after_seconds=30)


@dataclass
class Receipt:
    order_id: str
    amount: Decimal
    at: dt.datetime


class Invoice(BaseModel):
    order_id: str
    amount: Decimal
    reference: uuid.UUID


def _twice(function: Any, order: dict[str, Any]) -> tuple[Any, Any]:
    return function(order=order), function(order=order)


def test_json_values_and_exact_types_round_trip(store, calls) -> None:
    when = dt.datetime(2026, 12, 6, 17, 0, tzinfo=dt.timezone.utc)
    reference = uuid.uuid4()
    result = {
        "amount": Decimal("1.10"),
        "at": when,
        "day": when.date(),
        "time": dt.time(17, 0, 1),
        "reference": reference,
        "items": [1, 2.5, "three", None, True],
        "nested": {"a": {"b": []}},
    }

    @idempotent_function(data_keyword_argument="order", persistence_store=store, config=CONFIG)
    def charge(order: dict[str, Any]) -> dict[str, Any]:
        return result

    first, repeat = _twice(charge, {"id": "a"})
    assert calls.take() == ["PutItem", "UpdateItem", "PutItem"]  # the repeat read the store
    assert first == repeat == result
    assert repeat["amount"].as_tuple() == Decimal("1.10").as_tuple()  # not 1.1
    assert type(repeat["reference"]) is uuid.UUID


@pytest.mark.parametrize("value", [None, 0, "", [], {}, "text", 3.5, False])
def test_falsy_and_scalar_results_round_trip(store, value: Any) -> None:
    @idempotent_function(data_keyword_argument="order", persistence_store=store, config=CONFIG)
    def charge(order: dict[str, Any]) -> Any:
        return value

    first, repeat = _twice(charge, {"id": "a"})
    assert first == repeat == value
    assert type(repeat) is type(value)


def test_dataclass_from_the_return_annotation(store) -> None:
    @idempotent_function(data_keyword_argument="order", persistence_store=store, config=CONFIG)
    def charge(order: dict[str, Any]) -> Receipt:
        return Receipt(order["id"], Decimal("9.90"), dt.datetime(2026, 1, 1))

    first, repeat = _twice(charge, {"id": "a"})
    assert first == repeat
    assert isinstance(repeat, Receipt)
    assert str(repeat.amount) == "9.90"


def test_pydantic_model_from_the_return_annotation_and_explicit(store) -> None:
    reference = uuid.uuid4()

    @idempotent_function(data_keyword_argument="order", persistence_store=store, config=CONFIG)
    def charge(order: dict[str, Any]) -> Invoice | None:
        return Invoice(order_id=order["id"], amount=Decimal("2.50"), reference=reference)

    first, repeat = _twice(charge, {"id": "a"})
    assert first == repeat
    assert isinstance(repeat, Invoice)

    @idempotent_function(
        data_keyword_argument="order",
        persistence_store=store,
        config=CONFIG,
        output_serializer=PydanticSerializer,
    )
    def bill(order: dict[str, Any]) -> Invoice:
        return Invoice(order_id=order["id"], amount=Decimal("2.50"), reference=reference)

    assert _twice(bill, {"id": "b"})[1] == first.model_copy(update={"order_id": "b"})


def test_explicit_serializers_and_a_custom_pair(store) -> None:
    @idempotent_function(
        data_keyword_argument="order",
        persistence_store=store,
        config=CONFIG,
        output_serializer=DataclassSerializer(Receipt),
    )
    def charge(order: dict[str, Any]):  # type: ignore[no-untyped-def]
        return Receipt(order["id"], Decimal("1"), dt.datetime(2026, 1, 1))

    assert isinstance(_twice(charge, {"id": "a"})[1], Receipt)

    class Money:
        def __init__(self, cents: int) -> None:
            self.cents = cents

    pair = (lambda money: {"cents": money.cents}, lambda data: Money(data["cents"]))
    for serializer in (pair, CustomDictSerializer(*pair)):

        @idempotent_function(
            data_keyword_argument="order",
            persistence_store=store,
            config=CONFIG,
            output_serializer=serializer,
        )
        def price(order: dict[str, Any]) -> Money:
            return Money(125)

        repeat = _twice(price, {"id": f"m-{id(serializer)}"})[1]
        assert isinstance(repeat, Money) and repeat.cents == 125


def test_bad_serializer_options_fail_at_decoration(store) -> None:
    with pytest.raises(IdempotencyConfigError, match="output_serializer"):
        idempotent_function(
            lambda order: None,
            data_keyword_argument="order",
            persistence_store=store,
            output_serializer=object(),
        )

    def untyped(order: Any):  # type: ignore[no-untyped-def]
        return None

    with pytest.raises(IdempotencyConfigError, match="needs a dataclass"):
        idempotent_function(
            untyped,
            data_keyword_argument="order",
            persistence_store=store,
            output_serializer=DataclassSerializer,
        )

    def several(order: Any) -> Receipt | Invoice:
        raise AssertionError

    with pytest.raises(IdempotencyModelTypeError, match="union of several types"):
        idempotent_function(
            several,
            data_keyword_argument="order",
            persistence_store=store,
            output_serializer=PydanticSerializer,
        )
    with pytest.raises(IdempotencyModelTypeError, match="not a pydantic model"):
        PydanticSerializer.instantiate(Receipt)
    with pytest.raises(IdempotencyModelTypeError, match="not a dataclass"):
        DataclassSerializer.instantiate(Invoice)


def test_a_result_that_cannot_be_stored_releases_the_lock(store, items) -> None:
    @idempotent_function(data_keyword_argument="order", persistence_store=store, config=CONFIG)
    def charge(order: dict[str, Any]) -> Any:
        return {"tags": {"a", "b"}}

    with pytest.raises(IdempotencySerializationError) as caught:
        charge(order={"id": "a"})
    assert isinstance(caught.value, TypeError)
    assert caught.value.type_name == "dict"
    assert items() == []


def test_response_hook_sees_repeats_only(store) -> None:
    seen: list[Any] = []

    def hook(response: Any, record: Any) -> Any:
        seen.append((response, record.status))
        return {**response, "replayed": True}

    config = IdempotencyConfig(
        event_key_jmespath="id", in_progress_expires_after_seconds=30, response_hook=hook
    )

    @idempotent_function(data_keyword_argument="order", persistence_store=store, config=config)
    def charge(order: dict[str, Any]) -> dict[str, Any]:
        return {"ok": 1}

    assert _twice(charge, {"id": "a"}) == ({"ok": 1}, {"ok": 1, "replayed": True})
    assert seen == [({"ok": 1}, "COMPLETED")]


def test_async_functions(store, items) -> None:
    runs: list[str] = []

    @idempotent_function(data_keyword_argument="order", persistence_store=store, config=CONFIG)
    async def charge(order: dict[str, Any]) -> dict[str, str]:
        await asyncio.sleep(0)
        runs.append(order["id"])
        if order["id"] == "bad":
            raise ValueError("declined")
        return {"charged": order["id"]}

    async def scenario() -> None:
        assert await charge(order={"id": "a"}) == {"charged": "a"}
        assert await charge(order={"id": "a"}) == {"charged": "a"}
        with pytest.raises(ValueError, match="declined"):
            await charge(order={"id": "bad"})

    asyncio.run(scenario())
    assert runs == ["a", "bad"]
    assert len(items()) == 1  # the failed one was released
    assert asyncio.iscoroutinefunction(charge)


def test_async_wait_for_in_progress_yields_to_the_holder(store) -> None:
    config = IdempotencyConfig(
        event_key_jmespath="id", in_progress_expires_after_seconds=30, wait_for_in_progress=20
    )
    runs: list[str] = []

    @idempotent_function(data_keyword_argument="order", persistence_store=store, config=config)
    async def charge(order: dict[str, Any]) -> str:
        runs.append(order["id"])
        await asyncio.sleep(0.3)  # the waiter polls meanwhile, on the same loop
        return "charged"

    async def scenario() -> list[str]:
        first = asyncio.create_task(charge(order={"id": "a"}))
        await asyncio.sleep(0.05)
        return list(await asyncio.gather(first, charge(order={"id": "a"})))

    assert asyncio.run(scenario()) == ["charged", "charged"]
    assert runs == ["a"]


def test_methods_bind_and_count_self_in_positions(store) -> None:
    class Orders:
        def __init__(self) -> None:
            self.runs = 0

        @idempotent_function(data_keyword_argument="order", persistence_store=store, config=CONFIG)
        def charge(self, order: dict[str, Any]) -> int:
            self.runs += 1
            return self.runs

    orders = Orders()
    assert orders.charge({"id": "a"}) == orders.charge(order={"id": "a"}) == 1
    assert orders.runs == 1
