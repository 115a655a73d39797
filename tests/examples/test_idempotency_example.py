"""examples/idempotency/app.py, run with the one ``toolkit invoke`` line of its docstring: three
deliveries of one order charge it once.

The same file with Powertools' import in place of toolkit's runs the same way, which shows the
example is a migration by import change."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, subprocess_env
from toolkit.testing import EmbeddedAWS, lambda_context

APP = ROOT / "examples" / "idempotency" / "app.py"
TOOLKIT_IMPORT = "from toolkit.idempotency import"
POWERTOOLS_IMPORT = "from aws_lambda_powertools.utilities.idempotency import"


def documented_command() -> list[str]:
    """The ``toolkit invoke`` line of the example's docstring, as words."""
    match = re.search(
        r"^\s+(toolkit invoke examples/idempotency/app\.py\S* .*)$", APP.read_text(), re.M
    )
    assert match is not None, "the docstring lost its toolkit invoke line"
    return shlex.split(match.group(1))


def run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    assert command[:2] == ["toolkit", "invoke"]
    return subprocess.run(
        [sys.executable, "-m", "toolkit", *command[1:], "--color", "never"],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=subprocess_env(),
        timeout=120,
        check=False,
    )


def assert_charged_once(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 0, result.stderr
    responses = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(responses) == 3
    bodies = [json.loads(response["body"]) for response in responses]
    assert {response["statusCode"] for response in responses} == {201}
    assert bodies[0]["order_id"] == "o-1001" and bodies[0]["status"] == "charged"
    assert bodies.count(bodies[0]) == 3  # the repeats get the first response, same payment id
    logs = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    charged = [line for line in logs if line["message"] == "charged"]
    assert len(charged) == 1, result.stderr  # the side effect happened once
    assert charged[0]["payment_id"] == bodies[0]["payment_id"]
    assert "Tables: idempotency, payments" in result.stderr  # on the embedded AWS


def test_the_documented_line_repeats_three_times() -> None:
    command = documented_command()
    assert command[command.index("--repeat") + 1] == "3"


def test_the_order_is_charged_once_with_toolkit() -> None:
    assert_charged_once(run(documented_command(), ROOT))


def test_the_same_example_on_powertools_idempotency_charges_once(tmp_path: Path) -> None:
    source = APP.read_text()
    assert TOOLKIT_IMPORT in source
    folder = tmp_path / "examples" / "idempotency"
    folder.mkdir(parents=True)
    (folder / "app.py").write_text(source.replace(TOOLKIT_IMPORT, POWERTOOLS_IMPORT))
    (folder / "order.json").write_text((APP.parent / "order.json").read_text())
    assert_charged_once(run(documented_command(), tmp_path))


def _load(path: Path, name: str) -> Any:
    import importlib.util

    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("library", ["toolkit", "powertools"])
def test_in_a_test_with_embedded_aws_one_payment_is_written(library: str, tmp_path: Path) -> None:
    # docs/testing.md's pattern: the tables in an EmbeddedAWS, the module imported inside it.
    source = APP.read_text()
    if library == "powertools":
        source = source.replace(TOOLKIT_IMPORT, POWERTOOLS_IMPORT)
    (tmp_path / "orders_app.py").write_text(source)
    event = json.loads((APP.parent / "order.json").read_text())
    with EmbeddedAWS() as aws, aws.applied():
        aws.create_table("idempotency")
        aws.create_table("payments")
        app = _load(tmp_path / "orders_app.py", f"orders_app_{library}")
        first = app.handler(event, lambda_context())
        assert app.handler(event, lambda_context()) == first
        assert aws.client("dynamodb").scan(TableName="payments")["Count"] == 1
        aws.reset()
