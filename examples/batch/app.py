"""An SQS consumer that reports partial batch failures.

Run it locally with the sample SQS event (its first message is not JSON, so it is the one
reported back; the second is processed):

    toolkit invoke examples/batch/app.py:handler --event-name sqs

or as the function of its SAM template (template.yaml beside this file):

    toolkit invoke --template examples/batch/template.yaml ConsumerFunction --event-name sqs

The event source mapping needs ``FunctionResponseTypes: [ReportBatchItemFailures]``.
"""

from __future__ import annotations

import logging
from typing import Any

from toolkit import timeout_guard
from toolkit.batch import (
    BatchProcessor,
    EventType,
    PartialItemFailureResponse,
    SQSRecord,
    process_partial_response,
)

logger = logging.getLogger(__name__)

# Built once per execution environment; it keeps no state between invocations.
processor = BatchProcessor(EventType.SQS)


def record_handler(record: SQSRecord, lambda_context: Any) -> dict[str, Any]:
    """Raise to fail this record only: it goes back to the queue, the others are deleted."""
    message = record.json_body  # a body that is not JSON raises: this record fails
    if not isinstance(message, dict) or "message" not in message:
        raise ValueError(f"record {record.message_id} has no 'message' field")
    logger.info(
        "processed %s (receive count %d, %d ms left)",
        record.message_id,
        record.attributes.approximate_receive_count,
        lambda_context.get_remaining_time_in_millis(),
    )
    return message


@timeout_guard(margin_ms=1000)  # stop early enough to return the partial response
def handler(event: dict[str, Any], context: Any) -> PartialItemFailureResponse:
    return process_partial_response(event, record_handler, processor, context)
