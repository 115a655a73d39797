"""Envelopes: where each event source carries the payload (``SqsEnvelope``: each record's
body; ``EventBridgeEnvelope``: the detail...). ``parse(event, Order, envelope=SqsEnvelope)``
validates the event against the source's model, then each payload against ``Order``.

Names resolve lazily, as Powertools names them; an envelope's module imports its source's
models (and pydantic) when the envelope is first used.
"""

from __future__ import annotations

from toolkit._lazy import exports
from toolkit._typing import TYPE_CHECKING

_MODULES: dict[str, str] = {  # public name: module under toolkit.parser.envelopes
    "AlbEnvelope": "http",
    "ApiGatewayEnvelope": "http",
    "ApiGatewayV2Envelope": "http",
    "BaseEnvelope": "base",
    "CloudWatchLogsEnvelope": "cloudwatch",
    "DynamoDBStreamEnvelope": "dynamodb",
    "Envelope": "base",
    "EventBridgeEnvelope": "event_bridge",
    "KafkaEnvelope": "kafka",
    "KinesisDataStreamEnvelope": "kinesis",
    "KinesisFirehoseEnvelope": "kinesis",
    "LambdaFunctionUrlEnvelope": "http",
    "SnsEnvelope": "sns",
    "SnsSqsEnvelope": "sqs",
    "SqsEnvelope": "sqs",
}
_EXPORTS = {name: f"{__name__}.{module}" for name, module in _MODULES.items()}

__all__ = [
    "AlbEnvelope",
    "ApiGatewayEnvelope",
    "ApiGatewayV2Envelope",
    "BaseEnvelope",
    "CloudWatchLogsEnvelope",
    "DynamoDBStreamEnvelope",
    "Envelope",
    "EventBridgeEnvelope",
    "KafkaEnvelope",
    "KinesisDataStreamEnvelope",
    "KinesisFirehoseEnvelope",
    "LambdaFunctionUrlEnvelope",
    "SnsEnvelope",
    "SnsSqsEnvelope",
    "SqsEnvelope",
]

if TYPE_CHECKING:
    from toolkit.parser.envelopes.base import BaseEnvelope, Envelope
    from toolkit.parser.envelopes.cloudwatch import CloudWatchLogsEnvelope
    from toolkit.parser.envelopes.dynamodb import DynamoDBStreamEnvelope
    from toolkit.parser.envelopes.event_bridge import EventBridgeEnvelope
    from toolkit.parser.envelopes.http import (
        AlbEnvelope,
        ApiGatewayEnvelope,
        ApiGatewayV2Envelope,
        LambdaFunctionUrlEnvelope,
    )
    from toolkit.parser.envelopes.kafka import KafkaEnvelope
    from toolkit.parser.envelopes.kinesis import KinesisDataStreamEnvelope, KinesisFirehoseEnvelope
    from toolkit.parser.envelopes.sns import SnsEnvelope
    from toolkit.parser.envelopes.sqs import SnsSqsEnvelope, SqsEnvelope

__getattr__, __dir__ = exports(__name__, _EXPORTS, globals())
