"""``@idempotent`` (a handler middleware) and ``@idempotent_function`` (any function, sync or
``async def``): the decorators, and the decoration-time checks that make a misconfiguration
fail at import. The algorithm is :mod:`toolkit.idempotency.base`."""

from __future__ import annotations

import functools

from toolkit._typing import TYPE_CHECKING
from toolkit.idempotency.base import IdempotencyHandler, disabled
from toolkit.idempotency.config import IdempotencyConfig
from toolkit.idempotency.exceptions import IdempotencyConfigError
from toolkit.idempotency.persistence.base import BasePersistenceLayer
from toolkit.middleware import NO_LAYER, middleware

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from toolkit.idempotency.serialization.base import BaseIdempotencySerializer
    from toolkit.middleware import Handler, Target

__all__ = ["IdempotencyConfig", "idempotent", "idempotent_function"]


def _check(persistence_store: Any, config: Any, key_prefix: Any, where: str) -> IdempotencyConfig:
    if not isinstance(persistence_store, BasePersistenceLayer):
        raise IdempotencyConfigError(
            f"{where}: persistence_store={persistence_store!r} is not valid: expected a "
            "persistence layer (DynamoDBPersistenceLayer or a BasePersistenceLayer subclass)"
        )
    if key_prefix is not None and (not isinstance(key_prefix, str) or not key_prefix):
        raise IdempotencyConfigError(
            f"{where}: key_prefix={key_prefix!r} is not valid: expected a non-empty string"
        )
    if config is None:
        return IdempotencyConfig()
    if not isinstance(config, IdempotencyConfig):
        raise IdempotencyConfigError(
            f"{where}: config={config!r} is not valid: expected an IdempotencyConfig"
        )
    return config


@middleware
def idempotent(
    handler: Handler,
    event: Any,
    context: Any,
    *,
    persistence_store: BasePersistenceLayer,
    config: IdempotencyConfig | None = None,
    key_prefix: str | None = None,
    _idempotency: Any = None,
) -> Any:
    """Middleware: run the handler at most once per distinct event (or per the part of it
    that ``config.event_key_jmespath`` selects), returning the first execution's response to
    repeats; see ``docs/idempotency.md``."""
    return _idempotency.handle(event, context, handler, (event, context), {})


@idempotent.setup
def _prepare(target: Target, options: dict[str, Any]) -> Any:
    """Decoration time: check the store and the config, and build the algorithm for this
    handler (key prefix from the user's function, expressions already compiled); with
    idempotency disabled by the environment, add no layer at all."""
    config = _check(
        options["persistence_store"], options["config"], options["key_prefix"], "idempotent"
    )
    if disabled():
        return NO_LAYER
    handler = IdempotencyHandler(
        target.function,
        options["persistence_store"],
        config,
        key_prefix=options["key_prefix"],
    )
    return {**options, "config": config, "_idempotency": handler}


def _serializer(function: Callable[..., Any], output_serializer: Any) -> BaseIdempotencySerializer:
    """The serializer for ``function``'s results: the one given, a model serializer class
    instantiated with the return annotation, a ``(to_dict, from_dict)`` pair, or, when none
    is given, one chosen from the return annotation (a dataclass or a pydantic model; plain
    JSON values otherwise)."""
    from toolkit.idempotency.serialization.base import (
        BaseIdempotencyModelSerializer,
        BaseIdempotencySerializer,
    )
    from toolkit.idempotency.serialization.no_op import NoOpSerializer

    if isinstance(output_serializer, BaseIdempotencySerializer):
        return output_serializer
    if isinstance(output_serializer, tuple):
        if len(output_serializer) == 2 and all(map(callable, output_serializer)):
            from toolkit.idempotency.serialization.custom_dict import CustomDictSerializer

            return CustomDictSerializer(*output_serializer)
    elif isinstance(output_serializer, type) and issubclass(
        output_serializer, BaseIdempotencyModelSerializer
    ):
        return output_serializer.instantiate(_return_type(function))
    elif output_serializer is None:
        return _from_annotation(_return_type(function)) or NoOpSerializer()
    raise IdempotencyConfigError(
        f"output_serializer={output_serializer!r} is not valid: expected a serializer, a "
        "model serializer class, or a (to_dict, from_dict) pair"
    )


def _return_type(function: Callable[..., Any]) -> Any:
    """The return annotation, resolved (string annotations too) where it can be."""
    import typing

    try:
        return typing.get_type_hints(function).get("return")
    except Exception:  # an annotation naming something not importable here: unresolved
        return getattr(function, "__annotations__", {}).get("return")


def _from_annotation(model_type: Any) -> BaseIdempotencySerializer | None:
    import dataclasses

    from toolkit.idempotency.serialization.functions import get_actual_type

    try:
        model_type = get_actual_type(model_type)
    except IdempotencyConfigError:
        return None  # a union of several types: stored as plain JSON
    if not isinstance(model_type, type):
        return None
    if dataclasses.is_dataclass(model_type):
        from toolkit.idempotency.serialization.dataclass import DataclassSerializer

        return DataclassSerializer(model_type)
    if callable(getattr(model_type, "model_validate", None)) and callable(
        getattr(model_type, "model_dump", None)
    ):
        from toolkit.idempotency.serialization.pydantic import PydanticSerializer

        return PydanticSerializer(model_type)
    return None


def _data_position(function: Callable[..., Any], name: str) -> int | None:
    """Where ``name`` may be passed positionally (``None``: keyword only); raises when the
    function has no such parameter and no ``**kwargs``."""
    import inspect

    parameters = list(inspect.signature(function).parameters.values())
    for index, parameter in enumerate(parameters):
        if parameter.name == name:
            keyword_only = parameter.kind in (parameter.KEYWORD_ONLY, parameter.VAR_KEYWORD)
            return None if keyword_only else index
    if any(parameter.kind is parameter.VAR_KEYWORD for parameter in parameters):
        return None
    raise IdempotencyConfigError(
        f"idempotent_function: {getattr(function, '__qualname__', function)!r} has no "
        f"parameter {name!r} (data_keyword_argument)"
    )


def idempotent_function(
    function: Callable[..., Any] | None = None,
    *,
    data_keyword_argument: str,
    persistence_store: BasePersistenceLayer,
    config: IdempotencyConfig | None = None,
    output_serializer: Any = None,
    key_prefix: str | None = None,
    **unsupported: Any,
) -> Any:
    """Make ``function`` (sync or ``async def``) run at most once per distinct value of its
    ``data_keyword_argument`` argument (or the part ``config.event_key_jmespath`` selects),
    returning the first call's result to repeats. The argument may be passed by keyword or
    position. ``output_serializer``: see ``docs/idempotency.md``."""
    if unsupported:
        raise TypeError(f"idempotent_function() got unsupported option(s) {', '.join(unsupported)}")
    if function is None:
        return functools.partial(
            idempotent_function,
            data_keyword_argument=data_keyword_argument,
            persistence_store=persistence_store,
            config=config,
            output_serializer=output_serializer,
            key_prefix=key_prefix,
        )
    checked = _check(persistence_store, config, key_prefix, "idempotent_function")
    if not isinstance(data_keyword_argument, str) or not data_keyword_argument:
        raise IdempotencyConfigError(
            f"idempotent_function: data_keyword_argument={data_keyword_argument!r} is not "
            "valid: expected a parameter name"
        )
    position = _data_position(function, data_keyword_argument)
    if disabled():
        return function
    handler = IdempotencyHandler(
        function,
        persistence_store,
        checked,
        key_prefix=key_prefix,
        output_serializer=_serializer(function, output_serializer),
    )
    name = data_keyword_argument

    def payload(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        if name in kwargs:
            return kwargs[name]
        if position is not None and position < len(args):
            return args[position]
        raise IdempotencyConfigError(
            f"{function.__qualname__}() was called without its {name!r} argument, which "
            "idempotent_function hashes (data_keyword_argument)"
        )

    import inspect

    if inspect.iscoroutinefunction(function):

        @functools.wraps(function)
        async def decorated_async(*args: Any, **kwargs: Any) -> Any:
            return await handler.handle_async(payload(args, kwargs), None, function, args, kwargs)

        return decorated_async

    @functools.wraps(function)
    def decorated(*args: Any, **kwargs: Any) -> Any:
        return handler.handle(payload(args, kwargs), None, function, args, kwargs)

    return decorated
