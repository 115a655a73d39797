"""toolkit.jmespath's own names for the decoding functions, beside Powertools' names: one
implementation each, the same results, known to the compile-time check."""

from __future__ import annotations

import base64
import gzip
import json

import pytest

from toolkit.errors import ToolkitError
from toolkit.jmespath import InvalidExpressionError, QueryError, compile, query

DOCUMENT = {
    "body": json.dumps({"order": {"id": "o-1"}}),
    "data": base64.b64encode(b'{"id": "o-2"}').decode(),
    "zipped": base64.b64encode(gzip.compress(b'{"id": "o-3"}')).decode(),
}


@pytest.mark.parametrize(
    ("ours", "theirs", "expected"),
    [
        ("json_decode(body).order.id", "powertools_json(body).order.id", "o-1"),
        (
            "json_decode(base64_decode(data)).id",
            "powertools_json(powertools_base64(data)).id",
            "o-2",
        ),
        (
            "json_decode(base64_gzip_decode(zipped)).id",
            "powertools_json(powertools_base64_gzip(zipped)).id",
            "o-3",
        ),
    ],
)
def test_toolkit_names_and_powertools_names_agree(ours: str, theirs: str, expected: str) -> None:
    assert query(DOCUMENT, ours) == query(DOCUMENT, theirs) == expected


def test_a_misspelt_function_fails_when_compiled() -> None:
    with pytest.raises(InvalidExpressionError, match=r"unknown function json_decod\(\)"):
        compile("json_decod(body)")


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("order_id", "order_id"),
        ("order.id", None),
        ("body.orderId", None),
        ("[0]", None),
        ("powertools_json(body).id", None),
    ],
)
def test_a_single_plain_field_is_exposed_for_one_lookup(text: str, field: str | None) -> None:
    expression = compile(text)
    assert expression.field == field
    if field is not None:  # the look-up and the search agree
        assert expression.search({field: 7}) == {field: 7}.get(field) == 7
        assert expression.search({"other": 1}) is None


SECRET = "4111-1111-1111-1111"


@pytest.mark.parametrize(
    ("data", "expression", "reason"),
    [
        ({"body": f"not json {SECRET}"}, "json_decode(body).id", "a string is not JSON"),
        ({"data": SECRET.replace("-", "") + "x"}, "base64_decode(data)", "not base64"),
        (
            {"data": base64.b64encode(SECRET.encode()).decode()},
            "base64_gzip_decode(data)",
            "decoded data is not gzip",
        ),
        ({"body": [SECRET]}, "powertools_json(body)", "takes string, and found array"),
        (
            {"data": base64.b64encode(b"\xff" + SECRET.encode()).decode()},
            "base64_decode(data)",
            "not UTF-8",
        ),
    ],
)
def test_data_an_expression_cannot_be_applied_to_is_a_query_error_without_the_data(
    data, expression, reason
) -> None:
    with pytest.raises(QueryError) as raised:
        query(data, expression)
    error = raised.value
    assert isinstance(error, ToolkitError) and isinstance(error, ValueError)
    assert error.expression == expression and reason in error.reason
    assert expression in str(error)
    for value in data.values():  # neither the text nor what it decodes to is quoted
        for shown in (str(error), repr(error)):
            assert str(value) not in shown and SECRET not in shown and "4111" not in shown
    assert error.__cause__ is None and error.__suppress_context__
