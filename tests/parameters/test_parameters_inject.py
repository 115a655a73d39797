"""``@parameters.inject``: fetched on the invocation (never at import), handed over through the
invocation, cached across invocations, and a failure names the one that failed."""

from __future__ import annotations

import pytest

from toolkit import parameters
from toolkit.errors import ConfigurationError
from toolkit.middleware import MiddlewareUsageError
from toolkit.parameters import GetParameterError, GetSecretError, ParametersError
from toolkit.testing import lambda_context


def test_values_arrive_on_the_first_invocation_and_are_reused(ssm, secretsmanager, unique):
    ssm.put_parameter(Name=f"{unique}/db", Value="db-url-1", Type="String")
    secret = f"{unique[1:]}-api"
    seen = []

    @parameters.inject(config={"db": f"{unique}/db"}, secrets={"api_key": secret}, max_age=60)
    def handler(event, context):
        values = parameters.injected()
        seen.append((values["db"], values.api_key, sorted(values), repr(values)))
        return "ok"

    # Created only after decoration: nothing was fetched at import.
    secretsmanager.create_secret(Name=secret, SecretString="key-abc-123")
    assert handler({}, lambda_context()) == "ok"
    ssm.put_parameter(Name=f"{unique}/db", Value="db-url-2", Type="String", Overwrite=True)
    assert handler({}, lambda_context()) == "ok"
    assert seen[0][:3] == ("db-url-1", "key-abc-123", ["api_key", "db"])
    assert seen[1][0] == "db-url-1"  # served from the cache
    assert "key-abc-123" not in seen[0][3] and "api_key" in seen[0][3]


def test_expiry_refetches(ssm, unique):
    ssm.put_parameter(Name=f"{unique}/db", Value="v1", Type="String")
    seen = []

    @parameters.inject(config={"db": f"{unique}/db"}, max_age=0)
    def handler(event, context):
        seen.append(parameters.injected()["db"])

    handler({}, lambda_context())
    ssm.put_parameter(Name=f"{unique}/db", Value="v2", Type="String", Overwrite=True)
    handler({}, lambda_context())
    assert seen == ["v1", "v2"]


def test_a_failure_names_the_key_and_the_handler_does_not_run(ssm, unique):
    ssm.put_parameter(Name=f"{unique}/ok", Value="v", Type="String")
    ran = []

    @parameters.inject(config={"ok": f"{unique}/ok", "db": f"{unique}/missing"})
    def handler(event, context):
        ran.append(True)

    with pytest.raises(GetParameterError) as caught:
        handler({}, lambda_context())
    assert caught.value.key == "db" and caught.value.name == f"{unique}/missing"
    assert "'db'" in str(caught.value) and caught.value.code == "ParameterNotFound"
    assert ran == []

    @parameters.inject(secrets={"api": f"{unique[1:]}-missing"})
    def other(event, context):
        ran.append(True)

    with pytest.raises(GetSecretError, match="'api'"):
        other({}, lambda_context())


def test_injected_outside_an_injected_handler_says_so():
    with pytest.raises(ParametersError, match="only available inside"):
        parameters.injected()


def test_bad_options_fail_at_decoration():
    def handler(event, context):
        return None

    with pytest.raises(ConfigurationError, match="config"):
        parameters.inject(config={"db": 1})(handler)
    with pytest.raises(ConfigurationError, match="secrets"):
        parameters.inject(config={"a": "/a"}, secrets={"a": "b"})(handler)
    with pytest.raises(ConfigurationError, match="at least one"):
        parameters.inject()(handler)
    with pytest.raises(ConfigurationError, match="transform"):
        parameters.inject(config={"a": "/a"}, transform="xml")(handler)
    with pytest.raises(ConfigurationError, match="max_age"):
        parameters.inject(config={"a": "/a"}, max_age=-5)(handler)
    with pytest.raises(MiddlewareUsageError, match="secret_ids"):
        parameters.inject(secret_ids={"a": "b"})(handler)


def test_inject_composes_with_other_middlewares(ssm, unique):
    import io

    from toolkit import Logger

    ssm.put_parameter(Name=f"{unique}/cfg.json", Value='{"flag": true}', Type="String")
    logger = Logger(f"svc{unique}", stream=io.StringIO())

    @logger.inject_lambda_context
    @parameters.inject(config={"cfg": f"{unique}/cfg.json"}, transform="auto")
    def handler(event, context):
        return parameters.injected()["cfg"]

    assert handler({}, lambda_context()) == {"flag": True}


def test_injected_is_a_read_only_mapping(ssm, unique):
    ssm.put_parameter(Name=f"{unique}/a", Value="1", Type="String")
    seen = {}

    @parameters.inject(config={"a": f"{unique}/a"})
    def handler(event, context):
        values = parameters.injected()
        seen.update(
            contains="a" in values and "b" not in values,
            length=len(values),
            names=list(values),
            keys=list(values.keys()),
            get=(values.get("a"), values.get("b", "default")),
        )
        with pytest.raises(AttributeError, match="nothing was injected as 'b'"):
            values.b
        with pytest.raises(TypeError):
            values["a"] = "2"

    handler({}, lambda_context())
    assert seen == {
        "contains": True,
        "length": 1,
        "names": ["a"],
        "keys": ["a"],
        "get": ("1", "default"),
    }
