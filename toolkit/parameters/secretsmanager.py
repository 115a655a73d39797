"""``SecretsProvider``: Powertools' Secrets Manager provider over toolkit's transports.

Every secret fetched is registered for redaction (``***`` in every toolkit log line) before
it is returned; a hit is a tuple, a dict look-up and a clock read.
"""

from __future__ import annotations

from time import monotonic

from toolkit._typing import TYPE_CHECKING
from toolkit.parameters import redaction
from toolkit.parameters.errors import GetSecretError, UnsupportedOptionError
from toolkit.parameters.provider import Provider, check_max_age, check_name, check_selector
from toolkit.parameters.transforms import check
from toolkit.parameters.transforms import transform as apply_transform

if TYPE_CHECKING:
    from typing import Any

__all__ = ["SecretsProvider"]


class SecretsProvider(Provider):
    """Secrets Manager. Same construction as :class:`SSMProvider` (without ``decrypt``:
    secrets are always decrypted)."""

    _service = "secretsmanager"
    _error = GetSecretError

    def __init__(
        self,
        config: Any = None,
        boto_config: Any = None,
        boto3_session: Any = None,
        boto3_client: Any = None,
        *,
        transport: str | None = None,
        max_age: int | None = None,
    ) -> None:
        super().__init__(
            config, boto_config, boto3_session, boto3_client, transport=transport, max_age=max_age
        )

    def get(
        self,
        name: str,
        max_age: float | None = None,
        transform: str | None = None,
        force_fetch: bool = False,
        *,
        version_id: str | None = None,
        version_stage: str | None = None,
        **sdk_options: Any,
    ) -> Any:
        """The value of secret ``name`` (a name or ARN; its ``version_id`` or
        ``version_stage`` if given): a ``str``, or ``bytes`` for a binary secret,
        transformed. Powertools' ``VersionId=`` / ``VersionStage=`` are accepted too."""
        if sdk_options:
            version_id = sdk_options.pop("VersionId", version_id)
            version_stage = sdk_options.pop("VersionStage", version_stage)
        key = (name, version_id, version_stage, transform)
        if not force_fetch and max_age != 0:  # the hit: a dict look-up and a clock read
            try:
                entry = self._cache.get(key)
            except TypeError:  # an unhashable argument: _load names it
                entry = None
            if entry is not None and monotonic() < entry[1]:
                return entry[0]
        if max_age is None:
            max_age = self.max_age
        if sdk_options:
            raise UnsupportedOptionError(
                "get_secret", list(sdk_options), "use version_id= or version_stage="
            )
        return self._load(key, max_age)

    def _load(self, key: tuple[Any, ...], max_age: float) -> Any:
        """The miss (apart from :meth:`get`, as in :class:`SSMProvider`)."""
        name, version_id, version_stage, transform = key
        check_name(name)
        check_selector("version_id", version_id, str)
        check_selector("version_stage", version_stage, str)
        check_max_age(max_age)
        check(transform)
        secret = self._fetch(
            name,
            lambda t: t.get_secret(name, version_id=version_id, version_stage=version_stage),
        )
        redaction.register(secret)
        value = apply_transform(name, secret, transform)
        self._cache.put(key, value, max_age)
        return value
