"""The local Runtime API server, spoken to over HTTP as a runtime client would."""

from __future__ import annotations

import http.client
import json
import time

import pytest

from toolkit.testing import RuntimeAPIServer
from toolkit.testing.runtime_api import RuntimeAPITimeout


def request(api, method, path, body=b""):
    host, port = api.address.split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    connection.request(method, path, body=body)
    response = connection.getresponse()
    data = response.read()
    headers = dict(response.getheaders())
    connection.close()
    return response.status, headers, data


def test_next_delivers_queued_events_with_the_runtime_headers():
    with RuntimeAPIServer(
        function_arn="arn:aws:lambda:eu-west-1:1:function:f", timeout_ms=1000
    ) as api:
        assert api.address.startswith("127.0.0.1:")
        pending = api.invoke({"a": 1}, request_id="r1", trace_id="Root=1-2-3")
        api.invoke(b"raw", timeout_ms=50)
        status, headers, body = request(api, "GET", "/2018-06-01/runtime/invocation/next")
        assert status == 200 and json.loads(body) == {"a": 1}
        assert headers["Lambda-Runtime-Aws-Request-Id"] == "r1"
        assert (
            headers["Lambda-Runtime-Invoked-Function-Arn"]
            == "arn:aws:lambda:eu-west-1:1:function:f"
        )
        assert headers["Lambda-Runtime-Trace-Id"] == "Root=1-2-3"
        deadline = int(headers["Lambda-Runtime-Deadline-Ms"])
        assert 0 < deadline - time.time() * 1000 <= 1000
        status, _, _ = request(api, "POST", "/2018-06-01/runtime/invocation/r1/response", b'"done"')
        assert status == 202
        result = pending.wait(5)
        assert result.ok and result.json() == "done" and result.request_id == "r1"

        status, headers, body = request(api, "GET", "/2018-06-01/runtime/invocation/next")
        assert body == b"raw" and "Lambda-Runtime-Trace-Id" not in headers
        request_id = headers["Lambda-Runtime-Aws-Request-Id"]
        status, _, _ = request(
            api, "POST", f"/2018-06-01/runtime/invocation/{request_id}/error", b'{"errorType":"X"}'
        )
        assert status == 202


def test_unknown_paths_and_ids_are_refused():
    with RuntimeAPIServer() as api:
        assert request(api, "GET", "/2018-06-01/runtime/other")[0] == 404
        assert request(api, "POST", "/2018-06-01/runtime/invocation/nope/response")[0] == 404
        assert request(api, "POST", "/2018-06-01/runtime/invocation/nope/other")[0] == 404
        status, _, _ = request(api, "POST", "/2018-06-01/runtime/init/error", b'{"errorType":"E"}')
        assert status == 202
        assert api.wait_init_error(1).json() == {"errorType": "E"}


def test_waiting_times_out_with_a_clear_error():
    with RuntimeAPIServer() as api:
        pending = api.invoke({})
        with pytest.raises(RuntimeAPITimeout, match=pending.request_id):
            pending.wait(0.05)
        with pytest.raises(RuntimeAPITimeout, match="init error"):
            api.wait_init_error(0.05)


def test_a_poll_pending_at_shutdown_is_answered():
    import threading

    api = RuntimeAPIServer().start()
    answers = []
    poller = threading.Thread(
        target=lambda: answers.append(request(api, "GET", "/2018-06-01/runtime/invocation/next")[0])
    )
    poller.start()
    time.sleep(0.3)
    api.stop()
    poller.join(10)
    assert answers == [410]
