"""The Logger is a logging.Logger: stdlib callers, handlers, filters and children."""

from __future__ import annotations

import logging

import pytest

from toolkit import Logger, chain
from toolkit.logging import (
    InvalidBufferError,
    InvalidCorrelationPathError,
    InvalidLevelError,
    InvalidSamplingRateError,
    LogBuffer,
    LoggerError,
)
from toolkit.testing import lambda_context


class ListHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_get_logger_returns_the_logger_and_formats_other_callers(stream, service):
    logger = Logger(service, stream=stream, static=1)
    assert isinstance(logger, logging.Logger)
    assert logging.getLogger(service) is logger
    logging.getLogger(service).warning("stdlib %s", "call", extra={"k": "v"})
    logging.getLogger(f"{service}.lib").error("from a library")
    stdlib, library = stream.records()
    assert stdlib["message"] == "stdlib call" and stdlib["k"] == "v" and stdlib["static"] == 1
    assert stdlib["location"].startswith("test_get_logger_returns_the_logger")
    assert "logger" not in stdlib
    assert library["logger"] == f"{service}.lib" and library["static"] == 1


def test_loggers_created_before_the_logger_are_reparented(stream, service):
    below = logging.getLogger(f"{service}.early.child")  # leaves a placeholder for service
    plain = logging.getLogger(f"{service}x")
    plain_child = logging.getLogger(f"{service}x.lib")
    Logger(service, stream=stream)
    Logger(f"{service}x", stream=stream)
    below.warning("via placeholder")
    plain_child.warning("via replaced logger")
    assert stream.messages() == ["via placeholder", "via replaced logger"]
    assert logging.getLogger(f"{service}x") is not plain


def test_stdlib_exception_and_levels_are_rendered(stream, service):
    Logger(service, "DEBUG", stream=stream)
    std = logging.getLogger(service)
    try:
        1 / 0
    except ZeroDivisionError:
        logging.getLogger(f"{service}.lib").exception("failed")
    std.log(logging.DEBUG, {"structured": True})
    failed, structured = stream.records()
    assert failed["exception_name"] == "ZeroDivisionError"
    assert structured["structured"] is True and structured["message"] == ""


def test_added_handler_and_filter_see_every_record(stream, service):
    logger = Logger(service, stream=stream)
    captured = ListHandler()
    logger.addHandler(captured)
    logger.info("seen by both", k=1)
    logger.removeHandler(captured)
    logger.info("ours only")
    assert [r.getMessage() for r in captured.records] == ["seen by both"]
    assert stream.records()[0]["k"] == 1
    assert stream.records()[0]["location"].startswith("test_added_handler_and_filter")

    logger.addFilter(lambda record: "secret" not in record.getMessage())
    logger.info("a secret")
    logger.info("public", stacklevel=1)
    assert stream.messages() == ["seen by both", "ours only", "public"]


def test_propagate_hands_records_to_the_root(stream, service):
    logger = Logger(service, stream=stream)
    root_handler = ListHandler()
    logging.getLogger().addHandler(root_handler)
    try:
        logger.info("not propagated")
        logger.propagate = True
        logger.info("propagated")
    finally:
        logging.getLogger().removeHandler(root_handler)
    assert [r.getMessage() for r in root_handler.records] == ["propagated"]
    assert stream.messages() == ["not propagated", "propagated"]


def test_disabled_and_logging_disable(stream, service):
    logger = Logger(service, stream=stream)
    logging.disable(logging.CRITICAL)
    try:
        logger.critical("disabled globally")
    finally:
        logging.disable(logging.NOTSET)
    logger.disabled = True
    logger.critical("disabled logger")
    assert stream.records() == []


def test_child_shares_configuration_and_keys(stream, service):
    logger = Logger(service, "WARNING", stream=stream)
    child = logger.child("db")
    assert child.name == f"{service}.db" and logging.getLogger(f"{service}.db") is child
    assert child.service == service

    @logger.inject_lambda_context
    def handler(event, context):
        logger.append_keys(request="r")
        child.info("hidden by the shared level")
        child.warning("from child")

    handler({}, lambda_context())
    (record,) = stream.records()
    assert record["request"] == "r" and record["service"] == service
    logger.setLevel("INFO")
    child.info("now visible")
    assert stream.messages()[-1] == "now visible"


def test_pickling_resolves_by_name(service, stream):
    import pickle

    logger = Logger(service, stream=stream)
    assert pickle.loads(pickle.dumps(logger)) is logger


@pytest.mark.parametrize(
    ("build", "error", "argument"),
    [
        (lambda: Logger("x", "LOUD"), InvalidLevelError, "level"),
        (lambda: Logger("x", -1), InvalidLevelError, "level"),
        (lambda: Logger("x", True), InvalidLevelError, "level"),
        (lambda: Logger("x", 1.5), InvalidLevelError, "level"),
        (lambda: Logger("x", sampling_rate=2), InvalidSamplingRateError, "sampling_rate"),
        (lambda: Logger("x", sampling_rate="0.1"), InvalidSamplingRateError, "sampling_rate"),
        (lambda: Logger("x", buffer="DEBUG"), InvalidBufferError, "buffer"),
        (lambda: LogBuffer(level="LOUD"), InvalidBufferError, "buffer.level"),
        (lambda: LogBuffer(max_bytes=0), InvalidBufferError, "buffer.max_bytes"),
        (lambda: LogBuffer(max_bytes=True), InvalidBufferError, "buffer.max_bytes"),
    ],
)
def test_bad_configuration_names_the_argument(build, error, argument):
    with pytest.raises(error) as caught:
        build()
    assert isinstance(caught.value, LoggerError) and isinstance(caught.value, ValueError)
    assert caught.value.argument == argument
    assert f"Logger {argument}=" in str(caught.value)


def test_bad_correlation_path_fails_at_decoration(stream, service):
    logger = Logger(service, stream=stream)
    with pytest.raises(InvalidCorrelationPathError, match="correlation_id_path"):

        @logger.inject_lambda_context(correlation_id_path="requestContext.[")
        def handler(event, context): ...

    with pytest.raises(InvalidCorrelationPathError):
        chain(logger.inject_lambda_context(correlation_id_path=42))(lambda event, context: None)


def test_correlation_path_that_fails_on_the_event_is_skipped(stream, service):
    logger = Logger(service, stream=stream)

    @logger.inject_lambda_context(correlation_id_path="abs(a)")
    def handler(event, context):
        logger.info("x")

    handler({"a": "not a number"}, lambda_context())
    assert "correlation_id" not in stream.records()[0]


def test_bad_environment_level_raises_a_configuration_error(monkeypatch):
    from toolkit.errors import ConfigurationError

    monkeypatch.setenv("AWS_LAMBDA_LOG_LEVEL", "LOUD")
    with pytest.raises(ConfigurationError, match="AWS_LAMBDA_LOG_LEVEL"):
        Logger("x")


def test_importing_the_logger_stays_light(python):
    import subprocess

    from tests.conftest import subprocess_env

    code = (
        "import sys; from toolkit import Logger; from toolkit.logging import LogBuffer;"
        "Logger('x').info('hi');"
        "heavy = {'boto3', 'botocore', 'aws_xray_sdk', 'pydantic', 'jmespath'} & set(sys.modules);"
        "assert not heavy, heavy"
    )
    result = subprocess.run(
        [python, "-c", code], env=subprocess_env(), capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert '"message":"hi"' in result.stdout
