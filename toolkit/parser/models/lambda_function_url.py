"""Lambda Function URL request model: API Gateway's payload format 2.0 (without JWT
authorizers: a Function URL authenticates with IAM or not at all)."""

from __future__ import annotations

from toolkit.parser.models.apigwv2 import APIGatewayProxyEventV2Model

__all__ = ["LambdaFunctionUrlModel"]


class LambdaFunctionUrlModel(APIGatewayProxyEventV2Model):
    pass
