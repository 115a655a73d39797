"""Cold start: importing Logger and Tracer in a fresh interpreter, and building a Tracer.

Two figures per import: the wall time of the whole ``python -c`` process as the orchestrator
sees it (what a cold start pays, interpreter start-up included), and the import alone, timed
inside the child with perf_counter_ns around the import statement. The floor is
``import json, logging``: the least a JSON logger can import.
"""

from __future__ import annotations

import subprocess
from typing import Any

from harness import ROOT, VENV_PY, Result, Settings, child_env, fresh_interpreters, median, spread

HEAVY = ("aws_xray_sdk", "boto3", "botocore", "pydantic")

_TEMPLATE = """\
import sys, time
t0 = time.perf_counter_ns()
{imports}
t1 = time.perf_counter_ns()
after_import = [m for m in {heavy!r} if m in sys.modules]
{construct}
t2 = time.perf_counter_ns()
after_construct = [m for m in {heavy!r} if m in sys.modules]
print('{{"import_ns": %d, "construct_ns": %d, "after_import": "%s", "after_construct": "%s"}}'
      % (t1 - t0, t2 - t1, ",".join(after_import), ",".join(after_construct)))
"""


def _code(imports: str, construct: str = "pass") -> str:
    return _TEMPLATE.format(imports=imports, construct=construct, heavy=HEAVY)


TRACING_OFF = {"POWERTOOLS_TRACE_DISABLED": "true"}

VARIANTS: dict[str, tuple[str, dict[str, str] | None]] = {
    "empty": (_code("pass"), None),
    "floor": (_code("import json, logging"), None),
    "logger_ours": (_code("from toolkit import Logger"), None),
    "logger_theirs": (_code("from aws_lambda_powertools import Logger"), None),
    "tracer_ours": (_code("from toolkit import Tracer", "tracer = Tracer()"), TRACING_OFF),
    "tracer_theirs": (
        _code("from aws_lambda_powertools import Tracer", "tracer = Tracer()"),
        TRACING_OFF,
    ),
}


def importtime(statement: str, env: dict[str, str] | None) -> list[dict[str, Any]]:
    """Diagnostics, not timing: ``python -X importtime`` on one fresh interpreter, the
    modules ``statement`` imported with their cumulative microseconds, biggest first."""
    done = subprocess.run(
        [str(VENV_PY), "-X", "importtime", "-c", statement],
        capture_output=True,
        text=True,
        env=child_env(env),
        cwd=ROOT,
        check=False,
    )
    rows = []
    for line in done.stderr.splitlines():
        parts = line.split("|")
        if len(parts) != 3 or not parts[1].strip().isdigit():
            continue
        name = parts[2].rstrip()
        depth = (len(name) - len(name.lstrip())) // 2
        rows.append({"module": name.strip(), "cumulative_us": int(parts[1]), "depth": depth})
    rows.sort(key=lambda row: -row["cumulative_us"])
    return rows[:25]


def run(settings: Settings, available: set[str]) -> list[Result]:
    variants = dict(VARIANTS)
    if "toolkit.tracing" not in available:
        del variants["tracer_ours"]
    if "toolkit.logging" not in available:
        del variants["logger_ours"]
    records = fresh_interpreters(variants, settings.import_runs, progress="imports")

    def med(name: str, key: str) -> float | None:
        if name not in records:
            return None
        return median(r[key] for r in records[name])

    def heavy(name: str, key: str) -> str:
        if name not in records:
            return "n/a"
        seen = {m for r in records[name] for m in r[key].split(",") if m}
        return ",".join(sorted(seen)) or "none"

    details: dict[str, Any] = {
        name: {
            "wall_ns": spread([r["wall_ns"] for r in rs]),
            "import_ns": spread([r["import_ns"] for r in rs]),
            "construct_ns": spread([r["construct_ns"] for r in rs]),
            "heavy_after_import": heavy(name, "after_import"),
            "heavy_after_construct": heavy(name, "after_construct"),
        }
        for name, rs in records.items()
    }

    def within(value: float | None, floor: float | None, limit: float) -> bool | None:
        return None if value is None or not floor else value / floor <= limit

    results = []
    for key, label in (("wall_ns", "wall, fresh process"), ("import_ns", "in-process")):
        ours, floor = med("logger_ours", key), med("floor", key)
        results.append(
            Result(
                f"import Logger ({label})",
                "ns",
                ours,
                med("logger_theirs", key),
                floor,
                "import json, logging",
                "<= 1.3x floor",
                within(ours, floor, 1.3),
                details={"ours_heavy": heavy("logger_ours", "after_import")},
            )
        )
    ours_xray = "aws_xray_sdk" in heavy("tracer_ours", "after_construct")
    xray_note = (
        f"no aws_xray_sdk (ours: {'LOADED' if ours_xray else 'absent'}, theirs: "
        f"{'loaded' if 'aws_xray_sdk' in heavy('tracer_theirs', 'after_construct') else 'absent'})"
    )
    passed_xray = None if "tracer_ours" not in records else not ours_xray
    results.append(
        Result(
            "import Tracer (wall, tracing off)",
            "ns",
            med("tracer_ours", "wall_ns"),
            med("tracer_theirs", "wall_ns"),
            med("empty", "wall_ns"),
            "python -c pass",
        )
    )
    results.append(
        Result(
            "import Tracer (in-process)",
            "ns",
            med("tracer_ours", "import_ns"),
            med("tracer_theirs", "import_ns"),
            target=xray_note,
            passed=passed_xray,
        )
    )
    results.append(
        Result(
            "Tracer() construction (tracing off)",
            "ns",
            med("tracer_ours", "construct_ns"),
            med("tracer_theirs", "construct_ns"),
            target=xray_note,
            passed=passed_xray,
        )
    )
    results[0].details["all"] = details
    diagnostics = {
        "logger_ours": ("from toolkit import Logger", None),
        "logger_theirs": ("from aws_lambda_powertools import Logger", None),
        "tracer_ours": ("from toolkit import Tracer; Tracer()", TRACING_OFF),
    }
    results[0].details["importtime_top"] = {
        name: importtime(statement, env)
        for name, (statement, env) in diagnostics.items()
        if name in records
    }
    return results
