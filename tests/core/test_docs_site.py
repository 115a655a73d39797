"""The documentation site holds together: every page is reachable from the nav and every nav
entry is a page, every file a page includes or names under examples/ exists, the repository
link matches pyproject, the getting-started template points at the example it deploys, and
LICENSE is the license pyproject declares."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import tomllib
import yaml

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
MKDOCS = yaml.safe_load((ROOT / "mkdocs.yml").read_text())
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
PAGES = sorted(p.relative_to(DOCS).as_posix() for p in DOCS.rglob("*.md"))
SNIPPET = re.compile(r'^\s*--8<--\s+"([^":]+)(?::(\w+))?"', re.M)
EXAMPLE_PATH = re.compile(r"\bexamples/[\w./-]*\w")


def nav_pages(entries: list[Any]) -> list[str]:
    pages: list[str] = []
    for entry in entries:
        for value in entry.values() if isinstance(entry, dict) else [entry]:
            pages.extend(nav_pages(value) if isinstance(value, list) else [value])
    return pages


def test_every_page_is_in_the_nav_once_and_every_nav_entry_is_a_page() -> None:
    nav = nav_pages(MKDOCS["nav"])
    assert sorted(set(nav)) == sorted(nav), "a page is in the nav twice"
    assert set(PAGES) - set(nav) == set(), "pages missing from mkdocs.yml's nav"
    assert set(nav) - set(PAGES) == set(), "nav entries without a page"


def test_the_api_reference_has_a_page_per_public_module() -> None:
    modules = {
        "toolkit",
        *(f"toolkit.{name}" for name in ("middleware", "logging", "tracing", "metrics", "batch")),
        *(f"toolkit.{name}" for name in ("idempotency", "parser", "validation", "jmespath")),
        *(f"toolkit.{name}" for name in ("testing", "context", "timeout")),
    }
    documented = set()
    for page in DOCS.glob("api/*.md"):
        documented.update(re.findall(r"^::: (toolkit[\w.]*)$", page.read_text(), re.M))
    assert modules - documented == set()  # new public modules add their own page


@pytest.mark.parametrize("page", PAGES)
def test_included_files_and_named_examples_exist(page: str) -> None:
    text = (DOCS / page).read_text()
    missing = [path for path, _ in SNIPPET.findall(text) if not (ROOT / path).is_file()]
    # a named section needs both markers in the file, or the page silently shows nothing
    missing += [
        f"{path}:{section}"
        for path, section in SNIPPET.findall(text)
        if section
        and not all(
            f"--8<-- [{edge}:{section}]" in (ROOT / path).read_text() for edge in ("start", "end")
        )
    ]
    missing += [path for path in EXAMPLE_PATH.findall(text) if not (ROOT / path).exists()]
    assert missing == [], f"docs/{page} names files that do not exist"


def test_readme_names_only_existing_examples() -> None:
    paths = EXAMPLE_PATH.findall((ROOT / "README.md").read_text())
    assert paths and [p for p in paths if not (ROOT / p).exists()] == []


def code_lines(code: str) -> list[str]:
    """The lines of code that identify a block: long enough not to be boilerplate."""
    lines = (line.strip() for line in code.splitlines())
    return [line for line in lines if len(line) > 30 and not line.startswith(("#", "--8<--"))]


EXAMPLES = {
    p.relative_to(ROOT).as_posix(): set(code_lines(p.read_text()))
    for p in ROOT.glob("examples/**/*.py")
}


@pytest.mark.parametrize("page", PAGES)
def test_no_code_block_is_a_pasted_copy_of_an_example(page: str) -> None:
    """A block that is mostly an example's code must include it from the file (a section of it,
    marked ``# --8<-- [start:name]``/``[end:name]``), so the page cannot drift from the code the
    example tests run. Short sketches sharing a few idiomatic lines are fine."""
    text = (DOCS / page).read_text()
    for block in re.findall(r"^```python[^\n]*\n(.*?)^```", text, re.S | re.M):
        lines = code_lines(block)
        for example, example_lines in EXAMPLES.items():
            shared = sum(line in example_lines for line in lines)
            assert shared < 4 or shared < 0.75 * len(lines), (
                f"docs/{page}: a block repeats {example}; include it with --8<-- instead"
            )


def test_the_repository_link_is_pyprojects() -> None:
    assert MKDOCS["repo_url"] == PYPROJECT["project"]["urls"]["Repository"]
    assert MKDOCS["repo_name"] == PYPROJECT["project"]["name"]


def test_the_site_has_copy_buttons_search_and_includes_from_the_repository() -> None:
    assert "content.code.copy" in MKDOCS["theme"]["features"]
    plugins = [next(iter(p)) if isinstance(p, dict) else p for p in MKDOCS["plugins"]]
    assert {"search", "mkdocstrings"} <= set(plugins)
    extensions = {
        next(iter(e)) if isinstance(e, dict) else e: e for e in MKDOCS["markdown_extensions"]
    }
    snippets = extensions["pymdownx.snippets"]["pymdownx.snippets"]
    assert snippets["base_path"] == ["."] and snippets["check_paths"] is True


class _TemplateLoader(yaml.SafeLoader):
    """Reads CloudFormation's short-form tags (!Sub, !Ref, ...) as plain values."""


_TemplateLoader.add_multi_constructor("!", lambda loader, suffix, node: None)


def test_the_getting_started_template_deploys_the_hello_example() -> None:
    text = (DOCS / "getting-started.md").read_text()
    (template,) = re.findall(r"```yaml\n(AWSTemplateFormatVersion.*?)```", text, re.S)
    function = yaml.load(template, _TemplateLoader)["Resources"]["HelloFunction"]["Properties"]
    module, name = function["Handler"].split(".")
    source = (ROOT / "examples/hello" / f"{module}.py").read_text()
    assert re.search(rf"^def {name}\(", source, re.M)
    assert f"examples/hello/{module}.py" in text


def test_license_is_the_one_pyproject_declares() -> None:
    assert PYPROJECT["project"]["license"] == {"text": "MIT-0"}
    assert (ROOT / "LICENSE").read_text().startswith("MIT No Attribution\n")


def test_the_changelog_page_is_the_changelog() -> None:
    assert SNIPPET.findall((DOCS / "changelog.md").read_text()) == [("CHANGELOG.md", "")]
    changelog = (ROOT / "CHANGELOG.md").read_text()
    version = PYPROJECT["project"]["version"]
    assert f"## [{version}]" in changelog


def test_the_api_reference_hook_drops_rest_role_prefixes_on_api_pages_only() -> None:
    namespace: dict[str, Any] = {}
    exec(compile((DOCS / "hooks.py").read_text(), "docs/hooks.py", "exec"), namespace)
    html = "<p>See :class:<code>Tracer</code> and :func:<code>scope</code>, at 10:30.</p>"

    def page(uri: str) -> Any:
        return type("Page", (), {"file": type("File", (), {"src_uri": uri})})()

    hook = namespace["on_page_content"]
    assert hook(html, page("api/tracing.md")) == (
        "<p>See <code>Tracer</code> and <code>scope</code>, at 10:30.</p>"
    )
    assert hook(html, page("tracer.md")) == html
    assert MKDOCS["hooks"] == ["docs/hooks.py"] and MKDOCS["exclude_docs"] == "hooks.py"
