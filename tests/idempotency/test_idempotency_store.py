"""The DynamoDB layer's requests: a store without ALL_OLD, errors, item size, sort keys."""

from __future__ import annotations

from typing import Any

import pytest

from tests.idempotency.conftest import create_table
from toolkit.idempotency import (
    DynamoDBPersistenceLayer,
    IdempotencyConfig,
    IdempotencyConfigError,
    IdempotencyItemTooLargeError,
    IdempotencyPersistenceLayerError,
    idempotent_function,
)
from toolkit.idempotency.persistence.dynamodb import MAX_ITEM_BYTES

CONFIG = IdempotencyConfig(event_key_jmespath="id", in_progress_expires_after_seconds=30)


def test_a_store_that_returns_no_old_item_costs_one_get(store, dynamodb, calls) -> None:
    def strip_item(parsed: dict[str, Any], **_: Any) -> None:
        parsed.pop("Item", None)  # what older DynamoDB Local builds and some proxies answer

    dynamodb.meta.events.register("after-call.dynamodb.PutItem", strip_item)
    runs: list[int] = []

    @idempotent_function(data_keyword_argument="order", persistence_store=store, config=CONFIG)
    def charge(order: dict[str, Any]) -> int:
        runs.append(1)
        return 7

    assert charge(order={"id": "a"}) == 7
    assert calls.take() == ["PutItem", "UpdateItem"]
    assert charge(order={"id": "a"}) == 7
    assert calls.take() == ["PutItem", "GetItem"]
    assert runs == [1]


class _Throttled:
    """A botocore ``before-call`` hook answering ``operation`` with an AWS error (after
    botocore's retries, which idemrace's fault-injection tests exercise through the wire)."""

    def __init__(self, operation: str, code: str, status: int) -> None:
        self.operation = operation
        self.code = code
        self.status = status

    def __call__(self, model: Any, **_: Any) -> Any:
        if model.name != self.operation:
            return None
        from botocore.awsrequest import AWSResponse

        response = AWSResponse("http://127.0.0.1/", self.status, {}, None)
        return response, {
            "Error": {"Code": self.code, "Message": "injected"},
            "ResponseMetadata": {"HTTPStatusCode": self.status},
        }


def test_a_failed_claim_does_not_run_and_carries_the_aws_code(store, dynamodb) -> None:
    dynamodb.meta.events.register(
        "before-call.dynamodb",
        _Throttled("PutItem", "ProvisionedThroughputExceededException", 400),
    )

    @idempotent_function(data_keyword_argument="order", persistence_store=store, config=CONFIG)
    def charge(order: dict[str, Any]) -> None:
        raise AssertionError("must not run")

    with pytest.raises(IdempotencyPersistenceLayerError) as caught:
        charge(order={"id": "a"})
    assert caught.value.code == "ProvisionedThroughputExceededException"
    assert caught.value.operation == "claim"
    assert caught.value.table == store.table_name
    assert "ProvisionedThroughputExceededException" in str(caught.value)


def test_a_failed_completion_is_a_persistence_error(store, dynamodb) -> None:
    dynamodb.meta.events.register(
        "before-call.dynamodb", _Throttled("UpdateItem", "InternalServerError", 500)
    )

    @idempotent_function(data_keyword_argument="order", persistence_store=store, config=CONFIG)
    def charge(order: dict[str, Any]) -> int:
        return 1

    with pytest.raises(IdempotencyPersistenceLayerError) as caught:
        charge(order={"id": "a"})
    assert (caught.value.code, caught.value.operation) == ("InternalServerError", "complete")


def test_a_result_too_large_is_refused_before_the_write_and_releases(store, items, calls) -> None:
    runs: list[int] = []

    @idempotent_function(data_keyword_argument="order", persistence_store=store, config=CONFIG)
    def report(order: dict[str, Any]) -> str:
        runs.append(1)
        return "x" * MAX_ITEM_BYTES

    with pytest.raises(IdempotencyItemTooLargeError) as caught:
        report(order={"id": "a"})
    assert caught.value.limit == 400 * 1024
    assert caught.value.size > caught.value.limit
    assert calls.take() == ["PutItem", "DeleteItem"]  # never an UpdateItem DynamoDB refuses
    assert items() == []
    with pytest.raises(IdempotencyItemTooLargeError):
        report(order={"id": "a"})
    assert runs == [1, 1]


def test_a_large_result_under_the_limit_is_stored(store, items) -> None:
    # moto refuses items over 405,000 bytes (its source: "the actual limit is between 409 and
    # 410KB"); DynamoDB's is 400 KB of 1024 bytes, 409,600. Stay under moto's.
    size = 400_000

    @idempotent_function(data_keyword_argument="order", persistence_store=store, config=CONFIG)
    def report(order: dict[str, Any]) -> str:
        return "x" * size

    assert len(report(order={"id": "a"})) == size
    assert report(order={"id": "a"}) == "x" * size


def test_composite_key_table(dynamodb, monkeypatch) -> None:
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "orders")
    table = create_table(dynamodb, key="pk", sort_key="sk")
    store = DynamoDBPersistenceLayer(
        table_name=table, key_attr="pk", sort_key_attr="sk", boto3_client=dynamodb
    )
    runs: list[int] = []

    @idempotent_function(data_keyword_argument="order", persistence_store=store, config=CONFIG)
    def charge(order: dict[str, Any]) -> int:
        runs.append(1)
        return len(runs)

    assert charge(order={"id": "a"}) == charge(order={"id": "a"}) == 1
    (item,) = dynamodb.scan(TableName=table)["Items"]
    assert item["pk"] == {"S": "idempotency#orders"}
    assert item["sk"]["S"].startswith("orders.")


def test_custom_attribute_names(dynamodb) -> None:
    table = create_table(dynamodb, key="key")
    store = DynamoDBPersistenceLayer(
        table_name=table,
        key_attr="key",
        expiry_attr="ttl",
        in_progress_expiry_attr="lock_until",
        status_attr="state",
        data_attr="result",
        validation_key_attr="hash",
        fence_attr="token",
        boto3_client=dynamodb,
    )
    config = IdempotencyConfig(
        event_key_jmespath="id",
        payload_validation_jmespath="amount",
        in_progress_expires_after_seconds=9,
    )

    @idempotent_function(data_keyword_argument="order", persistence_store=store, config=config)
    def charge(order: dict[str, Any]) -> int:
        return 3

    assert charge(order={"id": "a", "amount": 1}) == charge(order={"id": "a", "amount": 1}) == 3
    (item,) = dynamodb.scan(TableName=table)["Items"]
    assert set(item) == {"key", "ttl", "lock_until", "state", "result", "hash", "token"}


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"table_name": ""}, "table_name"),
        ({"table_name": "t", "sort_key_attr": "id"}, "key_attr and sort_key_attr"),
        ({"table_name": "t", "data_attr": "status"}, "status_attr and data_attr"),
        ({"table_name": "t", "expiry_attr": ""}, "expiry_attr"),
        ({"table_name": "t", "boto3_client": object(), "boto_config": object()}, "boto3_client"),
    ],
)
def test_layer_options_are_checked(options: dict[str, Any], message: str) -> None:
    with pytest.raises(IdempotencyConfigError, match=message):
        DynamoDBPersistenceLayer(**options)


def test_the_client_is_made_on_first_use_from_the_session(moto_server, monkeypatch) -> None:
    import boto3

    from tests.aws import REGION, use_fake_credentials

    use_fake_credentials(monkeypatch.setenv)
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", moto_server)
    session = boto3.session.Session(region_name=REGION)
    store = DynamoDBPersistenceLayer(table_name="t", boto3_session=session)
    assert store._client is None
    assert store.client is store.client
    assert store.client.meta.region_name == REGION


class _Body:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def stream(self, **_: Any) -> Any:
        yield self.data


def test_throttling_goes_through_botocore_retries_as_configured(moto_server, table) -> None:
    """A throttled answer injected below botocore's retry handler (``before-send``): the
    configured attempts are made, then the error carries the AWS code; one throttled attempt
    followed by a good one is invisible."""
    import json

    import boto3
    from botocore.awsrequest import AWSResponse
    from botocore.config import Config

    from tests.aws import REGION

    session = boto3.session.Session(
        aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION
    )
    client = session.client(
        "dynamodb",
        endpoint_url=moto_server,
        config=Config(retries={"total_max_attempts": 3, "mode": "standard"}),
    )
    throttled: list[str] = []
    budget = {"failures": 10**6}

    def throttle(request: Any, **_: Any) -> Any:
        if b'"ConditionExpression"' not in (request.body or b"") or budget["failures"] <= 0:
            return None
        budget["failures"] -= 1
        throttled.append("PutItem")
        body = json.dumps(
            {
                "__type": "com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
                "message": "injected",
            }
        ).encode()
        headers = {"Content-Type": "application/x-amz-json-1.0", "x-amzn-RequestId": "r"}
        return AWSResponse(request.url, 400, headers, _Body(body))

    client.meta.events.register("before-send.dynamodb", throttle)
    store = DynamoDBPersistenceLayer(table_name=table, boto3_client=client)
    runs: list[int] = []

    @idempotent_function(data_keyword_argument="order", persistence_store=store, config=CONFIG)
    def charge(order: dict[str, Any]) -> int:
        runs.append(1)
        return 1

    with pytest.raises(IdempotencyPersistenceLayerError) as caught:
        charge(order={"id": "a"})
    assert caught.value.code == "ProvisionedThroughputExceededException"
    assert len(throttled) == 3  # total_max_attempts
    assert runs == []

    throttled.clear()
    budget["failures"] = 1
    assert charge(order={"id": "a"}) == 1
    assert throttled == ["PutItem"]
    assert runs == [1]


def test_a_fenced_release_of_a_record_already_gone_is_quiet(store, dynamodb) -> None:
    """A retried DeleteItem whose first answer was lost meets no record: nothing was taken
    over, so no fencing error (and no misleading log line); a record carrying another
    token is a takeover."""
    from toolkit.idempotency import DataRecord, IdempotencyFencingError

    store._put_record(DataRecord("k", "INPROGRESS", 2**31, fence_token="mine"))
    store._delete_record(DataRecord("k", fence_token="mine"))
    store._delete_record(DataRecord("k", fence_token="mine"))  # the retry: already gone
    store._put_record(DataRecord("k", "INPROGRESS", 2**31, fence_token="theirs"))
    with pytest.raises(IdempotencyFencingError) as caught:
        store._delete_record(DataRecord("k", fence_token="mine"))
    assert caught.value.operation == "release"
    assert dynamodb.get_item(TableName=store.table_name, Key={"id": {"S": "k"}})["Item"]
