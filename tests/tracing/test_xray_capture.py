from __future__ import annotations

import json
import socket

import pytest

from toolkit import config
from toolkit.testing import XRayCapture
from toolkit.testing.xray import HEADER


def send(address: str, payload: bytes) -> None:
    host, port = address.split(":")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.sendto(payload, (host, int(port)))


def test_sets_and_restores_the_lambda_environment() -> None:
    assert config.LAMBDA_TASK_ROOT.read() is None
    with XRayCapture(extra_env={"TOOLKIT_SERVICE_NAME": "x"}) as xray:
        assert config.XRAY_DAEMON_ADDRESS.read() == xray.address
        assert xray.address.startswith("127.0.0.1:")
        assert config.LAMBDA_TASK_ROOT.read() == "/var/task"
        assert config.SERVICE_NAME.read() == "x"
        header = config.XRAY_TRACE_ID.read()
        assert header == xray.trace_header and header.endswith(";Sampled=1")
        assert xray.trace_id.startswith("1-") and len(xray.parent_id) == 16
        first = xray.trace_id
        xray.next_invocation(sampled=False)
        assert xray.trace_id != first
        assert config.XRAY_TRACE_ID.read().endswith(";Sampled=0")
    assert config.LAMBDA_TASK_ROOT.read() is None
    assert config.XRAY_TRACE_ID.read() is None
    assert config.XRAY_DAEMON_ADDRESS.read() is None


def test_parses_daemon_datagrams_and_filters_them() -> None:
    with XRayCapture() as xray:
        segment = {"name": "app", "id": "1", "trace_id": "t"}
        sub = {"name": "## h", "id": "2", "type": "subsegment"}
        send(xray.address, HEADER + b"\n" + json.dumps(segment).encode())
        send(xray.address, HEADER + b"\n" + json.dumps(sub).encode())
        send(xray.address, b"not the daemon protocol")
        assert xray.wait_for(2) == [segment, sub]
        xray.flush()
        assert xray.segments() == [segment]
        assert xray.subsegments() == [sub]
        assert xray.subsegments(name="other") == []
        assert xray.malformed == [b"not the daemon protocol"]
        xray.clear()
        assert xray.flush() == []


def test_wait_for_names_what_arrived_on_timeout() -> None:
    with XRayCapture() as xray:
        send(xray.address, HEADER + b'\n{"name": "only"}')
        with pytest.raises(AssertionError, match=r"expected 2 X-Ray documents .* \['only'\]"):
            xray.wait_for(2, timeout=0.2)


def test_unstarted_capture_says_how_to_use_it() -> None:
    xray = XRayCapture()
    with pytest.raises(RuntimeError, match="context manager"):
        _ = xray.address
    with pytest.raises(RuntimeError, match="not started"):
        xray.flush()


def test_each_invocation_gets_a_fresh_trace() -> None:
    with XRayCapture() as xray:
        first = (xray.trace_id, xray.parent_id)
        assert xray.next_invocation().endswith(";Sampled=1")
        assert (xray.trace_id, xray.parent_id) != first
