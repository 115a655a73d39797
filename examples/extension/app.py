"""A handler that reads its configuration and an API key through the AWS Parameters and Secrets
Lambda Extension with nothing but the standard library: one loopback HTTP call per value, no
boto3 import, values cached by the extension for the execution environment.

Run it locally, the extension and its AWS (embedded, seeded) included, with one command:

    toolkit invoke examples/extension/app.py:handler --extension \\
        --parameter /hello/greeting=hello --secret hello/api-key=s3cr3t

(toolkit.parameters does the same with retries, an in-process cache and an SDK fallback.)
"""

from __future__ import annotations

import http.client
import json
import os
from typing import Any
from urllib.parse import quote

_connection: http.client.HTTPConnection | None = None


def _extension(path: str) -> dict[str, Any]:
    """GET ``path`` from the extension on a kept-alive connection (fetched on invocation: the
    extension does not answer during INIT)."""
    global _connection
    if _connection is None:
        port = int(os.environ.get("PARAMETERS_SECRETS_EXTENSION_HTTP_PORT", "2773"))
        _connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    token = os.environ["AWS_SESSION_TOKEN"]
    _connection.request("GET", path, headers={"X-Aws-Parameters-Secrets-Token": token})
    response = _connection.getresponse()
    body = response.read().decode()
    if response.status != 200:
        raise RuntimeError(f"extension answered {response.status} for {path.partition('?')[0]}")
    return json.loads(body)


def handler(event: dict[str, Any], context: object) -> dict[str, Any]:
    name = quote("/hello/greeting", safe="")
    greeting = _extension(f"/systemsmanager/parameters/get?name={name}")["Parameter"]["Value"]
    api_key = _extension(f"/secretsmanager/get?secretId={quote('hello/api-key', safe='')}")
    return {"message": f"{greeting}, world", "api_key_length": len(api_key["SecretString"])}
