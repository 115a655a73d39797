"""Hypothesis: any field of an API Gateway body given a value of the wrong type is refused,
naming that field and the ``type`` rule, without the value in the message."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import load_event
from toolkit.validation import SchemaValidationError, envelopes, validate

TYPES = {"name": "string", "count": "integer", "price": "number", "gift": "boolean"}
SCHEMA = {
    "type": "object",
    "properties": {field: {"type": kind} for field, kind in TYPES.items()},
    "required": list(TYPES),
}
VALID = {"name": "tea", "count": 2, "price": 3.5, "gift": False}
BASE: Any = load_event("apigatewayeSchemaMiddlwareValidEvent.json")

MARKER = "zq-secret-7"  # inside every wrong value that can hold text


def wrong_for(kind: str) -> st.SearchStrategy[Any]:
    text = st.text(max_size=5).map(lambda t: MARKER + t)
    values = {
        "string": st.one_of(st.integers(), st.booleans(), st.lists(text, max_size=2)),
        "integer": st.one_of(
            text,
            st.floats(allow_nan=False, allow_infinity=False).filter(lambda f: not f.is_integer()),
            st.none(),
        ),
        "number": st.one_of(text, st.booleans(), st.dictionaries(text, text, max_size=2)),
        "boolean": st.one_of(text, st.integers(), st.none()),
    }
    return values[kind]


@st.composite
def wrong_bodies(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    field = draw(st.sampled_from(sorted(TYPES)))
    return field, {**VALID, field: draw(wrong_for(TYPES[field]))}


@given(wrong_bodies())
def test_a_wrong_type_is_refused_at_its_path(case: tuple[str, dict[str, Any]]) -> None:
    field, body = case
    event = {**BASE, "body": json.dumps(body)}
    try:
        validate(event, SCHEMA, envelope=envelopes.API_GATEWAY_REST)
    except SchemaValidationError as error:
        assert error.name == f"data.{field}"
        assert error.path == ["data", field]
        assert error.rule == "type"
        assert error.rule_definition == TYPES[field]
        assert MARKER not in str(error)
    else:
        raise AssertionError(f"{field}={body[field]!r} was accepted")


def test_the_valid_body_passes() -> None:
    event = {**BASE, "body": json.dumps(VALID)}
    assert validate(event, SCHEMA, envelope=envelopes.API_GATEWAY_REST) == VALID
