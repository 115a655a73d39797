"""The idempotency utility's errors, all under :class:`IdempotencyError`.

Each carries the fields a caller needs to act on it: ``key`` (the hashed idempotency key, never
the payload it was derived from) and ``table`` (the store's name) where they are known, plus
what is specific to the error (the AWS error code, an item's size). Messages say the same and
nothing more: a payload can hold personal data or secrets, so no message, repr or log line of
this utility quotes one.

The names are Powertools' (``aws_lambda_powertools.utilities.idempotency.exceptions``), so an
``except`` written for Powertools catches the same situations here;
:class:`IdempotencyFencingError`, :class:`IdempotencyItemTooLargeError` and
:class:`IdempotencySerializationError` are toolkit's own.
"""

from __future__ import annotations

from toolkit._typing import TYPE_CHECKING
from toolkit.errors import ToolkitError

if TYPE_CHECKING:
    from toolkit.idempotency.persistence.datarecord import DataRecord

__all__ = [
    "IdempotencyAlreadyInProgressError",
    "IdempotencyConfigError",
    "IdempotencyError",
    "IdempotencyFencingError",
    "IdempotencyInconsistentStateError",
    "IdempotencyInvalidStatusError",
    "IdempotencyItemAlreadyExistsError",
    "IdempotencyItemNotFoundError",
    "IdempotencyItemTooLargeError",
    "IdempotencyKeyError",
    "IdempotencyModelTypeError",
    "IdempotencyNoSerializationModelError",
    "IdempotencyPersistenceConfigError",
    "IdempotencyPersistenceLayerError",
    "IdempotencySerializationError",
    "IdempotencyValidationError",
]


def _restore(
    cls: type[IdempotencyError], args: tuple[object, ...], state: dict[str, object]
) -> IdempotencyError:
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


class IdempotencyError(ToolkitError):
    """Base class of the idempotency utility's errors. ``key`` is the hashed idempotency key
    and ``table`` the store's name, when the error concerns one record."""

    def __init__(self, message: str, *, key: str | None = None, table: str | None = None) -> None:
        self.key = key
        self.table = table
        where = [f"key {key!r}"] if key else []
        if table:
            where.append(f"table {table!r}")
        super().__init__(f"{message} ({', '.join(where)})" if where else message)

    def __reduce__(self) -> tuple[object, ...]:
        # Pickled with their fields (a process pool returns them to its parent): the default
        # would call the constructor with the message only, which the keyword fields refuse.
        return (_restore, (type(self), self.args, dict(self.__dict__)))


class IdempotencyConfigError(IdempotencyError, ValueError):
    """An option of :class:`~toolkit.idempotency.IdempotencyConfig`, ``@idempotent`` or
    ``@idempotent_function`` has a value the utility cannot use; raised when the object is
    built or the function decorated, never during an invocation."""


class IdempotencyPersistenceConfigError(IdempotencyConfigError):
    """A persistence layer was built with options that cannot work together."""


class IdempotencyKeyError(IdempotencyError):
    """The payload holds no idempotency key and ``raise_on_no_idempotency_key=True``.
    ``expression`` is the ``event_key_jmespath`` that found nothing."""

    def __init__(self, message: str, *, expression: str = "") -> None:
        self.expression = expression
        super().__init__(message)


class IdempotencyValidationError(IdempotencyError):
    """A repeat of a key whose ``payload_validation_jmespath`` fields differ from the first
    call's: the same key used for a different request."""


class IdempotencyAlreadyInProgressError(IdempotencyError):
    """Another execution holds the key and has not finished (nor has its lock expired). Retry
    later, or set ``wait_for_in_progress`` to wait for its result."""


class IdempotencyInconsistentStateError(IdempotencyError):
    """The store changed between two reads more often than the retries allow (a record
    expiring or deleted while it was being read); retrying the call is safe."""


class IdempotencyPersistenceLayerError(IdempotencyError):
    """The store failed (throttled, unavailable, access denied...) after the SDK's own
    retries. ``code`` is the AWS error code (``ProvisionedThroughputExceededException``,
    ``InternalServerError``...) or ``None`` for a connection failure; ``operation`` is what
    the utility was doing (``claim``, ``get``, ``complete``, ``release``). When the claim
    fails, the function has not run."""

    def __init__(
        self,
        message: str,
        *,
        key: str | None = None,
        table: str | None = None,
        code: str | None = None,
        operation: str = "",
    ) -> None:
        self.code = code
        self.operation = operation
        if code:
            message = f"{message} [{code}]"
        super().__init__(message, key=key, table=table)


class IdempotencyFencingError(IdempotencyError):
    """A stale holder: this execution's lock expired while it ran and another execution took
    the key over, so its completion (or release) was refused rather than overwrite the newer
    record. The function's side effects ran in both executions; ``operation`` is
    ``complete`` or ``release``."""

    def __init__(
        self, message: str, *, key: str | None = None, table: str | None = None, operation: str
    ) -> None:
        self.operation = operation
        super().__init__(message, key=key, table=table)


class IdempotencyItemTooLargeError(IdempotencyError):
    """The function's result does not fit in one record of the store (``size`` bytes,
    ``limit`` allowed); the lock was released, so a retry runs the function again."""

    def __init__(
        self,
        message: str,
        *,
        key: str | None = None,
        table: str | None = None,
        size: int,
        limit: int,
    ) -> None:
        self.size = size
        self.limit = limit
        super().__init__(message, key=key, table=table)


class IdempotencySerializationError(IdempotencyError, TypeError):
    """The function returned a value the output serializer cannot store (not JSON, nor a
    type the utility round-trips); the lock was released. ``type_name`` names the value's
    type."""

    def __init__(self, message: str, *, key: str | None = None, type_name: str = "") -> None:
        self.type_name = type_name
        super().__init__(message, key=key)


class IdempotencyItemAlreadyExistsError(IdempotencyError):
    """What a persistence layer's ``_put_record`` raises when the claim's condition failed:
    a live record holds the key. ``old_data_record`` is that record when the store returned
    it with the failure (DynamoDB's ``ReturnValuesOnConditionCheckFailure``), else ``None``
    and the utility reads it."""

    def __init__(
        self,
        message: str = "the key is held by another record",
        *,
        key: str | None = None,
        table: str | None = None,
        old_data_record: DataRecord | None = None,
    ) -> None:
        self.old_data_record = old_data_record
        super().__init__(message, key=key, table=table)


class IdempotencyItemNotFoundError(IdempotencyError):
    """What a persistence layer's ``_get_record`` raises when no record holds the key."""


class IdempotencyInvalidStatusError(IdempotencyError):
    """A record's status is none of ``INPROGRESS``, ``COMPLETED`` (a record written by
    something else)."""


class IdempotencyModelTypeError(IdempotencyConfigError):
    """A model serializer was given a type it cannot handle (not a dataclass, not a pydantic
    model, or a union of several types)."""


class IdempotencyNoSerializationModelError(IdempotencyConfigError):
    """A model serializer class was given without a model, and the function's return
    annotation names none."""
