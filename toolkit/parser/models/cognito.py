"""Cognito user pool trigger models: sign-up, authentication, token generation, migration,
messages and custom authentication challenges. The ``response`` is what the function fills in
and returns. Triggers whose ``triggerSource`` values vary with the flow are checked by prefix
(``CustomMessage_...``)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from toolkit.parser.models._aliases import camel_case
from toolkit.parser.models._base import EventModel

__all__ = [
    "CognitoAuthChallengeRequestModel",
    "CognitoCallerContextModel",
    "CognitoChallengeResultModel",
    "CognitoCreateAuthChallengeTriggerModel",
    "CognitoCustomEmailSMSSenderRequestModel",
    "CognitoCustomEmailSenderTriggerModel",
    "CognitoCustomMessageRequestModel",
    "CognitoCustomMessageTriggerModel",
    "CognitoCustomSMSSenderTriggerModel",
    "CognitoDefineAuthChallengeTriggerModel",
    "CognitoGroupConfigurationModel",
    "CognitoMigrateUserRequestModel",
    "CognitoMigrateUserTriggerModel",
    "CognitoPostAuthenticationRequestModel",
    "CognitoPostAuthenticationTriggerModel",
    "CognitoPostConfirmationTriggerModel",
    "CognitoPreAuthenticationTriggerModel",
    "CognitoPreSignupTriggerModel",
    "CognitoPreTokenGenerationRequestModel",
    "CognitoPreTokenGenerationTriggerModelV1",
    "CognitoPreTokenGenerationTriggerModelV2AndV3",
    "CognitoTriggerBaseModel",
    "CognitoUserAttributesRequestModel",
    "CognitoVerifyAuthChallengeRequestModel",
    "CognitoVerifyAuthChallengeTriggerModel",
]


class CognitoCallerContextModel(EventModel):
    model_config = camel_case()

    aws_sdk_version: str
    client_id: str | None = None  # null for some senders' events (custom email sender)


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


def _source(prefix: str) -> Any:
    """``trigger_source`` of a trigger whose flows share ``prefix``."""
    return Field(pattern=f"^{prefix}_[A-Za-z]+$")


class CognitoPreAuthenticationTriggerModel(CognitoTriggerBaseModel):
    trigger_source: Literal["PreAuthentication_Authentication"]
    request: CognitoUserAttributesRequestModel = Field(repr=False)


class CognitoPostAuthenticationRequestModel(CognitoUserAttributesRequestModel):
    new_device_used: bool


class CognitoPostAuthenticationTriggerModel(CognitoTriggerBaseModel):
    trigger_source: Literal["PostAuthentication_Authentication"]
    request: CognitoPostAuthenticationRequestModel = Field(repr=False)


class CognitoMigrateUserRequestModel(EventModel):
    """The password the user signed in with (absent in the forgot-password flow)."""

    model_config = camel_case()

    password: str | None = Field(default=None, repr=False)
    validation_data: dict[str, str] | None = Field(default=None, repr=False)
    client_metadata: dict[str, str] | None = Field(default=None, repr=False)


class CognitoMigrateUserTriggerModel(CognitoTriggerBaseModel):
    trigger_source: str = _source("UserMigration")
    request: CognitoMigrateUserRequestModel = Field(repr=False)


class CognitoCustomMessageRequestModel(CognitoUserAttributesRequestModel):
    code_parameter: str | None = None
    link_parameter: str | None = None
    username_parameter: str | None = None


class CognitoCustomMessageTriggerModel(CognitoTriggerBaseModel):
    trigger_source: str = _source("CustomMessage")
    request: CognitoCustomMessageRequestModel = Field(repr=False)


class CognitoCustomEmailSMSSenderRequestModel(CognitoUserAttributesRequestModel):
    """``code`` is the KMS-encrypted code to send."""

    type: str
    code: str = Field(repr=False)


class CognitoCustomEmailSenderTriggerModel(CognitoTriggerBaseModel):
    trigger_source: str = _source("CustomEmailSender")
    request: CognitoCustomEmailSMSSenderRequestModel = Field(repr=False)
    response: Any = Field(default=None, repr=False)


class CognitoCustomSMSSenderTriggerModel(CognitoTriggerBaseModel):
    trigger_source: str = _source("CustomSMSSender")
    request: CognitoCustomEmailSMSSenderRequestModel = Field(repr=False)
    response: Any = Field(default=None, repr=False)


class CognitoChallengeResultModel(EventModel):
    model_config = camel_case()

    challenge_name: str
    challenge_result: bool
    challenge_metadata: str | None = None


class CognitoAuthChallengeRequestModel(CognitoUserAttributesRequestModel):
    """The challenges answered so far in this sign-in (``session``)."""

    challenge_name: str | None = None
    session: list[CognitoChallengeResultModel] = Field(default_factory=list)
    user_not_found: bool = False


class CognitoDefineAuthChallengeTriggerModel(CognitoTriggerBaseModel):
    trigger_source: Literal["DefineAuthChallenge_Authentication"]
    request: CognitoAuthChallengeRequestModel = Field(repr=False)


class CognitoCreateAuthChallengeTriggerModel(CognitoTriggerBaseModel):
    trigger_source: Literal["CreateAuthChallenge_Authentication"]
    request: CognitoAuthChallengeRequestModel = Field(repr=False)


class CognitoVerifyAuthChallengeRequestModel(CognitoUserAttributesRequestModel):
    private_challenge_parameters: dict[str, str] = Field(repr=False)
    challenge_answer: Any = Field(repr=False)
    user_not_found: bool = False


class CognitoVerifyAuthChallengeTriggerModel(CognitoTriggerBaseModel):
    trigger_source: Literal["VerifyAuthChallengeResponse_Authentication"]
    request: CognitoVerifyAuthChallengeRequestModel = Field(repr=False)
