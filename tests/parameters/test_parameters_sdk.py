"""The SDK transport and the providers over it, against moto's server through real boto3."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from toolkit import parameters
from toolkit.errors import ConfigurationError
from toolkit.parameters import (
    GetParameterError,
    GetSecretError,
    SecretsProvider,
    SSMProvider,
    TransformParameterError,
    UnsupportedOptionError,
)


def test_string_parameter_through_the_sdk(ssm, unique):
    ssm.put_parameter(Name=f"{unique}/db", Value="postgres://db", Type="String")
    assert parameters.get_parameter(f"{unique}/db") == "postgres://db"


def test_secure_string_is_decrypted_when_asked(ssm, unique):
    ssm.put_parameter(Name=f"{unique}/key", Value="s3cr3t-value", Type="SecureString")
    assert parameters.get_parameter(f"{unique}/key", decrypt=True) == "s3cr3t-value"
    assert parameters.get_parameter(f"{unique}/key") != "s3cr3t-value"  # moto's ciphertext


def test_decrypt_default_comes_from_the_environment(ssm, unique, monkeypatch):
    ssm.put_parameter(Name=f"{unique}/key", Value="s3cr3t-value", Type="SecureString")
    monkeypatch.setenv("POWERTOOLS_PARAMETERS_SSM_DECRYPT", "true")
    assert parameters.get_parameter(f"{unique}/key") == "s3cr3t-value"


def test_version_and_label_select_a_version(ssm, unique):
    name = f"{unique}/v"
    ssm.put_parameter(Name=name, Value="one", Type="String")
    ssm.put_parameter(Name=name, Value="two", Type="String", Overwrite=True)
    ssm.label_parameter_version(Name=name, ParameterVersion=1, Labels=["stable"])
    assert parameters.get_parameter(name) == "two"
    assert parameters.get_parameter(name, version=1) == "one"
    assert parameters.get_parameter(name, label="stable") == "one"
    with pytest.raises(ConfigurationError, match="label"):
        parameters.get_parameter(name, version=1, label="stable")


def test_missing_parameter_names_it_the_transport_and_the_code(aws, unique):
    with pytest.raises(GetParameterError) as caught:
        parameters.get_parameter(f"{unique}/missing")
    error = caught.value
    assert error.name == f"{unique}/missing"
    assert error.transport == "sdk"
    assert error.code == "ParameterNotFound"
    assert error.status == 400
    assert not error.transient
    assert f"{unique}/missing" in str(error) and "ParameterNotFound" in str(error)


def test_cache_serves_until_force_fetch_or_max_age_zero(ssm, unique):
    name = f"{unique}/c"
    ssm.put_parameter(Name=name, Value="old", Type="String")
    assert parameters.get_parameter(name) == "old"
    ssm.put_parameter(Name=name, Value="new", Type="String", Overwrite=True)
    assert parameters.get_parameter(name) == "old"  # cached
    assert parameters.get_parameter(name, max_age=0) == "new"  # never from the cache...
    assert parameters.get_parameter(name) == "old"  # ...and stores nothing
    assert parameters.get_parameter(name, force_fetch=True) == "new"
    assert parameters.get_parameter(name) == "new"  # force_fetch stored it
    parameters.clear_caches()
    ssm.put_parameter(Name=name, Value="newer", Type="String", Overwrite=True)
    assert parameters.get_parameter(name) == "newer"


def test_cache_expires(ssm, unique):
    name = f"{unique}/e"
    ssm.put_parameter(Name=name, Value="old", Type="String")
    provider = SSMProvider(transport="sdk")
    assert provider.get(name, max_age=0.05) == "old"
    ssm.put_parameter(Name=name, Value="new", Type="String", Overwrite=True)
    import time

    time.sleep(0.1)
    assert provider.get(name, max_age=0.05) == "new"


def test_max_age_default_from_the_environment(ssm, unique, monkeypatch):
    monkeypatch.setenv("POWERTOOLS_PARAMETERS_MAX_AGE", "0")
    name = f"{unique}/m"
    ssm.put_parameter(Name=name, Value="old", Type="String")
    assert parameters.get_parameter(name) == "old"
    ssm.put_parameter(Name=name, Value="new", Type="String", Overwrite=True)
    assert parameters.get_parameter(name) == "new"
    assert SSMProvider().max_age == 0
    monkeypatch.setenv("TOOLKIT_PARAMETERS_MAX_AGE", "60")
    assert SSMProvider().max_age == 60


def test_transforms_are_cached_separately(ssm, unique):
    ssm.put_parameter(Name=f"{unique}/cfg.json", Value='{"a": [1, 2]}', Type="String")
    raw = base64.b64encode(b"\x00\x01bin").decode()
    ssm.put_parameter(Name=f"{unique}/blob.binary", Value=raw, Type="String")
    assert parameters.get_parameter(f"{unique}/cfg.json", transform="json") == {"a": [1, 2]}
    assert parameters.get_parameter(f"{unique}/cfg.json") == '{"a": [1, 2]}'
    assert parameters.get_parameter(f"{unique}/cfg.json", transform="auto") == {"a": [1, 2]}
    assert parameters.get_parameter(f"{unique}/blob.binary", transform="auto") == b"\x00\x01bin"
    assert parameters.get_parameter(f"{unique}/blob.binary", transform="binary") == b"\x00\x01bin"


def test_transform_failure_names_the_parameter_not_the_value(ssm, unique):
    ssm.put_parameter(Name=f"{unique}/bad", Value="{not-json hunter2", Type="String")
    with pytest.raises(TransformParameterError) as caught:
        parameters.get_parameter(f"{unique}/bad", transform="json")
    assert f"{unique}/bad" in str(caught.value) and "hunter2" not in str(caught.value)
    assert caught.value.__cause__ is None and caught.value.__context__ is None
    with pytest.raises(ConfigurationError, match="transform"):
        parameters.get_parameter(f"{unique}/bad", transform="yaml")


def test_get_parameters_by_path(ssm, unique):
    ssm.put_parameter(Name=f"{unique}/app/a", Value="1", Type="String")
    ssm.put_parameter(Name=f"{unique}/app/b.json", Value='{"x": 1}', Type="String")
    ssm.put_parameter(Name=f"{unique}/app/deep/c", Value="3", Type="String")
    ssm.put_parameter(Name=f"{unique}/app/d.json", Value="{broken", Type="String")
    values = parameters.get_parameters(f"{unique}/app", transform="auto")
    assert values == {"a": "1", "b.json": {"x": 1}, "deep/c": "3", "d.json": None}
    flat = parameters.get_parameters(f"{unique}/app", recursive=False)
    assert set(flat) == {"a", "b.json", "d.json"}
    with pytest.raises(TransformParameterError):
        parameters.get_parameters(f"{unique}/app", transform="auto", raise_on_transform_error=True)


def test_get_parameters_by_name_with_overrides_and_errors(ssm, unique):
    ssm.put_parameter(Name=f"{unique}/a", Value="1", Type="String")
    ssm.put_parameter(Name=f"{unique}/b", Value='{"k": "v"}', Type="String")
    values = parameters.get_parameters_by_name(
        {f"{unique}/a": None, f"{unique}/b": {"transform": "json"}}
    )
    assert values == {f"{unique}/a": "1", f"{unique}/b": {"k": "v"}}
    with pytest.raises(GetParameterError, match="missing"):
        parameters.get_parameters_by_name({f"{unique}/a": {}, f"{unique}/missing": {}})
    graceful = parameters.get_parameters_by_name(
        {f"{unique}/a": {}, f"{unique}/missing": {}}, raise_on_error=False
    )
    assert graceful == {f"{unique}/a": "1", "_errors": [f"{unique}/missing"]}
    with pytest.raises(GetParameterError, match="_errors"):
        parameters.get_parameters_by_name({"_errors": {}}, raise_on_error=False)


def test_set_parameter_writes_and_drops_the_cached_value(ssm, unique):
    name = f"{unique}/s"
    answer = parameters.set_parameter(name, "first")
    assert answer["Version"] == 1
    assert parameters.get_parameter(name) == "first"
    parameters.set_parameter(name, "second", overwrite=True)
    assert parameters.get_parameter(name) == "second"
    with pytest.raises(parameters.SetParameterError, match="ParameterAlreadyExists"):
        parameters.set_parameter(name, "third")


def test_secret_string_binary_and_versions(secretsmanager, unique):
    name = f"{unique[1:]}-secret"
    created = secretsmanager.create_secret(Name=name, SecretString='{"password": "pw-123456"}')
    secretsmanager.put_secret_value(SecretId=name, SecretString="rotated-pw-999")
    assert parameters.get_secret(name) == "rotated-pw-999"
    assert parameters.get_secret(name, version_stage="AWSPREVIOUS", transform="json") == {
        "password": "pw-123456"
    }
    assert parameters.get_secret(name, version_id=created["VersionId"]) == (
        '{"password": "pw-123456"}'
    )
    assert parameters.get_secret(name, VersionStage="AWSPREVIOUS") == '{"password": "pw-123456"}'
    assert parameters.get_secret(created["ARN"]) == "rotated-pw-999"
    secretsmanager.create_secret(Name=f"{name}-bin", SecretBinary=b"\x00\xffraw")
    assert parameters.get_secret(f"{name}-bin") == b"\x00\xffraw"


def test_missing_secret_is_a_get_secret_error(aws, unique):
    with pytest.raises(GetSecretError) as caught:
        parameters.get_secret(f"{unique[1:]}-nope")
    assert isinstance(caught.value, GetParameterError)  # Powertools' get_secret raised that
    assert caught.value.code == "ResourceNotFoundException" and caught.value.transport == "sdk"
    assert "could not get secret" in str(caught.value)


def test_unsupported_sdk_options_are_refused_by_name(aws, unique):
    with pytest.raises(UnsupportedOptionError, match="WithDecryption"):
        parameters.get_parameter(f"{unique}/x", WithDecryption=True)
    with pytest.raises(UnsupportedOptionError, match="Foo") as caught:
        parameters.get_secret(f"{unique}/x", Foo=1)
    assert isinstance(caught.value, TypeError)


def test_providers_take_powertools_arguments(ssm, unique, aws):
    from tests.aws import client

    ssm.put_parameter(Name=f"{unique}/p", Value="v", Type="String")
    provider = SSMProvider(boto3_client=client("ssm", aws))
    assert provider.transport == "sdk"  # a client given is a choice of the SDK
    assert provider.get(f"{unique}/p") == "v"
    assert "transport='sdk'" in repr(provider) and "v'" not in repr(provider)
    import boto3
    from botocore.config import Config

    secrets = SecretsProvider(boto_config=Config(connect_timeout=2), transport="sdk")
    assert secrets.client.meta.config.connect_timeout == 2
    assert SecretsProvider(boto3_session=boto3.session.Session()).transport == "sdk"
    with pytest.raises(UnsupportedOptionError, match="config"):
        SSMProvider(config=Config(), boto_config=Config())
    with pytest.raises(ConfigurationError, match="transport"):
        SSMProvider(transport="carrier-pigeon")
    with pytest.raises(ConfigurationError, match="max_age"):
        SSMProvider(max_age=-1)


def test_by_name_through_the_sdk_batches_ten_names_a_call(ssm, unique):
    """As Powertools does: GetParameters for up to 10 names (grouped by decryption), not one
    GetParameter per name. Counted with botocore's own event hooks on the real client."""
    names = [f"{unique}/n{index:02d}" for index in range(12)]
    for name in names:
        ssm.put_parameter(Name=name, Value=f"value-{name[-2:]}", Type="String")
    ssm.put_parameter(Name=f"{unique}/sec", Value="s3cure-batch", Type="SecureString")
    ssm.put_parameter(Name=f"{unique}/cfg", Value='{"on": true}', Type="String")
    provider = SSMProvider(transport="sdk")
    calls: list[str] = []
    provider.client.meta.events.register(
        "before-call.ssm", lambda model, **_: calls.append(model.name)
    )
    request = dict.fromkeys(names)
    request[f"{unique}/sec"] = {"decrypt": True}
    request[f"{unique}/cfg"] = {"transform": "json"}
    request[f"{unique}/missing"] = None
    values = provider.get_parameters_by_name(request, raise_on_error=False)
    assert values[names[0]] == "value-00" and values[names[11]] == "value-11"
    assert values[f"{unique}/sec"] == "s3cure-batch"
    assert values[f"{unique}/cfg"] == {"on": True}
    assert values["_errors"] == [f"{unique}/missing"]
    assert sorted(calls) == ["GetParameters"] * 3  # 14 plain names in 2 calls, 1 decrypted
    calls.clear()
    again = provider.get_parameters_by_name(dict.fromkeys(names))
    assert again == {name: f"value-{name[-2:]}" for name in names} and calls == []  # cached
    with pytest.raises(GetParameterError) as caught:
        provider.get_parameters_by_name({f"{unique}/missing": None})
    assert caught.value.code == "ParameterNotFound" and caught.value.transport == "sdk"


def test_by_path_is_cached_and_registers_secure_strings(ssm, unique):
    from toolkit.logging import redact

    ssm.put_parameter(Name=f"{unique}/p/plain", Value="1", Type="String")
    ssm.put_parameter(Name=f"{unique}/p/key", Value="path-secret-99", Type="SecureString")
    first = parameters.get_parameters(f"{unique}/p", decrypt=True)
    assert first == {"plain": "1", "key": "path-secret-99"}
    assert "path-secret-99" in redact._secrets
    ssm.put_parameter(Name=f"{unique}/p/plain", Value="2", Type="String", Overwrite=True)
    assert parameters.get_parameters(f"{unique}/p", decrypt=True)["plain"] == "1"  # cached
    assert parameters.get_parameters(f"{unique}/p", decrypt=True, max_age=0)["plain"] == "2"


def test_by_name_with_a_version_goes_one_by_one_and_reports_failures(ssm, unique):
    ssm.put_parameter(Name=f"{unique}/a", Value="1", Type="String")
    provider = SSMProvider(transport="sdk")
    values = provider.get_parameters_by_name(
        {f"{unique}/a": {"version": 1}, f"{unique}/b": {"version": 7}}, raise_on_error=False
    )
    assert values == {f"{unique}/a": "1", "_errors": [f"{unique}/b"]}
    with pytest.raises(GetParameterError):
        provider.get_parameters_by_name({f"{unique}/b": {"version": 7}})


def test_set_a_secure_string_registers_it(aws, unique):
    from toolkit.logging import redact

    parameters.set_parameter(
        f"{unique}/k", "written-secret-1", parameter_type="SecureString", kms_key_id="alias/aws/ssm"
    )
    assert "written-secret-1" in redact._secrets
    assert parameters.get_parameter(f"{unique}/k", decrypt=True) == "written-secret-1"


def _watched() -> tuple[Any, Any, list[str]]:
    """An SSM and a Secrets Manager provider on one boto3 session whose requests are recorded."""
    import boto3

    from toolkit.parameters import SecretsProvider, SSMProvider

    sent: list[str] = []
    session = boto3.session.Session()
    session.events.register("before-send", lambda request, **_: sent.append(request.url))
    ssm = SSMProvider(boto3_session=session, transport="sdk")
    secrets = SecretsProvider(boto3_session=session, transport="sdk")
    return ssm, secrets, sent


@pytest.mark.parametrize(
    ("call", "setting"),
    [
        (lambda ssm, secrets: ssm.get(None), "name"),
        (lambda ssm, secrets: ssm.get(""), "name"),
        (lambda ssm, secrets: ssm.get(123), "name"),
        (lambda ssm, secrets: ssm.get(["/a"]), "name"),  # unhashable: no TypeError
        (lambda ssm, secrets: ssm.get("/a", version="2"), "version"),
        (lambda ssm, secrets: ssm.get("/a", version=True), "version"),
        (lambda ssm, secrets: ssm.get("/a", label=["x"]), "label"),
        (lambda ssm, secrets: ssm.get_multiple(None), "path"),
        (lambda ssm, secrets: secrets.get({"id": 1}), "name"),
        (lambda ssm, secrets: secrets.get("s", version_stage=""), "version_stage"),
        (lambda ssm, secrets: secrets.get("s", version_id=7), "version_id"),
        (lambda ssm, secrets: parameters.get_parameter(None), "name"),
    ],
)
def test_a_bad_name_or_selector_is_refused_before_any_request(aws, call, setting) -> None:
    ssm, secrets, sent = _watched()
    with pytest.raises(ConfigurationError) as raised:
        call(ssm, secrets)
    assert raised.value.name == setting
    assert sent == []


def test_the_request_hook_above_sees_a_good_name_go_out(aws) -> None:
    ssm, secrets, sent = _watched()
    with pytest.raises(parameters.GetParameterError):
        ssm.get("/no/such/parameter")
    with pytest.raises(parameters.GetSecretError):
        secrets.get("no-such-secret")
    assert len(sent) == 2  # so the empty list in the test above means nothing was sent
