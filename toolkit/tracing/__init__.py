"""Tracing for Lambda handlers: :class:`Tracer` over a :class:`TracerProvider` (aws-xray-sdk by
default, imported only when an invocation is actually traced)."""

from __future__ import annotations

from toolkit.tracing.errors import (
    AnnotationKeyError,
    AnnotationValueError,
    ProviderUnavailableError,
    TracerError,
)
from toolkit.tracing.provider import Span, TracerProvider
from toolkit.tracing.tracer import Subsegment, Tracer

__all__ = [
    "AnnotationKeyError",
    "AnnotationValueError",
    "ProviderUnavailableError",
    "Span",
    "Subsegment",
    "Tracer",
    "TracerError",
    "TracerProvider",
]
