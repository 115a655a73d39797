"""Reading toolkit's notices in tests."""

from __future__ import annotations

import json
from typing import Any


def tracing_notices(stdout: str) -> list[dict[str, Any]]:
    """The Tracer's notices among the lines written to stdout: inside Lambda (what XRayCapture
    sets up) toolkit's warnings are JSON lines, like the Logger's."""
    lines = [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]
    return [line for line in lines if str(line.get("toolkit")).startswith("toolkit.tracing")]
