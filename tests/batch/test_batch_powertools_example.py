"""examples/batch/powertools_style.py (Powertools' batch forms) works with the sample SQS
event, in-process and through the CLI."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from types import ModuleType

import pytest

from tests.conftest import ROOT, load_event, subprocess_env
from toolkit.testing import lambda_context

EXPECTED = {"batchItemFailures": [{"itemIdentifier": "059f36b4-87a3-44ab-83d2-661975830a7d"}]}


def load_app() -> ModuleType:
    path = ROOT / "examples/batch/powertools_style.py"
    spec = importlib.util.spec_from_file_location("batch_powertools_example", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", ["handler", "decorated_handler", "async_handler"])
def test_example_in_process(name: str) -> None:
    handler = getattr(load_app(), name)
    for _ in range(2):  # the module-level processors carry nothing over
        assert handler(load_event("sqsEvent.json"), lambda_context()) == EXPECTED


def test_example_with_toolkit_invoke() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "toolkit",
            "invoke",
            "examples/batch/powertools_style.py:handler",
            "--event-name",
            "sqs",
        ],
        check=False,
        cwd=ROOT,
        env=subprocess_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == EXPECTED
