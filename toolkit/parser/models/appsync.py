"""AppSync direct Lambda resolver event model. A batch resolver receives a list of these:
``parse(event, list[AppSyncResolverEventModel])``."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from toolkit.parser.models._aliases import camel_case
from toolkit.parser.models._base import EventModel

__all__ = ["AppSyncInfoModel", "AppSyncRequestModel", "AppSyncResolverEventModel"]


class AppSyncInfoModel(EventModel):
    model_config = camel_case(selection_set_graphql="selectionSetGraphQL")

    selection_set_list: list[str]
    selection_set_graphql: str
    parent_type_name: str
    field_name: str
    variables: dict[str, Any]


class AppSyncRequestModel(EventModel):
    model_config = camel_case()

    domain_name: str | None = None
    headers: dict[str, str] = Field(repr=False)


class AppSyncResolverEventModel(EventModel):
    """``identity`` is the caller (IAM, Cognito user pool, OIDC or Lambda authorizer: their
    shapes differ, so it stays a dict, and out of reprs)."""

    model_config = camel_case()

    arguments: dict[str, Any] = Field(repr=False)
    identity: dict[str, Any] | None = Field(default=None, repr=False)
    source: dict[str, Any] | None = Field(default=None, repr=False)
    request: AppSyncRequestModel | None = None  # absent from batch resolver events
    info: AppSyncInfoModel | None = None
    prev: dict[str, Any] | None = None
    stash: dict[str, Any] | None = None
    type_name: str | None = None  # older resolver events name the field at the top level
    field_name: str | None = None
