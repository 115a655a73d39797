"""S3 Object Lambda event models (a GetObject request through an Object Lambda access point)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from toolkit.parser.models._aliases import camel_case
from toolkit.parser.models._base import EventModel

__all__ = [
    "S3ObjectConfiguration",
    "S3ObjectContext",
    "S3ObjectLambdaEvent",
    "S3ObjectSessionAttributes",
    "S3ObjectSessionContext",
    "S3ObjectSessionIssuer",
    "S3ObjectUserIdentity",
    "S3ObjectUserRequest",
]


class S3ObjectContext(EventModel):
    model_config = camel_case(input_s3_url="inputS3Url")

    input_s3_url: str = Field(repr=False)  # a presigned URL: a credential
    output_route: str
    output_token: str = Field(repr=False)


class S3ObjectConfiguration(EventModel):
    model_config = camel_case()

    access_point_arn: str
    supporting_access_point_arn: str
    payload: Any = Field(repr=False)


class S3ObjectUserRequest(EventModel):
    model_config = camel_case()

    url: str
    headers: dict[str, str] = Field(repr=False)


class S3ObjectSessionIssuer(EventModel):
    model_config = camel_case()

    type: str
    user_name: str | None = None
    principal_id: str
    arn: str
    account_id: str


class S3ObjectSessionAttributes(EventModel):
    model_config = camel_case()

    creation_date: str
    mfa_authenticated: bool


class S3ObjectSessionContext(EventModel):
    model_config = camel_case()

    session_issuer: S3ObjectSessionIssuer
    attributes: S3ObjectSessionAttributes


class S3ObjectUserIdentity(EventModel):
    model_config = camel_case()

    type: str
    account_id: str
    access_key_id: str
    user_name: str | None = None
    principal_id: str
    arn: str
    session_context: S3ObjectSessionContext | None = None


class S3ObjectLambdaEvent(EventModel):
    model_config = camel_case()

    x_amz_request_id: str
    get_object_context: S3ObjectContext
    configuration: S3ObjectConfiguration
    user_request: S3ObjectUserRequest
    user_identity: S3ObjectUserIdentity
    protocol_version: str
