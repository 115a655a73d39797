"""A guarded handler run under awslambdaric by test_timeout_guard.py."""

from __future__ import annotations

import time
from typing import Any

from toolkit import timeout_guard

invocations = 0


@timeout_guard(margin_ms=300)
def handler(event: dict[str, Any], context: Any) -> dict[str, int]:
    global invocations
    invocations += 1
    time.sleep(event["sleep"])
    return {"invocations": invocations}
