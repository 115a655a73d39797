"""Fixtures for the Logger tests: a captured stream and a parser for its lines."""

from __future__ import annotations

import io
import itertools
import json
from collections.abc import Iterator
from typing import Any

import pytest

from toolkit.logging import logger as logger_module
from toolkit.logging import sampling

_names = itertools.count()


class Captured(io.StringIO):
    """A stream whose lines must each be one strict JSON object."""

    def records(self) -> list[dict[str, Any]]:
        def strict(token: str) -> None:
            raise AssertionError(f"non-strict JSON token {token} in a log line")

        return [json.loads(line, parse_constant=strict) for line in self.getvalue().splitlines()]

    def messages(self) -> list[Any]:
        return [record["message"] for record in self.records()]


@pytest.fixture
def stream() -> Captured:
    return Captured()


@pytest.fixture
def service() -> str:
    """A fresh service name, so loggers registered by other tests do not interfere."""
    return f"svc{next(_names)}"


@pytest.fixture(autouse=True)
def _fresh_logger_state() -> Iterator[None]:
    logger_module._warned_lambda_level = False
    sampling.rng.seed(1234)
    yield
    logger_module._warned_lambda_level = False
