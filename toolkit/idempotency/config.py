"""``IdempotencyConfig``: what makes two calls "the same" and how long that lasts.

Every option is checked when the object is built, and the JMESPath expressions compiled then
(``toolkit.jmespath``: a plain field path needs no jmespath import), so a typo fails at import,
not on the first invocation after the handler did its work.
"""

from __future__ import annotations

from toolkit._typing import TYPE_CHECKING
from toolkit.idempotency.exceptions import IdempotencyConfigError

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from toolkit.context import LambdaContext
    from toolkit.jmespath import Expression

__all__ = ["IdempotencyConfig"]

# hashlib's names whose digest has a fixed length (the shake_* ones need one passed).
_HASHES = frozenset(
    {"md5", "sha1", "sha224", "sha256", "sha384", "sha512", "blake2b", "blake2s"}
    | {"sha3_224", "sha3_256", "sha3_384", "sha3_512"}
)


def _positive(name: str, value: object, *, optional: bool = False) -> float | None:
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        expected = "a positive number of seconds" + (" or None" if optional else "")
        raise IdempotencyConfigError(f"{name}={value!r} is not valid: expected {expected}")
    return value


def _flag(name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise IdempotencyConfigError(f"{name}={value!r} is not valid: expected True or False")
    return value


def _expression(name: str, value: object) -> Expression | None:
    if not isinstance(value, str):
        raise IdempotencyConfigError(f"{name}={value!r} is not valid: expected a JMESPath string")
    if not value:
        return None
    from toolkit.jmespath import compile

    return compile(value)  # InvalidExpressionError (a ValueError) names the expression


class IdempotencyConfig:
    """Options of ``@idempotent`` and ``@idempotent_function`` (Powertools' names and
    defaults, but ``hash_function`` defaults to ``sha256``; see ``docs/idempotency.md``).

    - ``event_key_jmespath``: the part of the payload that identifies a request (the whole
      payload when empty); ``payload_validation_jmespath``: fields a repeat must also match,
      else :class:`~toolkit.idempotency.exceptions.IdempotencyValidationError`.
    - ``raise_on_no_idempotency_key``: no key in the payload raises
      :class:`~toolkit.idempotency.exceptions.IdempotencyKeyError` instead of warning and
      running the function without idempotency.
    - ``expires_after_seconds``: how long a completed result is returned to repeats.
    - ``in_progress_expires_after_seconds``: longest a lock lives while its function runs
      (inside Lambda the invocation's remaining time already bounds it).
    - ``use_local_cache`` / ``local_cache_max_items``: keep completed results in this
      execution environment (least recently used evicted), so repeats cost no store call.
    - ``hash_function``: a :mod:`hashlib` name.
    - ``wait_for_in_progress``: seconds to wait for another execution holding the key to
      finish and return its result, instead of raising at once.
    - ``response_hook(response, data_record)``: called on a repeat with the stored result;
      what it returns is returned.
    """

    __slots__ = (
        "_event_key",
        "_validation_key",
        "event_key_jmespath",
        "expires_after_seconds",
        "hash_function",
        "in_progress_expires_after_seconds",
        "lambda_context",
        "local_cache_max_items",
        "payload_validation_jmespath",
        "raise_on_no_idempotency_key",
        "response_hook",
        "use_local_cache",
        "wait_for_in_progress",
    )

    def __init__(  # noqa: PLR0917 - Powertools takes these positionally
        self,
        event_key_jmespath: str = "",
        payload_validation_jmespath: str = "",
        jmespath_options: dict[str, Any] | None = None,
        raise_on_no_idempotency_key: bool = False,
        expires_after_seconds: int = 60 * 60,
        in_progress_expires_after_seconds: float | None = None,
        use_local_cache: bool = False,
        local_cache_max_items: int = 256,
        hash_function: str = "sha256",
        lambda_context: LambdaContext | None = None,
        wait_for_in_progress: float | None = None,
        response_hook: Callable[[Any, Any], Any] | None = None,
    ) -> None:
        if jmespath_options is not None:
            raise TypeError(
                "IdempotencyConfig(jmespath_options=...) is not supported: toolkit's JMESPath "
                "has the json_decode/base64_decode/base64_gzip_decode functions (and their "
                "powertools_* names) built in, and takes no custom functions"
            )
        self._event_key = _expression("event_key_jmespath", event_key_jmespath)
        self._validation_key = _expression(
            "payload_validation_jmespath", payload_validation_jmespath
        )
        self.event_key_jmespath = event_key_jmespath
        self.payload_validation_jmespath = payload_validation_jmespath
        self.raise_on_no_idempotency_key = _flag(
            "raise_on_no_idempotency_key", raise_on_no_idempotency_key
        )
        if (
            isinstance(expires_after_seconds, bool)
            or not isinstance(expires_after_seconds, int)
            or expires_after_seconds < 1
        ):
            raise IdempotencyConfigError(
                f"expires_after_seconds={expires_after_seconds!r} is not valid: expected a "
                "positive whole number of seconds"
            )
        self.expires_after_seconds = expires_after_seconds
        self.in_progress_expires_after_seconds = _positive(
            "in_progress_expires_after_seconds", in_progress_expires_after_seconds, optional=True
        )
        self.use_local_cache = _flag("use_local_cache", use_local_cache)
        if (
            isinstance(local_cache_max_items, bool)
            or not isinstance(local_cache_max_items, int)
            or local_cache_max_items < 1
        ):
            raise IdempotencyConfigError(
                f"local_cache_max_items={local_cache_max_items!r} is not valid: expected a "
                "positive integer"
            )
        self.local_cache_max_items = local_cache_max_items
        if hash_function not in _HASHES:
            raise IdempotencyConfigError(
                f"hash_function={hash_function!r} is not valid: expected one of "
                f"{', '.join(sorted(_HASHES))}"
            )
        self.hash_function = hash_function
        self.wait_for_in_progress = _positive(
            "wait_for_in_progress", wait_for_in_progress, optional=True
        )
        if response_hook is not None and not callable(response_hook):
            raise IdempotencyConfigError(
                f"response_hook={response_hook!r} is not valid: expected a callable "
                "(response, data_record) -> response"
            )
        self.response_hook = response_hook
        self.lambda_context = lambda_context

    def register_lambda_context(self, lambda_context: LambdaContext) -> None:
        """Tell ``idempotent_function`` the invocation's context, so its lock expires with the
        invocation. Needed only where no toolkit handler is running: inside a handler decorated
        by any toolkit middleware the current invocation's context is used."""
        self.lambda_context = lambda_context

    def __repr__(self) -> str:
        return (
            f"IdempotencyConfig(event_key_jmespath={self.event_key_jmespath!r}, "
            f"expires_after_seconds={self.expires_after_seconds})"
        )
