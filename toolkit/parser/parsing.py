"""``parse()`` and ``@event_parser``: validate an event (or the payloads an envelope finds in
it) against a pydantic model.

Each model gets one :class:`Validator`, built the first time the model is used and cached:
building a ``TypeAdapter`` compiles a validator, which costs far more than validating one event.
pydantic is imported then, not when this module is (a handler module imports
``event_parser`` at cold start; its models import pydantic anyway).
"""

from __future__ import annotations

from toolkit._typing import TYPE_CHECKING, TypeVar, overload
from toolkit.middleware import Target, middleware
from toolkit.parser.errors import (
    InvalidEnvelopeError,
    InvalidModelTypeError,
    ParserValidationError,
    field_errors,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import Any

__all__ = ["Validator", "event_parser", "parse", "validator_for"]

T = TypeVar("T")

_CACHE_SIZE = 512  # models kept; a program creating models on the fly must not grow forever
_CACHE: dict[Any, Validator] = {}


class Validator:
    """A model's compiled validation: JSON text (``str``/``bytes``) is parsed by pydantic's
    JSON parser, anything else validated as Python data. Failures become
    :class:`ParserValidationError`, located at ``at`` plus the field path."""

    __slots__ = ("_error", "_json", "_python", "name")

    def __init__(self, model: Any) -> None:
        from pydantic import TypeAdapter, ValidationError

        try:
            adapter = model if isinstance(model, TypeAdapter) else TypeAdapter(model)
        except Exception as error:  # PydanticSchemaGenerationError, TypeError...
            raise InvalidModelTypeError(
                f"model {model!r} cannot be validated by pydantic: pass a pydantic model class, "
                f"a TypeAdapter or a type pydantic understands ({type(error).__name__})"
            ) from None
        self.name: str = getattr(model, "__name__", None) or repr(model)
        rebuild = getattr(adapter, "rebuild", None)  # pydantic >= 2.10
        if rebuild is not None:
            try:  # a model naming a class not defined yet fails here, not at the first event
                rebuild(raise_errors=True)
            except Exception as error:
                reason = str(error).split("\n", 1)[0]
                raise InvalidModelTypeError(
                    f"model {self.name} is not fully defined ({reason}): define the types it "
                    "names before using it"
                ) from None
        self._python = adapter.validate_python
        self._json = adapter.validate_json
        self._error = ValidationError

    def __call__(self, data: Any, at: Sequence[Any] = ()) -> Any:
        try:
            if isinstance(data, (str, bytes, bytearray)):
                return self._json(data)
            return self._python(data)
        except self._error as error:
            raise ParserValidationError(self.name, field_errors(error, at)) from None

    def __repr__(self) -> str:
        return f"Validator({self.name})"


def validator_for(model: Any) -> Validator:
    """The cached :class:`Validator` of ``model`` (a class, a ``TypeAdapter`` or a type such
    as ``list[Order]``)."""
    try:
        found = _CACHE.get(model)
    except TypeError:  # unhashable (an Annotated with an unhashable metadata object)
        return Validator(model)
    if found is None:
        found = Validator(model)
        if len(_CACHE) >= _CACHE_SIZE:  # drop the oldest (another thread may have already)
            _CACHE.pop(next(iter(_CACHE), None), None)
        _CACHE[model] = found
    return found


def _envelope(envelope: Any) -> Any:
    """An envelope instance from a class (as Powertools takes it) or an instance."""
    from toolkit.parser.envelopes.base import BaseEnvelope

    if isinstance(envelope, type) and issubclass(envelope, BaseEnvelope):
        return envelope()
    if isinstance(envelope, BaseEnvelope):
        return envelope
    raise InvalidEnvelopeError(
        f"envelope must be a BaseEnvelope subclass (toolkit.parser.envelopes.SqsEnvelope...) "
        f"or an instance of one, not {envelope!r}"
    )


@overload
def parse(event: Any, model: type[T], envelope: None = None) -> T: ...
@overload
def parse(event: Any, model: Any, envelope: Any = None) -> Any: ...
def parse(event: Any, model: Any, envelope: Any = None) -> Any:
    """Validate ``event`` against ``model``; with ``envelope``, validate the event against the
    envelope's own model, then each payload it carries (SQS bodies, the EventBridge detail...)
    against ``model``, decoding JSON, base64 and gzip as needed.

    Returns the model instance, or what the envelope returns (a list of them, for sources that
    batch records). Raises :class:`~toolkit.parser.errors.ParserValidationError` listing every
    failing field's path (``Records.3.body.id``) and rule, never the input.
    """
    if envelope is None:
        return validator_for(model)(event)
    return _envelope(envelope).parse(event, model)


def _hinted_model(target: Target) -> Any:
    """The type hint of the handler's event parameter (``def handler(event: Order, context)``)."""
    function = target.function
    code = getattr(function, "__code__", None)
    names = code.co_varnames[: code.co_argcount] if code is not None else ()
    if names and names[0] in ("self", "cls"):
        names = names[1:]
    if names:
        import typing

        try:
            hints = typing.get_type_hints(function)
        except Exception as error:  # a name only imported under TYPE_CHECKING
            raise InvalidModelTypeError(
                f"event_parser cannot resolve the type hints of {target.qualname} "
                f"({type(error).__name__}: {error}); pass model= instead"
            ) from None
        if names[0] in hints:
            return hints[names[0]]
    raise InvalidModelTypeError(
        f"event_parser needs a model: pass model= or annotate the event parameter of "
        f"{target.qualname} (def {target.name}(event: Order, context))"
    )


@middleware
def event_parser(
    handler: Callable[[Any, Any], Any],
    event: Any,
    context: Any,
    *,
    model: Any = None,
    envelope: Any = None,
    _parse: Any = None,
) -> Any:
    """Middleware: the handler receives the event validated against ``model`` (by default the
    type hint of the handler's event parameter), or the payloads ``envelope`` finds in it,
    validated. A mismatch raises :class:`~toolkit.parser.errors.ParserValidationError` before
    the handler runs. The model and envelope are checked, and the validator built, when the
    handler is decorated."""
    return handler(_parse(event), context)


@event_parser.setup
def _prepare(target: Target, options: dict[str, Any]) -> dict[str, Any]:
    model = options["model"]
    if model is None:
        model = _hinted_model(target)
    validate = validator_for(model)  # refuses a model pydantic cannot use, at decoration
    if options["envelope"] is None:
        return {**options, "model": model, "_parse": validate}
    envelope = _envelope(options["envelope"])
    return {
        **options,
        "model": model,
        "_parse": lambda event: envelope.parse(event, model),
    }
