"""The command line's pure pieces, in-process: the log stream name, the log renderer and stream,
the REPORT line, marshalling, the environment table and spec parsing."""

from __future__ import annotations

import codecs
import io
import json
import os
import re
import sys
import threading
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest

from toolkit import config
from toolkit.cli import main
from toolkit.cli.errors import EventError, HandlerSpecError
from toolkit.cli.events import SAMPLES, SAMPLES_DIR, list_samples, read_event_text, sample_text
from toolkit.cli.handler import parse_spec
from toolkit.cli.invoke import (
    error_document,
    lambda_environment,
    log_stream_name,
    marshal,
    report_line,
    summary_line,
)
from toolkit.cli.output import LogStream, pretty, pretty_plain, raw, renderer

# --- log stream ----------------------------------------------------------------------


def test_log_stream_name_shape() -> None:
    name = log_stream_name(now=0)
    assert re.fullmatch(r"1970/01/01/\[\$LATEST\][0-9a-f]{32}", name)


# --- environment -------------------------------------------------------------------------


def environment(trace: bool) -> dict[str, str | None]:
    return lambda_environment(
        function_name="f",
        memory=512,
        region="eu-central-1",
        task_root="/t",
        stream="s",
        trace=trace,
    )


def test_environment_disables_tracing_unless_asked_or_set(monkeypatch: pytest.MonkeyPatch) -> None:
    values = environment(trace=False)
    assert values[config.TRACE_DISABLED.name] == "true"
    assert values["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "512"
    assert values["AWS_DEFAULT_REGION"] == values["AWS_REGION"] == "eu-central-1"
    assert config.TRACE_DISABLED.name not in environment(trace=True)
    monkeypatch.setenv("POWERTOOLS_TRACE_DISABLED", "false")
    assert config.TRACE_DISABLED.name not in environment(trace=False)


def test_environment_names_come_from_the_config_table() -> None:
    names = set(environment(trace=False))
    assert names <= {var.name for var in config.VARIABLES}


# --- log rendering -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("level", "code"),
    [
        ("DEBUG", "36"),
        ("INFO", "32"),
        ("warning", "33"),
        ("WARN", "33"),
        ("ERROR", "31"),
        ("CRITICAL", "1;31"),
    ],
)
def test_pretty_colours_by_level(level: str, code: str) -> None:
    line = json.dumps({"level": level, "message": "m"})
    rendered = pretty(line)
    assert rendered.startswith(f"\x1b[{code}m{{\n  ")
    assert rendered.endswith("}\x1b[0m")
    assert json.loads(rendered[len(code) + 3 : -4]) == {"level": level, "message": "m"}


def test_pretty_reads_levelname_too() -> None:
    assert pretty('{"levelname": "ERROR"}').startswith("\x1b[31m")


@pytest.mark.parametrize(
    "line",
    ["plain text", "{not json", "", '  {"level": "INFO"}', "[1, 2]", "{" * 100_000],
)
def test_pretty_passes_other_lines_through(line: str) -> None:
    assert pretty(line) == line


def test_pretty_leaves_json_without_known_level_uncoloured() -> None:
    emf = '{"_aws": {"Timestamp": 1}, "latency": 3}'
    assert pretty(emf) == json.dumps(json.loads(emf), indent=2)
    assert pretty('{"level": 20}') == '{\n  "level": 20\n}'
    assert pretty('{"level": "NOTICE"}') == '{\n  "level": "NOTICE"\n}'


def test_pretty_plain_has_no_colour() -> None:
    assert pretty_plain('{"level": "INFO", "m": "é"}') == '{\n  "level": "INFO",\n  "m": "é"\n}'


@pytest.mark.parametrize(
    ("mode", "tty", "no_colour", "expected"),
    [
        ("always", False, True, (pretty, True)),
        ("never", True, False, (raw, False)),
        ("auto", False, False, (raw, False)),
        ("auto", True, False, (pretty, True)),
        ("auto", True, True, (pretty_plain, False)),
    ],
)
def test_renderer_modes(mode: str, tty: bool, no_colour: bool, expected: object) -> None:
    assert renderer(mode, tty, no_colour) == expected


def test_log_stream_renders_whole_lines_only() -> None:
    sink = io.StringIO()
    stream = LogStream(sink, str.upper)
    stream.write('{"a"')
    assert sink.getvalue() == ""
    stream.write(": 1}\nnext")
    assert sink.getvalue() == '{"A": 1}\n'
    stream.flush()
    assert sink.getvalue() == '{"A": 1}\n'
    stream.drain()
    assert sink.getvalue() == '{"A": 1}\nNEXT\n'
    stream.drain()
    assert sink.getvalue() == '{"A": 1}\nNEXT\n'
    assert stream.writable() and not stream.isatty()
    assert stream.encoding == "utf-8"


def test_log_stream_keeps_each_threads_partial_line_apart() -> None:
    # print() writes the text and its newline in two calls; another thread's whole line
    # between them must not be spliced onto the first thread's partial line.
    sink = io.StringIO()
    stream = LogStream(sink, raw)
    stream.write('{"thread": 1}')
    other = threading.Thread(target=stream.write, args=('{"thread": 2}\n{"thread": 2, "tail": 1}',))
    other.start()
    other.join()
    stream.write("\n")
    assert sink.getvalue().splitlines() == ['{"thread": 2}', '{"thread": 1}']
    stream.drain()
    assert sink.getvalue().splitlines()[-1] == '{"thread": 2, "tail": 1}'


def test_log_stream_works_with_print_and_threads() -> None:
    sink = io.StringIO()
    stream = LogStream(sink, raw)

    def log(n: int) -> None:
        for i in range(200):
            print(json.dumps({"thread": n, "i": i}), file=stream)

    threads = [threading.Thread(target=log, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    lines = sink.getvalue().splitlines()
    assert len(lines) == 800
    assert all(json.loads(line)["i"] < 200 for line in lines)


# --- report and marshalling --------------------------------------------------------------


def test_report_line_fields() -> None:
    line = report_line("req", 12.3456, 256, init_ms=80.5)
    parts = line.split("\t")
    assert parts[:4] == [
        "REPORT RequestId: req",
        "Duration: 12.35 ms",
        "Billed Duration: 13 ms",
        "Memory Size: 256 MB",
    ]
    assert re.fullmatch(r"Max Memory Used: \d+ MB", parts[4])
    assert parts[5] == "Init Duration: 80.50 ms"
    assert "Init" not in report_line("req", 0.2, 128)
    assert "Billed Duration: 1 ms" in report_line("req", 0.2, 128)


def test_summary_line() -> None:
    assert summary_line([10.0, 1.0, 3.0, 2.0]) == (
        "SUMMARY Invocations: 4\tCold: 10.00 ms\tWarm min/median/max: 1.00/2.00/3.00 ms"
    )


def test_marshal() -> None:
    assert marshal(b"\x01") == b"\x01"
    assert marshal({"n": Decimal("1.5"), "i": Decimal("2"), "s": "é"}) == (
        '{"n": 1.5, "i": 2, "s": "é"}'.encode()
    )
    special = marshal([Decimal("Infinity"), Decimal("-Infinity"), Decimal("NaN")])
    assert special == b"[Infinity, -Infinity, NaN]"
    with pytest.raises(TypeError, match="Object of type set is not JSON serializable"):
        marshal({1})
    with pytest.raises(TypeError, match="Object of type object is not JSON serializable"):
        marshal(object())


def test_error_document_shape() -> None:
    assert error_document("m", "T", "r") == {
        "errorMessage": "m",
        "errorType": "T",
        "requestId": "r",
        "stackTrace": [],
    }


# --- specs and events --------------------------------------------------------------------


def test_parse_spec_forms(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "app.py").write_text("")
    monkeypatch.chdir(tmp_path)
    by_file = parse_spec("app.py:handler")
    assert (by_file.module, by_file.attribute, by_file.file) == (
        "app",
        "handler",
        tmp_path.resolve() / "app.py",
    )
    assert by_file.task_root == tmp_path.resolve()
    bare = parse_spec("app.py")  # the function is found by name when the module is loaded
    assert (bare.module, bare.attribute, bare.file) == ("app", None, tmp_path.resolve() / "app.py")
    dotted = parse_spec("pkg.mod.handler")
    assert (dotted.module, dotted.attribute, dotted.file) == ("pkg.mod", "handler", None)
    assert dotted.default_function_name == "mod"
    assert dotted.task_root == tmp_path


@pytest.mark.parametrize(
    ("spec", "missing"),
    [
        ("handler", "format"),
        ("a.py:", "format"),
        (":h", "format"),
        ("x.py:h", "file"),
        ("x.py", "file"),
        ("../api.handler", "format"),
        ("pkg..mod.handler", "format"),
    ],
)
def test_parse_spec_errors(
    spec: str, missing: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(HandlerSpecError) as caught:
        parse_spec(spec)
    assert caught.value.missing == missing
    assert caught.value.spec == spec


def test_samples_table_matches_the_files() -> None:
    on_disk = {path.stem for path in SAMPLES_DIR.glob("*.json")}
    assert on_disk == set(SAMPLES)
    notice = (SAMPLES_DIR / "NOTICE").read_text()
    for name in SAMPLES:
        assert f"{name}.json" in notice
        assert isinstance(json.loads(sample_text(name)), dict)
    for required in (
        "apigw-rest", "apigw-http", "alb", "function-url", "sqs", "sns", "s3",
        "eventbridge", "kinesis", "dynamodb", "cloudwatch-logs", "sqs-fifo",
    ):  # fmt: skip
        assert required in SAMPLES


ID_KEY = re.compile(r"(?:^|[a-z_])(?:id|Id|ID)$")
PLACEHOLDER = re.compile(r"(?i)x{3,}|[<>]|^(?:id|api-id|request-id|record\d*|\d{1,3})=?$")


def id_fields(value: object, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, str) and ID_KEY.search(key):
                yield f"{path}.{key}", item
            yield from id_fields(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from id_fields(item, f"{path}[{index}]")


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_sample_ids_look_real(name: str) -> None:
    """A sample's ids end up in the user's first log lines (a correlation id read from
    requestContext.requestId, say): none may be a placeholder such as 'id=' or 'xxxx'."""
    fields = id_fields(json.loads(sample_text(name)))
    assert [(p, v) for p, v in fields if len(v) < 6 or PLACEHOLDER.search(v)] == []


def test_read_event_text_errors(tmp_path: Path) -> None:
    assert read_event_text(None, None) == "{}"
    with pytest.raises(EventError) as caught:
        read_event_text(str(tmp_path / "absent.json"), None)
    assert caught.value.source.endswith("absent.json")
    with pytest.raises(EventError, match="no built-in sample event 'nope'"):
        read_event_text(None, "nope")


def test_event_from_standard_input_is_decoded_like_a_file(monkeypatch: pytest.MonkeyPatch) -> None:
    data = codecs.BOM_UTF16_LE + '{"name": "Zoë"}'.encode("utf-16-le")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    assert json.loads(read_event_text("-", None)) == {"name": "Zoë"}
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b'{"a": "\xff"}')))
    with pytest.raises(EventError, match="the event in standard input is not UTF-8 text"):
        read_event_text("-", None)


def test_main_events_in_process(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["events"]) == 0
    assert capsys.readouterr().out == list_samples()
    assert main(["events", "nope"]) == 2
    assert "toolkit events: error: no built-in sample event 'nope'" in capsys.readouterr().err


@pytest.fixture
def restored_process(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """An in-process invoke sets Lambda variables and imports a module: put everything back."""
    saved = dict(os.environ)
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.setattr(sys, "modules", dict(sys.modules))
    yield
    os.environ.clear()
    os.environ.update(saved)


def test_main_invoke_in_process_with_text_only_stdout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], restored_process: None
) -> None:
    (tmp_path / "inproc_app.py").write_text(
        "def handler(event, context):\n    print('log line')\n    return [event, 'é']\n"
    )
    code = main(["invoke", f"{tmp_path}/inproc_app.py:handler", "-n", "sqs", "--color", "never"])
    captured = capsys.readouterr()
    assert code == 0
    event, text = json.loads(captured.out)
    assert event["Records"][0]["eventSource"] == "aws:sqs"
    assert text == "é"
    assert "log line\n" in captured.err
    assert os.environ["AWS_LAMBDA_FUNCTION_NAME"] == "inproc_app"


def test_main_invoke_bad_spec_in_process(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], restored_process: None
) -> None:
    assert main(["invoke", f"{tmp_path}/absent.py:handler"]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_docs_page_lists_every_sample_and_flag() -> None:
    page = (Path(__file__).resolve().parents[2] / "docs" / "cli.md").read_text()
    for name, description in SAMPLES.items():
        assert f"| `{name}` | {description} |" in page
    flags = ["--event", "--event-name", "--function-name", "--memory", "--timeout"]
    for flag in [*flags, "--region", "--repeat", "--trace", "--color"]:
        assert f"`{flag}" in page
