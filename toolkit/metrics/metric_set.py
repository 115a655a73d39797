"""A buffer of metrics, dimensions and metadata, and its rendering as EMF documents.

The CloudWatch embedded metric format (EMF) limits that shape this module:

* a MetricDirective lists at most 100 MetricDefinitions, and a metric's value member holds a
  number or an array of at most 100 numbers: larger buffers are *split* over several
  documents, never truncated, so every value is written exactly once;
* a DimensionSet names at most 30 dimensions, and dimension members must be strings: that is
  checked when a dimension is added, where the caller can still fix it;
* ``StorageResolution`` is 1 or 60 (60 is the default and is left out of the document).

Adding a metric is a dict look-up and a list append; each document is built and serialised
once at flush.
"""

from __future__ import annotations

import json
import math
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from enum import Enum

from toolkit._typing import TYPE_CHECKING, TypeVar
from toolkit.jsonline import EMF_NUMBER_BOUND, MAX_LINE_BYTES, Encoder, write_lines
from toolkit.metrics.errors import (
    DimensionError,
    DimensionLimitError,
    MetricResolutionError,
    MetricUnitError,
    MetricValueError,
    SchemaValidationError,
)
from toolkit.metrics.units import RESOLUTION_NAMES, RESOLUTIONS, UNIT_NAMES, UNITS

MAX_METRICS = 100  # MetricDefinitions per MetricDirective
MAX_VALUES = 100  # numbers in one metric's value array
MAX_DIMENSIONS = 30  # dimension names in one DimensionSet
MAX_NAME = 255  # metric and dimension names (CloudWatch API length limits)
MAX_DIMENSION_VALUE = 1024
_RESERVED = "_aws"
NO_NAMESPACE = (
    "metrics need a namespace: pass namespace=... or set TOOLKIT_METRICS_NAMESPACE "
    "(or POWERTOOLS_METRICS_NAMESPACE)"
)

if TYPE_CHECKING:
    from typing import Any

    # name, unit, resolution, the MetricDefinition as JSON text and as a dict
    Definition = tuple[str, str, int, str, dict[str, Any]]
    Metric = list[Any]  # [Definition, values list]

T = TypeVar("T")
_encode = json.JSONEncoder(separators=(",", ":"), default=str).encode


def _plain(value: object) -> object:
    """An enum member as its value, so messages show ``'Seconds'`` rather than a repr."""
    return value.value if isinstance(value, Enum) else value


def _check_name(name: object, what: str) -> str:
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME or name == _RESERVED:
        raise (MetricValueError if what == "metric" else DimensionError)(
            str(name),
            f"{what} name {name!r} is not valid: it must be a non-blank string of at most "
            f"{MAX_NAME} characters other than {_RESERVED!r}",
        )
    return name


def dimension_value(name: str, value: object) -> str:
    """Dimension values must be strings in EMF: scalars (str, int, float, bool) are converted
    with ``str()``; anything else is refused rather than rendered as an unreadable repr."""
    if not isinstance(value, (str, int, float)):
        raise DimensionError(
            name,
            f"dimension {name!r} has a value of type {type(value).__name__}; "
            "use a string (numbers and booleans are converted with str())",
        )
    text = value if isinstance(value, str) else str(value)
    if not text.strip() or len(text) > MAX_DIMENSION_VALUE or not text.isascii():
        raise DimensionError(
            name,
            f"dimension {name!r} has the value {text!r}; CloudWatch needs 1 to "
            f"{MAX_DIMENSION_VALUE} ASCII characters, not all blank",
        )
    return text


def _number(name: str, value: object) -> float | int:
    """A finite int or float; other real numbers (Decimal, numpy scalars) become floats."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if isinstance(value, int) or math.isfinite(value):
            return value
    elif not isinstance(value, (bool, str, bytes)):
        try:
            converted = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            converted = None
        if converted is not None and math.isfinite(converted):
            return converted
    raise MetricValueError(
        name,
        f"metric {name!r} has the value {value!r} ({type(value).__name__}); a metric value "
        "must be a finite int or float (CloudWatch cannot store NaN or infinity)",
    )


def _lookup(table: Mapping[object, T], key: object) -> T | None:
    try:
        return table.get(key)
    except TypeError:  # unhashable: certainly not a unit or a resolution
        return None


_definitions: dict[tuple[object, object, object], Definition] = {}
_MAX_DEFINITIONS = 2048  # bounds the cache when metric names are made up at run time


def _define(name: str, unit: object, resolution: object) -> Definition:
    """Validate a (name, unit, resolution) once and cache its MetricDefinition, already encoded
    as JSON: later adds of the same metric are a dict look-up, and a flush joins strings instead
    of encoding a hundred small dicts again."""
    _check_name(name, "metric")
    unit_value = _lookup(UNITS, unit)
    resolution_value = _lookup(RESOLUTIONS, resolution)
    if unit_value is None:
        raise MetricUnitError(
            name, unit, f"metric {name!r} has the unit {unit!r}; allowed units: {UNIT_NAMES}"
        )
    if resolution_value is None:
        raise MetricResolutionError(
            name,
            resolution,
            f"metric {name!r} has the storage resolution {resolution!r}; "
            f"allowed: {RESOLUTION_NAMES}",
        )
    members: dict[str, Any] = {"Name": name, "Unit": unit_value}
    if resolution_value != 60:
        members["StorageResolution"] = resolution_value
    definition = (name, unit_value, resolution_value, _encode(members), members)
    if len(_definitions) >= _MAX_DEFINITIONS:
        _definitions.clear()
    return _definitions.setdefault((name, unit_value, resolution_value), definition)


class MetricSet:
    """What one flush writes: metrics, per-flush dimensions and dimension sets, metadata, and
    the default dimensions that survive flushes.

    Within one flush a dimension name has one value (EMF keeps one value per member): a value
    added during the invocation overrides a default dimension of the same name; giving the same
    name two different values in one flush is an error.
    """

    __slots__ = (
        "_directives",
        "_usual",
        "default_dimensions",
        "dimension_sets",
        "dimensions",
        "lock",
        "metadata",
        "metrics",
        "namespace",
        "taken",
        "warned_empty",
    )

    def __init__(self, namespace: str | None) -> None:
        self.namespace = namespace
        self.metrics: dict[str, Metric] = {}
        self.dimensions: dict[str, str] = {}
        self.dimension_sets: list[dict[str, str]] = []
        self.metadata: dict[str, Any] = {}
        self.default_dimensions: dict[str, str] = {}
        self.taken: set[str] = set()  # dimension and metadata names: not free for metrics
        self.lock = threading.Lock()
        self.warned_empty = False
        # The "Namespace" and "Dimensions" members of the directive, as JSON, by dimension
        # sets: they repeat from flush to flush, so each is encoded once.
        self._directives: dict[tuple[tuple[str, ...], ...], str] = {}
        # What a flush with default dimensions only repeats: the root members, the Dimensions
        # array and its directive (all never mutated), made again when the defaults change.
        self._usual: tuple[dict[str, str], list[list[str]], str] | None = None

    # --- adding ----------------------------------------------------------------------------
    def add_metric(self, name: str, unit: object, value: object, resolution: object) -> None:
        try:
            definition = _definitions[name, unit, resolution]
        except (KeyError, TypeError):  # TypeError: an unhashable unit, refused by _define
            definition = _define(name, unit, resolution)
        kind = type(value)
        if kind is not int and (kind is not float or value - value != 0.0):  # type: ignore[operator]
            value = _number(name, value)  # not finite, or another kind of number
        with self.lock:
            metric = self.metrics.get(name)
            if metric is None:
                if name in self.taken:
                    raise MetricValueError(
                        name, f"metric name {name!r} is already used by a dimension or metadata key"
                    )
                self.metrics[name] = [definition, [value]]
            elif metric[0] is definition or metric[0] == definition:
                metric[1].append(value)
            else:
                self._conflict(name, metric[0], unit, resolution)

    def _conflict(self, name: str, definition: Definition, unit: object, res: object) -> None:
        if unit != definition[1]:
            raise MetricUnitError(
                name,
                unit,
                f"metric {name!r} was added with the unit {definition[1]!r} and now with "
                f"{_plain(unit)!r}; one metric has one unit per flush",
            )
        raise MetricResolutionError(
            name,
            res,
            f"metric {name!r} was added with the storage resolution "
            f"{definition[2]} and now with {_plain(res)!r}; "
            "one metric has one resolution per flush",
        )

    def add_dimensions(self, dimensions: Mapping[str, object], new_set: bool) -> None:
        """Add to the main dimension set, or (``new_set``) add one more dimension set."""
        checked = {}
        for name, value in dimensions.items():
            self._check_dimension_name(name)
            text = dimension_value(name, value)
            if self._value_of(name, defaults=False) not in (None, text):
                raise DimensionError(
                    name,
                    f"dimension {name!r} already has the value {self._value_of(name)!r} in "
                    f"this flush; EMF keeps one value per dimension name, so {text!r} "
                    "cannot be added as well",
                )
            checked[name] = text
        with self.lock:
            if new_set:
                self._check_size(self.default_dimensions, checked)
                self.dimension_sets.append(checked)
                self.taken.update(checked)
            else:
                self._check_size({**self.default_dimensions, **self.dimensions}, checked)
                self.dimensions.update(checked)
                self.taken.update(checked)

    def set_default_dimensions(self, dimensions: Mapping[str, object]) -> None:
        checked = {}
        for name, value in dimensions.items():
            self._check_dimension_name(name)
            checked[name] = dimension_value(name, value)
        with self.lock:
            for one_set in (self.dimensions, *self.dimension_sets):
                self._check_size({**self.default_dimensions, **one_set}, checked)
            self.default_dimensions.update(checked)
            self._usual = None
            self.taken.update(checked)

    def clear_default_dimensions(self) -> None:
        with self.lock:
            self.default_dimensions.clear()
            self._usual = None
            self.taken = {*self.dimensions, *self.metadata}
            for one_set in self.dimension_sets:
                self.taken.update(one_set)

    def _check_dimension_name(self, name: str) -> None:
        _check_name(name, "dimension")
        if name in self.metrics or name in self.metadata:
            raise DimensionError(
                name, f"dimension name {name!r} is already used by a metric or metadata key"
            )

    def _value_of(self, name: str, defaults: bool = True) -> str | None:
        if name in self.dimensions:
            return self.dimensions[name]
        for one_set in self.dimension_sets:
            if name in one_set:
                return one_set[name]
        return self.default_dimensions.get(name) if defaults else None

    @staticmethod
    def _check_size(current: Mapping[str, str], added: Mapping[str, str]) -> None:
        names = set(current)
        for name in added:
            names.add(name)
            if len(names) > MAX_DIMENSIONS:
                raise DimensionLimitError(name, len(names), MAX_DIMENSIONS)

    def add_metadata(self, key: str, value: Any) -> None:
        if not isinstance(key, str) or not key or key == _RESERVED:
            raise DimensionError(
                str(key), f"metadata key {key!r} is not valid: use a non-empty string"
            )
        if key in self.metrics or self._value_of(key) is not None:
            raise DimensionError(
                key, f"metadata key {key!r} is already used by a metric or a dimension"
            )
        with self.lock:
            self.metadata[key] = value
            self.taken.add(key)

    # --- flushing --------------------------------------------------------------------------
    def take(self) -> tuple[dict[str, Metric], dict[str, Any], list[list[str]], bool]:
        """Empty the buffer, returning its metrics, the members every document repeats
        (metadata and dimension values), the ``Dimensions`` array and whether the members are
        plain (no metadata: strings and numbers only). Default dimensions stay for the next
        flush."""
        with self.lock:
            metrics, self.metrics = self.metrics, {}
            if not (self.metadata or self.dimension_sets or self.dimensions):
                # The usual flush: default dimensions only, and ``taken`` holds just them.
                usual = self._usual
                if usual is None:
                    defaults = dict(self.default_dimensions)
                    names = [list(defaults)]
                    usual = self._usual = (defaults, names, self._directive(names))
                return metrics, usual[0], usual[1], True
            defaults = dict(self.default_dimensions)
            dimensions, self.dimensions = self.dimensions, {}
            sets, self.dimension_sets = self.dimension_sets, []
            metadata, self.metadata = self.metadata, {}
            self.taken = set(defaults)
        root: dict[str, Any] = {**metadata, **defaults}
        for one_set in sets:
            root.update(one_set)
        root.update(dimensions)
        main = list({**defaults, **dimensions})
        dimension_sets = [main]
        for one_set in sets:
            keys = list({**defaults, **one_set})
            if keys not in dimension_sets:
                dimension_sets.append(keys)
        return metrics, root, dimension_sets, not metadata

    def lines(self) -> list[str]:
        """Take the buffer and render it as EMF documents, one JSON text each (none when no
        metric was added). The ``_aws`` object is joined from pre-encoded parts, and the root
        members are encoded in one call per document."""
        taken = self._take_valid()
        if taken is None:
            return []
        metrics, root, dimension_sets, plain, timestamp = taken
        usual = self._usual
        directive = (
            usual[2]
            if usual is not None and usual[1] is dimension_sets
            else self._directive(dimension_sets)
        )
        aws = f'"_aws":{{"Timestamp":{timestamp},"CloudWatchMetrics":[{{{directive},"Metrics":['
        documents = _single(metrics, root)
        return [
            # members is never empty (it holds at least one metric), so "{...}" loses its "}"
            f"{_encode_members(members, definitions, plain)[:-1]},{aws}"
            f"{','.join([d[3] for d in definitions])}]}}]}}}}"
            for members, definitions in (split(metrics, root) if documents is None else documents)
        ]

    def _directive(self, dimension_sets: list[list[str]]) -> str:
        key = tuple([tuple(one_set) for one_set in dimension_sets])
        directive = self._directives.get(key)
        if directive is None:
            if len(self._directives) >= _MAX_DIRECTIVES:
                self._directives.clear()
            directive = self._directives[key] = (
                f'"Namespace":{_encode(self.namespace)},"Dimensions":{_encode(dimension_sets)}'
            )
        return directive

    def documents(self) -> list[dict[str, Any]]:
        """Take the buffer and return the documents :meth:`lines` would write, as dicts."""
        taken = self._take_valid()
        if taken is None:
            return []
        metrics, root, dimension_sets, _, timestamp = taken
        documents = []
        for members, definitions in split(metrics, root):
            directive = {
                "Namespace": self.namespace,
                "Dimensions": [list(one_set) for one_set in dimension_sets],  # may be cached
                "Metrics": [definition[4] for definition in definitions],
            }
            members["_aws"] = {"Timestamp": timestamp, "CloudWatchMetrics": [directive]}
            documents.append(members)
        return documents

    def _take_valid(
        self,
    ) -> tuple[dict[str, Metric], dict[str, Any], list[list[str]], bool, int] | None:
        metrics, root, dimension_sets, plain = self.take()
        if not metrics:
            return None
        if self.namespace is None:
            raise SchemaValidationError(NO_NAMESPACE)
        return metrics, root, dimension_sets, plain, int(time.time() * 1000)


# The members of a document (metric values, dimension values, metadata) go through the shared
# encoder: strict JSON, numbers within CloudWatch's range, metadata that cannot be encoded
# marked in place, and cut (metadata only, never a metric) to leave room for the "_aws" object
# (at most 100 definitions of names up to 255 characters, 30 dimension names, the namespace).
_AWS_ROOM = 64 * 1024
_emf = Encoder(number_bound=EMF_NUMBER_BOUND, limit=MAX_LINE_BYTES - _AWS_ROOM)


def _encode_members(members: dict[str, Any], definitions: list[Definition], plain: bool) -> str:
    """Without metadata the members are dimension strings and metric values checked when
    added, so the encoder is told they need no walk."""
    return _emf(members, _MetricNames(definitions), plain or None)


class _MetricNames:
    """The metric names of a document, for the encoder's ``keep``: looked up only when a
    document is over the size limit, so not made into a set at every flush."""

    __slots__ = ("definitions",)

    def __init__(self, definitions: list[Definition]) -> None:
        self.definitions = definitions

    def __contains__(self, name: object) -> bool:
        return any(definition[0] == name for definition in self.definitions)


_MAX_DIRECTIVES = 64  # bounds the cache when dimension names are made up at run time


def _single(
    metrics: dict[str, Metric], root: dict[str, Any]
) -> list[tuple[dict[str, Any], list[Definition]]] | None:
    """The one document of a buffer that needs no splitting (the usual case), or ``None``."""
    if len(metrics) > MAX_METRICS:
        return None
    members = dict(root)
    definitions = []
    for definition, values in metrics.values():
        count = len(values)
        if count > MAX_VALUES:
            return None
        members[definition[0]] = values[0] if count == 1 else values
        definitions.append(definition)
    return [(members, definitions)]


def split(
    metrics: dict[str, Metric], root: dict[str, Any]
) -> Iterator[tuple[dict[str, Any], list[Definition]]]:
    """Split ``metrics`` into documents of at most 100 definitions and 100 values per metric,
    yielding each document's root members and its definitions.

    Round ``r`` carries the ``r``-th slice of 100 values of every metric that has one, so a
    buffer of ordinary metrics (one value each) needs ``ceil(n / 100)`` documents and a single
    busy metric needs ``ceil(values / 100)``. Every document repeats ``root`` (metadata and
    dimension values).
    """
    pending = list(metrics.values())
    start = 0
    while pending:
        for first in range(0, len(pending), MAX_METRICS):
            batch = pending[first : first + MAX_METRICS]
            members = dict(root)
            for definition, values in batch:
                if start == 0 and len(values) == 1:
                    members[definition[0]] = values[0]
                else:
                    chunk = values[start : start + MAX_VALUES]
                    members[definition[0]] = chunk[0] if len(chunk) == 1 else chunk
            yield members, [definition for definition, _ in batch]
        start += MAX_VALUES
        pending = [metric for metric in pending if len(metric[1]) > start]


def write(lines: list[str]) -> None:
    """Each document whole (:func:`toolkit.jsonline.write_lines`), to the ``sys.stdout`` of the
    moment (test capture and the local invoker replace it)."""
    write_lines(sys.stdout, lines)
