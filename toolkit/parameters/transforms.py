"""Transforms applied to fetched values: ``json``, ``binary`` (base64) and ``auto`` (by the
name's suffix, ``.json`` or ``.binary``), as Powertools names them.

A value is transformed once, when fetched, and cached transformed (the transform is part of
the cache key), so a hit costs no parsing. A failure names the parameter and the error's type,
never the value: a JSON decoder's message quotes the text it choked on.
"""

from __future__ import annotations

from toolkit._typing import TYPE_CHECKING
from toolkit.errors import ConfigurationError
from toolkit.parameters.errors import TransformParameterError

if TYPE_CHECKING:
    from typing import Any

__all__ = ["TRANSFORMS", "check", "transform", "transform_many"]

TRANSFORMS = ("json", "binary", "auto")


def check(transform: str | None) -> str | None:
    """``transform`` if it is one toolkit knows (or ``None``); a :class:`ConfigurationError`
    naming it otherwise, before anything is fetched."""
    if transform is None or transform in TRANSFORMS:
        return transform
    raise ConfigurationError("transform", transform, "json, binary, auto or None")


def _method(name: str, transform: str) -> str | None:
    if transform != "auto":
        return transform
    suffix = name.rsplit(".", 1)[-1] if "." in name else ""
    return suffix if suffix in ("json", "binary") else None


def transform(name: str, value: Any, transform: str | None) -> Any:
    """``value`` (the parameter ``name``'s) transformed; ``value`` itself without one."""
    method = None if transform is None else _method(name, transform)
    if method is None:
        return value
    try:
        if method == "json":
            import json

            return json.loads(value)
        import base64

        return base64.b64decode(value)
    except (ValueError, TypeError) as error:  # binascii.Error is a ValueError
        failure = type(error).__name__
    # Raised out here, so the decoder's error (which holds the text) is not its context.
    raise TransformParameterError(name, method, failure)


def transform_many(
    values: dict[str, Any], transform_name: str | None, *, raise_on_error: bool
) -> dict[str, Any]:
    """Each value of ``values`` (keyed by name) transformed; with ``auto``, each by its own
    name's suffix. A failure raises, or (``raise_on_error=False``, Powertools' default for
    ``get_parameters``) leaves ``None`` for that name."""
    if transform_name is None:
        return values
    result: dict[str, Any] = {}
    for name, value in values.items():
        try:
            result[name] = transform(name, value, transform_name)
        except TransformParameterError:
            if raise_on_error:
                raise
            result[name] = None
    return result
