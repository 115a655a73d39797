"""Fixtures shared by every test module."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from toolkit.context import reset_cold_start
from toolkit.testing import FakeLambdaContext, lambda_context

ROOT = Path(__file__).resolve().parent.parent
EVENTS = Path(__file__).resolve().parent / "events"


def load_event(name: str) -> object:
    """A sample event from tests/events (copied from ../shared/events, see NOTICE there)."""
    import json

    return json.loads((EVENTS / name).read_text())


def subprocess_env(**extra: str) -> dict[str, str]:
    """The environment for a child Python that must import this checkout of toolkit."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    env.update(extra)
    return env


@pytest.fixture
def python() -> str:
    return sys.executable


@pytest.fixture
def context() -> FakeLambdaContext:
    return lambda_context()


@pytest.fixture(autouse=True)
def _fresh_execution_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test starts as a new execution environment: next invocation is cold, and no
    Lambda or toolkit variable leaks in from the machine running the tests."""
    for name in list(os.environ):
        if name.startswith(("TOOLKIT_", "POWERTOOLS_", "AWS_LAMBDA_", "_X_AMZN", "LAMBDA_")):
            monkeypatch.delenv(name)
    reset_cold_start()
    yield
    reset_cold_start()


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    """Endpoint URL of one moto server (a subprocess on 127.0.0.1) shared by the session;
    build clients with ``tests.aws.client(service, moto_server)``. Tests create their own,
    uniquely named resources, so they do not see each other's."""
    from tests.aws import moto_server as start

    with start() as url:
        yield url
