"""An AWS API on loopback, in this process: moto's server for local runs and tests.

``toolkit invoke --aws embedded`` and users' own tests run a handler that calls DynamoDB, SSM or
Secrets Manager without an AWS account and without anything leaving the machine:

    with EmbeddedAWS() as aws, aws.applied():
        aws.create_table("orders")
        handler(event, lambda_context())  # its boto3 clients talk to 127.0.0.1

moto and boto3 are imported when the server starts, never when this module is imported.

The server is moto's WSGI application on werkzeug's threaded server, assembled here rather than
through moto's ``ThreadedMotoServer``: that class binds its socket in its own thread (a bind
error would leave ``start()`` waiting forever), writes a line to stderr for every request (the
function's log stream, in ``toolkit invoke``) and polls for shutdown every 0.5 s, which every
run would pay on exit.
"""

from __future__ import annotations

import os
import re
import sys
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from types import TracebackType
from typing import Any, NamedTuple

from toolkit import config
from toolkit.config import environ
from toolkit.errors import ToolkitError

__all__ = [
    "EmbeddedAWS",
    "EmbeddedAWSError",
    "InvalidSpecError",
    "InvalidValueError",
    "TableSpec",
    "parse_table_spec",
]

HOST = "127.0.0.1"
DUMMY = "testing"  # moto accepts any credentials; these are not secrets
INSTALL_HINT = "pip install 'lambda-handler-toolkit[local]'"

# DynamoDB's naming rules: 3 to 255 of letters, digits, '_', '-', '.'; key attribute names are
# 1 to 255 bytes. https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/HowItWorks.NamingRulesDataTypes.html
_TABLE_NAME = re.compile(r"[A-Za-z0-9_.\-]{3,255}")
_ATTRIBUTE_BYTES = 255


class EmbeddedAWSError(ToolkitError):
    """The embedded AWS could not start or could not create a resource.

    ``resource`` names what was being created (``table 'orders'``), ``code`` is the AWS error
    code when the API refused (``ResourceInUseException``). Parameter and secret values never
    appear in the message.
    """

    def __init__(self, message: str, *, resource: str | None = None, code: str | None = None):
        self.resource = resource
        self.code = code
        super().__init__(message)


class InvalidSpecError(EmbeddedAWSError, ValueError):
    """A table name, key or ``NAME[:pk[:sk]]`` spec that DynamoDB would refuse."""


class InvalidValueError(EmbeddedAWSError, TypeError):
    """A parameter or secret value of a type the API cannot store (the message names the type,
    never the value)."""


class TableSpec(NamedTuple):
    """A table to create: its name, partition key and optional sort key (all strings, ``S``)."""

    name: str
    pk: str = "id"
    sk: str | None = None


def _check_table(name: str, pk: str, sk: str | None) -> None:
    if not _TABLE_NAME.fullmatch(name):
        raise InvalidSpecError(
            f"table name {name!r} is not valid: DynamoDB needs 3 to 255 letters, digits, "
            "'_', '-' or '.'",
            resource=f"table {name!r}",
        )
    for role, key in (("partition key", pk), ("sort key", sk)):
        if key is not None and not 0 < len(key.encode()) <= _ATTRIBUTE_BYTES:
            raise InvalidSpecError(
                f"table {name!r}: the {role} name must be 1 to 255 bytes, got {key!r}",
                resource=f"table {name!r}",
            )


def parse_table_spec(spec: str) -> TableSpec:
    """``NAME``, ``NAME:pk`` or ``NAME:pk:sk`` (``toolkit invoke --table``) as a
    :class:`TableSpec`; raises :class:`InvalidSpecError` naming the spec."""
    parts = spec.split(":")
    if len(parts) > 3 or any(part == "" for part in parts):
        raise InvalidSpecError(
            f"table spec {spec!r} is not NAME, NAME:PARTITION_KEY or NAME:PARTITION_KEY:SORT_KEY",
            resource=f"table {spec!r}",
        )
    table = TableSpec(*parts)
    try:
        _check_table(*table)
    except InvalidSpecError as error:
        raise InvalidSpecError(f"table spec {spec!r}: {error}", resource=error.resource) from None
    return table


class EmbeddedAWS:
    """moto's server on 127.0.0.1 and a port the OS chooses, for as long as the block runs.

    ``endpoint_url`` is where it listens; :meth:`environment` gives the variables that send the
    AWS SDKs there (and nowhere else), :meth:`applied` sets them for a block and restores what
    was there. :meth:`create_table`, :meth:`put_parameter` and :meth:`create_secret` seed it;
    :meth:`client` gives a boto3 client bound to it whatever the environment says.

    moto keeps its data per process: every ``EmbeddedAWS`` of a process sees the same
    resources, and they outlive :meth:`stop`; :meth:`reset` empties them.
    """

    def __init__(self, *, region: str = "us-east-1") -> None:
        self.region = region
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self._clients: dict[str, Any] = {}

    def __repr__(self) -> str:
        state = self.endpoint_url if self._server is not None else "stopped"
        return f"EmbeddedAWS({state}, region={self.region!r})"

    @property
    def endpoint_url(self) -> str:
        if self._server is None:
            raise EmbeddedAWSError("EmbeddedAWS is not started: use it as a context manager")
        return f"http://{HOST}:{self._server.server_port}"

    def start(self) -> EmbeddedAWS:
        """Bind the port and serve in a daemon thread; idempotent."""
        if self._server is not None:
            return self
        try:
            from moto.moto_server.werkzeug_app import (
                DomainDispatcherApplication,
                MotoRequestHandler,
                create_backend_app,
            )
            from werkzeug.serving import make_server
        except ImportError as error:
            raise EmbeddedAWSError(
                f"the embedded AWS needs moto's server ({error}): {INSTALL_HINT}"
            ) from None

        class QuietHandler(MotoRequestHandler):
            def log_request(self, *args: object) -> None:
                """Not a line per request on the function's log stream; errors still log."""

        app = DomainDispatcherApplication(create_backend_app)
        server = make_server(HOST, 0, app, threaded=True, request_handler=QuietHandler)
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.name = "embedded-aws"
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the port; the data stays (see :meth:`reset`)."""
        server, self._server = self._server, None
        self._clients.clear()
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def __enter__(self) -> EmbeddedAWS:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def environment(self) -> dict[str, str | None]:
        """What points every AWS SDK client built under it at this server and nowhere else, as
        :func:`toolkit.config.set_environ` takes it (``None`` unsets).

        The endpoint for every service; dummy credentials (which win over any other source);
        the region; no profile and no config or credentials file (a profile's ``endpoint_url``
        or ``services`` section would send a service elsewhere); no per-service
        ``AWS_ENDPOINT_URL_<SERVICE>`` (they win over ``AWS_ENDPOINT_URL``); nothing that makes
        the SDK ignore configured endpoints or pick FIPS/dual-stack hosts; no instance metadata
        look-ups; and 127.0.0.1 added to ``no_proxy`` so an ``HTTP_PROXY`` is not used to reach it.
        """
        per_service = config.names_with_prefix(f"{config.ENDPOINT_URL.name}_")
        values: dict[str, str | None] = dict.fromkeys(per_service)
        no_proxy = ",".join(filter(None, [config.NO_PROXY.raw(), HOST]))
        values.update(
            {
                config.ENDPOINT_URL.name: self.endpoint_url,
                "AWS_ACCESS_KEY_ID": DUMMY,
                "AWS_SECRET_ACCESS_KEY": DUMMY,
                "AWS_SESSION_TOKEN": DUMMY,
                "AWS_SECURITY_TOKEN": None,
                "AWS_CREDENTIAL_EXPIRATION": None,
                config.REGION.name: self.region,
                config.DEFAULT_REGION.name: self.region,
                "AWS_PROFILE": None,
                "AWS_DEFAULT_PROFILE": None,
                "AWS_CONFIG_FILE": os.devnull,
                "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
                "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": None,
                "AWS_USE_FIPS_ENDPOINT": None,
                "AWS_USE_DUALSTACK_ENDPOINT": None,
                "AWS_EC2_METADATA_DISABLED": "true",
                "no_proxy": no_proxy,
                "NO_PROXY": no_proxy,
            }
        )
        return values

    @contextmanager
    def applied(self) -> Iterator[EmbeddedAWS]:
        """Set :meth:`environment` for a block (clients built inside it use this server) and
        restore every variable as it was afterwards. It changes the process environment, so
        it is for one process running one thing at a time: a local run, a test.

        boto3's default session (what ``boto3.client()`` uses) keeps the config files it read
        when it was made; when boto3 is loaded, the block starts without it and puts it back at
        the end, so ``boto3.client()`` inside reads the environment set here.
        """
        boto3: Any = sys.modules.get("boto3")
        saved = getattr(boto3, "DEFAULT_SESSION", None)
        if boto3 is not None:
            boto3.DEFAULT_SESSION = None
        try:
            with environ(self.environment()):
                yield self
        finally:
            if boto3 is not None:
                boto3.DEFAULT_SESSION = saved

    def client(self, service: str) -> Any:
        """A boto3 client for ``service`` on this server (one per service, reused), built under
        :meth:`environment` so nothing from the caller's environment redirects it."""
        existing = self._clients.get(service)
        if existing is not None:
            return existing
        import boto3

        with self.applied():
            made: Any = boto3.session.Session().client(  # type: ignore[call-overload]
                service, endpoint_url=self.endpoint_url, region_name=self.region
            )
        self._clients[service] = made
        return made

    def reset(self) -> None:
        """Delete every resource moto holds in this process (its ``/moto-api/reset``)."""
        import urllib.request

        request = urllib.request.Request(f"{self.endpoint_url}/moto-api/reset", method="POST")
        with urllib.request.urlopen(request, timeout=30):
            pass

    def create_table(self, name: str, pk: str = "id", sk: str | None = None) -> None:
        """An on-demand table keyed on string attributes ``pk`` (and ``sk``), ready to use."""
        _check_table(name, pk, sk)
        keys = [(pk, "HASH")] + ([(sk, "RANGE")] if sk is not None else [])
        self.call(
            f"table {name!r}",
            "dynamodb",
            "create_table",
            TableName=name,
            KeySchema=[{"AttributeName": key, "KeyType": kind} for key, kind in keys],
            AttributeDefinitions=[{"AttributeName": key, "AttributeType": "S"} for key, _ in keys],
            BillingMode="PAY_PER_REQUEST",
        )

    def put_parameter(self, name: str, value: str, *, secure: bool = False) -> None:
        """An SSM parameter, ``SecureString`` when ``secure``; an existing one is overwritten."""
        if not isinstance(value, str):
            raise _type_error(f"parameter {name!r}", "str", value)
        self.call(
            f"parameter {name!r}",
            "ssm",
            "put_parameter",
            Name=name,
            Value=value,
            Type="SecureString" if secure else "String",
            Overwrite=True,
        )

    def create_secret(self, name: str, value: str | bytes) -> None:
        """A Secrets Manager secret: ``SecretString`` for ``str``, ``SecretBinary`` for
        ``bytes``."""
        if isinstance(value, str):
            payload: dict[str, Any] = {"SecretString": value}
        elif isinstance(value, bytes):
            payload = {"SecretBinary": value}
        else:
            raise _type_error(f"secret {name!r}", "str or bytes", value)
        self.call(f"secret {name!r}", "secretsmanager", "create_secret", Name=name, **payload)

    def seed(
        self,
        *,
        tables: list[TableSpec] | tuple[TableSpec, ...] = (),
        parameters: Mapping[str, str] | None = None,
        secrets: Mapping[str, str | bytes] | None = None,
    ) -> None:
        """Create several resources at once (what ``toolkit invoke`` does before the first
        invocation)."""
        for table in tables:
            self.create_table(*table)
        for name, value in (parameters or {}).items():
            self.put_parameter(name, value)
        for name, secret in (secrets or {}).items():
            self.create_secret(name, secret)

    def call(self, resource: str, service: str, operation: str, **kwargs: Any) -> Any:
        """``operation`` of ``service`` with ``kwargs``, its response; a refusal is an
        :class:`EmbeddedAWSError` naming ``resource`` (the API's message for tables only)."""
        from botocore.exceptions import ClientError

        try:
            return getattr(self.client(service), operation)(**kwargs)
        except ClientError as error:
            code = str(error.response.get("Error", {}).get("Code", "")) or "unknown"
            # Only tables get the API's message: for a parameter or a secret it could quote
            # the value.
            detail = f": {error}" if service == "dynamodb" else ""
            raise EmbeddedAWSError(
                f"cannot create {resource} in the embedded AWS ({code}){detail}",
                resource=resource,
                code=code,
            ) from None


def _type_error(resource: str, expected: str, value: object) -> EmbeddedAWSError:
    return InvalidValueError(
        f"{resource}: the value must be {expected}, not {type(value).__name__}",
        resource=resource,
    )
