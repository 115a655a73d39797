"""CloudWatch units and storage resolutions, and their validation tables.

The tables are built once at import so that validating a unit or resolution on the hot path is
a single dict look-up. Because the enums derive from ``str``/``int``, a member hashes and
compares like its value, so one table accepts both ``MetricUnit.Count`` and ``"Count"``. The
member names are keys too (``"BytesPerSecond"`` as well as ``"Bytes/Second"``, ``"NoUnit"`` as
well as ``"None"``, ``"High"`` as well as ``1``), as Powertools accepts unit names.
"""

from __future__ import annotations

from enum import Enum, IntEnum

__all__ = ["MetricResolution", "MetricUnit"]


class MetricUnit(str, Enum):
    """The units CloudWatch accepts (``StandardUnit``); member names match Powertools'."""

    Seconds = "Seconds"
    Microseconds = "Microseconds"
    Milliseconds = "Milliseconds"
    Bytes = "Bytes"
    Kilobytes = "Kilobytes"
    Megabytes = "Megabytes"
    Gigabytes = "Gigabytes"
    Terabytes = "Terabytes"
    Bits = "Bits"
    Kilobits = "Kilobits"
    Megabits = "Megabits"
    Gigabits = "Gigabits"
    Terabits = "Terabits"
    Percent = "Percent"
    Count = "Count"
    BytesPerSecond = "Bytes/Second"
    KilobytesPerSecond = "Kilobytes/Second"
    MegabytesPerSecond = "Megabytes/Second"
    GigabytesPerSecond = "Gigabytes/Second"
    TerabytesPerSecond = "Terabytes/Second"
    BitsPerSecond = "Bits/Second"
    KilobitsPerSecond = "Kilobits/Second"
    MegabitsPerSecond = "Megabits/Second"
    GigabitsPerSecond = "Gigabits/Second"
    TerabitsPerSecond = "Terabits/Second"
    CountPerSecond = "Count/Second"
    NoUnit = "None"


class MetricResolution(IntEnum):
    """CloudWatch storage resolution in seconds: 60 (standard) or 1 (high resolution)."""

    Standard = 60
    High = 1


# value, member (which hashes equal) or member name -> the plain value written into the document
UNITS: dict[object, str] = {
    **{unit.name: unit.value for unit in MetricUnit},
    **{unit.value: unit.value for unit in MetricUnit},
}
RESOLUTIONS: dict[object, int] = {
    **{r.name: r.value for r in MetricResolution},
    **{r.value: r.value for r in MetricResolution},
}
UNIT_NAMES = ", ".join(unit.value for unit in MetricUnit)
RESOLUTION_NAMES = "60 (MetricResolution.Standard), 1 (MetricResolution.High)"
