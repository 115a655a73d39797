"""A fake Lambda context that behaves like the runtime's, deadline included."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from typing import Any


def log_stream_name(version: str = "$LATEST", now: float | None = None) -> str:
    """A log stream name as Lambda makes them, ``YYYY/MM/DD/[version]<32 hex>``: one per
    execution environment (the fake context and ``toolkit invoke`` both use this one)."""
    day = time.strftime("%Y/%m/%d", time.gmtime(now))
    return f"{day}/[{version}]{uuid.uuid4().hex}"


@dataclass
class FakeLambdaContext:
    """Same attributes as the Python runtime's context.

    ``get_remaining_time_in_millis()`` counts down from a real deadline set at creation, so
    code that watches the clock (``timeout_guard``, batch processors) behaves as in Lambda.
    ``memory_limit_in_mb`` is a string, as the runtime gives it.
    """

    function_name: str = "test-function"
    function_version: str = "$LATEST"
    invoked_function_arn: str = ""
    memory_limit_in_mb: str = "128"
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    log_group_name: str = ""
    log_stream_name: str = ""
    timeout_ms: int = 3000
    identity: Any = None
    client_context: Any = None
    tenant_id: str | None = None
    region: str = "us-east-1"
    account_id: str = "123456789012"
    deadline_ms: float = field(init=False)

    def __post_init__(self) -> None:
        self.memory_limit_in_mb = str(self.memory_limit_in_mb)
        if not self.invoked_function_arn:
            self.invoked_function_arn = (
                f"arn:aws:lambda:{self.region}:{self.account_id}:function:{self.function_name}"
            )
        if not self.log_group_name:
            self.log_group_name = f"/aws/lambda/{self.function_name}"
        if not self.log_stream_name:
            self.log_stream_name = log_stream_name(self.function_version)
        self.deadline_ms = time.monotonic() * 1000 + self.timeout_ms

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int(self.deadline_ms - time.monotonic() * 1000))


def lambda_context(**overrides: Any) -> FakeLambdaContext:
    """A realistic context; pass any attribute to change it, ``timeout_ms`` for the deadline
    (default 3000)."""
    return FakeLambdaContext(**overrides)
