"""S3 event notification models: the notification S3 sends to Lambda (:class:`S3Model`) and the
one EventBridge delivers (:class:`S3EventNotificationEventBridgeModel`)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from urllib.parse import unquote_plus

from pydantic import NonNegativeFloat

from toolkit.parser.models._aliases import camel_case, kebab_case
from toolkit.parser.models._base import EventModel
from toolkit.parser.models.event_bridge import EventBridgeModel

__all__ = [
    "S3Bucket",
    "S3EventNotificationEventBridgeBucketModel",
    "S3EventNotificationEventBridgeDetailModel",
    "S3EventNotificationEventBridgeModel",
    "S3EventNotificationObjectModel",
    "S3EventRecordGlacierEventData",
    "S3EventRecordGlacierRestoreEventData",
    "S3EventRecordIntelligentTieringEventData",
    "S3Identity",
    "S3Message",
    "S3Model",
    "S3Object",
    "S3OwnerIdentify",
    "S3RecordModel",
    "S3RequestParameters",
    "S3ResponseElements",
]


class S3EventRecordGlacierRestoreEventData(EventModel):
    model_config = camel_case()

    lifecycle_restoration_expiry_time: datetime
    lifecycle_restore_storage_class: str


class S3EventRecordGlacierEventData(EventModel):
    model_config = camel_case()

    restore_event_data: S3EventRecordGlacierRestoreEventData


class S3EventRecordIntelligentTieringEventData(EventModel):
    model_config = camel_case()

    destination_access_tier: str


class S3Identity(EventModel):
    model_config = camel_case()

    principal_id: str


class S3RequestParameters(EventModel):
    model_config = camel_case(source_ip_address="sourceIPAddress")

    source_ip_address: str


class S3ResponseElements(EventModel):
    model_config = kebab_case()

    x_amz_request_id: str
    x_amz_id_2: str


class S3OwnerIdentify(EventModel):
    model_config = camel_case()

    principal_id: str


class S3Bucket(EventModel):
    model_config = camel_case()

    name: str
    owner_identity: S3OwnerIdentify
    arn: str


class S3Object(EventModel):
    model_config = camel_case()

    key: str
    size: NonNegativeFloat | None = None  # absent from deletions
    e_tag: str | None = None
    sequencer: str | None = None
    version_id: str | None = None

    @property
    def decoded_key(self) -> str:
        """The object's key: notifications deliver it URL-encoded (a space as ``+``)."""
        return unquote_plus(self.key)


class S3Message(EventModel):
    model_config = camel_case()

    s3_schema_version: str
    configuration_id: str
    bucket: S3Bucket
    object: S3Object


class S3RecordModel(EventModel):
    model_config = camel_case()

    event_version: str
    event_source: Literal["aws:s3"]
    aws_region: str
    event_time: datetime
    event_name: str
    user_identity: S3Identity
    request_parameters: S3RequestParameters
    response_elements: S3ResponseElements
    s3: S3Message
    glacier_event_data: S3EventRecordGlacierEventData | None = None
    intelligent_tiering_event_data: S3EventRecordIntelligentTieringEventData | None = None


class S3Model(EventModel):
    model_config = camel_case(records="Records")

    records: list[S3RecordModel]


class S3EventNotificationObjectModel(EventModel):
    model_config = kebab_case()

    key: str
    size: NonNegativeFloat | None = None
    etag: str | None = None
    version_id: str | None = None
    sequencer: str | None = None


class S3EventNotificationEventBridgeBucketModel(EventModel):
    model_config = kebab_case()

    name: str


class S3EventNotificationEventBridgeDetailModel(EventModel):
    model_config = kebab_case()

    version: str
    bucket: S3EventNotificationEventBridgeBucketModel
    object: S3EventNotificationObjectModel
    request_id: str
    requester: str
    source_ip_address: str | None = None
    reason: str | None = None
    deletion_type: str | None = None
    restore_expiry_time: str | None = None
    source_storage_class: str | None = None
    destination_storage_class: str | None = None
    destination_access_tier: str | None = None


class S3EventNotificationEventBridgeModel(EventBridgeModel):
    detail: S3EventNotificationEventBridgeDetailModel
