"""``SSMProvider``: Powertools' SSM Parameter Store provider over toolkit's transports.

A cache hit is a tuple, a dict look-up and a clock read; a miss goes to the transport
:mod:`toolkit.parameters.select` picks, is transformed once and cached transformed. SecureString
values are registered for redaction as they arrive. By path and several names at once go
through the SDK (the extension serves one name per request).
"""

from __future__ import annotations

from time import monotonic

from toolkit import config
from toolkit._typing import TYPE_CHECKING
from toolkit.errors import ConfigurationError
from toolkit.parameters import redaction, select
from toolkit.parameters.cache import MISSING
from toolkit.parameters.errors import GetParameterError, SetParameterError, UnsupportedOptionError
from toolkit.parameters.provider import Provider, check_max_age, check_name, check_selector
from toolkit.parameters.transforms import check, transform_many
from toolkit.parameters.transforms import transform as apply_transform
from toolkit.parameters.transport import FetchError

if TYPE_CHECKING:
    from typing import Any

__all__ = ["SSMProvider"]

_ERRORS_KEY = "_errors"
_PATH = "\0path"  # first item of a path's cache key (no parameter name starts with NUL)


class SSMProvider(Provider):
    """SSM Parameter Store. ``SSMProvider(boto_config=..., boto3_session=...,
    boto3_client=...)`` as Powertools takes it, plus ``transport`` (``auto``, ``extension``,
    ``sdk``; default ``TOOLKIT_PARAMETERS_TRANSPORT``, or ``sdk`` when a client or session is
    given), ``max_age`` (default ``TOOLKIT_PARAMETERS_MAX_AGE``, 300 s)."""

    _service = "ssm"

    def __init__(
        self,
        config: Any = None,
        boto_config: Any = None,
        boto3_session: Any = None,
        boto3_client: Any = None,
        *,
        transport: str | None = None,
        max_age: int | None = None,
        decrypt: bool | None = None,
    ) -> None:
        super().__init__(
            config, boto_config, boto3_session, boto3_client, transport=transport, max_age=max_age
        )
        self.decrypt = config_decrypt() if decrypt is None else bool(decrypt)

    def get(  # noqa: PLR0917 - Powertools' order, then version and label
        self,
        name: str,
        max_age: float | None = None,
        transform: str | None = None,
        decrypt: bool | None = None,
        force_fetch: bool = False,
        version: int | None = None,
        label: str | None = None,
        **sdk_options: Any,
    ) -> Any:
        """The value of parameter ``name`` (its ``version`` or ``label`` if given),
        transformed; from the cache unless ``force_fetch``, or ``max_age`` is 0."""
        if decrypt is None:
            decrypt = self.decrypt
        key = (name, decrypt, version, label, transform)
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
                "get_parameter", list(sdk_options), "use version= or label=, or SSMProvider"
            )
        return self._load(key, max_age)

    def _load(self, key: tuple[Any, ...], max_age: float) -> Any:
        """The miss: fetch, register a SecureString, transform, cache. Apart from
        :meth:`get` because a closure there would cost its hit path a cell per variable."""
        name, decrypt, version, label, transform = key
        check_name(name)
        check_selector("version", version, int)
        check_selector("label", label, str)
        check_max_age(max_age)
        check(transform)
        if version is not None and label is not None:
            raise ConfigurationError("label", label, "either version or label, not both")
        parameter = self._fetch(
            name,
            lambda t: t.get_parameter(name, decrypt=decrypt, version=version, label=label),
        )
        if parameter.type == "SecureString":
            redaction.register(parameter.value)
        value = apply_transform(name, parameter.value, transform)
        self._cache.put(key, value, max_age)
        return value

    def get_multiple(  # noqa: PLR0917 - Powertools takes these positionally
        self,
        path: str,
        max_age: float | None = None,
        transform: str | None = None,
        raise_on_transform_error: bool = False,
        decrypt: bool | None = None,
        force_fetch: bool = False,
        recursive: bool = False,
        **sdk_options: Any,
    ) -> dict[str, Any]:
        """Every parameter under ``path`` (through the SDK: the extension serves single
        names only), keyed by its name relative to ``path``; ``sdk_options`` go to
        GetParametersByPath."""
        if decrypt is None:
            decrypt = self.decrypt
        max_age = self.max_age if max_age is None else check_max_age(max_age)
        check(transform)
        check_name(path, "path")
        key = (_PATH, path, recursive, decrypt, transform, raise_on_transform_error)
        if not force_fetch and max_age:
            cached = self._cache.value(key)
            if cached is not MISSING:
                return dict(cached)
        found = self._sdk_call(
            path,
            lambda sdk: list(
                sdk.get_parameters_by_path(
                    path, decrypt=decrypt, recursive=recursive, options=sdk_options
                )
            ),
        )
        values: dict[str, Any] = {}
        for item in found:
            if item.get("Type") == "SecureString":
                redaction.register(item["Value"])
            values[_relative(item["Name"], path)] = item["Value"]
        values = transform_many(values, transform, raise_on_error=raise_on_transform_error)
        self._cache.put(key, values, max_age)
        return dict(values)

    def get_parameters_by_name(
        self,
        parameters: dict[str, Any],
        transform: str | None = None,
        decrypt: bool | None = None,
        max_age: float | None = None,
        raise_on_error: bool = True,
    ) -> dict[str, Any]:
        """``{name: value}`` for each name of ``parameters`` (whose values are per-name
        overrides: ``transform``, ``decrypt``, ``max_age``, ``version``, ``label``, or
        ``None``). A failure raises unless ``raise_on_error=False``, which lists the failed
        names under ``"_errors"`` instead (a parameter may not itself be named so)."""
        if _ERRORS_KEY in parameters and not raise_on_error:
            raise GetParameterError(
                _ERRORS_KEY, "the name is reserved for the list of failures", transport=None
            )
        values: dict[str, Any] = {}
        errors: list[str] = []
        batch: dict[str, tuple[Any, ...]] = {}  # name -> cache key, for GetParameters
        for name, overrides in parameters.items():
            options: dict[str, Any] = {"transform": transform, "decrypt": decrypt}
            options["max_age"] = max_age
            options.update(overrides or {})
            if self._batches(options):
                key = self._key(name, options)
                entry = self._cache.get(key) if options["max_age"] != 0 else None
                if entry is not None and monotonic() < entry[1]:
                    values[name] = entry[0]
                else:
                    batch[name] = key
                continue
            try:
                values[name] = self.get(name, **options)
            except GetParameterError:
                if raise_on_error:
                    raise
                errors.append(name)
        for names, keys in _chunks(batch):
            self._get_batch(names, keys, parameters, max_age, values, errors, raise_on_error)
        if not raise_on_error:
            values[_ERRORS_KEY] = errors
        return values

    def _batches(self, options: dict[str, Any]) -> bool:
        """Whether a name of ``get_parameters_by_name`` goes into a GetParameters batch: when
        this provider fetches through the SDK (10 names a call, as Powertools does), and the
        name asks for no particular version or label; through the extension each name is a
        loopback call of its own."""
        sdk = self.transport == "sdk" or (self.transport == "auto" and select.settled() == "sdk")
        plain = not (options.get("version") or options.get("label") or options.get("force_fetch"))
        return sdk and plain and options.keys() <= _BATCH_OPTIONS

    def _key(self, name: str, options: dict[str, Any]) -> tuple[Any, ...]:
        decrypt = options["decrypt"]
        transform = options["transform"]
        check(transform)
        return (name, self.decrypt if decrypt is None else decrypt, None, None, transform)

    def _get_batch(  # noqa: PLR0917 - private; the caller's accumulators
        self,
        names: list[str],
        keys: list[tuple[Any, ...]],
        parameters: dict[str, Any],
        max_age: float | None,
        values: dict[str, Any],
        errors: list[str],
        raise_on_error: bool,
    ) -> None:
        """One GetParameters call for ``names`` (same decryption), results cached per name."""
        decrypt = keys[0][1]
        try:
            found, invalid = self._sdk_call(
                names[0], lambda sdk: sdk.get_parameters(names, decrypt=decrypt)
            )
        except GetParameterError:
            if raise_on_error:
                raise
            errors.extend(names)
            return
        for name in invalid:
            if raise_on_error:
                raise GetParameterError(
                    name, "not found", transport="sdk", code="ParameterNotFound"
                )
            errors.append(name)
        for name, key in zip(names, keys, strict=True):
            parameter = found.get(name)
            if parameter is None:
                continue
            if parameter.type == "SecureString":
                redaction.register(parameter.value)
            value = apply_transform(name, parameter.value, key[4])
            overrides = parameters[name] or {}
            age = overrides.get("max_age", max_age)
            self._cache.put(key, value, self.max_age if age is None else check_max_age(age))
            values[name] = value

    def set(
        self,
        name: str,
        value: str | list[str],
        *,
        overwrite: bool = False,
        description: str = "",
        parameter_type: str = "String",
        tier: str = "Standard",
        kms_key_id: str | None = None,
        **sdk_options: Any,
    ) -> Any:
        """Write parameter ``name`` (PutParameter, through the SDK) and drop what the cache
        holds for it; the PutParameter answer (``Version``, ``Tier``)."""
        options: dict[str, Any] = {
            "Name": name,
            "Value": ",".join(value) if isinstance(value, list) else value,
            "Overwrite": overwrite,
            "Type": parameter_type,
            "Tier": tier,
            "Description": description,
            **sdk_options,
        }
        if kms_key_id:
            options["KeyId"] = kms_key_id
        try:
            answer = self._sdk.call(lambda client: client.put_parameter(**options))
        except FetchError as error:
            raise SetParameterError(name, error.reason, code=error.code) from None
        if parameter_type == "SecureString" and isinstance(options["Value"], str):
            redaction.register(options["Value"])
        self._cache.discard(lambda key: _about(key, name))
        return answer


_BATCH_OPTIONS = frozenset({"transform", "decrypt", "max_age"})
_BATCH_SIZE = 10  # names per GetParameters call (its limit)


def _chunks(
    batch: dict[str, tuple[Any, ...]],
) -> list[tuple[list[str], list[tuple[Any, ...]]]]:
    """The names of ``batch`` grouped by decryption, in GetParameters-sized chunks."""
    groups: dict[bool, list[tuple[str, tuple[Any, ...]]]] = {}
    for name, key in batch.items():
        groups.setdefault(key[1], []).append((name, key))
    chunks = []
    for items in groups.values():
        for start in range(0, len(items), _BATCH_SIZE):
            part = items[start : start + _BATCH_SIZE]
            chunks.append(([name for name, _ in part], [key for _, key in part]))
    return chunks


def _about(key: object, name: str) -> bool:
    """Whether a cache key holds parameter ``name``: its own entries, and the paths above it."""
    if not isinstance(key, tuple):
        return False
    return key[0] == name or (key[0] == _PATH and name.startswith(key[1]))


def config_decrypt() -> bool:
    return config.PARAMETERS_SSM_DECRYPT.read()


def _relative(name: str, path: str) -> str:
    """A parameter's name below ``path``, as Powertools gives it (no leading slash)."""
    if name.startswith(path):
        name = name[len(path) :]
    return name.lstrip("/")
