"""``toolkit invoke --extension``: the extension beside the handler, in a child process."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import ROOT, subprocess_env
from toolkit.cli.errors import CliError
from toolkit.cli.invoke import InvokeOptions, aws_mode

EXAMPLE = [
    "examples/extension/app.py:handler",
    "--extension",
    "--extension-port",
    "0",
    "--parameter",
    "/hello/greeting=hello",
    "--secret",
    "hello/api-key=s3cr3t",
]


def run(*args: str, cwd: Path = ROOT, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "toolkit", "invoke", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=subprocess_env(**env),
        timeout=120,
        check=False,
    )


def test_the_example_runs_with_one_command_on_the_embedded_aws() -> None:
    result = run(*EXAMPLE, "--repeat", "2")
    assert result.returncode == 0, result.stderr
    responses = [json.loads(line) for line in result.stdout.splitlines()]
    assert responses == [{"message": "hello, world", "api_key_length": 6}] * 2
    assert "EXTENSION http://127.0.0.1:" in result.stderr
    assert "(the embedded AWS)" in result.stderr
    assert "s3cr3t" not in result.stderr


def test_the_extension_in_front_of_real_aws_keeps_the_callers_session_token(
    tmp_path: Path,
) -> None:
    (tmp_path / "app.py").write_text(
        textwrap.dedent(
            """
            import os

            def handler(event, context):
                return {
                    "token": os.environ["AWS_SESSION_TOKEN"],
                    "port": os.environ["PARAMETERS_SECRETS_EXTENSION_HTTP_PORT"],
                }
            """
        )
    )
    result = run(
        "app.py:handler",
        "--extension",
        "--extension-port",
        "0",
        "--aws",
        "real",
        cwd=tmp_path,
        AWS_SESSION_TOKEN="my-role-token",
    )
    assert result.returncode == 0, result.stderr
    response = json.loads(result.stdout)
    assert response["token"] == "my-role-token"
    assert int(response["port"]) > 0
    assert "(your AWS)" in result.stderr
    assert "was unset" not in result.stderr


def test_without_a_session_token_the_run_says_what_it_set(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("def handler(event, context):\n    return 1\n")
    env = subprocess_env()
    env.pop("AWS_SESSION_TOKEN", None)
    command = ["app.py:handler", "--extension", "--extension-port", "0"]
    result = subprocess.run(
        [sys.executable, "-m", "toolkit", "invoke", *command],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "AWS_SESSION_TOKEN was unset" in result.stderr


def test_seeding_implies_the_embedded_aws_and_refuses_real() -> None:
    handler = "app.py:handler"
    assert aws_mode(InvokeOptions(handler, parameters=(("/a", "b"),))) == "embedded"
    assert aws_mode(InvokeOptions(handler, secrets=(("a", "b"),))) == "embedded"
    assert aws_mode(InvokeOptions(handler, extension=True)) == "real"
    with pytest.raises(CliError, match="--parameter and --secret"):
        aws_mode(InvokeOptions(handler, aws="real", secrets=(("a", "b"),)))


def test_a_bad_seed_is_a_usage_error_naming_it_without_its_value() -> None:
    result = run("examples/extension/app.py:handler", "--secret", "hidden-value")
    assert result.returncode == 2
    assert "--secret must be NAME=VALUE" in result.stderr
    assert "hidden-value" not in result.stderr
