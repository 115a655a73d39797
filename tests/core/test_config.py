"""The one table of environment variables."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from toolkit import config
from toolkit.errors import ConfigurationError

ROOT = Path(__file__).resolve().parents[2]


def test_toolkit_name_wins_over_powertools_fallback(monkeypatch: pytest.MonkeyPatch) -> None:
    assert config.SERVICE_NAME.read() == "service_undefined"
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "legacy")
    assert config.SERVICE_NAME.read() == "legacy"
    monkeypatch.setenv("TOOLKIT_SERVICE_NAME", "orders")
    assert config.SERVICE_NAME.read() == "orders"
    assert config.SERVICE_NAME.raw() == "orders"


def test_empty_values_count_as_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOOLKIT_SERVICE_NAME", "")
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "legacy")
    assert config.SERVICE_NAME.read() == "legacy"
    monkeypatch.setenv("POWERTOOLS_SERVICE_NAME", "")
    assert config.SERVICE_NAME.raw() is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("true", True), ("1", True), ("YES", True), ("on", True), ("false", False), ("0", False)],
)
def test_booleans(monkeypatch: pytest.MonkeyPatch, raw: str, expected: bool) -> None:
    monkeypatch.setenv("TOOLKIT_TRACE_DISABLED", raw)
    assert config.TRACE_DISABLED.read() is expected


@pytest.mark.parametrize(
    ("var", "raw", "expected"),
    [
        (config.TRACE_DISABLED, "maybe", "a boolean"),
        (config.LOGGER_SAMPLE_RATE, "1.5", "between 0 and 1"),
        (config.LOGGER_SAMPLE_RATE, "ten", "between 0 and 1"),
        (config.LOG_LEVEL, "LOUD", "a level name"),
    ],
)
def test_bad_values_name_the_variable(
    monkeypatch: pytest.MonkeyPatch, var: config.Var[object], raw: str, expected: str
) -> None:
    monkeypatch.setenv(var.fallbacks[0], raw)
    with pytest.raises(ConfigurationError, match=expected) as info:
        var.read()
    assert info.value.name == var.fallbacks[0]
    assert info.value.value == raw
    assert isinstance(info.value, ValueError)


def test_levels_are_normalised(monkeypatch: pytest.MonkeyPatch) -> None:
    for raw, expected in [
        ("warn", "WARNING"),
        ("debug", "DEBUG"),
        ("10", "10"),
        ("fatal", "CRITICAL"),
    ]:
        monkeypatch.setenv("AWS_LAMBDA_LOG_LEVEL", raw)
        assert config.LAMBDA_LOG_LEVEL.read() == expected
    monkeypatch.setenv("TOOLKIT_LOGGER_SAMPLE_RATE", "0.25")
    assert config.LOGGER_SAMPLE_RATE.read() == 0.25


def test_reads_see_changes_made_after_the_var_was_built(monkeypatch: pytest.MonkeyPatch) -> None:
    var = config.Var("TOOLKIT_TEST_LIVE", "default", config.parse_str, "test only")
    assert var.read() == "default"
    monkeypatch.setenv("TOOLKIT_TEST_LIVE", "set later")
    assert var.read() == "set later"
    assert var.raw() == "set later"
    monkeypatch.delenv("TOOLKIT_TEST_LIVE")
    assert var.read() == "default"


def test_environ_block_restores_what_was_there(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOOLKIT_SERVICE_NAME", "before")
    with config.environ({"TOOLKIT_SERVICE_NAME": "inside", "TOOLKIT_TRACE_DISABLED": None}):
        assert config.SERVICE_NAME.read() == "inside"
        assert config.snapshot()["TOOLKIT_SERVICE_NAME"] == "inside"
    assert config.SERVICE_NAME.read() == "before"


def test_the_docs_table_is_the_generated_one() -> None:
    page = (ROOT / "docs" / "configuration.md").read_text()
    assert config.markdown_table() in page, (
        "docs/configuration.md is stale: regenerate it with `python -m toolkit.config`"
    )


def test_every_variable_is_in_the_table() -> None:
    names = [var.name for var in config.VARIABLES]
    assert len(names) == len(set(names))
    assert "TOOLKIT_SERVICE_NAME" in names
    assert "_X_AMZN_TRACE_ID" in names


def _environment_accesses(path: Path) -> list[str]:
    """Lines of ``path`` that touch the process environment (os.environ, os.getenv, putenv)."""
    tree = ast.parse(path.read_text(), str(path))
    found = []
    for node in ast.walk(tree):
        name = None
        if isinstance(node, ast.Attribute) and node.attr in {
            "environ",
            "getenv",
            "putenv",
            "unsetenv",
            "environb",
        }:
            name = node.attr
        elif isinstance(node, ast.ImportFrom) and node.module == "os":
            hits = [a.name for a in node.names if a.name in {"environ", "getenv", "putenv"}]
            name = ",".join(hits) or None
        if name:
            found.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}")
    return found


def test_no_module_but_config_touches_the_environment() -> None:
    offenders = [
        hit
        for path in sorted((ROOT / "toolkit").rglob("*.py"))
        if path.name != "config.py" or path.parent.name != "toolkit"
        for hit in _environment_accesses(path)
    ]
    assert offenders == [], "read environment variables through toolkit.config instead"
    assert _environment_accesses(ROOT / "toolkit" / "config.py")  # the check can see them
