"""Powertools' Logger output options and formatter classes, against toolkit's own API.

Each option of Powertools 3.37's ``Logger.__init__`` (aws_lambda_powertools/logging/logger.py)
is recognised with its meaning instead of becoming a key on every line; the formatter classes
keep the names and hooks of aws_lambda_powertools/logging/formatter.py.
"""

from __future__ import annotations

import importlib.util
import io
import json
import logging
import re
import subprocess
import sys
import time
from typing import Any

import pytest

from tests.conftest import ROOT, subprocess_env
from toolkit import Logger
from toolkit.config import environ
from toolkit.logging import (
    InvalidBufferError,
    LogBuffer,
    LoggerBufferConfig,
    register_secret,
    unregister_secret,
)
from toolkit.logging.buffer import LoggerBufferConfig as BufferModuleConfig
from toolkit.logging.formatter import (
    BasePowertoolsFormatter,
    JsonFormatter,
    LambdaPowertoolsFormatter,
)
from toolkit.testing import lambda_context

OPTION_NAMES = {
    "logger_formatter",
    "logger_handler",
    "log_uncaught_exceptions",
    "json_serializer",
    "json_deserializer",
    "json_default",
    "datefmt",
    "use_datetime_directive",
    "log_record_order",
    "utc",
    "use_rfc3339",
    "serialize_stacktrace",
    "buffer_config",
}


def _boom() -> BaseException:
    try:
        raise ValueError("bad order")
    except ValueError as exc:
        return exc


class Stamped(LambdaPowertoolsFormatter):
    """A user's formatter in Powertools' style: ``serialize`` adds a key and renames one."""

    def serialize(self, log: dict[str, Any]) -> str:
        log["stamped"] = True
        log["msg"] = log.pop("message")
        return super().serialize(log)


class OwnFormatter(BasePowertoolsFormatter):
    """A formatter written from scratch against the base, as in Powertools' docs."""

    def __init__(self) -> None:
        self.log_format: dict[str, Any] = {}
        super().__init__()

    def append_keys(self, **additional_keys: Any) -> None:
        self.log_format.update(additional_keys)

    def clear_state(self) -> None:
        self.log_format = {}

    def format(self, record: logging.LogRecord) -> str:
        self.last = record
        return json.dumps({"event": super().format(record), **self.log_format})


# --- the constructor ------------------------------------------------------------------------


def test_no_powertools_option_becomes_a_key_on_the_line(stream, service):
    """Before: every one of these was written as a key of every line."""
    handler = logging.StreamHandler(stream)
    logger = Logger(
        service,
        logger_handler=handler,
        json_default=repr,
        datefmt="%Y",
        utc=True,
        use_datetime_directive=True,
        use_rfc3339=False,
        log_record_order=["message"],
        serialize_stacktrace=True,
        json_deserializer=json.loads,
        buffer_config=LoggerBufferConfig(),
        team="payments",
    )
    logger.info("hello")
    (line,) = stream.records()
    assert OPTION_NAMES.isdisjoint(line)
    assert line["team"] == "payments"  # any other keyword stays a persistent key


def test_formatter_options_with_a_logger_formatter_are_refused(service):
    with pytest.raises(TypeError, match="datefmt, log_record_order"):
        Logger(service, logger_formatter=Stamped(), datefmt="%Y", log_record_order=["level"])
    with pytest.raises(TypeError, match="utc"):
        Logger(service, logger_formatter=Stamped(), utc=True)
    with pytest.raises(TypeError, match=r"logger_formatter must be a logging\.Formatter"):
        Logger(service, logger_formatter="json")  # type: ignore[arg-type]


# --- logger_formatter -----------------------------------------------------------------------


def test_a_subclass_overriding_serialize_shapes_every_line(stream, service):
    logger = Logger(service, stream=stream, logger_formatter=Stamped(), team="payments")
    ctx = lambda_context(function_name="orders")

    @logger.inject_lambda_context
    def handler(event: Any, context: Any) -> None:
        logger.info("one", order_id=1)
        logging.getLogger(f"{service}.lib").warning("from a library")
        logger.append_keys(user="u1")
        logger.exception("failed", exc_info=_boom())

    handler({}, ctx)
    lines = stream.records()
    assert len(lines) == 3
    assert all(line["stamped"] is True and "message" not in line for line in lines)
    assert [line["msg"] for line in lines] == ["one", "from a library", "failed"]
    assert lines[0]["order_id"] == 1 and lines[0]["function_name"] == "orders"
    assert lines[1]["logger"] == f"{service}.lib"
    assert lines[2]["user"] == "u1" and lines[2]["exception_name"] == "ValueError"
    assert all(line["team"] == "payments" and line["service"] == service for line in lines)


def test_a_formatter_built_on_the_base_is_given_the_keys_of_each_line(stream, service):
    formatter = OwnFormatter()
    logger = Logger(service, stream=stream, logger_formatter=formatter, team="payments")

    @logger.inject_lambda_context
    def handler(event: Any, context: Any) -> None:
        logger.append_keys(user="u1")
        logger.info("inside", order_id=5)
        assert formatter.last.order_id == 5  # the call's keys as record attributes
        assert not hasattr(formatter.last, "_toolkit_keys")

    handler({}, lambda_context(function_name="orders"))
    logger.remove_keys("team")
    logger.info("after")
    inside, after = stream.records()
    assert inside["event"] == "inside"
    assert inside["function_name"] == "orders" and inside["user"] == "u1"
    assert inside["team"] == "payments" and "level" not in inside
    assert after == {"event": "after", "service": service}  # invocation keys gone, team removed


def test_a_formatter_that_raises_still_gets_the_line_written(stream, service):
    class Broken(LambdaPowertoolsFormatter):
        def serialize(self, log: dict[str, Any]) -> str:
            raise RuntimeError("serializer down")

    logger = Logger(service, stream=stream, logger_formatter=Broken())
    logger.info("kept", order_id=3)
    (line,) = stream.records()
    assert line["message"] == "kept" and line["order_id"] == 3
    assert line["formatter_error"] == "Broken: RuntimeError: serializer down"


def test_a_serializer_returning_bytes_or_another_type(stream, service):
    as_bytes = Logger(service, stream=stream, json_serializer=lambda log: json.dumps(log).encode())
    as_bytes.info("bytes")
    as_dict = Logger(f"{service}x", stream=stream, json_serializer=lambda log: log)
    as_dict.info("dict")
    first, second = stream.records()
    assert first["message"] == "bytes" and "formatter_error" not in first
    assert second["message"] == "dict"
    assert second["formatter_error"].endswith("TypeError: format returned dict, not str")


def test_a_formatter_line_over_cloudwatchs_limit_is_bounded(stream, service):
    logger = Logger(service, stream=stream, json_serializer=lambda log: json.dumps(log) * 2)
    logger.info("x" * 200_000)
    (line,) = stream.getvalue().splitlines()
    assert len(line.encode()) <= 262_118
    assert "CloudWatch's limit" in json.loads(line)["formatter_error"]


# --- logger_handler -------------------------------------------------------------------------


def test_logger_handler_receives_every_line_instead_of_stdout(capsys, service):
    target = io.StringIO()
    handler = logging.StreamHandler(target)
    handler.setLevel(logging.WARNING)
    logger = Logger(service, logger_handler=handler)
    logger.info("below the handler's level")
    logger.warning("to the handler", order_id=9)
    lines = [json.loads(text) for text in target.getvalue().splitlines()]
    assert capsys.readouterr().out == ""
    assert [(line["level"], line["message"]) for line in lines] == [("WARNING", "to the handler")]
    assert lines[0]["order_id"] == 9


def test_logger_handler_gets_buffered_lines_when_they_are_flushed(service):
    target = io.StringIO()
    logger = Logger(
        service,
        logger_handler=logging.StreamHandler(target),
        buffer_config=LoggerBufferConfig(buffer_at_verbosity="DEBUG"),
    )

    @logger.inject_lambda_context
    def handler(event: Any, context: Any) -> None:
        logger.debug("held")
        logger.error("failed")

    handler({}, lambda_context())
    assert [json.loads(t)["message"] for t in target.getvalue().splitlines()] == ["held", "failed"]


# --- timestamps, order, stack trace ---------------------------------------------------------


def test_datefmt_with_milliseconds_in_utc(stream, service):
    logger = Logger(service, stream=stream, datefmt="%Y-%m-%d %H:%M:%S.%F %z", utc=True)
    before = time.time()
    logger.info("x")
    (line,) = stream.records()
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} \+0000", line["timestamp"])
    assert line["timestamp"][:4] == time.strftime("%Y", time.gmtime(before))


def test_datetime_directives_and_rfc3339(stream, service):
    Logger(service, stream=stream, datefmt="%f|%F", use_datetime_directive=True).info("x")
    Logger(f"{service}b", stream=stream, use_rfc3339=True, utc=True).info("y")
    directive, rfc = (line["timestamp"] for line in stream.records())
    assert re.fullmatch(r"\d{6}\|\d{3}", directive)  # %f: datetime's microseconds
    assert directive[:3] == directive[-3:]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00", rfc)


def test_log_record_order(stream, service):
    logger = Logger(service, stream=stream, log_record_order=["message", "service", "nope"])
    logger.info("first", order_id=1)
    (line,) = stream.records()
    assert list(line)[:3] == ["message", "service", "level"]


def test_serialize_stacktrace(stream, service):
    Logger(service, stream=stream).exception("with", exc_info=_boom())
    Logger(f"{service}b", stream=stream, serialize_stacktrace=False).exception(
        "without", exc_info=_boom()
    )
    with_trace, without = stream.records()
    trace = with_trace["stack_trace"]
    assert (trace["type"], trace["value"]) == ("ValueError", "bad order")
    assert trace["module"] == "builtins"
    assert trace["frames"][-1]["function"] == "_boom"
    assert set(trace["frames"][-1]) == {"file", "line", "function", "statement"}
    assert "stack_trace" not in without and without["exception_name"] == "ValueError"


# --- serializers ----------------------------------------------------------------------------


def test_json_serializer_deserializer_and_default(stream, service):
    seen: list[dict[str, Any]] = []

    def serializer(log: dict[str, Any]) -> str:
        seen.append(log)
        return json.dumps(log, sort_keys=True)

    class Money:
        def __str__(self) -> str:
            return "str"

    logger = Logger(
        service,
        stream=stream,
        json_serializer=serializer,
        json_deserializer=json.loads,
        json_default=lambda value: "money" if isinstance(value, Money) else str(value),
    )
    logger.info('{"order": 1}', amount=Money())
    logger.info("not json")
    logger.info("%s", '{"formatted": true}')
    document, text, formatted = stream.records()
    assert document["message"] == {"order": 1} and document["amount"] == "money"
    assert text["message"] == "not json"
    assert formatted["message"] == '{"formatted": true}'  # with arguments: not decoded
    assert list(seen[0]) != sorted(seen[0]) and list(document) == sorted(document)


def test_json_default_alone_keeps_the_fast_path(stream, service):
    logger = Logger(service, stream=stream, json_default=lambda value: "converted")
    logger.info("x", value=object())
    assert stream.records()[0]["value"] == "converted"
    assert logger._fast


# --- buffer_config --------------------------------------------------------------------------


def test_buffer_config_is_powertools_name_for_a_log_buffer(stream, service):
    config = LoggerBufferConfig(
        max_bytes=4096, buffer_at_verbosity="info", flush_on_error_log=False
    )
    assert BufferModuleConfig is LoggerBufferConfig
    assert config == LogBuffer("INFO", 4096, False)
    assert (config.max_bytes, config.buffer_at_verbosity, config.flush_on_error_log) == (
        4096,
        "INFO",
        False,
    )
    logger = Logger(service, stream=stream, buffer_config=config)

    @logger.inject_lambda_context
    def handler(event: Any, context: Any) -> None:
        logger.info("held, then dropped")
        logger.error("no flush on error log")

    handler({}, lambda_context())
    assert stream.messages() == ["no flush on error log"]


def test_buffer_config_errors(service):
    with pytest.raises(InvalidBufferError):
        LoggerBufferConfig(buffer_at_verbosity="ERROR")
    with pytest.raises(ValueError, match="max_bytes"):
        LoggerBufferConfig(max_bytes=0)
    with pytest.raises(TypeError, match="buffer or buffer_config"):
        Logger(service, buffer=LogBuffer(), buffer_config=LoggerBufferConfig())


# --- log_uncaught_exceptions ----------------------------------------------------------------


def test_log_uncaught_exceptions_logs_then_defers_to_the_previous_hook(stream, service):
    called: list[BaseException] = []
    saved = sys.excepthook
    sys.excepthook = lambda etype, value, tb: called.append(value)
    try:
        Logger(service, stream=stream, log_uncaught_exceptions=True)
        error = _boom()
        sys.excepthook(type(error), error, error.__traceback__)
    finally:
        sys.excepthook = saved
    (line,) = stream.records()
    assert (line["level"], line["message"], line["exception_name"]) == (
        "ERROR",
        "bad order",
        "ValueError",
    )
    assert called == [error]


def test_without_log_uncaught_exceptions_the_hook_is_left_alone(service):
    saved = sys.excepthook
    Logger(service, stream=io.StringIO(), log_uncaught_exceptions=False)
    assert sys.excepthook is saved


# --- POWERTOOLS_DEV -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["POWERTOOLS_DEV", "TOOLKIT_DEV"])
def test_dev_mode_writes_indented_json(stream, service, name):
    with environ({name: "true"}):
        logger = Logger(service, stream=stream)
    logger.info("pretty", order_id=1)
    text = stream.getvalue()
    assert text.startswith('{\n    "level": "INFO",\n')
    assert json.loads(text)["order_id"] == 1


def test_without_dev_mode_lines_stay_compact_and_fast(stream, service):
    with environ({"POWERTOOLS_DEV": "false", "TOOLKIT_DEV": None}):
        logger = Logger(service, stream=stream)
    logger.info("compact")
    assert stream.getvalue().count("\n") == 1 and logger._fast


# --- the formatter classes on their own -----------------------------------------------------


def test_the_base_is_abstract_and_the_old_name_is_kept():
    with pytest.raises(TypeError, match="abstract"):
        BasePowertoolsFormatter()  # type: ignore[abstract]
    assert JsonFormatter is LambdaPowertoolsFormatter


def test_the_formatter_on_a_plain_stdlib_logger():
    target = io.StringIO()
    handler = logging.StreamHandler(target)
    formatter = LambdaPowertoolsFormatter(team="payments", log_record_order=["message"])
    handler.setFormatter(formatter)
    plain = logging.getLogger("test_powertools_options.plain")
    plain.propagate = False
    plain.setLevel(logging.DEBUG)
    plain.addHandler(handler)
    formatter.append_keys(user="u1", temp=1)
    formatter.remove_keys(["temp"])
    plain.info("hello %s", "world", extra={"order_id": 4})
    plain.info("%d orders", "many")  # bad arguments: the message says so, nothing raises
    formatter.clear_state()
    formatter.thread_safe_append_keys(request="r1")
    plain.error("failed", exc_info=_boom())
    first, bad, second = (json.loads(t) for t in target.getvalue().splitlines())
    assert bad["message"] == "%d orders (message_args_error: TypeError)"
    assert next(iter(first)) == "message" and first["message"] == "hello world"
    assert (first["team"], first["user"], first["order_id"]) == ("payments", "u1", 4)
    assert "temp" not in first
    assert "user" not in second and second["request"] == "r1"
    assert second["exception_name"] == "ValueError" and second["level"] == "ERROR"
    assert formatter.get_current_keys() == {"team": "payments"}
    assert formatter.thread_safe_get_current_keys() == {"request": "r1"}
    formatter.thread_safe_remove_keys(["request"])
    assert formatter.thread_safe_get_current_keys() == {}
    with formatter.append_context_keys(block=1):
        assert formatter.get_current_keys()["block"] == 1
    assert "block" not in formatter.get_current_keys()


def test_registered_secrets_are_masked_in_a_formatters_output(stream, service):
    secret = "s3cr3t-token-value"
    register_secret(secret)
    try:
        logger = Logger(service, stream=stream, logger_formatter=OwnFormatter(), api=secret)
        logger.info(f"calling with {secret}")
        Logger(f"{service}b", stream=stream, logger_formatter=Stamped()).info(secret)
    finally:
        unregister_secret(secret)
    assert secret not in stream.getvalue()
    own, stamped = stream.records()
    assert own["api"] == "***" and own["event"] == "calling with ***"
    assert stamped["msg"] == "***" and stamped["stamped"] is True


def test_the_custom_formatter_example(capsys):
    spec = importlib.util.spec_from_file_location(
        "custom_formatter_example", ROOT / "examples" / "logger" / "custom_formatter.py"
    )
    assert spec is not None and spec.loader is not None
    app = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(app)
    assert app.handler({"order_id": "o-7"}, lambda_context(function_name="orders")) == {
        "statusCode": 200
    }
    (line,) = (json.loads(text) for text in capsys.readouterr().out.splitlines())
    assert (line["msg"], line["stage"], line["order_id"]) == ("charged", "prod", "o-7")
    assert "message" not in line and line["function_name"] == "orders"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d", line["timestamp"])


def test_a_logger_without_a_formatter_never_loads_the_formatter_classes():
    """Cold start: the formatter classes are loaded only by a Logger that uses one."""
    probe = (
        "import sys, io\n"
        "from toolkit import Logger\n"
        "Logger('cold', stream=io.StringIO(), json_default=repr, utc=True).info('x')\n"
        "print('toolkit.logging._powertools_formatter' in sys.modules)\n"
    )
    env = {k: v for k, v in subprocess_env().items() if not k.startswith("COVERAGE_")}
    env.pop("POWERTOOLS_DEV", None)
    env.pop("TOOLKIT_DEV", None)
    command = [sys.executable, "-c", probe]
    result = subprocess.run(command, check=True, capture_output=True, text=True, env=env)
    assert result.stdout.strip() == "False"


def test_the_loggers_own_notices_go_through_the_formatter(stream, service):
    with environ({"AWS_LAMBDA_LOG_LEVEL": "WARN"}):
        Logger(service, level="DEBUG", stream=stream, logger_formatter=Stamped())
    (notice,) = stream.records()
    assert notice["stamped"] is True and notice["level"] == "WARNING"
    assert notice["location"] == "toolkit.logging:level"
    assert notice["msg"].startswith("AWS_LAMBDA_LOG_LEVEL is higher")


def test_a_plain_logging_formatter_writes_its_own_text(service):
    target = io.StringIO()
    logger = Logger(
        service,
        logger_handler=logging.StreamHandler(target),
        logger_formatter=logging.Formatter("%(levelname)s %(message)s %(order_id)s"),
    )
    logger.warning("plain text", order_id=8)
    assert target.getvalue() == "WARNING plain text 8\n"


def test_a_handler_that_raises_never_reaches_the_caller(capsys, service):
    class Failing(logging.Handler):
        def handle(self, record: logging.LogRecord) -> bool:
            raise OSError("disk full")

    logger = Logger(service, logger_handler=Failing())
    logger.info("lost, and reported")
    logger.info("again")
    err = capsys.readouterr().err
    assert err.count("could not write a log line") == 1 and "OSError: disk full" in err


def test_flush_buffer_on_uncaught_error_true_is_what_happens_false_is_refused(stream, service):
    logger = Logger(service, stream=stream, buffer_config=LoggerBufferConfig())

    @logger.inject_lambda_context(flush_buffer_on_uncaught_error=True)
    def handler(event: object, context: object) -> None:
        logger.debug("held until the error")
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        handler({}, lambda_context())
    assert [r["message"] for r in stream.records()][:1] == ["held until the error"]
    with pytest.raises(TypeError, match="flush_buffer_on_uncaught_error=False"):
        logger.inject_lambda_context(flush_buffer_on_uncaught_error=False)(handler)
