"""Every example runs with the ``toolkit invoke`` lines of its docstring, exactly as written, and
does what it says: its responses, its log lines, its EMF metrics, its one side effect. Each line
runs once, in a real child process: the plain line in-process and under awslambdaric
(``--runtime ric``), the SAM template line. Every template passes cfn-lint."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, subprocess_env

EXAMPLES = ROOT / "examples"
CFN_LINT = str(Path(sys.executable).with_name("cfn-lint"))  # the dev extra's, beside python
# One folder per capability, plus the service that uses them together.
CAPABILITIES = (
    "hello",
    "logger",
    "tracer",
    "metrics",
    "idempotency",
    "batch",
    "parameters",
    "parser",
    "middleware",
    "orders",
)


@dataclass
class Run:
    """One ``toolkit invoke`` child: its responses (stdout) and the function's output (stderr)."""

    command: list[str]
    returncode: int
    stdout: str
    stderr: str
    responses: list[Any] = field(init=False)
    lines: list[dict[str, Any]] = field(init=False)

    def __post_init__(self) -> None:
        self.responses = [json.loads(line) for line in self.stdout.splitlines() if line]
        self.lines = [json.loads(line) for line in self.stderr.splitlines() if line[:1] == "{"]

    def logs(self, message: str) -> list[dict[str, Any]]:
        return [line for line in self.lines if line.get("message") == message]

    def metrics(self, name: str) -> list[Any]:
        """The values of EMF metric ``name`` over the run's EMF documents."""
        return [line[name] for line in self.lines if "_aws" in line and name in line]

    def bodies(self) -> list[Any]:
        return [json.loads(response["body"]) for response in self.responses]


def documented(path: Path) -> list[list[str]]:
    """The ``toolkit invoke`` lines of a module's docstring (continuations joined), as words."""
    source = path.read_text()
    docstring = source[: source.index('"""', 3)].replace("\\\\\n", " ")
    return [shlex.split(line) for line in re.findall(r"^\s+(toolkit invoke .*)$", docstring, re.M)]


@cache
def run(words: tuple[str, ...]) -> Run:
    assert words[:2] == ("toolkit", "invoke"), words
    result = subprocess.run(
        [sys.executable, "-m", "toolkit", *words[1:], "--color", "never"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=subprocess_env(),
        timeout=180,
        check=False,
    )
    return Run(list(words), result.returncode, result.stdout, result.stderr)


# --- what each example must show ------------------------------------------------------------


def hello(result: Run) -> None:
    assert result.responses[0]["statusCode"] == 200
    assert result.bodies() == [{"message": "hello, world"}]
    assert result.responses[0]["headers"]["X-Content-Type-Options"] == "nosniff"
    (greeting,) = result.logs("greeting")
    assert greeting["service"] == "hello" and greeting["cold_start"] is True


def logger(result: Run) -> None:
    assert result.responses == [{"statusCode": 200, "body": "receipt-unknown"}]
    (charged,) = result.logs("charged")
    assert charged["order_id"] == "unknown" and "step" not in charged  # left the block
    assert charged["team"] == "payments"
    assert not [line for line in result.lines if line.get("level") == "DEBUG"]  # held back


def tracer(result: Run) -> None:
    assert result.responses == [{"total": 740, "reservations": ["reserved A", "reserved B"]}]


def metrics(result: Run) -> None:
    assert result.responses == [{"ok": True}]
    assert result.metrics("Orders") == [1]
    assert result.metrics("ItemPrice") == [[12.5, 30]]
    assert result.metrics("ChargedAmount") == [42.5]
    assert result.metrics("CouponUsed") == [1]
    assert result.metrics("ColdStart") == [1]


def idempotency(result: Run) -> None:
    assert len(result.responses) == 3
    bodies = result.bodies()
    assert bodies.count(bodies[0]) == 3 and bodies[0]["status"] == "charged"
    (charged,) = result.logs("charged")  # the side effect happened once
    assert charged["payment_id"] == bodies[0]["payment_id"]


def batch(result: Run) -> None:
    sample = json.loads((ROOT / "toolkit/cli/events/sqs.json").read_text())
    first = sample["Records"][0]["messageId"]  # its body is not JSON
    assert result.responses == [{"batchItemFailures": [{"itemIdentifier": first}]}]


def parameters(result: Run) -> None:
    assert len(result.responses) == 2
    assert result.responses[0] == result.responses[1]
    assert result.responses[0]["db_url"] == "postgres://db.internal/shop"
    assert result.responses[0]["api_key_length"] > 0
    connecting = result.logs("connecting")
    assert len(connecting) == 2 and {line["api_key"] for line in connecting} == {"***"}
    assert "sk-live-0123456789" not in result.stderr + result.stdout


def parser(result: Run) -> None:
    assert result.responses[0]["statusCode"] == 201
    assert result.bodies() == [{"id": 7}]
    (accepted,) = result.logs("order accepted")
    assert accepted["order_id"] == 7


def middleware(result: Run) -> None:
    assert result.responses[0]["statusCode"] == 200
    assert result.bodies() == [{"orders": []}]
    assert len(result.logs("order listed")) == 1
    assert not result.logs("request refused")


def orders_api(result: Run) -> None:
    assert [response["statusCode"] for response in result.responses] == [201, 201]
    bodies = result.bodies()
    assert bodies == [{"order_id": "o-2001", "total_cents": 2800, "currency": "EUR"}] * 2
    (placed,) = result.logs("order placed")  # stored once: the retry got the stored answer
    assert placed["correlation_id"] == "c6af9ac6-7b61-11e6-9a41-93e8deadbeef"
    assert result.metrics("OrdersReceived") == [1, 1]
    assert result.metrics("OrdersPlaced") == [1]
    assert result.metrics("OrderValue") == [28.0]
    assert "pk-test-0123456789" not in result.stderr + result.stdout


def orders_consumer(result: Run) -> None:
    second = "00000000-0000-4000-8000-000000000002"  # not JSON: the only record sent back
    assert result.responses == [{"batchItemFailures": [{"itemIdentifier": second}]}]
    fulfilled = result.logs("order fulfilled")
    assert [line["order_id"] for line in fulfilled] == ["o-2001", "o-2003"]
    assert result.metrics("OrdersFulfilled") == [[1, 1]]


CHECKS: dict[str, tuple[Path, Callable[[Run], None]]] = {
    "hello": (EXAMPLES / "hello" / "app.py", hello),
    "logger": (EXAMPLES / "logger" / "app.py", logger),
    "tracer": (EXAMPLES / "tracer" / "app.py", tracer),
    "metrics": (EXAMPLES / "metrics" / "app.py", metrics),
    "idempotency": (EXAMPLES / "idempotency" / "app.py", idempotency),
    "batch": (EXAMPLES / "batch" / "app.py", batch),
    "parameters": (EXAMPLES / "parameters" / "app.py", parameters),
    "parser": (EXAMPLES / "parser" / "app.py", parser),
    "middleware": (EXAMPLES / "middleware" / "app.py", middleware),
    "orders-api": (EXAMPLES / "orders" / "api.py", orders_api),
    "orders-consumer": (EXAMPLES / "orders" / "consumer.py", orders_consumer),
}


def command(name: str, *, template: bool) -> tuple[str, ...]:
    path = CHECKS[name][0]
    lines = [words for words in documented(path) if ("--template" in words) == template]
    assert len(lines) == 1, f"{path} documents {len(lines)} such toolkit invoke lines"
    return tuple(lines[0])


def check(name: str, words: tuple[str, ...]) -> None:
    result = run(words)
    assert result.returncode == 0, result.stderr
    CHECKS[name][1](result)


# --- the tests ------------------------------------------------------------------------------


def test_every_capability_has_an_example_with_a_template_and_requirements() -> None:
    for folder in CAPABILITIES:
        assert (EXAMPLES / folder / "template.yaml").is_file(), folder
        assert (EXAMPLES / folder / "requirements.txt").is_file(), folder
    assert {path.parent.name for path, _ in CHECKS.values()} == set(CAPABILITIES)


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_the_documented_line_runs_and_does_what_it_says(name: str) -> None:
    check(name, command(name, template=False))


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_the_documented_template_line_runs_and_does_what_it_says(name: str) -> None:
    words = command(name, template=True)
    template = ROOT / words[words.index("--template") + 1]
    assert template.is_file() and template.parent == CHECKS[name][0].parent
    check(name, words)


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_the_documented_line_under_the_runtime_interface_client(name: str) -> None:
    check(name, (*command(name, template=False), "--runtime", "ric"))


def test_a_bad_order_gets_400_naming_the_field_and_nothing_is_placed() -> None:
    words = list(command("orders-api", template=False))
    words[words.index("--event") + 1] = "examples/orders/events/post-bad-order.json"
    result = run(tuple(words))
    assert result.returncode == 0, result.stderr
    assert [response["statusCode"] for response in result.responses] == [400, 400]
    assert result.bodies()[0] == {"errors": [{"field": "items.0.quantity", "rule": "greater_than"}]}
    assert not result.logs("order placed")
    assert result.metrics("OrdersRejected") == [1, 1]


def test_every_template_passes_cfn_lint() -> None:
    templates = sorted(str(path) for path in EXAMPLES.glob("*/template.yaml"))
    assert len(templates) >= len(CAPABILITIES)
    result = subprocess.run(
        [CFN_LINT, *templates],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_cfn_lint_rejects_a_broken_template(tmp_path: Path) -> None:
    # The linter really reads ours: a function timeout CloudFormation refuses fails it.
    broken = tmp_path / "template.yaml"
    broken.write_text(
        (EXAMPLES / "hello" / "template.yaml").read_text().replace("Timeout: 3", "Timeout: 9000")
    )
    result = subprocess.run(
        [CFN_LINT, str(broken)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode != 0 and "E3034" in result.stdout


def test_least_privilege_in_the_orders_template() -> None:
    import yaml

    class Tagged(yaml.SafeLoader):
        """Short-form intrinsics (!Ref, !GetAtt, !Sub) loaded as plain values."""

    Tagged.add_multi_constructor("!", lambda loader, suffix, node: f"!{suffix}")
    resources = yaml.load((EXAMPLES / "orders" / "template.yaml").read_text(), Tagged)["Resources"]

    def allowed(role: str) -> set[str]:
        statements = resources[role]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
        actions: set[str] = set()
        for statement in statements:
            assert statement["Effect"] == "Allow"
            names = statement["Action"]
            names = [names] if isinstance(names, str) else names
            actions.update(names)
            assert statement["Resource"] != "*" or all(n.startswith("xray:") for n in names)
        return actions

    assert allowed("OrdersApiRole") == {
        "dynamodb:PutItem",
        "dynamodb:GetItem",
        "dynamodb:UpdateItem",
        "dynamodb:DeleteItem",
        "ssm:GetParameter",
        "secretsmanager:GetSecretValue",
        "xray:PutTraceSegments",
        "xray:PutTelemetryRecords",
    }
    assert allowed("OrderEventsRole") == {
        "dynamodb:UpdateItem",
        "sqs:ReceiveMessage",
        "sqs:DeleteMessage",
        "sqs:GetQueueAttributes",
        "xray:PutTraceSegments",
        "xray:PutTelemetryRecords",
    }


def test_the_orders_readme_shows_the_documented_lines() -> None:
    readme = (EXAMPLES / "orders" / "README.md").read_text()
    shown = {
        tuple(shlex.split(line)) for line in re.findall(r"^(toolkit invoke .*)$", readme, re.M)
    }
    documented_lines = {
        tuple(words)
        for path in (EXAMPLES / "orders" / "api.py", EXAMPLES / "orders" / "consumer.py")
        for words in documented(path)
    }
    assert shown == documented_lines


def test_the_orders_template_under_the_runtime_interface_client() -> None:
    # Both together: the template's settings (256 MB) reach the awslambdaric child's run.
    result = run((*command("orders-api", template=True), "--runtime", "ric"))
    assert result.returncode == 0, result.stderr
    orders_api(result)
    assert "Memory Size: 256 MB" in result.stderr
