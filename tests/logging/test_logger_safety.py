"""A log call never raises into the handler, and every line is strict JSON."""

from __future__ import annotations

import datetime
import decimal
import io
import threading

from toolkit import Logger


class BrokenStr:
    def __str__(self) -> str:
        raise RuntimeError("no str for you")

    __repr__ = __str__


class Custom:
    def __init__(self, value: int) -> None:
        self.value = value


def test_unserializable_values_go_through_json_default(stream, service):
    logger = Logger(service, stream=stream)
    when = datetime.datetime(2024, 1, 2, 3, 4, 5)
    logger.info("values", when=when, amount=decimal.Decimal("1.50"), tags={"a"}, raw=b"x")
    (record,) = stream.records()
    assert record["when"] == "2024-01-02 03:04:05"
    assert record["amount"] == "1.50"
    assert record["tags"] == "{'a'}"
    assert record["raw"] == "b'x'"


def test_custom_json_default(stream, service):
    logger = Logger(service, stream=stream, json_default=lambda o: {"custom": o.value})
    logger.info("custom", obj=Custom(3), nested=[Custom(4)])
    (record,) = stream.records()
    assert record["obj"] == {"custom": 3} and record["nested"] == [{"custom": 4}]


def test_non_finite_numbers_become_strings(stream, service):
    logger = Logger(service, stream=stream)
    logger.info("numbers", nan=float("nan"), inf=float("inf"), ninf=float("-inf"), ok=1.5)
    logger.info({"inside": [float("nan")]})
    first, second = stream.records()  # the fixture rejects bare NaN/Infinity tokens
    assert (first["nan"], first["inf"], first["ninf"], first["ok"]) == (
        "NaN",
        "Infinity",
        "-Infinity",
        1.5,
    )
    assert second["inside"] == ["NaN"]


def test_broken_str_is_reported_in_the_line(stream, service):
    logger = Logger(service, stream=stream)
    logger.info(BrokenStr())
    logger.info("value", broken=BrokenStr())
    logger.info("%s", BrokenStr())
    message, value, formatted = stream.records()
    assert message["message"] == "<unprintable BrokenStr: str() raised RuntimeError>"
    assert value["broken"] == "<unserializable BrokenStr: RuntimeError>"
    assert formatted["message_args_error"].startswith("RuntimeError")


def test_default_that_raises_or_returns_itself(stream, service):
    def refuse(obj):
        raise TypeError("refused")

    logger = Logger(service, stream=stream, json_default=refuse)
    logger.info("a", obj=Custom(1))
    identity = Logger(f"{service}-id", stream=stream, json_default=lambda o: o)
    identity.info("b", obj=Custom(2))
    first, second = stream.records()
    assert first["obj"] == "<unserializable Custom: TypeError>"
    assert second["obj"] == "<unserializable Custom>"


def test_circular_and_odd_keys(stream, service):
    logger = Logger(service, stream=stream)
    loop: dict = {}
    loop["self"] = loop
    logger.info("loop", loop=loop, keyed={(1, 2): "tuple key", 3: "int key"})
    (record,) = stream.records()
    assert record["loop"] == {"self": "<circular reference>"}
    assert record["keyed"] == {"(1, 2)": "tuple key", "3": "int key"}


def test_a_failing_stream_is_reported_once_on_stderr(service, capsys):
    class Closed(io.StringIO):
        def write(self, text):
            raise OSError("stream closed")

    logger = Logger(service, stream=Closed())
    logger.info("lost")
    logger.info("lost again")
    err = capsys.readouterr().err
    assert err.count("could not write a log line") == 1
    assert "OSError: stream closed" in err


def test_logging_from_many_threads(stream, service):
    logger = Logger(service, stream=stream)

    @logger.inject_lambda_context
    def handler(event, context):
        logger.append_keys(tenant="t1")

        def work(n):
            with logger.keys(worker=n):
                for i in range(50):
                    logger.info("tick", i=i)

        threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    from toolkit.testing import lambda_context

    handler({}, lambda_context())
    records = stream.records()
    assert len(records) == 400
    assert all(r["tenant"] == "t1" and r["function_request_id"] for r in records)
    assert sorted((r["worker"], r["i"]) for r in records) == [
        (n, i) for n in range(8) for i in range(50)
    ]


def test_block_keys_stay_in_their_thread(stream, service):
    logger = Logger(service, stream=stream)
    with logger.keys(request="r1"):
        worker = threading.Thread(target=lambda: logger.info("thread"))
        worker.start()
        worker.join()
        logger.info("main")
    thread_record, main_record = stream.records()
    assert "request" not in thread_record and main_record["request"] == "r1"


def test_appending_while_other_threads_log(stream, service):
    logger = Logger(service, stream=stream)
    stop = threading.Event()

    def writer():
        while not stop.is_set():
            logger.info("w")

    thread = threading.Thread(target=writer)
    thread.start()
    for i in range(200):
        logger.append_keys(**{f"k{i}": i})
        logger.remove_keys(f"k{i - 1}")
    stop.set()
    thread.join()
    assert all(r["message"] == "w" for r in stream.records())


def test_exception_with_a_broken_str(stream, service):
    class Odd(Exception):
        def __str__(self) -> str:
            raise RuntimeError("no")

    logger = Logger(service, stream=stream)
    try:
        raise Odd()
    except Odd:
        logger.exception("odd")
    (record,) = stream.records()
    assert record["exception_name"] == "Odd"
    assert record["stack_trace"]["value"] == "<unprintable Odd: str() raised RuntimeError>"


def test_a_mapping_that_cannot_be_read_is_marked_and_the_line_kept(stream, service):
    class Unreadable(dict):
        def items(self):
            raise RuntimeError("unreadable")

    logger = Logger(service, stream=stream)
    logger.info("odd", value=Unreadable(a=float("nan")), other=1)
    (record,) = stream.records()
    assert record["value"] == "<unserializable Unreadable: RuntimeError>"
    assert (record["message"], record["other"], record["service"]) == ("odd", 1, service)


def test_a_record_that_cannot_be_handled_is_reported(service, capsys):
    import logging

    logger = Logger(service, stream=io.StringIO())
    record = logging.LogRecord(service, logging.INFO, __file__, 1, "m", None, None)
    record.levelno = "not a level"  # type: ignore[assignment]
    logger.handlers[0].handle(record)
    assert "could not write a log line" in capsys.readouterr().err


def test_a_failing_stderr_is_not_fatal_either(service, monkeypatch):
    class Broken(io.StringIO):
        def write(self, text):
            raise OSError("gone")

    monkeypatch.setattr("sys.stderr", Broken())
    logger = Logger(service, stream=Broken())
    logger.info("lost quietly")


def test_timestamps_across_second_boundaries():
    from toolkit.logging.formatter import timestamp

    assert timestamp(0.0) == "1970-01-01T00:00:00.000+00:00"
    assert timestamp(1.9996) == "1970-01-01T00:00:01.999+00:00"
    assert timestamp(0.5) == "1970-01-01T00:00:00.500+00:00"
    assert timestamp(86400.25) == "1970-01-02T00:00:00.250+00:00"
