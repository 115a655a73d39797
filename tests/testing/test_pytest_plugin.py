"""The pytest plugin, as a user's suite meets it: examples/testing (a handler imported at the top
of its test file) run by pytester in a fresh pytest process, the plugin coming from the
``pytest11`` entry point as after ``pip install``."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT
from toolkit.testing.embedded_aws import InvalidSpecError, TableSpec
from toolkit.testing.pytest_plugin import seed_arguments

pytest_plugins = ["pytester"]

EXAMPLE = ROOT / "examples" / "testing"

MORE_TESTS = """
import pytest

from app import handler


def test_capsys_alone_misses_the_lines_of_a_logger_given_its_stream(lambda_context, capsys):
    handler({"id": "o-4"}, lambda_context)
    assert "order received" not in capsys.readouterr().out


@pytest.mark.embedded_aws(queues=["orders"])
def test_an_unknown_marker_argument_fails_the_test(embedded_aws):
    pass
"""


def test_a_users_suite_gets_every_fixture(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        app=(EXAMPLE / "app.py").read_text(),
        test_app=(EXAMPLE / "test_app.py").read_text(),
        test_more=MORE_TESTS,
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-W", "error")
    result.assert_outcomes(passed=6, errors=1)
    result.stdout.fnmatch_lines(
        ["*TypeError: @pytest.mark.embedded_aws got unexpected argument(s) queues;*"]
    )


def test_the_plugin_can_be_turned_off(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_context(lambda_context):\n    pass\n")
    result = pytester.runpytest_subprocess("-p", "no:toolkit", "-p", "no:cacheprovider")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*fixture 'lambda_context' not found*"])


def test_the_marker_gives_the_seed_arguments() -> None:
    mark = pytest.mark.embedded_aws(
        tables=["orders:pk:sk", TableSpec("audit")], secrets={"s": b"\x00"}, region="eu-west-1"
    ).mark
    assert seed_arguments(mark) == (
        "eu-west-1",
        {
            "tables": [TableSpec("orders", "pk", "sk"), TableSpec("audit")],
            "secrets": {"s": b"\x00"},
        },
    )
    assert seed_arguments(None) == ("us-east-1", {})


@pytest.mark.parametrize(
    ("mark", "error", "message"),
    [
        (pytest.mark.embedded_aws(["orders"]), TypeError, "keyword arguments only"),
        (pytest.mark.embedded_aws(tables="orders"), TypeError, "tables is a list of"),
        (pytest.mark.embedded_aws(tables=["a"]), InvalidSpecError, "table name 'a' is not valid"),
    ],
)
def test_a_bad_marker_is_a_clear_error(mark, error, message) -> None:
    with pytest.raises(error, match=message):
        seed_arguments(mark.mark)
