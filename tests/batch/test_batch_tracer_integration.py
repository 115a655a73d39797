"""The batch processor with the real Tracer: an active Tracer opens one subsegment per record
(through the scope seam), in worker threads too, sent as real UDP to a loopback listener."""

from __future__ import annotations

from typing import Any

import pytest

from tests.batch.batches import failed_ids, sqs_event
from toolkit.batch import BatchProcessor, EventType, SQSRecord, process_partial_response
from toolkit.testing import XRayCapture, lambda_context
from toolkit.tracing import Tracer


@pytest.mark.parametrize("max_workers", [None, 4])
def test_tracer_opens_one_subsegment_per_record(max_workers: int | None) -> None:
    processor = BatchProcessor(EventType.SQS, max_workers=max_workers)

    def record_handler(record: SQSRecord) -> None:
        if record.message_id == "msg-00002":
            raise ValueError("poison")

    with XRayCapture() as xray:
        tracer = Tracer("orders")

        @tracer.capture_lambda_handler(capture_response=False)
        def handler(event: Any, context: Any) -> Any:
            return process_partial_response(event, record_handler, processor)

        event = sqs_event(12)
        assert failed_ids(handler(event, lambda_context())) == ["msg-00002"]
        xray.flush()
        (handler_doc,) = xray.subsegments(name="## handler")
        records = xray.subsegments(name="## record")
    ids = [r["messageId"] for r in event["Records"]]
    assert sorted(doc["annotations"]["batch_record_id"] for doc in records) == ids
    assert {doc["parent_id"] for doc in records} == {handler_doc["id"]}
    faulted = {d["annotations"]["batch_record_id"]: d.get("fault", False) for d in records}
    assert [i for i, fault in faulted.items() if fault] == ["msg-00002"]
    (failed,) = [d for d in records if d.get("fault")]
    assert failed["cause"]["exceptions"][0]["type"] == "ValueError"
