"""What Tracer instances share (docs/tracer.md, "What Tracer instances share"): the trace,
never their settings."""

from __future__ import annotations

from toolkit.testing import XRayCapture, lambda_context
from toolkit.tracing import Tracer


def test_tracers_share_the_trace_not_their_settings(xray: XRayCapture) -> None:
    Tracer("orders", disabled=True)  # a Powertools borg would disable every later Tracer
    tracer = Tracer("orders")
    helper = Tracer("payments")  # another module's Tracer, another service

    @helper.capture_method
    def charge() -> int:
        tracer.put_annotation("charged", True)  # the current subsegment, whoever opened it
        return 7

    @tracer.capture_lambda_handler
    def handler(event: object, context: object) -> int:
        helper.put_annotation("order", "o-1")
        return charge()

    assert handler({}, lambda_context()) == 7
    xray.flush()
    (top,) = xray.subsegments(name="## handler")
    (child,) = [d for d in xray.subsegments() if d["name"].endswith(".charge")]
    assert child["parent_id"] == top["id"] and child["trace_id"] == top["trace_id"]
    assert top["annotations"] == {"ColdStart": True, "Service": "orders", "order": "o-1"}
    assert child["annotations"] == {"charged": True}
    assert child["metadata"] == {"payments": {"charge response": 7}}  # the helper's service
    assert not tracer.disabled
    # Settings come from arguments or the environment, not from Tracers built earlier.
    assert Tracer().service == "service_undefined"
