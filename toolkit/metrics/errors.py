"""The errors of the metrics utility, all under :class:`MetricsError`.

Each names the offending value and, where the set of good values is small, lists it, so a
bad call fails once, at the line that made it, with the fix in the message.
"""

from __future__ import annotations

from toolkit.errors import ToolkitError

__all__ = [
    "DimensionError",
    "DimensionLimitError",
    "EmptyMetricsError",
    "MetricResolutionError",
    "MetricUnitError",
    "MetricValueError",
    "MetricsError",
    "SchemaValidationError",
]


class MetricsError(ToolkitError):
    """Base class of every metrics error."""


class MetricUnitError(MetricsError, ValueError):
    """A unit CloudWatch does not know, or a second unit for a metric that already has one."""

    def __init__(self, metric: str, unit: object, message: str) -> None:
        self.metric = metric
        self.unit = unit
        super().__init__(message)


class MetricResolutionError(MetricsError, ValueError):
    """A storage resolution other than 60 (standard) or 1 (high), or a second resolution for a
    metric that already has one."""

    def __init__(self, metric: str, resolution: object, message: str) -> None:
        self.metric = metric
        self.resolution = resolution
        super().__init__(message)


class MetricValueError(MetricsError, ValueError):
    """A metric name or value EMF cannot carry: not a finite number, an empty or too long name,
    a name already used by a dimension or a metadata key, or a second metric inside a
    :func:`~toolkit.metrics.single_metric` block."""

    def __init__(self, metric: str, message: str) -> None:
        self.metric = metric
        super().__init__(message)


class DimensionError(MetricsError, ValueError):
    """A dimension (or metadata key) with a bad name or value, or a name given two values in
    the same flush."""

    def __init__(self, name: str, message: str) -> None:
        self.name = name
        super().__init__(message)


class DimensionLimitError(DimensionError):
    """A dimension set would hold more than the 30 dimensions CloudWatch allows per metric."""

    def __init__(self, name: str, count: int, limit: int) -> None:
        self.count = count
        self.limit = limit
        super().__init__(
            name,
            f"adding dimension {name!r} makes {count} dimensions in one dimension set; "
            f"CloudWatch allows at most {limit} per metric (default dimensions included)",
        )


class SchemaValidationError(MetricsError):
    """The metric set cannot become a valid EMF document (no namespace, say)."""


class EmptyMetricsError(SchemaValidationError):
    """``raise_on_empty_metrics=True`` and the invocation added no metric to flush."""
