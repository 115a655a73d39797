"""A handler run under awslambdaric by test_awslambdaric.py."""

from __future__ import annotations

import logging

from toolkit import Logger
from toolkit.logging import LogBuffer

logger = Logger(service="app", buffer=LogBuffer(level="DEBUG"))
library = logging.getLogger("happy.lib")  # "app" is a substring of "happy"


@logger.inject_lambda_context(correlation_id_path="id")
def handler(event, context):
    logger.append_keys(invocation_key=event["n"])
    logger.info("hello from toolkit", n=event["n"])
    logger.debug("held back", n=event["n"])
    library.warning("library warning %d", event["n"])
    logging.getLogger().info("root info %d", event["n"])
    logging.getLogger("app.sub").info("app child %d", event["n"])
    print(f"plain print {event['n']}")
    if event.get("fail"):
        raise ValueError(f"boom {event['n']}")
    return {"n": event["n"]}
