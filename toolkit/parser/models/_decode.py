"""Decoders the models run before validation, so a subclass's own type for the field (``data:
Json[Reading]``) receives the decoded payload, as the event source meant it."""

from __future__ import annotations

import base64
import binascii
import zlib
from typing import Any


def base64_bytes(value: Any) -> Any:
    """Base64 text to bytes; anything else is left for the field's type to judge."""
    if isinstance(value, str):
        try:
            return base64.b64decode(value, validate=True)
        except binascii.Error:
            raise ValueError("not valid base64") from None
    return value


def base64_compressed(value: Any) -> Any:
    """Base64 text of compressed data (CloudWatch Logs' subscription payload) to the bytes
    inside. Subscriptions send gzip; account-level policies' samples carry a zlib header, so
    zlib is asked to detect which of the two it reads."""
    data = base64_bytes(value)
    if isinstance(data, bytes):
        try:
            return zlib.decompress(data, zlib.MAX_WBITS | 32)
        except zlib.error:
            raise ValueError("not valid gzip or zlib data") from None
    return data
