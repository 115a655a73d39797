"""An X-Ray daemon stand-in for tests: a UDP listener on loopback that keeps every document
aws-xray-sdk sends, plus the environment of a sampled Lambda invocation pointing at it.

    with XRayCapture() as xray:
        handler(event, lambda_context())
        (sub,) = xray.subsegments(name="## handler")
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Mapping
from contextlib import ExitStack
from types import TracebackType
from typing import Any

from toolkit.config import environ, set_environ
from toolkit.trace_header import new_trace_header, parse_trace_header

__all__ = ["XRayCapture"]

HEADER = b'{"format":"json","version":1}'
_FLUSH = b"toolkit-xray-capture-flush"


class XRayCapture:
    """Receive what aws-xray-sdk sends, as a Lambda invocation with active tracing would.

    Entering it starts the listener and sets ``AWS_XRAY_DAEMON_ADDRESS`` (to the listener),
    ``LAMBDA_TASK_ROOT`` and ``_X_AMZN_TRACE_ID`` (a fresh root, ``Sampled=1`` unless
    ``sampled=False``) through :func:`toolkit.config.environ`; leaving restores them.
    ``extra_env`` sets more (``{"TOOLKIT_TRACE_DISABLED": "true"}``, say). Documents are
    dicts; ``raw`` keeps the exact datagrams (to check sizes).
    """

    def __init__(
        self,
        *,
        sampled: bool = True,
        task_root: str = "/var/task",
        extra_env: Mapping[str, str | None] | None = None,
    ) -> None:
        self.sampled = sampled
        self.task_root = task_root
        self.extra_env = dict(extra_env or {})
        self.raw: list[bytes] = []
        self.documents: list[dict[str, Any]] = []
        self.malformed: list[bytes] = []
        self.trace_header = ""
        self._condition = threading.Condition()
        self._socket: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._stack = ExitStack()
        self._flushes = 0

    @property
    def address(self) -> str:
        if self._socket is None:
            raise RuntimeError("XRayCapture is not started: use it as a context manager")
        host, port = self._socket.getsockname()[:2]
        return f"{host}:{port}"

    @property
    def trace_id(self) -> str:
        return parse_trace_header(self.trace_header).root or ""

    @property
    def parent_id(self) -> str:
        """The id of the (facade) function segment: the ``parent_id`` of handler subsegments."""
        return parse_trace_header(self.trace_header).parent or ""

    def __enter__(self) -> XRayCapture:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 * 1024 * 1024)
        sock.bind(("127.0.0.1", 0))
        self._socket = sock
        self._thread = threading.Thread(target=self._receive, name="xray-capture", daemon=True)
        self._thread.start()
        self.trace_header = new_trace_header(sampled=self.sampled)
        self._stack.enter_context(
            environ(
                {
                    "AWS_XRAY_DAEMON_ADDRESS": self.address,
                    "LAMBDA_TASK_ROOT": self.task_root,
                    "_X_AMZN_TRACE_ID": self.trace_header,
                    **self.extra_env,
                }
            )
        )
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stack.close()
        sock, self._socket = self._socket, None
        if sock is not None:
            sock.sendto(b"", sock.getsockname())  # wake the receiver
            if self._thread is not None:
                self._thread.join(timeout=5)
            sock.close()

    def next_invocation(self, sampled: bool | None = None) -> str:
        """Start a new trace (what Lambda does before each invocation); returns the header."""
        if sampled is not None:
            self.sampled = sampled
        self.trace_header = new_trace_header(sampled=self.sampled)
        set_environ({"_X_AMZN_TRACE_ID": self.trace_header})
        return self.trace_header

    def _receive(self) -> None:
        sock = self._socket
        assert sock is not None
        while True:
            try:
                data = sock.recv(65536)
            except OSError:
                return
            if not data:
                return
            with self._condition:
                if data == _FLUSH:
                    self._flushes += 1
                else:
                    header, _, body = data.partition(b"\n")
                    if header != HEADER:
                        self.malformed.append(data)
                        continue
                    self.raw.append(data)
                    self.documents.append(json.loads(body))
                self._condition.notify_all()

    def flush(self, timeout: float = 5.0) -> list[dict[str, Any]]:
        """Wait until everything sent before this call has been received.

        UDP on loopback keeps order into one socket, so a marker sent now arrives after every
        document the code under test sent before: asserting "nothing was sent" needs no sleep.
        """
        if self._socket is None:
            raise RuntimeError("XRayCapture is not started")
        with self._condition:
            target = self._flushes + 1
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sender:
            sender.sendto(_FLUSH, self._socket.getsockname())
        with self._condition:
            if not self._condition.wait_for(lambda: self._flushes >= target, timeout):
                raise AssertionError("the X-Ray capture listener did not answer in time")
            return list(self.documents)

    def wait_for(self, count: int, timeout: float = 5.0) -> list[dict[str, Any]]:
        """The documents once at least ``count`` arrived; fails naming what did arrive."""
        with self._condition:
            if not self._condition.wait_for(lambda: len(self.documents) >= count, timeout):
                names = [doc.get("name") for doc in self.documents]
                raise AssertionError(
                    f"expected {count} X-Ray documents within {timeout}s, got {names}"
                )
            return list(self.documents)

    def segments(self) -> list[dict[str, Any]]:
        """Documents that are segments (outside Lambda); inside Lambda the SDK sends only
        subsegments, the function's segment being Lambda's own."""
        with self._condition:
            return [doc for doc in self.documents if doc.get("type") != "subsegment"]

    def subsegments(self, name: str | None = None) -> list[dict[str, Any]]:
        """Subsegments received, in arrival order (a child arrives before its parent)."""
        with self._condition:
            return [
                doc
                for doc in self.documents
                if doc.get("type") == "subsegment" and (name is None or doc.get("name") == name)
            ]

    def clear(self) -> None:
        with self._condition:
            self.documents.clear()
            self.raw.clear()
