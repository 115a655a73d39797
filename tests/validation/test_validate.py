"""validate(): valid and invalid events, envelopes, custom formats, errors that name the path
and rule without quoting the event, and schemas that do not compile."""

from __future__ import annotations

import copy
import subprocess
import sys
from typing import Any

import pytest

from tests.conftest import load_event, subprocess_env
from toolkit.errors import ToolkitError
from toolkit.timeout import LambdaTimeoutError
from toolkit.validation import (
    InvalidEnvelopeExpressionError,
    InvalidSchemaFormatError,
    SchemaValidationError,
    ValidationError,
    ValidationOptionError,
    envelopes,
    validate,
)

MESSAGE_SCHEMA = {
    "type": "object",
    "properties": {"message": {"type": "string"}, "username": {"type": "string"}},
    "required": ["message", "username"],
}

ORDER_SCHEMA = {
    "type": "object",
    "properties": {
        "id": {"type": "string", "format": "order-id"},
        "amount": {"type": "number", "minimum": 0},
        "email": {"type": "string", "maxLength": 12},
        "currency": {"type": "string", "default": "EUR"},
        "items": {"type": "array", "items": {"type": "integer"}},
    },
    "required": ["id", "amount"],
}
ORDER_FORMATS = {"order-id": r"^ord-[0-9]+$"}
SECRET = "jane.doe@example.com"  # a value that must never appear in a message


def test_a_valid_api_gateway_body_is_returned_decoded() -> None:
    event = load_event("apigatewayeSchemaMiddlwareValidEvent.json")
    found = validate(event, MESSAGE_SCHEMA, envelope=envelopes.API_GATEWAY_REST)
    assert found == {"message": "hello world", "username": "lessa"}


def test_an_invalid_api_gateway_body_names_the_missing_field() -> None:
    event = load_event("apigatewayeSchemaMiddlwareInvalidEvent.json")
    with pytest.raises(SchemaValidationError) as caught:
        validate(event, MESSAGE_SCHEMA, envelope=envelopes.API_GATEWAY_REST)
    error = caught.value
    assert error.rule == "required"
    assert error.rule_definition == ["message", "username"]
    assert error.path == ["data"]
    assert "message" in error.validation_message  # type: ignore[operator]
    assert "lessa" not in str(error)


def test_the_whole_event_without_an_envelope() -> None:
    event = load_event("eventBridgeEvent.json")
    schema = {"type": "object", "required": ["detail-type", "detail"]}
    assert validate(event, schema) is event
    with pytest.raises(SchemaValidationError, match="detail-type"):
        validate({"detail": {}}, schema)


def test_the_error_has_powertools_attributes_and_never_quotes_the_value() -> None:
    event = {"id": "ord-1", "amount": 3, "email": SECRET}
    with pytest.raises(SchemaValidationError) as caught:
        validate(event, ORDER_SCHEMA, formats=ORDER_FORMATS)
    error = caught.value
    assert isinstance(error, ValueError) and isinstance(error, ValidationError)
    assert isinstance(error, ToolkitError)
    assert error.name == "data.email"
    assert error.path == ["data", "email"]
    assert error.rule == "maxLength"
    assert error.rule_definition == 12
    assert error.definition == {"type": "string", "maxLength": 12}
    assert error.value == SECRET  # kept for the caller...
    assert error.validation_message == "data.email must be shorter than or equal to 12 characters"
    assert error.message == str(error)
    for text in (str(error), repr(error), error.message):  # ...never in the message
        assert SECRET not in text
        assert "data.email" in text and "maxLength" in text


def test_nested_paths_and_array_indices() -> None:
    event = {"id": "ord-1", "amount": 1, "items": [1, 2, "three"]}
    with pytest.raises(SchemaValidationError) as caught:
        validate(event, ORDER_SCHEMA, formats=ORDER_FORMATS)
    assert caught.value.name == "data.items[2]"
    assert caught.value.path == ["data", "items", "2"]
    assert caught.value.rule == "type"
    assert "three" not in str(caught.value)


def test_defaults_are_filled_in_unless_turned_off() -> None:
    assert validate({"id": "ord-1", "amount": 1}, ORDER_SCHEMA, formats=ORDER_FORMATS) == {
        "id": "ord-1",
        "amount": 1,
        "currency": "EUR",
    }
    plain = validate(
        {"id": "ord-1", "amount": 1},
        ORDER_SCHEMA,
        formats=ORDER_FORMATS,
        provider_options={"use_default": False},
    )
    assert plain == {"id": "ord-1", "amount": 1}


def test_custom_formats_as_regex_and_as_callable() -> None:
    with pytest.raises(SchemaValidationError) as caught:
        validate({"id": "order-1", "amount": 1}, ORDER_SCHEMA, formats=ORDER_FORMATS)
    assert caught.value.rule == "format" and caught.value.rule_definition == "order-id"
    assert "order-1" not in str(caught.value)

    schema = {"type": "string", "format": "upper"}  # formats apply to strings only
    formats = {"upper": str.isupper}
    assert validate("EU", schema, formats=formats) == "EU"
    with pytest.raises(SchemaValidationError, match="must be upper"):
        validate("eu", schema, formats=formats)


def test_formats_can_be_turned_off() -> None:
    event = {"id": "not-an-order", "amount": 1}
    options = {"use_formats": False}
    assert validate(event, ORDER_SCHEMA, formats=ORDER_FORMATS, provider_options=options)


def test_fast_fail_off_reports_every_failure() -> None:
    event = {"id": "x", "amount": -1, "email": SECRET}
    with pytest.raises(SchemaValidationError) as caught:
        validate(event, ORDER_SCHEMA, formats=ORDER_FORMATS, provider_options={"fast_fail": False})
    error = caught.value
    assert [e.rule for e in error.errors] == ["format", "minimum", "maxLength"]
    assert [e.name for e in error.errors] == ["data.id", "data.amount", "data.email"]
    assert error.rule == "format" and error.name == "data.id"
    assert "3 errors" in str(error)
    assert SECRET not in str(error) and "-1" not in str(error)


def test_a_list_of_records_through_an_envelope() -> None:
    event = load_event("snsSqsEvent.json")
    schema = {"type": "array", "items": MESSAGE_SCHEMA}
    records = validate(event, schema, envelope=envelopes.SNS_SQS)
    assert records == [{"message": "hello world", "username": "lessa"}]
    with pytest.raises(SchemaValidationError) as caught:
        validate(event, {"type": "array", "items": {"required": ["id"]}}, envelope=envelopes.SQS)
    assert caught.value.name == "data[0]"


def test_an_envelope_that_finds_nothing_validates_none() -> None:
    with pytest.raises(SchemaValidationError, match="must be object"):
        validate({"no": "detail"}, MESSAGE_SCHEMA, envelope=envelopes.EVENTBRIDGE)


@pytest.mark.parametrize(
    ("event", "envelope", "reason"),
    [
        # the sample's first body is plain text: "Test message."
        (load_event("sqsEvent.json"), envelopes.SQS, "a string is not JSON"),
        ({"body": 12345678}, envelopes.API_GATEWAY_REST, "takes string, and found number"),
        ({"body": None}, envelopes.API_GATEWAY_REST, "takes string, and found null"),
        (
            {"Records": [{"kinesis": {"data": "c2VjcmV0"}}]},  # base64 of "secret": not JSON
            envelopes.KINESIS_DATA_STREAM,
            "a string is not JSON",
        ),
        (
            {"Records": [{"kinesis": {"data": "c2VjcmV0X"}}]},
            envelopes.KINESIS_DATA_STREAM,
            "not base64",
        ),
        ({"Records": [{"kinesis": {"data": "/w=="}}]}, envelopes.KINESIS_DATA_STREAM, "UTF-8"),
        ({"awslogs": {"data": "c2VjcmV0"}}, envelopes.CLOUDWATCH_LOGS, "not gzip"),
        # anything else is named by its type only
        ({"body": "[" * 100_000 + "12345678"}, envelopes.API_GATEWAY_REST, "RecursionError"),
    ],
)
def test_an_envelope_failing_on_the_event_says_why_without_quoting_it(
    event: Any, envelope: str, reason: str
) -> None:
    with pytest.raises(InvalidEnvelopeExpressionError) as caught:
        validate(event, MESSAGE_SCHEMA, envelope=envelope)
    error = caught.value
    assert isinstance(error, ValueError)
    assert reason in error.reason
    assert error.expression == envelope
    text = str(error) + repr(error)
    for quoted in ("Test message", "secret", "12345678", "\\xff", "c2Vj"):
        assert quoted not in text
    assert error.__suppress_context__  # the library's own message (it quotes data) is dropped


def test_an_envelope_that_does_not_compile() -> None:
    with pytest.raises(InvalidEnvelopeExpressionError, match="unknown function nope"):
        validate({}, MESSAGE_SCHEMA, envelope="nope(body)")
    with pytest.raises(InvalidEnvelopeExpressionError):
        validate({}, MESSAGE_SCHEMA, envelope="Records[*")


@pytest.mark.parametrize(
    ("schema", "formats", "match"),
    [
        ({"type": "nope"}, None, "Unknown type"),
        ({"type": "string", "pattern": "("}, None, "does not compile"),
        ({"type": "string", "format": "x"}, {"x": "("}, "does not compile"),
        ({"type": "string", "format": "x"}, {"x": 42}, "custom format 'x' must be"),
        ("not a schema", None, "a JSON Schema is a dict"),
        ({"type": "string", "default": object()}, None, "not JSON"),
    ],
)
def test_schemas_that_do_not_compile(schema: Any, formats: Any, match: str) -> None:
    with pytest.raises(InvalidSchemaFormatError, match=match) as caught:
        validate("x", schema, formats=formats)
    assert isinstance(caught.value, ValueError)


def test_remote_references_resolve_through_handlers() -> None:
    definitions = {"type": "object", "properties": {"sku": {"type": "string"}}}
    fetched: list[str] = []

    def handler(uri: str) -> dict[str, Any]:
        fetched.append(uri)
        return definitions

    schema = {"$ref": "mem://catalog/item.json"}
    assert validate({"sku": "a"}, schema, handlers={"mem": handler}) == {"sku": "a"}
    with pytest.raises(SchemaValidationError):
        validate({"sku": 1}, schema, handlers={"mem": handler})
    assert fetched == ["mem://catalog/item.json"]  # compiled once: fetched once
    with pytest.raises(InvalidSchemaFormatError, match="must be a callable"):
        validate({}, schema, handlers={"mem": "not callable"})


def test_options_toolkit_does_not_take_are_refused_by_name() -> None:
    with pytest.raises(ValidationOptionError, match="jmespath_options") as caught:
        validate({}, MESSAGE_SCHEMA, jmespath_options={"custom_functions": object()})  # type: ignore[arg-type]
    assert isinstance(caught.value, TypeError)
    with pytest.raises(ValidationOptionError, match="provider_options strict not known"):
        validate({}, {"type": "object"}, provider_options={"strict": True})
    with pytest.raises(ValidationOptionError, match="fast_fail must be True or False"):
        validate({}, {"type": "object"}, provider_options={"fast_fail": "no"})  # type: ignore[dict-item]


def test_the_deadline_raised_inside_a_format_goes_through() -> None:
    def slow(value: Any) -> bool:
        raise LambdaTimeoutError(margin_ms=500, remaining_ms=400)

    with pytest.raises(LambdaTimeoutError):
        validate("x", {"type": "string", "format": "slow"}, formats={"slow": slow})


def test_the_event_is_not_changed_by_a_failed_envelope() -> None:
    event: Any = load_event("sqsEvent.json")
    before = copy.deepcopy(event)
    with pytest.raises(InvalidEnvelopeExpressionError):
        validate(event, MESSAGE_SCHEMA, envelope=envelopes.SQS)
    assert event == before


def test_without_fastjsonschema_the_error_says_which_extra_to_install() -> None:
    code = (
        "import sys; sys.modules['fastjsonschema'] = None\n"  # as if it were not installed
        "from toolkit.validation import ValidationUnavailableError, validator\n"
        "try:\n"
        "    validator(inbound_schema={'type': 'object'})(lambda event, context: None)\n"
        "except ValidationUnavailableError as error:\n"
        "    assert isinstance(error, ImportError) and error.name == 'fastjsonschema'\n"
        "    print(error)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=subprocess_env(),
        timeout=60,
        check=True,
    )
    assert "install 'lambda-handler-toolkit[validation]'" in done.stdout
