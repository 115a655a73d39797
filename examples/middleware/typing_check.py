"""Checked by mypy (``[tool.mypy] files``), never run: the seam keeps a decorated handler's
type and checks option names and types, bare and configured. Each ``type: ignore`` below marks
a mistake mypy must report (strict mode flags an ignore that is not needed)."""

from __future__ import annotations

from typing import Any

from examples.middleware.app import ApiKeys
from toolkit import Logger, Metrics, Tracer
from toolkit.middleware import middleware

logger, tracer, metrics, keys = Logger(), Tracer(), Metrics(), ApiKeys({"k"})


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
@keys.require_key
def bare(event: dict[str, Any], context: object) -> int:
    return 1


@logger.inject_lambda_context(log_event=True, correlation_id_path="requestContext.requestId")
@tracer.capture_lambda_handler(capture_response=False)
@metrics.log_metrics(capture_cold_start_metric=True, default_dimensions={"stage": "prod"})
@keys.require_key(header="x-key", status=403)
def configured(event: dict[str, Any], context: object) -> str:
    return "ok"


@middleware
def needs_table(handler: Any, event: Any, context: Any, *, table: str) -> Any:
    return handler(event, context)


@needs_table(table="orders")
def with_table(event: Any, context: Any) -> bytes:
    return b""


kept_int: int = bare({}, None)
kept_str: str = configured({}, None)
kept_bytes: bytes = with_table({}, None)
wrong_type: str = bare({}, None)  # type: ignore[assignment]
tracer.capture_lambda_handler(capture_respons=False)  # type: ignore[call-overload]
tracer.capture_lambda_handler(capture_response="no")  # type: ignore[call-overload]
keys.require_key(status="401")  # type: ignore[call-overload]
logger.inject_lambda_context(clear_state=1.5)  # type: ignore[call-overload]
needs_table(with_table)  # type: ignore[call-overload]  # a required option is missing
