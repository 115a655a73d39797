"""The Python blocks of docs/idempotency.md compile, and the batch pattern works as written:
duplicates in an SQS batch run the record handler once per message."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.batch.batches import sqs_event
from tests.conftest import ROOT
from toolkit.testing import lambda_context

BLOCKS = re.findall(r"```python\n(.*?)```", (ROOT / "docs/idempotency.md").read_text(), re.S)


def test_every_block_compiles() -> None:
    assert len(BLOCKS) >= 3
    for block in BLOCKS:
        compile(block, "docs/idempotency.md", "exec")


def test_the_batch_pattern_processes_each_message_once(store, items) -> None:
    (block,) = [b for b in BLOCKS if "process_partial_response" in b]
    runs: list[str] = []
    body = "    runs.append(record.message_id)\n    return record.message_id\n"
    namespace: dict[str, Any] = {"store": store, "runs": runs}
    exec(compile(block.replace("    ...\n", body), "docs/idempotency.md", "exec"), namespace)
    event = sqs_event(3)
    event["Records"].append(dict(event["Records"][1]))  # a redelivered message
    response = namespace["handler"](event, lambda_context())
    assert response == {"batchItemFailures": []}
    assert sorted(runs) == ["msg-00000", "msg-00001", "msg-00002"]
    assert len(items()) == 3
    namespace["handler"](event, lambda_context())  # the whole batch again
    assert len(runs) == 3


@pytest.fixture(autouse=True)
def _no_logger_output(capsys: pytest.CaptureFixture[str]) -> None:
    """The example's Logger writes to stdout; nothing here reads it."""
