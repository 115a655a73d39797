"""Bedrock Agent action group event model (an OpenAPI-schema action group)."""

from __future__ import annotations

from pydantic import Field

from toolkit.parser.models._aliases import camel_case
from toolkit.parser.models._base import EventModel

__all__ = [
    "BedrockAgentEventModel",
    "BedrockAgentModel",
    "BedrockAgentPropertyModel",
    "BedrockAgentRequestBodyModel",
    "BedrockAgentRequestMediaModel",
]


class BedrockAgentModel(EventModel):
    model_config = camel_case()

    name: str
    id: str
    alias: str
    version: str


class BedrockAgentPropertyModel(EventModel):
    model_config = camel_case()

    name: str
    type: str
    value: str = Field(repr=False)


class BedrockAgentRequestMediaModel(EventModel):
    model_config = camel_case()

    properties: list[BedrockAgentPropertyModel]


class BedrockAgentRequestBodyModel(EventModel):
    """``content`` maps a media type (``application/json``) to the properties sent."""

    model_config = camel_case()

    content: dict[str, BedrockAgentRequestMediaModel]


class BedrockAgentEventModel(EventModel):
    model_config = camel_case()

    message_version: str
    input_text: str = Field(repr=False)
    session_id: str
    action_group: str
    api_path: str
    http_method: str
    parameters: list[BedrockAgentPropertyModel] | None = None
    request_body: BedrockAgentRequestBodyModel | None = None
    agent: BedrockAgentModel
    session_attributes: dict[str, str] = Field(repr=False)
    prompt_session_attributes: dict[str, str] = Field(repr=False)
