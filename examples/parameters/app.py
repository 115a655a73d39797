"""A handler that reads a configuration value and a secret with ``toolkit.parameters``.

Through the AWS Parameters and Secrets Lambda Extension when the function has it (no boto3
imported, one loopback call per value and cold start), through the AWS SDK otherwise; cached in
the process for ``max_age`` seconds either way. The secret is written as ``***`` in every log
line. Run it locally, the extension and its AWS (embedded, seeded) included:

    toolkit invoke examples/parameters/app.py:handler --extension --repeat 2 \\
        --parameter /shop/db-url=postgres://db.internal/shop \\
        --secret shop/api-key=sk-live-0123456789

or as the function of its SAM template, which creates the parameter and the secret and attaches
the extension's layer (so the extension runs too):

    toolkit invoke --template examples/parameters/template.yaml ShopFunction --repeat 2
"""

from __future__ import annotations

from typing import Any

from toolkit import Logger, parameters

logger = Logger(service="shop")


@logger.inject_lambda_context
@parameters.inject(
    config={"db_url": "/shop/db-url"}, secrets={"api_key": "shop/api-key"}, max_age=60
)
def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    values = parameters.injected()
    # The key is logged to show the redaction: it comes out as "***".
    logger.info("connecting", db_url=values["db_url"], api_key=values["api_key"])
    return {"db_url": values["db_url"], "api_key_length": len(values["api_key"])}
