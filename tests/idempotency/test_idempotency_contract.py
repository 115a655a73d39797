"""The store contract (``BasePersistenceLayer``): another store plugs in without touching the
algorithm. ``DictStore`` is a complete store kept in a dict, the way a Redis layer would keep
its records (conditional set, get, fenced update and delete); the algorithm's guarantees hold
on it unchanged."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from toolkit.idempotency import (
    BasePersistenceLayer,
    DataRecord,
    IdempotencyConfig,
    IdempotencyFencingError,
    IdempotencyInconsistentStateError,
    IdempotencyPersistenceLayerError,
    idempotent_function,
)
from toolkit.idempotency.exceptions import (
    IdempotencyInvalidStatusError,
    IdempotencyItemAlreadyExistsError,
    IdempotencyItemNotFoundError,
)
from toolkit.idempotency.hook import IdempotentHookFunction

CONFIG = IdempotencyConfig(in_progress_expires_after_seconds=30)


class DictStore(BasePersistenceLayer):
    """Records in a dict, each operation atomic under a lock."""

    max_item_bytes = 64

    def __init__(self, *, return_old: bool = True) -> None:
        super().__init__()
        self.records: dict[str, DataRecord] = {}
        self.lock = threading.Lock()
        self.return_old = return_old
        self.operations: list[str] = []

    def _live(self, key: str) -> DataRecord | None:
        record = self.records.get(key)
        if record is None or record.is_expired or record.in_progress_expired:
            return None
        return record

    def _put_record(self, data_record: DataRecord) -> None:
        self.operations.append("put")
        with self.lock:
            holder = self._live(data_record.idempotency_key)
            if holder is not None:
                raise IdempotencyItemAlreadyExistsError(
                    old_data_record=holder if self.return_old else None
                )
            self.records[data_record.idempotency_key] = data_record

    def _get_record(self, idempotency_key: str) -> DataRecord:
        self.operations.append("get")
        with self.lock:
            record = self.records.get(idempotency_key)
        if record is None:
            raise IdempotencyItemNotFoundError("none", key=idempotency_key)
        return record

    def _fenced(self, data_record: DataRecord, operation: str) -> None:
        held = self.records.get(data_record.idempotency_key)
        if held is None or held.fence_token != data_record.fence_token:
            raise IdempotencyFencingError("taken over", operation=operation)

    def _update_record(self, data_record: DataRecord) -> None:
        self.operations.append("update")
        with self.lock:
            self._fenced(data_record, "complete")
            self.records[data_record.idempotency_key] = data_record

    def _delete_record(self, data_record: DataRecord) -> None:
        self.operations.append("delete")
        with self.lock:
            self._fenced(data_record, "release")
            del self.records[data_record.idempotency_key]

    def _item_size(self, data_record: DataRecord) -> int:
        return len(data_record.response_data)


def test_a_dict_store_follows_the_algorithm() -> None:
    store = DictStore(return_old=False)
    runs: list[int] = []

    @idempotent_function(data_keyword_argument="order", persistence_store=store, config=CONFIG)
    def charge(order: str) -> dict[str, str]:
        runs.append(1)
        return {"order": order}

    assert charge(order="a") == charge(order="a") == {"order": "a"}
    assert runs == [1]
    assert store.operations == ["put", "update", "put", "get"]
    assert repr(store) == "DictStore('DictStore')"

    @idempotent_function(data_keyword_argument="order", persistence_store=store, config=CONFIG)
    def big(order: str) -> str:
        return "x" * 100

    from toolkit.idempotency import IdempotencyItemTooLargeError

    with pytest.raises(IdempotencyItemTooLargeError, match="DictStore"):
        big(order="a")


def test_a_record_that_keeps_vanishing_is_an_inconsistent_state() -> None:
    class Vanishing(DictStore):
        def _get_record(self, idempotency_key: str) -> DataRecord:
            self.operations.append("get")
            raise IdempotencyItemNotFoundError("gone", key=idempotency_key)

    store = Vanishing(return_old=False)
    store.records["x"] = DataRecord("x")  # unused: every claim meets a holder that vanishes

    def _put(data_record: DataRecord) -> None:
        store.operations.append("put")
        raise IdempotencyItemAlreadyExistsError()

    store._put_record = _put  # type: ignore[method-assign]

    @idempotent_function(data_keyword_argument="order", persistence_store=store, config=CONFIG)
    def charge(order: str) -> None:
        raise AssertionError("must not run")

    with pytest.raises(IdempotencyInconsistentStateError, match="3 claims"):
        charge(order="a")
    assert store.operations == ["put", "get"] * 3


def test_an_unknown_status_is_reported() -> None:
    store = DictStore()

    @idempotent_function(data_keyword_argument="order", persistence_store=store, config=CONFIG)
    def charge(order: str) -> None: ...

    charge(order="a")
    (record,) = store.records.values()
    record._status = "PENDING"
    with pytest.raises(IdempotencyInvalidStatusError, match="PENDING"):
        charge(order="a")


class Broken(DictStore):
    """A store whose backend raises its own exceptions (a Redis client's, say)."""

    def __init__(self, failing: str) -> None:
        super().__init__(return_old=False)
        self.failing = failing

    def _fail(self, operation: str) -> None:
        if operation == self.failing:
            error = ConnectionError("backend down")
            error.code = "ECONNRESET"  # type: ignore[attr-defined]
            raise error

    def _put_record(self, data_record: DataRecord) -> None:
        self._fail("put")
        super()._put_record(data_record)

    def _get_record(self, idempotency_key: str) -> DataRecord:
        self._fail("get")
        return super()._get_record(idempotency_key)

    def _update_record(self, data_record: DataRecord) -> None:
        self._fail("update")
        super()._update_record(data_record)

    def _delete_record(self, data_record: DataRecord) -> None:
        self._fail("delete")
        super()._delete_record(data_record)


@pytest.mark.parametrize(("failing", "operation"), [("put", "claim"), ("update", "complete")])
def test_a_store_own_exception_becomes_a_persistence_error(failing: str, operation: str) -> None:
    store = Broken(failing)

    @idempotent_function(data_keyword_argument="order", persistence_store=store, config=CONFIG)
    def charge(order: str) -> int:
        return 1

    with pytest.raises(IdempotencyPersistenceLayerError) as caught:
        charge(order="a")
    assert (caught.value.code, caught.value.operation) == ("ECONNRESET", operation)
    assert caught.value.table == "Broken"
    assert isinstance(caught.value.__cause__, ConnectionError)


def test_a_failed_get_and_a_failed_release_are_handled(caplog: pytest.LogCaptureFixture) -> None:
    store = Broken("get")

    @idempotent_function(data_keyword_argument="order", persistence_store=store, config=CONFIG)
    def charge(order: str) -> int:
        return 1

    charge(order="a")
    with pytest.raises(IdempotencyPersistenceLayerError) as caught:
        charge(order="a")
    assert caught.value.operation == "get"

    store.failing = "delete"

    @idempotent_function(data_keyword_argument="order", persistence_store=store, config=CONFIG)
    def fail(order: str) -> None:
        raise ValueError("declined")

    with pytest.raises(ValueError, match="declined"):
        fail(order="b")
    assert "could not be released" in caplog.text


def test_an_abstract_store_cannot_be_built() -> None:
    class Half(BasePersistenceLayer):
        def _get_record(self, idempotency_key: str) -> DataRecord:
            raise NotImplementedError

    with pytest.raises(TypeError, match="abstract"):
        Half()  # type: ignore[abstract]


def test_response_hook_type_is_a_protocol() -> None:
    def hook(response: Any, idempotent_data: DataRecord) -> Any:
        return response

    checked: IdempotentHookFunction = hook
    assert checked(1, DataRecord("k")) == 1
    assert DataRecord("k", expiry_timestamp=int(time.time()) + 5).is_expired is False


def test_a_claim_whose_answer_was_lost_is_recognised_as_our_own() -> None:
    """The claim was applied but its answer lost; the SDK's retry then meets the record the
    first attempt wrote, carrying this call's fence token: the lock is ours, the function
    runs (rather than waiting for itself until the lock expires)."""

    class LostAnswer(DictStore):
        def _put_record(self, data_record: DataRecord) -> None:
            self.operations.append("put")
            with self.lock:
                self.records[data_record.idempotency_key] = data_record  # applied...
            raise IdempotencyItemAlreadyExistsError(old_data_record=data_record)  # ...retried

    store = LostAnswer()
    runs: list[int] = []

    @idempotent_function(data_keyword_argument="order", persistence_store=store, config=CONFIG)
    def charge(order: str) -> int:
        runs.append(1)
        return 5

    assert charge(order="a") == 5
    assert runs == [1]
    assert store.operations == ["put", "update"]
    (record,) = store.records.values()
    assert record.status == "COMPLETED"
