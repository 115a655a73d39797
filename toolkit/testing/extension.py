"""A local AWS Parameters and Secrets Lambda Extension, for running and testing handlers that
read configuration and secrets through it.

In Lambda the extension listens on ``localhost:$PARAMETERS_SECRETS_EXTENSION_HTTP_PORT``
(2773), answers ``GET`` requests that carry ``X-Aws-Parameters-Secrets-Token:
$AWS_SESSION_TOKEN``, fetches from SSM Parameter Store and Secrets Manager with the function's
role and caches what it fetched. :class:`ExtensionEmulator` speaks the same HTTP API on
127.0.0.1, backed by boto3 clients at any endpoint (moto, the embedded AWS, LocalStack or AWS
itself), so a client's extension transport is exercised over real HTTP:

    with ExtensionEmulator(endpoint_url=moto_url) as extension:
        with config.environ(extension.environment()):
            handler(event, context)

Responses are the shapes the extension sends: the SDK's GetParameter / GetSecretValue output as
JSON, with dates as RFC 3339 strings and ``SecretBinary`` base64, plus ``"ResultMetadata": {}``
(the extension is written in Go and serialises the AWS SDK for Go v2 output structs). Errors are
plain-text bodies. :attr:`ExtensionEmulator.faults` injects what tests of a client need: a
delay, a share of failed requests, and the "not ready" answer the extension gives during INIT.

boto3 is imported when the first request needs the backend, not when this module is imported.
"""

from __future__ import annotations

import base64
import json
import secrets
import socket
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from toolkit import config
from toolkit.errors import ToolkitError

if TYPE_CHECKING:
    from types import TracebackType

    from toolkit.testing.embedded_aws import EmbeddedAWS

__all__ = [
    "NOT_READY_MESSAGE",
    "TOKEN_HEADER",
    "ExtensionEmulator",
    "ExtensionEmulatorError",
    "Faults",
]

TOKEN_HEADER = "X-Aws-Parameters-Secrets-Token"
SSM_PATH = "/systemsmanager/parameters/get"
SECRETS_PATH = "/secretsmanager/get"
#: What the extension answers (with status 400) before it has finished its INIT phase.
NOT_READY_MESSAGE = "not ready to serve traffic, please wait"


class ExtensionEmulatorError(ToolkitError, ValueError):
    """The emulator was configured with something it cannot use (a bad fault setting)."""


@dataclass(frozen=True)
class Faults:
    """Misbehaviour to inject, for testing a client's retries and fallbacks.

    ``delay`` seconds pass before every answer. ``error_rate`` is the share of requests (0-1)
    answered with ``error_status`` instead of being served: deterministic, every ``1/rate``-th
    request fails (0.5: every second one), so a test knows which. ``not_ready`` answers every
    request with 400 and :data:`NOT_READY_MESSAGE`, as the extension does during INIT.
    """

    delay: float = 0.0
    error_rate: float = 0.0
    error_status: int = 500
    not_ready: bool = False

    def __post_init__(self) -> None:
        if not self.delay >= 0:
            raise ExtensionEmulatorError(f"Faults(delay={self.delay!r}): must be >= 0 seconds")
        if not 0.0 <= self.error_rate <= 1.0:
            raise ExtensionEmulatorError(
                f"Faults(error_rate={self.error_rate!r}): must be between 0 and 1"
            )
        if not 400 <= self.error_status <= 599:
            raise ExtensionEmulatorError(
                f"Faults(error_status={self.error_status!r}): must be an HTTP error status"
            )


@dataclass(frozen=True)
class _Answer:
    status: int
    body: bytes = field(repr=False)  # a parameter's or a secret's value
    content_type: str = "text/plain; charset=utf-8"


def _text(status: int, message: str) -> _Answer:
    return _Answer(status, message.encode())


def _json(document: Mapping[str, Any]) -> _Answer:
    return _Answer(200, json.dumps(document).encode(), "application/json")


def rfc3339(value: object) -> object:
    """A timestamp as Go's encoder writes a ``time.Time`` (RFC 3339, fraction without trailing
    zeros, UTC as ``Z``); anything that is not a datetime passes through."""
    if not isinstance(value, datetime):
        return value
    moment = value.astimezone(timezone.utc) if value.tzinfo else value
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if moment.microsecond:
        text += f".{moment.microsecond:06d}".rstrip("0")
    return text + "Z"


def parameter_document(output: Mapping[str, Any]) -> dict[str, Any]:
    """GetParameter's output as the extension sends it: every field of the SDK's ``Parameter``
    present (``null`` when AWS left it out), no ``ResponseMetadata``."""
    parameter = output["Parameter"]
    fields = ("ARN", "DataType", "LastModifiedDate", "Name", "Selector", "SourceResult", "Type")
    shaped = {name: rfc3339(parameter.get(name)) for name in fields}
    shaped["Value"] = parameter.get("Value")
    shaped["Version"] = parameter.get("Version", 0)
    return {"Parameter": shaped, "ResultMetadata": {}}


def secret_document(output: Mapping[str, Any]) -> dict[str, Any]:
    """GetSecretValue's output as the extension sends it (``SecretBinary`` base64)."""
    binary = output.get("SecretBinary")
    return {
        "ARN": output.get("ARN"),
        "CreatedDate": rfc3339(output.get("CreatedDate")),
        "Name": output.get("Name"),
        "SecretBinary": None if binary is None else base64.b64encode(binary).decode(),
        "SecretString": output.get("SecretString"),
        "VersionId": output.get("VersionId"),
        "VersionStages": output.get("VersionStages"),
        "ResultMetadata": {},
    }


class _Cache:
    """The extension's cache: answers by request, each kind with its own time-to-live, at most
    ``size`` entries, the least recently used evicted first."""

    def __init__(self, size: int, clock: Callable[[], float]) -> None:
        self.size = size
        self._clock = clock
        self._entries: OrderedDict[tuple[str, ...], tuple[float, _Answer]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, ...]) -> _Answer | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            expires, answer = entry
            if self._clock() >= expires:
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return answer

    def put(self, key: tuple[str, ...], answer: _Answer, ttl: float) -> None:
        if ttl <= 0 or self.size <= 0:
            return
        with self._lock:
            self._entries[key] = (self._clock() + ttl, answer)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


class ExtensionEmulator:
    """The extension's HTTP API on ``127.0.0.1``, backed by SSM and Secrets Manager at
    ``endpoint_url`` (boto3's own resolution when ``None``).

    Settings not passed are read from the extension's environment variables when the emulator
    is built (``SSM_PARAMETER_STORE_TTL``, ``SECRETS_MANAGER_TTL``,
    ``PARAMETERS_SECRETS_EXTENSION_CACHE_ENABLED``, ``PARAMETERS_SECRETS_EXTENSION_CACHE_SIZE``,
    ``PARAMETERS_SECRETS_EXTENSION_MAX_CONNECTIONS``, the two ``*_TIMEOUT_MILLIS``). ``port=0``
    lets the OS choose a free port; ``token`` defaults to ``AWS_SESSION_TOKEN`` when it is set
    (as in Lambda, so real credentials keep working) or a random one. ``clock`` is the
    monotonic clock the cache expires on. ``request_log`` receives one line per request
    (method, path and query, status): names and ids, never a value or the token.
    """

    def __init__(
        self,
        *,
        endpoint_url: str | None = None,
        port: int = 0,
        token: str | None = None,
        region: str | None = None,
        ssm_ttl: int | None = None,
        secrets_ttl: int | None = None,
        cache_enabled: bool | None = None,
        cache_size: int | None = None,
        max_connections: int | None = None,
        faults: Faults | None = None,
        clock: Callable[[], float] = time.monotonic,
        request_log: Callable[[str], None] | None = None,
    ) -> None:
        self.endpoint_url = endpoint_url
        self.region = region or config.REGION.read() or config.DEFAULT_REGION.read() or "us-east-1"
        self.token = token or config.SESSION_TOKEN.read() or secrets.token_hex(16)
        self.ssm_ttl = config.SSM_PARAMETER_STORE_TTL.read() if ssm_ttl is None else ssm_ttl
        self.secrets_ttl = config.SECRETS_MANAGER_TTL.read() if secrets_ttl is None else secrets_ttl
        enabled = config.EXTENSION_CACHE_ENABLED.read() if cache_enabled is None else cache_enabled
        size = config.EXTENSION_CACHE_SIZE.read() if cache_size is None else cache_size
        self.cache_enabled = bool(enabled) and size > 0
        self.max_connections = (
            config.EXTENSION_MAX_CONNECTIONS.read() if max_connections is None else max_connections
        )
        self._timeouts = {
            "ssm": config.SSM_PARAMETER_STORE_TIMEOUT_MILLIS.read() / 1000,
            "secretsmanager": config.SECRETS_MANAGER_TIMEOUT_MILLIS.read() / 1000,
        }
        _check_range("port", port, 0, 65535)
        _check_range("ssm_ttl", self.ssm_ttl, 0, 300)
        _check_range("secrets_ttl", self.secrets_ttl, 0, 300)
        _check_range("cache_size", size, 0, 1000)
        _check_range("max_connections", self.max_connections, 1, None)
        self.faults = faults or Faults()
        self.request_log = request_log
        #: The embedded AWS behind the emulator when toolkit started one for it (the
        #: ``extension_emulator`` fixture does): seed it with ``put_parameter`` / ``create_secret``.
        self.aws: EmbeddedAWS | None = None
        self._cache = _Cache(size if self.cache_enabled else 0, clock)
        self._upstream = threading.BoundedSemaphore(self.max_connections)
        self._clients: dict[str, Any] = {}
        self._clients_lock = threading.Lock()
        self._counts_lock = threading.Lock()
        self._requests = 0
        self._upstream_calls = 0
        self._server = _Server(("127.0.0.1", port), _handler_class(self))
        self._thread: threading.Thread | None = None

    # --- lifecycle ----------------------------------------------------------------------
    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def environment(self) -> dict[str, str]:
        """What a handler needs to find this emulator: the port and the token."""
        return {
            config.EXTENSION_HTTP_PORT.name: str(self.port),
            config.SESSION_TOKEN.name: self.token,
        }

    def start(self) -> ExtensionEmulator:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._server.serve_forever,
                kwargs={"poll_interval": 0.05},  # stop() returns within 50 ms, not 500
                name="extension-emulator",
                daemon=True,
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop accepting, close the connections being kept alive and release the port."""
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join()
            self._thread = None
        self._server.close_connections()
        self._server.server_close()

    def __enter__(self) -> ExtensionEmulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # --- what tests look at ---------------------------------------------------------------
    @property
    def requests(self) -> int:
        """Requests answered so far (any status)."""
        return self._requests

    @property
    def upstream_calls(self) -> int:
        """Calls made to SSM / Secrets Manager so far: a cache hit makes none."""
        return self._upstream_calls

    def prepare(self) -> ExtensionEmulator:
        """Build the SSM and Secrets Manager clients now: importing boto3 and making a client
        takes a few hundred ms, which the real extension spends in its INIT phase rather than
        in the function's first request."""
        for service in self._timeouts:
            self._client(service)
        return self

    def clear_cache(self) -> None:
        self._cache.clear()

    @contextmanager
    def injected(self, faults: Faults) -> Iterator[ExtensionEmulator]:
        """Use ``faults`` for a block, then go back to the ones before."""
        before, self.faults = self.faults, faults
        try:
            yield self
        finally:
            self.faults = before

    # --- serving --------------------------------------------------------------------------
    def answer(self, method: str, target: str, token: str | None) -> _Answer:
        """The answer to one request (called by the server's threads): ``target`` is the
        request's path and query, ``token`` its :data:`TOKEN_HEADER`."""
        with self._counts_lock:
            self._requests += 1
            number = self._requests
        faults = self.faults
        if faults.delay:
            time.sleep(faults.delay)
        if faults.not_ready:
            return _text(400, NOT_READY_MESSAGE)
        if method != "GET":
            return _text(405, f"method {method} not allowed: the extension answers GET only")
        if token != self.token:
            return _text(403, f"missing or invalid {TOKEN_HEADER} header")
        if faults.error_rate and int(number * faults.error_rate) > int(
            (number - 1) * faults.error_rate
        ):
            return _text(faults.error_status, "injected fault")
        parts = urlsplit(target)
        path = parts.path.rstrip("/")
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        if path == SSM_PATH:
            return self._parameter(query)
        if path == SECRETS_PATH:
            return self._secret(query)
        return _text(404, f"unknown path {path!r}: use {SSM_PATH} or {SECRETS_PATH}")

    def _parameter(self, query: Mapping[str, str]) -> _Answer:
        name = query.get("name")
        if not name:
            return _text(400, "missing required query parameter: name")
        version, label = query.get("version"), query.get("label")
        if version and label:
            return _text(400, "version and label cannot both be given")
        decrypt = query.get("withDecryption", "false").lower()
        if decrypt not in ("true", "false"):
            return _text(400, f"withDecryption must be true or false, not {decrypt!r}")
        selector = f":{version}" if version else f":{label}" if label else ""
        key = ("ssm", name, selector, decrypt)
        request = {"Name": name + selector, "WithDecryption": decrypt == "true"}
        return self._fetch(
            key,
            ttl=self.ssm_ttl,
            service="ssm",
            operation="get_parameter",
            request=request,
            shape=parameter_document,
        )

    def _secret(self, query: Mapping[str, str]) -> _Answer:
        secret_id = query.get("secretId")
        if not secret_id:
            return _text(400, "missing required query parameter: secretId")
        request = {"SecretId": secret_id}
        if query.get("versionId"):
            request["VersionId"] = query["versionId"]
        if query.get("versionStage"):
            request["VersionStage"] = query["versionStage"]
        stage = request.get("VersionStage", "")
        key = ("secretsmanager", secret_id, request.get("VersionId", ""), stage)
        return self._fetch(
            key,
            ttl=self.secrets_ttl,
            service="secretsmanager",
            operation="get_secret_value",
            request=request,
            shape=secret_document,
        )

    def _fetch(
        self,
        key: tuple[str, ...],
        *,
        ttl: int,
        service: str,
        operation: str,
        request: Mapping[str, Any],
        shape: Callable[[Mapping[str, Any]], dict[str, Any]],
    ) -> _Answer:
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        from botocore.exceptions import BotoCoreError, ClientError

        client = self._client(service)
        with self._upstream:
            with self._counts_lock:
                self._upstream_calls += 1
            try:
                output = getattr(client, operation)(**request)
            except ClientError as error:
                # AWS answers every client error of these two services with 400 (moto sometimes
                # 404); a 5xx stays a 5xx so a client can tell transient failures apart. The
                # body is the error code and message, which name resources, never values.
                response = error.response
                status = int(response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 400)
                status = status if status >= 500 else 400
                code = response.get("Error", {}).get("Code", "Unknown")
                message = response.get("Error", {}).get("Message", "")
                return _text(status, f"{code}: {message}")
            except BotoCoreError as error:
                return _text(502, f"{service} could not be reached: {type(error).__name__}")
        answer = _json(shape(output))
        self._cache.put(key, answer, ttl)
        return answer

    def _client(self, service: str) -> Any:
        with self._clients_lock:
            client = self._clients.get(service)
            if client is None:
                import boto3
                from botocore.config import Config

                timeout = self._timeouts[service] or None
                settings = Config(
                    max_pool_connections=self.max_connections,
                    connect_timeout=timeout or 60,
                    read_timeout=timeout or 60,
                    retries={"max_attempts": 1, "mode": "standard"},
                )
                session = boto3.session.Session(region_name=self.region)
                client = session.client(  # type: ignore[call-overload]
                    service, endpoint_url=self.endpoint_url, config=settings
                )
                self._clients[service] = client
            return client


def _check_range(name: str, value: int, low: int, high: int | None) -> None:
    """The extension's own bounds for its settings (its variables are checked by config)."""
    if value < low or (high is not None and value > high):
        bounds = f"from {low} to {high}" if high is not None else f">= {low}"
        raise ExtensionEmulatorError(f"ExtensionEmulator({name}={value!r}): must be {bounds}")


class _Server(ThreadingHTTPServer):
    """Keeps the connections it is serving, so that stopping closes kept-alive ones too, as
    the extension's sockets go away with it (``shutdown()`` alone only stops accepting)."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], handler: type[BaseHTTPRequestHandler]) -> None:
        super().__init__(address, handler)
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        with self._open_lock:
            connections = list(self._open)
        for connection in connections:
            with suppress(OSError):  # the client closed it first
                connection.shutdown(socket.SHUT_RDWR)


def _handler_class(emulator: ExtensionEmulator) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the extension's clients expect

        def setup(self) -> None:
            super().setup()
            # Belt and braces with the single write below: no Nagle stall on loopback.
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def log_message(self, format: str, *args: Any) -> None:
            return  # request lines carry names and ids only, but tests want quiet output

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length:
                self.rfile.read(length)  # a body nobody wants, read so keep-alive stays in step
            answer = emulator.answer(self.command, self.path, self.headers.get(TOKEN_HEADER))
            reason = self.responses.get(answer.status, ("Error",))[0]
            head = (
                f"HTTP/1.1 {answer.status} {reason}\r\n"
                f"Content-Type: {answer.content_type}\r\n"
                f"Content-Length: {len(answer.body)}\r\n"
                f"Date: {self.date_time_string()}\r\n\r\n"
            )
            self.wfile.write(head.encode("latin-1") + answer.body)  # one send per response
            if emulator.request_log is not None:
                emulator.request_log(f"{self.command} {self.path} {answer.status}")

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

    return Handler
