"""Generated batches in the exact shapes Lambda delivers (see the samples in tests/events)."""

from __future__ import annotations

import base64
import json
from typing import Any

SQS_ARN = "arn:aws:sqs:us-east-1:123456789012:orders"
FIFO_ARN = "arn:aws:sqs:us-east-1:123456789012:orders.fifo"


def sqs_record(index: int, body: str | None = None, group: str | None = None) -> dict[str, Any]:
    attributes = {
        "ApproximateReceiveCount": "1",
        "SentTimestamp": "1545082649183",
        "SenderId": "AIDAIENQZJOLO23YVJ4VO",
        "ApproximateFirstReceiveTimestamp": "1545082649185",
    }
    if group is not None:
        attributes["MessageGroupId"] = group
        attributes["MessageDeduplicationId"] = f"dedup-{index}"
        attributes["SequenceNumber"] = str(18873177232222703872 + index)
    return {
        "messageId": f"msg-{index:05d}",
        "receiptHandle": f"handle-{index}",
        "body": json.dumps({"index": index}) if body is None else body,
        "attributes": attributes,
        "messageAttributes": {},
        "md5OfBody": "e4e68fb7bd0e697a0ae8f1bb342846b3",
        "eventSource": "aws:sqs",
        "eventSourceARN": FIFO_ARN if group is not None else SQS_ARN,
        "awsRegion": "us-east-1",
    }


def sqs_event(size: int, groups: list[str] | None = None) -> dict[str, Any]:
    return {
        "Records": [
            sqs_record(i, group=None if groups is None else groups[i % len(groups)])
            for i in range(size)
        ]
    }


def kinesis_record(index: int) -> dict[str, Any]:
    sequence = f"4959033827149025660855969253836157109592157598913{index:07d}"
    return {
        "kinesis": {
            "kinesisSchemaVersion": "1.0",
            "partitionKey": str(index % 4),
            "sequenceNumber": sequence,
            "data": base64.b64encode(json.dumps({"index": index}).encode()).decode(),
            "approximateArrivalTimestamp": 1545084650.987,
        },
        "eventSource": "aws:kinesis",
        "eventVersion": "1.0",
        "eventID": f"shardId-000000000006:{sequence}",
        "eventName": "aws:kinesis:record",
        "invokeIdentityArn": "arn:aws:iam::123456789012:role/lambda-role",
        "awsRegion": "us-east-1",
        "eventSourceARN": "arn:aws:kinesis:us-east-1:123456789012:stream/readings",
    }


def dynamodb_record(index: int) -> dict[str, Any]:
    return {
        "eventID": str(index),
        "eventVersion": "1.1",
        "dynamodb": {
            "ApproximateCreationDateTime": 1693997155.0,
            "Keys": {"Id": {"N": str(index)}},
            "NewImage": {"Id": {"N": str(index)}, "Name": {"S": f"item {index}"}},
            "StreamViewType": "NEW_AND_OLD_IMAGES",
            "SequenceNumber": f"{100000000000 + index}",
            "SizeBytes": 26,
        },
        "awsRegion": "us-east-1",
        "eventName": "INSERT",
        "eventSourceARN": "arn:aws:dynamodb:us-east-1:123456789012:table/items/stream/x",
        "eventSource": "aws:dynamodb",
    }


def kinesis_event(size: int) -> dict[str, Any]:
    return {"Records": [kinesis_record(i) for i in range(size)]}


def dynamodb_event(size: int) -> dict[str, Any]:
    return {"Records": [dynamodb_record(i) for i in range(size)]}


def failed_ids(response: dict[str, Any]) -> list[str]:
    return [item["itemIdentifier"] for item in response["batchItemFailures"]]
