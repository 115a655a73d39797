"""JSON Schemas compiled with fastjsonschema, once per schema.

fastjsonschema turns a schema into Python source and compiles it: a millisecond or more for
a modest schema, against a few microseconds to run the result. Powertools compiles on every
call; here a compiled schema is kept, found first by the schema object's identity (one dict
look-up, the usual case of a module-level schema) and then by its content (a schema literal
built again at each call still compiles once). Both caches are bounded, oldest out first.

Found by identity means a schema dict is read once: changing it in place later has no effect.
The cache entry holds the schema, so its ``id`` cannot be reused by another object.

This module imports fastjsonschema; :mod:`toolkit.validation` imports it on first use only.
"""

from __future__ import annotations

import json

import fastjsonschema

from toolkit._typing import TYPE_CHECKING
from toolkit.validation.errors import (
    InvalidSchemaFormatError,
    SchemaValidationError,
    ValidationOptionError,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any

    Key = tuple[Any, ...]

# The keyword arguments of fastjsonschema.compile besides the schema, formats and handlers.
PROVIDER_OPTIONS = frozenset({"use_default", "use_formats", "detailed_exceptions", "fast_fail"})
LIMIT = 256  # schemas kept per cache

_by_identity: dict[Key, tuple[Any, Validator]] = {}
_by_content: dict[Key, Validator] = {}


class Validator:
    """A compiled schema. Calling it validates ``data`` and returns it (with the schema's
    ``default`` values filled in, unless ``use_default`` is off), or raises
    :class:`SchemaValidationError` saying which location broke which rule; ``subject``
    (``event``, ``response``) says what the data was."""

    __slots__ = ("_check",)

    def __init__(self, check: Callable[[Any], Any]) -> None:
        self._check = check

    def __call__(self, data: Any, subject: str = "data") -> Any:
        try:
            return self._check(data)
        except fastjsonschema.JsonSchemaValueException as exc:
            raise _failure(exc, subject) from None
        except fastjsonschema.JsonSchemaValuesException as exc:  # fast_fail=False
            errors = tuple(_failure(error, subject) for error in exc.errors)
            first = errors[0]
            raise SchemaValidationError(
                f"Failed schema validation of the {subject} ({len(errors)} errors): "
                + "; ".join(f"{e.validation_message} (rule: {e.rule})" for e in errors),
                first.validation_message,
                first.name,
                first.path,
                first.value,
                first.definition,
                first.rule,
                first.rule_definition,
                errors,
            ) from None


def _failure(exc: Any, subject: str) -> SchemaValidationError:
    """fastjsonschema's error as ours. Its sentence names the location and the rule, with
    values from the schema only (the one exception, ``additionalProperties``, lists the
    unexpected keys: names, not values); its ``value`` stays out of the message."""
    return SchemaValidationError(
        f"Failed schema validation of the {subject}. Error: {exc.message}, "
        f"Path: {exc.path}, Rule: {exc.rule}",
        validation_message=exc.message,
        name=exc.name,
        path=exc.path,
        value=exc.value,
        definition=exc.definition,
        rule=exc.rule,
        rule_definition=exc.rule_definition,
    )


def _frozen(options: Mapping[str, Any] | None) -> tuple[tuple[str, Any], ...] | None:
    # sorted by name: names are unique, so the values are never compared
    return tuple(sorted(options.items())) if options else None


def _remember(cache: dict[Key, Any], key: Key, value: Any) -> None:
    if len(cache) >= LIMIT:
        cache.pop(next(iter(cache)), None)  # the oldest
    cache[key] = value


def compiled(
    schema: Any,
    formats: Mapping[str, Any] | None = None,
    handlers: Mapping[str, Any] | None = None,
    provider_options: Mapping[str, Any] | None = None,
) -> Validator:
    """The :class:`Validator` of ``schema`` with these options, compiled on first use;
    :class:`InvalidSchemaFormatError` or :class:`ValidationOptionError` when it cannot be."""
    options: Key | None = None  # the usual case, no options: nothing to build per call
    try:
        if formats or handlers or provider_options:
            options = (_frozen(formats), _frozen(handlers), _frozen(provider_options))
        identity = (id(schema), options)
        found = _by_identity.get(identity)
    except TypeError:  # an unhashable callable, names that do not sort: nothing to key on
        return _compile(schema, formats, handlers, provider_options)
    if found is not None:
        return found[1]
    try:
        text = json.dumps(schema, sort_keys=True, separators=(",", ":"))
    except (TypeError, ValueError) as exc:
        raise InvalidSchemaFormatError(f"the schema is not JSON: {exc}") from None
    content = (text, options)
    validator = _by_content.get(content)
    if validator is None:
        validator = _compile(schema, formats, handlers, provider_options)
        _remember(_by_content, content, validator)
    _remember(_by_identity, identity, (schema, validator))
    return validator


def _compile(
    schema: Any,
    formats: Mapping[str, Any] | None,
    handlers: Mapping[str, Any] | None,
    provider_options: Mapping[str, Any] | None,
) -> Validator:
    if not isinstance(schema, (dict, bool)):
        raise InvalidSchemaFormatError(
            f"a JSON Schema is a dict (or true/false), not {type(schema).__name__}"
        )
    options = dict(provider_options or {})
    unknown = sorted(set(options) - PROVIDER_OPTIONS)
    if unknown:
        raise ValidationOptionError(
            f"provider_options {', '.join(unknown)} not known to fastjsonschema "
            f"(it takes: {', '.join(sorted(PROVIDER_OPTIONS))})"
        )
    for name, value in options.items():
        if not isinstance(value, bool):
            raise ValidationOptionError(
                f"provider_options {name} must be True or False, not {type(value).__name__}"
            )
    for name, check in (formats or {}).items():
        if not (isinstance(check, str) or callable(check)):
            raise InvalidSchemaFormatError(
                f"custom format {name!r} must be a regular expression (str) or a callable "
                f"returning a bool, not {type(check).__name__}"
            )
    for scheme, handler in (handlers or {}).items():
        if not callable(handler):
            raise InvalidSchemaFormatError(
                f"handler for {scheme!r} references must be a callable taking the URI and "
                f"returning the schema, not {type(handler).__name__}"
            )
    try:
        check = fastjsonschema.compile(
            schema, handlers=dict(handlers or {}), formats=dict(formats or {}), **options
        )
    except Exception as exc:  # a bad schema, pattern or format regex; a failing handler
        raise InvalidSchemaFormatError(
            f"the JSON Schema does not compile: {type(exc).__name__}: {exc}"
        ) from exc
    return Validator(check)
