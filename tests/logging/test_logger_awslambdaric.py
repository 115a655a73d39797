"""End to end under AWS's runtime client: awslambdaric in a subprocess, driven by our local
Runtime API server. Every record appears exactly once and no library record is swallowed.

Where awslambdaric cannot be imported the tests are skipped, saying why: the child would die
at once while the test waited for invocations it never polls."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import subprocess_env
from toolkit.testing import RuntimeAPIServer

APPS = Path(__file__).resolve().parent / "apps"
TRACE = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"


def awslambdaric_problem(env: dict[str, str]) -> str | None:
    """Why ``python -m awslambdaric`` cannot start with ``env`` (``None`` when it can),
    found in a child with that environment, where the runtime client runs."""
    result = subprocess.run(
        [sys.executable, "-c", "import awslambdaric.__main__"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if result.returncode == 0:
        return None
    last = (result.stderr.strip().splitlines() or ["no error output"])[-1]
    return f"awslambdaric cannot be imported ({last}); it comes with the 'dev' extra"


@pytest.fixture(scope="module")
def awslambdaric() -> None:
    problem = awslambdaric_problem(subprocess_env())
    if problem is not None:
        pytest.skip(problem)


def test_tests_are_skipped_with_the_reason_when_awslambdaric_cannot_be_imported(
    tmp_path: Path,
) -> None:
    blocked = tmp_path / "awslambdaric"
    blocked.mkdir()
    (blocked / "__init__.py").write_text("raise ImportError('not installed for this test')\n")
    env = subprocess_env()
    env["PYTHONPATH"] = f"{tmp_path}{os.pathsep}{env['PYTHONPATH']}"
    reason = awslambdaric_problem(env)
    assert reason == (
        "awslambdaric cannot be imported (ImportError: not installed for this test); "
        "it comes with the 'dev' extra"
    )


def run_under_awslambdaric(log_format: str, log_level: str | None):
    with RuntimeAPIServer() as api:
        env = subprocess_env(
            AWS_LAMBDA_RUNTIME_API=api.address,
            AWS_LAMBDA_LOG_FORMAT=log_format,
            AWS_LAMBDA_FUNCTION_NAME="orders",
            AWS_LAMBDA_FUNCTION_MEMORY_SIZE="256",
            AWS_LAMBDA_FUNCTION_VERSION="$LATEST",
        )
        env["PYTHONPATH"] = f"{env['PYTHONPATH']}:{APPS}"
        for name in ("AWS_LAMBDA_LOG_LEVEL", "_LAMBDA_TELEMETRY_LOG_FD", "AWS_EXECUTION_ENV"):
            env.pop(name, None)
        if log_level:
            env["AWS_LAMBDA_LOG_LEVEL"] = log_level
        process = subprocess.Popen(
            [sys.executable, "-m", "awslambdaric", "ric_app.handler"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            first = api.invoke({"n": 1, "id": "corr-1"}, request_id="req-1", trace_id=TRACE)
            second = api.invoke({"n": 2, "id": "corr-2", "fail": True}, request_id="req-2")
            results = [first.wait(30), second.wait(30)]
        finally:
            process.terminate()
            out, err = process.communicate(timeout=30)
    return results, out, err


@pytest.mark.parametrize(
    ("log_format", "log_level"), [("Text", None), ("JSON", None), ("JSON", "DEBUG")]
)
@pytest.mark.usefixtures("awslambdaric")
def test_every_record_appears_exactly_once(log_format, log_level):
    (ok, failed), out, err = run_under_awslambdaric(log_format, log_level)
    assert ok.ok and ok.json() == {"n": 1}
    assert not failed.ok and failed.json()["errorType"] == "ValueError"

    lines = out.splitlines()
    ours = [json.loads(line) for line in lines if line.startswith('{"level"')]
    by_message: dict[str, list[dict]] = {}
    for record in ours:
        by_message.setdefault(str(record["message"]), []).append(record)

    for n in (1, 2):
        # Our lines: once each, never a second time through the runtime's root handler.
        (hello,) = by_message["hello from toolkit"][n - 1 : n]
        assert hello["n"] == n and hello["function_request_id"] == f"req-{n}"
        assert hello["correlation_id"] == f"corr-{n}"
        assert hello["invocation_key"] == n
        assert sum("hello from toolkit" in line for line in lines) == 2
        assert len(by_message[f"app child {n}"]) == 1
        assert by_message[f"app child {n}"][0]["logger"] == "app.sub"
        # A library whose name contains the service name is not swallowed, nor doubled.
        library = [line for line in lines if f"library warning {n}" in line]
        assert len(library) == 1
        assert sum(f"plain print {n}" == line for line in lines) == 1

    hello_1, hello_2 = by_message["hello from toolkit"]
    assert hello_1["cold_start"] is True and hello_2["cold_start"] is False
    assert hello_1["xray_trace_id"] == "1-5759e988-bd862e3fe1be46a994272793"
    assert "xray_trace_id" not in hello_2
    assert hello_1["function_name"] == "orders" and hello_1["function_memory_size"] == 256
    # Buffered debug: dropped after the success, flushed once for the failure.
    held = by_message["held back"]
    assert [r["n"] for r in held] == [2]

    if log_format == "JSON":
        (library_1,) = [json.loads(line) for line in lines if "library warning 1" in line]
        assert library_1["logger"] == "happy.lib" and library_1["requestId"] == "req-1"
    else:
        assert any(line.startswith("[WARNING]") and "library warning 1" in line for line in lines)
    root_info = [line for line in lines if "root info 1" in line]
    assert len(root_info) == (1 if log_level == "DEBUG" else 0)
    assert "Traceback" not in err


@pytest.mark.usefixtures("awslambdaric")
def test_runtime_reports_an_init_error_when_the_handler_is_missing():
    with RuntimeAPIServer() as api:
        env = subprocess_env(AWS_LAMBDA_RUNTIME_API=api.address)
        process = subprocess.run(
            [sys.executable, "-m", "awslambdaric", "no_such_module.handler"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        error = api.wait_init_error(timeout=5)
    assert process.returncode != 0
    assert error.json()["errorType"] == "Runtime.ImportModuleError"
