"""examples/batch/app.py works with the sample SQS event, in-process and through the CLI."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from types import ModuleType

from tests.conftest import ROOT, load_event, subprocess_env
from toolkit.testing import lambda_context

COMMAND = ("examples/batch/app.py:handler", "--event-name", "sqs")
EXPECTED = {"batchItemFailures": [{"itemIdentifier": "059f36b4-87a3-44ab-83d2-661975830a7d"}]}


def load_app() -> ModuleType:
    spec = importlib.util.spec_from_file_location("batch_example", ROOT / "examples/batch/app.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_example_in_process() -> None:
    app = load_app()
    assert app.handler(load_event("sqsEvent.json"), lambda_context()) == EXPECTED
    # and again: the module-level processor carries nothing over
    assert app.handler(load_event("sqsEvent.json"), lambda_context()) == EXPECTED


def test_example_with_toolkit_invoke() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "toolkit", "invoke", *COMMAND],
        check=False,
        cwd=ROOT,
        env=subprocess_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == EXPECTED
