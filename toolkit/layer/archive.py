"""The layer's zip, written so that the same tree always gives the same bytes.

A zip records each member's time, permissions and the order of members; left to defaults they
carry the build time and the build machine's umask, so two builds of the same inputs differ and
a deployment tool sees a new layer version every time. Here every member has the zip format's
earliest time, the same permissions and a place in sorted order; there are no directory entries
(Lambda creates the folders on extraction) and no extra fields.
"""

from __future__ import annotations

import os
import stat
import zipfile
from pathlib import Path

FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip header can hold
FILE_MODE = stat.S_IFREG | 0o644  # readable by Lambda's sbx_user; shared objects need no x bit
UNIX = 3  # "made by" system: tells unzip to honour the Unix mode in external_attr


def write_zip(root: Path, output: Path, prefix: str = "python") -> int:
    """Zip every file under ``root`` as ``prefix/<relative path>``; return the zip's size.

    Written to a temporary name and renamed, so a failed build never leaves a partial zip
    where a deployment would pick it up.
    """
    names = sorted(path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file())
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".partial")
    try:
        with zipfile.ZipFile(partial, "w") as archive:
            for name in names:
                info = zipfile.ZipInfo(f"{prefix}/{name}", date_time=FIXED_TIME)
                info.create_system = UNIX
                info.external_attr = FILE_MODE << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, (root / name).read_bytes(), compresslevel=9)
        os.replace(partial, output)
    finally:
        partial.unlink(missing_ok=True)
    return output.stat().st_size
