"""Fetched secrets and SecureString values come out of the Logger as "***" everywhere."""

from __future__ import annotations

import io
import json

import pytest

from toolkit import Logger, parameters
from toolkit.logging import LogBuffer
from toolkit.parameters import redaction
from toolkit.testing import lambda_context


def _lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_fetched_secret_is_masked_in_message_key_exception_and_buffered_line(
    secretsmanager, unique
):
    name = f"{unique[1:]}-db"
    secretsmanager.create_secret(
        Name=name, SecretString='{"username": "app", "password": "Tr0ub4dor&3-xyz"}'
    )
    stream = io.StringIO()
    logger = Logger(f"svc-{name}", stream=stream, buffer=LogBuffer())

    @logger.inject_lambda_context
    def handler(event, context):
        secret = parameters.get_secret(name, transform="json")
        password = secret["password"]
        logger.info(f"connecting with {password}")
        logger.info("keys", password=password, **{password: "as a key"})
        logger.debug(f"buffered {password}")
        try:
            raise ConnectionError(f"login refused for {password}")
        except ConnectionError:
            logger.exception("failed")
        raise RuntimeError(f"gave up on {password}")

    with pytest.raises(RuntimeError):
        handler({}, lambda_context())
    text = stream.getvalue()
    assert "Tr0ub4dor&3-xyz" not in text
    records = _lines(stream)
    messages = [r["message"] for r in records]
    assert "connecting with ***" in messages
    assert "buffered ***" in messages  # the buffer was flushed on the error
    keys = next(r for r in records if r["message"] == "keys")
    assert keys["password"] == "***" and keys["***"] == "as a key"
    failed = next(r for r in records if r["message"] == "failed")
    assert "login refused for ***" in failed["exception"]


def test_secure_string_parameters_are_masked_plain_ones_are_not(ssm, unique):
    ssm.put_parameter(Name=f"{unique}/token", Value="tok-5ecure-771", Type="SecureString")
    ssm.put_parameter(Name=f"{unique}/region", Value="eu-west-3-plain", Type="String")
    stream = io.StringIO()
    logger = Logger(f"svc{unique}", stream=stream)
    token = parameters.get_parameter(f"{unique}/token", decrypt=True)
    region = parameters.get_parameter(f"{unique}/region")
    logger.info(f"{token} {region}")
    assert _lines(stream)[0]["message"] == "*** eu-west-3-plain"


def test_json_secret_fields_shorter_than_the_bound_are_not_registered():
    from toolkit.logging import redact

    redaction.register('{"port": "543", "password": "longer-secret", "n": 1, "l": ["item-x"]}')
    try:
        assert "longer-secret" in redact._secrets and "item-x" in redact._secrets
        assert "543" not in redact._secrets
    finally:
        for value in [s for s in redact._secrets if "longer-secret" in s or s == "item-x"]:
            redact.unregister_secret(value)


def test_binary_secrets_register_when_they_are_text(secretsmanager, unique):
    from toolkit.logging import redact

    secretsmanager.create_secret(Name=f"{unique[1:]}-b1", SecretBinary=b"text-binary-secret")
    secretsmanager.create_secret(Name=f"{unique[1:]}-b2", SecretBinary=b"\xff\xfe\x00")
    assert parameters.get_secret(f"{unique[1:]}-b1") == b"text-binary-secret"
    assert parameters.get_secret(f"{unique[1:]}-b2") == b"\xff\xfe\x00"
    assert "text-binary-secret" in redact._secrets


def test_reprs_never_show_values(ssm, unique):
    from toolkit.parameters.transport import Parameter

    assert "s3cr3t" not in repr(Parameter("s3cr3t", "SecureString"))
    provider = parameters.SSMProvider(transport="sdk")
    ssm.put_parameter(Name=f"{unique}/r", Value="visible-value", Type="String")
    provider.get(f"{unique}/r")
    assert "visible-value" not in repr(provider)
