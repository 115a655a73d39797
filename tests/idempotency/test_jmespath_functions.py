"""toolkit.jmespath's own names for the decoding functions, beside Powertools' names: one
implementation each, the same results, known to the compile-time check."""

from __future__ import annotations

import base64
import gzip
import json

import pytest

from toolkit.jmespath import InvalidExpressionError, compile, query

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
