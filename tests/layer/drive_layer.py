"""Run in a fresh ``python -S -E``: the function's folder and the layer's python/ (and, for the
benchmark, a folder standing for the runtime's own boto3) are the only entries added to the
standard library's sys.path, in Lambda's order.

argv: task folder, then the layer's python/ folder and any further folders. Prints one JSON
document last (the function's log and EMF lines come before it): the handler's response, the
top-level modules loaded from anywhere else (the tests want none), and the time from the
handler module's import to the first invocation's return (bench/layer_cold_start.py).
"""

import json
import sys
import time

folders = sys.argv[1:]
sys.path[:0] = folders


class Context:
    function_name = "orders"
    function_version = "$LATEST"
    memory_limit_in_mb = 128
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:orders"
    aws_request_id = "c6af9ac6-7b61-11e6-9a41-93e812345678"
    log_group_name = "/aws/lambda/orders"
    log_stream_name = "2026/12/06/[$LATEST]0123456789abcdef"

    def get_remaining_time_in_millis(self):
        return 3000


def record(message_id, body):
    return {
        "messageId": message_id,
        "receiptHandle": "handle",
        "body": json.dumps(body),
        "attributes": {
            "ApproximateReceiveCount": "1",
            "SentTimestamp": "1796579206000",
            "SenderId": "AIDAEXAMPLE",
            "ApproximateFirstReceiveTimestamp": "1796579206001",
        },
        "messageAttributes": {},
        "md5OfBody": "0" * 32,
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:orders",
        "awsRegion": "us-east-1",
    }


event = {"Records": [record("1", {"id": 1, "quantity": 2}), record("2", {"id": 2, "quantity": 0})]}
started = time.perf_counter_ns()
import app  # noqa: E402 - the function's module, found through the path set above

response = app.handler(event, Context())
cold_ns = time.perf_counter_ns() - started
outside = sorted(
    {
        name.split(".")[0]
        for name, module in list(sys.modules.items())
        if getattr(module, "__file__", None)
        and not module.__file__.startswith((*folders, sys.base_prefix))
    }
)
print(json.dumps({"response": response, "outside": outside, "cold_ns": cold_ns}))
