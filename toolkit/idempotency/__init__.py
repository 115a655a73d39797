"""Idempotency: run a handler, or any function inside it, once per distinct payload, across
concurrent execution environments, timeouts and crashes, with DynamoDB conditional writes.

``from aws_lambda_powertools.utilities.idempotency import ...`` becomes
``from toolkit.idempotency import ...``. Names resolve lazily, and boto3 is imported only
when a persistence layer makes its first request. See ``docs/idempotency.md``.
"""

from __future__ import annotations

from toolkit._lazy import exports
from toolkit._typing import TYPE_CHECKING

_EXCEPTIONS = "toolkit.idempotency.exceptions"
_EXPORTS: dict[str, str] = {
    "BasePersistenceLayer": "toolkit.idempotency.persistence.base",
    "DataRecord": "toolkit.idempotency.persistence.datarecord",
    "DynamoDBPersistenceLayer": "toolkit.idempotency.persistence.dynamodb",
    "IdempotencyConfig": "toolkit.idempotency.config",
    "IdempotentHookFunction": "toolkit.idempotency.hook",
    "idempotent": "toolkit.idempotency.idempotency",
    "idempotent_function": "toolkit.idempotency.idempotency",
    "IdempotencyAlreadyInProgressError": _EXCEPTIONS,
    "IdempotencyConfigError": _EXCEPTIONS,
    "IdempotencyError": _EXCEPTIONS,
    "IdempotencyFencingError": _EXCEPTIONS,
    "IdempotencyInconsistentStateError": _EXCEPTIONS,
    "IdempotencyItemTooLargeError": _EXCEPTIONS,
    "IdempotencyKeyError": _EXCEPTIONS,
    "IdempotencyPersistenceLayerError": _EXCEPTIONS,
    "IdempotencySerializationError": _EXCEPTIONS,
    "IdempotencyValidationError": _EXCEPTIONS,
}

__all__ = [
    "BasePersistenceLayer",
    "DataRecord",
    "DynamoDBPersistenceLayer",
    "IdempotencyAlreadyInProgressError",
    "IdempotencyConfig",
    "IdempotencyConfigError",
    "IdempotencyError",
    "IdempotencyFencingError",
    "IdempotencyInconsistentStateError",
    "IdempotencyItemTooLargeError",
    "IdempotencyKeyError",
    "IdempotencyPersistenceLayerError",
    "IdempotencySerializationError",
    "IdempotencyValidationError",
    "IdempotentHookFunction",
    "idempotent",
    "idempotent_function",
]

__getattr__, __dir__ = exports(__name__, _EXPORTS, globals())

if TYPE_CHECKING:
    from toolkit.idempotency.config import IdempotencyConfig
    from toolkit.idempotency.exceptions import (
        IdempotencyAlreadyInProgressError,
        IdempotencyConfigError,
        IdempotencyError,
        IdempotencyFencingError,
        IdempotencyInconsistentStateError,
        IdempotencyItemTooLargeError,
        IdempotencyKeyError,
        IdempotencyPersistenceLayerError,
        IdempotencySerializationError,
        IdempotencyValidationError,
    )
    from toolkit.idempotency.hook import IdempotentHookFunction
    from toolkit.idempotency.idempotency import idempotent, idempotent_function
    from toolkit.idempotency.persistence.base import BasePersistenceLayer
    from toolkit.idempotency.persistence.datarecord import DataRecord
    from toolkit.idempotency.persistence.dynamodb import DynamoDBPersistenceLayer
