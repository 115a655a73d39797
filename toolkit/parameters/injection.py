"""``@parameters.inject(config={...}, secrets={...})``: a handler's configuration and secrets,
fetched on its invocations and handed to it, Middy-style, on the engine's public seam.

Nothing is fetched at import: the extension refuses requests during the INIT phase, and a
fetch at import would also turn a missing parameter into a failed cold start that retries
forever. The first invocation fetches; later ones are served by the provider's cache until
``max_age`` passes, then refetch. The values live in the invocation's state, so nothing of
one invocation is visible in the next: read them with :func:`injected` (or
``request.state["parameters"]`` in a middleware further in).
"""

from __future__ import annotations

from toolkit import context as _context
from toolkit._typing import TYPE_CHECKING
from toolkit.errors import ConfigurationError
from toolkit.middleware import middleware
from toolkit.parameters import functions
from toolkit.parameters.errors import GetParameterError, ParametersError

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping
    from typing import Any

    from toolkit.middleware import Handler, Target

__all__ = ["Injected", "inject", "injected"]

STATE_KEY = "parameters"


class Injected:
    """The values ``inject`` fetched for this invocation: a read-only mapping from the names
    you chose to the values (``values["db"]`` or ``values.db``). Its repr lists the names,
    never the values."""

    __slots__ = ("_values",)

    def __init__(self, values: dict[str, Any]) -> None:
        self._values = values

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __getattr__(self, key: str) -> Any:
        try:
            return self._values[key]
        except KeyError:
            raise AttributeError(f"nothing was injected as {key!r}") from None

    def __contains__(self, key: object) -> bool:
        return key in self._values

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def get(self, key: str, default: Any = None) -> Any:
        return self._values.get(key, default)

    def keys(self) -> Any:
        return self._values.keys()

    def __repr__(self) -> str:
        return f"Injected({sorted(self._values)})"


def injected() -> Injected:
    """The values ``@parameters.inject`` fetched for the current invocation; a
    :class:`ParametersError` outside a handler it decorates."""
    invocation = _context.current()
    values = invocation.state.get(STATE_KEY) if invocation is not None else None
    if values is None:
        raise ParametersError(
            "parameters.injected() is only available inside a handler decorated with "
            "@parameters.inject(...)"
        )
    return values  # type: ignore[no-any-return]


@middleware
def inject(
    handler: Handler,
    event: Any,
    context: Any,
    *,
    config: Mapping[str, str] | None = None,
    secrets: Mapping[str, str] | None = None,
    max_age: float | None = None,
    transform: str | None = None,
    decrypt: bool = True,
) -> Any:
    """Fetch ``config`` (``{key: SSM parameter name}``, decrypted unless ``decrypt=False``)
    and ``secrets`` (``{key: secret id}``) for the invocation, then call the handler; the
    values are :func:`injected`. ``max_age`` (seconds) and ``transform`` apply to each.
    A failure raises ``GetParameterError`` / ``GetSecretError`` with ``key`` set and named in
    the message, and the handler does not run."""
    values: dict[str, Any] = {}
    name = ""
    key = ""
    try:
        if config:
            get_parameter = functions.get_parameter
            for key, name in config.items():
                values[key] = get_parameter(name, transform, decrypt, False, max_age)
        if secrets:
            get_secret = functions.get_secret
            for key, name in secrets.items():
                values[key] = get_secret(name, transform, False, max_age)
    except GetParameterError as error:
        raise type(error)(
            name,
            error.reason,
            transport=error.transport,
            status=error.status,
            code=error.code,
            transient=error.transient,
            key=key,
        ) from None
    invocation = _context.current()
    if invocation is not None:
        invocation.state[STATE_KEY] = Injected(values)
    return handler(event, context)


@inject.setup
def _check(target: Target, options: dict[str, Any]) -> dict[str, Any]:
    """Decoration time: the names are checked (a mapping of str to str, no key in both), the
    transform known, the max age a number; so a typo fails at import, not at the first
    invocation."""
    from toolkit.parameters.provider import check_max_age
    from toolkit.parameters.transforms import check

    seen: set[str] = set()
    for option in ("config", "secrets"):
        mapping = options[option]
        if mapping is None:
            continue
        if not hasattr(mapping, "items") or not all(
            isinstance(k, str) and isinstance(v, str) and v for k, v in mapping.items()
        ):
            raise ConfigurationError(
                option, type(mapping).__name__, "a mapping of names to parameter names"
            )
        both = seen & set(mapping)
        if both:
            raise ConfigurationError(option, sorted(both), "keys not used in config as well")
        seen |= set(mapping)
        options[option] = dict(mapping)
    if not seen:
        raise ConfigurationError("config", None, "at least one name in config or secrets")
    check(options["transform"])
    if options["max_age"] is not None:
        check_max_age(options["max_age"])
    return options
