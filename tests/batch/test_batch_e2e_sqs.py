"""End to end with a real queue: moto's SQS server on loopback, real boto3, and a loop that
plays the event source mapping: receive, build the Lambda event, invoke, delete the successes,
make the failures visible again."""

from __future__ import annotations

import collections
import json
import uuid
from typing import Any

import pytest

from tests.aws import client, use_fake_credentials
from toolkit.batch import BatchProcessor, EventType, SQSRecord, process_partial_response
from toolkit.middleware import middleware
from toolkit.testing import lambda_context

MESSAGES = 60
FAILURES_PER_MESSAGE = 2  # each "flaky" message fails this many times before succeeding


def lambda_event(messages: list[dict[str, Any]], queue_arn: str, region: str) -> dict[str, Any]:
    """What the SQS event source mapping hands Lambda for received messages."""
    records = []
    for message in messages:
        attributes = message.get("Attributes", {})
        records.append(
            {
                "messageId": message["MessageId"],
                "receiptHandle": message["ReceiptHandle"],
                "body": message["Body"],
                "attributes": attributes,
                "messageAttributes": {
                    name: {
                        "stringValue": value.get("StringValue"),
                        "binaryValue": value.get("BinaryValue"),
                        "stringListValues": [],
                        "binaryListValues": [],
                        "dataType": value["DataType"],
                    }
                    for name, value in message.get("MessageAttributes", {}).items()
                },
                "md5OfBody": message["MD5OfBody"],
                "eventSource": "aws:sqs",
                "eventSourceARN": queue_arn,
                "awsRegion": region,
            }
        )
    return {"Records": records}


def test_no_message_lost_none_processed_twice(
    moto_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_fake_credentials(monkeypatch.setenv)
    sqs = client("sqs", moto_server)
    queue_url = sqs.create_queue(
        QueueName=f"orders-{uuid.uuid4().hex[:8]}", Attributes={"VisibilityTimeout": "30"}
    )["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]

    sent: dict[str, int] = {}
    for start in range(0, MESSAGES, 10):
        entries = [
            {
                "Id": str(n),
                "MessageBody": json.dumps({"order": n, "flaky": n % 3 == 0}),
                "MessageAttributes": {"kind": {"DataType": "String", "StringValue": "order"}},
            }
            for n in range(start, min(start + 10, MESSAGES))
        ]
        response = sqs.send_message_batch(QueueUrl=queue_url, Entries=entries)
        assert not response.get("Failed")
        for ok in response["Successful"]:
            sent[ok["MessageId"]] = int(ok["Id"])

    attempts: collections.Counter[int] = collections.Counter()
    succeeded: collections.Counter[int] = collections.Counter()

    def record_handler(record: SQSRecord) -> None:
        order = record.json_body["order"]
        attempts[order] += 1
        assert record.message_attributes["kind"].string_value == "order"
        assert record.attributes.approximate_receive_count == attempts[order]  # the queue's count
        if record.json_body["flaky"] and attempts[order] <= FAILURES_PER_MESSAGE:
            raise RuntimeError("downstream unavailable")
        succeeded[order] += 1

    processor = BatchProcessor(EventType.SQS)

    @middleware
    def invocation(handler: Any, event: Any, context: Any) -> Any:
        return handler(event, context)

    @invocation
    def handler(event: Any, context: Any) -> Any:
        return process_partial_response(event, record_handler, processor)

    invocations = 0
    empty_receives = 0
    while empty_receives < 2:
        assert invocations < 100, "the queue never drained"
        received = sqs.receive_message(
            QueueUrl=queue_url,
            MaxNumberOfMessages=10,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
            WaitTimeSeconds=0,
        ).get("Messages", [])
        if not received:
            empty_receives += 1
            continue
        empty_receives = 0
        invocations += 1
        event = lambda_event(received, queue_arn, "us-east-1")
        response = handler(event, lambda_context())
        failed = {item["itemIdentifier"] for item in response["batchItemFailures"]}
        assert failed <= {m["MessageId"] for m in received}
        successes = [m for m in received if m["MessageId"] not in failed]
        if successes:  # the event source mapping deletes what succeeded...
            deleted = sqs.delete_message_batch(
                QueueUrl=queue_url,
                Entries=[
                    {"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]}
                    for n, m in enumerate(successes)
                ],
            )
            assert not deleted.get("Failed")
        for message in received:  # ...and the failures come back (visibility 0: at once)
            if message["MessageId"] in failed:
                sqs.change_message_visibility(
                    QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0
                )

    attributes = sqs.get_queue_attributes(
        QueueUrl=queue_url,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    assert attributes == {
        "ApproximateNumberOfMessages": "0",
        "ApproximateNumberOfMessagesNotVisible": "0",
    }
    orders = set(sent.values())
    assert set(succeeded) == orders  # none lost
    assert set(succeeded.values()) == {1}  # none processed successfully twice
    flaky = {n for n in orders if n % 3 == 0}
    assert {n: attempts[n] for n in flaky} == dict.fromkeys(flaky, FAILURES_PER_MESSAGE + 1)
    assert {attempts[n] for n in orders - flaky} == {1}
