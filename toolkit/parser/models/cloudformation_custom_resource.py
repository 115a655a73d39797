"""CloudFormation custom resource request models, one per ``RequestType``. Subclass and
override ``resource_properties`` with your own model of the resource's properties."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from toolkit.parser.models._aliases import pascal_case
from toolkit.parser.models._base import EventModel

__all__ = [
    "CloudFormationCustomResourceBaseModel",
    "CloudFormationCustomResourceCreateModel",
    "CloudFormationCustomResourceDeleteModel",
    "CloudFormationCustomResourceUpdateModel",
]


class CloudFormationCustomResourceBaseModel(EventModel):
    model_config = pascal_case(response_url="ResponseURL")

    request_type: str
    service_token: str
    response_url: str = Field(repr=False)  # a presigned S3 URL: a credential
    stack_id: str
    request_id: str
    logical_resource_id: str
    resource_type: str
    resource_properties: Any = Field(default=None, repr=False)


class CloudFormationCustomResourceCreateModel(CloudFormationCustomResourceBaseModel):
    request_type: Literal["Create"]


class CloudFormationCustomResourceDeleteModel(CloudFormationCustomResourceBaseModel):
    request_type: Literal["Delete"]
    physical_resource_id: str


class CloudFormationCustomResourceUpdateModel(CloudFormationCustomResourceBaseModel):
    request_type: Literal["Update"]
    physical_resource_id: str
    old_resource_properties: Any = Field(default=None, repr=False)
