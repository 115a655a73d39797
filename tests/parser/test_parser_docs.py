"""The Python blocks of docs/parser.md run as written."""

from __future__ import annotations

import json
import re
import sys
import types
from typing import Any

from tests.conftest import ROOT, load_event
from toolkit.testing import lambda_context

BLOCKS = re.findall(r"```python\n(.*?)```", (ROOT / "docs/parser.md").read_text(), re.S)


def _run(block: str) -> dict[str, Any]:
    module = types.ModuleType("parser_docs_block")
    sys.modules[module.__name__] = module  # pydantic resolves hints through the module
    exec(compile(block, "docs/parser.md", "exec", dont_inherit=True), module.__dict__)
    return module.__dict__


def test_the_first_example_runs() -> None:
    namespace = _run(BLOCKS[0])
    event = load_event("eventBridgeEvent.json")
    assert isinstance(event, dict)
    placed = dict(event, detail={"id": 4, "customer": "ann"})
    assert namespace["on_order_placed"](placed, lambda_context()) == 4
    request = load_event("apiGatewayProxyV2Event.json")
    assert isinstance(request, dict)
    request["body"] = json.dumps({"id": 1, "customer": "bo"})
    assert namespace["create_order"](request, lambda_context()) is None


def test_the_subclass_example_runs() -> None:
    (block,) = [b for b in BLOCKS if "class OrderEvent" in b]
    namespace = _run(block)
    sqs = load_event("sqsEvent.json")
    assert isinstance(sqs, dict)
    record = dict(sqs["Records"][0], body='{"id": 3}')
    assert namespace["OrderEvent"].model_validate(record).body.id == 3
