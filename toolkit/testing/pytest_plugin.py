"""pytest fixtures for tests of toolkit handlers, registered through the ``pytest11`` entry point:
installing the toolkit makes them available to every test suite (``-p no:toolkit`` turns them
off). Each fixture imports what it needs when a test asks for it, so suites that use none of
them load no moto, boto3 or aws_xray_sdk.

``lambda_context``
    a :class:`~toolkit.testing.FakeLambdaContext` with a live 3 s deadline.
``capture_logs``
    :class:`~toolkit.testing.logs.CapturedLogs`: every toolkit Logger's lines, parsed.
``xray_capture``
    :class:`~toolkit.testing.XRayCapture`: the X-Ray documents aws-xray-sdk sends, on loopback.
``embedded_aws``
    :class:`~toolkit.testing.EmbeddedAWS` for the test, emptied first, seeded from the
    ``embedded_aws`` marker, the environment pointing at it.
``extension_emulator``
    :class:`~toolkit.testing.ExtensionEmulator` in front of that embedded AWS.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from toolkit.testing.context import FakeLambdaContext
    from toolkit.testing.embedded_aws import EmbeddedAWS, TableSpec
    from toolkit.testing.extension import ExtensionEmulator
    from toolkit.testing.logs import CapturedLogs
    from toolkit.testing.xray import XRayCapture

__all__ = [
    "capture_logs",
    "embedded_aws",
    "extension_emulator",
    "lambda_context",
    "seed_arguments",
    "xray_capture",
]

MARKER = "embedded_aws"
_SEEDS = ("tables", "parameters", "secrets")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(tables=[...], parameters={{...}}, secrets={{...}}, region=...): what the "
        "embedded_aws fixture creates before the test (tables as 'NAME[:PK[:SK]]')",
    )


def seed_arguments(marker: pytest.Mark | None) -> tuple[str, dict[str, Any]]:
    """The region and :meth:`EmbeddedAWS.seed` arguments of an ``embedded_aws`` marker; a
    ``TypeError`` names an argument it does not take, rather than ignoring it."""
    if marker is None:
        return "us-east-1", {}
    if marker.args:
        raise TypeError(f"@pytest.mark.{MARKER} takes keyword arguments only: {', '.join(_SEEDS)}")
    arguments = dict(marker.kwargs)
    region = arguments.pop("region", "us-east-1")
    unknown = sorted(set(arguments) - set(_SEEDS))
    if unknown:
        raise TypeError(
            f"@pytest.mark.{MARKER} got unexpected argument(s) {', '.join(unknown)}; "
            f"it takes {', '.join(_SEEDS)} and region"
        )
    if "tables" in arguments:
        arguments["tables"] = _tables(arguments["tables"])
    return region, arguments


def _tables(tables: Iterable[str | TableSpec]) -> list[TableSpec]:
    from toolkit.testing.embedded_aws import TableSpec, parse_table_spec

    if isinstance(tables, (str, Mapping)):
        raise TypeError(f"@pytest.mark.{MARKER}: tables is a list of 'NAME[:PK[:SK]]' specs")
    return [table if isinstance(table, TableSpec) else parse_table_spec(table) for table in tables]


@pytest.fixture
def lambda_context() -> FakeLambdaContext:
    """A fake context like the runtime's, its deadline 3 s from now; for other values build one
    with :func:`toolkit.testing.lambda_context` (``timeout_ms=...``, ``function_name=...``)."""
    from toolkit.testing.context import lambda_context as make

    return make()


@pytest.fixture
def capture_logs() -> Iterator[CapturedLogs]:
    """Every line toolkit Loggers write during the test, as parsed records
    (``capture_logs[0]["message"]``), whenever and however the handler's Logger was built."""
    from toolkit.testing.logs import CapturedLogs

    with CapturedLogs() as logs:
        yield logs


@pytest.fixture
def xray_capture() -> Iterator[XRayCapture]:
    """An X-Ray daemon stand-in on loopback and the environment of a sampled invocation."""
    from toolkit.testing.xray import XRayCapture

    with XRayCapture() as capture:
        yield capture


@pytest.fixture
def embedded_aws(request: pytest.FixtureRequest) -> Iterator[EmbeddedAWS]:
    """moto's AWS on loopback for the test, the process environment pointing every AWS SDK
    client at it (restored afterwards). It starts empty (moto keeps its data per process, so
    it is reset first), then holds what ``@pytest.mark.embedded_aws(...)`` asks for; the test
    can add more with its ``create_table``, ``put_parameter`` and ``create_secret``."""
    from toolkit.testing.embedded_aws import EmbeddedAWS

    region, seeds = seed_arguments(request.node.get_closest_marker(MARKER))
    with EmbeddedAWS(region=region) as aws, aws.applied():
        aws.reset()
        aws.seed(**seeds)
        yield aws


@pytest.fixture
def extension_emulator(embedded_aws: EmbeddedAWS) -> Iterator[ExtensionEmulator]:
    """A local Parameters and Secrets extension in front of the test's embedded AWS (the
    marker's parameters and secrets included): the process environment carries its port and
    token (``PARAMETERS_SECRETS_EXTENSION_HTTP_PORT``, ``AWS_SESSION_TOKEN``) during the test.
    ``extension_emulator.aws`` is that embedded AWS; a test that changes a value it already
    read calls ``extension_emulator.clear_cache()``."""
    from toolkit.config import environ
    from toolkit.testing.extension import ExtensionEmulator

    with (
        ExtensionEmulator(endpoint_url=embedded_aws.endpoint_url) as emulator,
        environ(emulator.environment()),
    ):
        emulator.aws = embedded_aws
        yield emulator
