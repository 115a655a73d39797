"""parse() and its errors: wrong types are rejected with the field's path and rule, never the
input; models, TypeAdapters and plain types are accepted; validators are built once."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, Field, TypeAdapter

from toolkit.errors import ToolkitError
from toolkit.parser import (
    InvalidEnvelopeError,
    InvalidModelTypeError,
    ParserValidationError,
    ValidationError,
    parse,
)
from toolkit.parser.parsing import validator_for

FAST = settings(max_examples=60, deadline=None)


class Address(BaseModel):
    city: str
    zip_code: int


class Order(BaseModel):
    id: int
    customer: str
    paid: bool
    tags: list[str]
    address: Address


VALID: dict[str, Any] = {
    "id": 1,
    "customer": "ann",
    "paid": True,
    "tags": ["a"],
    "address": {"city": "Lyon", "zip_code": 69001},
}

# values of a type each field refuses (pydantic's lax mode takes "1" for an int, 1 for a bool...)
WRONG = {
    ("id",): st.one_of(st.text(alphabet="xyz", min_size=1), st.lists(st.integers()), st.none()),
    ("customer",): st.one_of(st.integers(), st.lists(st.text()), st.none(), st.booleans()),
    ("paid",): st.one_of(st.text(alphabet="xz", min_size=2), st.lists(st.booleans()), st.none()),
    ("tags",): st.one_of(st.integers(), st.text(min_size=1), st.none()),
    ("address",): st.one_of(st.integers(), st.text(), st.lists(st.integers()), st.none()),
    ("address", "zip_code"): st.one_of(st.text(alphabet="xyz", min_size=1), st.none()),
    ("address", "city"): st.one_of(st.integers(), st.none(), st.lists(st.text())),
}


def _with(path: tuple[str, ...], value: Any) -> dict[str, Any]:
    event = json.loads(json.dumps(VALID))
    target = event
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    return event


@FAST
@given(st.sampled_from(sorted(WRONG)).flatmap(lambda p: st.tuples(st.just(p), WRONG[p])))
def test_a_wrong_type_is_rejected_with_the_fields_path(case: tuple[tuple[str, ...], Any]) -> None:
    path, value = case
    with pytest.raises(ParserValidationError) as caught:
        parse(_with(path, value), Order)
    locations = [error["loc"] for error in caught.value.errors()]
    assert locations and all(loc[: len(path)] == path for loc in locations)
    assert f"{'.'.join(path)}" in str(caught.value)
    assert caught.value.model == "Order"


@FAST
@given(st.text(alphabet="QWXZ", min_size=12, max_size=20))
def test_the_input_is_never_in_the_message(secret: str) -> None:
    with pytest.raises(ParserValidationError) as caught:
        parse(_with(("id",), secret), Order)
    assert secret not in str(caught.value)
    assert secret not in repr(caught.value.errors())
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_errors_are_listed_each_with_path_and_rule() -> None:
    event = _with(("id",), "x")
    del event["customer"]
    event["address"]["zip_code"] = None
    with pytest.raises(ParserValidationError) as caught:
        parse(event, Order)
    error = caught.value
    assert str(error) == (
        "3 validation errors for Order: id: int_parsing; customer: missing; "
        "address.zip_code: int_type"
    )
    assert [e["type"] for e in error.errors()] == ["int_parsing", "missing", "int_type"]
    assert all(set(e) == {"type", "loc", "msg"} for e in error.errors())
    assert isinstance(error, ValueError) and isinstance(error, ToolkitError)
    assert ValidationError is ParserValidationError  # Powertools' name for what parse raises


def test_json_text_and_bytes_are_parsed() -> None:
    assert parse(json.dumps(VALID), Order) == Order(**VALID)
    assert parse(json.dumps(VALID).encode(), Order).id == 1
    with pytest.raises(ParserValidationError, match="<event>: json_invalid"):
        parse("{not json", Order)


def test_models_adapters_and_plain_types() -> None:
    assert parse(["1", 2], list[int]) == [1, 2]
    assert parse({"a": 1}, TypeAdapter(dict[str, int])) == {"a": 1}

    class Cat(BaseModel):
        kind: Literal["cat"]

    class Dog(BaseModel):
        kind: Literal["dog"]

    pet = Annotated[Cat | Dog, Field(discriminator="kind")]
    assert isinstance(parse({"kind": "dog"}, pet), Dog)
    with pytest.raises(ParserValidationError, match="union_tag_invalid"):
        parse({"kind": "cow"}, pet)


def test_a_model_pydantic_cannot_use_is_refused() -> None:
    class NotAModel:
        pass

    with pytest.raises(InvalidModelTypeError, match="NotAModel"):
        parse({}, NotAModel)
    with pytest.raises(TypeError):
        parse({}, NotAModel)


def test_a_model_naming_an_undefined_class_is_refused_when_first_used() -> None:
    class Basket(BaseModel):
        items: list[NotYetDefined]  # type: ignore[name-defined]  # noqa: F821

    with pytest.raises(InvalidModelTypeError, match=r"Basket is not fully defined.*NotYetDefined"):
        parse({"items": []}, Basket)


def test_an_envelope_that_is_not_one_is_refused() -> None:
    with pytest.raises(InvalidEnvelopeError, match="BaseEnvelope"):
        parse({}, Order, envelope=dict)
    with pytest.raises(InvalidEnvelopeError):
        parse({}, Order, envelope="SqsEnvelope")


def test_validators_are_built_once_per_model() -> None:
    assert validator_for(Order) is validator_for(Order)
    assert repr(validator_for(Order)) == "Validator(Order)"
    unhashable = Annotated[int, Field(gt=0), [1]]  # a list in the metadata: unhashable
    assert parse(3, unhashable) == 3


def test_the_validator_cache_is_bounded() -> None:
    from toolkit.parser import parsing

    kinds = [Annotated[int, Field(ge=-i)] for i in range(parsing._CACHE_SIZE + 5)]
    for kind in kinds:
        assert parse(1, kind) == 1
    assert len(parsing._CACHE) <= parsing._CACHE_SIZE
    assert kinds[-1] in parsing._CACHE and kinds[0] not in parsing._CACHE


def test_every_public_name_of_the_package_resolves() -> None:
    import pydantic

    import toolkit.parser as package
    from toolkit.parser.envelopes import BaseEnvelope

    for name in package.__all__:
        assert getattr(package, name) is not None, name
    assert package.BaseEnvelope is BaseEnvelope
    assert package.BaseModel is pydantic.BaseModel
    assert set(dir(package)) >= set(package.__all__)
    with pytest.raises(AttributeError, match="nope"):
        package.nope
