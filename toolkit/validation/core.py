"""``validate()`` and ``@validator``: JSON Schema validation of events and responses.

Powertools' names, arguments and order. The differences are where the time goes and what a
failure says: a schema is compiled once (``@validator`` compiles its schemas and envelope when
it is applied, so a bad schema fails at import; ``validate`` on the first call with a schema)
and the compiled validator is reused, where Powertools compiles on every call; messages never
quote the event. fastjsonschema and jmespath are imported on first use, not with this module.
"""

from __future__ import annotations

from toolkit import jmespath
from toolkit._typing import TYPE_CHECKING
from toolkit.middleware import NO_LAYER, middleware
from toolkit.validation.errors import (
    InvalidEnvelopeExpressionError,
    ValidationOptionError,
    ValidationUnavailableError,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any

    from toolkit.middleware import Target
    from toolkit.validation._schema import Validator

__all__ = ["validate", "validator"]


def _refuse_jmespath_options(jmespath_options: Any) -> None:
    if jmespath_options is not None:
        raise ValidationOptionError(
            "jmespath_options is not supported: toolkit's envelopes run with its own JMESPath "
            "functions (powertools_json, powertools_base64, powertools_base64_gzip); decode "
            "further inside the handler"
        )


def _compile_envelope(expression: str) -> jmespath.Expression:
    try:
        return jmespath.compile(expression)
    except jmespath.InvalidExpressionError as exc:
        raise InvalidEnvelopeExpressionError(str(expression), exc.reason) from None


def _unwrap(expression: jmespath.Expression, event: Any) -> Any:
    try:
        return expression.search(event)
    except Exception as exc:  # LambdaTimeoutError is a BaseException: it goes through
        raise InvalidEnvelopeExpressionError(
            expression.text, jmespath.failure_reason(exc)
        ) from None


# toolkit.validation._schema.compiled, imported on first use (it imports fastjsonschema) and
# kept here: a ``from package import module`` statement at every call costs more than the
# cache look-up it leads to.
_lookup: Callable[..., Validator] | None = None


def _compiled(
    schema: Any,
    formats: Mapping[str, Any] | None,
    handlers: Mapping[str, Any] | None,
    provider_options: Mapping[str, Any] | None,
) -> Validator:
    global _lookup
    if _lookup is None:
        try:
            from toolkit.validation._schema import compiled
        except ModuleNotFoundError as exc:
            if exc.name != "fastjsonschema":
                raise
            raise ValidationUnavailableError() from None
        _lookup = compiled
    return _lookup(schema, formats, handlers, provider_options)


def validate(  # noqa: PLR0917 - Powertools takes these positionally
    event: Any,
    schema: dict[str, Any],
    formats: Mapping[str, str | Callable[[Any], bool]] | None = None,
    handlers: Mapping[str, Callable[[str], Any]] | None = None,
    provider_options: Mapping[str, bool] | None = None,
    envelope: str | None = None,
    jmespath_options: None = None,
) -> Any:
    """Validate ``event`` (or what ``envelope`` finds in it) against the JSON Schema
    ``schema`` and return it, with the schema's defaults filled in.

    ``formats`` adds custom ``format`` names (a regular expression or a callable returning a
    bool); ``handlers`` resolves remote ``$ref`` URIs by scheme; ``provider_options`` are
    fastjsonschema's (``use_default``, ``use_formats``, ``detailed_exceptions``,
    ``fast_fail``). Raises :class:`SchemaValidationError` (a ``ValueError``) naming the failing
    path and rule, :class:`InvalidSchemaFormatError` for a schema that does not compile, and
    :class:`InvalidEnvelopeExpressionError` when the envelope fails on the event.
    """
    _refuse_jmespath_options(jmespath_options)
    if envelope:
        event = _unwrap(_compile_envelope(envelope), event)
    return _compiled(schema, formats, handlers, provider_options)(event, "event")


@middleware
def validator(
    handler: Callable[[Any, Any], Any],
    event: Any,
    context: Any,
    *,
    inbound_schema: dict[str, Any] | None = None,
    inbound_formats: Mapping[str, str | Callable[[Any], bool]] | None = None,
    inbound_handlers: Mapping[str, Callable[[str], Any]] | None = None,
    inbound_provider_options: Mapping[str, bool] | None = None,
    outbound_schema: dict[str, Any] | None = None,
    outbound_formats: Mapping[str, str | Callable[[Any], bool]] | None = None,
    outbound_handlers: Mapping[str, Callable[[str], Any]] | None = None,
    outbound_provider_options: Mapping[str, bool] | None = None,
    envelope: str | None = None,
    jmespath_options: None = None,
    _inbound: Validator | None = None,
    _outbound: Validator | None = None,
    _envelope: jmespath.Expression | None = None,
) -> Any:
    """Middleware: validate the event (what ``envelope`` finds in it, which the handler then
    receives instead of the event) against ``inbound_schema`` before the handler runs, and
    the handler's response against ``outbound_schema`` after. Each schema takes the options
    of :func:`validate`, prefixed ``inbound_`` / ``outbound_``.

    Schemas and envelope are compiled when the decorator is applied: a schema that does not
    compile raises :class:`InvalidSchemaFormatError` then, an envelope that does not
    :class:`InvalidEnvelopeExpressionError`. An invalid event raises
    :class:`SchemaValidationError` before the handler runs; an invalid response raises it
    after."""
    if _envelope is not None:
        event = _unwrap(_envelope, event)
    if _inbound is not None:
        event = _inbound(event, "event")
    response = handler(event, context)
    if _outbound is not None:
        _outbound(response, "response")
    return response


@validator.setup
def _prepare(target: Target, options: dict[str, Any]) -> dict[str, Any]:
    """Decoration time: compile both schemas and the envelope, so none is compiled during an
    invocation and a bad one fails at import; add no layer when there is nothing to do."""
    _refuse_jmespath_options(options["jmespath_options"])
    prepared: dict[str, Any] = {}
    for side in ("inbound", "outbound"):
        schema = options[f"{side}_schema"]
        if schema is not None:
            prepared[f"_{side}"] = _compiled(
                schema,
                options[f"{side}_formats"],
                options[f"{side}_handlers"],
                options[f"{side}_provider_options"],
            )
    if options["envelope"]:
        prepared["_envelope"] = _compile_envelope(options["envelope"])
    return prepared or NO_LAYER
