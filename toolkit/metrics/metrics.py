"""``Metrics``: EMF metrics written to stdout, flushed by the ``log_metrics`` middleware.

What same-named instances share (the rule, also in docs/metrics.md): instances with the same
namespace share one buffer on purpose, so a module-level ``Metrics()`` in a helper module and
the handler's ``Metrics()`` add to the same set, and the handler's ``log_metrics`` flushes
both; instances with different namespaces never share anything. What a *decorator* is given
(``log_metrics(default_dimensions=...)``) belongs to the handler it decorates: it applies to
that handler's flushes only. And the buffer belongs to the invocation: what was added outside
any ``log_metrics`` handler is flushed on its own when the next one starts, never with it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from toolkit import _notice, config
from toolkit import context as _context
from toolkit._typing import TYPE_CHECKING
from toolkit.metrics.errors import (
    DimensionError,
    EmptyMetricsError,
    MetricsError,
    MetricValueError,
    SchemaValidationError,
)
from toolkit.metrics.metric_set import NO_NAMESPACE as _NO_NAMESPACE
from toolkit.metrics.metric_set import MetricSet, checked_dimensions, encode, render, write
from toolkit.metrics.units import MetricResolution, MetricUnit
from toolkit.middleware import middleware_method

if TYPE_CHECKING:
    from typing import Any

    from toolkit.metrics.metric_set import Taken
    from toolkit.middleware import Handler, Target

__all__ = ["Metrics", "SingleMetric", "single_metric"]

_registry: dict[str | None, MetricSet] = {}
_registry_lock = threading.Lock()
_NO_DIMENSIONS: dict[str, str] = {}  # never mutated


def _shared_set(namespace: str | None) -> MetricSet:
    metric_set = _registry.get(namespace)
    if metric_set is None:
        with _registry_lock:
            metric_set = _registry.setdefault(namespace, MetricSet(namespace))
    return metric_set


class _Dimensions:
    """Dimensions and metadata of a buffer: the same for :class:`Metrics` and the object a
    :func:`single_metric` block yields, which differ only in how metrics are added."""

    __slots__ = ()
    _set: MetricSet

    def add_dimension(self, name: str, value: str) -> None:
        """Add a dimension to the main dimension set of this flush."""
        self._set.add_dimensions({name: value}, new_set=False)

    def add_dimensions(
        self, dimensions: Mapping[str, object] | None = None, /, **more: object
    ) -> None:
        """Add one more dimension set: the metrics of this flush are aggregated under it too.

        The set holds the default dimensions plus the given ones (at most 30 in all)."""
        self._set.add_dimensions({**(dimensions or {}), **more}, new_set=True)

    def add_metadata(self, key: str, value: Any) -> None:
        """A member written next to the metrics: searchable in Logs Insights, not a metric."""
        self._set.add_metadata(key, value)


class Metrics(_Dimensions):
    """Buffer metrics for the invocation and write them as EMF documents at flush.

    ``namespace`` and ``service`` default to ``TOOLKIT_METRICS_NAMESPACE`` and
    ``TOOLKIT_SERVICE_NAME`` (``POWERTOOLS_*`` names as fallbacks), read here, once; an
    instance still without a namespace reads it again when ``log_metrics`` is applied. A
    service, when there is one, becomes the ``service`` default dimension.
    ``TOOLKIT_METRICS_DISABLED`` is also read here: a disabled instance empties the buffer at
    flush and prints nothing.
    """

    def __init__(self, namespace: str | None = None, service: str | None = None) -> None:
        self.service = service or config.SERVICE_NAME.raw()
        self._explicit_service = service is not None
        self._disabled = config.METRICS_DISABLED.read()
        self.namespace = namespace or config.METRICS_NAMESPACE.read()

    @property
    def namespace(self) -> str | None:
        return self._set.namespace

    @namespace.setter
    def namespace(self, namespace: str | None) -> None:
        """Use the shared buffer of ``namespace`` from now on, as if built with it (what was
        already added under the old namespace stays in the old buffer)."""
        self._set = _shared_set(namespace)
        if self.service is not None and (
            self._explicit_service or "service" not in self._set.default_dimensions
        ):
            self._set.set_default_dimensions({"service": self.service})

    def __repr__(self) -> str:
        return f"Metrics(namespace={self.namespace!r}, service={self.service!r})"

    # --- adding ----------------------------------------------------------------------------
    def add_metric(
        self,
        name: str,
        unit: MetricUnit | str,
        value: float,
        resolution: MetricResolution | int = 60,
    ) -> None:
        """Add one value; adding the same name again accumulates values into an array."""
        self._set.add_metric(name, unit, value, resolution)

    def set_default_dimensions(self, **dimensions: object) -> None:
        """Dimensions added to every flush from now on (they survive flushes)."""
        self._set.set_default_dimensions(dimensions)

    def clear_default_dimensions(self) -> None:
        self._set.clear_default_dimensions()

    def clear_metrics(self) -> None:
        """Drop what the buffer holds (metrics, dimensions, metadata), writing nothing."""
        self._set.take()

    # --- flushing --------------------------------------------------------------------------
    def serialize_metric_set(
        self,
        metrics: Mapping[str, Mapping[str, Any]] | None = None,
        dimensions: Mapping[str, object] | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """The buffer as one EMF document (a dict in Powertools' shape), neither written nor
        emptied; the arguments stand in for the buffer's parts (see docs/metrics.md)."""
        return self._set.serialize(metrics, dimensions, metadata)

    def flush_metrics(self, raise_on_empty_metrics: bool = False) -> None:
        """Write the buffer as EMF documents, one JSON line each, and empty it.

        With nothing to write, raise :class:`EmptyMetricsError` if asked to, else warn once.
        Disabled, it only empties the buffer: no namespace or emptiness check, no output.
        Without a namespace it raises :class:`SchemaValidationError` and keeps the buffer.
        """
        self._flush(raise_on_empty_metrics, warn_empty=True)

    def _flush(self, raise_on_empty: bool, warn_empty: bool) -> None:
        if self._disabled:
            self._set.take()
            return
        lines = self._set.lines()
        if lines:
            write(lines)
        elif raise_on_empty:
            raise EmptyMetricsError(
                f"no metrics were added in namespace {self.namespace!r} before the flush "
                "(raise_on_empty_metrics=True)"
            )
        elif warn_empty and not self._set.warned_empty:
            self._set.warned_empty = True
            _notice.warn(
                f"no metrics were added in namespace {self.namespace!r} before this flush, so "
                "it wrote nothing (warned once; raise_on_empty_metrics=True makes it an error)"
            )

    def _count_cold_start(self, context: Any) -> None:
        """``ColdStart`` in a document of its own, so that its two dimensions never mix with
        the user's."""
        if self._disabled:
            return
        function_name = getattr(context, "function_name", None)
        cold = MetricSet(self.namespace)
        cold.set_default_dimensions(
            {
                "function_name": function_name or config.LAMBDA_FUNCTION_NAME.read() or "unknown",
                "service": self.service or config.SERVICE_NAME.read(),
            }
        )
        cold.add_metric("ColdStart", MetricUnit.Count, 1, 60)
        write(cold.lines())

    def _write_outside(self, outside: Taken) -> None:
        """Write what was added outside any ``log_metrics`` handler, on its own."""
        metrics, _, main, sets, metadata = outside
        if self._disabled:
            return
        names = ", ".join(metrics)
        others = ", ".join([*main, *{name for one_set in sets for name in one_set}, *metadata])
        if metrics and self.namespace is not None:
            write(encode(render(self.namespace, outside), metadata))
            message = (
                f"metrics added outside a log_metrics handler ({names}) were written on their "
                "own before this invocation's, not with it: add them inside the handler, or "
                "call flush_metrics() after adding them"
            )
        elif metrics:
            message = f"metrics ({names}) could not be written: no namespace ({_NO_NAMESPACE})"
        else:
            message = (
                f"dimensions or metadata added outside a log_metrics handler ({others}) apply "
                "to no invocation and were dropped: use set_default_dimensions for dimensions "
                "every flush needs"
            )
        _notice.warn(message, RuntimeWarning)

    @middleware_method
    def log_metrics(
        self,
        handler: Handler,
        event: Any,
        context: Any,
        *,
        capture_cold_start_metric: bool = False,
        raise_on_empty_metrics: bool = False,
        default_dimensions: Mapping[str, object] | None = None,
        _dimensions: dict[str, str] = _NO_DIMENSIONS,
    ) -> Any:
        """Middleware: flush the metrics when the handler returns or raises; optionally count
        the cold start (``ColdStart``, in its own document with the ``function_name`` and
        ``service`` dimensions), raise on an empty flush, and add default dimensions to this
        handler's flushes. The namespace and the options are checked when it is applied
        (``default_dimensions`` arrives checked, as ``_dimensions``)."""
        metric_set = self._set
        previous, outside = metric_set.enter(_dimensions)
        try:
            if outside is not None:
                self._write_outside(outside)
            if capture_cold_start_metric and _context.is_cold_start():
                # Written before the handler runs: a handler that raises, or that Lambda
                # stops, still leaves the cold start counted.
                self._count_cold_start(context)
            try:
                response = handler(event, context)
            except BaseException:
                # The handler's error is the one that matters: an empty flush is no news
                # then, and a flush that fails too is reported without replacing it.
                try:
                    self._flush(raise_on_empty=False, warn_empty=False)
                except MetricsError as flush_error:
                    _notice.warn(
                        f"metrics were not flushed after the handler failed: {flush_error}",
                        RuntimeWarning,
                    )
                raise
            self._flush(raise_on_empty_metrics, warn_empty=True)
            return response
        finally:
            metric_set.leave(previous)

    @log_metrics.setup
    def _prepare(self, target: Target, options: dict[str, Any]) -> dict[str, Any]:
        """When ``log_metrics`` is applied: the namespace must be known (here or from the
        environment, which may have been set since this instance was built), and the
        ``default_dimensions`` option is checked and converted once."""
        if self.namespace is None and not self._disabled:
            namespace = config.METRICS_NAMESPACE.read()
            if namespace is None:
                raise SchemaValidationError(
                    f"{_NO_NAMESPACE}; checked when log_metrics is applied (to "
                    f"{target.qualname}), so that no invocation runs and then cannot write its "
                    "metrics"
                )
            self.namespace = namespace
        given = options["default_dimensions"]
        if given is None:
            return options
        if not isinstance(given, Mapping):
            raise DimensionError(
                "default_dimensions",
                f"log_metrics(default_dimensions=...) takes a mapping of names to values, "
                f"not {type(given).__name__}",
            )
        return {**options, "default_dimensions": None, "_dimensions": checked_dimensions(given)}


class SingleMetric(_Dimensions):
    """The object a :func:`single_metric` block yields: one metric, its own dimensions."""

    __slots__ = ("_name", "_set")

    def __init__(self, metric_set: MetricSet, name: str) -> None:
        self._set = metric_set
        self._name = name

    def add_metric(
        self,
        name: str,
        unit: MetricUnit | str,
        value: float,
        resolution: MetricResolution | int = 60,
    ) -> None:
        if name != self._name:
            raise MetricValueError(
                name,
                f"single_metric holds the one metric {self._name!r}; use Metrics for "
                f"{name!r} or open another single_metric block",
            )
        self._set.add_metric(name, unit, value, resolution)


@contextmanager
def single_metric(
    name: str,
    unit: MetricUnit | str,
    value: float,
    resolution: MetricResolution | int = 60,
    *,
    namespace: str | None = None,
    default_dimensions: Mapping[str, object] | None = None,
) -> Iterator[SingleMetric]:
    """A metric with dimensions of its own, written when the block ends (even on error).

    Its buffer is private: nothing added to a :class:`Metrics` instance appears in it, and its
    dimensions do not leak into anyone else's documents. The namespace is checked on entry so
    that a missing one never replaces an error raised inside the block.
    """
    disabled = config.METRICS_DISABLED.read()
    metric_set = MetricSet(namespace or config.METRICS_NAMESPACE.read())
    if metric_set.namespace is None and not disabled:
        raise SchemaValidationError(_NO_NAMESPACE)
    if default_dimensions:
        metric_set.set_default_dimensions(default_dimensions)
    metric_set.add_metric(name, unit, value, resolution)
    try:
        yield SingleMetric(metric_set, name)
    finally:
        if not disabled:
            write(metric_set.lines())
