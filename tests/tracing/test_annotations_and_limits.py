from __future__ import annotations

import json
import warnings
from typing import Any

import pytest

from tests.tracing.notices import tracing_notices
from toolkit.errors import ToolkitError
from toolkit.testing import XRayCapture, lambda_context
from toolkit.tracing import AnnotationKeyError, AnnotationValueError, Tracer, TracerError
from toolkit.tracing.xray import DOCUMENT_LIMIT, METADATA_BUDGET, bound


def test_invalid_keys_are_sanitised_with_one_notice_per_key(
    xray: XRayCapture, capsys: pytest.CaptureFixture[str]
) -> None:
    tracer = Tracer("svc")

    @tracer.capture_lambda_handler
    def handler(event: object, context: object) -> None:
        tracer.put_annotation("order-id.v2", "a")
        tracer.put_annotation("order-id.v2", "b")

    handler({}, lambda_context())
    (notice,) = tracing_notices(capsys.readouterr().out)  # inside Lambda: a JSON line
    assert "'order-id.v2'" in notice["message"] and "'order_id_v2'" in notice["message"]
    (doc,) = xray.flush()
    assert doc["annotations"]["order_id_v2"] == "b"


def test_outside_lambda_the_key_notice_is_a_warning_at_the_callers_line() -> None:
    tracer = Tracer("svc")
    with pytest.warns(UserWarning, match="'local-key' has characters X-Ray drops") as caught:
        tracer.put_annotation("local-key", 1)
    assert [w.filename for w in caught] == [__file__]


def test_valid_keys_do_not_warn() -> None:
    tracer = Tracer("svc")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tracer.put_annotation("plain_Key_1", 1)
        tracer.put_annotation("plain_Key_1", 2)


@pytest.mark.parametrize("value", [None, [1], {"a": 1}, b"x", object()])
def test_non_scalar_values_are_a_clear_error(value: Any) -> None:
    tracer = Tracer("svc")
    with pytest.raises(AnnotationValueError) as info:
        tracer.put_annotation("key", value)
    assert info.value.key == "key"
    assert info.value.value_type is type(value)
    assert type(value).__name__ in str(info.value)
    assert isinstance(info.value, TracerError) and isinstance(info.value, ToolkitError)


@pytest.mark.parametrize("key", ["", "!!!", 3])
def test_keys_that_cannot_be_made_valid_are_rejected(key: Any) -> None:
    with pytest.raises(AnnotationKeyError) as info:
        Tracer("svc").put_annotation(key, "v")
    assert info.value.key == key


def test_subsegment_handle_validates_too(xray: XRayCapture) -> None:
    tracer = Tracer("svc")
    with tracer.subsegment("outside") as sub, pytest.raises(AnnotationValueError):
        sub.put_annotation("k", {"not": "scalar"})


def test_one_megabyte_response_is_truncated_not_dropped(xray: XRayCapture) -> None:
    tracer = Tracer("svc")
    big = {"items": ["x" * 1000] * 1000}

    @tracer.capture_lambda_handler
    def handler(event: object, context: object) -> dict[str, Any]:
        return big

    assert handler({}, lambda_context()) is big
    xray.flush()
    (raw,) = xray.raw
    assert len(raw) <= DOCUMENT_LIMIT
    (doc,) = xray.subsegments(name="## handler")
    marker = doc["metadata"]["svc"]["handler response"]
    assert marker["truncated"] is True
    assert marker["original_bytes"] == len(json.dumps(big).encode())
    assert marker["preview"].startswith('{"items": ["xxx')


def test_metadata_budget_is_shared_by_every_value_of_a_subsegment(xray: XRayCapture) -> None:
    tracer = Tracer("svc")
    chunk = "y" * (METADATA_BUDGET // 3)

    @tracer.capture_lambda_handler(capture_response=False)
    def handler(event: object, context: object) -> None:
        for i in range(5):
            tracer.put_metadata(f"part{i}", chunk)

    handler({}, lambda_context())
    xray.flush()
    assert len(xray.raw[0]) <= DOCUMENT_LIMIT
    parts = xray.documents[0]["metadata"]["svc"]
    assert [isinstance(parts[f"part{i}"], str) for i in range(5)] == [
        True,
        True,
        False,
        False,
        False,
    ]
    assert parts["part4"]["truncated"] is True


def test_huge_error_message_is_capped(xray: XRayCapture) -> None:
    tracer = Tracer("svc")

    @tracer.capture_lambda_handler
    def handler(event: object, context: object) -> None:
        raise ValueError("z" * 500_000)

    with pytest.raises(ValueError):
        handler({}, lambda_context())
    xray.flush()
    (raw,) = xray.raw
    assert len(raw) <= DOCUMENT_LIMIT
    doc = xray.documents[0]
    assert doc["cause"]["exceptions"][0]["message"].endswith("...[truncated]")
    assert doc["metadata"]["svc"]["handler error"]["truncated"] is True


def test_bound_keeps_small_values_and_measures_them() -> None:
    assert bound({"a": 1}, 100) == ({"a": 1}, len(b'{"a": 1}'))
    marker, size = bound("x" * 50, 10)
    assert marker == {"truncated": True, "original_bytes": 52, "preview": ""}
    assert size == len(json.dumps(marker))


def test_error_whose_str_fails_is_still_recorded(xray: XRayCapture) -> None:
    class Weird(Exception):
        def __str__(self) -> str:
            raise RuntimeError("no str")

    tracer = Tracer("svc")

    @tracer.capture_lambda_handler
    def handler(event: object, context: object) -> None:
        raise Weird()

    with pytest.raises(Weird):
        handler({}, lambda_context())
    (doc,) = xray.flush()
    assert doc["metadata"]["svc"]["handler error"]["type"] == "Weird"


def test_unserialisable_response_is_replaced_by_a_marker(xray: XRayCapture) -> None:
    tracer = Tracer("svc")
    cyclic: dict[str, Any] = {}
    cyclic["self"] = cyclic

    @tracer.capture_lambda_handler
    def handler(event: object, context: object) -> dict[str, Any]:
        tracer.put_metadata("tuple_keys", {(1, 2): "x"})
        return cyclic

    assert handler({}, lambda_context()) is cyclic
    (doc,) = xray.flush()
    metadata = doc["metadata"]["svc"]
    assert metadata["handler response"]["unserializable"] is True
    assert metadata["handler response"]["type"] == "dict"
    assert "Circular reference" in metadata["handler response"]["reason"]
    assert metadata["tuple_keys"]["unserializable"] is True
