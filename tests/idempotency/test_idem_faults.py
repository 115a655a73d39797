"""Throttling and server errors on every DynamoDB call the utility makes, injected on the
wire of a real boto3 client (``faults.py``) talking to moto's server.

The calls: the claim (PutItem), the read of the existing record when the store's answer to
a failed claim carries no item (GetItem), the completion (UpdateItem) and the release after
an error (DeleteItem). For each: a transient fault is absorbed by botocore's retries as the
client's Config sets them (the attempts are counted); a lasting one ends in
IdempotencyPersistenceLayerError carrying the AWS error code, and the function's side effect
happened exactly as often as it should (never when the claim failed).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from tests.aws import client, use_fake_credentials
from tests.idempotency.faults import (
    CONDITION_FAILED,
    INTERNAL,
    THROTTLED,
    UNAVAILABLE,
    Calls,
    Fault,
    LostResponse,
)
from tests.idempotency.sides import TOOLKIT, Side, create_table

SIDE = Side(TOOLKIT)
ATTEMPTS = 3  # total attempts per call, the first included
# legacy mode: DynamoDB's backoff starts at 50 ms, so three attempts stay well under a second
LEGACY = Config(retries={"mode": "legacy", "total_max_attempts": ATTEMPTS})

LASTING = [pytest.param(THROTTLED, id="throttled"), pytest.param(INTERNAL, id="5xx")]


class Subject:
    """An idempotent function on a fresh table, with a real client whose calls are counted,
    and a list of the side effects it had."""

    def __init__(self, endpoint: str, config: Config = LEGACY) -> None:
        self.table = create_table(endpoint)
        self.dynamodb = client("dynamodb", endpoint, config=config)
        self.reader = client("dynamodb", endpoint)  # looks at the table, uncounted, unfaulted
        self.calls = Calls(self.dynamodb)
        self.effects: list[str] = []
        self.fail_with: Exception | None = None
        store = SIDE.store(self.table, self.dynamodb)
        config_ = SIDE.config(event_key_jmespath="order_id", in_progress_expires_after_seconds=60)

        @SIDE.package.idempotent_function(
            data_keyword_argument="order", persistence_store=store, config=config_
        )
        def charge(order: dict[str, Any]) -> dict[str, Any]:
            self.effects.append(order["order_id"])
            if self.fail_with is not None:
                raise self.fail_with
            return {"charged": order["order_id"]}

        self.charge: Callable[..., Any] = charge

    def fault(self, operation: str, fault: tuple[int, str], times: int | None = None) -> Fault:
        return Fault(self.dynamodb, operation, fault, times)

    def statuses(self) -> list[str]:
        """The status of every record in the table."""
        items = self.reader.scan(TableName=self.table, ConsistentRead=True)["Items"]
        return [item["status"]["S"] for item in items]


def assert_store_error(error: BaseException, code: str, operation: str) -> None:
    """``error`` is the persistence error for ``operation``, carrying the AWS error code (and
    chained from botocore's ClientError, so the traceback shows the request that failed)."""
    assert isinstance(error, SIDE.exceptions.IdempotencyPersistenceLayerError)
    assert (error.code, error.operation) == (code, operation)
    assert code in str(error)
    assert isinstance(error.__cause__, ClientError)


@pytest.fixture
def subject(moto_server: str, monkeypatch: pytest.MonkeyPatch) -> Subject:
    use_fake_credentials(monkeypatch.setenv)
    return Subject(moto_server)


# --- the claim (PutItem) ----------------------------------------------------------------------


@pytest.mark.parametrize("fault", LASTING)
def test_a_claim_that_keeps_failing_runs_nothing(subject: Subject, fault: tuple[int, str]) -> None:
    put = subject.fault("PutItem", fault)
    with pytest.raises(SIDE.exceptions.IdempotencyPersistenceLayerError) as raised:
        subject.charge(order={"order_id": "o-1"})
    assert_store_error(raised.value, fault[1], "claim")
    assert put.attempts == ATTEMPTS  # the client's retry policy, as configured
    assert subject.effects == []


def test_a_claim_throttled_then_accepted_runs_once(subject: Subject) -> None:
    put = subject.fault("PutItem", THROTTLED, times=ATTEMPTS - 1)
    assert subject.charge(order={"order_id": "o-1"}) == {"charged": "o-1"}
    assert put.attempts == ATTEMPTS
    assert subject.charge(order={"order_id": "o-1"}) == {"charged": "o-1"}
    assert subject.effects == ["o-1"]


def test_standard_retry_mode_is_used_as_configured(
    moto_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_fake_credentials(monkeypatch.setenv)
    subject = Subject(moto_server, Config(retries={"mode": "standard", "total_max_attempts": 2}))
    put = subject.fault("PutItem", UNAVAILABLE)
    with pytest.raises(SIDE.exceptions.IdempotencyPersistenceLayerError) as raised:
        subject.charge(order={"order_id": "o-1"})
    assert_store_error(raised.value, "ServiceUnavailable", "claim")
    assert put.attempts == 2
    assert subject.effects == []


# --- reading the existing record (GetItem, for a store without ALL_OLD) ------------------------


def _without_all_old(subject: Subject) -> None:
    """From now on the claim's failed condition comes back without the old item, as from a
    store that ignores ReturnValuesOnConditionCheckFailure: the existing record must be read."""
    subject.fault("PutItem", CONDITION_FAILED)


@pytest.mark.parametrize("fault", LASTING)
def test_a_read_that_keeps_failing_runs_nothing(subject: Subject, fault: tuple[int, str]) -> None:
    assert subject.charge(order={"order_id": "o-1"}) == {"charged": "o-1"}
    _without_all_old(subject)
    get = subject.fault("GetItem", fault)
    with pytest.raises(SIDE.exceptions.IdempotencyPersistenceLayerError) as raised:
        subject.charge(order={"order_id": "o-1"})
    assert_store_error(raised.value, fault[1], "get")
    assert get.attempts == ATTEMPTS
    assert subject.effects == ["o-1"]


def test_a_read_throttled_then_answered_returns_the_stored_result(subject: Subject) -> None:
    assert subject.charge(order={"order_id": "o-1"}) == {"charged": "o-1"}
    _without_all_old(subject)
    get = subject.fault("GetItem", THROTTLED, times=ATTEMPTS - 1)
    assert subject.charge(order={"order_id": "o-1"}) == {"charged": "o-1"}
    assert get.attempts == ATTEMPTS
    assert subject.effects == ["o-1"]


# --- the completion (UpdateItem) --------------------------------------------------------------
# The rule (Powertools' too): the function ran, but its result could not be stored. The call
# raises IdempotencyPersistenceLayerError (code, operation "complete") instead of returning as
# if the result were recorded; the record stays INPROGRESS, so until its in-progress expiry a
# retry is refused (IdempotencyAlreadyInProgressError) rather than run the side effect again.


@pytest.mark.parametrize("fault", LASTING)
def test_a_completion_that_keeps_failing_is_reported(
    subject: Subject, fault: tuple[int, str]
) -> None:
    update = subject.fault("UpdateItem", fault)
    with pytest.raises(SIDE.exceptions.IdempotencyPersistenceLayerError) as raised:
        subject.charge(order={"order_id": "o-1"})
    assert_store_error(raised.value, fault[1], "complete")
    assert update.attempts == ATTEMPTS
    assert subject.effects == ["o-1"]
    assert subject.statuses() == ["INPROGRESS"]
    with pytest.raises(SIDE.exceptions.IdempotencyAlreadyInProgressError):
        subject.charge(order={"order_id": "o-1"})
    assert subject.effects == ["o-1"]


def test_a_completion_throttled_then_accepted_is_stored(subject: Subject) -> None:
    update = subject.fault("UpdateItem", THROTTLED, times=ATTEMPTS - 1)
    assert subject.charge(order={"order_id": "o-1"}) == {"charged": "o-1"}
    assert update.attempts == ATTEMPTS
    assert subject.statuses() == ["COMPLETED"]
    assert subject.charge(order={"order_id": "o-1"}) == {"charged": "o-1"}
    assert subject.effects == ["o-1"]


# --- the release after an error (DeleteItem) --------------------------------------------------
# The rule (docs/idempotency.md; Powertools raises its persistence error instead): the
# function's own exception is what the caller gets, with its traceback; the failed release is
# logged at ERROR with the AWS code, and the lock stays until its in-progress expiry.


class Declined(Exception):
    """The function's own failure."""


@pytest.mark.parametrize("fault", LASTING)
def test_a_release_that_keeps_failing_keeps_the_original_error(
    subject: Subject, fault: tuple[int, str], caplog: pytest.LogCaptureFixture
) -> None:
    subject.fail_with = Declined("card declined")
    delete = subject.fault("DeleteItem", fault)
    with caplog.at_level(logging.ERROR), pytest.raises(Declined) as raised:
        subject.charge(order={"order_id": "o-1"})
    assert raised.value is subject.fail_with
    assert delete.attempts == ATTEMPTS
    logged = [r for r in caplog.records if "could not be released" in r.getMessage()]
    assert [getattr(r, "code", None) for r in logged] == [fault[1]]
    assert subject.statuses() == ["INPROGRESS"]
    with pytest.raises(SIDE.exceptions.IdempotencyAlreadyInProgressError):
        subject.charge(order={"order_id": "o-1"})
    assert subject.effects == ["o-1"]


def test_a_release_throttled_then_accepted_frees_the_key(subject: Subject) -> None:
    subject.fail_with = Declined("card declined")
    delete = subject.fault("DeleteItem", THROTTLED, times=ATTEMPTS - 1)
    with pytest.raises(Declined):
        subject.charge(order={"order_id": "o-1"})
    assert delete.attempts == ATTEMPTS
    assert subject.statuses() == []
    subject.fail_with = None
    assert subject.charge(order={"order_id": "o-1"}) == {"charged": "o-1"}
    assert subject.effects == ["o-1", "o-1"]


# --- an answer lost after the write was applied ------------------------------------------------
# A read timeout after DynamoDB applied the request: botocore retries it, and the retry meets
# what the first attempt did. The fence token tells this execution's own writes from another's.


def test_a_lost_claim_answer_is_recognised_as_our_own_claim(subject: Subject) -> None:
    """The claim's retry finds the INPROGRESS record the first attempt wrote, with this
    call's own fence token: the key is ours, the function runs (once) and its result is
    stored; taking it for another execution's lock would refuse the call until it expires."""
    lost = LostResponse(subject.dynamodb, "PutItem")
    assert subject.charge(order={"order_id": "o-1"}) == {"charged": "o-1"}
    assert (lost.applied, lost.attempts) == (200, 2)
    assert subject.effects == ["o-1"]
    assert subject.statuses() == ["COMPLETED"]


def test_a_lost_completion_answer_is_retried_into_the_same_result(subject: Subject) -> None:
    lost = LostResponse(subject.dynamodb, "UpdateItem")
    assert subject.charge(order={"order_id": "o-1"}) == {"charged": "o-1"}
    assert (lost.applied, lost.attempts) == (200, 2)
    assert subject.statuses() == ["COMPLETED"]
    assert subject.charge(order={"order_id": "o-1"}) == {"charged": "o-1"}
    assert subject.effects == ["o-1"]


def test_a_lost_release_answer_still_frees_the_key(
    subject: Subject, caplog: pytest.LogCaptureFixture
) -> None:
    """The release's retry finds the record gone (its first attempt deleted it): the key is
    free and the function's own error is what the caller gets."""
    subject.fail_with = Declined("card declined")
    lost = LostResponse(subject.dynamodb, "DeleteItem")
    with caplog.at_level(logging.ERROR), pytest.raises(Declined):
        subject.charge(order={"order_id": "o-1"})
    assert (lost.applied, lost.attempts) == (200, 2)
    assert subject.statuses() == []
    subject.fail_with = None
    assert subject.charge(order={"order_id": "o-1"}) == {"charged": "o-1"}
    assert subject.effects == ["o-1", "o-1"]


def test_a_lost_release_answer_is_not_reported_as_a_takeover(
    subject: Subject, caplog: pytest.LogCaptureFixture
) -> None:
    subject.fail_with = Declined("card declined")
    LostResponse(subject.dynamodb, "DeleteItem")
    with caplog.at_level(logging.ERROR), pytest.raises(Declined):
        subject.charge(order={"order_id": "o-1"})
    assert not [r for r in caplog.records if "taken over" in r.getMessage()]


def test_the_layers_own_client_retries_as_boto_config_says(
    moto_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without boto3_client, the layer builds its client from ``boto_config``: that client's
    retry policy is the one applied (AWS_ENDPOINT_URL points it at the local server)."""
    use_fake_credentials(monkeypatch.setenv)
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server)
    store = SIDE.package.DynamoDBPersistenceLayer(
        table_name=create_table(moto_server),
        boto_config=Config(retries={"mode": "legacy", "total_max_attempts": 2}),
    )
    put = Fault(store.client, "PutItem", INTERNAL)
    effects = []

    @SIDE.package.idempotent_function(
        data_keyword_argument="order",
        persistence_store=store,
        config=SIDE.config(event_key_jmespath="order_id", in_progress_expires_after_seconds=60),
    )
    def charge(order: dict[str, Any]) -> str:
        effects.append(order["order_id"])
        return "charged"

    with pytest.raises(SIDE.exceptions.IdempotencyPersistenceLayerError) as raised:
        charge(order={"order_id": "o-1"})
    assert_store_error(raised.value, "InternalServerError", "claim")
    assert (put.attempts, effects) == (2, [])
