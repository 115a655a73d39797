"""toolkit: middleware, structured logging, tracing, metrics and batch handling for AWS Lambda.

Public names resolve lazily (PEP 562) so that ``import toolkit`` costs almost nothing at cold
start: each name's module is imported the first time the name is used.

The ``@middleware`` decorator is imported from :mod:`toolkit.middleware`, not from here: a
package attribute named like one of its submodules is overwritten when that submodule is
imported, so ``from toolkit import middleware`` could not reliably mean the function.
"""

from __future__ import annotations

from toolkit._lazy import exports
from toolkit._typing import TYPE_CHECKING

__version__ = "0.1.0"

_EXPORTS: dict[str, str] = {
    "Logger": "toolkit.logging",
    "Tracer": "toolkit.tracing",
    "Metrics": "toolkit.metrics",
    "MetricUnit": "toolkit.metrics",
    "MetricResolution": "toolkit.metrics",
    "single_metric": "toolkit.metrics",
    "Middleware": "toolkit.middleware",
    "chain": "toolkit.middleware",
    "timeout_guard": "toolkit.timeout",
    "LambdaTimeoutError": "toolkit.timeout",
    "ToolkitError": "toolkit.errors",
    "ConfigurationError": "toolkit.errors",
    "parameters": "toolkit.parameters",
}

__all__ = [
    "ConfigurationError",
    "LambdaTimeoutError",
    "Logger",
    "MetricResolution",
    "MetricUnit",
    "Metrics",
    "Middleware",
    "ToolkitError",
    "Tracer",
    "__version__",
    "chain",
    "parameters",
    "single_metric",
    "timeout_guard",
]

if TYPE_CHECKING:
    from toolkit import parameters
    from toolkit.errors import ConfigurationError, ToolkitError
    from toolkit.logging import Logger
    from toolkit.metrics import MetricResolution, Metrics, MetricUnit, single_metric
    from toolkit.middleware import Middleware, chain
    from toolkit.timeout import LambdaTimeoutError, timeout_guard
    from toolkit.tracing import Tracer


__getattr__, __dir__ = exports(__name__, _EXPORTS, globals())
