"""pytest fixtures for users' own tests of handlers that read parameters and secrets.

Bring them into a test suite by importing them in its ``conftest.py``::

    from toolkit.testing.fixtures import extension_emulator  # noqa: F401

This module imports pytest; nothing else in toolkit does, so it stays out of handlers.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from toolkit.config import environ
from toolkit.testing.embedded_aws import EmbeddedAWS
from toolkit.testing.extension import ExtensionEmulator

__all__ = ["extension_emulator"]


@pytest.fixture
def extension_emulator() -> Iterator[ExtensionEmulator]:
    """A local Parameters and Secrets extension in front of a fresh embedded AWS, for one test.

    During the test the process environment points a handler at both: the extension's port and
    token (``PARAMETERS_SECRETS_EXTENSION_HTTP_PORT``, ``AWS_SESSION_TOKEN``) and, for code that
    uses boto3 directly, the embedded AWS's endpoint and dummy credentials; everything is
    restored afterwards. Seed values with ``extension_emulator.aws.put_parameter(...)`` and
    ``.create_secret(...)``; the extension's cache is the emulator's, so a test that changes a
    value it already read calls ``extension_emulator.clear_cache()``. moto keeps its data for
    the whole process: use names unique to the test, or ``extension_emulator.aws.reset()``.
    """
    with (
        EmbeddedAWS() as aws,
        aws.applied(),
        ExtensionEmulator(endpoint_url=aws.endpoint_url) as emulator,
        environ(emulator.environment()),
    ):
        emulator.aws = aws
        yield emulator
