"""The order function of examples/template/template.yaml: it stores an order in its table,
reads its configuration (an SSM parameter) and its payment API key (a secret) through the
Parameters and Secrets extension, all named by the variables the template gives it.

    toolkit invoke --template examples/template/template.yaml OrdersFunction \\
        --event-name apigw-rest
"""

from __future__ import annotations

import http.client
import json
import os
from typing import Any
from urllib.parse import quote

import boto3

table = boto3.resource("dynamodb").Table(os.environ["TABLE_NAME"])


def _extension(path: str) -> dict[str, Any]:
    port = int(os.environ.get("PARAMETERS_SECRETS_EXTENSION_HTTP_PORT", "2773"))
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    token = os.environ["AWS_SESSION_TOKEN"]
    connection.request("GET", path, headers={"X-Aws-Parameters-Secrets-Token": token})
    response = connection.getresponse()
    body = response.read().decode()
    connection.close()
    if response.status != 200:
        raise RuntimeError(f"extension answered {response.status} for {path.partition('?')[0]}")
    return json.loads(body)


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    name = quote(os.environ["CONFIG_PARAMETER"], safe="")
    parameter = _extension(f"/systemsmanager/parameters/get?name={name}")["Parameter"]
    config = json.loads(parameter["Value"])
    secret_id = quote(os.environ["API_KEY_SECRET"], safe="")
    api_key = json.loads(_extension(f"/secretsmanager/get?secretId={secret_id}")["SecretString"])
    order_id = context.aws_request_id
    table.put_item(Item={"pk": order_id, "stage": os.environ["STAGE"]})
    stored = table.get_item(Key={"pk": order_id})["Item"]
    return {
        "statusCode": 201,
        "body": json.dumps(
            {
                "order": stored["pk"],
                "stage": stored["stage"],
                "currency": config["currency"],
                "api_user": api_key["user"],
                "api_key_length": len(api_key["password"]),
                "table": os.environ["TABLE_NAME"],
                "memory": context.memory_limit_in_mb,
            }
        ),
    }
