"""``toolkit layer build``: the toolkit and its extras as a Lambda layer zip for a target
Python and architecture, built on any machine.

The steps, each reported on one progress line:

1. build the toolkit's wheel from its source checkout (the code you have, not a release);
2. ``pip install --target`` it with the extras, asking pip for wheels of the target platform
   (``manylinux2014_<arch>``, CPython ``X.Y``) only, so nothing compiles on the build machine;
3. leave out boto3, botocore and the packages that come with them: the Lambda Python runtime
   ships the SDK, and botocore alone is most of a layer's size;
4. drop what no import reads (scripts, caches, stubs, packaged tests, installer records);
5. byte-compile with an interpreter of the target version when there is one, so the function
   does not compile on every cold start (``/opt`` is read-only in Lambda: nothing it compiles
   at import is kept);
6. check the unzipped size against the budget and write a reproducible zip.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from toolkit import config
from toolkit.layer.archive import write_zip
from toolkit.layer.errors import MIB, LayerBuildError, LayerOptionError, LayerTooLargeError
from toolkit.layer.files import prune, remove_distributions, tree_size

ARCHITECTURES = {"x86_64": "x86_64", "arm64": "aarch64"}  # Lambda's name: the wheel tags' name
EXTRAS = ("tracer", "parser", "validation")
# Lambda's quota on a function's code and all its layers, unzipped: 250 MB, which Lambda spells
# out in its error as "Unzipped size must be smaller than 262144000 bytes".
LAMBDA_UNZIPPED_LIMIT = 250 * MIB
# boto3 and what pip installs because of it. The runtime's SDK brings each of them; jmespath
# too, but the toolkit needs it itself and pins its own floor, so the layer keeps it.
RUNTIME_PROVIDED = ("boto3", "botocore", "s3transfer", "urllib3", "python-dateutil", "six")
LAYER_PATH = "/opt/python"  # where Lambda extracts the zip's python/ folder
STEPS = 6


@dataclass(frozen=True)
class LayerOptions:
    """What to build. ``source`` is the toolkit checkout (default: the one imported)."""

    output: Path
    python: str = "3.12"
    arch: str = "x86_64"
    extras: tuple[str, ...] = ()
    include_boto3: bool = False
    max_mb: float | None = None
    source: Path | None = None


@dataclass(frozen=True)
class LayerResult:
    """What was built: the zip, its sizes in bytes, and whether it carries byte-code."""

    path: Path
    zipped_bytes: int
    unzipped_bytes: int
    files: int
    compiled: bool


def build_layer(options: LayerOptions, progress: Callable[[str], None] = print) -> LayerResult:
    """Build the layer ``options`` describe; ``progress`` gets one line per step."""
    source = _check(options)
    with tempfile.TemporaryDirectory(prefix="toolkit-layer-") as work:
        root = Path(work) / "python"
        progress(f"[1/{STEPS}] building the toolkit wheel from {source}")
        wheel = _build_wheel(source, Path(work))
        platform = f"manylinux2014_{ARCHITECTURES[options.arch]}"
        extras = (*options.extras, "aws") if options.include_boto3 else options.extras
        requirement = f"{wheel}[{','.join(extras)}]" if extras else str(wheel)
        progress(
            f"[2/{STEPS}] installing {wheel.name.split('-')[0]}"
            f"{'[' + ','.join(extras) + ']' if extras else ''} for CPython {options.python} "
            f"on {platform} (binary wheels only)"
        )
        pip_install(requirement, root, platform, options.python)
        progress(f"[3/{STEPS}] {leave_out(root, options.include_boto3)}")
        progress(f"[4/{STEPS}] dropped {prune(root)} files no import reads")
        compiled, how = byte_compile(root, options.python)
        progress(f"[5/{STEPS}] {how}")
        files, unzipped = tree_size(root)
        check_size(unzipped, options.max_mb)
        progress(f"[6/{STEPS}] writing {options.output} ({files} files)")
        zipped = write_zip(root, options.output)
    return LayerResult(options.output, zipped, unzipped, files, compiled)


def default_output(python: str, arch: str) -> Path:
    """``dist/toolkit-layer-py312-x86_64.zip`` for Python 3.12 on x86_64."""
    return Path("dist") / f"toolkit-layer-py{python.replace('.', '')}-{arch}.zip"


def _check(options: LayerOptions) -> Path:
    if not re.fullmatch(r"3\.\d{1,2}", options.python):
        raise LayerOptionError("--python", f"{options.python!r} is not a version like 3.12")
    if options.arch not in ARCHITECTURES:
        raise LayerOptionError(
            "--arch", f"{options.arch!r} is not one of {', '.join(ARCHITECTURES)}"
        )
    unknown = sorted(set(options.extras) - set(EXTRAS))
    if unknown:
        raise LayerOptionError(
            "--extras", f"unknown {', '.join(unknown)}; choose from {', '.join(EXTRAS)}"
        )
    if options.max_mb is not None and not 0 < options.max_mb <= LAMBDA_UNZIPPED_LIMIT / MIB:
        raise LayerOptionError(
            "--max-mb", f"{options.max_mb:g} is not between 0 and Lambda's limit of 250"
        )
    source = options.source or Path(__file__).resolve().parents[2]
    pyproject = source / "pyproject.toml"
    if not pyproject.is_file() or 'name = "lambda-handler-toolkit"' not in pyproject.read_text(
        encoding="utf-8"
    ):
        raise LayerOptionError(
            "--source", f"{source} is not a toolkit source checkout (no toolkit pyproject.toml)"
        )
    return source


def check_size(unzipped_bytes: int, max_mb: float | None = None) -> None:
    """Raise :class:`LayerTooLargeError` when the unzipped layer is over ``max_mb`` (MB of
    1,048,576 bytes, as Lambda counts) or, without it, over Lambda's own limit."""
    if max_mb is None:
        limit, name = LAMBDA_UNZIPPED_LIMIT, "Lambda's limit for a function and its layers"
    else:
        limit, name = int(max_mb * MIB), "the --max-mb budget"
    if unzipped_bytes > limit:
        raise LayerTooLargeError(unzipped_bytes, limit, name)


def _build_wheel(source: Path, work: Path) -> Path:
    """Build from a clean copy of the sources: the checkout gets no build/ or egg-info of
    ours, and files that are not the package's (a .venv, caches) never reach the wheel."""
    copy = work / "source"
    shutil.copytree(
        source / "toolkit", copy / "toolkit", ignore=shutil.ignore_patterns("__pycache__")
    )
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        if (source / name).is_file():
            shutil.copy2(source / name, copy / name)
    _run("building the toolkit wheel", ["wheel", "--no-deps", "--wheel-dir", str(work), str(copy)])
    (wheel,) = work.glob("*.whl")
    return wheel


def pip_install(requirement: str, root: Path, platform: str, python: str) -> None:
    """Install into ``root`` what the target needs, never a wheel of the build machine: binary
    wheels only (an sdist would compile for this machine), no byte-code (this interpreter's
    may not be the target's)."""
    _run(
        "pip install",
        [
            "install",
            "--target",
            str(root),
            "--platform",
            platform,
            "--implementation",
            "cp",
            "--python-version",
            python,
            "--only-binary=:all:",
            "--no-compile",
            requirement,
        ],
    )


def _run(step: str, pip_args: list[str]) -> None:
    command = [sys.executable, "-m", "pip", *pip_args, "--quiet", "--disable-pip-version-check"]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        lines = [line for line in result.stderr.splitlines() if "is ignored" not in line]
        raise LayerBuildError(step, "\n".join(lines[-12:]) or f"pip exited {result.returncode}")


def leave_out(root: Path, include_boto3: bool) -> str:
    """Remove what the runtime already has (unless asked to keep boto3); return the step's line."""
    if include_boto3:
        return "keeping boto3 and botocore (--include-boto3)"
    removed = remove_distributions(root, RUNTIME_PROVIDED)
    if not removed:
        return "nothing to leave out: no extra pulled in boto3 or botocore"
    return f"left out {', '.join(removed)}: the Lambda Python runtime provides them"


def byte_compile(root: Path, python: str) -> tuple[bool, str]:
    """Compile with an interpreter of the target version, in a child process with a fixed hash
    seed (set and frozenset constants are marshalled in hash order) so the byte-code, and so
    the zip, is the same on every build. Unchecked-hash pycs: valid whatever the files' times
    after extraction, and Lambda's layer files never change under them."""
    interpreter = find_interpreter(python)
    if interpreter is None:
        return False, (
            f"not byte-compiled: the build Python is "
            f"{sys.version_info.major}.{sys.version_info.minor} and no python{python} was found "
            "on PATH; Lambda will compile the layer's modules on every cold start"
        )
    code = (
        "import compileall, py_compile, sys\n"
        "ok = compileall.compile_dir(sys.argv[1], ddir=sys.argv[2], quiet=1, workers=1,\n"
        "    invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)\n"
        "sys.exit(0 if ok else 1)\n"
    )
    env = {**config.snapshot(), "PYTHONHASHSEED": "0"}
    result = subprocess.run(
        [interpreter, "-c", code, str(root), LAYER_PATH],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    if result.returncode != 0:
        raise LayerBuildError("byte-compiling", result.stdout[-2000:] + result.stderr[-2000:])
    return True, f"byte-compiled for Python {python} with {interpreter}"


def find_interpreter(python: str) -> str | None:
    """The running interpreter when it is the target version, else a working ``pythonX.Y`` on
    PATH (a pyenv shim for a version that is not selected exits non-zero: not working)."""
    if python == f"{sys.version_info.major}.{sys.version_info.minor}":
        return sys.executable
    found = shutil.which(f"python{python}")
    if found is None:
        return None
    probe = subprocess.run(
        [found, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
        capture_output=True,
        text=True,
        check=False,
    )
    return found if probe.returncode == 0 and probe.stdout.strip() == python else None
