"""The errors of the parameters utility, all under :class:`ParametersError`.

Each carries what a caller needs to act on it (the parameter or secret name, the transport
that failed, the HTTP status or AWS error code) and never the value: a value can be a secret,
and exception texts end up in logs and error reports.
"""

from __future__ import annotations

from toolkit.errors import ToolkitError

__all__ = [
    "GetParameterError",
    "GetSecretError",
    "ParametersError",
    "SetParameterError",
    "TransformParameterError",
    "UnsupportedOptionError",
]


class ParametersError(ToolkitError):
    """Base class of every parameters error."""


class GetParameterError(ParametersError):
    """A parameter could not be fetched.

    ``name`` is the parameter (or path), ``transport`` ``"extension"`` or ``"sdk"``,
    ``status`` the HTTP status when there was an answer, ``code`` the AWS error code when one
    was given (``ParameterNotFound``, ``AccessDeniedException``...), ``transient`` whether it
    was a failure worth retrying (the retries were spent when it is raised), and ``key`` the
    name ``parameters.inject`` gave it, when it came from there.
    """

    kind = "parameter"

    def __init__(
        self,
        name: str,
        reason: str,
        *,
        transport: str | None = None,
        status: int | None = None,
        code: str | None = None,
        transient: bool = False,
        key: str | None = None,
    ) -> None:
        self.name = name
        self.reason = reason
        self.transport = transport
        self.status = status
        self.code = code
        self.transient = transient
        self.key = key
        details = [part for part in (code, f"HTTP {status}" if status else None) if part]
        where = f" through the {transport} transport" if transport else ""
        label = f"{key!r} ({name})" if key else repr(name)
        suffix = f" [{', '.join(details)}]" if details else ""
        super().__init__(f"could not get {self.kind} {label}{where}: {reason}{suffix}")


class GetSecretError(GetParameterError):
    """A secret could not be fetched. A :class:`GetParameterError` too, because Powertools'
    ``get_secret`` raises that, and ``except GetParameterError`` around it must keep working."""

    kind = "secret"


class TransformParameterError(ParametersError, ValueError):
    """A value could not be transformed (``json``, ``binary``). ``name`` is the parameter,
    ``transform`` the transform; the message names the error's type, never the value."""

    def __init__(self, name: str, transform: str, failure: str) -> None:
        self.name = name
        self.transform = transform
        super().__init__(
            f"the value of {name!r} could not be transformed with {transform!r}: {failure}"
        )


class SetParameterError(ParametersError):
    """A parameter could not be written. ``name`` is the parameter, ``code`` the AWS error
    code when one was given."""

    def __init__(self, name: str, reason: str, *, code: str | None = None) -> None:
        self.name = name
        self.code = code
        suffix = f" [{code}]" if code else ""
        super().__init__(f"could not set parameter {name!r}: {reason}{suffix}")


class UnsupportedOptionError(ParametersError, TypeError):
    """An option Powertools takes that toolkit does not (``sdk_options`` it cannot pass
    through the extension, say): refused by name rather than silently ignored."""

    def __init__(self, where: str, options: list[str], hint: str = "") -> None:
        self.options = options
        super().__init__(
            f"{where} does not take {', '.join(sorted(options))}" + (f": {hint}" if hint else "")
        )
