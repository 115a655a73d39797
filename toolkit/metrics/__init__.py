"""CloudWatch metrics in the embedded metric format (EMF), written to stdout.

``Metrics`` buffers metrics for an invocation and its ``log_metrics`` middleware flushes them;
``single_metric`` writes one metric with dimensions of its own; ``EphemeralMetrics`` buffers
for itself alone. See ``docs/metrics.md``.
"""

from __future__ import annotations

from toolkit.metrics.errors import (
    DimensionError,
    DimensionLimitError,
    EmptyMetricsError,
    MetricResolutionError,
    MetricsError,
    MetricUnitError,
    MetricValueError,
    SchemaValidationError,
)
from toolkit.metrics.metrics import EphemeralMetrics, Metrics, SingleMetric, single_metric
from toolkit.metrics.units import MetricResolution, MetricUnit

__all__ = [
    "DimensionError",
    "DimensionLimitError",
    "EmptyMetricsError",
    "EphemeralMetrics",
    "MetricResolution",
    "MetricResolutionError",
    "MetricUnit",
    "MetricUnitError",
    "MetricValueError",
    "Metrics",
    "MetricsError",
    "SchemaValidationError",
    "SingleMetric",
    "single_metric",
]
