"""``toolkit invoke`` end to end: a real ``python -m toolkit`` child per test, running small
handler files written in tmp_path."""

from __future__ import annotations

import codecs
import json
import re
import signal
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import subprocess_env
from toolkit.cli.events import SAMPLES, SAMPLES_DIR

TRACE_ID = re.compile(r"^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=[01]$")

ENV_NAMES = [
    "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_LAMBDA_LOG_GROUP_NAME",
    "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_INITIALIZATION_TYPE",
    "LAMBDA_TASK_ROOT",
    "_X_AMZN_TRACE_ID",
    "TOOLKIT_TRACE_DISABLED",
    "POWERTOOLS_TRACE_DISABLED",
]

APP = f"""
import decimal
import json
import os
import sys
import time

from toolkit.context import is_cold_start
from toolkit.middleware import middleware

print(json.dumps({{"level": "INFO", "message": "module imported"}}))
NAMES = {ENV_NAMES!r}


@middleware
def passthrough(handler, event, context):
    return handler(event, context)


@passthrough
def handler(event, context):
    print(json.dumps({{"level": "INFO", "message": "handling"}}))
    return {{
        "cold": is_cold_start(),
        "event": event,
        "request_id": context.aws_request_id,
        "remaining_ms": context.get_remaining_time_in_millis(),
        "memory": context.memory_limit_in_mb,
        "function_name": context.function_name,
        "log_group": context.log_group_name,
        "log_stream": context.log_stream_name,
        "env": {{name: os.environ.get(name) for name in NAMES}},
    }}


def echo(event, context):
    event["mutated"] = True
    return event


def fails(event, context):
    print(json.dumps({{"level": "ERROR", "message": "about to fail"}}))
    raise ValueError("the order is missing")


def unserialisable(event, context):
    return {{"ids": {{1, 2}}}}


def as_bytes(event, context):
    return b"\\x00raw"


def money(event, context):
    return {{"price": decimal.Decimal("9.5"), "count": decimal.Decimal("3")}}


def sleeper(event, context):
    print("going to sleep")
    time.sleep(event["seconds"])
    return "woke up"


def unfinished_line(event, context):
    sys.stdout.write("no newline at the end")
    return None


def exits(event, context):
    print("exiting")
    sys.exit(event.get("code"))


NOT_CALLABLE = 42


class Service:
    @staticmethod
    def handle(event, context):
        return "method"
"""


def toolkit(
    tmp_path: Path, *args: str, stdin: str | None = None, **env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "toolkit", *args],
        cwd=tmp_path,
        env=subprocess_env(**env),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture
def app(tmp_path: Path) -> Path:
    path = tmp_path / "app.py"
    path.write_text(APP)
    return path


def response(result: subprocess.CompletedProcess[str]) -> Any:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


# --- handler specs -----------------------------------------------------------------------


def test_file_spec_runs_handler_like_lambda(tmp_path: Path, app: Path) -> None:
    result = toolkit(
        tmp_path, "invoke", f"{app}:handler", "--memory", "256", "--region", "eu-west-1"
    )
    body = response(result)
    env = body["env"]
    assert body["cold"] is True
    assert body["event"] == {}
    assert env["AWS_LAMBDA_FUNCTION_NAME"] == "app" == body["function_name"]
    assert env["AWS_LAMBDA_FUNCTION_VERSION"] == "$LATEST"
    assert env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "256" == body["memory"]
    assert env["AWS_REGION"] == env["AWS_DEFAULT_REGION"] == "eu-west-1"
    assert env["AWS_LAMBDA_LOG_GROUP_NAME"] == "/aws/lambda/app" == body["log_group"]
    assert env["AWS_LAMBDA_LOG_STREAM_NAME"] == body["log_stream"]
    assert re.fullmatch(r"\d{4}/\d{2}/\d{2}/\[\$LATEST\][0-9a-f]{32}", body["log_stream"])
    minor = f"{sys.version_info.major}.{sys.version_info.minor}"
    assert env["AWS_EXECUTION_ENV"] == f"AWS_Lambda_python{minor}"
    assert env["AWS_LAMBDA_INITIALIZATION_TYPE"] == "on-demand"
    assert env["LAMBDA_TASK_ROOT"] == str(tmp_path.resolve())
    assert TRACE_ID.match(env["_X_AMZN_TRACE_ID"])
    assert env["_X_AMZN_TRACE_ID"].endswith("Sampled=0")
    assert env["TOOLKIT_TRACE_DISABLED"] == "true"
    assert re.fullmatch(r"[0-9a-f-]{36}", body["request_id"])


def test_relative_file_spec_and_function_name(tmp_path: Path, app: Path) -> None:
    body = response(toolkit(tmp_path, "invoke", "app.py:handler", "--function-name", "orders"))
    assert body["function_name"] == body["env"]["AWS_LAMBDA_FUNCTION_NAME"] == "orders"
    assert body["log_group"] == "/aws/lambda/orders"


def test_file_spec_with_attribute_path(tmp_path: Path, app: Path) -> None:
    assert response(toolkit(tmp_path, "invoke", "app.py:Service.handle")) == "method"


def test_dotted_spec_imports_from_the_working_directory(tmp_path: Path) -> None:
    package = tmp_path / "orders"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "api.py").write_text(
        "import os\n"
        "from orders import helper\n"
        "def handler(event, context):\n"
        "    return [helper.NAME, os.environ['LAMBDA_TASK_ROOT'], context.function_name]\n"
    )
    (package / "helper.py").write_text("NAME = 'helper'\n")
    body = response(toolkit(tmp_path, "invoke", "orders.api.handler"))
    assert body == ["helper", str(tmp_path), "api"]


def test_file_spec_puts_its_directory_first_for_sibling_imports(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "shared.py").write_text("VALUE = 'sibling'\n")
    (src / "main.py").write_text(
        "import shared\ndef handler(event, context):\n    return shared.VALUE\n"
    )
    assert response(toolkit(tmp_path, "invoke", "src/main.py:handler")) == "sibling"


def test_file_without_function_and_outside_the_working_directory(tmp_path: Path) -> None:
    src, cwd = tmp_path / "src", tmp_path / "work"
    src.mkdir(), cwd.mkdir()
    (src / "shared.py").write_text("VALUE = 'sibling'\n")
    (src / "api.py").write_text(
        "import shared\n"
        "def lambda_handler(event, context):\n    return ['lambda_handler', shared.VALUE]\n"
        "def handler(event, context):\n    return ['handler', shared.VALUE]\n"
    )
    (src / "other.py").write_text("def handler(event, context):\n    return 'handler'\n")
    assert response(toolkit(cwd, "invoke", "../src/api.py")) == ["lambda_handler", "sibling"]
    assert response(toolkit(cwd, "invoke", "../src/api.py:handler")) == ["handler", "sibling"]
    assert response(toolkit(cwd, "invoke", "../src/other.py")) == "handler"


@pytest.mark.parametrize(
    ("spec", "missing"),
    [
        ("handler", "no module and function in it"),
        ("app.py:", "expected a file and a function"),
        (":handler", "expected a file and a function"),
        ("nowhere.py:handler", "handler file 'nowhere.py' does not exist"),
        ("nomodule.handler", "no module named 'nomodule'"),
        ("nopackage.sub.handler", "no module named 'nopackage'"),
        ("app.py:missing", "module 'app' has no attribute 'missing'"),
        ("app.missing", "module 'app' has no attribute 'missing'"),
        ("app.py:Service.nothing", "has no attribute 'nothing'"),
        ("app.py:NOT_CALLABLE", "app.NOT_CALLABLE is not callable (it is of type 'int')"),
        ("lib/json.py:handler", "module name 'json' is already taken"),
        ("notes.txt:handler", "cannot be imported as a Python module"),
        ("plain.py", "module 'plain' has no function 'lambda_handler' or 'handler'"),
        ("../app.handler", "'../app' is not a module name; for a file, use '../app.py:handler'"),
    ],
)
def test_bad_spec_is_a_usage_error_without_traceback(
    tmp_path: Path, app: Path, spec: str, missing: str
) -> None:
    (tmp_path / "notes.txt").write_text("def handler(event, context):\n    return 1\n")
    (tmp_path / "plain.py").write_text("handler = 'not a function'\n")
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "json.py").write_text("def handler(event, context):\n    return 1\n")
    result = toolkit(tmp_path, "invoke", spec)
    assert result.returncode == 2
    assert result.stdout == ""
    assert missing in result.stderr
    last = result.stderr.splitlines()[-1]
    assert last.startswith(f"toolkit invoke: error: handler {spec!r}: ")
    assert "Traceback" not in result.stderr


def test_missing_dependency_is_the_functions_init_error(tmp_path: Path) -> None:
    (tmp_path / "needs.py").write_text(
        "import not_installed_anywhere\ndef handler(event, context):\n    return 1\n"
    )
    for spec in ("needs.py:handler", "needs.handler"):
        result = toolkit(tmp_path, "invoke", spec)
        assert result.returncode == 1
        document = json.loads(result.stdout)
        assert document["errorType"] == "Runtime.ImportModuleError"
        assert document["errorMessage"] == (
            "Unable to import module 'needs': No module named 'not_installed_anywhere'"
        )
        assert "Traceback" in result.stderr


def test_syntax_error_in_the_module(tmp_path: Path) -> None:
    (tmp_path / "broken.py").write_text("def handler(event, context)\n    return 1\n")
    result = toolkit(tmp_path, "invoke", "broken.py:handler")
    assert result.returncode == 1
    document = json.loads(result.stdout)
    assert document["errorType"] == "Runtime.UserCodeSyntaxError"
    assert document["errorMessage"].startswith("Syntax error in module 'broken': ")
    assert "broken.py" in document["stackTrace"][0]


def test_exception_at_import_is_reported_with_its_type(tmp_path: Path) -> None:
    (tmp_path / "init_fails.py").write_text(
        "import json\nprint(json.dumps({'level': 'INFO', 'message': 'init'}))\n"
        "raise RuntimeError('no config')\n"
    )
    result = toolkit(tmp_path, "invoke", "init_fails.py:handler")
    assert result.returncode == 1
    document = json.loads(result.stdout)
    assert document["errorType"] == "RuntimeError"
    assert document["errorMessage"] == "no config"
    assert any("init_fails.py" in frame for frame in document["stackTrace"])
    assert all("toolkit/cli" not in frame for frame in document["stackTrace"])
    assert '{"level": "INFO", "message": "init"}' in result.stderr


# --- events ------------------------------------------------------------------------------


def test_event_from_file(tmp_path: Path, app: Path) -> None:
    (tmp_path / "event.json").write_text('{"order": 7}')
    body = response(toolkit(tmp_path, "invoke", "app.py:handler", "--event", "event.json"))
    assert body["event"] == {"order": 7}


def test_event_from_stdin(tmp_path: Path, app: Path) -> None:
    body = response(toolkit(tmp_path, "invoke", "app.py:handler", "-e", "-", stdin='[1, "a"]'))
    assert body["event"] == [1, "a"]


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_builtin_sample_is_delivered_as_is(tmp_path: Path, app: Path, name: str) -> None:
    body = response(toolkit(tmp_path, "invoke", "app.py:handler", "--event-name", name))
    assert body["event"] == json.loads((SAMPLES_DIR / f"{name}.json").read_text())


def test_readme_command_sample_exists(tmp_path: Path, app: Path) -> None:
    body = response(toolkit(tmp_path, "invoke", "app.py:handler", "--event-name", "apigw-rest"))
    assert body["event"]["httpMethod"] == "GET"
    assert body["event"]["path"] == "/my/path"


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["--event", "absent.json"], None, "cannot read event file 'absent.json': No such file"),
        (["--event", "bad.json"], None, "the event in 'bad.json' is not valid JSON"),
        (["--event", "-"], "{nope", "the event in standard input is not valid JSON"),
        (["--event-name", "carrier-pigeon"], None, "no built-in sample event 'carrier-pigeon'"),
    ],
)
def test_bad_event_is_a_usage_error(
    tmp_path: Path, app: Path, args: list[str], stdin: str | None, message: str
) -> None:
    (tmp_path / "bad.json").write_text("{'single': 'quotes'}")
    result = toolkit(tmp_path, "invoke", "app.py:handler", *args, stdin=stdin)
    assert result.returncode == 2
    assert message in result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [
        ("utf-16-le", codecs.BOM_UTF16_LE),
        ("utf-16-be", codecs.BOM_UTF16_BE),
        ("utf-8", codecs.BOM_UTF8),
    ],
)
def test_event_file_with_a_byte_order_mark(
    tmp_path: Path, app: Path, encoding: str, bom: bytes
) -> None:
    """What Windows PowerShell's `>` (UTF-16 LE) and Notepad's "UTF-8 with BOM" write."""
    (tmp_path / "event.json").write_bytes(bom + '{"name": "Zoë"}'.encode(encoding))
    body = response(toolkit(tmp_path, "invoke", "app.py:handler", "--event", "event.json"))
    assert body["event"] == {"name": "Zoë"}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ('{"name": "Zoë"}'.encode("latin-1"), "is not UTF-8 text (byte 12 cannot be decoded)"),
        ('{"a": 1}'.encode("utf-16-le"), "has NUL characters: UTF-16 or UTF-32 without a byte"),
    ],
)
def test_event_file_in_another_encoding_is_one_line(
    tmp_path: Path, app: Path, data: bytes, message: str
) -> None:
    (tmp_path / "event.json").write_bytes(data)
    result = toolkit(tmp_path, "invoke", "app.py:handler", "--event", "event.json")
    assert result.returncode == 2 and result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("toolkit invoke: error: the event in 'event.json' ")
    assert message in line and line.lower().endswith("save it as utf-8")


def test_event_and_event_name_are_exclusive(tmp_path: Path, app: Path) -> None:
    result = toolkit(tmp_path, "invoke", "app.py:handler", "--event", "-", "--event-name", "sqs")
    assert result.returncode == 2
    assert "not allowed with argument" in result.stderr


@pytest.mark.parametrize(
    ("flag", "value"), [("--memory", "64"), ("--timeout", "901"), ("--repeat", "x")]
)
def test_out_of_range_options_are_rejected(
    tmp_path: Path, app: Path, flag: str, value: str
) -> None:
    result = toolkit(tmp_path, "invoke", "app.py:handler", flag, value)
    assert result.returncode == 2
    assert f"argument {flag}" in result.stderr


# --- tracing -----------------------------------------------------------------------------


def test_trace_flag_samples_and_leaves_tracing_on(tmp_path: Path, app: Path) -> None:
    env = response(toolkit(tmp_path, "invoke", "app.py:handler", "--trace"))["env"]
    assert TRACE_ID.match(env["_X_AMZN_TRACE_ID"])
    assert env["_X_AMZN_TRACE_ID"].endswith("Sampled=1")
    assert env["TOOLKIT_TRACE_DISABLED"] is None


def test_users_own_trace_setting_is_not_overridden(tmp_path: Path, app: Path) -> None:
    result = toolkit(tmp_path, "invoke", "app.py:handler", POWERTOOLS_TRACE_DISABLED="false")
    env = response(result)["env"]
    assert env["POWERTOOLS_TRACE_DISABLED"] == "false"
    assert env["TOOLKIT_TRACE_DISABLED"] is None


# --- deadline ----------------------------------------------------------------------------


def test_context_counts_down_from_the_timeout(tmp_path: Path, app: Path) -> None:
    remaining = response(toolkit(tmp_path, "invoke", "app.py:handler", "--timeout", "7"))[
        "remaining_ms"
    ]
    assert 6000 < remaining <= 7000


def test_handler_past_its_deadline_is_stopped_as_lambda_does(tmp_path: Path, app: Path) -> None:
    result = toolkit(
        tmp_path, "invoke", "app.py:sleeper", "--timeout", "1", "-e", "-", stdin='{"seconds": 30}'
    )
    assert result.returncode == 1
    document = json.loads(result.stdout)
    assert document["errorType"] == "Sandbox.Timedout"
    assert document["errorMessage"] == (
        f"RequestId: {document['requestId']} Error: Task timed out after 1.00 seconds"
    )
    assert "going to sleep" in result.stderr
    assert re.search(r"REPORT RequestId: \S+\tDuration: 10\d\d\.\d\d ms", result.stderr)


def test_handler_inside_its_deadline_is_not_stopped(tmp_path: Path, app: Path) -> None:
    result = toolkit(
        tmp_path, "invoke", "app.py:sleeper", "--timeout", "1", "-e", "-", stdin='{"seconds": 0.5}'
    )
    assert response(result) == "woke up"


# --- repeat, cold and warm ---------------------------------------------------------------


def test_repeat_is_cold_once_then_warm(tmp_path: Path, app: Path) -> None:
    result = toolkit(tmp_path, "invoke", "app.py:handler", "--repeat", "3")
    assert result.returncode == 0, result.stderr
    bodies = [json.loads(line) for line in result.stdout.splitlines()]
    assert [body["cold"] for body in bodies] == [True, False, False]
    assert len({body["request_id"] for body in bodies}) == 3
    assert len({body["env"]["_X_AMZN_TRACE_ID"] for body in bodies}) == 3
    reports = [line for line in result.stderr.splitlines() if line.startswith("REPORT ")]
    assert len(reports) == 3
    assert "Init Duration: " in reports[0]
    assert all("Init Duration" not in line for line in reports[1:])
    for report, body in zip(reports, bodies):
        fields = dict(part.split(": ", 1) for part in report.split("\t"))
        assert fields["REPORT RequestId"] == body["request_id"]
        assert re.fullmatch(r"\d+\.\d\d ms", fields["Duration"])
        assert re.fullmatch(r"\d+ ms", fields["Billed Duration"])
        assert fields["Memory Size"] == "128 MB"
        assert re.fullmatch(r"\d+ MB", fields["Max Memory Used"])
    assert result.stderr.count("module imported") == 1
    assert re.search(r"SUMMARY Invocations: 3\tCold: [\d.]+ ms\tWarm min/median/max", result.stderr)


def test_each_invocation_gets_a_fresh_event(tmp_path: Path, app: Path) -> None:
    result = toolkit(tmp_path, "invoke", "app.py:echo", "--event-name", "sqs", "--repeat", "2")
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert first == second
    assert first["mutated"] is True


# --- output ------------------------------------------------------------------------------


def test_piped_logs_are_raw_lines_on_stderr(tmp_path: Path, app: Path) -> None:
    result = toolkit(tmp_path, "invoke", "app.py:handler")
    assert result.stdout.count("\n") == 1  # only the response
    lines = result.stderr.splitlines()
    assert '{"level": "INFO", "message": "module imported"}' in lines
    assert '{"level": "INFO", "message": "handling"}' in lines
    assert "\x1b[" not in result.stderr
    start = next(i for i, line in enumerate(lines) if line.startswith("START RequestId: "))
    assert lines[start].endswith(" Version: $LATEST")
    assert lines[start + 1] == '{"level": "INFO", "message": "handling"}'
    assert lines[start + 2].startswith("END RequestId: ")


def test_color_always_pretty_prints_and_colours_by_level(tmp_path: Path, app: Path) -> None:
    result = toolkit(tmp_path, "invoke", "app.py:fails", "--color", "always", NO_COLOR="1")
    assert result.returncode == 1
    assert '\x1b[31m{\n  "level": "ERROR",\n  "message": "about to fail"\n}\x1b[0m' in (
        result.stderr
    )
    assert '\x1b[32m{\n  "level": "INFO",\n  "message": "module imported"\n}' in result.stderr
    assert "\x1b[2mSTART RequestId: " in result.stderr
    assert json.loads(result.stdout)["errorType"] == "ValueError"  # stdout stays plain


def test_color_never_keeps_lines_raw(tmp_path: Path, app: Path) -> None:
    result = toolkit(tmp_path, "invoke", "app.py:handler", "--color", "never")
    assert '{"level": "INFO", "message": "handling"}' in result.stderr.splitlines()
    assert "\x1b[" not in result.stderr


def test_line_without_newline_is_not_lost(tmp_path: Path, app: Path) -> None:
    result = toolkit(tmp_path, "invoke", "app.py:unfinished_line")
    assert response(result) is None
    assert "no newline at the end\nEND RequestId: " in result.stderr


# --- errors ------------------------------------------------------------------------------


def test_handler_error_in_lambda_format(tmp_path: Path, app: Path) -> None:
    result = toolkit(tmp_path, "invoke", "app.py:fails")
    assert result.returncode == 1
    document = json.loads(result.stdout)
    assert list(document) == ["errorMessage", "errorType", "requestId", "stackTrace"]
    assert document["errorMessage"] == "the order is missing"
    assert document["errorType"] == "ValueError"
    assert re.fullmatch(r"[0-9a-f-]{36}", document["requestId"])
    assert len(document["stackTrace"]) == 1
    frame = document["stackTrace"][0]
    assert frame.startswith(f'  File "{tmp_path.resolve() / "app.py"}", line ')
    assert frame.endswith(', in fails\n    raise ValueError("the order is missing")\n')
    assert "[ERROR] ValueError: the order is missing\nTraceback (most recent call last):" in (
        result.stderr
    )
    assert "toolkit/cli" not in result.stderr
    assert f"END RequestId: {document['requestId']}" in result.stderr


def test_failures_among_repeats_keep_going_and_exit_1(tmp_path: Path, app: Path) -> None:
    result = toolkit(tmp_path, "invoke", "app.py:fails", "--repeat", "2")
    assert result.returncode == 1
    documents = [json.loads(line) for line in result.stdout.splitlines()]
    assert [d["errorType"] for d in documents] == ["ValueError", "ValueError"]
    assert documents[0]["requestId"] != documents[1]["requestId"]


@pytest.mark.parametrize(
    ("event", "reason"),
    [
        ("{}", "Runtime exited without providing a reason"),
        ('{"code": 3}', "Runtime exited with error: exit status 3"),
        ('{"code": "bye"}', "Runtime exited with error: exit status 1"),
    ],
)
def test_sys_exit_in_handler_ends_the_environment(
    tmp_path: Path, app: Path, event: str, reason: str
) -> None:
    result = toolkit(tmp_path, "invoke", "app.py:exits", "--repeat", "3", "-e", "-", stdin=event)
    assert result.returncode == 1
    (line,) = result.stdout.splitlines()
    document = json.loads(line)
    assert document["errorType"] == "Runtime.ExitError"
    assert document["errorMessage"] == f"RequestId: {document['requestId']} Error: {reason}"
    assert result.stderr.count("START RequestId") == 1
    assert "SUMMARY" not in result.stderr


def test_unserialisable_response_is_a_marshal_error(tmp_path: Path, app: Path) -> None:
    result = toolkit(tmp_path, "invoke", "app.py:unserialisable")
    assert result.returncode == 1
    document = json.loads(result.stdout)
    assert document["errorType"] == "Runtime.MarshalError"
    assert document["errorMessage"] == (
        "Unable to marshal response: Object of type set is not JSON serializable"
    )
    assert document["stackTrace"] == []


def test_bytes_response_is_written_as_is(tmp_path: Path, app: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "toolkit", "invoke", "app.py:as_bytes"],
        cwd=tmp_path,
        env=subprocess_env(),
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0
    assert result.stdout == b"\x00raw\n"


def test_decimals_are_numbers(tmp_path: Path, app: Path) -> None:
    assert response(toolkit(tmp_path, "invoke", "app.py:money")) == {"price": 9.5, "count": 3}


# --- toolkit events ----------------------------------------------------------------------


def test_events_lists_every_sample_with_a_description(tmp_path: Path) -> None:
    result = toolkit(tmp_path, "events")
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert [line.split()[0] for line in lines] == sorted(SAMPLES)
    assert all(len(line.split(None, 1)) == 2 for line in lines)


def test_events_prints_one_sample(tmp_path: Path) -> None:
    result = toolkit(tmp_path, "events", "sqs")
    assert result.returncode == 0
    assert json.loads(result.stdout) == json.loads((SAMPLES_DIR / "sqs.json").read_text())


def test_events_unknown_name(tmp_path: Path) -> None:
    result = toolkit(tmp_path, "events", "smoke-signal")
    assert result.returncode == 2
    assert "toolkit events: error: no built-in sample event 'smoke-signal'; known: alb," in (
        result.stderr
    )


def test_no_command_is_a_usage_error(tmp_path: Path) -> None:
    result = toolkit(tmp_path)
    assert result.returncode == 2
    assert "COMMAND" in result.stderr


def test_help_documents_the_flags(tmp_path: Path) -> None:
    result = toolkit(tmp_path, "invoke", "--help")
    assert result.returncode == 0
    for flag in ("--event", "--event-name", "--function-name", "--memory", "--timeout"):
        assert flag in result.stdout
    for flag in ("--region", "--repeat", "--trace", "--color"):
        assert flag in result.stdout


def test_readme_example_shape(tmp_path: Path) -> None:
    hello = tmp_path / "examples" / "hello"
    hello.mkdir(parents=True)
    (hello / "app.py").write_text(
        textwrap.dedent(
            """
            def handler(event, context):
                return {"statusCode": 200, "body": event["body"]}
            """
        )
    )
    result = toolkit(
        tmp_path, "invoke", "examples/hello/app.py:handler", "--event-name", "apigw-rest"
    )
    assert response(result) == {"statusCode": 200, "body": "Hello from Lambda!"}


def test_ctrl_c_stops_quietly_with_130(tmp_path: Path, app: Path) -> None:
    (tmp_path / "long.json").write_text('{"seconds": 30}')
    child = subprocess.Popen(
        [sys.executable, "-m", "toolkit", "invoke", "app.py:sleeper", *("-e", "long.json")],
        cwd=tmp_path,
        env=subprocess_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stderr is not None
    for line in child.stderr:
        if line == "going to sleep\n":
            break
    child.send_signal(signal.SIGINT)
    stdout, stderr = child.communicate(timeout=30)
    assert child.returncode == 130
    assert stdout == ""
    assert "Traceback" not in stderr
