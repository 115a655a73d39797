"""JMESPath expressions locating a correlation id in common event sources, for
``@logger.inject_lambda_context(correlation_id_path=...)``. The values are the ones
Powertools uses, so an existing configuration keeps finding the same id."""

from __future__ import annotations

__all__ = [
    "API_GATEWAY_HTTP",
    "API_GATEWAY_REST",
    "APPLICATION_LOAD_BALANCER",
    "APPSYNC_AUTHORIZER",
    "APPSYNC_RESOLVER",
    "EVENT_BRIDGE",
    "LAMBDA_FUNCTION_URL",
    "S3",
    "S3_OBJECT_LAMBDA",
    "SQS",
    "VPC_LATTICE",
]

API_GATEWAY_REST = "requestContext.requestId"
API_GATEWAY_HTTP = "requestContext.requestId"
LAMBDA_FUNCTION_URL = "requestContext.requestId"
APPSYNC_AUTHORIZER = "requestContext.requestId"
APPSYNC_RESOLVER = 'request.headers."x-amzn-trace-id"'
APPLICATION_LOAD_BALANCER = 'headers."x-amzn-trace-id"'
EVENT_BRIDGE = "id"
S3 = 'Records[*].responseElements."x-amz-request-id"'
S3_OBJECT_LAMBDA = "xAmzRequestId"
SQS = "Records[*].messageId"
VPC_LATTICE = 'headers."x-amzn-trace-id"'
