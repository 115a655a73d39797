"""``toolkit layer build`` end to end: real pip from the package registry, real zips.

Slow (each build runs pip: about 30 s), so one layer for this machine's platform is built per
module and shared; the other builds are the ones a property needs (a second identical build,
an arm64 build, a budget failure).
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT, subprocess_env

pytestmark = pytest.mark.slow

PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"
ARCH = {"x86_64": "x86_64", "amd64": "x86_64", "aarch64": "arm64", "arm64": "arm64"}[
    platform.machine().lower()
]
ALL_EXTRAS = "validation,tracer,parser"
ELF_MACHINE = {"x86_64": 62, "arm64": 183}  # e_machine: EM_X86_64, EM_AARCH64


def build(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "toolkit", "layer", "build", *args],
        cwd=tmp,
        capture_output=True,
        text=True,
        env=subprocess_env(),
        timeout=600,
        check=False,
    )


@pytest.fixture(scope="module")
def layer(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, subprocess.CompletedProcess[str]]:
    tmp = tmp_path_factory.mktemp("layer")
    result = build(tmp, "--python", PYTHON, "--arch", ARCH, "--extras", ALL_EXTRAS, "-o", "a.zip")
    assert result.returncode == 0, result.stderr
    return tmp / "a.zip", result


def test_progress_is_one_line_per_step_and_the_sizes_come_last(layer) -> None:
    zip_path, result = layer
    steps = [line for line in result.stderr.splitlines() if line.startswith("[")]
    assert [line[:5] for line in steps] == [f"[{n}/6]" for n in range(1, 7)]
    assert "left out botocore" in steps[2]  # the tracer extra pulls it in; the runtime has it
    assert f"byte-compiled for Python {PYTHON}" in steps[4]
    zipped = zip_path.stat().st_size
    (summary,) = result.stdout.splitlines()
    assert f"{zipped / 1048576:.2f} MB zipped" in summary
    unzipped = sum(info.file_size for info in zipfile.ZipFile(zip_path).infolist())
    assert f"{unzipped / 1048576:.2f} MB unzipped" in summary


def test_everything_is_under_python_with_fixed_times_and_modes_in_sorted_order(layer) -> None:
    infos = zipfile.ZipFile(layer[0]).infolist()
    names = [info.filename for info in infos]
    assert names == sorted(names)
    assert all(name.startswith("python/") for name in names)
    assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {info.external_attr >> 16 for info in infos} == {0o100644}


def test_boto3_is_left_out_noise_is_dropped_and_metadata_kept(layer) -> None:
    names = zipfile.ZipFile(layer[0]).namelist()
    tops = {name.split("/")[1] for name in names}
    assert not tops & {"boto3", "botocore", "s3transfer", "urllib3", "dateutil", "six.py", "bin"}
    assert {"toolkit", "pydantic", "pydantic_core", "fastjsonschema", "aws_xray_sdk"} <= tops
    assert "jmespath" in tops  # the toolkit's own dependency stays, whatever the runtime has
    assert not [
        n for n in names if n.endswith((".pyi", "/RECORD", "/INSTALLER", "direct_url.json"))
    ]
    assert not [n for n in names if "/tests/" in n]
    metadata = [n for n in names if n.endswith(".dist-info/METADATA")]
    assert any("lambda_handler_toolkit-" in n for n in metadata)
    assert any(n.startswith("python/pydantic-") for n in metadata)
    assert f"python/toolkit/__pycache__/__init__.cpython-{PYTHON.replace('.', '')}.pyc" in names


def test_a_handler_runs_from_the_layer_alone_in_a_fresh_interpreter(layer, tmp_path) -> None:
    """Only the standard library, the function's file and the layer: every utility imports and
    works, no module comes from anywhere else, and the shipped byte-code is used as is (the
    interpreter writes no new cache file into the layer)."""
    opt, task = tmp_path / "opt", tmp_path / "task"
    zipfile.ZipFile(layer[0]).extractall(opt)
    task.mkdir()
    (task / "app.py").write_bytes((ROOT / "examples/layer/app.py").read_bytes())
    before = sorted(p for p in (opt / "python").rglob("*"))
    env = {"PATH": os.environ.get("PATH", ""), "POWERTOOLS_TRACE_DISABLED": "true"}
    result = subprocess.run(
        [
            sys.executable,
            "-S",
            "-E",
            str(ROOT / "tests/layer/drive_layer.py"),
            str(task),
            str(opt / "python"),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    outcome = json.loads(lines[-1])
    assert outcome["response"] == {
        "batchItemFailures": [{"itemIdentifier": "2"}],
        "source": "layer",
    }
    assert outcome["outside"] == ["__main__"]
    records = [json.loads(line) for line in lines[:-1]]
    received = next(r for r in records if r.get("message") == "order received")
    assert (received["service"], received["order_id"], received["cold_start"]) == (
        "orders",
        1,
        True,
    )
    emf = next(r for r in records if "_aws" in r)
    assert emf["OrderQuantity"] == 2
    failed = next(r for r in records if r.get("level") == "ERROR")
    assert failed["exception_name"] == "SchemaValidationError"
    assert sorted(p for p in (opt / "python").rglob("*")) == before


def test_the_same_inputs_give_a_byte_identical_zip(layer, tmp_path) -> None:
    again = build(
        tmp_path, "--python", PYTHON, "--arch", ARCH, "--extras", ALL_EXTRAS, "-o", "b.zip"
    )
    assert again.returncode == 0, again.stderr
    assert (tmp_path / "b.zip").read_bytes() == layer[0].read_bytes()


def test_an_arm64_build_selects_arm64_wheels(tmp_path) -> None:
    result = build(
        tmp_path, "--python", "3.12", "--arch", "arm64", "--extras", "parser", "-o", "arm.zip"
    )
    assert result.returncode == 0, result.stderr
    archive = zipfile.ZipFile(tmp_path / "arm.zip")
    (shared,) = [
        n for n in archive.namelist() if n.startswith("python/pydantic_core/_pydantic_core")
    ]
    assert ".cpython-312-aarch64-linux-gnu.so" in shared
    elf = archive.read(shared)
    assert elf[:4] == b"\x7fELF"
    assert int.from_bytes(elf[18:20], "little") == ELF_MACHINE["arm64"]
    (wheel,) = [
        n
        for n in archive.namelist()
        if n.startswith("python/pydantic_core-") and n.endswith("/WHEEL")
    ]
    assert "aarch64" in archive.read(wheel).decode()
    compiled = [n for n in archive.namelist() if n.endswith(".pyc")]
    progress = result.stderr
    if "not byte-compiled" in progress:  # no working python3.12 on this machine
        assert compiled == []
        assert "Lambda will compile the layer's modules on every cold start" in progress
    else:
        assert compiled and all(".cpython-312." in n for n in compiled)


def test_over_the_budget_fails_with_exit_code_3_and_writes_no_zip(tmp_path) -> None:
    result = build(tmp_path, "--python", PYTHON, "--arch", ARCH, "--max-mb", "0.1", "-o", "c.zip")
    assert result.returncode == 3, result.stderr
    assert "over the --max-mb budget of 0.1 MB (104857 bytes)" in result.stderr
    assert not list(tmp_path.iterdir())
