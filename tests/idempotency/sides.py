"""The two implementations of Powertools' idempotency API these tests can drive: toolkit's
(what the suite proves) and Powertools' own (what the harness was first checked against, and
the reference the benchmarks compare with). Both are built the same way, on a real boto3
DynamoDB client pointed at a moto server on loopback, so a test reads the same for either.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from tests.aws import client

TOOLKIT = "toolkit"
POWERTOOLS = "powertools"


@dataclass(frozen=True)
class Side:
    """One implementation's public names, imported on demand."""

    name: str

    @property
    def package(self) -> Any:
        if self.name == TOOLKIT:
            import toolkit.idempotency as package
        else:
            import aws_lambda_powertools.utilities.idempotency as package
        return package

    @property
    def exceptions(self) -> Any:
        if self.name == TOOLKIT:
            import toolkit.idempotency.exceptions as exceptions
        else:
            import aws_lambda_powertools.utilities.idempotency.exceptions as exceptions
        return exceptions

    def config(self, **options: Any) -> Any:
        """An IdempotencyConfig. Options only toolkit has (wait_for_in_progress,
        in_progress_expires_after_seconds) are dropped for Powertools, which lacks them."""
        if self.name == POWERTOOLS:
            options.pop("wait_for_in_progress", None)
            options.pop("in_progress_expires_after_seconds", None)
        return self.package.IdempotencyConfig(**options)

    def store(self, table: str, dynamodb: Any, **options: Any) -> Any:
        return self.package.DynamoDBPersistenceLayer(
            table_name=table, boto3_client=dynamodb, **options
        )


def create_table(endpoint: str) -> str:
    """A fresh idempotency table (partition key ``id``, on demand) on the server; its name."""
    name = f"idempotency-{uuid.uuid4().hex[:10]}"
    dynamodb = client("dynamodb", endpoint)
    dynamodb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    return name
