"""The one table of environment variables toolkit reads.

Every module asks this table instead of ``os.environ``, so that there is one place that says
which variables exist, what they default to and how they are parsed, and so the docs page of
environment variables (``docs/configuration.md``) is generated from the same rows. A test fails
if any other module of toolkit touches ``os.environ``.

``TOOLKIT_*`` names win; the ``POWERTOOLS_*`` names of Powertools for AWS Lambda are read as
fallbacks so that existing function configurations keep working unchanged.

Values are read when asked, not cached: objects read their settings when they are built
(explicit arguments winning), while per-invocation values such as ``_X_AMZN_TRACE_ID`` are read
on each invocation because the runtime rewrites them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager

from toolkit._typing import Generic, TypeVar
from toolkit.errors import ConfigurationError
from toolkit.logging.levels import canonical_name

T = TypeVar("T")

# os.environ.get() on an unset name costs a raised and caught KeyError (~0.7-1.4 us here), and
# some values (the trace header, LAMBDA_TASK_ROOT outside Lambda) are read on every invocation.
# os.environ keeps its live contents in ``_data`` keyed by encoded names; looking a pre-encoded
# name up there is a plain dict get. Where that is not available we use the public API.
_LIVE: dict[object, object] | None = getattr(os.environ, "_data", None)
_ENCODE: Callable[[str], object] = getattr(os.environ, "encodekey", lambda name: name)
_DECODE: Callable[[object], str] = getattr(os.environ, "decodevalue", str)


def _lookup(name: str, key: object) -> str | None:
    if _LIVE is not None:
        raw = _LIVE.get(key)
        return None if raw is None else _DECODE(raw)
    return os.environ.get(name)  # pragma: no cover - platforms without os.environ._data


_TRUE = frozenset({"1", "true", "yes", "on", "y", "t"})
_FALSE = frozenset({"0", "false", "no", "off", "n", "f", ""})


def parse_bool(raw: str) -> bool:
    """Accept the spellings people put in function configurations."""
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError("a boolean (true/false, 1/0, yes/no, on/off)")


def parse_rate(raw: str) -> float:
    """A probability: a float in [0, 1]."""
    try:
        value = float(raw)
    except ValueError:
        raise ValueError("a number between 0 and 1") from None
    if not 0.0 <= value <= 1.0:
        raise ValueError("a number between 0 and 1")
    return value


def parse_level(raw: str) -> str:
    """A logging level name, upper-cased with its alias resolved; numeric levels are accepted
    too. The names are :mod:`toolkit.logging.levels`' table."""
    return canonical_name(raw)


def parse_str(raw: str) -> str:
    return raw


def parse_port(raw: str) -> int:
    """A TCP port number, 1-65535."""
    return _bounded_int(raw, 1, 65535)


def parse_non_negative(raw: str) -> int:
    """A whole number, 0 or more (seconds, or milliseconds where 0 means no timeout)."""
    return _bounded_int(raw, 0, None)


_TRANSPORTS = ("auto", "extension", "sdk")


def parse_transport(raw: str) -> str:
    """The parameters client's transport: auto, extension or sdk."""
    value = raw.strip().lower()
    if value not in _TRANSPORTS:
        raise ValueError("one of " + ", ".join(_TRANSPORTS))
    return value


def parse_ttl(raw: str) -> int:
    """The extension's cache time-to-live: whole seconds, 0 (no caching) to 300."""
    return _bounded_int(raw, 0, 300)


def parse_cache_size(raw: str) -> int:
    """The extension's cache size: 0 (no caching) to 1000 entries."""
    return _bounded_int(raw, 0, 1000)


def parse_positive(raw: str) -> int:
    """A whole number of at least 1."""
    return _bounded_int(raw, 1, None)


def _bounded_int(raw: str, low: int, high: int | None) -> int:
    expected = (
        f"a whole number from {low} to {high}" if high is not None else f"a whole number >= {low}"
    )
    try:
        value = int(raw.strip())
    except ValueError:
        raise ValueError(expected) from None
    if value < low or (high is not None and value > high):
        raise ValueError(expected)
    return value


_EXTENSION_LOG_LEVELS = ("debug", "info", "warn", "error", "none")


def parse_extension_log_level(raw: str) -> str:
    """One of the extension's log levels: debug, info, warn, error or none."""
    value = raw.strip().lower()
    if value not in _EXTENSION_LOG_LEVELS:
        raise ValueError("one of " + ", ".join(_EXTENSION_LOG_LEVELS))
    return value


class Var(Generic[T]):
    """One environment variable: its name, fallbacks, default, parser and what it is for.

    A plain class rather than a dataclass: ``dataclasses`` imports ``inspect``, which would
    cost every function several milliseconds of cold start."""

    __slots__ = ("_keys", "default", "doc", "fallbacks", "kind", "name", "parse")

    def __init__(
        self,
        name: str,
        default: T,
        parse: Callable[[str], T],
        doc: str,
        *,
        fallbacks: tuple[str, ...] = (),
        kind: str = "string",
    ) -> None:
        self.name = name
        self.default = default
        self.parse = parse
        self.doc = doc
        self.fallbacks = fallbacks
        self.kind = kind
        self._keys = tuple((each, _ENCODE(each)) for each in (name, *fallbacks))

    def __repr__(self) -> str:
        return f"Var({self.name!r}, default={self.default!r})"

    def read(self) -> T:
        """The parsed value, the first non-empty name winning, or the default.

        A value that does not parse raises :class:`ConfigurationError` naming the variable,
        instead of a bare ``ValueError`` from deep inside a utility.
        """
        for name, key in self._keys:
            raw = _lookup(name, key)
            if not raw:
                continue
            try:
                return self.parse(raw)
            except ValueError as exc:
                raise ConfigurationError(name, raw, str(exc) or self.kind) from None
        return self.default

    def raw(self) -> str | None:
        """The unparsed value (first non-empty name), or ``None`` when unset."""
        for name, key in self._keys:
            raw = _lookup(name, key)
            if raw:
                return raw
        return None


def _toolkit(
    suffix: str, default: T, parse: Callable[[str], T], doc: str, kind: str = "string"
) -> Var[T]:
    return Var(
        f"TOOLKIT_{suffix}", default, parse, doc, fallbacks=(f"POWERTOOLS_{suffix}",), kind=kind
    )


# --- toolkit's own settings (POWERTOOLS_* fallbacks) -----------------------------------------
SERVICE_NAME = _toolkit(
    "SERVICE_NAME", "service_undefined", parse_str, "Service name for logs, traces and metrics."
)
LOG_LEVEL: Var[str | None] = Var(
    "TOOLKIT_LOG_LEVEL",
    None,
    parse_level,
    "Logger level when none is passed (default INFO); `LOG_LEVEL` is Powertools' legacy name.",
    fallbacks=("POWERTOOLS_LOG_LEVEL", "LOG_LEVEL"),
    kind="level",
)
LOGGER_SAMPLE_RATE: Var[float | None] = _toolkit(
    "LOGGER_SAMPLE_RATE",
    None,
    parse_rate,
    "Probability that an invocation logs at DEBUG, decided per invocation.",
    "float 0..1",
)
LOGGER_LOG_EVENT = _toolkit(
    "LOGGER_LOG_EVENT",
    False,
    parse_bool,
    "Log the incoming event in inject_lambda_context when log_event is not passed.",
    "bool",
)
DEV = _toolkit(
    "DEV",
    False,
    parse_bool,
    "Local development: the Logger writes pretty, indented JSON (several lines per record).",
    "bool",
)
TRACE_DISABLED = _toolkit(
    "TRACE_DISABLED", False, parse_bool, "Disable tracing whatever the environment.", "bool"
)
TRACER_CAPTURE_RESPONSE = _toolkit(
    "TRACER_CAPTURE_RESPONSE",
    True,
    parse_bool,
    "Record handler and method responses as trace metadata.",
    "bool",
)
TRACER_CAPTURE_ERROR = _toolkit(
    "TRACER_CAPTURE_ERROR", True, parse_bool, "Record exceptions as trace metadata.", "bool"
)
METRICS_NAMESPACE: Var[str | None] = _toolkit(
    "METRICS_NAMESPACE", None, parse_str, "CloudWatch namespace for EMF metrics."
)
METRICS_DISABLED = _toolkit(
    "METRICS_DISABLED", False, parse_bool, "Drop metrics instead of printing them.", "bool"
)
METRICS_FUNCTION_NAME: Var[str | None] = _toolkit(
    "METRICS_FUNCTION_NAME",
    None,
    parse_str,
    "function_name dimension of the ColdStart metric (default: the context's function name).",
)
TRACE_MIDDLEWARES = _toolkit(
    "TRACE_MIDDLEWARES",
    False,
    parse_bool,
    "Trace each lambda_handler_decorator middleware in a subsegment when trace_execution is not"
    " passed.",
    "bool",
)
IDEMPOTENCY_DISABLED = _toolkit(
    "IDEMPOTENCY_DISABLED",
    False,
    parse_bool,
    "Run idempotent handlers and functions without idempotency (development only; warns once).",
    "bool",
)
PARAMETERS_MAX_AGE = _toolkit(
    "PARAMETERS_MAX_AGE",
    300,
    parse_non_negative,
    "Seconds a fetched parameter or secret is cached in process when max_age is not passed.",
    "int seconds",
)
PARAMETERS_SSM_DECRYPT = _toolkit(
    "PARAMETERS_SSM_DECRYPT",
    False,
    parse_bool,
    "Decrypt SecureString parameters when decrypt is not passed.",
    "bool",
)
PARAMETERS_TRANSPORT = Var(
    "TOOLKIT_PARAMETERS_TRANSPORT",
    "auto",
    parse_transport,
    "How parameters and secrets are fetched: auto (the extension when it answers, else the"
    " SDK), extension or sdk.",
    kind="auto|extension|sdk",
)

# --- set by the Lambda runtime ---------------------------------------------------------------
LAMBDA_FUNCTION_NAME: Var[str | None] = Var(
    "AWS_LAMBDA_FUNCTION_NAME", None, parse_str, "Function name (set by Lambda)."
)
LAMBDA_FUNCTION_VERSION: Var[str | None] = Var(
    "AWS_LAMBDA_FUNCTION_VERSION", None, parse_str, "Function version (set by Lambda)."
)
LAMBDA_FUNCTION_MEMORY_SIZE: Var[str | None] = Var(
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", None, parse_str, "Memory in MB (set by Lambda)."
)
LAMBDA_LOG_GROUP_NAME: Var[str | None] = Var(
    "AWS_LAMBDA_LOG_GROUP_NAME", None, parse_str, "CloudWatch log group (set by Lambda)."
)
LAMBDA_LOG_STREAM_NAME: Var[str | None] = Var(
    "AWS_LAMBDA_LOG_STREAM_NAME", None, parse_str, "CloudWatch log stream (set by Lambda)."
)
LAMBDA_LOG_LEVEL: Var[str | None] = Var(
    "AWS_LAMBDA_LOG_LEVEL",
    None,
    parse_level,
    "Advanced logging controls: application log level; wins over the configured level.",
    kind="level",
)
LAMBDA_LOG_FORMAT: Var[str | None] = Var(
    "AWS_LAMBDA_LOG_FORMAT", None, parse_str, "Advanced logging controls: Text or JSON."
)
LAMBDA_INITIALIZATION_TYPE: Var[str | None] = Var(
    "AWS_LAMBDA_INITIALIZATION_TYPE",
    None,
    parse_str,
    "on-demand, provisioned-concurrency or snap-start; provisioned means no cold starts.",
)
LAMBDA_TASK_ROOT: Var[str | None] = Var(
    "LAMBDA_TASK_ROOT", None, parse_str, "Set only inside Lambda: tracing is off without it."
)
SAM_LOCAL: Var[str | None] = Var(
    "AWS_SAM_LOCAL", None, parse_str, "Set by `sam local`: tracing is off (no X-Ray daemon there)."
)
CHALICE_LOCAL: Var[str | None] = Var(
    "AWS_CHALICE_CLI_MODE", None, parse_str, "Set by `chalice local`: tracing is off."
)
LAMBDA_RUNTIME_API: Var[str | None] = Var(
    "AWS_LAMBDA_RUNTIME_API", None, parse_str, "host:port of the Runtime API (set by Lambda)."
)
EXECUTION_ENV: Var[str | None] = Var(
    "AWS_EXECUTION_ENV", None, parse_str, "Runtime identifier, e.g. AWS_Lambda_python3.12."
)
REGION: Var[str | None] = Var(
    "AWS_REGION", None, parse_str, "Region the function runs in (set by Lambda)."
)
DEFAULT_REGION: Var[str | None] = Var(
    "AWS_DEFAULT_REGION", None, parse_str, "Region the AWS SDKs default to (set by Lambda)."
)
XRAY_TRACE_ID: Var[str | None] = Var(
    "_X_AMZN_TRACE_ID",
    None,
    parse_str,
    "X-Ray trace header of the current invocation (rewritten by the runtime each time).",
)
XRAY_DAEMON_ADDRESS: Var[str | None] = Var(
    "AWS_XRAY_DAEMON_ADDRESS", None, parse_str, "host:port of the X-Ray daemon (UDP)."
)

# --- the AWS Parameters and Secrets Lambda Extension (its variables; the emulator reads them) ---
SESSION_TOKEN: Var[str | None] = Var(
    "AWS_SESSION_TOKEN",
    None,
    parse_str,
    "Session token of the function's role (set by Lambda); the extension's request token.",
)
EXTENSION_HTTP_PORT = Var(
    "PARAMETERS_SECRETS_EXTENSION_HTTP_PORT",
    2773,
    parse_port,
    "Port of the Parameters and Secrets extension on localhost.",
    kind="int 1..65535",
)
EXTENSION_CACHE_ENABLED = Var(
    "PARAMETERS_SECRETS_EXTENSION_CACHE_ENABLED",
    True,
    parse_bool,
    "Whether the extension caches parameters and secrets.",
    kind="bool",
)
EXTENSION_CACHE_SIZE = Var(
    "PARAMETERS_SECRETS_EXTENSION_CACHE_SIZE",
    1000,
    parse_cache_size,
    "Most entries the extension caches; 0 turns its cache off.",
    kind="int 0..1000",
)
EXTENSION_MAX_CONNECTIONS = Var(
    "PARAMETERS_SECRETS_EXTENSION_MAX_CONNECTIONS",
    3,
    parse_positive,
    "Most concurrent requests the extension makes to SSM and Secrets Manager.",
    kind="int >= 1",
)
EXTENSION_LOG_LEVEL = Var(
    "PARAMETERS_SECRETS_EXTENSION_LOG_LEVEL",
    "info",
    parse_extension_log_level,
    "The extension's log level: debug (one line per request), info, warn, error or none.",
    kind="level",
)
SSM_PARAMETER_STORE_TTL = Var(
    "SSM_PARAMETER_STORE_TTL",
    300,
    parse_ttl,
    "Seconds the extension caches a parameter; 0 turns caching of parameters off.",
    kind="int 0..300",
)
SECRETS_MANAGER_TTL = Var(
    "SECRETS_MANAGER_TTL",
    300,
    parse_ttl,
    "Seconds the extension caches a secret; 0 turns caching of secrets off.",
    kind="int 0..300",
)
SSM_PARAMETER_STORE_TIMEOUT_MILLIS = Var(
    "SSM_PARAMETER_STORE_TIMEOUT_MILLIS",
    0,
    parse_non_negative,
    "Timeout of the extension's requests to SSM, in ms; 0 means none.",
    kind="int ms",
)
SECRETS_MANAGER_TIMEOUT_MILLIS = Var(
    "SECRETS_MANAGER_TIMEOUT_MILLIS",
    0,
    parse_non_negative,
    "Timeout of the extension's requests to Secrets Manager, in ms; 0 means none.",
    kind="int ms",
)

# --- read by the embedded AWS (toolkit.testing.embedded_aws) -------------------------------
ENDPOINT_URL: Var[str | None] = Var(
    "AWS_ENDPOINT_URL",
    None,
    parse_str,
    "Endpoint of every AWS service for the SDKs. The embedded AWS (`toolkit invoke --aws"
    " embedded`) sets it to its server and unsets the per-service `AWS_ENDPOINT_URL_<SERVICE>`.",
)
NO_PROXY: Var[str | None] = Var(
    "no_proxy",
    None,
    parse_str,
    "Hosts reached without a proxy; the embedded AWS adds 127.0.0.1 to it (and `NO_PROXY`).",
    fallbacks=("NO_PROXY",),
)

# --- read by the toolkit command line ------------------------------------------------------
NO_COLOR: Var[str | None] = Var(
    "NO_COLOR", None, parse_str, "Any value turns off colours in `toolkit invoke` (no-color.org)."
)

VARIABLES: tuple[Var[object], ...] = tuple(
    value for value in list(globals().values()) if isinstance(value, Var)
)


def markdown_table() -> str:
    """The docs table of every variable, generated so it cannot drift from the code."""
    rows = [
        "| Variable | Fallback | Default | Type | What it does |",
        "| --- | --- | --- | --- | --- |",
    ]
    for var in VARIABLES:
        fallback = ", ".join(f"`{name}`" for name in var.fallbacks) or "-"
        default = "-" if var.default is None else f"`{var.default}`"
        rows.append(f"| `{var.name}` | {fallback} | {default} | {var.kind} | {var.doc} |")
    return "\n".join(rows) + "\n"


def set_environ(values: Mapping[str, str | None]) -> None:
    """Set (or, for ``None``, unset) variables: what the local invoker and tests use to play
    the Lambda runtime. Writing goes through here so that every environment access of toolkit
    stays in this module."""
    for name, value in values.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@contextmanager
def environ(values: Mapping[str, str | None]) -> Iterator[None]:
    """Set variables for a block and restore what was there before."""
    saved = {name: os.environ.get(name) for name in values}
    set_environ(values)
    try:
        yield
    finally:
        set_environ(saved)


def names_with_prefix(prefix: str) -> list[str]:
    """The names of the set variables that start with ``prefix``: for a family of variables
    such as ``AWS_ENDPOINT_URL_<SERVICE>``, which cannot all be rows of the table."""
    return [name for name in os.environ if name.startswith(prefix)]


def snapshot() -> dict[str, str]:
    """A copy of the whole environment, for starting subprocesses from it."""
    return dict(os.environ)


if __name__ == "__main__":  # pragma: no cover - docs generator
    print(markdown_table(), end="")
