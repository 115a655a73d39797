"""Faults injected on the wire of a real boto3 client, with botocore's own event hooks.

A ``before-send`` handler that returns a response stands in for the HTTP exchange: botocore
parses it as it would DynamoDB's answer, and its retry handler (legacy or standard, as the
client's ``Config`` says) decides whether to try again, sleeping as configured, and each new
attempt goes through the hook again. Nothing of botocore or of the code under test is
patched, so what is exercised is exactly what happens when DynamoDB throttles or fails.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

from botocore.awsrequest import AWSResponse

THROTTLED = (400, "ProvisionedThroughputExceededException")
INTERNAL = (500, "InternalServerError")
UNAVAILABLE = (503, "ServiceUnavailable")
CONDITION_FAILED = (400, "ConditionalCheckFailedException")


class _Body(io.BytesIO):
    """The raw body botocore reads a response from (urllib3's ``stream()`` interface)."""

    def stream(self, **_: Any) -> Iterator[bytes]:
        chunk = self.read()
        while chunk:
            yield chunk
            chunk = self.read()


def error_response(url: str, status: int, code: str) -> AWSResponse:
    """DynamoDB's JSON 1.0 error answer for ``code``, without any item (so also what a store
    that ignores ReturnValuesOnConditionCheckFailure answers to a failed condition)."""
    body = json.dumps(
        {"__type": f"com.amazonaws.dynamodb.v20120810#{code}", "message": "injected by the test"}
    ).encode()
    headers = {
        "Content-Type": "application/x-amz-json-1.0",
        "x-amzn-RequestId": "INJECTEDFAULT0000000000000000000000000000000000000000",
        "Content-Length": str(len(body)),
    }
    return AWSResponse(url, status, headers, _Body(body))


class Fault:
    """Fail the next ``times`` attempts of ``operation`` on ``client`` (every attempt when
    ``times`` is None) with ``fault`` (an HTTP status and an AWS error code). ``attempts``
    counts every attempt botocore made of that operation, failed or passed through."""

    def __init__(
        self,
        client: Any,
        operation: str,
        fault: tuple[int, str],
        times: int | None = None,
    ) -> None:
        self.operation = operation
        self.status, self.code = fault
        self.remaining = times
        self.attempts = 0
        self.injected = 0
        client.meta.events.register(f"before-send.dynamodb.{operation}", self._send)

    def _send(self, request: Any, **_: Any) -> AWSResponse | None:
        self.attempts += 1
        if self.remaining is not None:
            if self.remaining <= 0:
                return None
            self.remaining -= 1
        self.injected += 1
        return error_response(request.url, self.status, self.code)


class Calls:
    """Counts the DynamoDB operations a client performs (logical calls, not retries: the
    ``after-call`` event fires once per operation, when botocore is done with it)."""

    def __init__(self, client: Any) -> None:
        self.names: list[str] = []
        client.meta.events.register("after-call.dynamodb", self._after)

    def _after(self, model: Any, **_: Any) -> None:
        self.names.append(model.name)


class LostResponse:
    """The first attempt of ``operation`` reaches DynamoDB and is applied, but its answer is
    lost (a read timeout): the hook sends the request itself, then raises what botocore
    raises when the answer does not come. botocore retries it as a connection error, and the
    retry meets the state the first attempt left (its own claim, its own completion...)."""

    def __init__(self, client: Any, operation: str) -> None:
        self.attempts = 0
        self.applied: int | None = None  # HTTP status DynamoDB gave the lost attempt
        client.meta.events.register(f"before-send.dynamodb.{operation}", self._send)

    def _send(self, request: Any, **_: Any) -> None:
        import urllib.error
        import urllib.request

        from botocore.exceptions import ReadTimeoutError

        self.attempts += 1
        if self.attempts > 1:
            return
        body = request.body if isinstance(request.body, bytes) else request.body.encode()
        forwarded = urllib.request.Request(
            request.url, data=body, headers=dict(request.headers.items()), method=request.method
        )
        try:
            with urllib.request.urlopen(forwarded, timeout=30) as answer:
                self.applied = answer.status
        except urllib.error.HTTPError as error:
            self.applied = error.code
        raise ReadTimeoutError(endpoint_url=request.url)
