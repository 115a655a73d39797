"""Where the payload sits in the events AWS services send to Lambda, as JMESPath expressions.

Give one to :func:`toolkit.jmespath.query` to get the payload out of an event, to
``toolkit.validation.validate(..., envelope=...)`` / ``@validator(envelope=...)`` to validate
the payload rather than the event around it, or use it as the start of your own expression.
The names are Powertools' (``aws_lambda_powertools.utilities.jmespath_utils.envelopes``), so
code written against them moves over with its import; the constants toolkit adds are marked.

Each expression decodes what the service encodes: JSON held in a string
(``powertools_json``), base64 (``powertools_base64``), base64 of gzip
(``powertools_base64_gzip``). Services that deliver a batch give a list (one item per record);
the others give one value. These are plain strings: importing this module costs nothing, and
an expression is compiled once, the first time it is used.
"""

from __future__ import annotations

__all__ = [
    "API_GATEWAY_HTTP",
    "API_GATEWAY_REST",
    "CLOUDWATCH_EVENTS_SCHEDULED",
    "CLOUDWATCH_LOGS",
    "EVENTBRIDGE",
    "KINESIS_DATA_STREAM",
    "KINESIS_FIREHOSE",
    "S3_EVENTBRIDGE_SQS",
    "S3_KINESIS_FIREHOSE",
    "S3_OBJECT_KEYS",
    "S3_SNS_KINESIS_FIREHOSE",
    "S3_SNS_SQS",
    "S3_SQS",
    "SNS",
    "SNS_SQS",
    "SQS",
]

API_GATEWAY_REST = "powertools_json(body)"
"""The JSON body of an API Gateway REST (v1) request. A body API Gateway base64-encoded
(``isBase64Encoded``: binary media types) is not decoded: write your own expression."""

API_GATEWAY_HTTP = API_GATEWAY_REST
"""The JSON body of an API Gateway HTTP (v2) request or a Lambda Function URL request: the
field has the same name as in v1."""

SQS = "Records[*].powertools_json(body)"
"""The JSON body of every SQS message in the batch, as a list."""

SNS = "Records[0].Sns.Message | powertools_json(@)"
"""The JSON message of an SNS notification. SNS invokes a function with one record per event,
so this is one value, not a list."""

SNS_SQS = "Records[*].powertools_json(body).powertools_json(Message)"
"""toolkit's: the JSON message of every SNS notification delivered through an SQS queue
subscribed to the topic (raw message delivery off), as a list."""

EVENTBRIDGE = "detail"
"""The ``detail`` of an EventBridge event (already an object: no decoding)."""

CLOUDWATCH_EVENTS_SCHEDULED = EVENTBRIDGE
"""A scheduled CloudWatch Events rule's event, which is an EventBridge event."""

KINESIS_DATA_STREAM = "Records[*].kinesis.powertools_json(powertools_base64(data))"
"""The JSON data of every Kinesis Data Streams record in the batch (base64 in the event)."""

KINESIS_FIREHOSE = "records[*].powertools_json(powertools_base64(data))"
"""toolkit's: the JSON data of every record of a Kinesis Data Firehose transformation event
(base64 in the event; note Firehose's lower-case ``records``)."""

CLOUDWATCH_LOGS = "awslogs.powertools_base64_gzip(data) | powertools_json(@).logEvents[*]"
"""The log events of a CloudWatch Logs subscription (gzip, then base64, in the event)."""

S3_OBJECT_KEYS = "Records[*].s3.object.key"
"""toolkit's: the object key of every record of an S3 event notification. S3 sends keys
URL-encoded (a space is ``+``): decode them with ``urllib.parse.unquote_plus``."""

S3_SQS = "Records[*].powertools_json(body).Records[0]"
"""The S3 event notification record of every SQS message, for an S3 bucket that notifies an
SQS queue."""

S3_SNS_SQS = "Records[*].powertools_json(body).powertools_json(Message).Records[0]"
"""The S3 event notification record of every SQS message, for an S3 bucket that notifies an
SNS topic with an SQS queue subscribed."""

S3_EVENTBRIDGE_SQS = "Records[*].powertools_json(body).detail"
"""The ``detail`` of the S3 event of every SQS message, for S3 events routed by an EventBridge
rule to an SQS queue."""

S3_KINESIS_FIREHOSE = "records[*].powertools_json(powertools_base64(data)).Records[0]"
"""The S3 event notification record of every Firehose record, for S3 notifications delivered
to a Firehose stream."""

S3_SNS_KINESIS_FIREHOSE = (
    "records[*].powertools_json(powertools_base64(data)).powertools_json(Message).Records[0]"
)
"""The S3 event notification record of every Firehose record, for S3 notifications sent to an
SNS topic and delivered through Firehose."""
