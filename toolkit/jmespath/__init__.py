"""JMESPath for toolkit's utilities, with the custom functions Powertools users write.

``json_decode(body)`` parses a JSON string, ``base64_decode(data)`` decodes base64 to text,
``base64_gzip_decode(data)`` decodes base64 then gunzips to text. Each is also available under
the name Powertools gives it (``powertools_json``, ``powertools_base64``,
``powertools_base64_gzip``), so an expression written for Powertools (a
``correlation_id_path``, and for issue 9 an idempotency key or a parser envelope) keeps
working. An expression is compiled once, when the utility is configured, and every function it
calls is checked then, so a typo fails at import rather than on the first invocation.

The ``jmespath`` package is imported on first use: importing toolkit costs nothing for it.
A plain field path (``id``, ``requestContext.requestId``) is looked up without it, as dict
lookups, which is about ten times cheaper than a compiled search.
"""

from __future__ import annotations

from toolkit._typing import TYPE_CHECKING
from toolkit.errors import ToolkitError

if TYPE_CHECKING:
    from typing import Any

__all__ = [
    "Expression",
    "InvalidExpressionError",
    "QueryError",
    "compile",
    "failure_reason",
    "query",
]

# The custom functions' options, built on first use (see _options).
_loaded: Any = None
_compiled: dict[str, Expression] = {}


class InvalidExpressionError(ToolkitError, ValueError):
    """An expression that does not compile, or that calls a function JMESPath and toolkit do
    not have. ``expression`` is the text; the message says what is wrong with it."""

    def __init__(self, expression: str, reason: str) -> None:
        self.expression = expression
        self.reason = reason
        super().__init__(f"JMESPath expression {expression!r} is not valid: {reason}")


class QueryError(ToolkitError, ValueError):
    """:func:`query` could not apply a valid expression to the data: ``json_decode`` of text
    that is not JSON, base64 or gzip that is not, a function given an argument of the wrong
    type. ``expression`` is the text and ``reason`` what failed; the data is never quoted (an
    event may hold personal data)."""

    def __init__(self, expression: str, reason: str) -> None:
        self.expression = expression
        self.reason = reason
        super().__init__(f"JMESPath expression {expression!r} could not be applied: {reason}")


def _options() -> Any:
    """``jmespath.Options`` carrying the custom functions; built once, on first use."""
    global _loaded
    if _loaded is None:
        import base64
        import gzip
        import json

        import jmespath
        from jmespath import functions

        class _Functions(functions.Functions):
            # jmespath finds custom functions by their ``_func_`` prefix and checks argument
            # types against the signature before calling.
            @functions.signature({"types": ["string"]})
            def _func_powertools_json(self, text: str) -> Any:
                return json.loads(text)

            @functions.signature({"types": ["string"]})
            def _func_powertools_base64(self, text: str) -> str:
                return base64.b64decode(text).decode()

            @functions.signature({"types": ["string"]})
            def _func_powertools_base64_gzip(self, text: str) -> str:
                return gzip.decompress(base64.b64decode(text)).decode()

            # toolkit's own names for the same three functions (one implementation each).
            _func_json_decode = _func_powertools_json
            _func_base64_decode = _func_powertools_base64
            _func_base64_gzip_decode = _func_powertools_base64_gzip

        _loaded = jmespath.Options(custom_functions=_Functions())
    return _loaded


def _function_names(node: Any) -> set[str]:
    """The names of the functions an expression's syntax tree calls."""
    names: set[str] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if item.get("type") == "function_expression":
                names.add(item["value"])
            stack.extend(item.get("children", ()))
    return names


class Expression:
    """A compiled expression; :meth:`search` applies it to a document (``None`` when nothing
    matches). Errors while searching (a ``powertools_json`` of text that is not JSON, a
    function given the wrong type) are raised to the caller, which decides what they mean."""

    __slots__ = ("_fields", "_parsed", "field", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        fields = text.split(".")
        # The expression when it is one plain field name, else None: a caller on a hot path
        # (the idempotency key) reads that field with one dict look-up instead of a search.
        self.field: str | None = None
        if all(name.isidentifier() and name.isascii() for name in fields):
            self._fields: tuple[str, ...] | None = tuple(fields)
            self._parsed: Any = None
            if len(fields) == 1:
                self.field = text
            return
        import jmespath
        from jmespath.exceptions import JMESPathError

        try:
            parsed = jmespath.compile(text)
        except JMESPathError as exc:
            raise InvalidExpressionError(text, str(exc).replace("\n", " ")) from None
        known = _options().custom_functions.FUNCTION_TABLE
        unknown = sorted(_function_names(parsed.parsed) - known.keys())
        if unknown:
            raise InvalidExpressionError(text, f"unknown function {', '.join(unknown)}()")
        self._fields = None
        self._parsed = parsed

    def search(self, data: Any) -> Any:
        fields = self._fields
        if fields is None:
            return self._parsed.search(data, options=_loaded)
        for name in fields:
            if not isinstance(data, dict):
                return None
            data = data.get(name)
        return data

    def __repr__(self) -> str:
        return f"Expression({self.text!r})"


def compile(expression: str) -> Expression:  # jmespath's own name for it
    """``expression`` compiled (once per text: later calls return the same object);
    :class:`InvalidExpressionError` when it does not compile or calls an unknown function."""
    compiled = _compiled.get(expression)
    if compiled is None:
        if not isinstance(expression, str) or not expression:
            raise InvalidExpressionError(repr(expression), "expected a non-empty string")
        compiled = _compiled[expression] = Expression(expression)
    return compiled


def query(data: Any, expression: str) -> Any:
    """What ``expression`` finds in ``data`` (Powertools' ``jmespath_utils.query``);
    :class:`InvalidExpressionError` for an expression that does not compile, :class:`QueryError`
    for one that fails on this data."""
    compiled = compile(expression)
    try:
        return compiled.search(data)
    except Exception as exc:  # LambdaTimeoutError is a BaseException: it goes through
        raise QueryError(compiled.text, failure_reason(exc)) from None


def failure_reason(exc: Exception) -> str:
    """What went wrong applying an expression, from the error's type and the fields that
    describe it (for :class:`QueryError` and the validator's envelope errors): the messages of
    jmespath's type errors, ``gzip`` and ``UnicodeDecodeError`` quote the data, so none of
    their text is used. (Only on the error path: the imports cost nothing otherwise.)"""
    import binascii
    import json
    import zlib

    from jmespath.exceptions import JMESPathTypeError

    if isinstance(exc, JMESPathTypeError):
        expected = " or ".join(exc.expected_types)
        return f"{exc.function_name}() takes {expected}, and found {exc.actual_type}"
    if isinstance(exc, UnicodeError):
        return "the decoded bytes are not UTF-8 text"
    if isinstance(exc, json.JSONDecodeError):
        return f"a string is not JSON ({exc.msg})"
    if isinstance(exc, binascii.Error):
        return f"a string is not base64 ({exc})"  # its messages say why, never quote the text
    if isinstance(exc, (EOFError, OSError, zlib.error)):  # gzip.BadGzipFile is an OSError
        return "decoded data is not gzip"
    return type(exc).__name__
