"""Envelopes of HTTP requests: API Gateway REST (v1) and HTTP (v2) APIs, Lambda Function URLs
and Application Load Balancers. The request's ``body`` is validated against the model, decoded
from base64 first when ``isBase64Encoded`` says so."""

from __future__ import annotations

from typing import Any

from toolkit.parser.envelopes.base import BaseEnvelope, http_body
from toolkit.parser.models.alb import AlbModel
from toolkit.parser.models.apigw import APIGatewayProxyEventModel
from toolkit.parser.models.apigwv2 import APIGatewayProxyEventV2Model
from toolkit.parser.models.lambda_function_url import LambdaFunctionUrlModel
from toolkit.parser.parsing import validator_for

__all__ = ["AlbEnvelope", "ApiGatewayEnvelope", "ApiGatewayV2Envelope", "LambdaFunctionUrlEnvelope"]


class _HttpEnvelope(BaseEnvelope):
    _request: Any

    def parse(self, data: Any, model: Any) -> Any:
        request = validator_for(self._request)(data)
        body = http_body(request.body, request.is_base64_encoded)
        return self._each(model, [(("body",), body)])[0]


class ApiGatewayEnvelope(_HttpEnvelope):
    """API Gateway REST API (payload format 1.0): the body validated; ``None`` without one."""

    _request = APIGatewayProxyEventModel


class ApiGatewayV2Envelope(_HttpEnvelope):
    """API Gateway HTTP API (payload format 2.0): the body validated; ``None`` without one."""

    _request = APIGatewayProxyEventV2Model


class LambdaFunctionUrlEnvelope(_HttpEnvelope):
    """Lambda Function URL: the body validated; ``None`` without one."""

    _request = LambdaFunctionUrlModel


class AlbEnvelope(_HttpEnvelope):
    """Application Load Balancer: the body validated."""

    _request = AlbModel
