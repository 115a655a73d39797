"""Cognito user pool trigger models: pre sign-up, post confirmation and pre token generation
(V1, and V2/V3 with ``scopes``). The ``response`` is what the function fills in and returns."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from toolkit.parser.models._aliases import camel_case
from toolkit.parser.models._base import EventModel

__all__ = [
    "CognitoCallerContextModel",
    "CognitoGroupConfigurationModel",
    "CognitoPostConfirmationTriggerModel",
    "CognitoPreSignupTriggerModel",
    "CognitoPreTokenGenerationRequestModel",
    "CognitoPreTokenGenerationTriggerModelV1",
    "CognitoPreTokenGenerationTriggerModelV2AndV3",
    "CognitoTriggerBaseModel",
    "CognitoUserAttributesRequestModel",
]


class CognitoCallerContextModel(EventModel):
    model_config = camel_case()

    aws_sdk_version: str
    client_id: str


class CognitoTriggerBaseModel(EventModel):
    model_config = camel_case()

    version: str
    trigger_source: str
    region: str
    user_pool_id: str
    user_name: str | None = None
    caller_context: CognitoCallerContextModel
    request: Any = Field(repr=False)
    response: dict[str, Any] = Field(default_factory=dict, repr=False)


class CognitoUserAttributesRequestModel(EventModel):
    """The request of triggers that carry the user's attributes (personal data: not in reprs)."""

    model_config = camel_case()

    user_attributes: dict[str, Any] = Field(repr=False)
    validation_data: dict[str, str] | None = Field(default=None, repr=False)
    client_metadata: dict[str, str] | None = Field(default=None, repr=False)


class CognitoPreSignupTriggerModel(CognitoTriggerBaseModel):
    trigger_source: Literal[
        "PreSignUp_SignUp", "PreSignUp_AdminCreateUser", "PreSignUp_ExternalProvider"
    ]
    request: CognitoUserAttributesRequestModel = Field(repr=False)


class CognitoPostConfirmationTriggerModel(CognitoTriggerBaseModel):
    trigger_source: Literal[
        "PostConfirmation_ConfirmSignUp", "PostConfirmation_ConfirmForgotPassword"
    ]
    request: CognitoUserAttributesRequestModel = Field(repr=False)


class CognitoGroupConfigurationModel(EventModel):
    model_config = camel_case()

    groups_to_override: list[str]
    iam_roles_to_override: list[str]
    preferred_role: str | None = None


class CognitoPreTokenGenerationRequestModel(CognitoUserAttributesRequestModel):
    group_configuration: CognitoGroupConfigurationModel
    scopes: list[str] | None = None  # V2 and V3 events only


_TOKEN_SOURCES = Literal[
    "TokenGeneration_HostedAuth",
    "TokenGeneration_Authentication",
    "TokenGeneration_NewPasswordChallenge",
    "TokenGeneration_AuthenticateDevice",
    "TokenGeneration_RefreshTokens",
    "TokenGeneration_ClientCredentials",
]


class CognitoPreTokenGenerationTriggerModelV1(CognitoTriggerBaseModel):
    trigger_source: _TOKEN_SOURCES
    request: CognitoPreTokenGenerationRequestModel = Field(repr=False)


class CognitoPreTokenGenerationTriggerModelV2AndV3(CognitoPreTokenGenerationTriggerModelV1):
    pass
