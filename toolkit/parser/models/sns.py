"""SNS event models. Subclass :class:`SnsNotificationModel` and override ``message`` (for
instance ``message: Json[Order]``) to have the message parsed with the notification."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from toolkit.parser.models._aliases import pascal_case
from toolkit.parser.models._base import EventModel

__all__ = ["SnsModel", "SnsMsgAttributeModel", "SnsNotificationModel", "SnsRecordModel"]


class SnsMsgAttributeModel(EventModel):
    model_config = pascal_case()

    type: str
    value: str = Field(repr=False)


class SnsNotificationModel(EventModel):
    """The notification; over SQS (raw delivery off) this is the SQS body's JSON."""

    model_config = pascal_case(signing_cert_url="SigningCertUrl", unsubscribe_url="UnsubscribeUrl")

    subject: str | None = None
    topic_arn: str
    unsubscribe_url: str | None = None  # absent from SNS-over-SQS FIFO notifications
    type: Literal["Notification"]
    message_attributes: dict[str, SnsMsgAttributeModel] | None = None
    message: str = Field(repr=False)
    message_id: str
    signing_cert_url: str | None = None
    signature: str | None = None
    timestamp: datetime
    signature_version: str | None = None
    sequence_number: str | None = None  # FIFO topics


class SnsRecordModel(EventModel):
    model_config = pascal_case()

    event_source: Literal["aws:sns"]
    event_version: str
    event_subscription_arn: str
    sns: SnsNotificationModel


class SnsModel(EventModel):
    model_config = pascal_case()

    records: list[SnsRecordModel]
