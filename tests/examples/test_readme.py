"""The README's commands and tour stay true."""

from __future__ import annotations

import json
import re
import types
from typing import Any

import pytest

from tests.conftest import ROOT, load_event
from toolkit.testing import lambda_context

README = (ROOT / "README.md").read_text()


def test_the_readme_starts_with_the_two_commands_ci_runs() -> None:
    commands = re.search(r"```bash\n(.*?)```", README, re.S)
    assert commands is not None
    main_job, tests = commands.group(1).strip().splitlines()
    assert "toolkit invoke examples/hello/app.py:handler" in main_job
    ci = (ROOT / ".ci" / "run").read_text()
    install, _, test_command = tests.partition(" && .venv/bin/python")
    assert install in ci  # the same install...
    assert ".venv/bin/python" + test_command in ci  # ...and the same test command


def test_the_tour_handler_processes_a_real_sqs_batch(capsys: pytest.CaptureFixture[str]) -> None:
    source = re.search(r"## A short tour\n\n```python\n(.*?)```", README, re.S)
    assert source is not None
    tour = types.ModuleType("tour")
    exec(compile(source.group(1), "README.md", "exec"), tour.__dict__)
    handler: Any = tour.handler
    assert handler(load_event("sqsEvent.json"), lambda_context()) == {"batchItemFailures": []}
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    processing = [line for line in lines if line.get("message") == "processing"]
    assert [line["batch_record_id"] for line in processing] == [
        record["messageId"]
        for record in load_event("sqsEvent.json")["Records"]  # type: ignore[index]
    ]
    assert any(line.get("OrderProcessed") == [1, 1] for line in lines)


def test_the_first_command_installs_the_local_extra_and_dev_holds_it() -> None:
    tomllib = pytest.importorskip("tomllib")
    first = re.search(r"```bash\n(.*?)\n", README)
    assert first is not None and "pip install -e '.[local]'" in first.group(1)
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    names = {extra: {re.split(r"[<>=]", req)[0] for req in reqs} for extra, reqs in extras.items()}
    assert {"moto[server]", "boto3"} <= names["local"]
    assert names["local"] <= names["dev"]  # the test suite runs the embedded AWS too
