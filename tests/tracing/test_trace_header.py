"""The one reader and maker of X-Ray trace headers, and the places that use it agreeing."""

from __future__ import annotations

import re
import time

import pytest

from toolkit import config
from toolkit.logging.lambda_keys import xray_trace_id
from toolkit.testing import XRayCapture, lambda_context
from toolkit.trace_header import new_trace_header, parse_trace_header
from toolkit.tracing import Tracer

LAMBDA = (
    "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1;"
    "Lineage=1:a87bd80c:0"
)


def test_new_header_has_the_xray_format() -> None:
    header = new_trace_header(sampled=False, now=0x5759E988)
    assert re.fullmatch(r"Root=1-5759e988-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0", header)
    fresh = {new_trace_header(sampled=True) for _ in range(50)}
    assert len(fresh) == 50 and all(h.endswith(";Sampled=1") for h in fresh)
    epoch = int(parse_trace_header(fresh.pop()).root.split("-")[1], 16)  # type: ignore[union-attr]
    assert abs(epoch - time.time()) < 60


def test_lambda_header_is_read_field_by_field() -> None:
    header = parse_trace_header(LAMBDA)
    assert header.root == "1-5759e988-bd862e3fe1be46a994272793"
    assert header.parent == "53995c3f42cd8ad8"
    assert header.sampled is True
    assert header.lineage == "1:a87bd80c:0"
    assert "53995c3f42cd8ad8" in repr(header)


@pytest.mark.parametrize(
    ("text", "root", "parent", "sampled"),
    [
        ("Sampled=0;Parent=p;Root=r", "r", "p", False),  # any order
        (
            "Root=1-5c536348-3d683b8b04734faae651f476",
            "1-5c536348-3d683b8b04734faae651f476",
            None,
            None,
        ),
        ("Root=r;Sampled=?", "r", None, None),  # not decided
        ("Root=r;Sampled=10", "r", None, None),  # not "1": not sampled
        ("Root=;Parent=;Sampled=", None, None, None),  # empty fields are absent
        ("Self=1-x;Root=r;Parent=p;Sampled=1", "r", "p", True),  # ALB's Self is ignored
        ("garbage;;=;Root", None, None, None),
        ("", None, None, None),
        (None, None, None, None),
    ],
)
def test_any_header_parses_without_raising(
    text: str | None, root: str | None, parent: str | None, sampled: bool | None
) -> None:
    header = parse_trace_header(text)
    assert (header.root, header.parent, header.sampled) == (root, parent, sampled)


def test_logger_tracer_and_capture_read_the_same_header() -> None:
    header = "Sampled=1;Parent=53995c3f42cd8ad8;Root=1-5759e988-bd862e3fe1be46a994272793"
    assert xray_trace_id(header) == "1-5759e988-bd862e3fe1be46a994272793"
    with XRayCapture() as xray:
        xray.trace_header = header
        config.set_environ({"_X_AMZN_TRACE_ID": header})
        assert xray.trace_id == "1-5759e988-bd862e3fe1be46a994272793"
        assert xray.parent_id == "53995c3f42cd8ad8"
        tracer = Tracer("svc")

        @tracer.capture_lambda_handler
        def handler(event: object, context: object) -> str:
            return "ok"

        handler({}, lambda_context())
        (document,) = xray.flush()
    assert document["trace_id"] == xray.trace_id and document["parent_id"] == xray.parent_id


def test_a_sampled_value_other_than_1_is_not_traced() -> None:
    with XRayCapture() as xray:
        config.set_environ(
            {"_X_AMZN_TRACE_ID": f"Root={xray.trace_id};Parent={xray.parent_id};Sampled=10"}
        )
        tracer = Tracer("svc")

        @tracer.capture_lambda_handler
        def handler(event: object, context: object) -> str:
            return "ok"

        assert handler({}, lambda_context()) == "ok"
        assert xray.flush() == []
