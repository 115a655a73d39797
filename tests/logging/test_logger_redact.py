"""Values registered as secret are written as "***" wherever a line would show them."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest

from toolkit import Logger
from toolkit.logging import InvalidSecretError, LogBuffer, LoggerError, redact
from toolkit.testing import lambda_context

SECRET = "pa55-w0rd-7f3c9e"


@pytest.fixture(autouse=True)
def secret() -> Iterator[str]:
    redact.register_secret(SECRET)
    yield SECRET
    redact.unregister_secret(SECRET)


def test_message_args_and_keys_are_masked(stream, service):
    logger = Logger(service, stream=stream)
    logger.info(f"connecting with {SECRET}")
    logger.info("connecting with %s", SECRET)
    logger.info("keys", password=SECRET, url=f"postgres://u:{SECRET}@db/x", n=1)
    first, second, third = stream.records()
    assert first["message"] == second["message"] == "connecting with ***"
    assert third["password"] == "***" and third["url"] == "postgres://u:***@db/x"
    assert third["n"] == 1
    assert SECRET not in stream.getvalue()


def test_nested_values_objects_and_key_names_are_masked(stream, service):
    class Conn:
        def __str__(self) -> str:
            return f"Conn(password={SECRET})"

    logger = Logger(service, stream=stream)
    logger.info("nested", config={"db": [{"password": SECRET}], SECRET: "as a key"})
    logger.info("object", conn=Conn())
    logger.info({"message": "dict message", "token": SECRET})
    nested, obj, structured = stream.records()
    assert nested["config"] == {"db": [{"password": "***"}], "***": "as a key"}
    assert obj["conn"] == "Conn(password=***)"
    assert structured["token"] == "***"
    assert SECRET not in stream.getvalue()


def test_exception_text_and_traceback_are_masked(stream, service):
    logger = Logger(service, stream=stream)
    try:
        raise ConnectionError(f"login refused for password {SECRET}")
    except ConnectionError:
        logger.exception("failed")
    (record,) = stream.records()
    assert "password ***" in record["exception"]
    assert record["stack_trace"]["value"] == "login refused for password ***"
    assert SECRET not in stream.getvalue()


def test_appended_keys_buffered_lines_and_stdlib_records_are_masked(stream, service):
    logger = Logger(service, stream=stream, buffer=LogBuffer())

    @logger.inject_lambda_context
    def handler(event, context):
        logger.append_keys(api_key=SECRET)
        logger.debug(f"held: {SECRET}")
        logging.getLogger(f"{service}.lib").warning("library says %s", SECRET)
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        handler({}, lambda_context())
    records = stream.records()
    assert [r["message"] for r in records] == ["library says ***", "held: ***"]
    assert all(r["api_key"] == "***" for r in records)
    assert SECRET not in stream.getvalue()


def test_a_secret_registered_later_is_masked_in_keys_merged_before(stream, service):
    logger = Logger(service, stream=stream, token="late-secret-value")
    logger.info("before")
    redact.register_secret("late-secret-value")
    try:
        logger.info("after")
    finally:
        redact.unregister_secret("late-secret-value")
    logger.info("unregistered")
    before, after, unregistered = stream.records()
    assert before["token"] == unregistered["token"] == "late-secret-value"
    assert after["token"] == "***"


@pytest.mark.parametrize(
    "odd", ['quote"and\\backslash', "pässwörd-ü", "level", "12345", '","level":"x']
)
def test_any_secret_keeps_the_line_strict_json(stream, service, odd):
    redact.register_secret(odd)
    try:
        logger = Logger(service, stream=stream)
        logger.info(f"value {odd} here", kept=odd, number=12345)
    finally:
        redact.unregister_secret(odd)
    (record,) = stream.records()  # strict JSON, one line
    assert record["message"] == "value *** here" and record["kept"] == "***"
    assert record["number"] == 12345  # numbers are never changed
    assert isinstance(record["timestamp"], str) and record["service"] == service


def test_registering_bad_values_never_echoes_them():
    with pytest.raises(InvalidSecretError) as info:
        redact.register_secret(b"bytes-secret-123")  # type: ignore[arg-type]
    assert "bytes-secret-123" not in str(info.value)
    assert "bytes-secret-123" not in repr(info.value)
    assert info.value.value is None and isinstance(info.value, LoggerError)
    with pytest.raises(InvalidSecretError, match="non-empty str"):
        redact.register_secret("")
    assert SECRET not in repr(redact) and SECRET not in str(info.value)


def test_the_registry_is_not_in_a_loggers_repr(service):
    logger = Logger(service, api=SECRET)
    assert SECRET not in repr(logger)


def test_lines_without_secrets_are_unchanged(stream, service):
    logger = Logger(service, stream=stream)
    logger.info("plain line", n=1, s="text")
    line = stream.getvalue()
    redact.unregister_secret(SECRET)
    try:
        other = Logger(service, stream=stream)
        other.info("plain line", n=1, s="text")
    finally:
        redact.register_secret(SECRET)
    first, second = (json.loads(x) for x in stream.getvalue().splitlines())
    first.pop("timestamp"), second.pop("timestamp")
    first.pop("location"), second.pop("location")
    assert first == second and line.count("\n") == 1


def test_long_values_without_secrets_and_a_non_json_line(stream, service):
    logger = Logger(service, stream=stream)
    long_text = "x" * (len(SECRET) * 3)
    logger.info(long_text, note=long_text)
    (record,) = stream.records()
    assert record["message"] == record["note"] == long_text
    # scrub_line is given rendered lines; anything else is masked as text
    assert redact.scrub_line(f"not json {SECRET}", json.dumps) == "not json ***"
