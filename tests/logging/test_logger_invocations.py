"""Per-invocation behaviour: key scoping, sampling, buffering, timeouts, log level control."""

from __future__ import annotations

import logging
import time

import pytest

from toolkit import LambdaTimeoutError, Logger, Middleware, chain, context, timeout_guard
from toolkit.logging import LogBuffer, sampling
from toolkit.testing import lambda_context


def test_keys_appended_in_one_invocation_never_reach_the_next(stream, service):
    logger = Logger(service, stream=stream, constructor="kept")
    logger.append_keys(init_time="kept too")

    @logger.inject_lambda_context
    def handler(event, context):
        if event["n"] == 1:
            logger.append_keys(user_id="u1")
            logger.set_correlation_id("c1")
        logger.info("line", n=event["n"])

    handler({"n": 1}, lambda_context())
    handler({"n": 2}, lambda_context())
    logger.info("between invocations")
    first, second, between = stream.records()
    assert first["user_id"] == "u1" and first["correlation_id"] == "c1"
    for record in (second, between):
        assert "user_id" not in record and "correlation_id" not in record
        assert record["constructor"] == "kept" and record["init_time"] == "kept too"
    assert "function_request_id" not in between


def test_clear_state_also_drops_keys_appended_outside_invocations(stream, service):
    logger = Logger(service, stream=stream, constructor="kept")
    logger.append_keys(init_time="dropped")

    @logger.inject_lambda_context(clear_state=True)
    def handler(event, context):
        logger.info("line")

    handler({}, lambda_context())
    (record,) = stream.records()
    assert record["constructor"] == "kept" and "init_time" not in record


def test_keys_appended_under_another_middleware_are_scoped_too(stream, service):
    logger = Logger(service, stream=stream)

    class Plain(Middleware):
        pass

    @Plain()
    def handler(event, context):
        logger.append_keys(inside="yes")
        logger.info("in")

    handler({}, lambda_context())
    logger.info("out")
    inside, outside = stream.records()
    assert inside["inside"] == "yes" and "inside" not in outside


def test_nested_decorated_handler_keeps_the_invocation(stream, service):
    logger = Logger(service, stream=stream)

    @logger.inject_lambda_context
    def inner(event, context):
        logger.info("inner")

    @logger.inject_lambda_context
    def outer(event, context):
        logger.append_keys(outer_key=1)
        inner(event, context)

    ctx = lambda_context()
    outer({}, ctx)
    (record,) = stream.records()
    assert record["outer_key"] == 1 and record["function_request_id"] == ctx.aws_request_id


def test_decorator_composes_with_chain_and_on_methods(stream, service):
    logger = Logger(service, stream=stream)

    class App:
        @chain(logger.inject_lambda_context(log_event=False))
        def handle(self, event, context):
            logger.info("method")
            return self

    app = App()
    assert app.handle({}, lambda_context()) is app
    assert stream.records()[0]["cold_start"] is True


def count_sampled(logger, stream, invocations):
    @logger.inject_lambda_context
    def handler(event, context):
        logger.debug("sampled")

    for _ in range(invocations):
        handler({}, lambda_context())
    return len(stream.records())


def test_sampling_is_decided_per_invocation(stream, service):
    logger = Logger(service, stream=stream, sampling_rate=0.1)
    sampling.rng.seed(7)
    sampled = count_sampled(logger, stream, 4000)
    # Binomial(4000, 0.1): mean 400, sd ~19; the bounds are ~5 sd wide.
    assert 300 < sampled < 500
    logger.debug("outside an invocation the configured level applies")
    assert len(stream.records()) == sampled

    # The same seed gives the same decisions: tests can pin them.
    again = type(stream)()
    sampling.rng.seed(7)
    assert (
        count_sampled(Logger(f"{service}-replay", stream=again, sampling_rate=0.1), again, 4000)
        == sampled
    )


def test_sampling_rate_one_and_zero(stream, service):
    always = Logger(service, stream=stream, sampling_rate=1.0)
    never = Logger(f"{service}-never", stream=stream, sampling_rate=0.0)

    @chain(always.inject_lambda_context, never.inject_lambda_context)
    def handler(event, context):
        always.debug("always")
        never.debug("never")

    handler({}, lambda_context())
    assert stream.messages() == ["always"]


def buffered_logger(stream, service, **options):
    return Logger(service, stream=stream, buffer=LogBuffer(**options))


def test_buffer_is_dropped_when_nothing_goes_wrong(stream, service):
    logger = buffered_logger(stream, service)

    @logger.inject_lambda_context
    def handler(event, context):
        logger.debug("held")
        logger.info("written")

    handler({}, lambda_context())
    assert stream.messages() == ["written"]
    logger.debug("outside an invocation nothing is held")
    assert stream.messages() == ["written"]


def test_buffer_flushes_in_order_when_an_error_is_logged(stream, service):
    logger = buffered_logger(stream, service, level="INFO")

    @logger.inject_lambda_context
    def handler(event, context):
        logger.debug("one")
        logger.info("two")
        logger.warning("three")
        logger.error("failure")
        logger.debug("after the flush")

    handler({}, lambda_context())
    assert stream.messages() == ["three", "one", "two", "failure"]
    assert [r["level"] for r in stream.records()] == ["WARNING", "DEBUG", "INFO", "ERROR"]


def test_buffer_flushes_when_the_handler_raises(stream, service):
    logger = buffered_logger(stream, service)

    @logger.inject_lambda_context
    def handler(event, context):
        logger.debug("before the crash", step=1)
        raise RuntimeError("crash")

    with pytest.raises(RuntimeError, match="crash"):
        handler({}, lambda_context())
    (record,) = stream.records()
    assert record["message"] == "before the crash" and record["step"] == 1
    assert record["function_request_id"]


def test_buffer_flushes_on_lambda_timeout(stream, service):
    logger = buffered_logger(stream, service)

    @chain(timeout_guard(margin_ms=200), logger.inject_lambda_context)
    def handler(event, context):
        logger.debug("started slow work")
        time.sleep(5)

    started = time.monotonic()
    with pytest.raises(LambdaTimeoutError):
        handler({}, lambda_context(timeout_ms=500))
    assert time.monotonic() - started < 2
    assert stream.messages() == ["started slow work"]


def test_flush_on_error_can_be_turned_off_and_buffer_flushed_by_hand(stream, service):
    logger = buffered_logger(stream, service, flush_on_error=False)

    @logger.inject_lambda_context
    def handler(event, context):
        logger.debug("held")
        logger.error("error does not flush")
        logger.flush_buffer()

    handler({}, lambda_context())
    assert stream.messages() == ["error does not flush", "held"]


def test_eviction_of_the_oldest_is_counted_and_reported(stream, service):
    logger = buffered_logger(stream, service, max_bytes=2000)

    @logger.inject_lambda_context
    def handler(event, context):
        for i in range(20):
            logger.debug("x" * 150, i=i)
        logger.error("boom")

    handler({}, lambda_context())
    records = stream.records()
    report = records[0]
    assert report["level"] == "WARNING" and report["evicted_records"] > 0
    assert report["buffer_max_bytes"] == 2000
    kept = [r["i"] for r in records[1:-1]]
    assert kept == list(range(report["evicted_records"], 20))
    assert records[-1]["message"] == "boom"
    assert sum(len(line) for line in stream.getvalue().splitlines()[1:-1]) <= 2000


def test_buffer_holds_lines_from_the_handlers_threads(stream, service):
    import threading

    logger = buffered_logger(stream, service)

    @logger.inject_lambda_context
    def handler(event, context):
        worker = threading.Thread(target=lambda: logger.debug("from thread"))
        worker.start()
        worker.join()
        raise ValueError("x")

    with pytest.raises(ValueError):
        handler({}, lambda_context())
    assert stream.messages() == ["from thread"]


def test_lambda_log_level_wins_and_warns_once(stream, service, monkeypatch):
    monkeypatch.setenv("AWS_LAMBDA_LOG_LEVEL", "ERROR")
    logger = Logger(service, "DEBUG", stream=stream)
    Logger(f"{service}-second", "INFO", stream=stream)
    logger.debug("hidden")
    logger.warning("hidden too")
    logger.error("shown")
    warning, shown = stream.records()
    assert warning["level"] == "WARNING"
    assert warning["configured_level"] == "DEBUG"
    assert warning["aws_lambda_log_level"] == "ERROR"
    assert "AWS_LAMBDA_LOG_LEVEL" in warning["message"]
    assert shown["message"] == "shown"
    logger.setLevel("DEBUG")  # the environment still wins, and there is no second warning
    logger.info("still hidden")
    assert len(stream.records()) == 2


def test_lambda_log_level_below_the_configured_one_lowers_it_silently(stream, service, monkeypatch):
    monkeypatch.setenv("AWS_LAMBDA_LOG_LEVEL", "DEBUG")
    logger = Logger(service, "WARNING", stream=stream)
    logger.debug("visible")
    assert stream.messages() == ["visible"]


def test_set_level_changes_what_is_written(stream, service):
    logger = Logger(service, "ERROR", stream=stream)
    logger.info("no")
    logger.setLevel("info")
    logger.info("yes")
    assert stream.messages() == ["yes"]
    assert logger.isEnabledFor(20) and not logger.isEnabledFor(10)


def test_scope_keys_reach_lines_only_inside_the_scope(stream, service):
    logger = Logger(service, stream=stream)

    @logger.inject_lambda_context
    def handler(event, context):
        for record_id in ("a", "b"):
            with context_scope(record_id):
                logger.info("record")
        logger.info("done")

    def context_scope(record_id):
        return context.scope("record", batch_record_id=record_id)

    handler({}, lambda_context())
    a, b, done = stream.records()
    assert (a["batch_record_id"], b["batch_record_id"]) == ("a", "b")
    assert "batch_record_id" not in done


def test_sampling_never_goes_below_the_lambda_log_level(stream, service, monkeypatch):
    monkeypatch.setenv("AWS_LAMBDA_LOG_LEVEL", "WARNING")
    logger = Logger(service, "WARNING", stream=stream, sampling_rate=1.0)

    @logger.inject_lambda_context
    def handler(event, context):
        logger.debug("dropped by Lambda anyway")
        logger.warning("kept")

    handler({}, lambda_context())
    assert stream.messages() == ["kept"]


def test_layer_used_outside_the_engine_still_ends_the_invocation(stream, service):
    logger = Logger(service, stream=stream)

    def handler(event, context):
        logger.append_keys(inside=1)
        logger.info("in")

    layer = logger.inject_lambda_context.wrap(handler)
    layer({}, lambda_context())
    logger.info("out")
    inside, outside = stream.records()
    # Outside the engine the layer opens the invocation itself: the first one is cold.
    assert inside["inside"] == 1 and inside["cold_start"] is True
    assert "inside" not in outside and "function_name" not in outside


def test_record_style_call_and_trace_header_without_root(stream, service, monkeypatch):
    logger = Logger(service, stream=stream)
    monkeypatch.setenv("_X_AMZN_TRACE_ID", "Parent=53995c3f42cd8ad8;Sampled=0")

    @logger.inject_lambda_context
    def handle_record(record):
        logger.info("record", record=record)

    handle_record({"id": 1})
    (line,) = stream.records()
    assert line["record"] == {"id": 1} and line["cold_start"] is True
    assert "function_name" not in line and "xray_trace_id" not in line


def test_levels_above_the_threshold_return_early(stream, service):
    logger = Logger(service, 60, stream=stream)
    logger.error("e")
    logger.exception("x")
    logger.critical("c")
    logger.log(5, "five")
    assert stream.records() == []
    logger.addFilter(lambda record: True)
    logger.removeFilter(logger.filters[0])
    assert logger._fast


def test_a_timeout_landing_inside_a_log_call_is_not_swallowed(stream, service):
    def timed_out(obj):
        raise LambdaTimeoutError(500, 400)  # what the guard's signal handler raises

    logger = Logger(service, stream=stream, json_default=timed_out)
    with pytest.raises(LambdaTimeoutError):
        logger.info("x", value=object())

    class TimingOut(type(stream)):
        def write(self, text):
            raise LambdaTimeoutError(500, 400)

    writer = Logger(f"{service}-w", stream=TimingOut())
    with pytest.raises(LambdaTimeoutError):
        writer.info("x")
    with pytest.raises(LambdaTimeoutError):
        logging.getLogger(f"{service}-w.lib").warning("through the handler")


def test_timeout_guard_stops_a_handler_that_only_logs(service):
    sink = open("/dev/null", "w")  # noqa: SIM115
    logger = Logger(service, stream=sink, buffer=LogBuffer())

    @chain(timeout_guard(margin_ms=100), logger.inject_lambda_context)
    def handler(event, context):
        deadline = time.monotonic() + 30  # far past the guard's, so only the guard can end it
        while time.monotonic() < deadline:  # nearly all the time is spent inside log calls
            logger.info("busy", value=float("nan"))
            logger.debug("held")
        return "ran past the deadline"

    started = time.monotonic()
    with pytest.raises(LambdaTimeoutError):
        handler({}, lambda_context(timeout_ms=400))
    # The guard fires at about 0.3 s; the bound is loose so a loaded machine cannot fail it.
    assert time.monotonic() - started < 15
    sink.close()


def test_bare_layer_flushes_the_buffer_before_ending(stream, service):
    logger = buffered_logger(stream, service)

    def handler(event, context):
        logger.debug("held")
        raise ValueError("x")

    with pytest.raises(ValueError):
        logger.inject_lambda_context.wrap(handler)({}, lambda_context())
    assert stream.messages() == ["held"]
    logger.debug("after")
    assert stream.messages() == ["held"]


def test_lambda_keys_follow_each_context_not_a_cached_one(stream, service):
    # Each invocation's keys come from its own context: another function's (or another
    # request's) context gets its own.
    logger = Logger(service, stream=stream)

    @logger.inject_lambda_context
    def handler(event, context):
        logger.info("line")

    handler({}, lambda_context(function_name="first", aws_request_id="r1"))
    handler({}, lambda_context(function_name="second", memory_limit_in_mb="256"))
    handler({}, lambda_context(function_name="first", aws_request_id="r3"))
    first, second, third = stream.records()
    assert (first["function_name"], first["function_request_id"]) == ("first", "r1")
    assert second["function_name"] == "second" and second["function_memory_size"] == 256
    assert second["function_request_id"] not in ("r1", "r3")
    assert (third["function_name"], third["function_request_id"]) == ("first", "r3")
    assert first["function_arn"] != second["function_arn"]


def test_keys_appended_between_invocations_reach_the_lines_after_the_next(stream, service):
    # Appends and removals made outside invocations reach the lines of later invocations and
    # of the code between them.
    logger = Logger(service, stream=stream)

    @logger.inject_lambda_context
    def handler(event, context):
        logger.info("inside")

    handler({}, lambda_context())
    logger.append_keys(later="yes")
    handler({}, lambda_context())
    logger.info("after")
    logger.remove_keys("later")
    handler({}, lambda_context())
    logger.info("last")
    _, inside, after, inside_again, last = stream.records()
    assert inside["later"] == after["later"] == "yes"
    assert "later" not in inside_again and "later" not in last
    assert "function_name" not in after and "function_name" not in last


def test_a_context_with_unhashable_attributes_still_gets_its_keys(stream, service):
    from types import SimpleNamespace

    logger = Logger(service, stream=stream)

    @logger.inject_lambda_context
    def handler(event, context):
        logger.info("line")

    odd = SimpleNamespace(function_name="odd", memory_limit_in_mb=["512"], aws_request_id="r")
    handler({}, odd)
    handler({}, odd)
    for record in stream.records():
        assert record["function_name"] == "odd" and record["function_request_id"] == "r"
        assert record["function_memory_size"] == "['512']"
