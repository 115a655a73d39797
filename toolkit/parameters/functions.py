"""Powertools' module functions: ``get_parameter``, ``get_parameters``,
``get_parameters_by_name``, ``set_parameter``, ``get_secret`` and ``clear_caches``, over one
default provider per service, built on first use (so its settings are read then, not at
import)."""

from __future__ import annotations

from toolkit._typing import TYPE_CHECKING, cast
from toolkit.parameters.secretsmanager import SecretsProvider
from toolkit.parameters.ssm import SSMProvider

if TYPE_CHECKING:
    from typing import Any

__all__ = [
    "clear_caches",
    "get_parameter",
    "get_parameters",
    "get_parameters_by_name",
    "get_secret",
    "set_parameter",
]

_ssm: SSMProvider | None = None
_secrets: SecretsProvider | None = None


def ssm_provider() -> SSMProvider:
    """The default SSM provider (built on first use)."""
    global _ssm
    if _ssm is None:
        _ssm = SSMProvider()
    return _ssm


def secrets_provider() -> SecretsProvider:
    """The default Secrets Manager provider (built on first use)."""
    global _secrets
    if _secrets is None:
        _secrets = SecretsProvider()
    return _secrets


def get_parameter(
    name: str,
    transform: str | None = None,
    decrypt: bool | None = None,
    force_fetch: bool = False,
    max_age: float | None = None,
    *,
    version: int | None = None,
    label: str | None = None,
    **sdk_options: Any,
) -> Any:
    """The value of SSM parameter ``name``, through the extension when it is there.

    ``transform``: ``json``, ``binary`` or ``auto`` (by the name's suffix). ``decrypt``:
    SecureString decryption (default ``TOOLKIT_PARAMETERS_SSM_DECRYPT``, false).
    ``version`` / ``label`` select one. ``max_age``: seconds to cache (default
    ``TOOLKIT_PARAMETERS_MAX_AGE``, 300; 0: never from the cache); ``force_fetch`` skips
    the cache. Raises ``GetParameterError`` (name, transport, status or AWS code)."""
    provider = _ssm or ssm_provider()
    if sdk_options:
        return provider.get(
            name, max_age, transform, decrypt, force_fetch, version, label, **sdk_options
        )
    return provider.get(name, max_age, transform, decrypt, force_fetch, version, label)


def get_parameters(  # noqa: PLR0917 - Powertools takes these positionally
    path: str,
    transform: str | None = None,
    recursive: bool = True,
    decrypt: bool | None = None,
    force_fetch: bool = False,
    max_age: float | None = None,
    raise_on_transform_error: bool = False,
    **sdk_options: Any,
) -> dict[str, Any]:
    """Every parameter under ``path`` (through the SDK), keyed by name relative to it."""
    return ssm_provider().get_multiple(
        path,
        max_age,
        transform,
        raise_on_transform_error,
        decrypt,
        force_fetch,
        recursive,
        **sdk_options,
    )


def get_parameters_by_name(
    parameters: dict[str, Any],
    transform: str | None = None,
    decrypt: bool | None = None,
    max_age: float | None = None,
    raise_on_error: bool = True,
) -> dict[str, Any]:
    """``{name: value}`` for each name of ``parameters`` (values: per-name overrides or
    ``None``); see :meth:`SSMProvider.get_parameters_by_name`."""
    return ssm_provider().get_parameters_by_name(
        parameters, transform, decrypt, max_age, raise_on_error
    )


def set_parameter(
    name: str,
    value: str,
    *,
    overwrite: bool = False,
    description: str = "",
    parameter_type: str = "String",
    tier: str = "Standard",
    kms_key_id: str | None = None,
    **sdk_options: Any,
) -> Any:
    """Write SSM parameter ``name`` (through the SDK); the PutParameter answer."""
    return ssm_provider().set(
        name,
        value,
        overwrite=overwrite,
        description=description,
        parameter_type=parameter_type,
        tier=tier,
        kms_key_id=kms_key_id,
        **sdk_options,
    )


def get_secret(
    name: str | None = None,
    transform: str | None = None,
    force_fetch: bool = False,
    max_age: float | None = None,
    *,
    secret_id: str | None = None,
    version_id: str | None = None,
    version_stage: str | None = None,
    **sdk_options: Any,
) -> Any:
    """The value of secret ``name`` (name or ARN), through the extension when it is there:
    ``str``, or ``bytes`` for a binary secret, transformed. Registered for redaction: toolkit
    log lines write it as ``***``. Raises ``GetSecretError``.

    ``secret_id=`` names the secret as the extension's and GetSecretValue's ``SecretId`` do;
    ``name`` is Powertools' name for it. Give one of them."""
    if (name is None) == (secret_id is None):
        raise TypeError("get_secret() takes the secret's name or ARN once: as name or secret_id")
    provider = _secrets or secrets_provider()
    return provider.get(
        cast(str, name if secret_id is None else secret_id),
        max_age,
        transform,
        force_fetch,
        version_id=version_id,
        version_stage=version_stage,
        **sdk_options,
    )


def clear_caches() -> None:
    """Empty the default providers' caches and drop the providers, as Powertools does: the
    next call fetches, with settings read again from the environment."""
    global _ssm, _secrets
    for provider in (_ssm, _secrets):
        if provider is not None:
            provider.clear_cache()
    _ssm = _secrets = None
