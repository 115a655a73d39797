"""Canonical JSON for keys and the result codec, without a store."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import math
import uuid
from collections import UserDict
from decimal import Decimal
from pathlib import PurePosixPath
from typing import Any

import pytest
from pydantic import BaseModel

from toolkit.idempotency.keys import canonical_json, prepare_payload
from toolkit.idempotency.persistence.datarecord import DataRecord
from toolkit.idempotency.serialization.codec import copy_value, decode, encode


class Color(enum.Enum):
    RED = "red"


@dataclasses.dataclass
class Order:
    id: int


class OrderModel(BaseModel):
    id: int
    at: dt.date


def test_values_json_lacks_hash_as_their_text() -> None:
    ref = uuid.UUID("12345678-1234-5678-1234-567812345678")
    assert canonical_json([Color.RED, dt.date(2026, 1, 2), PurePosixPath("/a"), ref]) == (
        f'["red","2026-01-02","/a","{ref}"]'
    )
    assert canonical_json({"s": {3, 1, 2}}) == '{"s":[1,2,3]}'
    assert canonical_json(UserDict({"b": 1.0, "a": 2})) == '{"a":2,"b":1}'
    assert canonical_json((Decimal("NaN"), Decimal("Infinity"))) == "[NaN,Infinity]"
    assert canonical_json(math.inf) == "Infinity"
    with pytest.raises(TypeError, match="object"):
        canonical_json(object())


def test_payload_objects_hash_as_their_data() -> None:
    assert prepare_payload(Order(1)) == {"id": 1}
    assert prepare_payload(OrderModel(id=1, at=dt.date(2026, 1, 2))) == {
        "id": 1,
        "at": "2026-01-02",
    }

    class Event:
        raw_event = {"id": 1}

    assert prepare_payload(Event()) == {"id": 1}
    assert prepare_payload("text") == "text"


def test_codec_round_trips_and_copies() -> None:
    value = {"t": dt.time(1, 2, 3), "d": [Decimal("-0.00")], "__toolkit_type__": "x"}
    assert decode(encode(value)) == value
    # Tagged-looking dicts of the user's own survive when they are not exactly a tag.
    assert decode('{"__toolkit_type__": "Nope", "value": "1"}') == {
        "__toolkit_type__": "Nope",
        "value": "1",
    }
    nested = {"a": [{"b": 1}], "c": "d"}
    copied = copy_value(nested)
    assert copied == nested and copied is not nested
    assert copied["a"] is not nested["a"] and copied["a"][0] is not nested["a"][0]
    with pytest.raises(TypeError, match="frozenset"):
        encode(frozenset())


@pytest.mark.parametrize(
    "stored",
    [{"statusCode": 200, "body": "x"}, [1, "a"], {"a": [{"b": 1}], "c": "d"}, [[1], {"k": 2}]],
)
def test_each_read_of_a_stored_result_is_an_independent_copy(stored: Any) -> None:
    # A flat dict or list is copied with dict.copy / list.copy, a nested one in depth.
    record = DataRecord("k", "COMPLETED", response_data=encode(stored))
    first = record.response_json_as_dict()
    assert first == stored
    if isinstance(first, dict):
        first["new"] = 1
        for value in first.values():
            if isinstance(value, list):
                value.append("changed")
    else:
        first.append("changed")
        for value in first:
            if isinstance(value, (list, dict)):
                value.clear()
    assert record.response_json_as_dict() == stored


def test_a_scalar_result_is_returned_as_decoded() -> None:
    record = DataRecord("k", "COMPLETED", response_data=encode("done"))
    assert record.response_json_as_dict() == "done"
    assert DataRecord("k", "COMPLETED").response_json_as_dict() is None


def test_errors_pickle_with_their_fields() -> None:
    import pickle

    from toolkit.idempotency import exceptions

    samples = [
        exceptions.IdempotencyFencingError("stale", key="k", table="t", operation="complete"),
        exceptions.IdempotencyItemTooLargeError("big", key="k", table="t", size=2, limit=1),
        exceptions.IdempotencyPersistenceLayerError("down", code="Throttled", operation="claim"),
        exceptions.IdempotencyKeyError("none", expression="id"),
        exceptions.IdempotencyAlreadyInProgressError("busy", key="k", table="t"),
    ]
    for error in samples:
        copy = pickle.loads(pickle.dumps(error))
        assert type(copy) is type(error)
        assert str(copy) == str(error)
        assert vars(copy) == vars(error)
