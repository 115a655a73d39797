"""The template reader's parts in this process: Globals, intrinsic functions, parameters,
--env-vars, and the resources created in a real embedded AWS (moto's server on loopback)."""

from __future__ import annotations

import json
import re
import string
from collections.abc import Iterator
from pathlib import Path

import pytest

from toolkit.cli.template import (
    Resolver,
    Template,
    TemplateError,
    Unsupported,
    env_var_overrides,
    load_template,
    merge_globals,
)
from toolkit.cli.template_aws import PUNCTUATION, create_resources, generate_secret
from toolkit.testing.embedded_aws import EmbeddedAWS


def template(tmp_path: Path, text: str, **overrides: str) -> Template:
    (tmp_path / "template.yaml").write_text(text)
    return load_template(str(tmp_path / "template.yaml"), overrides, "eu-west-1")


def test_globals_merge_maps_concatenate_lists_and_let_the_function_win() -> None:
    merged = merge_globals(
        {"Timeout": 10, "Layers": ["a"], "Environment": {"Variables": {"A": "g", "B": "g"}}},
        {"Timeout": 3, "Layers": ["b"], "Environment": {"Variables": {"B": "f"}}, "Handler": "x"},
    )
    assert merged == {
        "Timeout": 3,
        "Layers": ["a", "b"],
        "Environment": {"Variables": {"A": "g", "B": "f"}},
        "Handler": "x",
    }


def resolver() -> Resolver:
    return Resolver(
        region="eu-west-1",
        types={"Table": "AWS::DynamoDB::Table", "Queue": "AWS::SQS::Queue"},
        refs={"Table": "orders", "Stage": "dev", "Zones": ["a", "b"]},
        attributes={("Table", "Arn"): "arn:table"},
        mappings={"Sizes": {"dev": {"Memory": 256}}},
        conditions={"IsDev": {"Fn::Equals": [{"Ref": "Stage"}, "dev"]}, "Never": False},
    )


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ({"Ref": "AWS::AccountId"}, "123456789012"),
        ({"Ref": "AWS::Region"}, "eu-west-1"),
        ({"Fn::Sub": "${Table}-${AWS::StackName}-${!Literal}"}, "orders-local-${Literal}"),
        ({"Fn::Sub": "${Table.Arn}/${Extra}"}, "arn:table/x"),
        ({"Fn::GetAtt": "Table.Arn"}, "arn:table"),
        ({"Fn::Join": ["-", [{"Ref": "Stage"}, "a", 1]]}, "dev-a-1"),
        ({"Fn::Select": [1, {"Ref": "Zones"}]}, "b"),
        ({"Fn::Split": [",", "x,y"]}, ["x", "y"]),
        ({"Fn::FindInMap": ["Sizes", {"Ref": "Stage"}, "Memory"]}, 256),
        ({"Fn::Base64": "hi"}, "aGk="),
        ({"Fn::If": ["IsDev", 1, 2]}, 1),
        ({"Fn::If": ["Never", 1, 2]}, 2),
        ({"A": {"Fn::If": ["Never", 1, {"Ref": "AWS::NoValue"}]}, "B": 2}, {"B": 2}),
        ([{"Ref": "AWS::NoValue"}, 3], [3]),
    ],
)
def test_intrinsic_functions_resolve_locally(value: object, expected: object) -> None:
    with_vars = dict(value) if isinstance(value, dict) else value
    if isinstance(with_vars, dict) and "Fn::Sub" in with_vars and "Extra" in str(with_vars):
        with_vars = {"Fn::Sub": [with_vars["Fn::Sub"], {"Extra": "x"}]}
    assert resolver().resolve(with_vars) == expected


def test_conditions_and_or() -> None:
    assert resolver()._truth({"Fn::And": [{"Condition": "IsDev"}, True]})
    assert resolver()._truth({"Fn::Or": [False, {"Condition": "Never"}]}) is False


@pytest.mark.parametrize(
    ("value", "named"),
    [
        ({"Fn::ImportValue": "x"}, "Fn::ImportValue"),
        ({"Ref": "Queue"}, "AWS::SQS::Queue is not created locally"),
        ({"Ref": "Nothing"}, "no such parameter or resource"),
        ({"Fn::GetAtt": ["Queue", "Arn"]}, "AWS::SQS::Queue attribute not available"),
        ({"Fn::GetAtt": 3}, "expected [resource, attribute]"),
        ({"Fn::FindInMap": ["Sizes", "prod", "Memory"]}, "no such entry"),
        ({"Fn::If": ["Missing", 1, 2]}, "condition Missing"),
        ({"Fn::If": [{"Fn::Not": [True]}, 1, 2]}, "condition {'Fn::Not'"),
        ({"Fn::Select": [5, ["a"]]}, "Fn::Select [5, ['a']] (malformed arguments)"),
        ({"Fn::Join": "x"}, "Fn::Join 'x' (malformed arguments)"),
        ({"Fn::If": ["IsDev", 1, 2], "X": 1}, None),
    ],
)
def test_what_cannot_be_resolved_is_named(value: dict[str, object], named: str | None) -> None:
    if named is None:  # two keys: not an intrinsic function, a map
        assert resolver().resolve(value) == {"Fn::If": ["IsDev", 1, 2], "X": 1}
        return
    with pytest.raises(Unsupported, match=re.escape(named)):
        resolver().resolve(value)


FUNCTION = """
Parameters:
  Size: {Type: Number, Default: 512}
  Names: {Type: CommaDelimitedList, Default: "a, b"}
  Secret: {Type: "AWS::SSM::Parameter::Value<String>", Default: /x}
Globals:
  Function:
    Runtime: python3.12
    Environment: {Variables: {G: global, DEBUG: true}}
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: pkg/app.handler
      MemorySize: !Ref Size
      FunctionName: !Sub "${AWS::StackName}-fn"
      Layers:
        - !Join
          - ""
          - - !Sub "arn:aws:lambda:${AWS::Region}:177933569100:layer:"
            - AWS-Parameters-and-Secrets-Lambda-Extension-Arm64:11
      Environment: {Variables: {SECOND: !Select [1, !Ref Names], OBJ: {a: 1}}}
"""


def test_the_function_configuration(tmp_path: Path) -> None:
    config = template(tmp_path, FUNCTION).function("Fn")
    assert config.spec.module == "pkg.app" and config.spec.attribute == "handler"
    assert config.spec.task_root == tmp_path.resolve()
    assert (config.memory, config.timeout, config.runtime) == (512, None, "python3.12")
    assert config.function_name == "local-fn"
    assert config.extension is True
    assert config.environment == {"G": "global", "DEBUG": "true", "SECOND": "b"}
    assert config.notes == (
        "Fn.Environment.Variables.OBJ: value of type dict; unset (give it with --env-vars)",
    )


@pytest.mark.parametrize(
    ("change", "overrides", "message"),
    [
        (("Default: 512", "Default: lots"), {}, "Fn.MemorySize must be a whole number"),
        (("Size: {Type: Number, Default: 512}", "Size: {Type: Number}"), {}, "Size has no Default"),
        (("", ""), {"Nope": "1"}, "Nope not in the template's Parameters"),
        (("Handler: pkg/app.handler", "Handler: nodots"), {}, "must be module.function"),
        (("Handler: pkg/app.handler", "Handler: x.y\n      PackageType: Image"), {}, "Image"),
        (
            ("Handler: pkg/app.handler", "Handler: x.y\n      CodeUri: {Bucket: b, Key: k}"),
            {},
            "['Bucket', 'Key']",
        ),
        (
            ("Handler: pkg/app.handler", "Handler: !ImportValue h"),
            {},
            "Fn.Handler: Fn::ImportValue",
        ),
    ],
)
def test_bad_function_configurations(
    tmp_path: Path, change: tuple[str, str], overrides: dict[str, str], message: str
) -> None:
    with pytest.raises(TemplateError) as raised:
        template(tmp_path, FUNCTION.replace(*change), **overrides).function("Fn")
    assert message in str(raised.value)


def test_a_missing_template_file(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="cannot read template"):
        load_template(str(tmp_path / "none.yaml"), {}, "us-east-1")


def test_env_vars_file_parameters_then_the_function_entry(tmp_path: Path) -> None:
    path = tmp_path / "env.json"
    path.write_text(
        json.dumps({"Parameters": {"A": "all", "B": 1}, "Fn": {"B": "mine"}, "Other": {"C": "x"}})
    )
    assert env_var_overrides(str(path), ("Fn", "name")) == {"A": "all", "B": "mine"}
    assert env_var_overrides(str(path), ("Nope", "Other")) == {"A": "all", "B": "1", "C": "x"}
    for text, message in [
        ("[1]", "must be an object"),
        ("{", "is not valid JSON"),
        ('{"Fn": 3}', "Fn must be an object of variables"),
        ('{"Fn": {"X": [1]}}', "Fn.X: value of type list"),
    ]:
        path.write_text(text)
        with pytest.raises(TemplateError, match=message):
            env_var_overrides(str(path), ("Fn",))
    with pytest.raises(TemplateError, match="cannot read --env-vars"):
        env_var_overrides(str(tmp_path / "missing.json"), ("Fn",))


def test_generated_secrets_follow_the_spec() -> None:
    plain = generate_secret("S", {})
    assert len(plain) == 32
    assert all(
        any(c in chars for c in plain)
        for chars in (string.ascii_lowercase, string.digits, PUNCTUATION)
    )
    digits = generate_secret(
        "S",
        {
            "PasswordLength": 12,
            "ExcludeLowercase": True,
            "ExcludeUppercase": True,
            "ExcludePunctuation": True,
        },
    )
    assert len(digits) == 12 and digits.isdigit()
    spaced = generate_secret(
        "S", {"PasswordLength": 50, "IncludeSpace": True, "ExcludeCharacters": "abc"}
    )
    assert " " in spaced and not set("abc") & set(spaced)
    document = json.loads(
        generate_secret("S", {"SecretStringTemplate": '{"user": "u"}', "GenerateStringKey": "pw"})
    )
    assert document["user"] == "u" and len(document["pw"]) == 32
    for spec, message in [
        ({"SecretStringTemplate": "{}"}, "needs both"),
        ({"SecretStringTemplate": "{", "GenerateStringKey": "k"}, "is not JSON"),
        ({"SecretStringTemplate": "[]", "GenerateStringKey": "k"}, "not a JSON object"),
        ({"ExcludeCharacters": string.printable}, "nothing to generate"),
    ]:
        with pytest.raises(TemplateError, match=message):
            generate_secret("S", spec)


RESOURCES = """
Conditions:
  Disabled: !Equals [a, b]
Resources:
  Simple:
    Type: AWS::Serverless::SimpleTable
  Numbered:
    Type: AWS::Serverless::SimpleTable
    Properties:
      TableName: numbered
      PrimaryKey: {Name: n, Type: Number}
      ProvisionedThroughput: {ReadCapacityUnits: 1, WriteCapacityUnits: 1}
  Streamed:
    Type: AWS::DynamoDB::Table
    Properties:
      AttributeDefinitions: [{AttributeName: pk, AttributeType: S}]
      KeySchema: [{AttributeName: pk, KeyType: HASH}]
      StreamSpecification: {StreamViewType: NEW_IMAGE}
      TimeToLiveSpecification: {Enabled: true, AttributeName: expires}
  Skipped:
    Type: AWS::DynamoDB::Table
    Condition: Disabled
  List:
    Type: AWS::SSM::Parameter
    Properties: {Type: StringList, Value: "a,b"}
  Key:
    Type: AWS::SecretsManager::Secret
    Properties: {Name: app/key, SecretString: s3cr3t}
"""


@pytest.fixture(scope="module")
def aws() -> Iterator[EmbeddedAWS]:
    with EmbeddedAWS(region="eu-west-1") as embedded:
        yield embedded


def test_resources_are_created_as_the_template_describes(tmp_path: Path, aws: EmbeddedAWS) -> None:
    loaded = template(tmp_path, RESOURCES)
    created = create_resources(loaded, aws)
    assert created == [
        "table local-Simple",
        "table numbered",
        "table local-Streamed",
        "parameter local-List",
        "secret app/key",
    ]
    dynamodb = aws.client("dynamodb")
    simple = dynamodb.describe_table(TableName="local-Simple")["Table"]
    assert simple["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    assert simple["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    numbered = dynamodb.describe_table(TableName="numbered")["Table"]
    assert numbered["AttributeDefinitions"] == [{"AttributeName": "n", "AttributeType": "N"}]
    streamed = dynamodb.describe_table(TableName="local-Streamed")["Table"]
    assert streamed["StreamSpecification"]["StreamViewType"] == "NEW_IMAGE"
    ttl = dynamodb.describe_time_to_live(TableName="local-Streamed")["TimeToLiveDescription"]
    assert ttl["AttributeName"] == "expires"
    parameter = aws.client("ssm").get_parameter(Name="local-List")["Parameter"]
    assert (parameter["Type"], parameter["Value"]) == ("StringList", "a,b")
    arn = loaded.resolver.resolve({"Ref": "Key"})
    assert arn.startswith("arn:aws:secretsmanager:eu-west-1:123456789012:secret:app/key-")
    assert aws.client("secretsmanager").get_secret_value(SecretId=arn)["SecretString"] == "s3cr3t"
    assert loaded.resolver.resolve({"Fn::GetAtt": ["List", "Type"]}) == "StringList"
    assert loaded.resolver.resolve({"Fn::GetAtt": "Simple.Arn"}).endswith(":table/local-Simple")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "  T:\n    Type: AWS::DynamoDB::Table\n    Properties: {TableName: t1x}\n",
            "needs KeySchema",
        ),
        (
            "  T:\n    Type: AWS::Serverless::SimpleTable\n"
            "    Properties: {PrimaryKey: {Type: Bool}}\n",
            "'Bool' is not String",
        ),
        (
            "  P:\n    Type: AWS::SSM::Parameter\n    Properties: {Type: SecureString, Value: v}\n",
            "'SecureString' is not String",
        ),
        (
            "  P:\n    Type: AWS::SSM::Parameter\n    Properties: {Value: 3}\n",
            "Value must be a string",
        ),
        (
            "  P:\n    Type: AWS::SSM::Parameter\n    Properties: {Value: !ImportValue v}\n",
            "resource P: Fn::ImportValue",
        ),
        (
            "  T:\n    Type: AWS::DynamoDB::Table\n    Condition: Missing\n",
            "cannot evaluate condition Missing",
        ),
    ],
)
def test_resources_that_cannot_be_created_are_named(
    tmp_path: Path, aws: EmbeddedAWS, text: str, message: str
) -> None:
    with pytest.raises(TemplateError) as raised:
        create_resources(template(tmp_path, "Resources:\n" + text), aws)
    assert message in str(raised.value)
