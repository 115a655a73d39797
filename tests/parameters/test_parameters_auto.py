"""``auto``: the extension when it answers, the SDK when nothing listens, said once."""

from __future__ import annotations

import logging

import pytest

from tests.aws import free_port
from toolkit import parameters
from toolkit.parameters import GetParameterError, SSMProvider, select


def test_nothing_listening_falls_back_to_the_sdk_and_says_so_once(ssm, unique, caplog):
    ssm.put_parameter(Name=f"{unique}/a", Value="1", Type="String")
    ssm.put_parameter(Name=f"{unique}/b", Value="2", Type="String")
    with caplog.at_level(logging.INFO, logger="toolkit.parameters"):
        assert parameters.get_parameter(f"{unique}/a") == "1"
        assert parameters.get_parameter(f"{unique}/b") == "2"
    said = [r.getMessage() for r in caplog.records if r.name == "toolkit.parameters"]
    assert len(said) == 1 and "using the AWS SDK" in said[0]
    assert select._auto == "sdk"


def test_no_session_token_means_the_sdk(ssm, unique, monkeypatch, caplog):
    monkeypatch.delenv("AWS_SESSION_TOKEN")
    ssm.put_parameter(Name=f"{unique}/a", Value="1", Type="String")
    with caplog.at_level(logging.INFO, logger="toolkit.parameters"):
        assert parameters.get_parameter(f"{unique}/a") == "1"
    assert "AWS_SESSION_TOKEN" in caplog.text


def test_forced_extension_with_nothing_listening_is_an_error(aws, unique, monkeypatch):
    port = free_port()
    monkeypatch.setenv("PARAMETERS_SECRETS_EXTENSION_HTTP_PORT", str(port))
    with pytest.raises(GetParameterError) as caught:
        SSMProvider(transport="extension").get(f"{unique}/a")
    assert caught.value.transport == "extension"
    assert f"localhost:{port}" in str(caught.value)


def test_transport_from_the_environment(aws, monkeypatch):
    monkeypatch.setenv("TOOLKIT_PARAMETERS_TRANSPORT", "sdk")
    assert SSMProvider().transport == "sdk"
    monkeypatch.setenv("TOOLKIT_PARAMETERS_TRANSPORT", "bogus")
    from toolkit.errors import ConfigurationError

    with pytest.raises(ConfigurationError, match="TOOLKIT_PARAMETERS_TRANSPORT"):
        SSMProvider()
