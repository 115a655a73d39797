"""A buffer of metrics, dimensions and metadata, and its rendering as EMF documents.

The CloudWatch embedded metric format (EMF) limits that shape this module:

* a MetricDirective lists at most 100 MetricDefinitions, and a metric's value member holds a
  number or an array of at most 100 numbers: larger buffers are *split* over several
  documents, never truncated, so every value is written exactly once;
* a DimensionSet names at most 30 dimensions, and dimension members must be strings: that is
  checked when a dimension is added, where the caller can still fix it;
* ``StorageResolution`` is 1 or 60 (60 is the default and is left out of the document);
* a value is a finite number within CloudWatch's range (magnitude 2**-360 to 2**360, or 0):
  checked when it is added, so a flush only writes what CloudWatch accepts.

Adding a metric is a dict look-up and a list append. A flush joins each document's line from
the JSON text of its ``_aws`` parts (the namespace and dimension sets, and each metric
definition), made once and cached because they repeat from flush to flush, and its members
(dimension values, metadata, metric values), encoded in one call. Metadata, the one member
that may hold anything, can never make a flush fail: what JSON cannot carry is written as a
string, with a notice.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Container, Iterator, Mapping
from enum import Enum

from toolkit import _notice, jsonline
from toolkit import context as _context
from toolkit._typing import TYPE_CHECKING, TypeVar
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
LARGEST = 2.0**360  # CloudWatch refuses values of a larger magnitude ...
SMALLEST = 2.0**-360  # ... and non-zero values of a smaller one
_INT_LOW, _INT_HIGH = -(2**360), 2**360  # the same bounds as ints: cheaper to compare ints with
_RESERVED = "_aws"
NO_NAMESPACE = (
    "metrics need a namespace: pass namespace=... or set TOOLKIT_METRICS_NAMESPACE "
    "(or POWERTOOLS_METRICS_NAMESPACE)"
)

if TYPE_CHECKING:
    from typing import Any

    Metric = tuple["Definition", list[Any]]  # a definition and the values added under it
    # What one flush takes from the buffer: metrics, default dimensions, main dimensions,
    # further dimension sets, metadata.
    Taken = tuple[
        dict[str, Metric], dict[str, str], dict[str, str], list[dict[str, str]], dict[str, Any]
    ]

T = TypeVar("T")
EMPTY = object()  # MetricSet.opened of an empty buffer
_NONE: dict[str, Any] = {}  # what a flush took of an empty part of the buffer: never mutated
_current = _context._current.get  # context.current() without its call, as the Logger does


# The usual document: metric values and dimensions were checked when added and metadata is
# cleaned by _EMF first, so the C encoder needs no walk (str() for what JSON lacks).
_encode = jsonline.c_encoder(str)
_encode_chunks = jsonline.c_chunks(str)  # the same, without the call: a flush's members
# What makes metadata safe, and cuts a document to fit: toolkit's one encoder for every line
_EMF = jsonline.Encoder(number_bound=jsonline.EMF_NUMBER_BOUND)


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


def checked_dimensions(given: Mapping[str, object]) -> dict[str, str]:
    """``given`` with names checked and values converted to strings, at most 30 of them."""
    checked = {
        _check_name(name, "dimension"): dimension_value(name, value)
        for name, value in given.items()
    }
    MetricSet._check_size({}, checked)
    return checked


def _in_range(value: float) -> bool:
    return SMALLEST <= abs(value) <= LARGEST or value == 0


def _number(name: str, value: object) -> float | int:
    """A number CloudWatch stores: a finite int or float within its range; other real numbers
    (Decimal, numpy scalars) become floats."""
    number: float | None = None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = value
    elif not isinstance(value, (bool, str, bytes)):
        try:
            number = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError, OverflowError):
            number = None
    if number is not None and _in_range(number):
        return number
    raise MetricValueError(
        name,
        f"metric {name!r} has the value {_shown(value)} ({type(value).__name__}); a metric "
        f"value must be a finite int or float of magnitude {SMALLEST:.6g} to {LARGEST:.6g}, or 0 "
        "(CloudWatch refuses NaN, infinities and numbers beyond that range)",
    )


def _shown(value: object) -> str:
    """A short repr for an error message (an int of thousands of digits has no repr at all)."""
    if isinstance(value, int) and not _in_range(value):
        return f"<an int of {value.bit_length()} bits>"
    try:
        text = repr(value)
    except Exception:
        return f"<{type(value).__name__}>"
    return text if len(text) <= 80 else f"{text[:77]}..."


def _lookup(table: Mapping[object, T], key: object) -> T | None:
    try:
        return table.get(key)
    except TypeError:  # unhashable: certainly not a unit or a resolution
        return None


def _unit_error(name: str, unit: object) -> MetricUnitError:
    import difflib  # only on this error path

    text = str(_plain(unit))
    close = [u for u in UNITS.values() if u.lower() == text.lower()]
    close = close or difflib.get_close_matches(text, list(UNITS.values()), n=1, cutoff=0.75)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return MetricUnitError(
        name,
        unit,
        f"metric {name!r} has the unit {_shown(_plain(unit))}{hint}; allowed units: {UNIT_NAMES}",
    )


class Definition(dict[str, "Any"]):
    """The MetricDefinition of one (name, unit, resolution), ``{"Name", "Unit"[,
    "StorageResolution"]}`` (60, the default resolution, is left out), with its JSON text
    made once (``json``): a flush joins these texts instead of encoding the dicts again."""

    __slots__ = ("json",)

    def __init__(self, name: str, unit: str, resolution: int) -> None:
        super().__init__(Name=name, Unit=unit)
        if resolution != 60:
            self["StorageResolution"] = resolution
        self.json = _encode(self)


_definitions: dict[tuple[object, object, object], Definition] = {}
_MAX_DEFINITIONS = 2048  # bounds the cache when metric names are made up at run time


def _define(name: str, unit: object, resolution: object) -> Definition:
    """Validate a (name, unit, resolution) once and cache its MetricDefinition: later adds of
    the same metric are a dict look-up instead of three checks."""
    _check_name(name, "metric")
    unit_value = _lookup(UNITS, unit)
    resolution_value = _lookup(RESOLUTIONS, resolution)
    if unit_value is None:
        raise _unit_error(name, unit)
    if resolution_value is None:
        raise MetricResolutionError(
            name,
            resolution,
            f"metric {name!r} has the storage resolution {_shown(resolution)}; "
            f"allowed: {RESOLUTION_NAMES}",
        )
    if len(_definitions) >= _MAX_DEFINITIONS:
        _definitions.clear()
    definition = _definitions.setdefault(
        (name, unit_value, resolution_value), Definition(name, unit_value, resolution_value)
    )
    _definitions[name, unit, resolution] = definition  # a unit name ("NoUnit") hits next time
    return definition


class MetricSet:
    """What one flush writes: metrics, per-flush dimensions and dimension sets, metadata, and
    the default dimensions that survive flushes.

    Within one flush a dimension name has one value (EMF keeps one value per member): a value
    added during the invocation overrides a default dimension of the same name; giving the same
    name two different values in one flush is an error.

    ``handler_dimensions`` are the ``default_dimensions`` option of the ``log_metrics`` handler
    running now: they apply to that handler's flushes only.
    ``opened`` is the invocation that was current when the empty buffer got its first entry
    (``None`` outside any invocation; ``EMPTY`` while the buffer is empty): what a handler
    finds in the buffer when it starts is its invocation's only if that invocation added it
    (a middleware outside ``log_metrics``, say).
    """

    __slots__ = (
        "default_dimensions",
        "dimension_sets",
        "dimensions",
        "handler_dimensions",
        "lock",
        "metadata",
        "metrics",
        "namespace",
        "opened",
        "taken",
        "timestamp",
        "warned_empty",
    )

    def __init__(self, namespace: str | None) -> None:
        self.namespace = namespace
        self.metrics: dict[str, Metric] = {}
        self.dimensions: dict[str, str] = {}
        self.dimension_sets: list[dict[str, str]] = []
        self.metadata: dict[str, Any] = {}
        self.default_dimensions: dict[str, str] = {}
        self.handler_dimensions: dict[str, str] = {}
        self.opened: object = EMPTY
        self.taken: set[str] = set()  # dimension and metadata names: not free for metrics
        self.timestamp: int | None = None  # of the next flush (ms since the epoch), else now
        self.lock = threading.Lock()
        self.warned_empty = False

    # --- adding ----------------------------------------------------------------------------
    def add_metric(self, name: str, unit: object, value: object, resolution: object) -> None:
        try:
            definition = _definitions[name, unit, resolution]
        except (KeyError, TypeError):  # TypeError: an unhashable unit, refused by _define
            definition = None
        if definition is None:  # outside the except block: an error here is not chained
            definition = _define(name, unit, resolution)
        kind = type(value)
        # An int of one 30-bit digit is tested first: Python 3.11 specialises that compare
        # (literals, not names: a constant is cheaper to load), not the one with 2**360.
        if not (
            (-0x3FFFFFFF <= value <= 0x3FFFFFFF or _INT_LOW <= value <= _INT_HIGH)  # type: ignore[operator]
            if kind is int
            else kind is float and _in_range(value)  # type: ignore[arg-type]
        ):
            value = _number(name, value)  # out of range, or another kind of number
        with self.lock:
            metric = self.metrics.get(name)
            if metric is None:
                if name in self.taken:
                    raise MetricValueError(
                        name, f"metric name {name!r} is already used by a dimension or metadata key"
                    )
                if self.opened is EMPTY:
                    self.opened = _current()
                self.metrics[name] = (definition, [value])
            elif metric[0] is definition or metric[0] == definition:
                metric[1].append(value)
            else:
                self._conflict(name, metric[0], unit, resolution)

    def _conflict(self, name: str, definition: Definition, unit: object, res: object) -> None:
        if unit != definition["Unit"]:
            raise MetricUnitError(
                name,
                unit,
                f"metric {name!r} was added with the unit {definition['Unit']!r} and now with "
                f"{_plain(unit)!r}; one metric has one unit per flush",
            )
        raise MetricResolutionError(
            name,
            res,
            f"metric {name!r} was added with the storage resolution "
            f"{definition.get('StorageResolution', 60)} and now with {_plain(res)!r}; "
            "one metric has one resolution per flush",
        )

    def defaults(self) -> dict[str, str]:
        """The default dimensions of a flush now: the instance's, then the running handler's."""
        return {**self.default_dimensions, **self.handler_dimensions}

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
            if self.opened is EMPTY:
                self.opened = _current()
            if new_set:
                self._check_size(self.defaults(), checked)
                self.dimension_sets.append(checked)
            else:
                self._check_size({**self.defaults(), **self.dimensions}, checked)
                self.dimensions.update(checked)
            self.taken.update(checked)

    def set_default_dimensions(self, dimensions: Mapping[str, object]) -> None:
        checked = {}
        for name, value in dimensions.items():
            self._check_dimension_name(name)
            checked[name] = dimension_value(name, value)
        with self.lock:
            for one_set in (self.dimensions, *self.dimension_sets):
                self._check_size({**self.defaults(), **one_set}, checked)
            # A new dict, never changed in place: a flush takes it without copying
            self.default_dimensions = {**self.default_dimensions, **checked}
            self.taken.update(checked)

    def clear_default_dimensions(self) -> None:
        with self.lock:
            self.default_dimensions = {}
            self._retake()

    def _retake(self) -> None:
        """Recompute ``taken`` from what the buffer holds (called with the lock held)."""
        self.taken = {*self.handler_dimensions, *self.default_dimensions, *self.dimensions}
        self.taken.update(self.metadata)
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
        return self.defaults().get(name) if defaults else None

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
                str(key), f"metadata key {_shown(key)} is not valid: use a non-empty string"
            )
        if key in self.metrics or self._value_of(key) is not None:
            raise DimensionError(
                key, f"metadata key {key!r} is already used by a metric or a dimension"
            )
        with self.lock:
            if self.opened is EMPTY:
                self.opened = _current()
            self.metadata[key] = value
            self.taken.add(key)

    # --- the handler's part ----------------------------------------------------------------
    def enter(
        self, handler_dimensions: dict[str, str]
    ) -> tuple[dict[str, str] | None, Taken | None]:
        """A ``log_metrics`` handler starts: its dimensions apply until :meth:`leave`.

        Returns what :meth:`leave` restores (``None``: nothing was applied, so there is
        nothing to restore and no need to call it) and what the buffer held that is not this
        invocation's, to be flushed on its own: what was added outside any invocation (at
        import, by a test, by a thread) or by one that has ended. What an invocation still
        running added (another thread's handler) stays for that invocation's flush."""
        if self.opened is EMPTY and not handler_dimensions and not self.handler_dimensions:
            return None, None  # the usual start: nothing to take, apply or restore
        with self.lock:
            opened = self.opened  # None: outside any invocation
            outside = None
            if (
                opened is not EMPTY
                and opened is not _current()
                and (opened is None or opened.closed)  # type: ignore[attr-defined]
            ):
                outside = self._take()
            previous, self.handler_dimensions = self.handler_dimensions, handler_dimensions
            if handler_dimensions:
                self.taken.update(handler_dimensions)
        return previous, outside

    def leave(self, previous: dict[str, str]) -> None:
        """The handler :meth:`enter` started has returned: the dimensions of the handler
        around it (if any) apply again."""
        if self.handler_dimensions or previous:
            with self.lock:
                self.handler_dimensions = previous
                self._retake()

    # --- flushing --------------------------------------------------------------------------
    def take(self) -> Taken:
        """Empty the buffer and return what it held; default dimensions stay."""
        with self.lock:
            return self._take()

    def _take(self) -> Taken:
        handler = self.handler_dimensions
        defaults = {**self.default_dimensions, **handler} if handler else self.default_dimensions
        metrics, self.metrics = self.metrics, {}
        self.opened = EMPTY
        self.timestamp = None
        if not (self.dimensions or self.dimension_sets or self.metadata):
            # The usual flush, metrics only: ``taken`` already holds just the default and
            # handler dimensions, and the empty parts are handed over as shared empties
            # (never mutated) so that what is added after the take stays in the buffer.
            return metrics, defaults, _NONE, [], _NONE
        taken = (metrics, defaults, self.dimensions, self.dimension_sets, self.metadata)
        self.dimensions, self.dimension_sets, self.metadata = {}, [], {}
        self.taken = {*self.default_dimensions, *handler} if handler else set(defaults)
        return taken

    def lines(self) -> list[str]:
        """Take the buffer and return its EMF documents as JSON text, one line each."""
        if self.namespace is None and self.metrics:
            raise SchemaValidationError(NO_NAMESPACE)  # the buffer is kept for a flush that has one
        with self.lock:
            timestamp = self.timestamp  # _take clears it: it dates this flush only
            taken = self._take()
        return encode(render(self.namespace, taken, timestamp), taken[4])

    def set_timestamp(self, timestamp_ms: int) -> None:
        """Date the documents of the next flush (milliseconds since the epoch) instead of the
        moment of the flush; the flush clears it, so a later invocation is never written
        under an old date (CloudWatch skips documents over 14 days old)."""
        if not isinstance(timestamp_ms, int) or isinstance(timestamp_ms, bool) or timestamp_ms < 0:
            raise MetricValueError(
                "Timestamp",
                f"the timestamp must be milliseconds since the epoch, an int >= 0, not "
                f"{_shown(timestamp_ms)} ({type(timestamp_ms).__name__})",
            )
        with self.lock:
            self.timestamp = timestamp_ms

    def serialize(
        self,
        metrics: Mapping[str, Mapping[str, Any]] | None = None,
        dimensions: Mapping[str, object] | None = None,
        metadata: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Powertools' ``serialize_metric_set``: the buffer as one EMF document, a new dict with
        ``_aws`` first, then the dimension values, the metadata, and each metric's values as a
        list of floats. The buffer is left as it is (a flush writes and empties it), and a
        flush splits what one document cannot hold, where this returns it whole.

        ``metrics`` (in Powertools' ``metric_set`` shape, ``{name: {"Unit": ..., "Value":
        [...], "StorageResolution": ...}}``), ``dimensions`` (the main dimension set, in place
        of the default and added ones) and ``metadata`` stand in for the buffer's, checked as
        the calls that add them check them."""
        with self.lock:
            buffered = {name: (metric[0], list(metric[1])) for name, metric in self.metrics.items()}
            defaults, main, sets = self.defaults(), dict(self.dimensions), list(self.dimension_sets)
            own_metadata: Mapping[str, Any] = dict(self.metadata)
            timestamp = self.timestamp
        if metrics is not None:
            buffered = _given_metrics(metrics)
        if dimensions is not None:
            sets = [{**defaults, **one_set} for one_set in sets]  # they keep the defaults
            defaults, main = {}, checked_dimensions(dimensions)
        if metadata is not None:
            own_metadata = metadata
        if not buffered:
            raise SchemaValidationError("no metric to serialize: a document needs at least one")
        if self.namespace is None:
            raise SchemaValidationError(NO_NAMESPACE)
        members = _root(defaults, main, sets, own_metadata)
        for name, metric in buffered.items():
            members[name] = [float(value) for value in metric[1]]
        document = Document(
            members,
            [metric[0] for metric in buffered.values()],
            _directive(self.namespace, defaults, main, sets),
            time.time_ns() // 1_000_000 if timestamp is None else timestamp,
        )
        return document.as_dict()


def _given_metrics(metrics: Mapping[str, Mapping[str, Any]]) -> dict[str, Metric]:
    """Metrics given in Powertools' ``metric_set`` shape, checked as :meth:`add_metric` checks
    them (a ``Value`` may be one number or a list)."""
    checked: dict[str, Metric] = {}
    for name, metric in metrics.items():
        if not isinstance(metric, Mapping) or not metric.get("Value", []):
            raise MetricValueError(
                str(name),
                f'metric {name!r} is given as {_shown(metric)}; give a mapping with "Unit" '
                'and "Value" (a number or a non-empty list of numbers), as Powertools\' '
                "metric_set holds it",
            )
        given = metric["Value"]
        numbers = given if isinstance(given, (list, tuple)) else [given]
        definition = _define(name, metric.get("Unit"), metric.get("StorageResolution", 60))
        checked[name] = (definition, [_number(name, number) for number in numbers])
    return checked


def _root(
    defaults: dict[str, str],
    main: dict[str, str],
    sets: list[dict[str, str]],
    metadata: Mapping[str, Any],
) -> dict[str, Any]:
    """A new dict of the members every document of a flush has, in Powertools' order: the
    dimension values (the main set's, then the further sets'; a value added in the flush
    overrides a default, and add_dimensions refuses two values for one name otherwise),
    then the metadata."""
    if not sets:  # the usual flush: one merge
        return {**defaults, **main, **metadata}
    root = {**defaults, **main}
    for one_set in sets:
        root.update(one_set)
    root.update(metadata)
    return root


def render(namespace: str | None, taken: Taken, timestamp: int | None = None) -> list[Document]:
    """The EMF documents of what a flush took (``timestamp``: milliseconds since the epoch,
    else now). One document, unless it would hold more than 100 metrics or a metric more than
    100 values (see :func:`split`)."""
    metrics, defaults, main, sets, metadata = taken
    if not metrics:
        return []
    directive = _directive(namespace, defaults, main, sets)
    if timestamp is None:
        timestamp = time.time_ns() // 1_000_000
    # Dimension values, then metadata: Powertools' order
    members = _root(defaults, main, sets, metadata)
    if len(metrics) <= MAX_METRICS:  # the usual flush: one document, without split()
        definitions = []
        for name, (definition, values) in metrics.items():
            count = len(values)
            if count > MAX_VALUES:
                break
            members[name] = values[0] if count == 1 else values
            definitions.append(definition)
        else:
            return [Document(members, definitions, directive, timestamp)]
    root = _root(defaults, main, sets, metadata)
    return [
        Document(members, definitions, directive, timestamp)
        for members, definitions in split(metrics, root)
    ]


class Directive:
    """The MetricDirective's namespace and dimension sets, and their JSON text (``json``:
    ``"Namespace":...,"Dimensions":[...]``). They repeat from flush to flush, so each is made
    once (see :func:`_directive`) and shared: never mutated."""

    __slots__ = ("dimension_sets", "json", "namespace")

    def __init__(self, namespace: str | None, dimension_sets: list[list[str]]) -> None:
        self.namespace = namespace
        self.dimension_sets = dimension_sets
        self.json = f'"Namespace":{_encode(namespace)},"Dimensions":{_encode(dimension_sets)}'


_directives: dict[tuple[object, ...], Directive] = {}
_MAX_DIRECTIVES = 256  # bounds the cache when dimension names are made up at run time
# The last usual flush's namespace, default dimensions and directive (see _directive).
_usual: tuple[object, object, Directive | None] = (None, None, None)


def _directive(
    namespace: str | None,
    defaults: dict[str, str],
    main: dict[str, str],
    sets: list[dict[str, str]],
) -> Directive:
    """The directive of a flush: the first dimension set holds the default and the main
    dimensions, each further set the defaults and its own (a set listed twice is written
    once). Cached by the names it is made from; the usual flush (default dimensions only)
    is first looked up by the identity of its defaults dict, which a MetricSet replaces
    instead of changing it, so that flush builds no key."""
    global _usual
    usual = not main and not sets
    if usual:
        last = _usual
        if last[1] is defaults and last[0] == namespace:
            return last[2]  # type: ignore[return-value]
    key = (namespace, tuple(defaults), tuple(main), tuple(map(tuple, sets)) if sets else ())
    directive = _directives.get(key)
    if directive is None:
        dimension_sets = [list({**defaults, **main})]
        for one_set in sets:
            names = list({**defaults, **one_set})
            if names not in dimension_sets:
                dimension_sets.append(names)
        if len(_directives) >= _MAX_DIRECTIVES:
            _directives.clear()
        directive = _directives[key] = Directive(namespace, dimension_sets)
    if usual:
        _usual = (namespace, defaults, directive)
    return directive


class Document:
    """One EMF document: its root members (dimension values, metadata, its metrics' values),
    its metrics' definitions, its flush's directive and timestamp."""

    __slots__ = ("definitions", "directive", "members", "timestamp")

    def __init__(
        self,
        members: dict[str, Any],
        definitions: list[Definition],
        directive: Directive,
        timestamp: int,
    ) -> None:
        self.members = members
        self.definitions = definitions
        self.directive = directive
        self.timestamp = timestamp

    def line(self) -> str:
        """The document as JSON text, joined from the ``_aws`` member (the directive's and the
        definitions' JSON, each made once) and the members, encoded in one call: they are
        never empty (a document holds at least one metric), so their ``{`` becomes ``,``."""
        definitions = ",".join([definition.json for definition in self.definitions])
        members = "".join(_encode_chunks(self.members, 0))
        return (
            f'{{"_aws":{{"Timestamp":{self.timestamp},"CloudWatchMetrics":'
            f'[{{{self.directive.json},"Metrics":[{definitions}]}}]}},{members[1:]}'
        )

    def as_dict(self) -> dict[str, Any]:
        """The document as a new dict sharing nothing with the caches (``_aws`` first)."""
        directive = self.directive
        aws = {
            "Timestamp": self.timestamp,
            "CloudWatchMetrics": [
                {
                    "Namespace": directive.namespace,
                    "Dimensions": [list(names) for names in directive.dimension_sets],
                    "Metrics": [dict(definition) for definition in self.definitions],
                }
            ],
        }
        return {"_aws": aws, **self.members}

    def halves(self) -> list[Document]:
        """The document as two, each with half of its metrics (and all the other members)."""
        middle = len(self.definitions) // 2
        halves = []
        for part, other in (
            (self.definitions[:middle], self.definitions[middle:]),
            (self.definitions[middle:], self.definitions[:middle]),
        ):
            names = {definition["Name"] for definition in other}
            members = {key: value for key, value in self.members.items() if key not in names}
            halves.append(Document(members, part, self.directive, self.timestamp))
        return halves


def encode(documents: list[Document], metadata: Container[str]) -> list[str]:
    """Each document as one line of strict JSON of at most 256 KB (CloudWatch Logs' limit).

    Metric values and dimensions were checked when they were added, so only the members named
    in ``metadata`` can fail to encode (a circular value, keys that are not strings, a
    ``__str__`` that raises, NaN, a number beyond CloudWatch's range). Each such value is written as
    toolkit's encoder makes it safe (markers in place of the bad parts), with a notice naming
    it: bad metadata never costs the flush its metrics. A document still too large has its
    metadata cut (marked ``line_truncated``), then, if needed, its metrics split in two."""
    if metadata:
        _clean_metadata(documents, metadata)
    lines = []
    for document in documents:
        line = document.line()
        if len(line) <= jsonline.MAX_LINE_BYTES:
            lines.append(line)
        else:
            lines.extend(_fit(document, metadata))
    return lines


def _fit(document: Document, metadata: Container[str]) -> list[str]:
    """The lines of a document over the size limit: its metadata cut, else two documents."""
    whole = document.as_dict()
    cut = _EMF(whole, [key for key in whole if key not in metadata])
    if len(cut) <= jsonline.MAX_LINE_BYTES:
        return [cut]
    # the metrics themselves are too many bytes for one line
    return [line for half in document.halves() for line in encode([half], metadata)]


def _clean_metadata(documents: list[Document], metadata: Container[str]) -> None:
    """Replace, in every document of a flush (they share their metadata), each metadata value
    that cannot be encoded by its safe equivalent, with a notice naming the key."""
    replaced: dict[str, tuple[Any, str]] = {}  # key -> (safe value, why)
    for document in documents:
        members = document.members
        for key, value in members.items():
            if key in replaced:
                members[key] = replaced[key][0]
            elif key in metadata:
                safe = _EMF.clean(value)
                if safe is not value:
                    members[key] = safe
                    why = _refusal(value)
                    if why is not None:  # else only str() of what JSON lacks, or a big number
                        replaced[key] = (safe, why)
    for key, (_, why) in replaced.items():
        _notice.warn(
            f"metadata {key!r} cannot be written as JSON as it is ({why}); the parts that "
            "cannot are written as strings or markers",
            RuntimeWarning,
        )


def _refusal(value: Any) -> str | None:
    """What the plain encoder raises for ``value`` (worth a notice: the value lost parts), or
    ``None`` when it only needed ``str()`` of values JSON lacks or a number written as text."""
    try:
        _encode(value)
    except Exception as error:
        return type(error).__name__
    return None


def split(
    metrics: dict[str, Metric], root: dict[str, Any]
) -> Iterator[tuple[dict[str, Any], list[Definition]]]:
    """Split ``metrics`` into documents of at most 100 definitions and 100 values per metric,
    yielding each document's members (a copy of ``root``, metadata and dimension values, with
    its metrics' values) and its definitions. A value is written alone, an array only when
    there are several (CloudWatch reads both forms alike, and the single value is shorter).

    Round ``r`` carries the ``r``-th slice of 100 values of every metric that has one, so a
    buffer of ordinary metrics (one value each) needs ``ceil(n / 100)`` documents and a single
    busy metric needs ``ceil(values / 100)``.
    """
    pending = list(metrics.values())
    start = 0
    while pending:
        for first in range(0, len(pending), MAX_METRICS):
            batch = pending[first : first + MAX_METRICS]
            members = dict(root)
            for definition, values in batch:
                chunk = values[start : start + MAX_VALUES]
                members[definition["Name"]] = chunk[0] if len(chunk) == 1 else chunk
            yield members, [definition for definition, _ in batch]
        start += MAX_VALUES
        pending = [metric for metric in pending if len(metric[1]) > start]


def write(lines: list[str]) -> None:
    """Each document whole (never torn by a timeout, never interleaved with another writer),
    to the ``sys.stdout`` of the moment (test capture and the local invoker replace it)."""
    stream = sys.stdout
    if len(lines) == 1:  # the usual case: jsonline.write_lines of one line, without its loop
        jsonline.write_line(stream, lines[0])
        stream.flush()
    else:
        jsonline.write_lines(stream, lines)
