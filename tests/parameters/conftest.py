"""Fixtures for the parameters tests: AWS (moto's server) reached through real boto3 clients,
and a fresh parameters state (no transport chosen, no cached value) for every test."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest

from tests.aws import FAKE_CREDENTIALS, client, free_port
from toolkit.logging import redact
from toolkit.parameters import functions, select

_ids = itertools.count()


@pytest.fixture(autouse=True)
def _fresh_parameters() -> Iterator[None]:
    """No transport chosen, nothing cached; and the secrets a test fetched (registered for
    redaction, process-wide) are unregistered after it, so they mask nothing elsewhere."""
    select.reset()
    functions.clear_caches()
    before = redact._secrets
    yield
    select.reset()
    functions.clear_caches()
    for secret in redact._secrets - before:
        redact.unregister_secret(secret)


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch, moto_server: str) -> str:
    """Fake credentials and every SDK call pointed at moto's server (botocore reads
    AWS_ENDPOINT_URL); nothing listens on the extension's port, so ``auto`` means the SDK."""
    for name, value in FAKE_CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server)
    monkeypatch.setenv("PARAMETERS_SECRETS_EXTENSION_HTTP_PORT", str(free_port()))
    return moto_server


@pytest.fixture
def ssm(aws: str) -> Any:
    return client("ssm", aws)


@pytest.fixture
def secretsmanager(aws: str) -> Any:
    return client("secretsmanager", aws)


@pytest.fixture
def unique() -> str:
    """A prefix no other test uses (moto's server is shared by the session)."""
    return f"/t{next(_ids)}-{id(object())}"


@pytest.fixture
def extension(aws: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The extension emulator in front of moto's server, its own cache off (so a test sees
    what it changed), and the environment a handler uses to find it (port, token)."""
    from toolkit.testing import ExtensionEmulator

    with ExtensionEmulator(endpoint_url=aws, ssm_ttl=0, secrets_ttl=0) as emulator:
        for name, value in emulator.environment().items():
            monkeypatch.setenv(name, value)
        yield emulator
