"""A real DynamoDB API for the idempotency tests: moto's server (a subprocess on 127.0.0.1),
a real boto3 client, and a table of its own for each test.

``calls`` records the DynamoDB operations each test's client sends, through botocore's event
hooks (``before-call.dynamodb``): the tests count requests the way an AWS bill would.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.aws import client, use_fake_credentials
from toolkit.idempotency import DynamoDBPersistenceLayer


@pytest.fixture
def dynamodb(moto_server: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    use_fake_credentials(monkeypatch.setenv)
    return client("dynamodb", moto_server)


def create_table(dynamodb: Any, *, key: str = "id", sort_key: str | None = None) -> str:
    name = f"idem-{uuid.uuid4().hex[:12]}"
    schema = [{"AttributeName": key, "KeyType": "HASH"}]
    attributes = [{"AttributeName": key, "AttributeType": "S"}]
    if sort_key:
        schema.append({"AttributeName": sort_key, "KeyType": "RANGE"})
        attributes.append({"AttributeName": sort_key, "AttributeType": "S"})
    dynamodb.create_table(
        TableName=name,
        KeySchema=schema,
        AttributeDefinitions=attributes,
        BillingMode="PAY_PER_REQUEST",
    )
    return name


@pytest.fixture
def table(dynamodb: Any) -> Iterator[str]:
    name = create_table(dynamodb)
    yield name
    dynamodb.delete_table(TableName=name)


class Calls(list[str]):
    """The DynamoDB operations sent so far, in order (``PutItem``, ``GetItem``...)."""

    def take(self) -> list[str]:
        taken = list(self)
        self.clear()
        return taken


@pytest.fixture
def calls(dynamodb: Any) -> Calls:
    recorded = Calls()

    def record(model: Any, **_: Any) -> None:
        recorded.append(model.name)

    dynamodb.meta.events.register("before-call.dynamodb", record)
    return recorded


@pytest.fixture
def store(dynamodb: Any, table: str) -> DynamoDBPersistenceLayer:
    return DynamoDBPersistenceLayer(table_name=table, boto3_client=dynamodb)


@pytest.fixture
def items(dynamodb: Any, table: str) -> Callable[[], list[dict[str, Any]]]:
    """The table's items as DynamoDB holds them (take ``calls`` first: the scan is one)."""

    def scan() -> list[dict[str, Any]]:
        return list(dynamodb.scan(TableName=table, ConsistentRead=True)["Items"])

    return scan
