"""Cold start: importing toolkit (any module, any public name) pulls in nothing heavy."""

from __future__ import annotations

import importlib
import json
import pkgutil
import subprocess
import sys

import pytest

import toolkit
from tests.conftest import subprocess_env

HEAVY = ("boto3", "botocore", "aws_xray_sdk", "pydantic")

# Modules whose whole purpose is to be a heavy library's model or adapter; importing them *is*
# the call that needs it. Keep this list short and justified.
HEAVY_BY_DESIGN = {
    "toolkit.parser.models": "pydantic models of event records",
    "toolkit.parser.envelopes.": "each envelope validates with its source's pydantic models",
}


def _modules() -> list[str]:
    names = ["toolkit"]
    for info in pkgutil.walk_packages(toolkit.__path__, "toolkit."):
        if info.name == "toolkit.__main__":
            continue
        if any(info.name.startswith(prefix) for prefix in HEAVY_BY_DESIGN):
            continue
        names.append(info.name)
    return names


def _loaded_after(code: str, candidates: tuple[str, ...]) -> list[str]:
    """Which of ``candidates`` are in ``sys.modules`` after running ``code`` in a fresh
    interpreter. The child runs without coverage's subprocess measurement (which imports
    ``typing`` and more into every interpreter it starts), so that this holds under ``--cov``
    exactly as in Lambda."""
    env = {k: v for k, v in subprocess_env().items() if not k.startswith("COVERAGE_")}
    probe = f"{code}\nimport sys, json\n"
    probe += f"print(json.dumps([m for m in {candidates!r} if m in sys.modules]))"
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def _heavy_after(code: str) -> list[str]:
    return _loaded_after(code, HEAVY)


@pytest.mark.parametrize("module", _modules())
def test_importing_a_module_imports_nothing_heavy(module: str) -> None:
    assert _heavy_after(f"import {module}") == []


def test_every_public_name_resolves_without_heavy_imports() -> None:
    names = [n for n in toolkit.__all__ if n != "__version__"]
    code = "\n".join(f"from toolkit import {name}" for name in names)
    assert _heavy_after(code) == []


def test_unknown_public_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        toolkit.Nope
    assert "Logger" in dir(toolkit)


# Standard-library modules that cost milliseconds at cold start and that no import path of a
# handler needs: typing (~2.5 ms; see toolkit/_typing.py), inspect, dataclasses (imports inspect),
# random, asyncio, and the importlib package (the builtin __import__ suffices).
STDLIB_KEPT_OUT = ("typing", "inspect", "dataclasses", "random", "asyncio", "importlib")

HOT_IMPORTS = """\
from toolkit import Logger, Metrics, Tracer, Middleware, chain, timeout_guard
import toolkit.batch, toolkit.middleware, toolkit.context, toolkit.config
from toolkit.parameters import get_parameter, get_secret, inject
"""


def test_hot_import_paths_leave_slow_stdlib_modules_out() -> None:
    # Only modules a bare interpreter (site, .pth files) has not already loaded can be kept out.
    already = set(_loaded_after("pass", STDLIB_KEPT_OUT))
    checked = tuple(m for m in STDLIB_KEPT_OUT if m not in already)
    offenders = _loaded_after(HOT_IMPORTS, checked)
    assert offenders == [], f"imported at cold start: {offenders}"


def test_embedded_aws_imports_moto_only_when_it_starts() -> None:
    code = "from toolkit.testing import EmbeddedAWS\nimport toolkit.testing.embedded_aws"
    assert _loaded_after(code, (*HEAVY, "moto", "werkzeug")) == []


IDEMPOTENCY_SETUP = """\
from toolkit.idempotency import DynamoDBPersistenceLayer, IdempotencyConfig, idempotent
store = DynamoDBPersistenceLayer(table_name="t")
config = IdempotencyConfig(event_key_jmespath="body.id", in_progress_expires_after_seconds=5)
@idempotent(persistence_store=store, config=config)
def handler(event, context):
    return event
"""


def test_idempotency_names_and_decoration_import_nothing_heavy() -> None:
    import toolkit.idempotency as idempotency

    names = "\n".join(f"from toolkit.idempotency import {name}" for name in idempotency.__all__)
    assert _heavy_after(names) == []
    # A store, a config and a decorated handler built at import: boto3 waits for a request.
    assert _heavy_after(IDEMPOTENCY_SETUP) == []
    already = set(_loaded_after("pass", STDLIB_KEPT_OUT))
    checked = tuple(m for m in STDLIB_KEPT_OUT if m not in already)
    assert _loaded_after(IDEMPOTENCY_SETUP, checked) == []


VALIDATION_IMPORTS = """\
from toolkit.validation import (
    InvalidEnvelopeExpressionError, InvalidSchemaFormatError, SchemaValidationError,
    ValidationError, ValidationOptionError, envelopes, validate, validator,
)
from toolkit.jmespath.envelopes import API_GATEWAY_REST, SQS
import toolkit.validation.envelopes
"""


def test_validation_imports_fastjsonschema_and_jmespath_on_first_use_only() -> None:
    libraries = ("fastjsonschema", "jmespath")
    assert _loaded_after(VALIDATION_IMPORTS, libraries) == []
    first_use = VALIDATION_IMPORTS + "validate({'body': '{}'}, {}, envelope=API_GATEWAY_REST)\n"
    assert _loaded_after(first_use, libraries) == list(libraries)


def test_parser_package_imports_no_model_and_no_pydantic() -> None:
    code = (
        "import toolkit.parser, toolkit.parser.models, toolkit.parser.envelopes\n"
        "from toolkit.parser import parse, event_parser, ParserValidationError\n"
        "from toolkit.parser.envelopes import BaseEnvelope"
    )
    models = tuple(
        f"toolkit.parser.models.{info.name}"
        for info in pkgutil.iter_modules(importlib.import_module("toolkit.parser.models").__path__)
    )
    assert _loaded_after(code, HEAVY + models) == []
    # one model brings its own module (and pydantic), not the others
    loaded = _loaded_after("from toolkit.parser.models import SqsModel", models)
    assert set(loaded) <= {
        "toolkit.parser.models.sqs",
        "toolkit.parser.models._aliases",
        "toolkit.parser.models._base",
    }


def test_the_pytest_plugin_loads_moto_boto3_and_the_sdks_only_for_a_fixture() -> None:
    # pytest loads the plugin in every suite where the toolkit is installed.
    code = "import toolkit.testing.pytest_plugin, toolkit.testing.fixtures, toolkit.testing.logs"
    assert _loaded_after(code, (*HEAVY, "moto", "werkzeug", "toolkit.testing.extension")) == []
