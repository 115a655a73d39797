"""The extension transport over real HTTP, against the extension emulator in front of moto's
server: shapes, versions, errors, keep-alive, retries on injected faults, auto selection."""

from __future__ import annotations

import json
import logging
import subprocess
import sys

import pytest

from tests.conftest import subprocess_env
from toolkit import parameters
from toolkit.parameters import GetParameterError, GetSecretError, SSMProvider, select
from toolkit.testing import Faults, lambda_context


def test_parameters_through_the_extension(extension, ssm, unique):
    ssm.put_parameter(Name=f"{unique}/plain", Value="hello", Type="String")
    ssm.put_parameter(Name=f"{unique}/list", Value="a,b", Type="StringList")
    ssm.put_parameter(Name=f"{unique}/key", Value="k3y-value", Type="SecureString")
    ssm.put_parameter(Name=f"{unique}/cfg.json", Value='{"n": 1}', Type="String")
    before = extension.requests
    assert parameters.get_parameter(f"{unique}/plain") == "hello"
    assert parameters.get_parameter(f"{unique}/list") == "a,b"
    assert parameters.get_parameter(f"{unique}/key", decrypt=True) == "k3y-value"
    assert parameters.get_parameter(f"{unique}/cfg.json", transform="auto") == {"n": 1}
    assert extension.requests == before + 4
    assert select._auto == "extension"
    assert parameters.get_parameter(f"{unique}/plain") == "hello"  # our cache: no request
    assert extension.requests == before + 4


def test_versions_and_labels_through_the_extension(extension, ssm, unique):
    name = f"{unique}/v"
    ssm.put_parameter(Name=name, Value="one", Type="String")
    ssm.put_parameter(Name=name, Value="two", Type="String", Overwrite=True)
    ssm.label_parameter_version(Name=name, ParameterVersion=1, Labels=["stable"])
    provider = SSMProvider(transport="extension")
    assert provider.get(name) == "two"
    assert provider.get(name, version=1) == "one"
    assert provider.get(name, label="stable") == "one"


def test_secrets_through_the_extension(extension, secretsmanager, unique):
    name = f"{unique[1:]}-s"
    created = secretsmanager.create_secret(Name=name, SecretString="first-secret")
    secretsmanager.put_secret_value(SecretId=name, SecretString="second-secret")
    secretsmanager.create_secret(Name=f"{name}-bin", SecretBinary=b"\x00\x01\xff")
    assert parameters.get_secret(name) == "second-secret"
    assert parameters.get_secret(name, version_stage="AWSPREVIOUS") == "first-secret"
    assert parameters.get_secret(name, version_id=created["VersionId"]) == "first-secret"
    assert parameters.get_secret(created["ARN"]) == "second-secret"
    # secret_id=, the extension's and GetSecretValue's name for it, also works; not both.
    assert parameters.get_secret(secret_id=name, force_fetch=True) == "second-secret"
    with pytest.raises(TypeError, match="as name or secret_id"):
        parameters.get_secret(name, secret_id=name)
    with pytest.raises(TypeError, match="as name or secret_id"):
        parameters.get_secret()
    assert parameters.get_secret(f"{name}-bin") == b"\x00\x01\xff"
    assert parameters.get_parameter(f"/aws/reference/secretsmanager/{name}", decrypt=True) == (
        "second-secret"
    )
    assert select._auto == "extension"


def test_errors_through_the_extension_carry_status_and_code(extension, unique):
    with pytest.raises(GetParameterError) as caught:
        parameters.get_parameter(f"{unique}/missing")
    error = caught.value
    assert (error.transport, error.status, error.code) == ("extension", 400, "ParameterNotFound")
    assert not error.transient
    with pytest.raises(GetSecretError) as secret:
        parameters.get_secret(f"{unique[1:]}-missing")
    assert secret.value.code == "ResourceNotFoundException"
    assert secret.value.transport == "extension"


def test_a_wrong_token_is_a_403(extension, unique, monkeypatch):
    monkeypatch.setenv("AWS_SESSION_TOKEN", "not-the-token")
    with pytest.raises(GetParameterError) as caught:
        SSMProvider(transport="extension").get(f"{unique}/x")
    assert caught.value.status == 403 and not caught.value.transient


def test_one_connection_is_kept_alive_and_reopened_when_dropped(extension, ssm, unique):
    import socket

    ssm.put_parameter(Name=f"{unique}/k", Value="v", Type="String")
    provider = SSMProvider(transport="extension", max_age=0)
    assert provider.get(f"{unique}/k") == "v"
    connection = select.extension()._connection
    assert provider.get(f"{unique}/k") == "v"
    assert select.extension()._connection is connection  # the same socket, kept alive
    # The kept connection dies while idle (as when the extension closes it): the next request
    # fails on it, and is sent again, once, on a new connection.
    connection.sock.shutdown(socket.SHUT_RDWR)
    before = extension.requests
    assert provider.get(f"{unique}/k") == "v"
    assert extension.requests == before + 1
    assert select.extension()._connection is not connection


def test_transient_faults_are_retried(extension, ssm, unique):
    ssm.put_parameter(Name=f"{unique}/r", Value="v", Type="String")
    provider = SSMProvider(transport="extension", max_age=0)
    with extension.injected(Faults(error_rate=0.5, error_status=503)):
        before = extension.requests
        for _ in range(3):
            assert provider.get(f"{unique}/r") == "v"
        assert extension.requests - before <= 6  # every other request failed and was retried
    with extension.injected(Faults(not_ready=True)), pytest.raises(GetParameterError) as caught:
        provider.get(f"{unique}/r")
    assert caught.value.transient and caught.value.status == 400
    assert "not ready" in str(caught.value)


class ReadyAfter:
    """Faults for the emulator: "not ready" for the first ``requests`` requests, then none
    (the extension's INIT ending while the client waits)."""

    delay = 0.0
    error_rate = 0.0
    error_status = 500

    def __init__(self, requests: int) -> None:
        self.left = requests

    @property
    def not_ready(self) -> bool:
        self.left -= 1
        return self.left >= 0


def test_not_ready_during_init_then_ready_is_served(extension, ssm, unique):
    ssm.put_parameter(Name=f"{unique}/i", Value="v", Type="String")
    provider = SSMProvider(transport="extension")
    before = extension.requests
    with extension.injected(ReadyAfter(2)):
        assert provider.get(f"{unique}/i") == "v"
    assert extension.requests == before + 3


def test_auto_picks_the_extension_and_says_so_once(extension, ssm, unique, caplog):
    ssm.put_parameter(Name=f"{unique}/a", Value="1", Type="String")
    with caplog.at_level(logging.INFO, logger="toolkit.parameters"):
        parameters.get_parameter(f"{unique}/a")
        parameters.get_parameter(f"{unique}/a", force_fetch=True)
    said = [r.getMessage() for r in caplog.records if r.name == "toolkit.parameters"]
    assert said == [
        f"parameters: using the Parameters and Secrets extension on port {extension.port}"
    ]


def test_by_path_and_set_use_the_sdk_even_with_the_extension(extension, ssm, unique):
    parameters.set_parameter(f"{unique}/p/a", "1")
    before = extension.requests
    assert parameters.get_parameters(f"{unique}/p") == {"a": "1"}
    assert extension.requests == before


def test_inject_through_the_extension(extension, ssm, secretsmanager, unique):
    ssm.put_parameter(Name=f"{unique}/db", Value="db-url", Type="String")
    secretsmanager.create_secret(Name=f"{unique[1:]}-api", SecretString="api-key-value")

    @parameters.inject(config={"db": f"{unique}/db"}, secrets={"api": f"{unique[1:]}-api"})
    def handler(event, context):
        values = parameters.injected()
        return values["db"], values["api"]

    assert handler({}, lambda_context()) == ("db-url", "api-key-value")
    before = extension.requests
    assert handler({}, lambda_context()) == ("db-url", "api-key-value")
    assert extension.requests == before  # the second invocation is served from the cache


def test_no_boto3_after_reading_through_the_extension(extension, ssm, secretsmanager, unique):
    """In a fresh interpreter, as in a Lambda cold start: a handler that reads a parameter
    and a secret through the extension never imports boto3 or botocore."""
    ssm.put_parameter(Name=f"{unique}/cold", Value="cold-value", Type="String")
    secretsmanager.create_secret(Name=f"{unique[1:]}-cold", SecretString="cold-secret")
    parameter, secret = f"{unique}/cold", f"{unique[1:]}-cold"
    code = f"""
import json, sys
from toolkit import parameters
values = [parameters.get_parameter({parameter!r}), parameters.get_secret({secret!r})]
print(json.dumps([values, [m for m in ("boto3", "botocore") if m in sys.modules]]))
"""
    env = subprocess_env(**extension.environment())
    env = {k: v for k, v in env.items() if not k.startswith("COVERAGE_")}
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    values, heavy = json.loads(result.stdout.strip().splitlines()[-1])
    assert values == ["cold-value", "cold-secret"]
    assert heavy == []


def test_a_hung_extension_fails_the_call_before_the_deadline(extension, ssm, unique):
    """The wait for an answer is bounded by the invocation's remaining time (minus a reserve),
    so a hung extension becomes a GetParameterError the handler can report, not a timeout."""
    import time

    ssm.put_parameter(Name=f"{unique}/slow", Value="v", Type="String")
    provider = SSMProvider(transport="extension")
    outcome = []

    @parameters.inject(config={"slow": f"{unique}/slow"})
    def handler(event, context):
        return "unreachable"

    with extension.injected(Faults(delay=3.0)):
        start = time.monotonic()
        with pytest.raises(GetParameterError) as caught:
            handler({}, lambda_context(timeout_ms=600))
        outcome.append(time.monotonic() - start)
    assert caught.value.transient and caught.value.key == "slow"
    assert "TimeoutError" in str(caught.value)
    assert outcome[0] < 2.5  # the 3 s delay was not waited out
    assert provider.get(f"{unique}/slow") == "v"  # a new connection afterwards


def test_the_transport_repr_names_where_it_connects(extension):
    assert repr(select.extension()) == f"ExtensionTransport(localhost:{extension.port})"
