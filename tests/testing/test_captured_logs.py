"""CapturedLogs (the capture_logs fixture): every toolkit Logger's lines, however the Logger
was built, and nothing left on the write path once it is closed."""

from __future__ import annotations

import io
import logging
import threading

import pytest

from toolkit import Logger
from toolkit.testing import CapturedLogs
from toolkit.testing.logs import CapturedLogsError


def test_a_logger_built_before_with_its_own_stream_is_captured_and_still_writes() -> None:
    stream = io.StringIO()
    logger = Logger(service="captured-before", stream=stream)
    with CapturedLogs() as logs:
        logger.info("one", n=1)
    logger.info("after")
    assert [(r["message"], r.get("n")) for r in logs] == [("one", 1)]
    assert stream.getvalue().count("\n") == 2  # the output is unchanged
    assert len(logs) == 1 and logs.lines[0] == stream.getvalue().splitlines()[0]


def test_a_logger_built_during_the_capture_and_a_logger_handler_are_captured() -> None:
    handler_stream = io.StringIO()
    with CapturedLogs() as logs:
        inside = Logger(service="captured-inside", stream=io.StringIO())
        handed = Logger(
            service="captured-handler", logger_handler=logging.StreamHandler(handler_stream)
        )
        inside.warning("built inside")
        handed.info("through a handler")
    assert logs.messages() == ["built inside", "through a handler"]
    assert logs[1]["service"] == "captured-handler"
    assert "through a handler" in handler_stream.getvalue()


def test_lines_of_every_thread_are_kept() -> None:
    logger = Logger(service="captured-threads", stream=io.StringIO())
    with CapturedLogs() as logs:
        threads = [
            threading.Thread(target=lambda i=i: [logger.info("t", i=i) for _ in range(50)])
            for i in range(4)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    assert sorted(r["i"] for r in logs) == sorted(i for i in range(4) for _ in range(50))


def test_two_captures_both_see_the_lines_and_closing_one_leaves_the_other() -> None:
    logger = Logger(service="captured-nested", stream=io.StringIO())
    with CapturedLogs() as outer:
        with CapturedLogs() as inner:
            logger.info("both")
        logger.info("outer only")
    assert inner.messages() == ["both"]
    assert outer.messages() == ["both", "outer only"]


def test_without_a_capture_the_write_path_is_the_output_method_itself() -> None:
    logger = Logger(service="captured-cost", stream=io.StringIO())
    family = logger._family
    with CapturedLogs():
        assert family.write != family._write
    assert family.write == family._write  # nothing per line once the capture is closed


def test_clear_and_a_repr_without_the_lines() -> None:
    logger = Logger(service="captured-repr", stream=io.StringIO())
    with CapturedLogs() as logs:
        logger.info("password=hunter2")
        assert repr(logs) == "CapturedLogs(1 lines)"
        logs.clear()
        assert list(logs) == []


def test_a_line_that_is_not_a_json_object_is_named_by_its_index_only() -> None:
    logs = CapturedLogs()
    logs._take("[1, 2]", logging.INFO)
    with pytest.raises(CapturedLogsError, match=r"^captured line 0 is not a JSON object$"):
        logs.records
    assert isinstance(CapturedLogsError("x"), ValueError)
