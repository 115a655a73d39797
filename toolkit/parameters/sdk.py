"""The SDK transport: SSM and Secrets Manager through boto3, imported on first use.

What the extension cannot do (parameters by path, several by name in one call, writes) always
comes here, and so does everything when no extension listens. Clients are made on first use
from the session, config or client the provider was given; those toolkit makes itself get one
attempt per call from botocore, because the retries (bounded by the invocation's remaining
time) are toolkit's own, above both transports.
"""

from __future__ import annotations

import threading

from toolkit._typing import TYPE_CHECKING
from toolkit.parameters.transport import FetchError, Parameter

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from typing import Any, TypeVar

    T = TypeVar("T")

__all__ = ["SdkTransport"]

# AWS error codes that are worth a retry; every other client error (not found, denied,
# invalid) is an answer.
_TRANSIENT_CODES = frozenset(
    {
        "ThrottlingException",
        "Throttling",
        "TooManyUpdates",
        "RequestLimitExceeded",
        "InternalServerError",
        "InternalServiceError",
        "InternalFailure",
        "ServiceUnavailable",
    }
)


_MAX_REASON = 200  # characters of an AWS error message kept in the error's reason


class SdkTransport:
    """Fetch through boto3 clients for ``service`` (``"ssm"`` or ``"secretsmanager"``):
    ``client`` as given, or made on first use from ``session`` (default: a new boto3 session)
    and ``boto_config``."""

    name = "sdk"

    def __init__(
        self,
        service: str,
        *,
        client: Any = None,
        session: Any = None,
        boto_config: Any = None,
    ) -> None:
        self.service = service
        self._client = client
        self._session = session
        self._boto_config = boto_config
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"SdkTransport({self.service})"

    @property
    def client(self) -> Any:
        """The boto3 client, made on first use (boto3 is imported then)."""
        client = self._client
        if client is None:
            with self._lock:
                if self._client is None:
                    self._client = self._make_client()
                client = self._client
        return client

    def _make_client(self) -> Any:
        import boto3
        from botocore.config import Config

        session: Any = self._session or boto3.session.Session()
        one_attempt = Config(retries={"mode": "standard", "total_max_attempts": 1})
        config = self._boto_config.merge(one_attempt) if self._boto_config else one_attempt
        return session.client(self.service, config=config)

    def get_parameter(
        self, name: str, *, decrypt: bool, version: int | None, label: str | None
    ) -> Parameter:
        selector = f"{name}:{version}" if version is not None else name
        if label is not None:
            selector = f"{name}:{label}"
        answer = self.call(
            lambda client: client.get_parameter(Name=selector, WithDecryption=decrypt)
        )
        parameter = answer["Parameter"]
        return Parameter(parameter["Value"], parameter.get("Type", "String"))

    def get_secret(
        self, secret_id: str, *, version_id: str | None, version_stage: str | None
    ) -> str | bytes:
        options: dict[str, str] = {"SecretId": secret_id}
        if version_id is not None:
            options["VersionId"] = version_id
        if version_stage is not None:
            options["VersionStage"] = version_stage
        answer = self.call(lambda client: client.get_secret_value(**options))
        if "SecretString" in answer:
            return str(answer["SecretString"])
        return bytes(answer["SecretBinary"])

    def get_parameters_by_path(
        self, path: str, *, decrypt: bool, recursive: bool, options: dict[str, Any]
    ) -> Iterator[dict[str, Any]]:
        """Every parameter under ``path`` (the SSM ``Parameter`` dicts), page by page."""

        def pages(client: Any) -> list[dict[str, Any]]:
            paginator = client.get_paginator("get_parameters_by_path")
            found: list[dict[str, Any]] = []
            pages = paginator.paginate(
                Path=path, WithDecryption=decrypt, Recursive=recursive, **options
            )
            for page in pages:
                found.extend(page.get("Parameters", ()))
            return found

        return iter(self.call(pages))

    def get_parameters(
        self, names: list[str], *, decrypt: bool
    ) -> tuple[dict[str, Parameter], list[str]]:
        """Up to 10 parameters in one GetParameters call: those found (by name), and the
        names SSM calls invalid (missing)."""
        answer = self.call(
            lambda client: client.get_parameters(Names=names, WithDecryption=decrypt)
        )
        found = {
            item["Name"]: Parameter(item["Value"], item.get("Type", "String"))
            for item in answer.get("Parameters", ())
        }
        return found, list(answer.get("InvalidParameters", ()))

    def call(self, operation: Callable[[Any], T]) -> T:
        """``operation(client)``, with botocore's errors turned into :class:`FetchError`."""
        from botocore.exceptions import BotoCoreError, ClientError

        client = self.client
        try:
            return operation(client)
        except ClientError as error:
            response = error.response
            code = str(response.get("Error", {}).get("Code") or "") or None
            status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            transient = code in _TRANSIENT_CODES or (isinstance(status, int) and status >= 500)
            message = str(response.get("Error", {}).get("Message") or "")[:_MAX_REASON]
            raise FetchError(
                f"{error.operation_name} failed" + (f": {message}" if message else ""),
                status=status,
                code=code,
                transient=transient,
            ) from None
        except BotoCoreError as error:  # no connection, a timeout, no credentials...
            raise FetchError(
                f"the AWS SDK failed ({type(error).__name__})",
                transient=_transient_sdk_error(error),
            ) from None


def _transient_sdk_error(error: Exception) -> bool:
    from botocore.exceptions import ConnectionError as SdkConnectionError
    from botocore.exceptions import HTTPClientError

    return isinstance(error, (SdkConnectionError, HTTPClientError))
