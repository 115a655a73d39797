"""SES receipt-rule event models (an email received, with SES's verdicts)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field, NonNegativeInt

from toolkit.parser.models._aliases import camel_case
from toolkit.parser.models._base import EventModel

__all__ = [
    "SesMail",
    "SesMailCommonHeaders",
    "SesMailHeaders",
    "SesMessage",
    "SesModel",
    "SesReceipt",
    "SesReceiptAction",
    "SesReceiptVerdict",
    "SesRecordModel",
]


class SesReceiptVerdict(EventModel):
    model_config = camel_case()

    status: Literal["PASS", "FAIL", "GRAY", "PROCESSING_FAILED", "DISABLED"]


class SesReceiptAction(EventModel):
    model_config = camel_case()

    type: Literal["Lambda"]
    invocation_type: Literal["Event", "RequestResponse"]
    function_arn: str


class SesReceipt(EventModel):
    model_config = camel_case()

    timestamp: datetime
    processing_time_millis: NonNegativeInt
    recipients: list[str] = Field(repr=False)
    spam_verdict: SesReceiptVerdict
    virus_verdict: SesReceiptVerdict
    spf_verdict: SesReceiptVerdict
    dmarc_verdict: SesReceiptVerdict
    dkim_verdict: SesReceiptVerdict
    dmarc_policy: Literal["none", "quarantine", "reject"] | None = None
    action: SesReceiptAction


class SesMailHeaders(EventModel):
    model_config = camel_case()

    name: str
    value: str = Field(repr=False)


class SesMailCommonHeaders(EventModel):
    model_config = camel_case(from_="from")

    header_from: list[str] = Field(alias="from", repr=False)
    to: list[str] = Field(repr=False)
    cc: list[str] | None = Field(default=None, repr=False)
    bcc: list[str] | None = Field(default=None, repr=False)
    sender: list[str] | None = Field(default=None, repr=False)
    reply_to: list[str] | None = Field(default=None, alias="reply-to", repr=False)
    return_path: str = Field(repr=False)
    message_id: str
    date: str
    subject: str = Field(repr=False)


class SesMail(EventModel):
    model_config = camel_case()

    timestamp: datetime
    source: str = Field(repr=False)
    message_id: str
    destination: list[str] = Field(repr=False)
    headers_truncated: bool
    headers: list[SesMailHeaders]
    common_headers: SesMailCommonHeaders


class SesMessage(EventModel):
    model_config = camel_case()

    mail: SesMail
    receipt: SesReceipt


class SesRecordModel(EventModel):
    model_config = camel_case()

    event_source: Literal["aws:ses"]
    event_version: str
    ses: SesMessage


class SesModel(EventModel):
    model_config = camel_case(records="Records")

    records: list[SesRecordModel]
