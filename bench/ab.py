"""Instruction counts of toolkit's hot paths, this checkout against an earlier commit.

    python3 bench/ab.py [--base REV] [SCENARIO ...]      # default: f3c706f, every scenario

Wall time on a shared 2-core machine moves by more than the changes worth measuring; callgrind
counts the instructions a loop executes, which is the same from run to run whatever else the
machine is doing. Both trees run the same bench cases (this checkout's ``bench/``) with the
same interpreter: only ``toolkit/`` differs, extracted from ``REV`` with ``git archive``. This
is how issue 7's before/after table was measured; it compares toolkit with itself, so
Powertools is not in it (``bench/run.py`` is the side-by-side comparison).

Needs valgrind. The child mode (``--run SCENARIO N``) is what runs under callgrind.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import io
import os
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
# scenario: (bench module, case name, iterations under callgrind)
SCENARIOS: dict[str, tuple[str, str, int]] = {
    "info": ("bench_logger", "info_ours", 1000),
    "debug": ("bench_logger", "debug_ours", 5000),
    "mw": ("bench_logger", "mw_ours", 2000),
    "metrics1": ("ab", "one_metric", 2000),
    "metrics100": ("bench_metrics", "ours", 200),
    "stack": ("bench_stack", "ours", 2000),
    "batch_sqs": ("bench_batch", "ours_sqs", 2),
    "batch_kinesis": ("bench_batch", "ours_kinesis", 2),
    "batch_dynamodb": ("bench_batch", "ours_dynamodb", 2),
}
ENVIRONMENT = {
    "AWS_LAMBDA_FUNCTION_NAME": "bench-function",
    "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512",
    "AWS_REGION": "us-east-1",
    "POWERTOOLS_SERVICE_NAME": "bench",
    "LAMBDA_TASK_ROOT": "/var/task",
    "POWERTOOLS_TRACE_DISABLED": "true",
    "BENCH_RECORDS": "1000",
    "PYTHONHASHSEED": "0",
}


def _one_metric(verify: bool) -> Any:
    """``@log_metrics`` around a handler that adds one metric: the usual invocation's flush."""
    from common import Case, context

    from toolkit.metrics import Metrics, MetricUnit

    metrics = Metrics(namespace="Bench", service="bench")

    @metrics.log_metrics
    def handler(event: Any, ctx: Any) -> None:
        metrics.add_metric(name="Orders", unit=MetricUnit.Count, value=1)

    ctx = context()

    def run(n: int) -> int:
        for _ in range(n):
            handler({}, ctx)
        return 0

    return Case(run, None, warmup=500)


CASES = {"one_metric": _one_metric}


def run_child(scenario: str, n: int) -> None:
    """Build the case, warm it up, then run ``n`` iterations inside ``functools.reduce``: the
    only call of it in the process, so callgrind collects exactly the measured loop."""
    sys.path.insert(0, str(BENCH))
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - the lines and EMF documents
    module, name, _ = SCENARIOS[scenario]
    case: Any = importlib.import_module(module).CASES[name](False)
    case(min(case.warmup, 50) if scenario.startswith("batch") else case.warmup)
    functools.reduce(lambda _, count: case(count), [n], 0)


def instructions(tree: Path, scenario: str) -> float:
    """Instructions per iteration of ``scenario`` with ``tree``'s toolkit."""
    n = SCENARIOS[scenario][2]
    with tempfile.TemporaryDirectory() as scratch:
        result = subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                "--collect-atstart=no",
                "--toggle-collect=functools_reduce",
                f"--callgrind-out-file={scratch}/out",
                sys.executable,
                __file__,
                "--run",
                scenario,
                str(n),
            ],
            env={**os.environ, **ENVIRONMENT, "PYTHONPATH": str(tree)},
            capture_output=True,
            text=True,
            check=True,
        )
    found = re.search(r"Collected : (\d+)", result.stderr)
    if found is None:
        raise SystemExit(f"callgrind printed no count for {scenario}:\n{result.stderr[-2000:]}")
    return int(found.group(1)) / n


def extract(rev: str, into: Path) -> Path:
    """``toolkit/`` as it was at ``rev``, in ``into``."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", rev, "toolkit"],
        capture_output=True,
        check=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("scenarios", nargs="*", metavar="SCENARIO", help=", ".join(SCENARIOS))
    parser.add_argument("--base", default="f3c706f", help="the commit to compare with")
    parser.add_argument("--run", nargs=2, metavar=("SCENARIO", "N"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        run_child(args.run[0], int(args.run[1]))
        return
    unknown = [name for name in args.scenarios if name not in SCENARIOS]
    if unknown:
        known = ", ".join(SCENARIOS)
        parser.error(f"unknown scenario(s) {', '.join(unknown)}; choose from {known}")
    with tempfile.TemporaryDirectory() as scratch:
        base = extract(args.base, Path(scratch))
        print(f"{'scenario':16s} {args.base + ' Ir':>14s} {'now Ir':>14s} {'now/base':>9s}")
        for scenario in args.scenarios or SCENARIOS:
            before, now = instructions(base, scenario), instructions(ROOT, scenario)
            print(f"{scenario:16s} {before:14,.0f} {now:14,.0f} {now / before:9.3f}")


if __name__ == "__main__":
    main()
