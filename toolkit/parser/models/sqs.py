"""SQS event models. Subclass :class:`SqsRecordModel` and override ``body`` (for instance
``body: Json[Order]``) to have the body parsed and validated with the record."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["SqsAttributesModel", "SqsModel", "SqsMsgAttributeModel", "SqsRecordModel"]

_CONFIG = ConfigDict(populate_by_name=True)


class SqsAttributesModel(BaseModel):
    """System attributes; timestamps (epoch milliseconds in the event) become datetimes."""

    model_config = _CONFIG

    approximate_receive_count: int = Field(alias="ApproximateReceiveCount")
    approximate_first_receive_timestamp: datetime = Field(alias="ApproximateFirstReceiveTimestamp")
    sent_timestamp: datetime = Field(alias="SentTimestamp")
    sender_id: str = Field(alias="SenderId")
    message_group_id: str | None = Field(None, alias="MessageGroupId")
    message_deduplication_id: str | None = Field(None, alias="MessageDeduplicationId")
    sequence_number: str | None = Field(None, alias="SequenceNumber")
    aws_trace_header: str | None = Field(None, alias="AWSTraceHeader")
    dead_letter_queue_source_arn: str | None = Field(None, alias="DeadLetterQueueSourceArn")


class SqsMsgAttributeModel(BaseModel):
    """A message attribute; ``binary_value`` stays the base64 text Lambda delivers."""

    model_config = _CONFIG

    data_type: str = Field(alias="dataType")
    string_value: str | None = Field(None, alias="stringValue")
    binary_value: str | None = Field(None, alias="binaryValue")
    string_list_values: list[str] = Field(default_factory=list, alias="stringListValues")
    binary_list_values: list[str] = Field(default_factory=list, alias="binaryListValues")


class SqsRecordModel(BaseModel):
    model_config = _CONFIG

    message_id: str = Field(alias="messageId")
    receipt_handle: str = Field(alias="receiptHandle")
    body: str = Field(repr=False)  # bodies may hold secrets: keep them out of reprs
    attributes: SqsAttributesModel
    message_attributes: dict[str, SqsMsgAttributeModel] = Field(alias="messageAttributes")
    md5_of_body: str = Field(alias="md5OfBody")
    md5_of_message_attributes: str | None = Field(None, alias="md5OfMessageAttributes")
    event_source: Literal["aws:sqs"] = Field(alias="eventSource")
    event_source_arn: str = Field(alias="eventSourceARN")
    aws_region: str = Field(alias="awsRegion")


class SqsModel(BaseModel):
    model_config = _CONFIG

    records: list[SqsRecordModel] = Field(alias="Records")
