"""Pydantic v2 models of event sources, to subclass with your own payload types
(``body: Json[Order]``, ``data: Json[Reading]``, ``new_image: Item``).

Field names are snake_case with the event's own names as aliases; models accept either.
Names resolve lazily: importing this package does not import pydantic, using a model does.
"""

from __future__ import annotations

from toolkit._lazy import exports
from toolkit._typing import TYPE_CHECKING

_EXPORTS: dict[str, str] = {
    "SqsAttributesModel": "toolkit.parser.models.sqs",
    "SqsModel": "toolkit.parser.models.sqs",
    "SqsMsgAttributeModel": "toolkit.parser.models.sqs",
    "SqsRecordModel": "toolkit.parser.models.sqs",
    "KinesisDataStreamModel": "toolkit.parser.models.kinesis",
    "KinesisDataStreamRecord": "toolkit.parser.models.kinesis",
    "KinesisDataStreamRecordPayload": "toolkit.parser.models.kinesis",
    "DynamoDBStreamChangedRecordModel": "toolkit.parser.models.dynamodb",
    "DynamoDBStreamModel": "toolkit.parser.models.dynamodb",
    "DynamoDBStreamRecordModel": "toolkit.parser.models.dynamodb",
}

__all__ = [
    "DynamoDBStreamChangedRecordModel",
    "DynamoDBStreamModel",
    "DynamoDBStreamRecordModel",
    "KinesisDataStreamModel",
    "KinesisDataStreamRecord",
    "KinesisDataStreamRecordPayload",
    "SqsAttributesModel",
    "SqsModel",
    "SqsMsgAttributeModel",
    "SqsRecordModel",
]

if TYPE_CHECKING:
    from toolkit.parser.models.dynamodb import (
        DynamoDBStreamChangedRecordModel,
        DynamoDBStreamModel,
        DynamoDBStreamRecordModel,
    )
    from toolkit.parser.models.kinesis import (
        KinesisDataStreamModel,
        KinesisDataStreamRecord,
        KinesisDataStreamRecordPayload,
    )
    from toolkit.parser.models.sqs import (
        SqsAttributesModel,
        SqsModel,
        SqsMsgAttributeModel,
        SqsRecordModel,
    )


__getattr__, __dir__ = exports(__name__, _EXPORTS, globals())
