"""Build the toolkit as an AWS Lambda layer: ``toolkit layer build`` or :func:`build_layer`.

Light to import: the build steps run pip and compileall in child processes.
"""

from __future__ import annotations

from toolkit.layer.build import LayerOptions, LayerResult, build_layer
from toolkit.layer.errors import LayerBuildError, LayerError, LayerOptionError, LayerTooLargeError

__all__ = [
    "LayerBuildError",
    "LayerError",
    "LayerOptionError",
    "LayerOptions",
    "LayerResult",
    "LayerTooLargeError",
    "build_layer",
]
