"""examples/middleware/app.py, the worked utility of docs/middleware.md, does what it says."""

from __future__ import annotations

import json
import runpy
from typing import Any

import pytest

from tests.conftest import ROOT
from toolkit.testing import lambda_context

APP = ROOT / "examples" / "middleware" / "app.py"


def load() -> dict[str, Any]:
    """The example's module namespace, loaded inside the test (its Logger binds the stdout
    of the moment: a fixture would give it the setup phase's)."""
    return runpy.run_path(str(APP))


def test_the_handler_runs_with_a_key_and_is_refused_without(
    capsys: pytest.CaptureFixture[str],
) -> None:
    app = load()
    handler = app["handler"]
    assert handler({"headers": {"X-API-KEY": "k-123"}}, lambda_context())["statusCode"] == 200
    refused = handler({"headers": {"X-Api-Key": "wrong"}}, lambda_context())
    assert refused == {"statusCode": 401, "body": json.dumps({"message": "missing API key"})}
    ok, warning = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert ok["message"] == "order listed" and "function_request_id" in ok
    assert warning["message"] == "request refused"
    assert warning["handler"] == "handler" and warning["header"] == "x-api-key"


def test_a_bad_option_fails_at_decoration_and_disabled_adds_no_layer() -> None:
    ApiKeys = load()["ApiKeys"]

    def handler(event: Any, context: Any) -> str:
        return "ran"

    with pytest.raises(ValueError, match="must be a 4xx code, not 200"):
        ApiKeys({"k"}).require_key(status=200)(handler)
    assert ApiKeys({"k"}, disabled=True).require_key(handler) is handler


def test_the_example_runs_as_a_script(capsys: pytest.CaptureFixture[str]) -> None:
    runpy.run_path(str(APP), run_name="__main__")
    out = capsys.readouterr().out
    assert "'statusCode': 200" in out and "'statusCode': 401" in out


def test_the_docs_show_the_example_utility_as_it_is() -> None:
    """docs/middleware.md includes the utility from this file (pymdownx.snippets), so the page
    cannot drift from the code this test runs."""
    docs = (ROOT / "docs" / "middleware.md").read_text()
    assert '--8<-- "examples/middleware/app.py:utility"' in docs
    source = APP.read_text()
    section = source[source.index("[start:utility]") : source.index("[end:utility]")]
    assert "class ApiKeys:" in section and "def handler(" in section
