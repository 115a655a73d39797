"""A local Lambda Runtime API, for running a handler under AWS's real runtime client.

``awslambdaric`` (what the managed Python runtimes and container images run) polls
``AWS_LAMBDA_RUNTIME_API`` for events and posts back results. Pointing it at this server on
loopback runs a handler exactly as Lambda would (its root-logger setup, its stdout wrapping,
its error reporting) without any AWS access, so tests can check what really gets printed.

    with RuntimeAPIServer() as api:
        proc = subprocess.Popen(
            [sys.executable, "-m", "awslambdaric", "app.handler"],
            env={**env, "AWS_LAMBDA_RUNTIME_API": api.address},
        )
        result = api.invoke({"hello": "world"}).wait(timeout=10)
        assert result.ok and result.json() == {...}
"""

from __future__ import annotations

import json
import queue
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["InvocationResult", "PendingInvocation", "RuntimeAPIServer", "RuntimeAPITimeout"]

_PREFIX = "/2018-06-01/runtime"


class RuntimeAPITimeout(TimeoutError):
    """The runtime did not post a result (or fetch an event) within the time given."""


@dataclass(frozen=True)
class InvocationResult:
    """What the runtime posted for one invocation: ``kind`` is ``"response"`` or
    ``"error"``; ``body`` the raw payload; ``headers`` the request headers it sent."""

    request_id: str
    kind: str
    body: bytes
    headers: dict[str, str]

    @property
    def ok(self) -> bool:
        return self.kind == "response"

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class PendingInvocation:
    """An event queued for the runtime; :meth:`wait` blocks until its result is posted.

    ``picked_up_at`` and ``completed_at`` are ``time.perf_counter()`` readings taken when the
    runtime fetched the event and posted its result: the invocation's duration as Lambda's
    REPORT line counts it, free of how often the caller looks."""

    request_id: str
    event: bytes
    deadline_ms: int
    trace_id: str | None
    function_arn: str
    picked_up_at: float | None = None
    completed_at: float | None = None
    _done: threading.Event = field(default_factory=threading.Event, repr=False)
    _result: InvocationResult | None = field(default=None, repr=False)

    def wait(self, timeout: float = 30.0) -> InvocationResult:
        if not self._done.wait(timeout):
            raise RuntimeAPITimeout(
                f"no result for invocation {self.request_id} within {timeout} s"
            )
        assert self._result is not None
        return self._result

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def _complete(self, result: InvocationResult) -> None:
        self.completed_at = time.perf_counter()
        self._result = result
        self._done.set()


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        """A runtime stopped mid-request (the end of a run, a timeout's kill) is not news."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class RuntimeAPIServer:
    """A threaded HTTP server on ``127.0.0.1`` (a free port) speaking the Runtime API paths
    ``awslambdaric`` uses: ``GET /runtime/invocation/next``, ``POST
    /runtime/invocation/{id}/response``, ``POST /runtime/invocation/{id}/error`` and ``POST
    /runtime/init/error`` (under ``/2018-06-01``).

    :meth:`invoke` queues an event; the runtime's next poll receives it with the request id,
    deadline, function ARN and trace id headers; ``on_next``, when given, is called with it
    just before (the runtime is still waiting: what it printed until then is its init's or its
    previous invocation's output). ``init_error`` holds what the runtime posted
    if the handler could not be loaded (:meth:`wait_init_error` waits for it).
    """

    def __init__(
        self,
        *,
        function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:test-function",
        timeout_ms: int = 3000,
        on_next: Callable[[PendingInvocation], None] | None = None,
    ) -> None:
        self.function_arn = function_arn
        self.timeout_ms = timeout_ms
        self.on_next = on_next
        self.init_error: InvocationResult | None = None
        self._init_error_posted = threading.Event()
        self._queue: queue.Queue[PendingInvocation] = queue.Queue()
        self._inflight: dict[str, PendingInvocation] = {}
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server = _Server(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def address(self) -> str:
        """``host:port``, the value for ``AWS_LAMBDA_RUNTIME_API``."""
        host, port = self._server.server_address[:2]
        return f"{host!s}:{port}"

    def start(self) -> RuntimeAPIServer:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._server.serve_forever, name="runtime-api", daemon=True
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join()
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> RuntimeAPIServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def invoke(
        self,
        event: Any,
        *,
        request_id: str | None = None,
        trace_id: str | None = None,
        timeout_ms: int | None = None,
    ) -> PendingInvocation:
        """Queue ``event`` (JSON-encoded unless already ``bytes``) for the runtime."""
        body = event if isinstance(event, bytes) else json.dumps(event).encode()
        budget = self.timeout_ms if timeout_ms is None else timeout_ms
        pending = PendingInvocation(
            request_id=request_id or str(uuid.uuid4()),
            event=body,
            deadline_ms=int(time.time() * 1000) + budget,
            trace_id=trace_id,
            function_arn=self.function_arn,
        )
        self._queue.put(pending)
        return pending

    def wait_init_error(self, timeout: float = 30.0) -> InvocationResult:
        if not self._init_error_posted.wait(timeout):
            raise RuntimeAPITimeout(f"no init error posted within {timeout} s")
        assert self.init_error is not None
        return self.init_error

    # --- the HTTP side --------------------------------------------------------------------
    def _next(self) -> PendingInvocation | None:
        """Block until an event is queued (or the server stops)."""
        while not self._stopping.is_set():
            try:
                pending = self._queue.get(timeout=0.2)
            except queue.Empty:
                continue
            pending.deadline_ms = max(pending.deadline_ms, int(time.time() * 1000) + 1)
            pending.picked_up_at = time.perf_counter()
            if self.on_next is not None:
                self.on_next(pending)
            with self._lock:
                self._inflight[pending.request_id] = pending
            return pending
        return None

    def _post(self, request_id: str, kind: str, body: bytes, headers: dict[str, str]) -> bool:
        with self._lock:
            pending = self._inflight.pop(request_id, None)
        if pending is None:
            return False
        pending._complete(InvocationResult(request_id, kind, body, headers))
        return True

    def _post_init_error(self, body: bytes, headers: dict[str, str]) -> None:
        self.init_error = InvocationResult("", "init_error", body, headers)
        self._init_error_posted.set()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in separate writes: without TCP_NODELAY, Nagle plus the
            # client's delayed ACK hold each reply ~40 ms on loopback (see DESIGN.md).
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: Any) -> None:
                return  # keep test output to what the runtime prints

            def _reply(
                self, status: HTTPStatus, body: bytes = b"{}", headers: dict[str, str] | None = None
            ) -> None:
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                if self.path != f"{_PREFIX}/invocation/next":
                    self._reply(HTTPStatus.NOT_FOUND, b'{"errorType":"NotFound"}')
                    return
                pending = api._next()
                if pending is None:
                    self._reply(HTTPStatus.GONE, b'{"errorType":"ServerStopped"}')
                    return
                headers = {
                    "Lambda-Runtime-Aws-Request-Id": pending.request_id,
                    "Lambda-Runtime-Deadline-Ms": str(pending.deadline_ms),
                    "Lambda-Runtime-Invoked-Function-Arn": pending.function_arn,
                }
                if pending.trace_id is not None:
                    headers["Lambda-Runtime-Trace-Id"] = pending.trace_id
                self._reply(HTTPStatus.OK, pending.event, headers)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = dict(self.headers.items())
                path = self.path
                if path == f"{_PREFIX}/init/error":
                    api._post_init_error(body, headers)
                    self._reply(HTTPStatus.ACCEPTED, b'{"status":"OK"}')
                    return
                prefix = f"{_PREFIX}/invocation/"
                if path.startswith(prefix):
                    request_id, _, kind = path[len(prefix) :].partition("/")
                    if kind in {"response", "error"} and api._post(request_id, kind, body, headers):
                        self._reply(HTTPStatus.ACCEPTED, b'{"status":"OK"}')
                        return
                self._reply(HTTPStatus.NOT_FOUND, b'{"errorType":"UnknownRequest"}')

        return Handler
