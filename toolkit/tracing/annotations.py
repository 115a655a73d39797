"""Annotation keys and values as X-Ray indexes them.

X-Ray keeps only ASCII letters, digits and ``_`` in annotation keys and drops the whole
annotation otherwise (the SDK only logs at WARNING); values other than str, int, float and bool
are dropped the same way. Here a key is made valid (each other character becomes ``_``) with a
notice naming both spellings, once per key (:mod:`toolkit._notice`: a JSON line inside Lambda,
a ``UserWarning`` elsewhere), and a bad value is an error: nothing is lost without a word.
"""

from __future__ import annotations

import string
import threading

from toolkit import _notice
from toolkit.tracing.errors import AnnotationKeyError, AnnotationValueError
from toolkit.tracing.provider import AnnotationValue

__all__ = ["annotation_key", "check_value"]

_VALID = frozenset(string.ascii_letters + string.digits + "_")
_keys: dict[str, str] = {}
_lock = threading.Lock()


def annotation_key(key: str) -> str:
    """The key X-Ray will keep for ``key``; a dict look-up once a key has been seen."""
    try:
        return _keys[key]
    except (KeyError, TypeError):
        pass
    if not isinstance(key, str):
        raise AnnotationKeyError(key)
    sanitised = "".join(c if c in _VALID else "_" for c in key)
    if not sanitised or (sanitised != key and not sanitised.strip("_")):
        raise AnnotationKeyError(key)
    with _lock:
        first = key not in _keys
        _keys[key] = sanitised
    if first and sanitised != key:
        _notice.warn(
            f"X-Ray annotation key {key!r} has characters X-Ray drops (it keeps letters, "
            f"digits and '_'); it is recorded as {sanitised!r}",
            UserWarning,
        )
    return sanitised


def check_value(key: str, value: object) -> AnnotationValue:
    if isinstance(value, (str, int, float, bool)):
        return value
    raise AnnotationValueError(key, type(value))
