"""Run the benchmark suite: toolkit and Powertools side by side, in the same run.

    python3 bench/run.py            # the full suite (about 5 minutes on 2 cores)
    python3 bench/run.py --quick    # a smoke run (under a minute)
    python3 bench/run.py --only logger --only batch

Creates (or reuses) bench/.venv with this checkout of toolkit (editable, all extras),
aws-lambda-powertools and aws-xray-sdk, then runs every benchmark in child processes of that
venv. Prints a table and writes bench/results/latest.json. Informational only: CI never runs
it and no figure is pinned.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (
    BENCH_DIR,
    ROOT,
    VENV,
    VENV_PY,
    BenchError,
    Result,
    Settings,
    render_table,
)

BENCHMARKS = {
    "imports": "bench_imports",
    "logger": "bench_logger",
    "stack": "bench_stack",
    "metrics": "bench_metrics",
    "batch": "bench_batch",
    "parser": "bench_parser",
    "validation": "bench_validation",
    "parameters": "bench_parameters",
}

# Modules of toolkit a benchmark needs; one not there yet is reported as n/a, not an error.
FEATURES = (
    "toolkit.logging",
    "toolkit.tracing",
    "toolkit.metrics",
    "toolkit.batch",
    "toolkit.parser",
    "toolkit.validation",
    "toolkit.parameters",
)

# moto's server: the AWS the parameters benchmark reads from (on loopback).
REQUIREMENTS = ["aws-lambda-powertools[validation]>=3", "aws-xray-sdk>=2.12", "moto[server]>=5"]
# "compat" editable mode puts the checkout on sys.path with a plain .pth line. The default
# mode installs an import-hook finder that every interpreter imports at start-up, together with
# pathlib, re and fnmatch: that would be in every cold-start figure (the floor's too) and
# would pre-import modules the libraries under test would otherwise pay for.
EDITABLE = ["--config-settings", "editable_mode=compat"]
STAMP = VENV / ".bench-stamp"


def ensure_venv() -> None:
    """Create bench/.venv, or refresh it when pyproject.toml or the requirements changed."""
    digest = hashlib.sha256(
        (ROOT / "pyproject.toml").read_bytes() + json.dumps([REQUIREMENTS, EDITABLE]).encode()
    ).hexdigest()
    if VENV_PY.exists() and STAMP.exists() and STAMP.read_text() == digest:
        return
    print(f"setting up {VENV} ...", file=sys.stderr)
    if not VENV_PY.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    pip = [str(VENV_PY), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    done = subprocess.run(
        [*pip, *EDITABLE, "-e", f"{ROOT}[all]", *REQUIREMENTS],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        print(done.stdout + done.stderr, file=sys.stderr)
        raise SystemExit(f"pip install into {VENV} failed")
    STAMP.write_text(digest)


def available_features() -> set[str]:
    found = set()
    for name in FEATURES:
        path = ROOT.joinpath(*name.split("."))
        if path.is_dir() or path.with_suffix(".py").exists():
            found.add(name)
    return found


def machine_info() -> dict[str, Any]:
    probe = (
        "import json, platform, sys\n"
        "from importlib.metadata import version\n"
        "names = ['aws-lambda-powertools', 'aws-xray-sdk', 'lambda-handler-toolkit',"
        " 'boto3', 'pydantic']\n"
        "print(json.dumps({'python': sys.version,"
        " 'implementation': platform.python_implementation(),"
        " 'packages': {n: version(n) for n in names}}))\n"
    )
    child = json.loads(
        subprocess.run(
            [str(VENV_PY), "-c", probe], capture_output=True, text=True, check=True
        ).stdout
    )

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], capture_output=True, text=True, cwd=ROOT, check=False)
        return done.stdout.strip()

    return {
        **child,
        "nproc": os.cpu_count(),
        "affinity": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "platform": platform.platform(),
        "machine": platform.machine(),
        "loadavg_start": os.getloadavg(),
        "git_commit": git("rev-parse", "HEAD"),
        "git_dirty": bool(git("status", "--porcelain", "--untracked-files=no")),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer, shorter samples")
    parser.add_argument(
        "--only", action="append", choices=sorted(BENCHMARKS), help="run only this benchmark"
    )
    parser.add_argument(
        "--rounds", type=int, help="interleaved samples per side (default 61, quick 7)"
    )
    parser.add_argument("--output", type=Path, default=BENCH_DIR / "results" / "latest.json")
    args = parser.parse_args(argv)

    ensure_venv()
    settings = Settings.make(args.quick)
    if args.rounds:
        settings.rounds = args.rounds
    features = available_features()
    info = machine_info()
    print(
        f"python {info['python'].split()[0]}, {info['nproc']} cpus, "
        f"powertools {info['packages']['aws-lambda-powertools']}, "
        f"toolkit {info['git_commit'][:10]}{' (dirty)' if info['git_dirty'] else ''}, "
        f"features: {', '.join(sorted(features)) or 'none'}",
        file=sys.stderr,
    )
    missing = sorted(set(FEATURES) - features)
    results: list[Result] = []
    errors: dict[str, str] = {}
    started = time.time()
    for name in args.only or list(BENCHMARKS):
        module = importlib.import_module(BENCHMARKS[name])
        print(f"[{name}]", file=sys.stderr)
        try:
            results.extend(module.run(settings, features))
        except BenchError as error:
            errors[name] = str(error)
            print(f"  {name} failed: {error}", file=sys.stderr)
    info["loadavg_end"] = os.getloadavg()
    info["seconds"] = round(time.time() - started, 1)

    print()
    print(render_table(results))
    print()
    print("Times are medians (lower is better; batch rows show records/s). Ratios are time ours /")
    print("time other: below 1.00x means ours is faster. Targets are informational.")
    for result in results:
        for problem in result.details.get("problems", []):
            print(f"VERIFY: {result.name}: {problem}")
    if missing:
        print(f"not in this checkout yet (ours shown as n/a): {', '.join(missing)}")
    for name, error in errors.items():
        print(f"ERROR in {name}: {error.splitlines()[0] if error else ''}")

    args.output.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "mode": "quick" if settings.quick else "full",
        "settings": vars(settings),
        "machine": info,
        "missing_features": missing,
        "errors": errors,
        "results": [r.as_json() for r in results],
    }
    args.output.write_text(json.dumps(payload, indent=2, default=str) + "\n")
    print(f"JSON: {args.output.relative_to(ROOT)}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
