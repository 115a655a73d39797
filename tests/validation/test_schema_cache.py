"""Schemas are compiled once: counted at fastjsonschema.compile, the one place a schema
becomes code (the count wraps the real function; nothing of toolkit's is replaced)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import fastjsonschema
import pytest

from toolkit.validation import SchemaValidationError, _schema, validate, validator


@pytest.fixture
def compiles(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    seen: list[Any] = []
    real = fastjsonschema.compile

    def counting(definition: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(definition)
        return real(definition, *args, **kwargs)

    monkeypatch.setattr(fastjsonschema, "compile", counting)
    yield seen


def _schema_of(marker: str) -> dict[str, Any]:
    """A schema no other test uses (the caches are process-wide)."""
    return {"type": "object", "properties": {marker: {"type": "integer"}}, "required": [marker]}


def test_the_same_schema_object_compiles_once(compiles: list[Any]) -> None:
    schema = _schema_of("same_object")
    for value in range(50):
        validate({"same_object": value}, schema)
    with pytest.raises(SchemaValidationError):
        validate({}, schema)
    assert compiles == [schema]


def test_an_equal_schema_built_at_each_call_compiles_once(compiles: list[Any]) -> None:
    for value in range(50):
        validate({"literal": value}, _schema_of("literal"))
    assert len(compiles) == 1


def test_other_options_are_another_compiled_validator(compiles: list[Any]) -> None:
    schema = {"type": "string", "format": "code"}
    validate("A1", schema, formats={"code": r"^[A-Z]\d$"})
    validate("A1", schema, formats={"code": r"^[A-Z]\d$"})
    validate("A1B", schema, formats={"code": r"^[A-Z]\d[A-Z]$"})
    validate("A1", schema, formats={"code": r"^[A-Z]\d$"}, provider_options={"fast_fail": False})
    assert len(compiles) == 3


def test_the_decorator_compiles_when_applied_and_never_per_invocation(
    compiles: list[Any],
) -> None:
    inbound, outbound = _schema_of("deco_in"), {"type": "string", "minLength": 1}

    @validator(inbound_schema=inbound, outbound_schema=outbound)
    def handler(event: Any, context: Any) -> str:
        return "ok"

    assert compiles == [inbound, outbound]
    for value in range(20):
        handler({"deco_in": value}, None)
    assert compiles == [inbound, outbound]

    @validator(inbound_schema=inbound)  # another handler, same schema: the compiled one
    def other(event: Any, context: Any) -> None: ...

    assert len(compiles) == 2


def test_the_caches_are_bounded_oldest_out(
    compiles: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_schema, "LIMIT", 4)
    monkeypatch.setattr(_schema, "_by_identity", {})
    monkeypatch.setattr(_schema, "_by_content", {})
    schemas = [_schema_of(f"bounded_{index}") for index in range(6)]
    for schema in schemas:
        with pytest.raises(SchemaValidationError):
            validate({}, schema)
    assert len(compiles) == 6
    assert len(_schema._by_identity) == 4 and len(_schema._by_content) == 4
    with pytest.raises(SchemaValidationError):
        validate({}, schemas[-1])  # recent: still there
    assert len(compiles) == 6
    with pytest.raises(SchemaValidationError):
        validate({}, schemas[0])  # the oldest was dropped: compiled again
    assert len(compiles) == 7


def test_options_that_cannot_key_the_cache_still_validate(compiles: list[Any]) -> None:
    class Check:
        """A callable format that cannot be hashed."""

        __hash__ = None  # type: ignore[assignment]

        def __call__(self, value: str) -> bool:
            return value.isdigit()

    check = Check()
    schema = {"type": "string", "format": "digits"}
    assert validate("12", schema, formats={"digits": check}) == "12"
    with pytest.raises(SchemaValidationError):
        validate("1a", schema, formats={"digits": check})
    assert len(compiles) == 2  # compiled per call: there is nothing to find it by
