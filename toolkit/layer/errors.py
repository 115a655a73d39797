"""What ``toolkit layer build`` raises when a layer cannot be built, each with its exit code.

The command line prints the message and exits with ``exit_code``: 1 when a step failed (pip could
not resolve a wheel for the target platform), 3 when the layer is larger than its budget, so a
CI script can tell "fix the inputs" from "trim the layer" without parsing text. Bad options are
usage errors (exit code 2), as for every ``toolkit`` command.
"""

from __future__ import annotations

from toolkit.errors import ToolkitError


class LayerError(ToolkitError):
    """Base class of the layer builder's errors."""

    exit_code = 1


class LayerOptionError(LayerError, ValueError):
    """An option has a value the builder cannot use; ``option`` names it."""

    exit_code = 2

    def __init__(self, option: str, message: str) -> None:
        self.option = option
        super().__init__(f"{option}: {message}")


class LayerBuildError(LayerError):
    """A build step failed; ``step`` names it and the message carries the tool's own words."""

    def __init__(self, step: str, message: str) -> None:
        self.step = step
        super().__init__(f"{step} failed: {message}")


class LayerTooLargeError(LayerError):
    """The unzipped layer is over its budget: Lambda's limit or the ``--max-mb`` given.

    ``size_bytes`` is the layer's unzipped size, ``limit_bytes`` the budget it broke and
    ``limit_name`` what set that budget. No zip is written.
    """

    exit_code = 3

    def __init__(self, size_bytes: int, limit_bytes: int, limit_name: str) -> None:
        self.size_bytes = size_bytes
        self.limit_bytes = limit_bytes
        self.limit_name = limit_name
        super().__init__(
            f"the layer is {size_bytes / MIB:.1f} MB ({size_bytes} bytes) unzipped, over "
            f"{limit_name} of {limit_bytes / MIB:.3g} MB ({limit_bytes} bytes); leave out extras "
            "or boto3, or raise the budget"
        )


MIB = 1024 * 1024
