"""API Gateway REST API (payload format 1.0) models: the proxy event and the token and request
authorizer events. Subclass :class:`APIGatewayProxyEventModel` and override ``body`` (for
instance ``body: Json[Order]``) to have the body parsed with the request."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field

from toolkit.parser.models._aliases import camel_case
from toolkit.parser.models._base import EventModel

__all__ = [
    "APIGatewayEventAuthorizer",
    "APIGatewayEventIdentity",
    "APIGatewayEventRequestContext",
    "APIGatewayProxyEventModel",
    "ApiGatewayAuthorizerRequest",
    "ApiGatewayAuthorizerToken",
    "ApiGatewayUserCert",
    "ApiGatewayUserCertValidity",
]


class ApiGatewayUserCertValidity(EventModel):
    model_config = camel_case()

    not_before: str
    not_after: str


class ApiGatewayUserCert(EventModel):
    """The client certificate of a mutual TLS request."""

    model_config = camel_case(subject_dn="subjectDN", issuer_dn="issuerDN")

    client_cert_pem: str = Field(repr=False)
    subject_dn: str
    issuer_dn: str
    serial_number: str
    validity: ApiGatewayUserCertValidity


class APIGatewayEventIdentity(EventModel):
    model_config = camel_case()

    access_key: str | None = Field(default=None, repr=False)
    account_id: str | None = None
    api_key: str | None = Field(default=None, repr=False)
    api_key_id: str | None = None
    caller: str | None = None
    cognito_amr: list[str] | None = None
    cognito_authentication_provider: str | None = None
    cognito_authentication_type: str | None = None
    cognito_identity_id: str | None = None
    cognito_identity_pool_id: str | None = None
    principal_org_id: str | None = None
    source_ip: str | None = None  # "test-invoke-source-ip" from the console's test
    user: str | None = None
    user_agent: str | None = None
    user_arn: str | None = None
    client_cert: ApiGatewayUserCert | None = None


class APIGatewayEventAuthorizer(EventModel):
    """What the authorizer passed on: Cognito's ``claims`` and ``scopes``, or a Lambda
    authorizer's context (kept as extra keys)."""

    model_config = camel_case(extra="allow")

    claims: dict[str, Any] | None = Field(default=None, repr=False)
    scopes: list[str] | None = None
    principal_id: str | None = None
    integration_latency: int | None = None


class APIGatewayEventRequestContext(EventModel):
    model_config = camel_case()

    account_id: str
    api_id: str
    authorizer: APIGatewayEventAuthorizer | None = None
    stage: str
    protocol: str
    identity: APIGatewayEventIdentity
    request_id: str
    request_time: str | None = None
    request_time_epoch: datetime
    resource_id: str | None = None
    resource_path: str
    domain_name: str | None = None
    domain_prefix: str | None = None
    extended_request_id: str | None = None
    http_method: str
    path: str
    connected_at: datetime | None = None
    connection_id: str | None = None
    event_type: Literal["CONNECT", "MESSAGE", "DISCONNECT"] | None = None
    message_direction: str | None = None
    message_id: str | None = None
    route_key: str | None = None
    operation_name: str | None = None


class APIGatewayProxyEventModel(EventModel):
    model_config = camel_case()

    version: str | None = None
    resource: str
    path: str
    http_method: str
    headers: dict[str, str] | None = Field(default=None, repr=False)
    multi_value_headers: dict[str, list[str]] | None = Field(default=None, repr=False)
    query_string_parameters: dict[str, str] | None = None
    multi_value_query_string_parameters: dict[str, list[str]] | None = None
    request_context: APIGatewayEventRequestContext
    path_parameters: dict[str, str] | None = None
    stage_variables: dict[str, str] | None = None
    is_base64_encoded: bool = False
    body: str | None = Field(default=None, repr=False)


class ApiGatewayAuthorizerToken(EventModel):
    """A TOKEN authorizer's event: the caller's token and the method it calls."""

    model_config = camel_case()

    type: Literal["TOKEN"]
    method_arn: str
    authorization_token: str = Field(repr=False)


class ApiGatewayAuthorizerRequest(APIGatewayProxyEventModel):
    """A REQUEST authorizer's event: the request (without its body) and the method it calls."""

    type: Literal["REQUEST"]
    method_arn: str
    identity_source: str | None = Field(default=None, repr=False)
    authorization_token: str | None = Field(default=None, repr=False)
