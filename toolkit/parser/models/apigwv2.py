"""API Gateway HTTP API (payload format 2.0) models: the proxy event and the REQUEST
authorizer event (simple or IAM-policy response). Lambda Function URLs send the same shape."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field

from toolkit.parser.models._aliases import camel_case
from toolkit.parser.models._base import EventModel
from toolkit.parser.models.apigw import ApiGatewayUserCert

__all__ = [
    "APIGatewayProxyEventV2Model",
    "ApiGatewayAuthorizerRequestV2",
    "RequestContextV2",
    "RequestContextV2Authentication",
    "RequestContextV2Authorizer",
    "RequestContextV2AuthorizerIam",
    "RequestContextV2AuthorizerIamCognito",
    "RequestContextV2AuthorizerJwt",
    "RequestContextV2Http",
]


class RequestContextV2AuthorizerIamCognito(EventModel):
    model_config = camel_case()

    amr: list[str]
    identity_id: str
    identity_pool_id: str


class RequestContextV2AuthorizerIam(EventModel):
    model_config = camel_case()

    access_key: str | None = Field(default=None, repr=False)
    account_id: str | None = None
    caller_id: str | None = None
    principal_org_id: str | None = None
    user_arn: str | None = None
    user_id: str | None = None
    cognito_identity: RequestContextV2AuthorizerIamCognito | None = None


class RequestContextV2AuthorizerJwt(EventModel):
    model_config = camel_case()

    claims: dict[str, Any] = Field(repr=False)
    scopes: list[str] | None = None


class RequestContextV2Authorizer(EventModel):
    model_config = camel_case()

    jwt: RequestContextV2AuthorizerJwt | None = None
    iam: RequestContextV2AuthorizerIam | None = None
    lambda_: dict[str, Any] | None = Field(default=None, alias="lambda", repr=False)


class RequestContextV2Http(EventModel):
    model_config = camel_case()

    method: str
    path: str
    protocol: str
    source_ip: str
    user_agent: str


class RequestContextV2Authentication(EventModel):
    model_config = camel_case()

    client_cert: ApiGatewayUserCert | None = None


class RequestContextV2(EventModel):
    model_config = camel_case()

    account_id: str
    api_id: str
    authorizer: RequestContextV2Authorizer | None = None
    authentication: RequestContextV2Authentication | None = None
    domain_name: str
    domain_prefix: str
    request_id: str
    route_key: str
    stage: str
    time: str
    time_epoch: datetime
    http: RequestContextV2Http


class APIGatewayProxyEventV2Model(EventModel):
    model_config = camel_case()

    version: str
    route_key: str
    raw_path: str
    raw_query_string: str
    cookies: list[str] | None = Field(default=None, repr=False)
    headers: dict[str, str] = Field(default_factory=dict, repr=False)
    query_string_parameters: dict[str, str] | None = None
    path_parameters: dict[str, str] | None = None
    stage_variables: dict[str, str] | None = None
    request_context: RequestContextV2
    body: str | None = Field(default=None, repr=False)
    is_base64_encoded: bool = False


class ApiGatewayAuthorizerRequestV2(EventModel):
    """An HTTP API Lambda authorizer's event (payload format 2.0)."""

    model_config = camel_case()

    version: Literal["2.0"]
    type: Literal["REQUEST"]
    route_arn: str
    identity_source: list[str] | None = Field(default=None, repr=False)
    route_key: str
    raw_path: str
    raw_query_string: str
    cookies: list[str] | None = Field(default=None, repr=False)
    headers: dict[str, str] | None = Field(default=None, repr=False)
    query_string_parameters: dict[str, str] | None = None
    request_context: RequestContextV2
    path_parameters: dict[str, str] | None = None
    stage_variables: dict[str, str] | None = None
