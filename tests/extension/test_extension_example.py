"""examples/extension: the user's test (on the ``extension_emulator`` fixture from its
conftest.py) passes when run as a user runs it, and the fixture leaves nothing behind."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT, subprocess_env


def test_the_users_test_of_the_example_passes_under_pytest() -> None:
    command = ["-q", "-p", "no:cacheprovider", "examples/extension/test_app.py"]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", *command],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=subprocess_env(),
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 passed" in result.stdout
