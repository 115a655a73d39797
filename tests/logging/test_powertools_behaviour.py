"""Powertools 3.x Logger behaviours a migrating user relies on (issue 8, Logger section).

Each test states the behaviour of Powertools' own code that it carries over (file and
function in aws_lambda_powertools/logging), written against toolkit's API.
"""

from __future__ import annotations

import threading

import pytest

from toolkit import Logger

# --- remove_keys: one iterable (Powertools' logger.py Logger.remove_keys) or names ---------


@pytest.mark.parametrize(
    "call", [lambda lg: lg.remove_keys(["a", "b"]), lambda lg: lg.remove_keys("a", "b")]
)
def test_remove_keys_takes_an_iterable_or_names(stream, service, call):
    logger = Logger(service, stream=stream)
    logger.append_keys(a=1, b=2, c=3)
    call(logger)
    logger.info("after")
    (line,) = stream.records()
    assert "a" not in line and "b" not in line and line["c"] == 3


def test_remove_keys_with_an_iterable_and_names_is_a_type_error(service):
    with pytest.raises(TypeError, match="remove_keys"):
        Logger(service).remove_keys(["a"], "b")


# --- thread-safe keys (Powertools' formatter.py THREAD_LOCAL_KEYS, a ContextVar) -----------


def test_thread_safe_keys_are_local_to_the_calling_thread(stream, service):
    logger = Logger(service, stream=stream)

    def worker():
        logger.thread_safe_append_keys(worker="w1", job=7)
        logger.info("in the thread")
        assert logger.thread_safe_get_current_keys() == {"worker": "w1", "job": 7}
        logger.thread_safe_remove_keys(["job"])
        logger.info("removed one")
        logger.thread_safe_clear_keys()
        logger.info("cleared")

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join(5)
    logger.info("main thread")
    in_thread, removed, cleared, main = stream.records()
    assert in_thread["worker"] == "w1" and in_thread["job"] == 7
    assert removed["worker"] == "w1" and "job" not in removed
    assert "worker" not in cleared and "worker" not in main
    assert logger.thread_safe_get_current_keys() == {}


# --- structure_logs (Powertools' logger.py Logger.structure_logs, modes 2 and 3) ------------


def test_structure_logs_appends_or_replaces_the_appended_keys(stream, service):
    logger = Logger(service, stream=stream, team="core")
    logger.append_keys(a=1)
    logger.structure_logs(append=True, b=2)
    logger.info("appended")
    logger.structure_logs(c=3)
    logger.info("replaced")
    appended, replaced = stream.records()
    assert (appended["a"], appended["b"], appended["team"]) == (1, 2, "core")
    assert "a" not in replaced and "b" not in replaced
    assert (replaced["c"], replaced["team"]) == (3, "core")


def test_structure_logs_formatter_options_is_a_type_error(service):
    with pytest.raises(TypeError, match="formatter_options"):
        Logger(service).structure_logs(formatter_options={"utc": True})


# --- LOG_LEVEL, Powertools' legacy variable (logger.py Logger._get_powertools_log_level) ----


def test_legacy_log_level_variable_sets_the_level(stream, service, monkeypatch):
    monkeypatch.setenv("LOG_LEVEL", "DEBUG")
    Logger(service, stream=stream).debug("legacy")
    monkeypatch.setenv("POWERTOOLS_LOG_LEVEL", "ERROR")  # wins over LOG_LEVEL
    Logger(service, stream=stream).warning("hidden")
    assert stream.messages() == ["legacy"]
