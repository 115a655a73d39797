"""Layer figures: sizes of the toolkit layer (x86_64 and arm64, core and every extra) and the
cold start of a handler that uses every utility from the layer, against the same handler on
Powertools installed the same way.

    PATH=/path/to/python3.12/bin:$PATH .venv/bin/python bench/layer_cold_start.py [--rounds 20]

Both sides are built by the toolkit's own layer steps (target-platform wheels, boto3 and its
dependencies left out, pruned, byte-compiled) for the target Python (``--python``, default the
running one; an interpreter of that version must be on PATH, it runs the handlers). boto3 is
installed beside them as the runtime's /var/runtime stands in Lambda, after the layer on
sys.path, because Powertools' idempotency imports it. Each round starts one fresh
``python -S -E`` per side (the order alternates) and times, inside it, the handler module's
import plus its first invocation; the process's wall time is kept too. Medians; ratios are
ours / theirs (below 1.00x: ours is faster).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from toolkit.layer import LayerOptions, build_layer  # noqa: E402
from toolkit.layer.build import (  # noqa: E402
    ARCHITECTURES,
    byte_compile,
    find_interpreter,
    leave_out,
    pip_install,
)
from toolkit.layer.files import prune, tree_size  # noqa: E402

MIB = 1048576
EXTRAS = ("parser", "tracer", "validation")
DRIVER = ROOT / "tests" / "layer" / "drive_layer.py"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--python", default=f"{sys.version_info.major}.{sys.version_info.minor}")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--skip-sizes", action="store_true")
    args = parser.parse_args()
    interpreter = find_interpreter(args.python)
    if interpreter is None:
        sys.exit(f"no working python{args.python} on PATH")
    machine = "arm64" if os.uname().machine in {"aarch64", "arm64"} else "x86_64"
    report: dict[str, object] = {"python": args.python, "interpreter": interpreter}
    with tempfile.TemporaryDirectory(prefix="layer-bench-") as work:
        tmp = Path(work)
        sizes = {}
        for arch in ARCHITECTURES:
            for name, extras in (("core", ()), ("all extras", EXTRAS)):
                if args.skip_sizes and (arch, name) != (machine, "all extras"):
                    continue
                zip_path = tmp / f"{arch}-{len(extras)}.zip"
                result = build_layer(
                    LayerOptions(zip_path, args.python, arch, extras), progress=lambda _line: None
                )
                sizes[f"{arch} {name}"] = (result.zipped_bytes, result.unzipped_bytes)
                print(
                    f"toolkit layer {arch:6} {name:10}: {result.zipped_bytes / MIB:6.2f} MB zipped"
                    f" {result.unzipped_bytes / MIB:6.2f} MB unzipped",
                    flush=True,
                )
        report["sizes_bytes"] = sizes
        ours = tmp / "opt-toolkit"
        zipfile.ZipFile(tmp / f"{machine}-{len(EXTRAS)}.zip").extractall(ours)
        theirs = _install_like_a_layer(
            tmp / "opt-powertools" / "python",
            f"aws-lambda-powertools[{','.join(EXTRAS)}]",
            args.python,
            machine,
        )
        files, unzipped = tree_size(theirs)
        print(
            f"Powertools target dir (same steps): {unzipped / MIB:.2f} MB unzipped, {files} files"
        )
        report["powertools_unzipped_bytes"] = unzipped
        runtime = tmp / "runtime"
        pip_install("boto3", runtime, f"manylinux2014_{ARCHITECTURES[machine]}", args.python)
        byte_compile(runtime, args.python)
        report["cold_start"] = _cold_starts(
            interpreter, tmp, ours / "python", theirs, runtime, args.rounds
        )
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "layer.json").write_text(json.dumps(report, indent=2))
    print(f"details: {out / 'layer.json'}")


def _install_like_a_layer(root: Path, requirement: str, python: str, arch: str) -> Path:
    pip_install(requirement, root, f"manylinux2014_{ARCHITECTURES[arch]}", python)
    leave_out(root, include_boto3=False)
    prune(root)
    byte_compile(root, python)
    return root


def _cold_starts(
    interpreter: str, tmp: Path, ours: Path, theirs: Path, runtime: Path, rounds: int
) -> dict[str, object]:
    tasks = {}
    for side, app in (
        ("toolkit", ROOT / "examples/layer/app.py"),
        ("powertools", ROOT / "bench/layer_apps/powertools_app.py"),
    ):
        task = tmp / f"task-{side}"
        task.mkdir()
        (task / "app.py").write_bytes(app.read_bytes())
        tasks[side] = task
    layers = {"toolkit": ours, "powertools": theirs}
    env = {"PATH": os.environ.get("PATH", ""), "POWERTOOLS_TRACE_DISABLED": "true"}
    samples: dict[str, dict[str, list[float]]] = {s: {"inner": [], "wall": []} for s in layers}
    for number in range(rounds + 1):  # round 0 warms the page cache and is not kept
        order = list(layers) if number % 2 else list(reversed(layers))
        for side in order:
            started = time.perf_counter_ns()
            result = subprocess.run(
                [
                    interpreter,
                    "-S",
                    "-E",
                    str(DRIVER),
                    str(tasks[side]),
                    str(layers[side]),
                    str(runtime),
                ],
                capture_output=True,
                text=True,
                env=env,
                check=False,
                timeout=120,
            )
            if result.returncode != 0:
                sys.exit(f"{side}: the handler failed:\n{result.stderr[-3000:]}")
            wall = time.perf_counter_ns() - started
            outcome = json.loads(result.stdout.splitlines()[-1])
            assert outcome["response"]["batchItemFailures"] == [{"itemIdentifier": "2"}], side
            if number:
                samples[side]["inner"].append(outcome["cold_ns"] / 1e6)
                samples[side]["wall"].append(wall / 1e6)
    summary: dict[str, object] = {"rounds": rounds, "samples_ms": samples}
    for kind, label in (("inner", "import + first invocation"), ("wall", "whole process")):
        ours_ms = statistics.median(samples["toolkit"][kind])
        theirs_ms = statistics.median(samples["powertools"][kind])
        summary[f"{kind}_median_ms"] = {"toolkit": ours_ms, "powertools": theirs_ms}
        print(
            f"cold start, {label:26}: toolkit {ours_ms:7.1f} ms  powertools {theirs_ms:7.1f} ms"
            f"  ratio {ours_ms / theirs_ms:.2f}x (median of {rounds})"
        )
    return summary


if __name__ == "__main__":
    main()
