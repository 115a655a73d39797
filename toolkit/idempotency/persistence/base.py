"""``BasePersistenceLayer``: what a store must do for the idempotency algorithm, and no more.

The algorithm (claim, read on conflict, run, complete or release, wait, expire) lives in
:mod:`toolkit.idempotency.base` and talks to a store through four operations, each on one
:class:`~toolkit.idempotency.persistence.datarecord.DataRecord`. A store for Redis or anything
else implements these four and inherits the rest unchanged:

``_put_record(record)``
    The claim, atomic: write ``record`` (status ``INPROGRESS``, with its ``fence_token``)
    unless a live record holds the key. Live means: not past ``expiry_timestamp`` (seconds),
    and not an ``INPROGRESS`` record past ``in_progress_expiry_timestamp`` (milliseconds).
    When one does, raise
    :class:`~toolkit.idempotency.exceptions.IdempotencyItemAlreadyExistsError`, with the
    record that holds the key as ``old_data_record`` if the store returned it in the same
    round trip (the algorithm reads it with ``_get_record`` otherwise).
``_get_record(idempotency_key)``
    A strongly consistent read;
    :class:`~toolkit.idempotency.exceptions.IdempotencyItemNotFoundError` when there is none.
``_update_record(record)``
    The completion: store the record (status ``COMPLETED``, the result, the new expiry) only
    if the stored one still carries ``record.fence_token``; else raise
    :class:`~toolkit.idempotency.exceptions.IdempotencyFencingError` (operation ``complete``).
``_delete_record(record)``
    The release: delete the record only if it still carries ``record.fence_token``; else
    raise :class:`~toolkit.idempotency.exceptions.IdempotencyFencingError` (operation
    ``release``).

A store failure (throttling, network) should be raised as
:class:`~toolkit.idempotency.exceptions.IdempotencyPersistenceLayerError` with the store's
error code; any other exception a store raises is wrapped in one by the algorithm. Payloads
and results never go in an exception or a log line.

A layer written for Powertools (the same four methods, without fencing) keeps working: its
records are simply not fenced.
"""

from __future__ import annotations

from abc import ABC, abstractmethod

from toolkit._typing import TYPE_CHECKING

if TYPE_CHECKING:
    from toolkit.idempotency.persistence.datarecord import DataRecord

__all__ = ["BasePersistenceLayer"]


class BasePersistenceLayer(ABC):
    """Base class of idempotency stores; see the module docstring for the contract.

    ``store_name`` names the store in error messages (a DynamoDB layer uses its table name).
    ``max_item_bytes`` is the largest record the store accepts, checked by
    :meth:`_item_size` before the completion is written; ``None`` means no limit.
    """

    store_name: str = ""
    max_item_bytes: int | None = None

    def __init__(self) -> None:
        if not self.store_name:
            self.store_name = type(self).__name__

    def _item_size(self, data_record: DataRecord) -> int:
        """The size the store would count for ``data_record`` once completed; compared with
        :attr:`max_item_bytes` (a store with a limit overrides this)."""
        return 0

    @abstractmethod
    def _get_record(self, idempotency_key: str) -> DataRecord: ...

    @abstractmethod
    def _put_record(self, data_record: DataRecord) -> None: ...

    @abstractmethod
    def _update_record(self, data_record: DataRecord) -> None: ...

    @abstractmethod
    def _delete_record(self, data_record: DataRecord) -> None: ...

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.store_name!r})"
