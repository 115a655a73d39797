"""The Python blocks of docs/batch.md are valid, and the models example works as written."""

from __future__ import annotations

import json
import re
from typing import Any

from tests.batch.batches import dynamodb_record, failed_ids, sqs_event
from tests.conftest import ROOT
from toolkit.batch import BatchProcessor, EventType, process_partial_response

BLOCKS = re.findall(r"```python\n(.*?)```", (ROOT / "docs/batch.md").read_text(), re.S)


def test_every_block_compiles() -> None:
    assert len(BLOCKS) >= 3
    for block in BLOCKS:
        compile(block, "docs/batch.md", "exec")


def test_the_models_example_runs() -> None:
    (block,) = [b for b in BLOCKS if "class OrderRecord" in b]
    namespace: dict[str, Any] = {}
    exec(compile(block, "docs/batch.md", "exec", dont_inherit=True), namespace)
    event = sqs_event(3)
    for n, record in enumerate(event["Records"]):
        record["body"] = json.dumps({"id": n if n != 1 else "x"})
    ids: list[int] = []
    response = process_partial_response(
        event, lambda r: ids.append(r.body.id), namespace["processor"]
    )
    assert failed_ids(response) == ["msg-00001"]
    assert ids == [0, 2]
    raw = dynamodb_record(7)
    raw["dynamodb"]["NewImage"] = {"id": {"N": "7"}}
    change = BatchProcessor(EventType.DynamoDBStreams, model=namespace["OrderChangeRecord"])
    seen: list[Any] = []
    process_partial_response({"Records": [raw]}, seen.append, change)
    assert seen[0].dynamodb.new_image == namespace["Order"](id=7)
