from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT, subprocess_env


def test_tracer_example_runs_and_sends_its_subsegments() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "tracer" / "app.py")],
        env=subprocess_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "{'total': 740, 'reservations': ['reserved A', 'reserved B']}"
    names = [line.split(" parent:")[0] for line in lines[1:]]
    assert sorted(names) == sorted(
        [
            "discounts",
            "## __main__.price",
            "## __main__.reserve",
            "## __main__.reserve",
            "## handler",
        ]
    )
