"""examples/parameters/app.py, run as its docstring says: ``toolkit invoke --extension``."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import ROOT, subprocess_env


def test_the_example_reads_its_config_and_secret_through_the_extension() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "toolkit",
            "invoke",
            "examples/parameters/app.py:handler",
            "--extension",
            "--extension-port",
            "0",
            "--repeat",
            "2",
            "--parameter",
            "/shop/db-url=postgres://db.internal/shop",
            "--secret",
            "shop/api-key=sk-live-0123456789",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=subprocess_env(),
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    responses = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert responses == [{"db_url": "postgres://db.internal/shop", "api_key_length": 18}] * 2
    assert "sk-live-0123456789" not in result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    connecting = [line for line in lines if line.get("message") == "connecting"]
    assert len(connecting) == 2 and all(line["api_key"] == "***" for line in connecting)
    chosen = [line for line in lines if "Parameters and Secrets extension" in line["message"]]
    assert len(chosen) == 1  # auto chose the extension, and said so once
