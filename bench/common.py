"""What the child-side cases share: the sinks, the Lambda context, the case wrapper.

Stdlib only at module level: a case imports the library it measures itself, so that the
other side's imports never end up in its process.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

SERVICE = "bench"


class Case:
    """A side of a benchmark, ready to run: ``case(n)`` times ``n`` iterations and returns the
    nanoseconds; ``case.verify()`` reports what the (counting) sinks saw."""

    def __init__(
        self,
        run: Callable[[int], int],
        verify: Callable[[], dict[str, Any]] | None = None,
        warmup: int = 200,
    ) -> None:
        self._run = run
        self._verify = verify
        self.warmup = warmup

    def __call__(self, n: int) -> int:
        return self._run(n)

    def verify(self) -> dict[str, Any]:
        return self._verify() if self._verify else {}


class CountingSink:
    """A text stream that keeps count of what was written (and the first few lines), used in
    the untimed verification pass to prove a side really produced its output."""

    def __init__(self) -> None:
        self.writes = 0
        self.chars = 0
        self.text: list[str] = []

    def write(self, data: str) -> int:
        self.writes += 1
        self.chars += len(data)
        if len(self.text) < 50:
            self.text.append(data)
        return len(data)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    def lines(self) -> list[str]:
        return [line for line in "".join(self.text).splitlines() if line.strip()]

    def stats(self) -> dict[str, Any]:
        lines = self.lines()
        return {"writes": self.writes, "chars": self.chars, "first_line": lines[0] if lines else ""}


def devnull() -> Any:
    """The same kind of sink for every side: a text file on /dev/null."""
    return open(os.devnull, "w")


@contextmanager
def stdout_to(stream: Any) -> Iterator[None]:
    """Point ``sys.stdout`` at ``stream`` for a block (metrics print there)."""
    saved = sys.stdout
    sys.stdout = stream
    try:
        yield
    finally:
        sys.stdout = saved


def context() -> Any:
    """A realistic Lambda context (all attributes a Logger reads), the same for both sides."""
    from toolkit.testing import lambda_context

    return lambda_context(
        function_name="bench-function",
        memory_limit_in_mb="512",
        aws_request_id="c6af9ac6-7b61-11e6-9a41-93e812345678",
        timeout_ms=900_000,
    )


def lambda_env(**extra: str) -> dict[str, str]:
    """Environment of a function in Lambda, as the runtime sets it."""
    env = {
        "AWS_LAMBDA_FUNCTION_NAME": "bench-function",
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512",
        "AWS_REGION": "us-east-1",
        "POWERTOOLS_SERVICE_NAME": SERVICE,
    }
    env.update(extra)
    return env
