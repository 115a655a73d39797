"""S3 event notifications delivered through an SQS queue: each SQS body is an S3 notification."""

from __future__ import annotations

from pydantic import Json

from toolkit.parser.models.s3 import S3Model
from toolkit.parser.models.sqs import SqsModel, SqsRecordModel

__all__ = ["S3SqsEventNotificationModel", "S3SqsEventNotificationRecordModel"]


class S3SqsEventNotificationRecordModel(SqsRecordModel):
    body: Json[S3Model]  # type: ignore[assignment]


class S3SqsEventNotificationModel(SqsModel):
    records: list[S3SqsEventNotificationRecordModel]  # type: ignore[assignment]
