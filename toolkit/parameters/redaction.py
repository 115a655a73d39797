"""Secrets and SecureString values are registered with the Logger's redaction hook as they
are fetched, so that every toolkit log line writes them as ``***``
(:mod:`toolkit.logging.redact`).

A JSON object secret (``{"username": ..., "password": ...}``, what RDS and most rotation
functions store) is registered whole and field by field, since a handler logs the fields
after ``transform="json"``. Fields shorter than :data:`SHORTEST` characters are left out: a
port ``"5432"`` or an engine ``"pg"`` masked everywhere would make the logs unreadable while
hiding nothing a secret needs.
"""

from __future__ import annotations

from toolkit._typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

__all__ = ["SHORTEST", "register"]

SHORTEST = 4


def register(value: str | bytes) -> None:
    """Mask ``value`` (and its fields, if it is a JSON object) in every log line from now."""
    from toolkit.logging.redact import register_secret

    if isinstance(value, bytes):
        try:
            value = value.decode("utf-8")
        except UnicodeDecodeError:
            return  # raw bytes are never written into a JSON line as they are
    if not value:
        return
    register_secret(value)
    if value.lstrip().startswith("{"):
        import json

        try:
            parsed = json.loads(value)
        except ValueError:
            return
        for leaf in _strings(parsed):
            if len(leaf) >= SHORTEST:
                register_secret(leaf)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in _strings(item)]
    if isinstance(value, list):
        return [leaf for item in value for leaf in _strings(item)]
    return []
