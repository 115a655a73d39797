"""Where the Logger's state lives: per invocation, per family, per thread; what same-named
Loggers share; late writers; the buffer's level; stacklevel; where stdout is."""

from __future__ import annotations

import contextlib
import contextvars
import io
import json
import logging
import sys
import threading

import pytest

from toolkit import Logger
from toolkit.logging import InvalidBufferError, LogBuffer
from toolkit.testing import lambda_context

# Built at import, before any test's capsys swaps sys.stdout: the usual layout of a handler
# module imported at the top of a test file.
early_logger = Logger("early-logger-state")


@early_logger.inject_lambda_context
def early_handler(event, context):
    early_logger.info("from the handler")
    return "ok"


# --- B6: a late append from an ended invocation's thread ----------------------------------


def test_a_late_append_from_a_handler_thread_reaches_no_later_invocation(stream, service):
    logger = Logger(service, stream=stream)
    handler_returned = threading.Event()
    threads = []

    def background():
        handler_returned.wait(5)
        logger.append_keys(customer_id="c-1")  # after the invocation ended
        logger.info("late line of the thread")

    @logger.inject_lambda_context
    def handler(event, context):
        if event.get("start"):
            thread = threading.Thread(target=background)
            threads.append(thread)
            thread.start()
        logger.info(event["msg"])

    handler({"start": True, "msg": "first"}, lambda_context())
    handler_returned.set()
    threads[0].join(5)
    handler({"msg": "second"}, lambda_context())
    logger.info("outside")
    first, late, second, outside = stream.records()
    assert "customer_id" not in first
    assert late["message"] == "late line of the thread" and late["customer_id"] == "c-1"
    assert "customer_id" not in second and "customer_id" not in outside
    assert "customer_id" not in logger.get_current_keys()


def test_a_late_append_in_the_invocations_context_stays_with_it(stream, service):
    # A thread run in a copy of the handler's context belongs to that invocation even when it
    # appends while the next one runs.
    logger = Logger(service, stream=stream)
    go, done = threading.Event(), threading.Event()
    threads = []

    def background():
        go.wait(5)
        logger.append_keys(customer_id="c-1")
        done.set()

    @logger.inject_lambda_context
    def handler(event, context):
        if event.get("start"):
            thread = threading.Thread(target=contextvars.copy_context().run, args=(background,))
            threads.append(thread)
            thread.start()
        else:
            go.set()
            done.wait(5)
        logger.append_keys(own=event["msg"])
        logger.info(event["msg"])

    handler({"start": True, "msg": "first"}, lambda_context())
    handler({"msg": "second"}, lambda_context())
    threads[0].join(5)
    first, second = stream.records()
    assert first["own"] == "first" and "customer_id" not in first
    assert second["own"] == "second" and "customer_id" not in second


def test_threads_of_the_running_invocation_share_its_keys(stream, service):
    logger = Logger(service, stream=stream)

    @logger.inject_lambda_context
    def handler(event, context):
        worker = threading.Thread(target=lambda: logger.append_keys(tenant="t1"))
        worker.start()
        worker.join()
        logger.info("after the thread appended")

    handler({}, lambda_context())
    handler({}, lambda_context())
    first, second = stream.records()
    assert first["tenant"] == "t1" and second["tenant"] == "t1"
    assert first["function_request_id"] != second["function_request_id"]
    logger.info("outside")
    assert "tenant" not in stream.records()[-1]


def test_the_invocation_record_is_kept_with_the_invocation(stream, service):
    from toolkit import context

    logger = Logger(service, stream=stream)
    seen = {}

    @logger.inject_lambda_context
    def handler(event, context_):
        logger.append_keys(order="o-1")
        invocation = context.current()
        seen["state"] = dict(invocation.state)

    handler({}, lambda_context())
    (record,) = seen["state"].values()
    assert record.appended == {"order": "o-1"} and record.closed
    assert logger._family.record is None
    assert "order" not in logger.get_current_keys()


# --- B7: a buffer at ERROR or above --------------------------------------------------------


@pytest.mark.parametrize("level", ["ERROR", "error", "CRITICAL", "FATAL", 40, 45, 50])
def test_a_buffer_at_error_or_above_is_refused(level):
    with pytest.raises(InvalidBufferError, match="below ERROR") as info:
        LogBuffer(level=level)
    assert info.value.argument == "buffer.level"


def test_error_lines_are_written_whatever_the_buffer(stream, service):
    logger = Logger(service, stream=stream, buffer=LogBuffer(level="WARNING"))

    @logger.inject_lambda_context
    def handler(event, context):
        logger.warning("held, then flushed by the error")
        logger.error("written at once")
        logger.critical("written at once too")

    handler({}, lambda_context())
    assert stream.messages() == [
        "held, then flushed by the error",
        "written at once",
        "written at once too",
    ]


# --- B9: stacklevel deeper than the stack --------------------------------------------------


def _outermost_location() -> str:
    frame = sys._getframe()
    while frame.f_back is not None:
        frame = frame.f_back
    return f"{frame.f_code.co_name}:{frame.f_lineno}"


def test_stacklevel_deeper_than_the_stack_logs_at_the_outermost_frame(stream, service):
    logger = Logger(service, stream=stream)
    logger.info("too deep", stacklevel=10_000)
    (record,) = stream.records()
    assert record["message"] == "too deep"
    assert record["location"] == _outermost_location()


def test_stacklevel_deeper_than_the_stack_through_stdlib_handlers(stream, service):
    logger = Logger(service, stream=stream)
    seen: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = seen.append  # type: ignore[method-assign]
    logger.addHandler(handler)
    logger.warning("too deep", stacklevel=10_000)
    (record,) = stream.records()
    assert record["message"] == "too deep" and len(seen) == 1
    assert record["location"] == _outermost_location()


# --- B21: the Logger writes to sys.stdout as it is when it writes --------------------------


def test_a_logger_built_before_capsys_lands_in_capsys(capsys):
    assert early_handler({}, lambda_context()) == "ok"
    early_logger.info("after the handler")
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["message"] for line in lines] == ["from the handler", "after the handler"]


def test_redirect_stdout_sees_the_lines(service):
    logger = Logger(service)
    target = io.StringIO()
    with contextlib.redirect_stdout(target):
        logger.info("redirected")
    logger.info("not redirected")
    (line,) = target.getvalue().splitlines()
    assert json.loads(line)["message"] == "redirected"


def test_an_explicit_stream_is_kept(stream, service):
    logger = Logger(service, stream=stream)
    with contextlib.redirect_stdout(io.StringIO()) as other:
        logger.info("to the given stream")
    assert stream.messages() == ["to the given stream"] and other.getvalue() == ""


# --- A4: same-named Loggers ----------------------------------------------------------------


def test_same_named_loggers_share_nothing_and_get_logger_returns_the_latest(service):
    first_stream, second_stream = io.StringIO(), io.StringIO()
    first = Logger(service, "DEBUG", stream=first_stream, team="a")
    second = Logger(service, "WARNING", stream=second_stream)
    assert logging.getLogger(service) is second

    first.append_keys(only_first=1)
    first.debug("first at its own level")
    second.debug("below the second's level")
    second.warning("second")
    logging.getLogger(f"{service}.lib").warning("library")

    (first_line,) = [json.loads(line) for line in first_stream.getvalue().splitlines()]
    second_lines = [json.loads(line) for line in second_stream.getvalue().splitlines()]
    assert first_line["only_first"] == 1 and first_line["team"] == "a"
    assert [line["message"] for line in second_lines] == ["second", "library"]
    assert all("only_first" not in line and "team" not in line for line in second_lines)
    assert second_lines[1]["logger"] == f"{service}.lib"


def test_same_named_loggers_have_their_own_invocation_state(service):
    first_stream, second_stream = io.StringIO(), io.StringIO()
    first = Logger(service, stream=first_stream)
    second = Logger(service, stream=second_stream)

    @first.inject_lambda_context
    def handler(event, context):
        first.append_keys(order="o-1")
        first.info("first")
        second.info("second, not decorated")

    handler({}, lambda_context())
    first_line = json.loads(first_stream.getvalue())
    second_line = json.loads(second_stream.getvalue())
    assert first_line["order"] == "o-1" and "function_request_id" in first_line
    assert "order" not in second_line and "function_request_id" not in second_line


def test_a_child_shares_its_parents_keys_level_and_invocation(stream, service):
    logger = Logger(service, stream=stream, buffer=LogBuffer())
    child = logger.child("db")

    @logger.inject_lambda_context
    def handler(event, context):
        child.append_keys(order="o-1")
        child.debug("held in the shared buffer")
        logger.error("flushes it")

    handler({}, lambda_context())
    held, error = stream.records()
    assert held["logger"] == f"{service}.db" and held["order"] == error["order"] == "o-1"
    assert held["function_request_id"] == error["function_request_id"]


# --- A5: one table of level names, one log stream name ------------------------------------


@pytest.mark.parametrize(
    ("alias", "number"),
    [("warn", 30), ("WARN", 30), ("fatal", 50), ("trace", 10), ("Info", 20), ("15", 15)],
)
def test_level_aliases_mean_the_same_everywhere(monkeypatch, alias, number):
    from toolkit import config
    from toolkit.cli.output import LEVEL_COLOURS, pretty
    from toolkit.logging.levels import canonical_name, level_name, parse_level

    monkeypatch.setenv("AWS_LAMBDA_LOG_LEVEL", alias)
    assert parse_level(config.LAMBDA_LOG_LEVEL.read()) == parse_level(alias) == number
    if number < 40:
        assert LogBuffer(level=alias).level_no == number
    if not alias.isdigit():
        assert canonical_name(alias) == level_name(number)
        code = LEVEL_COLOURS[level_name(number)]
        assert pretty(json.dumps({"level": alias}), colour=True).startswith(f"\x1b[{code}m")


def test_fake_contexts_and_the_local_invoker_name_log_streams_alike():
    import re

    from toolkit.cli import invoke
    from toolkit.testing.context import log_stream_name

    assert invoke.log_stream_name is log_stream_name
    shape = r"\d{4}/\d{2}/\d{2}/\[\$LATEST\][0-9a-f]{32}"
    assert re.fullmatch(shape, lambda_context().log_stream_name)
    assert re.fullmatch(shape.replace(r"\$LATEST", "7"), log_stream_name("7"))


# --- where appends and removals land -------------------------------------------------------


def _outer_middleware(logger):
    from toolkit.middleware import middleware

    @middleware
    def outer(handler, event, context):
        logger.append_keys(before_decorator="kept")  # the Logger's record does not exist yet
        return handler(event, context)

    return outer


def test_keys_appended_before_the_decorator_ran_are_kept_with_the_lambda_keys(stream, service):
    from toolkit import chain

    logger = Logger(service, stream=stream)

    @chain(_outer_middleware(logger), logger.inject_lambda_context)
    def handler(event, context):
        logger.info("inside")

    handler({}, lambda_context())
    logger.info("outside")
    inside, outside = stream.records()
    assert inside["before_decorator"] == "kept" and "function_request_id" in inside
    assert "before_decorator" not in outside


def test_removing_keys_during_an_invocation_whichever_way_they_were_added(stream, service):
    logger = Logger(service, stream=stream, team="payments")
    logger.append_keys(region="eu")

    @logger.inject_lambda_context
    def handler(event, context):
        logger.append_keys(order="o-1")
        with logger.keys(step="charge"):
            logger.remove_keys("team", "order", "cold_start", "step")
            logger.info("after removing")

    handler({}, lambda_context())
    logger.info("outside")
    inside, outside = stream.records()
    for gone in ("team", "order", "cold_start", "step"):
        assert gone not in inside
    assert inside["region"] == outside["region"] == "eu" and "team" not in outside


def test_a_copied_context_appending_after_an_invocation_the_logger_never_saw(stream, service):
    from toolkit.middleware import middleware

    logger = Logger(service, stream=stream)

    @middleware
    def plain(handler, event, context):
        return handler(event, context)

    go = threading.Event()
    threads = []

    def late():
        go.wait(5)
        logger.append_keys(customer_id="c-1")

    @plain
    def handler(event, context):
        thread = threading.Thread(target=contextvars.copy_context().run, args=(late,))
        threads.append(thread)
        thread.start()

    handler({}, lambda_context())
    go.set()
    threads[0].join(5)
    logger.info("later")
    assert "customer_id" not in stream.records()[0]


def test_configuration_is_immutable_and_shared_with_children(service):
    logger = Logger(service, sampling_rate=0.5, team="a")
    child = logger.child("db")
    config = logger._family.config
    assert child._family.config is config and child._family.levels is logger._family.levels
    with pytest.raises(AttributeError, match="immutable"):
        config.service = "other"  # type: ignore[misc]
    assert (config.service, config.sampling_rate, dict(config.constructor_keys)) == (
        service,
        0.5,
        {"team": "a"},
    )
