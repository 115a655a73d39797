"""Per-record idempotency in an SQS batch: ``idempotent_function`` on the record handler,
run through toolkit.batch (``process_partial_response``) on a real table (moto's server,
with its request handling serialised, as the threaded runs put concurrent claims on one key).

The batches hold the duplicates Lambda really sees: the same message delivered twice
(same ``messageId``: keyed on the message id) and the same order sent twice by a producer
that retried (different ``messageId``, same body: keyed on the body). Some orders are poison
(the handler raises). Failed records are redelivered, as the event source mapping does,
until only poison is left. What must hold: each distinct order is charged exactly once,
whatever the processor (sequential, ``max_workers`` threads, FIFO), and
``batchItemFailures`` names exactly the records that did not succeed.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.aws import client, use_fake_credentials
from tests.batch.batches import sqs_record
from tests.idempotency.serial_moto import serial_moto_server
from tests.idempotency.sides import TOOLKIT, Side, create_table
from toolkit.batch import (
    BatchProcessor,
    EventType,
    SqsFifoPartialProcessor,
    process_partial_response,
)
from toolkit.testing import lambda_context

SIDE = Side(TOOLKIT)
ORDERS = 12
POISON = {"order-3", "order-7"}
REDELIVERIES = 5  # bound on the redelivery loop (an in-progress duplicate needs one)


@pytest.fixture(scope="module")
def serial_moto() -> Iterator[str]:
    with serial_moto_server() as url:
        yield url


class Poison(Exception):
    """The record handler's failure for a poison order."""


def message(
    index: int, order: str, message_id: str | None = None, group: str | None = None
) -> dict[str, Any]:
    record = sqs_record(index, body=json.dumps({"order_id": order, "amount": 10}), group=group)
    if message_id is not None:
        record["messageId"] = message_id
    return record


def batch_with_duplicates(
    group_of: Callable[[int], str | None] = lambda _: None,
) -> list[dict[str, Any]]:
    """Every order once, then: each even order redelivered (same messageId), each order
    divisible by three sent again by the producer (new messageId, same body)."""
    records = [message(i, f"order-{i}", group=group_of(i)) for i in range(ORDERS)]
    records += [
        message(100 + i, f"order-{i}", message_id=records[i]["messageId"], group=group_of(i))
        for i in range(0, ORDERS, 2)
    ]
    records += [message(200 + i, f"order-{i}", group=group_of(i)) for i in range(0, ORDERS, 3)]
    return records


class Consumer:
    """A queue consumer: the record handler (idempotent, keyed as asked), the charges it
    made, and the redelivery loop."""

    def __init__(self, endpoint: str, key: str, **options: Any) -> None:
        dynamodb = client("dynamodb", endpoint)
        self.config = SIDE.config(event_key_jmespath=key, **options)
        store = SIDE.store(create_table(endpoint), dynamodb)
        self.charges: list[str] = []
        self._lock = threading.Lock()

        @SIDE.package.idempotent_function(
            data_keyword_argument="record", persistence_store=store, config=self.config
        )
        def charge(record: Any) -> dict[str, Any]:
            order = json.loads(record.body)["order_id"]
            if order in POISON:
                raise Poison(order)
            with self._lock:
                self.charges.append(order)
            return {"charged": order}

        # given to the processor as it is: toolkit.batch passes the record positionally,
        # and idempotent_function finds ``record`` by its place in the signature
        self.handler: Callable[[Any], Any] = charge

    def invoke(self, records: list[dict[str, Any]], processor: BatchProcessor) -> list[str]:
        """One Lambda invocation on ``records``: the failed message ids."""
        context = lambda_context()
        self.config.register_lambda_context(context)
        response = process_partial_response({"Records": records}, self.handler, processor, context)
        return [item["itemIdentifier"] for item in response["batchItemFailures"]]

    def until_only_poison(
        self, records: list[dict[str, Any]], processor: BatchProcessor
    ) -> list[list[str]]:
        """Invoke, then redeliver the failed records, until the failures are all poison.
        Returns each invocation's failures."""
        history = []
        for _ in range(REDELIVERIES):
            failed = self.invoke(records, processor)
            history.append(failed)
            records = [r for r in records if r["messageId"] in failed]
            if all(json.loads(r["body"])["order_id"] in POISON for r in records):
                return history
        pytest.fail(f"still failing after {REDELIVERIES} deliveries: {history}")


def ids_of(records: list[dict[str, Any]], orders: set[str]) -> list[str]:
    """Message ids of the records for ``orders``, in record order, each once."""
    found = [r["messageId"] for r in records if json.loads(r["body"])["order_id"] in orders]
    return list(dict.fromkeys(found))


def distinct_good_orders() -> Counter[str]:
    return Counter(f"order-{i}" for i in range(ORDERS) if f"order-{i}" not in POISON)


@pytest.fixture(autouse=True)
def _credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    use_fake_credentials(monkeypatch.setenv)


@pytest.mark.parametrize("key", ["powertools_json(body).order_id", "body"])
def test_sequential_charges_each_order_once(serial_moto: str, key: str) -> None:
    consumer = Consumer(serial_moto, key, in_progress_expires_after_seconds=60)
    records = batch_with_duplicates()
    failed = consumer.invoke(records, BatchProcessor(EventType.SQS))
    assert Counter(consumer.charges) == distinct_good_orders()
    assert failed == ids_of(records, POISON)
    # the whole batch again (a redrive): nothing charged twice, the same failures
    assert consumer.invoke(records, BatchProcessor(EventType.SQS)) == failed
    assert Counter(consumer.charges) == distinct_good_orders()


def test_keyed_on_message_id_a_redelivery_is_not_charged_again(serial_moto: str) -> None:
    """Keyed on the message id, the producer's resend is a new message (charged again: that
    is what the key says) while the redelivered message is not."""
    consumer = Consumer(serial_moto, "messageId", in_progress_expires_after_seconds=60)
    records = batch_with_duplicates()
    failed = consumer.invoke(records, BatchProcessor(EventType.SQS))
    expected = distinct_good_orders() + Counter(
        f"order-{i}" for i in range(0, ORDERS, 3) if f"order-{i}" not in POISON
    )
    assert Counter(consumer.charges) == expected
    assert failed == ids_of(records, POISON)


@pytest.mark.parametrize("workers", [4, 8])
@pytest.mark.parametrize("cache", [False, True], ids=["store", "local-cache"])
def test_threads_charge_each_order_once(serial_moto: str, workers: int, cache: bool) -> None:
    """Duplicates may run at the same time on two threads: the loser finds the order in
    progress and fails its record, which is redelivered and then answered from the store
    (or the local cache, shared by the threads)."""
    consumer = Consumer(
        serial_moto,
        "powertools_json(body).order_id",
        in_progress_expires_after_seconds=60,
        use_local_cache=cache,
    )
    records = batch_with_duplicates()
    processor = BatchProcessor(EventType.SQS, max_workers=workers)
    history = consumer.until_only_poison(records, processor)
    assert Counter(consumer.charges) == distinct_good_orders()
    assert sorted(history[-1]) == sorted(ids_of(records, POISON))
    assert set(history[0]) >= set(ids_of(records, POISON))


def test_threads_waiting_for_in_progress_need_no_redelivery(serial_moto: str) -> None:
    """With ``wait_for_in_progress`` the thread that loses a claim waits for the winner's
    result instead of failing its record: only the poison fails, on the first delivery."""
    consumer = Consumer(
        serial_moto,
        "powertools_json(body).order_id",
        in_progress_expires_after_seconds=60,
        wait_for_in_progress=10,
    )
    records = batch_with_duplicates()
    failed = consumer.invoke(records, BatchProcessor(EventType.SQS, max_workers=8))
    assert Counter(consumer.charges) == distinct_good_orders()
    assert sorted(failed) == sorted(ids_of(records, POISON))


def test_fifo_stops_at_the_poison_and_charges_once(serial_moto: str) -> None:
    groups = ["alpha", "beta", "gamma"]
    consumer = Consumer(
        serial_moto, "powertools_json(body).order_id", in_progress_expires_after_seconds=60
    )
    records = batch_with_duplicates(lambda i: groups[i % len(groups)])
    first_poison = next(
        i for i, r in enumerate(records) if json.loads(r["body"])["order_id"] in POISON
    )
    failed = consumer.invoke(records, SqsFifoPartialProcessor())
    # everything from the first poison on is reported failed, in order; nothing after it ran
    assert failed == [r["messageId"] for r in records[first_poison:]]
    before = {json.loads(r["body"])["order_id"] for r in records[:first_poison]}
    assert Counter(consumer.charges) == Counter(before)


def test_fifo_skipping_the_group_charges_each_order_once(serial_moto: str) -> None:
    groups = ["alpha", "beta", "gamma"]
    consumer = Consumer(
        serial_moto, "powertools_json(body).order_id", in_progress_expires_after_seconds=60
    )
    records = batch_with_duplicates(lambda i: groups[i % len(groups)])
    failed = consumer.invoke(records, SqsFifoPartialProcessor(skip_group_on_error=True))
    poisoned_groups = {
        r["attributes"]["MessageGroupId"]
        for r in records
        if json.loads(r["body"])["order_id"] in POISON
    }
    skipped = []  # indexes of the poison records and of everything after them in their group
    seen_poison: set[str] = set()
    for index, r in enumerate(records):
        group = r["attributes"]["MessageGroupId"]
        if json.loads(r["body"])["order_id"] in POISON:
            seen_poison.add(group)
        if group in seen_poison:
            skipped.append(index)
    assert failed == [records[index]["messageId"] for index in skipped]
    charged = {json.loads(r["body"])["order_id"] for i, r in enumerate(records) if i not in skipped}
    assert Counter(consumer.charges) == Counter(charged - POISON)
    assert poisoned_groups
