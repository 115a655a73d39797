"""The measuring machinery every benchmark shares.

The machine this runs on is small and shared, so nothing here trusts one number:

* every timed loop runs in a child process of the bench virtualenv (``worker.py``), one child
  per side, so toolkit's and Powertools' imports, caches and global state never meet;
* the children stay alive and are asked for samples in turn, ours / theirs / floor, the order
  rotating every round, so drift of the machine (another job starting, the CPU clocking down)
  lands on every side alike instead of on whichever ran last;
* figures are medians over many samples, and ratios are taken between medians;
* import timings use a fresh interpreter per sample, interleaved the same way.

This module runs in the orchestrator, which may be any Python 3.10+: stdlib only.
"""

from __future__ import annotations

import json
import os
import select
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
VENV = BENCH_DIR / ".venv"
VENV_PY = VENV / "bin" / "python"
WORKER_TIMEOUT_S = 600  # one setup or sample; a hung child fails its benchmark, not the run


@dataclass
class Settings:
    quick: bool
    rounds: int  # interleaved samples per side for in-process benchmarks
    sample_ms: float  # wall time one sample should take (the iteration count is calibrated)
    import_runs: int  # fresh interpreters per side for import benchmarks
    batch_records: int  # records per batch event
    batch_rounds: int
    sleep_records: int  # records for the max_workers benchmark
    sleep_rounds: int

    @classmethod
    def make(cls, quick: bool) -> Settings:
        if quick:
            return cls(True, 7, 20.0, 8, 2_000, 3, 1_000, 2)
        return cls(False, 61, 100.0, 80, 10_000, 41, 10_000, 3)


@dataclass
class Result:
    """One row of the table.

    Values are times (lower is better) in ``unit``; ``display`` may turn them into something
    friendlier (records per second) for the table only. Ratios are always time ours / time
    other, so below 1 means ours is faster.
    """

    name: str
    unit: str
    ours: float | None
    theirs: float | None = None
    floor: float | None = None
    floor_label: str = ""
    target: str = ""
    passed: bool | None = None
    display: Callable[[float], str] | None = None
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio_theirs(self) -> float | None:
        if self.ours is None or not self.theirs:
            return None
        return self.ours / self.theirs

    @property
    def ratio_floor(self) -> float | None:
        if self.ours is None or not self.floor:
            return None
        return self.ours / self.floor

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "unit": self.unit,
            "ours": self.ours,
            "theirs": self.theirs,
            "floor": self.floor,
            "floor_label": self.floor_label,
            "ratio_ours_theirs": self.ratio_theirs,
            "ratio_ours_floor": self.ratio_floor,
            "target": self.target,
            "status": status(self.passed),
            "details": self.details,
        }


def status(passed: bool | None) -> str:
    return "-" if passed is None else ("PASS" if passed else "MISS")


def median(values: Iterable[float]) -> float:
    return statistics.median(list(values))


def spread(values: list[float]) -> dict[str, float]:
    """Median and quartiles, kept in the JSON so a reader can judge the noise of a figure."""
    ordered = sorted(values)
    q = statistics.quantiles(ordered, n=4) if len(ordered) > 1 else [ordered[0]] * 3
    return {
        "median": q[1],
        "p25": q[0],
        "p75": q[2],
        "min": ordered[0],
        "max": ordered[-1],
        "n": len(ordered),
    }


class BenchError(RuntimeError):
    """A child failed: its stderr tail is in the message."""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve(
    args: list[str],
    ready_url: str,
    env: Mapping[str, str],
    headers: Mapping[str, str] | None = None,
) -> Iterator[subprocess.Popen[bytes]]:
    """A server the benchmarks talk to on loopback (moto, the extension emulator):
    ``bench/.venv``'s Python running ``args``, ready once ``ready_url`` answers at all (an
    HTTP error is an answer); stopped at the end of the block."""
    process = subprocess.Popen(
        [str(VENV_PY), *args],
        env=dict(env),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                request = urllib.request.Request(ready_url, headers=dict(headers or {}))
                with urllib.request.urlopen(request, timeout=1):
                    break
            except urllib.error.HTTPError:
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise BenchError(f"{' '.join(args)} did not start") from None
                time.sleep(0.1)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def child_env(extra: Mapping[str, str | None] | None = None) -> dict[str, str]:
    """The environment children start from: the orchestrator's, minus whatever could change
    what is measured (a Lambda-looking environment left over in the shell, Python flags),
    plus ``extra`` (``None`` removes a variable)."""
    env = dict(os.environ)
    for name in list(env):
        if name.startswith(("POWERTOOLS_", "TOOLKIT_", "AWS_LAMBDA_", "_X_AMZN", "AWS_XRAY")) or (
            name
            in {
                "LAMBDA_TASK_ROOT",
                "PYTHONPATH",
                "PYTHONHOME",
                "PYTHONSTARTUP",
                "PYTHONPROFILEIMPORTTIME",
                "PYTHONDONTWRITEBYTECODE",
                "VIRTUAL_ENV",
            }
        ):
            del env[name]
    # SETUPTOOLS_USE_DISTUTILS=stdlib: the venv's setuptools .pth then imports nothing at
    # start-up (Lambda's runtime has no setuptools).
    env.update(
        AWS_EC2_METADATA_DISABLED="true",
        AWS_DEFAULT_REGION="us-east-1",
        SETUPTOOLS_USE_DISTUTILS="stdlib",
    )
    for name, value in (extra or {}).items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


class Worker:
    """A child process holding one side of one benchmark, set up and warmed, answering
    "run N iterations" with the nanoseconds they took."""

    def __init__(
        self, module: str, case: str, env: Mapping[str, str | None] | None, verify: bool
    ) -> None:
        self.label = f"{module}:{case}"
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 - closed in close()
        args = [str(VENV_PY), str(BENCH_DIR / "worker.py"), module, case]
        if verify:
            args.append("--verify")
        self._proc = subprocess.Popen(
            args,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
            env=child_env(env),
            cwd=ROOT,
        )
        self.info = self._read()

    def _read(self) -> dict[str, Any]:
        assert self._proc.stdout is not None
        ready, _, _ = select.select([self._proc.stdout], [], [], WORKER_TIMEOUT_S)
        if not ready:
            self._proc.kill()
            self._proc.wait()
            raise BenchError(
                f"{self.label} gave no answer in {WORKER_TIMEOUT_S} s:\n{self._tail()}"
            )
        line = self._proc.stdout.readline()
        if not line:
            self._proc.wait()
            raise BenchError(f"{self.label} died (exit {self._proc.returncode}):\n{self._tail()}")
        message: dict[str, Any] = json.loads(line)
        if "error" in message:
            raise BenchError(f"{self.label} failed:\n{message['error']}\n{self._tail()}")
        return message

    def _tail(self) -> str:
        self._stderr.seek(0)
        return self._stderr.read().decode(errors="replace")[-3000:]

    def run(self, n: int) -> int:
        """Total nanoseconds ``n`` iterations took in the child."""
        assert self._proc.stdin is not None
        self._proc.stdin.write(f"{n}\n")
        self._proc.stdin.flush()
        return int(self._read()["ns"])

    def close(self) -> None:
        if self._proc.poll() is None:
            assert self._proc.stdin is not None
            self._proc.stdin.close()
            try:
                self._proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        self._stderr.close()


@dataclass
class Side:
    """One contender of a benchmark: a case of a bench module, and its environment."""

    module: str
    case: str
    env: Mapping[str, str | None] | None = None


def verify(sides: Mapping[str, Side]) -> dict[str, Any]:
    """Run each side once against a counting sink (not timed) and return what it wrote, so a
    benchmark can check both sides did the same work before it trusts their timings."""
    found: dict[str, Any] = {}
    for role, side in sides.items():
        worker = Worker(side.module, side.case, side.env, verify=True)
        try:
            found[role] = worker.info.get("verify", {})
        finally:
            worker.close()
    return found


def interleave(
    sides: Mapping[str, Side],
    settings: Settings,
    *,
    fixed_n: int | None = None,
    rounds: int | None = None,
    progress: str = "",
) -> dict[str, list[float]]:
    """Per-iteration nanoseconds of every side: ``rounds`` samples each, taken in turn.

    The iteration count per sample is the same for every side: calibrated so that the slowest
    side's sample lasts about ``settings.sample_ms`` (unless ``fixed_n`` is given).
    """
    workers: dict[str, Worker] = {}
    try:
        for role, side in sides.items():
            workers[role] = Worker(side.module, side.case, side.env, verify=False)
        n = fixed_n or _calibrate(workers.values(), settings.sample_ms)
        samples: dict[str, list[float]] = {role: [] for role in workers}
        order = list(workers)
        total = rounds or settings.rounds
        for index in range(total):
            shift = index % len(order)
            for role in order[shift:] + order[:shift]:
                samples[role].append(workers[role].run(n) / n)
            _progress(progress, f"round {index + 1}/{total}", index + 1 == total)
        return samples
    finally:
        for worker in workers.values():
            worker.close()


def _progress(label: str, step: str, last: bool) -> None:
    """One line per benchmark on stderr: rewritten in place on a terminal, else printed once."""
    if not label:
        return
    if sys.stderr.isatty():
        print(f"\r  {label}: {step}", end="\n" if last else "", file=sys.stderr, flush=True)
    elif last:
        print(f"  {label}: {step}", file=sys.stderr)


def _calibrate(workers: Iterable[Worker], sample_ms: float) -> int:
    budget_ns = sample_ms * 1e6
    best: int | None = None
    for worker in workers:
        n = 1
        while True:
            elapsed = worker.run(n)
            if elapsed >= budget_ns / 4 or n >= 10_000_000:
                wanted = max(1, int(n * budget_ns / max(elapsed, 1)))
                break
            n *= 4
        best = wanted if best is None else min(best, wanted)
    assert best is not None
    return best


def fresh_interpreters(
    variants: Mapping[str, tuple[str, Mapping[str, str | None] | None]],
    runs: int,
    warmup: int = 2,
    progress: str = "",
) -> dict[str, list[dict[str, Any]]]:
    """Start ``python -c CODE`` in a new interpreter ``runs`` times per variant, interleaved.

    Each record has ``wall_ns`` (the whole process, as the orchestrator saw it) and whatever
    JSON the child printed on its last line (the child measures its own import in-process).
    The first ``warmup`` rounds are discarded: they write the bytecode caches.
    """
    records: dict[str, list[dict[str, Any]]] = {name: [] for name in variants}
    order = list(variants)
    envs = {name: child_env(env) for name, (_, env) in variants.items()}
    for index in range(runs + warmup):
        shift = index % len(order)
        for name in order[shift:] + order[:shift]:
            code = variants[name][0]
            start = time.perf_counter_ns()
            done = subprocess.run(
                [str(VENV_PY), "-c", code],
                capture_output=True,
                text=True,
                env=envs[name],
                cwd=ROOT,
                check=False,
            )
            wall = time.perf_counter_ns() - start
            if done.returncode != 0:
                raise BenchError(f"import variant {name!r} failed:\n{done.stderr[-3000:]}")
            if index >= warmup:
                lines = done.stdout.strip().splitlines()
                record = json.loads(lines[-1]) if lines else {}
                record["wall_ns"] = wall
                records[name].append(record)
        _progress(progress, f"run {index + 1}/{runs + warmup}", index + 1 == runs + warmup)
    return records


class UdpSink:
    """A stand-in X-Ray daemon: a UDP socket on loopback, drained by a thread that counts
    what arrives and throws it away. Lives in the orchestrator, so reading it costs the
    measured children nothing."""

    def __init__(self) -> None:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 * 1024 * 1024)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.settimeout(0.2)
        self.address = f"127.0.0.1:{self._sock.getsockname()[1]}"
        self.datagrams = 0
        self.bytes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._drain, daemon=True)
        self._thread.start()

    def _drain(self) -> None:
        while not self._stop.is_set():
            try:
                data = self._sock.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                return
            self.datagrams += 1
            self.bytes += len(data)

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self._sock.close()


# --- the table ---------------------------------------------------------------------------------


def fmt_time(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    if unit == "ns":
        if value >= 1e6:
            return f"{value / 1e6:.2f} ms"
        if value >= 1e4:
            return f"{value / 1e3:.1f} us"
        return f"{value:.0f} ns"
    return f"{value:.3g} {unit}"


def fmt_ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}x"


def render_table(results: list[Result]) -> str:
    header = ["benchmark", "ours", "theirs", "floor", "ours/theirs", "ours/floor", "target", ""]
    rows = [header]
    for r in results:

        def show(value: float | None, r: Result = r) -> str:
            if value is None:
                return "n/a"
            return r.display(value) if r.display else fmt_time(value, r.unit)

        floor = show(r.floor) if r.floor is not None else "-"
        if r.floor is not None and r.floor_label:
            floor = f"{floor} ({r.floor_label})"
        rows.append(
            [
                r.name,
                show(r.ours),
                show(r.theirs) if r.theirs is not None else "-",
                floor,
                fmt_ratio(r.ratio_theirs),
                fmt_ratio(r.ratio_floor),
                r.target or "-",
                status(r.passed),
            ]
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = []
    for index, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def spreads(samples: Mapping[str, list[float]]) -> dict[str, Any]:
    """Each side's spread, plus the median of per-round ratios between sides: samples of one
    round were taken back to back, so their ratio cancels slow drift of the machine (kept in
    the JSON as a cross-check of the ratio of medians shown in the table)."""
    found: dict[str, Any] = {role: spread(values) for role, values in samples.items()}
    roles = [role for role in samples if role != "ours"]
    if "ours" in samples:
        found["paired_ratios"] = {
            f"ours/{role}": median(o / t for o, t in zip(samples["ours"], samples[role]) if t)
            for role in roles
        }
    return found


def overhead_rows(
    name: str,
    samples: Mapping[str, list[float]],
    details: dict[str, Any],
    *,
    base: str = "floor",
    target_ratio: float | None = None,
) -> list[Result]:
    """Two rows for a per-invocation benchmark: the decorated call against the bare handler,
    and the overhead (decorated minus bare, medians) ours against theirs. The target is
    ``ours overhead <= target_ratio * theirs overhead`` (default: simply below theirs)."""
    bare = median(samples[base])
    ours_total = median(samples["ours"]) if "ours" in samples else None
    theirs_total = median(samples["theirs"])
    ours = None if ours_total is None else ours_total - bare
    theirs = theirs_total - bare
    limit = 1.0 if target_ratio is None else target_ratio
    target = "< theirs" if target_ratio is None else f"<= {target_ratio:g}x theirs"
    return [
        Result(
            f"{name}: call",
            "ns",
            ours_total,
            theirs_total,
            bare,
            "bare handler",
            details=details,
        ),
        Result(
            f"{name}: overhead",
            "ns",
            ours,
            theirs,
            target=target,
            passed=None if ours is None else ours <= limit * theirs,
            details={"bare_ns": bare},
        ),
    ]
