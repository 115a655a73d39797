"""``DynamoDBPersistenceLayer``: idempotency records in a DynamoDB table.

Each operation is one request: the claim is a conditional ``PutItem`` that returns the record
holding the key when it fails (``ReturnValuesOnConditionCheckFailure=ALL_OLD``), completion a
conditional ``UpdateItem``, release a conditional ``DeleteItem``, both conditional on the fence
token the claim wrote. A store that answers a failed condition without the old item (older
DynamoDB Local builds, some emulators and proxies) costs one consistent ``GetItem`` more.

boto3 is imported, and the client made, on the first request, not when the layer is built: a
layer built at import costs nothing until a handler runs. Retries of throttled and failed
requests are botocore's, as the client (or ``boto_config``) configures them; what still fails
is raised as :class:`~toolkit.idempotency.exceptions.IdempotencyPersistenceLayerError` with
the AWS error code.
"""

from __future__ import annotations

import threading
import time

from toolkit import config as _config
from toolkit._typing import TYPE_CHECKING
from toolkit.idempotency.exceptions import (
    IdempotencyFencingError,
    IdempotencyItemAlreadyExistsError,
    IdempotencyItemNotFoundError,
    IdempotencyPersistenceConfigError,
    IdempotencyPersistenceLayerError,
)
from toolkit.idempotency.persistence.base import BasePersistenceLayer
from toolkit.idempotency.persistence.datarecord import DataRecord

if TYPE_CHECKING:
    from typing import Any

__all__ = ["DynamoDBPersistenceLayer"]

# DynamoDB's item size limit: 400 KB, 1 KB being 1024 bytes, counting attribute names too.
MAX_ITEM_BYTES = 400 * 1024
_NUMBER_BYTES = 21  # the most a number can take (38 significant digits: 19 bytes + 1, rounded up)

_CLAIM_CONDITION = (
    "attribute_not_exists(#id) OR #expiry < :now OR "
    "(#status = :inprogress AND #in_progress_expiry < :now_ms)"
)


def _error_code(error: BaseException) -> str | None:
    response = getattr(error, "response", None)
    if isinstance(response, dict):
        code = response.get("Error", {}).get("Code")
        return str(code) if code else None
    return None


class DynamoDBPersistenceLayer(BasePersistenceLayer):
    """Idempotency records in the DynamoDB table ``table_name`` (Powertools' options and
    attribute names; see ``docs/idempotency.md`` for the table schema and IAM actions).

    With ``sort_key_attr``, every record shares the partition key ``static_pk_value``
    (default ``idempotency#<function name>``) and the idempotency key is the sort key.
    ``fence_attr`` is the attribute holding the claim's fence token (toolkit's own).
    Pass ``boto3_client`` to reuse a client, or ``boto_config`` / ``boto3_session`` to shape
    the one this layer makes.
    """

    max_item_bytes = MAX_ITEM_BYTES

    def __init__(  # noqa: PLR0917 - Powertools takes these positionally
        self,
        table_name: str,
        key_attr: str = "id",
        static_pk_value: str | None = None,
        sort_key_attr: str | None = None,
        expiry_attr: str = "expiration",
        in_progress_expiry_attr: str = "in_progress_expiration",
        status_attr: str = "status",
        data_attr: str = "data",
        validation_key_attr: str = "validation",
        boto_config: Any = None,
        boto3_session: Any = None,
        boto3_client: Any = None,
        fence_attr: str = "fence",
    ) -> None:
        if not isinstance(table_name, str) or not table_name:
            raise IdempotencyPersistenceConfigError(
                f"table_name={table_name!r} is not valid: expected the table's name"
            )
        names = {
            "key_attr": key_attr,
            "sort_key_attr": sort_key_attr,
            "expiry_attr": expiry_attr,
            "in_progress_expiry_attr": in_progress_expiry_attr,
            "status_attr": status_attr,
            "data_attr": data_attr,
            "validation_key_attr": validation_key_attr,
            "fence_attr": fence_attr,
        }
        seen: dict[str, str] = {}
        for option, name in names.items():
            if name is None and option == "sort_key_attr":
                continue
            if not isinstance(name, str) or not name:
                raise IdempotencyPersistenceConfigError(
                    f"{option}={name!r} is not valid: expected an attribute name"
                )
            if name in seen:
                raise IdempotencyPersistenceConfigError(
                    f"{seen[name]} and {option} cannot both be {name!r}"
                )
            seen[name] = option
        if boto3_client is not None and (boto_config is not None or boto3_session is not None):
            raise IdempotencyPersistenceConfigError(
                "boto_config and boto3_session shape the client this layer makes; with "
                "boto3_client given they would be ignored: pass one or the other"
            )
        super().__init__()
        self.store_name = self.table_name = table_name
        self.key_attr = key_attr
        self.sort_key_attr = sort_key_attr
        if static_pk_value is None:
            static_pk_value = f"idempotency#{_config.LAMBDA_FUNCTION_NAME.read() or ''}"
        self.static_pk_value = static_pk_value
        self.expiry_attr = expiry_attr
        self.in_progress_expiry_attr = in_progress_expiry_attr
        self.status_attr = status_attr
        self.data_attr = data_attr
        self.validation_key_attr = validation_key_attr
        self.fence_attr = fence_attr
        self._boto_config = boto_config
        self._boto3_session = boto3_session
        self._client = boto3_client
        self._client_lock = threading.Lock()

    @property
    def client(self) -> Any:
        """The DynamoDB client, made on first use (boto3 is imported then)."""
        client = self._client
        if client is None:
            with self._client_lock:
                client = self._client
                if client is None:
                    session = self._boto3_session
                    if session is None:
                        import boto3

                        session = boto3.session.Session()
                    client = self._client = session.client("dynamodb", config=self._boto_config)
        return client

    # -- the four operations ---------------------------------------------------------------

    def _put_record(self, data_record: DataRecord) -> None:
        item = self._item(data_record)
        now = time.time()
        try:
            self.client.put_item(
                TableName=self.table_name,
                Item=item,
                ConditionExpression=_CLAIM_CONDITION,
                ExpressionAttributeNames={
                    "#id": self.key_attr if self.sort_key_attr is None else self.sort_key_attr,
                    "#expiry": self.expiry_attr,
                    "#status": self.status_attr,
                    "#in_progress_expiry": self.in_progress_expiry_attr,
                },
                ExpressionAttributeValues={
                    ":now": {"N": str(int(now))},
                    ":now_ms": {"N": str(int(now * 1000))},
                    ":inprogress": {"S": "INPROGRESS"},
                },
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
            )
        except Exception as error:
            if _error_code(error) != "ConditionalCheckFailedException":
                raise self._failure(error, "claim", data_record) from error
            old = getattr(error, "response", {}).get("Item")
            raise IdempotencyItemAlreadyExistsError(
                key=data_record.idempotency_key,
                table=self.table_name,
                old_data_record=self._record(old) if old else None,
            ) from None

    def _get_record(self, idempotency_key: str) -> DataRecord:
        try:
            response = self.client.get_item(
                TableName=self.table_name, Key=self._key(idempotency_key), ConsistentRead=True
            )
        except Exception as error:
            raise self._failure(error, "get", DataRecord(idempotency_key)) from error
        item = response.get("Item")
        if not item:
            raise IdempotencyItemNotFoundError(
                "no record holds the key", key=idempotency_key, table=self.table_name
            )
        return self._record(item)

    def _update_record(self, data_record: DataRecord) -> None:
        names = {
            "#status": self.status_attr,
            "#expiry": self.expiry_attr,
            "#data": self.data_attr,
        }
        values: dict[str, Any] = {
            ":status": {"S": data_record._status},
            ":expiry": {"N": str(data_record.expiry_timestamp)},
            ":data": {"S": data_record.response_data},
        }
        update = "SET #status = :status, #expiry = :expiry, #data = :data"
        if data_record.payload_hash:
            names["#validation"] = self.validation_key_attr
            values[":validation"] = {"S": data_record.payload_hash}
            update += ", #validation = :validation"
        options: dict[str, Any] = {}
        if data_record.fence_token:
            names["#fence"] = self.fence_attr
            values[":fence"] = {"S": data_record.fence_token}
            options["ConditionExpression"] = "#fence = :fence"
        try:
            self.client.update_item(
                TableName=self.table_name,
                Key=self._key(data_record.idempotency_key),
                UpdateExpression=update,
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
                **options,
            )
        except Exception as error:
            raise self._failure(error, "complete", data_record) from error

    def _delete_record(self, data_record: DataRecord) -> None:
        options: dict[str, Any] = {}
        if data_record.fence_token:
            options = {
                "ConditionExpression": "#fence = :fence",
                "ExpressionAttributeNames": {"#fence": self.fence_attr},
                "ExpressionAttributeValues": {":fence": {"S": data_record.fence_token}},
                "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
            }
        try:
            self.client.delete_item(
                TableName=self.table_name, Key=self._key(data_record.idempotency_key), **options
            )
        except Exception as error:
            if _error_code(error) == "ConditionalCheckFailedException" and not getattr(
                error, "response", {}
            ).get("Item"):
                # No record at all: already released (a retry of a delete whose answer was
                # lost) or expired and removed. Nothing was taken over; nothing to do.
                return
            raise self._failure(error, "release", data_record) from error

    def _item_size(self, data_record: DataRecord) -> int:
        """DynamoDB's count for the completed item: every attribute's UTF-8 name plus its
        value (a string's UTF-8 bytes; a number at its largest, 21 bytes)."""
        strings = [(name, value) for name, value in self._key(data_record.idempotency_key).items()]
        size = sum(len(name.encode()) + len(value["S"].encode()) for name, value in strings)
        size += len(self.status_attr) + len(data_record._status)
        size += len(self.data_attr.encode()) + len(data_record.response_data.encode())
        if data_record.payload_hash:
            size += len(self.validation_key_attr.encode()) + len(data_record.payload_hash)
        if data_record.fence_token:
            size += len(self.fence_attr.encode()) + len(data_record.fence_token)
        size += len(self.expiry_attr.encode()) + _NUMBER_BYTES
        size += len(self.in_progress_expiry_attr.encode()) + _NUMBER_BYTES
        return size

    # -- items -----------------------------------------------------------------------------

    def _key(self, idempotency_key: str) -> dict[str, Any]:
        if self.sort_key_attr is None:
            return {self.key_attr: {"S": idempotency_key}}
        return {
            self.key_attr: {"S": self.static_pk_value},
            self.sort_key_attr: {"S": idempotency_key},
        }

    def _item(self, data_record: DataRecord) -> dict[str, Any]:
        item = self._key(data_record.idempotency_key)
        item[self.status_attr] = {"S": data_record._status}
        item[self.expiry_attr] = {"N": str(data_record.expiry_timestamp)}
        if data_record.in_progress_expiry_timestamp is not None:
            item[self.in_progress_expiry_attr] = {
                "N": str(data_record.in_progress_expiry_timestamp)
            }
        if data_record.payload_hash:
            item[self.validation_key_attr] = {"S": data_record.payload_hash}
        if data_record.fence_token:
            item[self.fence_attr] = {"S": data_record.fence_token}
        return item

    def _record(self, item: dict[str, Any]) -> DataRecord:
        """A DataRecord from an item in DynamoDB's wire format (no boto3 deserializer needed:
        every attribute here is a string or a number)."""
        key_attr = self.key_attr if self.sort_key_attr is None else self.sort_key_attr

        def text(name: str) -> str:
            value = item.get(name)
            return str(value.get("S", "")) if isinstance(value, dict) else ""

        def number(name: str) -> int | None:
            value = item.get(name)
            if not isinstance(value, dict) or "N" not in value:
                return None
            return int(float(value["N"]))

        return DataRecord(
            idempotency_key=text(key_attr),
            status=text(self.status_attr),
            expiry_timestamp=number(self.expiry_attr),
            in_progress_expiry_timestamp=number(self.in_progress_expiry_attr),
            response_data=text(self.data_attr),
            payload_hash=text(self.validation_key_attr),
            sort_key=text(self.sort_key_attr) if self.sort_key_attr else None,
            fence_token=text(self.fence_attr) or None,
        )

    def _failure(
        self, error: Exception, operation: str, data_record: DataRecord
    ) -> IdempotencyPersistenceLayerError | IdempotencyFencingError:
        """The error to raise for a failed request: a fencing error for a failed fence
        condition, else a persistence error carrying the AWS error code."""
        code = _error_code(error)
        key = data_record.idempotency_key
        if code == "ConditionalCheckFailedException" and operation in ("complete", "release"):
            return IdempotencyFencingError(
                f"this execution's lock expired and the record no longer carries its fence "
                f"token (another execution took the key over, or the record was removed): its "
                f"{operation} was refused so that no newer record is overwritten",
                key=key,
                table=self.table_name,
                operation=operation,
            )
        reason = "" if code else f" ({type(error).__name__})"
        return IdempotencyPersistenceLayerError(
            f"DynamoDB failed the idempotency {operation}{reason}",
            key=key,
            table=self.table_name,
            code=code,
            operation=operation,
        )
