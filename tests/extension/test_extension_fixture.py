"""The ``extension_emulator`` fixture, used here as a user's conftest would use it."""

from __future__ import annotations

import http.client
import json
import os

from toolkit import config
from toolkit.testing import ExtensionEmulator
from toolkit.testing.extension import TOKEN_HEADER
from toolkit.testing.fixtures import extension_emulator  # noqa: F401

_BEFORE = dict(os.environ)


def test_the_fixture_points_the_environment_at_the_emulator_and_its_aws(
    extension_emulator: ExtensionEmulator,  # noqa: F811
) -> None:
    aws = extension_emulator.aws
    assert aws is not None
    assert config.EXTENSION_HTTP_PORT.read() == extension_emulator.port
    assert config.SESSION_TOKEN.read() == extension_emulator.token
    assert config.ENDPOINT_URL.read() == aws.endpoint_url
    aws.create_secret("fixture/secret", b"\x00\x01")
    connection = http.client.HTTPConnection("127.0.0.1", extension_emulator.port, timeout=10)
    connection.request(
        "GET",
        "/secretsmanager/get?secretId=fixture%2Fsecret",
        headers={TOKEN_HEADER: os.environ["AWS_SESSION_TOKEN"]},
    )
    response = connection.getresponse()
    assert response.status == 200
    assert json.loads(response.read())["SecretBinary"] == "AAE="
    connection.close()


def test_the_environment_is_restored_after_the_fixture() -> None:
    for name in ("PARAMETERS_SECRETS_EXTENSION_HTTP_PORT", "AWS_ENDPOINT_URL"):
        assert os.environ.get(name) == _BEFORE.get(name)
