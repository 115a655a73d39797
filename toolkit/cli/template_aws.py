"""Creating a template's tables, parameters and secrets in the embedded AWS, so that the
function finds them on its first invocation, and naming them as CloudFormation would let the
function's references see them.

Local names: the resource's own name property when the template gives one, otherwise
``local-<LogicalId>`` (CloudFormation would add the stack name and a random suffix).
"""

from __future__ import annotations

import json
import secrets
import string
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from toolkit.cli.template import ACCOUNT_ID, STACK_NAME, Template, TemplateError, Unsupported

if TYPE_CHECKING:
    from toolkit.testing.embedded_aws import EmbeddedAWS

__all__ = ["create_resources", "generate_secret", "local_names"]

TABLE_TYPES = ("AWS::DynamoDB::Table", "AWS::Serverless::SimpleTable")
NAME_PROPERTY = {
    "AWS::DynamoDB::Table": "TableName",
    "AWS::Serverless::SimpleTable": "TableName",
    "AWS::SSM::Parameter": "Name",
    "AWS::SecretsManager::Secret": "Name",
}
# GetRandomPassword's punctuation: https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetRandomPassword.html
PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
_KEY_TYPES = {"String": "S", "Number": "N", "Binary": "B"}


def _local_name(template: Template, logical_id: str) -> str:
    kind = template.resolver.types[logical_id]
    name = _resolved(template, logical_id).get(NAME_PROPERTY[kind])
    return str(name) if name is not None else f"{STACK_NAME}-{logical_id}"


def _resolved(template: Template, logical_id: str) -> dict[str, Any]:
    try:
        resolved: dict[str, Any] = template.resolver.resolve(template.properties(logical_id))
    except Unsupported as error:
        raise TemplateError(f"resource {logical_id}: {error} is not supported") from None
    return resolved


def local_names(template: Template) -> list[str]:
    """Register the local name of every table, parameter and secret (what ``Ref`` gives before
    they are created, so the function's configuration resolves without an AWS); returns their
    logical ids, in template order."""
    ids = []
    for logical_id, kind in template.resolver.types.items():
        if kind in NAME_PROPERTY and template.active(logical_id):
            name = _local_name(template, logical_id)
            template.resolver.refs[logical_id] = name
            _attributes(template, logical_id, kind, name)
            ids.append(logical_id)
    return ids


def _attributes(template: Template, logical_id: str, kind: str, name: str) -> None:
    region = template.resolver.region
    attributes = template.resolver.attributes
    if kind in TABLE_TYPES:
        attributes[logical_id, "Arn"] = f"arn:aws:dynamodb:{region}:{ACCOUNT_ID}:table/{name}"
    elif kind == "AWS::SSM::Parameter":
        props = _resolved(template, logical_id)
        attributes[logical_id, "Type"] = props.get("Type", "String")
        attributes[logical_id, "Value"] = props.get("Value")
    else:
        attributes[logical_id, "Id"] = name


def create_resources(template: Template, aws: EmbeddedAWS) -> list[str]:
    """Create every table, parameter and secret of the template in ``aws`` and record what
    their references give (a secret's ``Ref`` is its ARN); returns one ``kind name`` per
    resource, for the run's log (names only, never values)."""
    from toolkit.testing.embedded_aws import EmbeddedAWSError

    created = []
    creators: dict[str, Callable[[EmbeddedAWS, str, str, dict[str, Any]], str]] = {
        "AWS::DynamoDB::Table": _table,
        "AWS::Serverless::SimpleTable": _simple_table,
        "AWS::SSM::Parameter": _parameter,
        "AWS::SecretsManager::Secret": _secret,
    }
    for logical_id in local_names(template):
        kind = template.resolver.types[logical_id]
        name = str(template.resolver.refs[logical_id])
        try:
            created.append(creators[kind](aws, logical_id, name, _resolved(template, logical_id)))
        except EmbeddedAWSError as error:
            raise TemplateError(f"resource {logical_id}: {error}") from None
        if kind == "AWS::SecretsManager::Secret":
            arn = aws.call(f"secret {name!r}", "secretsmanager", "describe_secret", SecretId=name)[
                "ARN"
            ]
            template.resolver.refs[logical_id] = template.resolver.attributes[logical_id, "Id"] = (
                arn
            )
    return created


def _table(aws: EmbeddedAWS, logical_id: str, name: str, props: dict[str, Any]) -> str:
    request: dict[str, Any] = {
        key: props[key]
        for key in (
            "KeySchema",
            "AttributeDefinitions",
            "GlobalSecondaryIndexes",
            "LocalSecondaryIndexes",
            "ProvisionedThroughput",
        )
        if key in props
    }
    if "KeySchema" not in request or "AttributeDefinitions" not in request:
        raise TemplateError(
            f"resource {logical_id}: a table needs KeySchema and AttributeDefinitions"
        )
    request["BillingMode"] = props.get(
        "BillingMode", "PROVISIONED" if "ProvisionedThroughput" in props else "PAY_PER_REQUEST"
    )
    stream = props.get("StreamSpecification")
    if isinstance(stream, dict) and "StreamViewType" in stream:
        request["StreamSpecification"] = {
            "StreamEnabled": True,
            "StreamViewType": stream["StreamViewType"],
        }
    aws.call(f"table {name!r}", "dynamodb", "create_table", TableName=name, **request)
    ttl = props.get("TimeToLiveSpecification")
    if isinstance(ttl, dict) and ttl.get("Enabled"):
        aws.call(
            f"table {name!r}",
            "dynamodb",
            "update_time_to_live",
            TableName=name,
            TimeToLiveSpecification={"Enabled": True, "AttributeName": ttl["AttributeName"]},
        )
    return f"table {name}"


def _simple_table(aws: EmbeddedAWS, logical_id: str, name: str, props: dict[str, Any]) -> str:
    # SimpleTable's PrimaryKey defaults to a String named id (SAM's resource reference).
    key = props.get("PrimaryKey") or {}
    key_name, key_type = key.get("Name", "id"), key.get("Type", "String")
    if key_type not in _KEY_TYPES:
        raise TemplateError(
            f"resource {logical_id}: PrimaryKey.Type {key_type!r} is not String, Number or Binary"
        )
    table = {
        "KeySchema": [{"AttributeName": key_name, "KeyType": "HASH"}],
        "AttributeDefinitions": [
            {"AttributeName": key_name, "AttributeType": _KEY_TYPES[key_type]}
        ],
    }
    if "ProvisionedThroughput" in props:
        table["ProvisionedThroughput"] = props["ProvisionedThroughput"]
    return _table(aws, logical_id, name, table)


def _parameter(aws: EmbeddedAWS, logical_id: str, name: str, props: dict[str, Any]) -> str:
    kind = props.get("Type", "String")
    if kind not in ("String", "StringList"):
        raise TemplateError(
            f"resource {logical_id}: parameter Type {kind!r} is not String or StringList"
        )
    if not isinstance(props.get("Value"), str):
        raise TemplateError(f"resource {logical_id}: parameter Value must be a string")
    aws.call(
        f"parameter {name!r}",
        "ssm",
        "put_parameter",
        Name=name,
        Value=props["Value"],
        Type=kind,
        Overwrite=True,
    )
    return f"parameter {name}"


def _secret(aws: EmbeddedAWS, logical_id: str, name: str, props: dict[str, Any]) -> str:
    if "SecretString" in props:
        value = str(props["SecretString"])
    else:
        value = generate_secret(logical_id, props.get("GenerateSecretString") or {})
    aws.call(f"secret {name!r}", "secretsmanager", "create_secret", Name=name, SecretString=value)
    return f"secret {name}"


def generate_secret(logical_id: str, spec: dict[str, Any]) -> str:
    """A ``GenerateSecretString`` value: a random password of ``PasswordLength`` (32) from the
    character classes not excluded, one of each when ``RequireEachIncludedType`` (the
    default), put under ``GenerateStringKey`` of ``SecretStringTemplate`` when both are given."""
    length = int(spec.get("PasswordLength", 32))
    excluded = set(str(spec.get("ExcludeCharacters", "")))
    classes = [
        chars
        for chars, flag in (
            (string.ascii_lowercase, "ExcludeLowercase"),
            (string.ascii_uppercase, "ExcludeUppercase"),
            (string.digits, "ExcludeNumbers"),
            (PUNCTUATION, "ExcludePunctuation"),
        )
        if not spec.get(flag, False)
    ]
    if spec.get("IncludeSpace", False):
        classes.append(" ")
    classes = [
        kept
        for kept in ("".join(c for c in chars if c not in excluded) for chars in classes)
        if kept
    ]
    if not classes or not 1 <= length <= 4096:
        raise TemplateError(
            f"resource {logical_id}: GenerateSecretString leaves nothing to generate"
        )
    alphabet = "".join(classes)
    password = [secrets.choice(alphabet) for _ in range(length)]
    if spec.get("RequireEachIncludedType", True) and length >= len(classes):
        places = list(range(length))
        for chars in classes:
            place = places.pop(secrets.randbelow(len(places)))
            password[place] = secrets.choice(chars)
    generated = "".join(password)
    template, key = spec.get("SecretStringTemplate"), spec.get("GenerateStringKey")
    if (template is None) != (key is None):
        raise TemplateError(
            f"resource {logical_id}: GenerateSecretString needs both SecretStringTemplate and "
            "GenerateStringKey, or neither"
        )
    if template is None:
        return generated
    try:
        document = json.loads(template)
    except ValueError:
        raise TemplateError(f"resource {logical_id}: SecretStringTemplate is not JSON") from None
    if not isinstance(document, dict):
        raise TemplateError(f"resource {logical_id}: SecretStringTemplate is not a JSON object")
    document[key] = generated
    return json.dumps(document)
