"""The extension transport: the AWS Parameters and Secrets Lambda Extension on localhost.

The extension answers ``GET /systemsmanager/parameters/get?name=...`` with SSM's GetParameter
output and ``GET /secretsmanager/get?secretId=...`` with Secrets Manager's GetSecretValue
output, as JSON, for requests carrying ``X-Aws-Parameters-Secrets-Token: $AWS_SESSION_TOKEN``;
errors are non-200 answers with a text body. It listens on
``$PARAMETERS_SECRETS_EXTENSION_HTTP_PORT`` (2773).

Only the standard library is used (``http.client``), so a function that reads its
configuration this way never imports boto3. One kept-alive connection serves the process (a
warm fetch is one loopback round trip, no TCP handshake); a connection the extension closed
while idle is reopened and the request sent again once, which is safe for a GET.
"""

from __future__ import annotations

import threading

from toolkit import config
from toolkit import context as _context
from toolkit._typing import TYPE_CHECKING
from toolkit.parameters.transport import RESERVE_MS, FetchError, Parameter

if TYPE_CHECKING:
    from http.client import HTTPConnection
    from typing import Any

__all__ = ["TOKEN_HEADER", "ExtensionTransport"]

TOKEN_HEADER = "X-Aws-Parameters-Secrets-Token"
# Connecting on loopback either succeeds or is refused at once; a longer wait means nothing
# good. Reading waits for the extension, which may itself be waiting for SSM.
CONNECT_TIMEOUT = 0.5
READ_TIMEOUT = 10.0
# The extension's answer while its INIT phase has not finished (a 400 with this text).
_NOT_READY = "not ready"
_MAX_REASON = 200  # characters of an error body kept in the error's reason


class ExtensionTransport:
    """Fetch through the extension on ``host:port`` (the port from
    ``PARAMETERS_SECRETS_EXTENSION_HTTP_PORT`` when not given, read when built)."""

    name = "extension"

    def __init__(self, *, host: str = "localhost", port: int | None = None) -> None:
        self.host = host
        self.port = config.EXTENSION_HTTP_PORT.read() if port is None else port
        self._connection: HTTPConnection | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"ExtensionTransport({self.host}:{self.port})"

    def get_parameter(
        self, name: str, *, decrypt: bool, version: int | None, label: str | None
    ) -> Parameter:
        query: list[tuple[str, object]] = [("name", name), ("withDecryption", decrypt)]
        if version is not None:
            query.append(("version", version))
        if label is not None:
            query.append(("label", label))
        body = self._get("/systemsmanager/parameters/get", query)
        parameter = body.get("Parameter") if isinstance(body, dict) else None
        if not isinstance(parameter, dict) or not isinstance(parameter.get("Value"), str):
            raise FetchError("the extension's answer has no Parameter.Value", status=200)
        return Parameter(parameter["Value"], str(parameter.get("Type", "String")))

    def get_secret(
        self, secret_id: str, *, version_id: str | None, version_stage: str | None
    ) -> str | bytes:
        query: list[tuple[str, object]] = [("secretId", secret_id)]
        if version_id is not None:
            query.append(("versionId", version_id))
        if version_stage is not None:
            query.append(("versionStage", version_stage))
        body = self._get("/secretsmanager/get", query)
        if isinstance(body, dict):
            if isinstance(body.get("SecretString"), str):
                return str(body["SecretString"])
            if isinstance(body.get("SecretBinary"), str):
                import base64

                try:
                    return base64.b64decode(body["SecretBinary"])
                except ValueError:
                    raise FetchError("the extension's SecretBinary is not base64") from None
        raise FetchError("the extension's answer has no SecretString or SecretBinary", status=200)

    def close(self) -> None:
        with self._lock:
            self._drop()

    def _get(self, path: str, query: list[tuple[str, object]]) -> Any:
        from urllib.parse import urlencode

        token = config.SESSION_TOKEN.read()
        if not token:
            # Unusable as if absent: auto falls back to the SDK, a forced extension fails.
            raise FetchError(
                "AWS_SESSION_TOKEN is not set: the extension needs it as its token", refused=True
            )
        target = f"{path}?{urlencode([(k, _text(v)) for k, v in query])}"
        headers = {TOKEN_HEADER: token}
        with self._lock:
            status, data = self._request(target, headers, _read_timeout())
        if status != 200:
            raise _failure(status, data)
        import json

        try:
            return json.loads(data)
        except ValueError:
            raise FetchError("the extension's answer is not JSON", status=status) from None

    def _request(self, target: str, headers: dict[str, str], timeout: float) -> tuple[int, bytes]:
        """One GET on the kept connection (under the lock); opened if there is none, and
        reopened once if the extension had closed it. Anything else raised on the way (the
        deadline, say) drops the connection, which may hold half an answer."""
        import http.client

        reused = self._connection is not None
        for attempt in (1, 2):
            try:
                connection = self._connect()
                if connection.sock is not None:
                    connection.sock.settimeout(timeout)
                connection.request("GET", target, headers=headers)
                response = connection.getresponse()
                data = response.read()
                if response.will_close:
                    self._drop()
                return response.status, data
            except ConnectionRefusedError:
                self._drop()
                raise FetchError(
                    f"nothing listens on {self.host}:{self.port}", refused=True
                ) from None
            except (http.client.HTTPException, OSError) as error:
                self._drop()
                if reused and attempt == 1 and not isinstance(error, TimeoutError):
                    # a kept-alive connection the extension closed while it was idle
                    continue
                raise FetchError(
                    f"the request to the extension failed ({type(error).__name__})",
                    transient=True,
                ) from None
            except BaseException:
                self._drop()
                raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _connect(self) -> HTTPConnection:
        connection = self._connection
        if connection is not None:
            return connection
        import http.client
        import socket

        connection = http.client.HTTPConnection(self.host, self.port, timeout=CONNECT_TIMEOUT)
        connection.connect()
        sock = connection.sock
        if sock is not None:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._connection = connection
        return connection

    def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            connection.close()


def _read_timeout() -> float:
    """How long to wait for an answer: :data:`READ_TIMEOUT`, or less when the invocation has
    less time left (so a hung extension fails the call before Lambda stops the function)."""
    invocation = _context.current()
    remaining = invocation.remaining_ms() if invocation is not None else None
    if remaining is None:
        return READ_TIMEOUT
    return max(0.05, min(READ_TIMEOUT, (remaining - RESERVE_MS) / 1000))


def _text(value: object) -> str:
    if value is True or value is False:
        return "true" if value else "false"
    return str(value)


def _failure(status: int, data: bytes) -> FetchError:
    """The error for a non-200 answer: its text (shortened) and whether it is worth a retry
    (a 5xx, a 429, or the extension saying it is not ready yet)."""
    text = data.decode("utf-8", "replace").strip()[:_MAX_REASON] or "no body"
    not_ready = status == 400 and _NOT_READY in text.lower()
    return FetchError(
        f"the extension answered {status}: {text}",
        status=status,
        code=_code(text),
        transient=status >= 500 or status == 429 or not_ready,
    )


def _code(text: str) -> str | None:
    """The AWS error code an error body starts with (``ParameterNotFound: ...``), if any."""
    head, colon, _ = text.partition(":")
    return head if colon and head.isalnum() and head[:1].isupper() else None
