"""Application Load Balancer request models (Lambda as an ALB target)."""

from __future__ import annotations

from pydantic import Field

from toolkit.parser.models._aliases import camel_case
from toolkit.parser.models._base import EventModel

__all__ = ["AlbModel", "AlbRequestContext", "AlbRequestContextData"]


class AlbRequestContextData(EventModel):
    model_config = camel_case()

    target_group_arn: str


class AlbRequestContext(EventModel):
    model_config = camel_case()

    elb: AlbRequestContextData


class AlbModel(EventModel):
    """``headers`` or ``multi_value_headers`` is present, as the target group is configured."""

    model_config = camel_case()

    http_method: str
    path: str
    body: str = Field(repr=False)
    is_base64_encoded: bool
    headers: dict[str, str] | None = Field(default=None, repr=False)
    multi_value_headers: dict[str, list[str]] | None = Field(default=None, repr=False)
    query_string_parameters: dict[str, str] | None = None
    multi_value_query_string_parameters: dict[str, list[str]] | None = None
    request_context: AlbRequestContext
