"""Powertools 3.x Logger behaviours a migrating user relies on (issue 8, Logger section).

Each test states the behaviour of Powertools' own code that it carries over (file and
function in aws_lambda_powertools/logging), written against toolkit's API.
"""

from __future__ import annotations

import base64
import gzip
import io
import json
import logging
import subprocess
import threading

import pytest

from tests.conftest import subprocess_env
from toolkit import Logger
from toolkit.logging import (
    InvalidCorrelationPathError,
    LogBuffer,
    OrphanedChildLoggerError,
    correlation_paths,
)
from toolkit.logging.utils import copy_config_to_registered_loggers

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


# --- both libraries under one service name (Powertools' logger.py Logger._init_logger) -------


def _powertools_logger(service, stream):
    from aws_lambda_powertools import Logger as PowertoolsLogger

    return PowertoolsLogger(service=service, stream=stream)


@pytest.mark.parametrize("toolkit_first", [True, False])
def test_both_libraries_under_one_service_write_each_line_once(stream, service, toolkit_first):
    if toolkit_first:
        ours = Logger(service, stream=stream)
        theirs = _powertools_logger(service, stream)
    else:
        theirs = _powertools_logger(service, stream)
        ours = Logger(service, stream=stream)
    ours.info("from toolkit", order_id=1)
    theirs.info("from powertools", order_id=2)
    lines = stream.records()
    assert [line["message"] for line in lines] == ["from toolkit", "from powertools"]
    for line in lines:
        assert not any(key.startswith("_toolkit") for key in line)
        assert line["service"] == service


def test_a_powertools_logger_built_second_shares_the_toolkit_keys(stream, service):
    ours = Logger(service, stream=stream)
    theirs = _powertools_logger(service, stream)
    theirs.append_keys(tenant="t-1")
    ours.info("toolkit line")
    theirs.info("powertools line")
    assert [line["tenant"] for line in stream.records()] == ["t-1", "t-1"]
    theirs.remove_keys(["tenant"])
    ours.info("after")
    assert "tenant" not in stream.records()[-1]


# --- logging.Filter on the Logger (stdlib Logger.handle; Powertools' Logger.addFilter) ---------


class _Redact(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "api_key", None):
            record.api_key = "REDACTED"
            record.msg = str(record.msg).replace("s3cr3t", "***")
            record.seen_by_filter = True
        return not getattr(record, "drop", False)


def test_a_filter_changing_record_attributes_changes_the_line(stream, service):
    logger = Logger(service, stream=stream)
    logger.addFilter(_Redact())
    logger.info("key s3cr3t in use", api_key="s3cr3t", name="alice")
    (line,) = stream.records()
    assert line["api_key"] == "REDACTED" and line["seen_by_filter"] is True
    assert line["message"] == "key *** in use"
    assert line["name"] == "alice"  # a key named like a LogRecord attribute still arrives
    assert "s3cr3t" not in stream.getvalue()


def test_a_filter_on_the_logger_handler_applies_too(stream, service):
    logger = Logger(service, stream=stream)
    (handler,) = logger.handlers
    handler.addFilter(_Redact())
    logger.info("on the handler", api_key="s3cr3t")
    handler.removeFilter(handler.filters[0])
    logger.info("removed", api_key="plain")
    redacted, plain = stream.records()
    assert redacted["api_key"] == "REDACTED" and plain["api_key"] == "plain"


def test_a_filter_returning_false_drops_the_line(stream, service):
    logger = Logger(service, stream=stream)
    logger.addFilter(_Redact())
    logger.info("dropped", drop=True)
    logger.info("kept")
    assert stream.messages() == ["kept"]


# --- Logger(child=True) (Powertools' logger.py Logger._get_logger, _get_handler, _init_logger) -


def test_a_child_logger_is_named_after_its_module_and_shares_the_parent(stream, service):
    parent = Logger(service, stream=stream, team="core")
    child = Logger(service=service, child=True)
    assert child.name == f"{service}.{__name__}"
    assert logging.getLogger(child.name) is child
    parent.append_keys(from_parent=1)
    child.append_keys(from_child=2)
    child.info("child line")
    parent.info("parent line")
    for line in stream.records():
        assert (line["from_parent"], line["from_child"], line["team"]) == (1, 2, "core")
        assert line["service"] == service and "child" not in line


def test_a_child_built_before_its_parent_joins_it(stream, service, capsys):
    child = Logger(service=service, child=True)
    child.info("before the parent")  # written through a default Logger, never dropped
    with pytest.raises(OrphanedChildLoggerError, match=service):
        child.append_keys(lost="yes")
    parent = Logger(service, stream=stream)
    parent.append_keys(shared=1)
    child.info("after the parent")
    (early,) = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert early["message"] == "before the parent" and early["service"] == service
    (line,) = stream.records()
    assert line["message"] == "after the parent" and line["shared"] == 1
    child.append_keys(now="fine")


@pytest.mark.parametrize(
    ("options", "named"),
    [
        ({"order_id": 1}, "order_id"),
        ({"sampling_rate": 0.5}, "sampling_rate"),
        ({"stream": io.StringIO()}, "stream"),  # not the parent's: it would be ignored
    ],
)
def test_a_child_logger_refuses_its_own_configuration(service, options, named):
    Logger(service)
    with pytest.raises(TypeError, match=named):
        Logger(service=service, child=True, **options)


def test_a_child_logger_has_its_own_level_and_may_name_its_parents_stream(stream, service):
    # Powertools' module loggers: Logger(child=True, stream=<the parent's>, level="DEBUG").
    parent = Logger(service, stream=stream)
    child = Logger(service=service, child=True, stream=stream, level="DEBUG")
    parent.debug("parent, below its level")
    child.debug("child, at its own level")
    child.setLevel("ERROR")
    child.warning("child, now below its own level")
    parent.warning("parent")
    assert [r["message"] for r in stream.records()] == ["child, at its own level", "parent"]
    parent.setLevel("DEBUG")  # the family's level leaves the child's own alone
    child.info("still below the child's own level")
    parent.debug("parent at DEBUG")
    assert stream.records()[-1]["message"] == "parent at DEBUG"


# --- correlation_id_path with JMESPath custom functions (Powertools' jmespath_utils.query) ----


def _encoded(text: str, *, gzipped: bool = False) -> str:
    data = text.encode()
    return base64.b64encode(gzip.compress(data) if gzipped else data).decode()


@pytest.mark.parametrize(
    ("path", "event"),
    [
        ("powertools_json(body).id", {"body": '{"id": "c-42"}'}),
        ("powertools_json(powertools_base64(data)).id", {"data": _encoded('{"id": "c-42"}')}),
        ("powertools_base64_gzip(data)", {"data": _encoded("c-42", gzipped=True)}),
        (correlation_paths.API_GATEWAY_REST, {"requestContext": {"requestId": "c-42"}}),
        (correlation_paths.SQS, {"Records": [{"messageId": "c-42"}, {"messageId": "c-43"}]}),
    ],
)
def test_correlation_id_path_with_custom_functions(stream, service, context, path, event):
    logger = Logger(service, stream=stream)

    @logger.inject_lambda_context(correlation_id_path=path)
    def handler(event, context):
        logger.info("handled")

    handler(event, context)
    (line,) = stream.records()
    assert line["correlation_id"] == "c-42"


@pytest.mark.parametrize("path", ["requestContext.[", "no_such_function(body)"])
def test_a_correlation_id_path_that_cannot_work_fails_at_decoration(service, path):
    logger = Logger(service)
    with pytest.raises(InvalidCorrelationPathError, match="correlation_id_path"):

        @logger.inject_lambda_context(correlation_id_path=path)
        def handler(event, context):
            return None


def test_a_correlation_id_path_failing_on_an_event_says_so_once(stream, service, context):
    logger = Logger(service, stream=stream)

    @logger.inject_lambda_context(correlation_id_path="powertools_json(body).id")
    def handler(event, context):
        logger.info("handled")
        return "ok"

    assert handler({"body": "password=hunter2 not json"}, context) == "ok"
    warning, handled = stream.records()
    assert warning["level"] == "WARNING" and warning["error"] == "JSONDecodeError"
    assert warning["correlation_id_path"] == "powertools_json(body).id"
    assert "correlation_id" not in handled and "hunter2" not in stream.getvalue()


def test_toolkit_jmespath_plain_paths_match_jmespath_and_load_nothing(python):
    import jmespath as reference

    from toolkit import jmespath

    documents = [{"a": {"b": 1}}, {"a": [1]}, [1], {"a": None}, "text", {"b": 2}]
    for document in documents:
        assert jmespath.query(document, "a.b") == reference.search("a.b", document)
    assert jmespath.compile("a.b") is jmespath.compile("a.b")
    probe = "import sys, toolkit.jmespath; print('jmespath' in sys.modules)"
    loaded = subprocess.run(
        [python, "-c", probe], capture_output=True, text=True, check=True, env=subprocess_env()
    )
    assert loaded.stdout.strip() == "False"


# --- xray_trace_id on every line, None-valued keys left out (Powertools' formatter.py
# LambdaPowertoolsFormatter.format: _get_latest_trace_id, then _strip_none_records) ---------

TRACE = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"


def test_xray_trace_id_is_on_every_line_while_the_header_is_set(stream, service, monkeypatch):
    logger = Logger(service, stream=stream)
    logger.info("no header")
    monkeypatch.setenv("_X_AMZN_TRACE_ID", TRACE)
    logger.info("outside any handler")
    logging.getLogger(f"{service}.lib").warning("from a library logger")
    no_header, outside, library = stream.records()
    assert "xray_trace_id" not in no_header
    assert (
        outside["xray_trace_id"]
        == library["xray_trace_id"]
        == "1-5759e988-bd862e3fe1be46a994272793"
    )


def test_keys_whose_value_is_none_are_left_out(stream, service):
    logger = Logger(service, stream=stream, region=None)
    logger.append_keys(tenant=None, order_id=7)
    logger.info("call keys", extra_key=None, kept=1)
    logger.info("a None hides the appended value", order_id=None)
    with logger.keys(block=None):
        logger.info({"message": "dict message", "inner": None})
    first, hidden, structured = stream.records()
    for line in (first, hidden, structured):
        assert None not in line.values()
        assert not {"region", "tenant", "extra_key", "block", "inner"} & line.keys()
    assert first["order_id"] == 7 and first["kept"] == 1
    assert "order_id" not in hidden


# --- copy_config_to_registered_loggers (Powertools' logging/utils.py) -------------------------


def test_copy_config_gives_chosen_top_level_loggers_the_logger_output(stream, service):
    source = Logger(service, stream=stream, level="INFO")
    library, other, excluded = (logging.getLogger(f"{service}{n}") for n in ("lib", "oth", "ex"))
    library.setLevel(logging.DEBUG)
    original = logging.StreamHandler(io.StringIO())
    library.addHandler(original)
    copy_config_to_registered_loggers(
        source_logger=source, include={library.name, excluded.name}, exclude={excluded.name}
    )
    logging.getLogger(f"{library.name}.sub").info("from a sub-logger", extra={"k": 1})
    library.debug("below the source's level")
    other.warning("not included")
    excluded.warning("excluded")
    (line,) = stream.records()
    assert (line["message"], line["logger"], line["k"]) == (
        "from a sub-logger",
        f"{service}lib.sub",
        1,
    )
    assert line["service"] == service
    assert original not in library.handlers and library.propagate is False
    assert library.level == logging.INFO and excluded.handlers == [] and other.handlers == []


def test_copy_config_log_level_and_ignore_log_level(stream, service):
    source = Logger(service, stream=stream)
    first, second = logging.getLogger(f"{service}one"), logging.getLogger(f"{service}two")
    second.setLevel(logging.ERROR)
    copy_config_to_registered_loggers(source_logger=source, include={first.name}, log_level="DEBUG")
    copy_config_to_registered_loggers(
        source_logger=source, include={second.name}, ignore_log_level=True
    )
    first.debug("debug kept")
    second.warning("below its own level")
    assert stream.messages() == ["debug kept"] and second.level == logging.ERROR


def test_copy_config_leaves_other_toolkit_loggers_and_the_source_alone(stream, service):
    source = Logger(service, stream=stream)
    neighbour = Logger(f"{service}n", stream=io.StringIO())
    copy_config_to_registered_loggers(source_logger=source)
    assert source.handlers == [source.powertools_handler]
    assert neighbour.handlers == [neighbour.powertools_handler]
    with pytest.raises(TypeError, match="source_logger"):
        copy_config_to_registered_loggers(source_logger=logging.getLogger("plain"))


@pytest.mark.parametrize("include_buffering", [True, False])
def test_copy_config_include_buffering(stream, service, context, include_buffering):
    source = Logger(service, stream=stream, buffer=LogBuffer("DEBUG"))
    library = logging.getLogger(f"{service}lib")
    copy_config_to_registered_loggers(
        source_logger=source, include={library.name}, log_level="DEBUG",
        include_buffering=include_buffering,
    )  # fmt: skip

    @source.inject_lambda_context
    def handler(event, context):
        library.debug("library detail")
        written = list(stream.messages())
        source.flush_buffer()
        return written

    assert handler({}, context) == ([] if include_buffering else ["library detail"])
    assert stream.messages() == ["library detail"]


def test_a_child_built_first_may_name_the_stream_its_parent_will_have(stream, service):
    # Powertools' pattern: a module's child logger is imported before the handler's Logger.
    child = Logger(stream=stream, service=service, child=True)
    child.info("before the parent")
    parent = Logger(stream=stream, service=service)
    parent.append_keys(shared=1)
    child.info("after the parent")
    early, late = stream.records()
    assert early["message"] == "before the parent" and late["shared"] == 1


def test_a_child_built_first_with_another_stream_is_told_it_is_not_used(stream, service):
    Logger(stream=io.StringIO(), service=service, child=True)
    with pytest.warns(UserWarning, match="another stream than its parent's"):
        Logger(stream=stream, service=service)


def test_log_level_is_the_configured_level_number(stream, service, monkeypatch):
    parent = Logger(service, "WARNING", stream=stream)
    child = Logger(service=service, child=True, level="DEBUG")
    assert (parent.log_level, child.log_level) == (logging.WARNING, logging.DEBUG)
    parent.setLevel("ERROR")
    assert (parent.log_level, child.log_level) == (logging.ERROR, logging.DEBUG)
    monkeypatch.setenv("AWS_LAMBDA_LOG_LEVEL", "CRITICAL")  # Lambda's level wins
    assert Logger(f"{service}-x", "INFO", stream=stream).log_level == logging.CRITICAL
