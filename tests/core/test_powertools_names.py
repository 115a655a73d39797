"""docs/powertools.md's "Name by name" table lists every public name of the Powertools utilities
toolkit mirrors, each with a status.

The names are read from the installed Powertools (a dev dependency), so a Powertools upgrade that
adds an option or a method fails this test until the table says what toolkit does with it.
"""

from __future__ import annotations

import importlib
import inspect
import re
from typing import Any

import pytest

from tests.conftest import ROOT

DOC = (ROOT / "docs/powertools.md").read_text()
HEADING = "## Name by name"
SECTION = DOC.split(HEADING, 1)[-1].split("\n## ", 1)[0] if HEADING in DOC else ""
SPELLED = set(re.findall(r"\w+", " ".join(re.findall(r"`([^`]+)`", SECTION))))
STATUSES = ("same", "renamed", "different", "not provided")

# Modules whose __all__ is public API of the utilities toolkit mirrors.
MODULES = (
    "aws_lambda_powertools",
    "aws_lambda_powertools.logging",
    "aws_lambda_powertools.logging.buffer",
    "aws_lambda_powertools.metrics",
    "aws_lambda_powertools.metrics.provider",
    "aws_lambda_powertools.tracing",
    "aws_lambda_powertools.utilities.batch",
    "aws_lambda_powertools.middleware_factory",
    "aws_lambda_powertools.utilities.idempotency",
    "aws_lambda_powertools.utilities.validation",
)
# Classes and functions whose public methods and parameters are API.
CALLABLES = (
    ("aws_lambda_powertools.logging.logger", "Logger"),
    ("aws_lambda_powertools.logging.formatter", "LambdaPowertoolsFormatter"),
    ("aws_lambda_powertools.logging.buffer", "LoggerBufferConfig"),
    ("aws_lambda_powertools.logging.utils", "copy_config_to_registered_loggers"),
    ("aws_lambda_powertools.metrics", "Metrics"),
    ("aws_lambda_powertools.metrics", "single_metric"),
    ("aws_lambda_powertools.tracing", "Tracer"),
    ("aws_lambda_powertools.utilities.batch", "BatchProcessor"),
    ("aws_lambda_powertools.utilities.batch", "AsyncBatchProcessor"),
    ("aws_lambda_powertools.utilities.batch", "SqsFifoPartialProcessor"),
    ("aws_lambda_powertools.utilities.batch", "process_partial_response"),
    ("aws_lambda_powertools.middleware_factory", "lambda_handler_decorator"),
    ("aws_lambda_powertools.utilities.idempotency", "IdempotencyConfig"),
    ("aws_lambda_powertools.utilities.idempotency", "DynamoDBPersistenceLayer"),
    ("aws_lambda_powertools.utilities.idempotency", "BasePersistenceLayer"),
    ("aws_lambda_powertools.utilities.idempotency", "idempotent_function"),
    ("aws_lambda_powertools.utilities.validation", "validate"),
    ("aws_lambda_powertools.utilities.validation", "validator"),
    ("aws_lambda_powertools.utilities.validation.exceptions", "SchemaValidationError"),
)
# The decorated function itself, and Python's own parameter names: not options.
NOT_OPTIONS = {"self", "lambda_handler", "method", "handler", "event", "context"}


def parameters(function: Any) -> set[str]:
    """Named parameters; `*args`/`**keys` collect values, they are not options."""
    variadic = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
    found = inspect.signature(function).parameters.values()
    return {p.name for p in found if p.kind not in variadic} - NOT_OPTIONS


def public_names() -> set[str]:
    names: set[str] = set()
    for module in MODULES:
        names.update(importlib.import_module(module).__all__)
    for module, name in CALLABLES:
        target = getattr(importlib.import_module(module), name)
        if inspect.isclass(target):
            names.update(parameters(target.__init__))
            for member, value in vars(target).items():
                if member.startswith("_") or member.isupper():
                    continue
                names.add(member)
                if inspect.isfunction(value):
                    names.update(parameters(value))
        else:
            names.update(parameters(target))
    return names


def test_every_public_powertools_name_is_in_the_table() -> None:
    pytest.importorskip("aws_lambda_powertools")
    missing = sorted(public_names() - SPELLED)
    assert not missing, f"docs/powertools.md 'Name by name' does not list: {missing}"


def test_every_row_has_a_status() -> None:
    rows = [line for line in SECTION.splitlines() if line.startswith("| `")]
    assert len(rows) > 50
    for row in rows:
        status = row.rstrip(" |").rsplit("|", 1)[-1].strip()
        assert status.startswith(STATUSES), row
