"""What the builder does to the installed tree before zipping it: leave out what the runtime
provides, drop what no import reads, byte-compile for the target, and measure.

Everything here works on the folder that becomes the zip's ``python/``; nothing reads the
build machine's own site-packages.
"""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

from toolkit.layer.errors import LayerBuildError

# dist-info files written by the installer about this installation, not about the package:
# RECORD lists hashes of files we then remove or add (stale either way), direct_url.json holds
# the build machine's temporary path (it would make every zip different). METADATA stays:
# importlib.metadata.version() reads it, and pydantic's plugin loader walks installed
# distributions; WHEEL, entry_points.txt, top_level.txt and licenses/ stay too.
INSTALL_RECORDS = frozenset({"RECORD", "INSTALLER", "REQUESTED", "direct_url.json"})
TEST_DIRS = frozenset({"tests", "test"})


def normalize(name: str) -> str:
    """A distribution name as PEP 503 compares them: ``python_dateutil`` is ``python-dateutil``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def installed(root: Path) -> dict[str, Path]:
    """The distributions installed under ``root``: normalised name to its dist-info folder."""
    return {
        normalize(info.name.split("-", 1)[0]): info for info in sorted(root.glob("*.dist-info"))
    }


def remove_distributions(root: Path, names: tuple[str, ...]) -> list[str]:
    """Remove each named distribution found under ``root`` (its files as its RECORD lists them,
    then its dist-info); return the names that were there, in the order given."""
    present = installed(root)
    removed = []
    for name in names:
        info = present.get(normalize(name))
        if info is None:
            continue
        record = info / "RECORD"
        if not record.is_file():  # pip always writes one; without it we cannot tell its files
            raise LayerBuildError("leaving out runtime packages", f"{info.name} has no RECORD")
        with record.open(newline="", encoding="utf-8") as rows:
            for row in csv.reader(rows):
                path = (root / row[0]).resolve()
                if path.is_relative_to(root.resolve()) and path.is_file():
                    path.unlink()
        shutil.rmtree(info)
        removed.append(name)
    _remove_empty_dirs(root)
    return removed


def prune(root: Path) -> int:
    """Drop what no import of the layer reads; return how many files went.

    Console scripts (``bin/``: their shebang names the build machine's Python), byte-code
    caches (recompiled for the target), type stubs, test suites shipped inside packages, and
    the installer's records. Licence files and package metadata stay.
    """
    before = _count_files(root)
    shutil.rmtree(root / "bin", ignore_errors=True)
    for path in sorted(root.rglob("*"), reverse=True):  # children before their folders
        relative = path.relative_to(root)
        if path.is_dir():
            nested_tests = path.name in TEST_DIRS and len(relative.parts) > 1
            if path.name == "__pycache__" or nested_tests:
                shutil.rmtree(path)
        elif path.suffix in {".pyc", ".pyo", ".pyi"} or (
            path.parent.name.endswith(".dist-info") and path.name in INSTALL_RECORDS
        ):
            path.unlink()
    _remove_empty_dirs(root)
    return before - _count_files(root)


def tree_size(root: Path) -> tuple[int, int]:
    """(number of files, their total size in bytes): what Lambda counts as unzipped size."""
    sizes = [path.stat().st_size for path in root.rglob("*") if path.is_file()]
    return len(sizes), sum(sizes)


def _count_files(root: Path) -> int:
    return sum(1 for path in root.rglob("*") if path.is_file())


def _remove_empty_dirs(root: Path) -> None:
    for path in sorted(root.rglob("*"), reverse=True):
        if path.is_dir() and not any(path.iterdir()):
            path.rmdir()
