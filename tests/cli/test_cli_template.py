"""``toolkit invoke --template``: real ``python -m toolkit`` children running the functions of
SAM templates, their tables, parameters and secrets created in the embedded AWS."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import subprocess_env

EXAMPLE = Path(__file__).parents[2] / "examples" / "template"


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "toolkit", "invoke", *args, "--color", "never"],
        capture_output=True,
        text=True,
        env=subprocess_env(),
        cwd=cwd,
        timeout=120,
        check=False,
    )


def test_the_example_runs_with_its_table_parameter_secret_and_extension() -> None:
    result = run(
        "--template",
        str(EXAMPLE / "template.yaml"),
        "OrdersFunction",
        "--event-name",
        "apigw-rest",
        "--env-vars",
        str(EXAMPLE / "env.json"),
        "--extension-port",
        "0",
        "--repeat",
        "2",
    )
    assert result.returncode == 0, result.stderr
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    body = json.loads(first["body"])
    assert first["statusCode"] == 201
    # STAGE comes from env.json's Parameters over the template's !Ref Stage; the table name
    # from !Sub with the parameter's default; MemorySize from !If on a condition.
    assert body["stage"] == "local"
    assert body["table"] == "local-orders-dev"
    assert body["memory"] == "512"
    assert body["currency"] == "EUR"
    assert body["api_user"] == "orders"
    assert body["api_key_length"] == 24
    assert json.loads(second["body"])["order"] != body["order"]
    assert (
        "Resources: table local-orders-dev, parameter /orders/dev/config, "
        "secret local-PaymentApiKey" in result.stderr
    )
    assert "EXTENSION http://127.0.0.1:" in result.stderr
    assert "Memory Size: 512 MB" in result.stderr
    assert "TEMPLATE unsupported" not in result.stderr


def test_parameter_overrides_and_command_line_settings_win(tmp_path: Path) -> None:
    result = run(
        "-t",
        str(EXAMPLE / "template.yaml"),
        "--event-name",
        "apigw-rest",
        "--parameter-overrides",
        "ParameterKey=Stage,ParameterValue=prod",
        "--extension-port",
        "0",
        "--memory",
        "2048",
    )
    assert result.returncode == 0, result.stderr
    body = json.loads(json.loads(result.stdout)["body"])
    assert body["stage"] == "prod"
    assert body["table"] == "local-orders-prod"
    assert body["memory"] == "2048"


APP = """
import os


def handler(event, context):
    return {key: os.environ.get(key) for key in ("QUEUE", "NAME", "PLAIN")}
"""

UNSUPPORTED = """
Resources:
  Queue:
    Type: AWS::SQS::Queue
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.11
      Handler: app.handler
      Layers: [arn:aws:lambda:us-east-1:123456789012:layer:mine:3]
      Environment:
        Variables:
          QUEUE: !GetAtt Queue.QueueUrl
          NAME: !ImportValue shared-name
          PLAIN: 42
"""


def test_unsupported_features_get_one_line_each_and_the_rest_runs(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(textwrap.dedent(APP))
    (tmp_path / "template.yaml").write_text(UNSUPPORTED)
    result = run("--template", "template.yaml", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"QUEUE": None, "NAME": None, "PLAIN": "42"}
    lines = [line for line in result.stderr.splitlines() if "TEMPLATE unsupported" in line]
    assert len(lines) == 3, result.stderr
    assert "Variables.QUEUE: !GetAtt Queue.QueueUrl (AWS::SQS::Queue" in lines[0]
    assert "Variables.NAME: Fn::ImportValue" in lines[1]
    assert "layer:mine:3 is not loaded locally" in lines[2]


TWO_FUNCTIONS = UNSUPPORTED + textwrap.indent(
    "Other:\n  Type: AWS::Lambda::Function\n  Properties: {Runtime: python3.11, Handler: app.h}\n",
    "  ",
)


@pytest.mark.parametrize(
    ("template", "args", "message"),
    [
        (
            UNSUPPORTED.replace("python3.11", "nodejs20.x"),
            (),
            "Runtime nodejs20.x is not supported",
        ),
        (
            TWO_FUNCTIONS,
            (),
            "give the function's logical id after --template; the template's functions: Fn, Other",
        ),
        (UNSUPPORTED, ("Missing",), "no function 'Missing'"),
        ("Resources: [", (), "is not valid YAML"),
        ("Parameters: {}\n", (), "has no Resources section"),
        (
            UNSUPPORTED.replace(
                "Handler: app.handler", "Handler: app.handler\n      CodeUri: nowhere/"
            ),
            (),
            "CodeUri folder 'nowhere/' does not exist",
        ),
    ],
)
def test_bad_templates_are_usage_errors_naming_the_problem(
    tmp_path: Path, template: str, args: tuple[str, ...], message: str
) -> None:
    (tmp_path / "app.py").write_text(textwrap.dedent(APP))
    (tmp_path / "template.yaml").write_text(template)
    result = run("--template", "template.yaml", *args, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr


REAL = """
Resources:
  Table:
    Type: AWS::Serverless::SimpleTable
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.11
      Handler: app.handler
      Environment:
        Variables:
          QUEUE: !GetAtt Table.Arn
          NAME: !Ref Table
"""


def test_with_real_aws_nothing_is_created_and_references_give_local_names(
    tmp_path: Path,
) -> None:
    (tmp_path / "app.py").write_text(textwrap.dedent(APP))
    (tmp_path / "template.yaml").write_text(REAL)
    result = run("--template", "template.yaml", "Fn", "--aws", "real", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "QUEUE": "arn:aws:dynamodb:us-east-1:123456789012:table/local-Table",
        "NAME": "local-Table",
        "PLAIN": None,
    }
    assert "EMBEDDED AWS" not in result.stderr
    assert "Resources: AWS::Serverless::SimpleTable Table (not created)" in result.stderr


def test_env_vars_without_a_template_use_parameters_and_the_function_name(
    tmp_path: Path,
) -> None:
    (tmp_path / "app.py").write_text(textwrap.dedent(APP))
    (tmp_path / "env.json").write_text(
        json.dumps({"Parameters": {"NAME": "all", "PLAIN": 1}, "app": {"NAME": "mine"}})
    )
    result = run("app.py:handler", "--env-vars", "env.json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"QUEUE": None, "NAME": "mine", "PLAIN": "1"}
