"""The idempotency algorithm, shared by ``@idempotent`` and ``@idempotent_function``, sync and
async, and independent of the store (see :mod:`toolkit.idempotency.persistence.base`).

One call:

1. The key: ``event_key_jmespath`` applied to the payload, canonical JSON, hashed, prefixed
   with ``{function_name}.{module}.{qualname}``. No key: warn and run without idempotency,
   or raise :class:`IdempotencyKeyError`.
2. A completed record in the local cache: return it (no store call).
3. The claim: one conditional write of an ``INPROGRESS`` record carrying a fresh fence token.
   It succeeds (go to 4) or returns the record that holds the key (read with one consistent
   get when the store did not return it): a completed one is returned (after payload
   validation); one in progress raises :class:`IdempotencyAlreadyInProgressError`, or with
   ``wait_for_in_progress`` is polled (claimed again, with backoff and jitter, within the
   remaining time) until it completes or its lock expires; an expired one is claimed again.
4. The function runs. If it raises anything (``LambdaTimeoutError`` included) the lock is
   released (a delete fenced by the token) and the exception re-raised with its traceback.
   Otherwise the result is serialized, its size checked against the store's limit (too large:
   release, then :class:`IdempotencyItemTooLargeError`), and the record completed (an update
   fenced by the token). A holder whose lock expired and was taken over meanwhile cannot
   complete nor release: :class:`IdempotencyFencingError`, logged.

So a first execution costs 2 store calls (claim, complete), a repeat 1, a cache hit 0.

Lock lifetime: the invocation's remaining time (a timed-out invocation's lock frees itself),
capped by ``in_progress_expires_after_seconds``. Times are the wall clock of the machine
writing them: the expiry checks assume clocks across execution environments agree to well
within the lock lifetimes (Lambda hosts are NTP-synchronised).
"""

from __future__ import annotations

import logging
import os
import time

from toolkit import _notice
from toolkit import config as _config
from toolkit._typing import TYPE_CHECKING
from toolkit.context import current as _current_invocation
from toolkit.idempotency.cache import LocalCache
from toolkit.idempotency.exceptions import (
    IdempotencyAlreadyInProgressError,
    IdempotencyError,
    IdempotencyFencingError,
    IdempotencyInconsistentStateError,
    IdempotencyItemAlreadyExistsError,
    IdempotencyItemNotFoundError,
    IdempotencyItemTooLargeError,
    IdempotencyKeyError,
    IdempotencyPersistenceLayerError,
    IdempotencySerializationError,
    IdempotencyValidationError,
)
from toolkit.idempotency.keys import canonical_json, json_string, prepare_payload
from toolkit.idempotency.persistence.datarecord import DataRecord
from toolkit.idempotency.serialization.codec import encode
from toolkit.idempotency.serialization.no_op import NoOpSerializer

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable
    from typing import Any

    from toolkit.idempotency.config import IdempotencyConfig
    from toolkit.idempotency.persistence.base import BasePersistenceLayer
    from toolkit.idempotency.serialization.base import BaseIdempotencySerializer

__all__ = ["IdempotencyHandler"]

logger = logging.getLogger("toolkit.idempotency")

_CONFLICT_RETRIES = 3  # claims in a row that meet an expired or vanishing record
_WAIT_FIRST_S = 0.05  # first poll of a key in progress; doubles up to _WAIT_MAX_S
_WAIT_MAX_S = 1.0
_WAIT_MARGIN_S = 0.5  # waiting stops this long before the invocation's deadline
_MEMO_MAX_CHARS = 256  # longer string keys are hashed every time, not remembered
_disabled_warned = False
_json_string = json_string


def _log() -> logging.Logger:
    """The toolkit Logger wrapping the current invocation (its lines carry the invocation's
    keys), else the stdlib logger ``toolkit.idempotency``."""
    invocation = _current_invocation()
    active = invocation.logger if invocation is not None else None
    return active if active is not None else logger


def _missing(data: Any) -> bool:
    """Powertools' rule: nothing, or a multi-select whose every value is null."""
    if isinstance(data, dict):
        return all(value is None for value in data.values())
    if isinstance(data, (list, tuple)):
        return all(value is None for value in data)
    if isinstance(data, (int, float)):
        return False
    return not data


class _Stored:
    """A result read from the store or the cache (distinct from the claim's other outcomes)."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


_RUN: Any = object()  # the claim succeeded: run the function
_WAIT: Any = object()  # another execution holds the key: sleep ``call.delay``, then claim again


class IdempotencyHandler:
    """The algorithm bound to one decorated function, built once at decoration time: the key
    prefix, the compiled expressions, the hash and the local cache are prepared here so that
    a call only does what depends on its payload."""

    __slots__ = (
        "_cache",
        "_event_key",
        "_expires",
        "_from_dict",
        "_hash",
        "_key_field",
        "_keys",
        "_validation_key",
        "_warned_lock",
        "config",
        "prefix",
        "serializer",
        "store",
    )

    def __init__(
        self,
        function: Callable[..., Any],
        persistence_store: BasePersistenceLayer,
        config: IdempotencyConfig,
        *,
        key_prefix: str | None = None,
        output_serializer: BaseIdempotencySerializer | None = None,
    ) -> None:
        import hashlib

        if key_prefix is None:
            # Powertools' key: the function name from the environment ("test-func" outside
            # Lambda), then the decorated function's module and qualified name.
            function_name = _config.LAMBDA_FUNCTION_NAME.read() or "test-func"
            module = getattr(function, "__module__", None)
            qualname = getattr(function, "__qualname__", type(function).__qualname__)
            key_prefix = f"{function_name}.{module}.{qualname}"
        self.prefix = f"{key_prefix}#"
        self.store = persistence_store
        self.config = config
        self.serializer = output_serializer or NoOpSerializer()
        # The default serializer returns what it is given: a cache hit skips the call.
        self._from_dict = (
            None if type(self.serializer) is NoOpSerializer else self.serializer.from_dict
        )
        self._hash = getattr(hashlib, config.hash_function)
        self._event_key = config._event_key
        self._key_field = None if config._event_key is None else config._event_key.field
        self._validation_key = config._validation_key
        self._expires = config.expires_after_seconds
        self._cache = LocalCache(config.local_cache_max_items) if config.use_local_cache else None
        # With a local cache, the keys of recent string values: hashing is a third of a cache
        # hit's cost, and a hit is by definition a value seen before.
        self._keys: dict[str, str] | None = {} if self._cache is not None else None
        self._warned_lock = False

    # -- the drivers ---------------------------------------------------------------------

    def handle(
        self,
        payload: Any,
        context: Any,
        function: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> Any:
        """Call ``function(*args, **kwargs)`` at most once per distinct ``payload``."""
        call = self._begin(payload, context)
        if call is None:
            return function(*args, **kwargs)
        if type(call) is _Stored:
            return call.value
        step = call.claim()
        while step is _WAIT:
            time.sleep(call.delay)
            step = call.claim()
        if step is not _RUN:
            return step.value
        try:
            response = function(*args, **kwargs)
        except BaseException:  # LambdaTimeoutError too: release, then re-raise it as it was
            call.release()
            raise
        return call.complete(response)

    async def handle_async(
        self,
        payload: Any,
        context: Any,
        function: Callable[..., Awaitable[Any]],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> Any:
        """:meth:`handle` for an ``async def`` function (waits with ``asyncio.sleep``)."""
        call = self._begin(payload, context)
        if call is None:
            return await function(*args, **kwargs)
        if type(call) is _Stored:
            return call.value
        step = call.claim()
        if step is _WAIT:
            import asyncio

            while step is _WAIT:
                await asyncio.sleep(call.delay)
                step = call.claim()
        if step is not _RUN:
            return step.value
        try:
            response = await function(*args, **kwargs)
        except BaseException:  # cancellation and LambdaTimeoutError too
            call.release()
            raise
        return call.complete(response)

    def _begin(self, payload: Any, context: Any) -> Any:
        """``None`` to run without idempotency, a cached result, or the call to claim.

        Written for a local-cache hit to cost a few microseconds: a dict payload and a string
        key (the common case) take no detour through the general helpers."""
        data = payload if type(payload) is dict else prepare_payload(payload)
        value = data
        expression = self._event_key
        field = self._key_field
        if field is not None and type(data) is dict:  # a plain field: one look-up
            value = data.get(field)
        elif expression is not None:
            try:
                value = expression.search(data)
            except Exception as error:  # a json_decode of text that is not JSON, say
                raise IdempotencyKeyError(
                    f"event_key_jmespath {expression.text!r} failed on the payload "
                    f"({type(error).__name__})",
                    expression=expression.text,
                ) from None
        if type(value) is str and value:
            keys = self._keys
            key = None if keys is None else keys.get(value)
            if key is None:
                key = self.prefix + self._hash(_json_string(value).encode()).hexdigest()
                if keys is not None and len(value) <= _MEMO_MAX_CHARS:
                    if len(keys) >= self.config.local_cache_max_items:
                        keys.clear()  # bounded like the cache; refilled by the next calls
                    keys[value] = key
        elif _missing(value):
            self._no_key()
            return None
        else:
            key = self.prefix + self._digest(value, "idempotency key")
        validation = "" if self._validation_key is None else self._payload_hash(data)
        cache = self._cache
        if cache is not None:
            record = cache.get(key)
            if record is not None:
                if validation and record.payload_hash != validation:
                    self._validate(record, validation)
                return _Stored(self._response(record))
        return _Call(self, key, validation, context)

    # -- keys ----------------------------------------------------------------------------

    def _digest(self, value: Any, what: str) -> str:
        try:
            text = canonical_json(value)
        except (TypeError, ValueError) as error:
            raise IdempotencyKeyError(
                f"the {what} cannot be hashed: {error}", expression=self.config.event_key_jmespath
            ) from None
        return str(self._hash(text.encode()).hexdigest())

    def _no_key(self) -> None:
        """No key in the payload: raise, or warn and let the function run unprotected."""
        text = self.config.event_key_jmespath
        if self.config.raise_on_no_idempotency_key:
            raise IdempotencyKeyError(
                f"no idempotency key in the payload (event_key_jmespath={text!r})",
                expression=text,
            )
        _notice.warn(
            "no idempotency key in the payload: the function runs without idempotency",
            event_key_jmespath=text,
        )

    def _payload_hash(self, data: Any) -> str:
        expression = self._validation_key
        assert expression is not None  # the caller checked
        try:
            fields = expression.search(data)
        except Exception as error:
            raise IdempotencyKeyError(
                f"payload_validation_jmespath {expression.text!r} failed on the payload "
                f"({type(error).__name__})",
                expression=expression.text,
            ) from None
        return self._digest(fields, "validated payload")

    def _validate(self, record: DataRecord, validation: str) -> None:
        if self._validation_key is not None and record.payload_hash != validation:
            raise IdempotencyValidationError(
                "the payload differs from the first call's in the fields of "
                f"payload_validation_jmespath={self.config.payload_validation_jmespath!r}",
                key=record.idempotency_key,
                table=self.store.store_name,
            )

    # -- records -------------------------------------------------------------------------

    def _response(self, record: DataRecord) -> Any:
        """The stored result as the function returned it (through the output serializer),
        passed to ``response_hook`` when there is one."""
        value = record.response_json_as_dict()
        from_dict = self._from_dict
        if from_dict is not None and value is not None:
            value = from_dict(value)
        hook = self.config.response_hook
        return value if hook is None else hook(value, record)

    def _in_progress_expiry(self, now: float, context: Any) -> int | None:
        """When a lock taken now expires, in epoch milliseconds: the invocation's deadline,
        capped by ``in_progress_expires_after_seconds``. Without either, ``None`` (the lock
        lasts until the record's own expiry) and one warning."""
        remaining = _remaining_ms(context, self.config)
        cap = self.config.in_progress_expires_after_seconds
        if remaining is None:
            if cap is None:
                if not self._warned_lock:
                    self._warned_lock = True
                    _notice.warn(
                        "the invocation's remaining time is unknown and "
                        "in_progress_expires_after_seconds is not set: a lock whose holder "
                        "dies lasts until expires_after_seconds",
                        expires_after_seconds=self._expires,
                    )
                return None
            return int(now * 1000 + cap * 1000)
        if cap is not None:
            remaining = min(remaining, cap * 1000)
        return int(now * 1000 + remaining)

    def _store_error(self, error: Exception, operation: str, key: str) -> IdempotencyError:
        """A store's unexpected exception as a persistence error (``code`` when it has one)."""
        code = getattr(error, "code", None)
        return IdempotencyPersistenceLayerError(
            f"the store failed the idempotency {operation} ({type(error).__name__})",
            key=key,
            table=self.store.store_name,
            code=code if isinstance(code, str) else None,
            operation=operation,
        )


def _remaining_ms(context: Any, config: IdempotencyConfig) -> float | None:
    """The invocation's remaining time: from the handler's context, else the current toolkit
    invocation's, else the one registered on the config."""
    for candidate in (context, _invocation_context(), config.lambda_context):
        get = getattr(candidate, "get_remaining_time_in_millis", None)
        if get is not None:
            return float(get())
    return None


def _invocation_context() -> Any:
    invocation = _current_invocation()
    return None if invocation is None else invocation.context


def disabled() -> bool:
    """Whether ``TOOLKIT_IDEMPOTENCY_DISABLED`` (or Powertools' name) is set, warning the
    first time it is: read when a function is decorated, like every toolkit setting."""
    if not _config.IDEMPOTENCY_DISABLED.read():
        return False
    _warn_disabled()
    return True


def _warn_disabled() -> None:
    global _disabled_warned
    if not _disabled_warned:
        _disabled_warned = True
        _notice.warn(
            "idempotency is disabled by TOOLKIT_IDEMPOTENCY_DISABLED (or "
            "POWERTOOLS_IDEMPOTENCY_DISABLED): functions run on every call; for development only"
        )


class _Call:
    """One call's claim and what follows it: the key, the fence token and the wait state."""

    __slots__ = ("context", "deadline", "delay", "key", "owner", "polls", "token", "validation")

    def __init__(self, owner: IdempotencyHandler, key: str, validation: str, context: Any) -> None:
        self.owner = owner
        self.key = key
        self.validation = validation
        self.context = context
        self.token = os.urandom(16).hex()
        self.deadline: float | None = None
        self.delay = 0.0
        self.polls = 0

    def claim(self) -> Any:
        """``_RUN``, ``_WAIT`` (with :attr:`delay` set) or the stored result."""
        owner = self.owner
        store = owner.store
        for _ in range(_CONFLICT_RETRIES):
            now = time.time()
            record = DataRecord(
                self.key,
                "INPROGRESS",
                int(now) + owner._expires,
                owner._in_progress_expiry(now, self.context),
                payload_hash=self.validation,
                fence_token=self.token,
            )
            try:
                store._put_record(record)
                return _RUN
            except IdempotencyItemAlreadyExistsError as exists:
                old = exists.old_data_record
            except IdempotencyError:
                raise
            except Exception as error:
                raise owner._store_error(error, "claim", self.key) from error
            if old is None:  # the store did not say who holds the key: ask
                try:
                    old = store._get_record(self.key)
                except IdempotencyItemNotFoundError:
                    continue  # released between the two calls: claim again
                except IdempotencyError:
                    raise
                except Exception as error:
                    raise owner._store_error(error, "get", self.key) from error
            outcome = self._existing(old)
            if outcome is not None:
                return outcome
        raise IdempotencyInconsistentStateError(
            f"the record changed under {_CONFLICT_RETRIES} claims in a row; retrying is safe",
            key=self.key,
            table=store.store_name,
        )

    def _existing(self, old: DataRecord) -> Any:
        """What to do about the record holding the key; ``None`` to claim again (it expired)."""
        owner = self.owner
        if old.fence_token == self.token and old._status == "INPROGRESS":
            # Our own claim: the first attempt was applied but its answer lost, and the SDK's
            # retry met the record it wrote. The lock is ours: run.
            return _RUN
        status = old.status
        if status == "EXPIRED" or old.in_progress_expired:
            return None
        owner._validate(old, self.validation)
        if status == "INPROGRESS":
            delay = self._wait_delay(old)
            if delay is None:
                raise IdempotencyAlreadyInProgressError(
                    "another execution holds the key and has not finished",
                    key=self.key,
                    table=owner.store.store_name,
                )
            self.delay = delay
            return _WAIT
        cache = owner._cache
        if cache is not None:
            cache.put(old)
        return _Stored(owner._response(old))

    def _wait_delay(self, old: DataRecord) -> float | None:
        """How long to sleep before looking again, or ``None`` to stop waiting: exponential
        backoff with jitter, never past ``wait_for_in_progress`` nor the invocation's
        deadline, and waking when the holder's lock expires so it can be taken over."""
        limit = self.owner.config.wait_for_in_progress
        if limit is None:
            return None
        now = time.monotonic()
        if self.deadline is None:
            remaining = _remaining_ms(self.context, self.owner.config)
            if remaining is not None:
                limit = min(limit, remaining / 1000 - _WAIT_MARGIN_S)
            self.deadline = now + limit
        left = self.deadline - now
        if left <= 0:
            return None
        import random

        step = min(_WAIT_MAX_S, _WAIT_FIRST_S * 2**self.polls)
        self.polls += 1
        delay = step / 2 + random.random() * step / 2
        lock_expiry = old.in_progress_expiry_timestamp
        if lock_expiry is not None:
            delay = min(delay, max(lock_expiry / 1000 - time.time(), 0.0) + 0.01)
        return float(min(delay, left))

    def complete(self, response: Any) -> Any:
        """Store the function's result under the key (fenced), and return it."""
        owner = self.owner
        store = owner.store
        try:
            data = None if response is None else owner.serializer.to_dict(response)
            text = encode(data)
        except Exception as error:
            self.release()
            raise IdempotencySerializationError(
                f"the function's result (a {type(response).__qualname__}) cannot be stored: "
                f"{type(error).__name__}; the lock was released",
                key=self.key,
                type_name=type(response).__qualname__,
            ) from error
        record = DataRecord(
            self.key,
            "COMPLETED",
            int(time.time()) + owner._expires,
            response_data=text,
            payload_hash=self.validation,
            fence_token=self.token,
        )
        limit = store.max_item_bytes
        if limit is not None:
            size = store._item_size(record)
            if size > limit:
                self.release()
                raise IdempotencyItemTooLargeError(
                    f"the result takes {size} bytes in the record, more than the {limit} the "
                    "store accepts; the lock was released",
                    key=self.key,
                    table=store.store_name,
                    size=size,
                    limit=limit,
                )
        try:
            store._update_record(record)
        except IdempotencyFencingError:
            _log().error(
                "idempotency: a stale execution finished after its lock was taken over; its "
                "result was not stored",
                extra={"idempotency_key": self.key, "table": store.store_name},
            )
            raise
        except IdempotencyError:
            raise
        except Exception as error:
            raise owner._store_error(error, "complete", self.key) from error
        cache = owner._cache
        if cache is not None:
            cache.put(record)
        return response

    def release(self) -> None:
        """Delete the lock (fenced) so a retry can run; failures are logged, not raised: the
        caller is already raising the error that matters, and a lock that cannot be deleted
        still expires with its invocation."""
        store = self.owner.store
        try:
            store._delete_record(DataRecord(self.key, fence_token=self.token))
        except IdempotencyFencingError:
            _log().error(
                "idempotency: the lock was taken over before the failed execution released "
                "it; the newer record was left in place",
                extra={"idempotency_key": self.key, "table": store.store_name},
            )
        except Exception as error:
            _log().error(
                "idempotency: the lock could not be released; it is held until it expires",
                extra={
                    "idempotency_key": self.key,
                    "table": store.store_name,
                    "error": type(error).__name__,
                    "code": getattr(error, "code", None),
                },
            )
