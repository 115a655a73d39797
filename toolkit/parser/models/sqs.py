"""SQS event models. Subclass :class:`SqsRecordModel` and override ``body`` (for instance
``body: Json[Order]``) to have the body parsed and validated with the record."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from toolkit.parser.models._aliases import camel_case, pascal_case
from toolkit.parser.models._base import EventModel

__all__ = ["SqsAttributesModel", "SqsModel", "SqsMsgAttributeModel", "SqsRecordModel"]


class SqsAttributesModel(EventModel):
    """System attributes; timestamps (epoch milliseconds in the event) become datetimes."""

    model_config = pascal_case(aws_trace_header="AWSTraceHeader")

    approximate_receive_count: int
    approximate_first_receive_timestamp: datetime
    sent_timestamp: datetime
    sender_id: str
    message_group_id: str | None = None
    message_deduplication_id: str | None = None
    sequence_number: str | None = None
    aws_trace_header: str | None = None
    dead_letter_queue_source_arn: str | None = None


class SqsMsgAttributeModel(EventModel):
    """A message attribute; ``binary_value`` stays the base64 text Lambda delivers."""

    model_config = camel_case()

    data_type: str
    string_value: str | None = None
    binary_value: str | None = None
    string_list_values: list[str] = Field(default_factory=list)
    binary_list_values: list[str] = Field(default_factory=list)


class SqsRecordModel(EventModel):
    model_config = camel_case(event_source_arn="eventSourceARN")

    message_id: str
    receipt_handle: str
    body: str = Field(repr=False)  # bodies may hold secrets: keep them out of reprs
    attributes: SqsAttributesModel
    message_attributes: dict[str, SqsMsgAttributeModel]
    md5_of_body: str
    md5_of_message_attributes: str | None = None
    event_source: Literal["aws:sqs"]
    event_source_arn: str
    aws_region: str


class SqsModel(EventModel):
    model_config = pascal_case()

    records: list[SqsRecordModel]
