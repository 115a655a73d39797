"""Values registered as secret are written as ``"***"`` wherever a log line would show them.

``register_secret(value)`` adds a value to one process-wide registry; the parameters utility
calls it for every secret it fetches, and users can call it for their own (an API key read
from the environment, say). From then on every line a toolkit Logger renders (message, keys,
nested values, exception text and traceback, lines held by a buffer, records arriving through
stdlib ``logging``) has each occurrence of the value inside a JSON string replaced by
``***``. Numbers are never changed.

How it stays cheap: the per-line check looks for the secrets only in what can change from one
line to the next (the message and the string values of the call's keys); the keys merged once
per invocation are checked once per change. Only a line in which a secret was found, or which
carries something that check cannot see into (a nested value, an exception), is scanned whole,
and only a line found to contain one is rebuilt, JSON-aware, so the result is strict JSON
whatever the secret looks like.

The registry never shows the values: no ``repr``, error message or log line contains them.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable

from toolkit._typing import TYPE_CHECKING
from toolkit.logging.errors import InvalidSecretError

if TYPE_CHECKING:
    from typing import Any

__all__ = ["MASK", "register_secret", "unregister_secret"]

MASK = "***"

_lock = threading.Lock()
_secrets: frozenset[str] = frozenset()
# Longest first, so a secret containing another is replaced whole.
_ordered: tuple[str, ...] = ()
# What to look for in a rendered line: each secret as JSON writes it inside a string
# (escaped, ASCII only), and as itself when that differs.
needles: tuple[str, ...] = ()
# The length of the shortest secret: a shorter string cannot contain one.
shortest = 0
# Bumped at every change, so keys checked under an older registry are checked again.
generation = 0


def _check(value: object) -> str:
    if value.__class__ is not str or not value:
        # The value is not echoed: it may be a secret of the wrong type (bytes, say).
        raise InvalidSecretError(f"a non-empty str, got {type(value).__name__}")
    return value


def _publish(secrets: frozenset[str]) -> None:
    global _secrets, _ordered, needles, shortest, generation
    ordered = tuple(sorted(secrets, key=len, reverse=True))
    found: dict[str, None] = {}
    for secret in ordered:
        found[json.encoder.encode_basestring_ascii(secret)[1:-1]] = None
        found[secret] = None
    # Published in an order that never lets a reader (a log call in another thread) see a new
    # secret without what it needs to find it: the length bound, the secrets, the needles.
    bound = len(ordered[-1]) if ordered else 0
    shortest = min(shortest, bound)
    _secrets, _ordered = secrets, ordered
    shortest = bound
    needles = tuple(found)
    generation += 1


def register_secret(value: str) -> None:
    """Write ``value`` as ``***`` in every log line from now on, in this process.

    ``InvalidSecretError`` (not echoing the value) if it is not a non-empty ``str``.
    Registering the same value twice is harmless.
    """
    value = _check(value)
    with _lock:
        if value not in _secrets:
            _publish(_secrets | {value})


def unregister_secret(value: str) -> None:
    """Stop masking ``value`` (a rotated secret, or the end of a test)."""
    value = _check(value)
    with _lock:
        if value in _secrets:
            _publish(_secrets - {value})


def found(line: str) -> bool:
    """Whether any registered secret may occur in ``line``, a rendered (JSON) line."""
    # A plain loop: any() over a generator costs a generator object on every line.
    for needle in needles:  # noqa: SIM110
        if needle in line:
            return True
    return False


def found_in(value: str) -> bool:
    """Whether ``value``, a plain string about to be logged, contains a registered secret.
    Callers skip strings shorter than :data:`shortest` themselves (no call for the usual
    short message)."""
    for secret in _ordered:  # noqa: SIM110  (as in found())
        if secret in value:
            return True
    return False


def text(value: str) -> str:
    """``value`` with every registered secret replaced by ``***``."""
    for secret in _ordered:
        if secret in value:
            value = value.replace(secret, MASK)
    return value


def _scrub(value: Any) -> Any:
    if value.__class__ is str:
        return text(value)
    if value.__class__ is dict:
        return {text(key): _scrub(item) for key, item in value.items()}
    if value.__class__ is list:
        return [_scrub(item) for item in value]
    return value


def scrub_line(line: str, encode: Callable[[Any], str]) -> str:
    """``line`` (one JSON object) with the secrets masked in every string, keys included.

    Parsed and encoded again rather than edited as text: a secret can look like anything,
    including a field name or part of a number, and only a JSON-aware pass can tell."""
    try:
        data = json.loads(line)
    except ValueError:  # not one JSON object (cannot happen for a rendered line): mask as text
        return text(line)
    return encode(_scrub(data))
