"""What ``SSMProvider`` and ``SecretsProvider`` share: settings read when built, the TTL
cache in front, and the transports behind it (:mod:`toolkit.parameters.select` picks one per
call). A failure of a transport becomes the public error here, with the name."""

from __future__ import annotations

from toolkit import config
from toolkit._typing import TYPE_CHECKING
from toolkit.errors import ConfigurationError
from toolkit.parameters import select
from toolkit.parameters.cache import Cache
from toolkit.parameters.errors import GetParameterError, UnsupportedOptionError
from toolkit.parameters.sdk import SdkTransport
from toolkit.parameters.transport import FetchError, retrying

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, TypeVar

    from toolkit.parameters.transport import Transport

    T = TypeVar("T")

__all__ = ["Provider", "check_max_age", "check_name", "check_selector"]


class Provider:
    """What both providers share: the settings, the cache and the transports."""

    _service = ""
    _error: type[GetParameterError] = GetParameterError

    def __init__(
        self,
        config_: Any = None,
        boto_config: Any = None,
        boto3_session: Any = None,
        boto3_client: Any = None,
        *,
        transport: str | None = None,
        max_age: int | None = None,
    ) -> None:
        if config_ is not None and boto_config is not None:
            raise UnsupportedOptionError(
                type(self).__name__, ["config"], "pass boto_config only (config is its old name)"
            )
        self._sdk = SdkTransport(
            self._service,
            client=boto3_client,
            session=boto3_session,
            boto_config=boto_config if boto_config is not None else config_,
        )
        if transport is None:
            # An SDK client or session given is a choice of the SDK.
            explicit_sdk = boto3_client is not None or boto3_session is not None
            transport = "sdk" if explicit_sdk else config.PARAMETERS_TRANSPORT.read()
        if transport not in select.MODES:
            raise ConfigurationError("transport", transport, "auto, extension or sdk")
        self.transport = transport
        self.max_age = check_max_age(
            config.PARAMETERS_MAX_AGE.read() if max_age is None else max_age
        )
        self._cache = Cache()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(transport={self.transport!r}, {self._cache!r})"

    @property
    def client(self) -> Any:
        """The boto3 client of the SDK transport (made, and boto3 imported, on first use)."""
        return self._sdk.client

    def clear_cache(self) -> None:
        self._cache.clear()

    def _fetch(self, name: str, call: Callable[[Transport], T]) -> T:
        try:
            return select.fetch(self.transport, self._sdk, call)
        except FetchError as error:
            raise self._failed(name, error) from None

    def _sdk_call(self, name: str, call: Callable[[SdkTransport], T]) -> T:
        """A call only the SDK can make (by path, several names, writes): same errors."""
        sdk = self._sdk
        try:
            return retrying(lambda: call(sdk))
        except FetchError as error:
            error.transport = sdk.name
            raise self._failed(name, error) from None

    def _failed(self, name: str, error: FetchError) -> GetParameterError:
        return self._error(
            name,
            error.reason,
            transport=error.transport,
            status=error.status,
            code=error.code,
            transient=error.transient,
        )


def check_max_age(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ConfigurationError("max_age", value, "a number of seconds >= 0")
    return value


def check_name(value: Any, what: str = "name") -> str:
    """A parameter's or secret's name, path or ARN: checked before a request, so a ``None``
    or a number is an error naming the argument rather than whatever the transport makes of
    it (names are not secrets: the value may be shown)."""
    if not isinstance(value, str) or not value:
        raise ConfigurationError(what, value, "a non-empty string (a name, path or ARN)")
    return value


def check_selector(name: str, value: Any, kind: type) -> None:
    """A version, label or stage: ``None`` or a value of ``kind`` (a whole number for SSM
    versions, a non-empty string otherwise)."""
    if value is None:
        return
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ConfigurationError(name, value, "a version number >= 1")
    elif not isinstance(value, str) or not value:
        raise ConfigurationError(name, value, "a non-empty string")
