from __future__ import annotations

import contextvars
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from toolkit import context
from toolkit.testing import XRayCapture, lambda_context
from toolkit.tracing import Tracer

tracer = Tracer("svc")


@tracer.capture_method(capture_response=False)
def work(record_id: str) -> str:
    with context.scope("record", batch_record_id=record_id, attempt=1, raw={"id": record_id}):
        tracer.put_annotation("seen", record_id)
        return record_id


def ids_by_name(xray: XRayCapture) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    xray.flush()
    (handler,) = xray.subsegments(name="## handler")
    return handler, xray.subsegments(name="## record")


def test_scope_opens_a_subsegment_with_its_keys_as_annotations(xray: XRayCapture) -> None:
    @tracer.capture_lambda_handler(capture_response=False)
    def handler(event: object, ctx: object) -> None:
        with context.scope("record", batch_record_id="r1", attempt=2, raw=["x"]):
            tracer.put_annotation("inside", True)

    handler({}, lambda_context())
    handler_doc, (record,) = ids_by_name(xray)
    assert record["parent_id"] == handler_doc["id"]
    assert record["annotations"] == {"batch_record_id": "r1", "attempt": 2, "inside": True}
    assert record["metadata"] == {"svc": {"raw": ["x"]}}


def test_records_in_worker_threads_nest_under_the_span_that_submitted_them(
    xray: XRayCapture,
) -> None:
    @tracer.capture_lambda_handler(capture_response=False)
    def handler(event: list[str], ctx: object) -> list[str]:
        with ThreadPoolExecutor(max_workers=4) as pool:
            futures = [
                pool.submit(contextvars.copy_context().run, work, record) for record in event
            ]
            return [f.result() for f in futures]

    records = [f"r{i}" for i in range(12)]
    assert handler(records, lambda_context()) == records
    handler_doc, record_docs = ids_by_name(xray)
    method_docs = [d for d in xray.documents if d["name"].endswith(".work")]
    assert len(method_docs) == 12 and len(record_docs) == 12
    assert {d["parent_id"] for d in method_docs} == {handler_doc["id"]}
    parents = {d["id"]: d for d in method_docs}
    for record in record_docs:
        assert record["parent_id"] in parents
        assert record["annotations"]["seen"] == record["annotations"]["batch_record_id"]
    assert sorted(r["annotations"]["batch_record_id"] for r in record_docs) == sorted(records)


def test_scope_in_a_thread_without_copied_context_still_attaches_to_the_handler(
    xray: XRayCapture,
) -> None:
    @tracer.capture_lambda_handler(capture_response=False)
    def handler(event: object, ctx: object) -> None:
        invocation = context.current()
        assert invocation is not None
        listeners = invocation._listeners  # what a processor running bare threads would call

        def run() -> None:
            for listener in listeners:
                with listener("record", {"batch_record_id": "t1"}):
                    pass

        thread = threading.Thread(target=run)
        thread.start()
        thread.join()

    handler({}, lambda_context())
    handler_doc, (record,) = ids_by_name(xray)
    assert record["parent_id"] == handler_doc["id"]


def test_scopes_outside_a_traced_invocation_do_nothing(xray: XRayCapture) -> None:
    with XRayCapture(sampled=False) as capture:

        @tracer.capture_lambda_handler
        def handler(event: object, ctx: object) -> None:
            with context.scope("record", batch_record_id="r1"):
                pass

        handler({}, lambda_context())
        assert capture.flush() == []


def test_error_inside_a_scope_is_recorded_on_its_subsegment(xray: XRayCapture) -> None:
    @tracer.capture_lambda_handler(capture_response=False)
    def handler(event: object, ctx: object) -> None:
        try:
            with context.scope("record", batch_record_id="bad"):
                raise ValueError("record failed")
        except ValueError:
            pass

    handler({}, lambda_context())
    _, (record,) = ids_by_name(xray)
    assert record["cause"]["exceptions"][0]["type"] == "ValueError"
