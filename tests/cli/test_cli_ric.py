"""``toolkit invoke --runtime ric``: a real ``python -m toolkit`` child, which runs the handler
in its own child under awslambdaric against the local Runtime API server."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import ROOT, subprocess_env
from tests.logging.test_logger_awslambdaric import awslambdaric_problem
from toolkit.cli.errors import CliError, HandlerSpecError
from toolkit.cli.handler import parse_spec
from toolkit.cli.invoke import InvokeOptions, invoke
from toolkit.cli.ric import ric_handler

APP = """
import os
import sys
import time

from toolkit import Logger

logger = Logger(service="orders")
print("init line")


@logger.inject_lambda_context
def handler(event, context):
    logger.info("handling", n=event.get("n"))
    print("plain line")
    if event.get("fail"):
        raise ValueError("boom")
    if event.get("exit"):
        sys.exit(3)
    if event.get("sleep"):
        time.sleep(event["sleep"])
    return {
        "context": type(context).__module__,
        "arn": context.invoked_function_arn,
        "memory": context.memory_limit_in_mb,
        "remaining_ms": context.get_remaining_time_in_millis(),
        "event": event,
        "env": {
            name: os.environ.get(name)
            for name in ("AWS_LAMBDA_FUNCTION_NAME", "_HANDLER", "AWS_ENDPOINT_URL")
        },
    }
"""


TOOLKIT_INVOKE = [sys.executable, "-m", "toolkit", "invoke"]
EMBEDDED = ["--aws", "embedded", "--table", "orders"]
HELLO = "examples/hello/app.py:handler"


@pytest.fixture(scope="module")
def awslambdaric() -> None:
    problem = awslambdaric_problem(subprocess_env())
    if problem is not None:
        pytest.skip(problem)


def run(tmp_path: Path, event: object, *options: str, app: str = APP):
    (tmp_path / "app.py").write_text(app)
    (tmp_path / "event.json").write_text(json.dumps(event))
    return subprocess.run(
        [*TOOLKIT_INVOKE, "app.py:handler", "--runtime", "ric", "--event", "event.json", *options],
        cwd=tmp_path,
        env=subprocess_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.usefixtures("awslambdaric")
def test_the_handler_runs_under_awslambdaric_with_lambdas_log_order(tmp_path: Path) -> None:
    result = run(tmp_path, {"n": 7}, "--repeat", "2", "--memory", "256", "--timeout", "5")
    assert result.returncode == 0, result.stderr
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert first["context"] == "awslambdaric.lambda_context"  # the runtime's own object
    assert first["arn"] == "arn:aws:lambda:us-east-1:123456789012:function:app"
    assert first["memory"] == "256"
    assert 0 < first["remaining_ms"] <= 5000
    assert first["event"] == {"n": 7}
    assert first["env"] == {
        "AWS_LAMBDA_FUNCTION_NAME": "app",
        "_HANDLER": "app.handler",
        "AWS_ENDPOINT_URL": None,
    }
    assert second["context"] == first["context"]

    lines = result.stderr.splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("START RequestId: ")]
    ends = [i for i, line in enumerate(lines) if line.startswith("END RequestId: ")]
    assert len(starts) == len(ends) == 2
    assert lines.index("init line") < starts[0]  # the init's output comes before START
    records = [json.loads(line) for line in lines if line.startswith('{"level"')]
    assert [r["cold_start"] for r in records] == [True, False]
    assert all(r["n"] == 7 and r["function_memory_size"] == 256 for r in records)
    for start, end, record in zip(starts, ends, records):
        inside = lines[start:end]
        assert "plain line" in inside and json.dumps(record, separators=(",", ":")) in inside
        assert lines[start].split()[2] == record["function_request_id"]
    reports = [line for line in lines if line.startswith("REPORT ")]
    assert "Init Duration" in reports[0] and "Init Duration" not in reports[1]
    assert lines[-1].startswith("SUMMARY Invocations: 2")


@pytest.mark.usefixtures("awslambdaric")
def test_a_failure_is_the_error_document_awslambdaric_posts(tmp_path: Path) -> None:
    result = run(tmp_path, {"fail": True})
    assert result.returncode == 1
    (document,) = (json.loads(line) for line in result.stdout.splitlines())
    assert document["errorType"] == "ValueError" and document["errorMessage"] == "boom"
    assert any("app.py" in frame and "handler" in frame for frame in document["stackTrace"])
    start = next(line for line in result.stderr.splitlines() if line.startswith("START"))
    assert document["requestId"] == start.split()[2]
    # awslambdaric's own log line for the failure; nothing else complains.
    assert "[ERROR] ValueError: boom" in result.stderr
    assert result.stderr.count("Traceback") == 1


@pytest.mark.usefixtures("awslambdaric")
def test_at_the_deadline_the_environment_is_stopped(tmp_path: Path) -> None:
    result = run(tmp_path, {"sleep": 60}, "--timeout", "1", "--repeat", "3")
    assert result.returncode == 1
    (document,) = (json.loads(line) for line in result.stdout.splitlines())
    assert document["errorType"] == "Sandbox.Timedout"
    assert document["errorMessage"].endswith("Error: Task timed out after 1.00 seconds")
    assert result.stderr.count("START RequestId") == 1  # the environment is gone
    assert result.stderr.count("END RequestId") == 1


@pytest.mark.usefixtures("awslambdaric")
def test_an_exit_during_the_invocation_is_a_runtime_exit_error(tmp_path: Path) -> None:
    result = run(tmp_path, {"exit": True}, "--repeat", "2")
    assert result.returncode == 1
    (document,) = (json.loads(line) for line in result.stdout.splitlines())
    assert document["errorType"] == "Runtime.ExitError"
    assert document["errorMessage"].endswith("Runtime exited with error: exit status 3")
    assert result.stderr.count("START RequestId") == 1


@pytest.mark.usefixtures("awslambdaric")
def test_an_import_error_is_the_runtimes_init_error(tmp_path: Path) -> None:
    result = run(tmp_path, {}, app="import no_such_dependency\n\ndef handler(e, c):\n    pass\n")
    assert result.returncode == 1
    (document,) = (json.loads(line) for line in result.stdout.splitlines())
    assert document["errorType"] == "Runtime.ImportModuleError"
    assert "No module named 'no_such_dependency'" in document["errorMessage"]
    assert "START RequestId" not in result.stderr


@pytest.mark.usefixtures("awslambdaric")
def test_the_embedded_aws_reaches_the_child(tmp_path: Path) -> None:
    app = APP + textwrap.dedent(
        """
        import boto3

        def put(event, context):
            table = boto3.resource("dynamodb").Table("orders")
            table.put_item(Item={"id": event["Records"][0]["messageId"]})
            return {"count": table.scan()["Count"], "endpoint": os.environ["AWS_ENDPOINT_URL"]}
        """
    )
    (tmp_path / "app.py").write_text(app)
    result = subprocess.run(
        [*TOOLKIT_INVOKE, "app.py:put", "--runtime", "ric", "--event-name", "sqs", *EMBEDDED],
        cwd=tmp_path,
        env=subprocess_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["count"] == 1 and answer["endpoint"].startswith("http://127.0.0.1:")


def test_without_awslambdaric_the_run_says_how_to_install_it(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("def handler(event, context):\n    return 1\n")
    # This checkout's toolkit, and no site-packages: awslambdaric cannot be found.
    code = (
        "import sys; sys.path = [p for p in sys.path if 'site-packages' not in p]; "
        f"sys.path.insert(0, {str(ROOT)!r}); from toolkit.cli import main; "
        "sys.exit(main(['invoke', 'app.py', '--runtime', 'ric', '--aws', 'real']))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        env=subprocess_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "--runtime ric needs AWS's runtime interface client" in result.stderr
    assert "pip install 'lambda-handler-toolkit[local]'" in result.stderr


def test_an_unknown_runtime_is_a_usage_error() -> None:
    with pytest.raises(CliError, match="--runtime 'docker': expected one of inprocess, ric"):
        invoke(InvokeOptions(handler="app.handler", runtime="docker"))


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (
            "def lambda_handler(e, c):\n    pass\ndef handler(e, c):\n    pass\n",
            "app.lambda_handler",
        ),
        ("from somewhere import handler\n", "app.handler"),
        ("import wrapped as handler\n", "app.handler"),
        ("handler: object = object()\n", "app.handler"),
        ("class handler:\n    pass\n", "app.handler"),
        ("def broken(:\n", "app.lambda_handler"),  # awslambdaric reports the syntax error
    ],
)
def test_a_file_without_function_names_its_default_handler(
    tmp_path: Path, source: str, expected: str
) -> None:
    (tmp_path / "app.py").write_text(source)
    assert ric_handler(parse_spec(str(tmp_path / "app.py"))) == expected


def test_a_file_without_a_default_handler_is_a_spec_error(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("def main(e, c):\n    pass\n")
    with pytest.raises(HandlerSpecError, match="has no function 'lambda_handler' or 'handler'"):
        ric_handler(parse_spec(str(tmp_path / "app.py")))


def test_a_nested_attribute_cannot_be_loaded_by_awslambdaric(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("class App:\n    def handler(self, e, c):\n        pass\n")
    with pytest.raises(HandlerSpecError, match=r"'App\.handler' is not a top-level function"):
        ric_handler(parse_spec(f"{tmp_path / 'app.py'}:App.handler"))
    assert ric_handler(parse_spec("package.module.handler")) == "package.module.handler"


@pytest.mark.usefixtures("awslambdaric")
def test_the_hello_example_answers_and_logs_the_same_in_both_runtimes() -> None:
    runs = {}
    for runtime in ("inprocess", "ric"):
        result = subprocess.run(
            [*TOOLKIT_INVOKE, HELLO, "-n", "apigw-rest", "--runtime", runtime],
            cwd=ROOT,
            env=subprocess_env(),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
        runs[runtime] = json.loads(result.stdout), lines
    (response, lines), (ric_response, ric_lines) = runs["inprocess"], runs["ric"]
    assert ric_response == response
    changing = {"timestamp", "function_request_id", "xray_trace_id", "duration_ms"}
    assert [sorted(set(line) - changing) for line in ric_lines] == [
        sorted(set(line) - changing) for line in lines
    ]
    assert [line["message"] for line in ric_lines] == [line["message"] for line in lines]
