"""Kinesis Data Firehose events whose records are SQS messages (an SQS queue as the stream's
source): each record's ``data`` is the base64 of an SQS record's JSON."""

from __future__ import annotations

from pydantic import Json

from toolkit.parser.models.kinesis_firehose import KinesisFirehoseModel, KinesisFirehoseRecord
from toolkit.parser.models.sqs import SqsRecordModel

__all__ = ["KinesisFirehoseSqsModel", "KinesisFirehoseSqsRecord"]


class KinesisFirehoseSqsRecord(KinesisFirehoseRecord):
    data: Json[SqsRecordModel]  # type: ignore[assignment]


class KinesisFirehoseSqsModel(KinesisFirehoseModel):
    records: list[KinesisFirehoseSqsRecord]  # type: ignore[assignment]
