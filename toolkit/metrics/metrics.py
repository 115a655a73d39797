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
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from types import MappingProxyType

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
    from datetime import datetime
    from typing import Any

    from toolkit.metrics.metric_set import Taken
    from toolkit.middleware import Handler, Target

__all__ = ["EphemeralMetrics", "Metrics", "SingleMetric", "single_metric"]

_registry: dict[str | None, MetricSet] = {}
_registry_lock = threading.Lock()
_NO_DIMENSIONS: dict[str, str] = {}  # never mutated
# How far a datapoint's timestamp may lie from now for CloudWatch to store it (EMF spec)
_MAX_PAST_MS = 14 * 24 * 3600 * 1000
_MAX_FUTURE_MS = 2 * 3600 * 1000


def _shared_set(namespace: str | None) -> MetricSet:
    metric_set = _registry.get(namespace)
    if metric_set is None:
        with _registry_lock:
            metric_set = _registry.setdefault(namespace, MetricSet(namespace))
    return metric_set


class _Dimensions:
    """Dimensions, metadata and timestamp of a buffer: the same for :class:`Metrics` and the
    object a :func:`single_metric` block yields, which differ only in how metrics are added."""

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

    def set_timestamp(self, timestamp: int | datetime) -> None:
        """Date the next flush's documents (epoch milliseconds, or a datetime) instead of the
        time of the flush: for metrics about an event that happened earlier. CloudWatch drops
        a datapoint more than 14 days old or 2 hours ahead, so such a timestamp is warned
        about (and still written, as in Powertools)."""
        self._set.set_timestamp(_timestamp_ms(timestamp))


def _timestamp_ms(timestamp: object) -> int:
    """``timestamp`` as epoch milliseconds, with a notice when CloudWatch would drop it."""
    if isinstance(timestamp, int) and not isinstance(timestamp, bool):
        milliseconds = timestamp
    else:
        from datetime import datetime  # only here: most functions never set a timestamp

        if not isinstance(timestamp, datetime):
            raise MetricValueError(
                "timestamp",
                f"set_timestamp takes epoch milliseconds (int) or a datetime, not "
                f"{type(timestamp).__name__}",
            )
        milliseconds = round(timestamp.timestamp() * 1000)
    now = time.time() * 1000
    if not now - _MAX_PAST_MS <= milliseconds <= now + _MAX_FUTURE_MS:
        _notice.warn(
            f"the metrics timestamp {milliseconds} is more than 14 days in the past or 2 hours "
            "in the future: CloudWatch will not store these datapoints"
        )
    return milliseconds


class Metrics(_Dimensions):
    """Buffer metrics for the invocation and write them as EMF documents at flush.

    ``namespace`` and ``service`` default to ``TOOLKIT_METRICS_NAMESPACE`` and
    ``TOOLKIT_SERVICE_NAME`` (``POWERTOOLS_*`` names as fallbacks), read here, once; an
    instance still without a namespace reads it again when ``log_metrics`` is applied. A
    service, when there is one, becomes the ``service`` default dimension.
    ``TOOLKIT_METRICS_DISABLED`` is also read here: a disabled instance empties the buffer at
    flush and prints nothing. ``provider`` (an :class:`EphemeralMetrics`, alias
    ``AmazonCloudWatchEMFProvider``) makes this instance a front for that provider's buffer,
    namespace and service, as in Powertools; ``function_name`` names the function in the
    ``ColdStart`` metric (else ``TOOLKIT_METRICS_FUNCTION_NAME``, else the context's).
    The arguments keep Powertools' order.
    """

    _private = False  # EphemeralMetrics: a buffer of its own, in no registry

    def __init__(
        self,
        service: str | None = None,
        namespace: str | None = None,
        provider: EphemeralMetrics | None = None,
        function_name: str | None = None,
    ) -> None:
        if provider is not None:
            self._front(provider, service=service, namespace=namespace, function_name=function_name)
            return
        self._service = service or config.SERVICE_NAME.raw()
        self._explicit_service = service is not None
        self._function_name = function_name
        self._disabled = config.METRICS_DISABLED.read()
        namespace = namespace or config.METRICS_NAMESPACE.read()
        if not self._private:
            self.namespace = namespace  # the shared buffer of that namespace
            return
        self._set = MetricSet(namespace)
        if self._service is not None:
            self._set.set_default_dimensions({"service": self._service})

    def _front(self, provider: EphemeralMetrics, **given: str | None) -> None:
        """Use ``provider``'s buffer and configuration (Powertools' ``Metrics(provider=...)``)."""
        if not isinstance(provider, EphemeralMetrics):
            raise TypeError(
                f"Metrics(provider=...) takes an AmazonCloudWatchEMFProvider (EphemeralMetrics), "
                f"not {type(provider).__name__}: toolkit writes CloudWatch EMF only"
            )
        for name, value in given.items():
            if value is not None:
                raise TypeError(
                    f"Metrics({name}=..., provider=...): the provider's {name} is the one "
                    f"used; pass {name} to the provider instead"
                )
        self._service = provider._service
        self._explicit_service = provider._explicit_service
        self._function_name = provider._function_name
        self._disabled = provider._disabled
        self._set = provider._set
        self._private = True

    @property
    def namespace(self) -> str | None:
        return self._set.namespace

    @namespace.setter
    def namespace(self, namespace: str | None) -> None:
        """Use the shared buffer of ``namespace`` from now on, as if built with it (what was
        already added under the old namespace stays in the old buffer). A private buffer
        (:class:`EphemeralMetrics`) keeps its contents and only changes its namespace."""
        if self._private:
            self._set.namespace = namespace
            return
        self._set = _shared_set(namespace)
        if self._service is not None and (
            self._explicit_service or "service" not in self._set.default_dimensions
        ):
            self._set.set_default_dimensions({"service": self._service})

    @property
    def service(self) -> str | None:
        return self._service

    @service.setter
    def service(self, service: str | None) -> None:
        """The ``service`` default dimension from the next flush on (none for ``None``)."""
        self._service = service
        self._explicit_service = True
        self._set_service_dimension()

    def _set_service_dimension(self) -> None:
        """Make the buffer's ``service`` default dimension this instance's service."""
        others = {k: v for k, v in self._set.default_dimensions.items() if k != "service"}
        self._set.clear_default_dimensions()
        self._set.set_default_dimensions(
            others if self._service is None else {**others, "service": self._service}
        )

    def __repr__(self) -> str:
        return f"{type(self).__name__}(namespace={self.namespace!r}, service={self.service!r})"

    # --- Powertools' views of the buffer ---------------------------------------------------
    # Read-only snapshots in Powertools' shapes: writes go through the methods, which check
    # what they are given, so changing a view raises instead of doing nothing.
    @property
    def metric_set(self) -> Mapping[str, dict[str, Any]]:
        """``{name: {"Unit", "StorageResolution", "Value": [values]}}`` of the buffer."""
        return MappingProxyType(
            {
                name: {
                    "Unit": definition["Unit"],
                    "StorageResolution": definition.get("StorageResolution", 60),
                    "Value": list(values),
                }
                for name, (definition, values) in list(self._set.metrics.items())
            }
        )

    @property
    def dimension_set(self) -> Mapping[str, str]:
        """The main dimension set of the next flush: default dimensions (``service``
        included) and those added since the last flush."""
        return MappingProxyType({**self._set.defaults(), **self._set.dimensions})

    @property
    def metadata_set(self) -> Mapping[str, Any]:
        return MappingProxyType(dict(self._set.metadata))

    @property
    def default_dimensions(self) -> Mapping[str, str]:
        """The dimensions of :meth:`set_default_dimensions` (the service is not one of them,
        as in Powertools, though every flush writes it)."""
        defaults = self._set.default_dimensions
        if defaults.get("service") == self._service:
            defaults = {k: v for k, v in defaults.items() if k != "service"}
        return MappingProxyType(dict(defaults))

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
        """Drop the dimensions of :meth:`set_default_dimensions`; the service stays."""
        self._set.clear_default_dimensions()
        if self._service is not None:
            self._set.set_default_dimensions({"service": self._service})

    def clear_metrics(self) -> None:
        """Drop what the buffer holds (metrics, dimensions, metadata, timestamp), writing
        nothing; default dimensions stay."""
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
        self._flush(raise_on_empty_metrics)

    def _flush(self, raise_on_empty: bool, warn_empty: bool = True) -> None:
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

    def add_cold_start_metric(self, context: Any) -> None:
        """Write ``ColdStart`` = 1 now (``log_metrics(capture_cold_start_metric=True)`` calls
        it on a cold start; Powertools' provider method of the same name), in a document of
        its own, so that its dimensions never mix with the user's: ``function_name`` and,
        when there is a service, ``service`` (Powertools' sets: no ``service_undefined``)."""
        if self._disabled:
            return
        function_name = (
            self._function_name
            or config.METRICS_FUNCTION_NAME.read()
            or getattr(context, "function_name", None)
            or config.LAMBDA_FUNCTION_NAME.read()
            or "unknown"
        )
        cold = MetricSet(self.namespace)
        dimensions = {"function_name": function_name}
        if self._service is not None:
            dimensions["service"] = self._service
        cold.set_default_dimensions(dimensions)
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
                self.add_cold_start_metric(context)
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
            self._flush(raise_on_empty_metrics)
            return response
        finally:
            if previous is not None:
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
        """Ignored, with a warning, as Powertools ignores it: the block holds its one metric."""
        _notice.warn(
            f"single_metric holds the one metric {self._name!r}, so add_metric({name!r}, ...) "
            "was ignored: use Metrics, or open another single_metric block"
        )


@contextmanager
def single_metric(  # noqa: PLR0917 - Powertools takes these positionally
    name: str,
    unit: MetricUnit | str,
    value: float,
    resolution: MetricResolution | int = 60,
    namespace: str | None = None,
    default_dimensions: Mapping[str, object] | None = None,
) -> Iterator[SingleMetric]:
    """A metric with dimensions of its own, written when the block ends (even on error).

    Its buffer is private: nothing added to a :class:`Metrics` instance appears in it, and its
    dimensions do not leak into anyone else's documents. The service of the environment
    (``TOOLKIT_SERVICE_NAME`` / ``POWERTOOLS_SERVICE_NAME``) is a ``service`` dimension unless
    the block sets one, as in Powertools, so the datapoint lands on the same CloudWatch metric
    as ``Metrics``' own. The namespace is checked on entry so that a missing one never
    replaces an error raised inside the block.
    """
    disabled = config.METRICS_DISABLED.read()
    metric_set = MetricSet(namespace or config.METRICS_NAMESPACE.read())
    if metric_set.namespace is None and not disabled:
        raise SchemaValidationError(_NO_NAMESPACE)
    if default_dimensions:
        metric_set.set_default_dimensions(default_dimensions)
    metric_set.add_metric(name, unit, value, resolution)
    service = config.SERVICE_NAME.raw()
    try:
        yield SingleMetric(metric_set, name)
    finally:
        if not disabled:
            if service is not None and "service" not in metric_set.taken:
                _add_service(metric_set, service)
            write(metric_set.lines())


def _add_service(metric_set: MetricSet, service: str) -> None:
    """The ``service`` dimension of a :func:`single_metric`, last, as Powertools adds it when
    it serialises. Added as the block ends, so a failure is a notice: it must not replace
    an error raised in the block, nor cost the metric."""
    try:
        metric_set.add_dimensions({"service": service}, new_set=False)
    except DimensionError as error:
        _notice.warn(f"single_metric written without its service dimension: {error}")


class EphemeralMetrics(Metrics):
    """A :class:`Metrics` whose buffer is its own: no other instance shares it, whatever the
    namespace (Powertools' ``EphemeralMetrics``, also its ``AmazonCloudWatchEMFProvider``).

    For a library inside a function, say, whose metrics must not be flushed by the handler's
    ``log_metrics``. The arguments are Powertools' provider arguments, in their order;
    ``default_dimensions`` become :meth:`set_default_dimensions`. ``metric_set``,
    ``dimension_set`` and ``metadata_set`` hand Powertools' provider dicts to store into,
    which toolkit's checked buffer cannot honour: passing one raises ``TypeError``.
    """

    _private = True

    def __init__(  # noqa: PLR0917 - Powertools' provider takes these positionally
        self,
        metric_set: dict[str, Any] | None = None,
        dimension_set: dict[str, Any] | None = None,
        namespace: str | None = None,
        metadata_set: dict[str, Any] | None = None,
        service: str | None = None,
        default_dimensions: Mapping[str, object] | None = None,
        function_name: str | None = None,
    ) -> None:
        for option, given in (
            ("metric_set", metric_set),
            ("dimension_set", dimension_set),
            ("metadata_set", metadata_set),
        ):
            if given is not None:
                raise TypeError(
                    f"EphemeralMetrics({option}=...) is not supported: toolkit keeps its own "
                    "checked buffer; add metrics, dimensions and metadata with add_metric, "
                    "add_dimension and add_metadata"
                )
        super().__init__(service=service, namespace=namespace, function_name=function_name)
        if default_dimensions:
            self.set_default_dimensions(**default_dimensions)
