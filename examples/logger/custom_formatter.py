"""A formatter written for Powertools, moved over by changing its import: a subclass of
``LambdaPowertoolsFormatter`` whose ``serialize`` renames ``message`` to ``msg`` and adds the
deployment stage to every line, with Powertools' ``use_rfc3339`` timestamp option.

Try it locally:  python -m toolkit invoke examples/logger/custom_formatter.py:handler
Pretty, indented lines while you work:  POWERTOOLS_DEV=true python -m toolkit invoke ...
"""

from __future__ import annotations

from typing import Any

# --8<-- [start:formatter]
from toolkit import Logger
from toolkit.logging.formatter import LambdaPowertoolsFormatter


class StageFormatter(LambdaPowertoolsFormatter):
    """Every line says which stage wrote it; ``msg`` is what the log pipeline downstream reads."""

    def serialize(self, log: dict[str, Any]) -> str:
        log["msg"] = log.pop("message")
        log["stage"] = "prod"
        return super().serialize(log)


logger = Logger(service="orders", logger_formatter=StageFormatter(use_rfc3339=True))
# --8<-- [end:formatter]


@logger.inject_lambda_context
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    logger.info("charged", order_id=event.get("order_id", "o-1"))
    return {"statusCode": 200}
