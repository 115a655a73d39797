"""The layer builder's parts on small trees made here: options, pruning, leaving out
distributions, the size budget and the zip's reproducibility. Fast: no pip."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

from toolkit.cli import main
from toolkit.layer import (
    LayerBuildError,
    LayerOptionError,
    LayerOptions,
    LayerTooLargeError,
    build_layer,
)
from toolkit.layer.archive import write_zip
from toolkit.layer.build import LAMBDA_UNZIPPED_LIMIT, byte_compile, check_size, default_output
from toolkit.layer.files import prune, remove_distributions, tree_size


@pytest.mark.parametrize(
    ("change", "option", "words"),
    [
        ({"python": "3"}, "--python", "not a version like 3.12"),
        ({"arch": "sparc"}, "--arch", "not one of x86_64, arm64"),
        ({"extras": ("tracer", "pandas")}, "--extras", "unknown pandas"),
        ({"max_mb": 0}, "--max-mb", "not between 0 and Lambda's limit of 250"),
        ({"max_mb": 251}, "--max-mb", "not between 0 and Lambda's limit of 250"),
        ({"source": Path("/")}, "--source", "not a toolkit source checkout"),
    ],
)
def test_bad_options_are_refused_before_any_work(
    change: dict[str, object], option: str, words: str, tmp_path: Path
) -> None:
    options = LayerOptions(output=tmp_path / "x.zip", **change)  # type: ignore[arg-type]
    with pytest.raises(LayerOptionError) as caught:
        build_layer(options, progress=pytest.fail)
    assert caught.value.option == option
    assert words in str(caught.value)
    assert isinstance(caught.value, ValueError)
    assert not (tmp_path / "x.zip").exists()


def test_the_command_line_reports_bad_usage_with_exit_code_2(capsys) -> None:
    assert main(["layer", "build", "--python", "three", "-o", "never.zip"]) == 2
    assert (
        "toolkit layer build: error: --python: 'three' is not a version" in capsys.readouterr().err
    )
    with pytest.raises(SystemExit) as caught:
        main(["layer", "build", "--extras", "tracer,pandas"])
    assert caught.value.code == 2
    assert "unknown extra pandas" in capsys.readouterr().err


def test_the_default_output_names_python_and_architecture() -> None:
    assert default_output("3.12", "arm64") == Path("dist/toolkit-layer-py312-arm64.zip")


def test_lambdas_limit_is_250_mib_and_max_mb_tightens_it() -> None:
    assert LAMBDA_UNZIPPED_LIMIT == 262_144_000  # "Unzipped size must be smaller than 262144000"
    check_size(LAMBDA_UNZIPPED_LIMIT)
    with pytest.raises(LayerTooLargeError) as caught:
        check_size(LAMBDA_UNZIPPED_LIMIT + 1)
    assert "over Lambda's limit for a function and its layers of 250 MB (262144000 bytes)" in str(
        caught.value
    )
    assert (caught.value.size_bytes, caught.value.exit_code) == (LAMBDA_UNZIPPED_LIMIT + 1, 3)
    check_size(5 * 1048576, max_mb=5)
    with pytest.raises(LayerTooLargeError, match="the --max-mb budget of 5 MB"):
        check_size(5 * 1048576 + 1, max_mb=5)


def _tree(root: Path) -> None:
    files = {
        "pkg/__init__.py": "X = {'a', 'b'}\n",
        "pkg/core.pyi": "X: set[str]\n",
        "pkg/__pycache__/core.cpython-311.pyc": "stale",
        "pkg/tests/test_core.py": "def test(): ...\n",
        "pkg/sub/test/data.txt": "x",
        "tests/__init__.py": "",  # a top-level package named tests is somebody's module: kept
        "bin/pkg-cli": "#!/build/machine/python\n",
        "pkg-1.0.dist-info/METADATA": "Name: pkg\n",
        "pkg-1.0.dist-info/RECORD": "",
        "pkg-1.0.dist-info/INSTALLER": "pip\n",
        "pkg-1.0.dist-info/direct_url.json": '{"url": "file:///tmp/build-1234"}',
        "pkg-1.0.dist-info/licenses/LICENSE": "MIT",
    }
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def test_prune_drops_scripts_caches_stubs_nested_tests_and_install_records(tmp_path: Path) -> None:
    _tree(tmp_path)
    assert prune(tmp_path) == 8
    left = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert left == [
        "pkg-1.0.dist-info/METADATA",
        "pkg-1.0.dist-info/licenses/LICENSE",
        "pkg/__init__.py",
        "tests/__init__.py",
    ]
    assert not (tmp_path / "pkg" / "sub").exists()  # emptied folders go too


def test_leaving_out_a_distribution_removes_only_its_recorded_files_inside_the_tree(
    tmp_path: Path,
) -> None:
    root = tmp_path / "python"
    (root / "botocore" / "data").mkdir(parents=True)
    (root / "botocore" / "__init__.py").write_text("")
    (root / "botocore" / "data" / "endpoints.json").write_text("{}")
    (root / "keep.py").write_text("")
    (tmp_path / "outside.txt").write_text("not ours")
    info = root / "botocore-1.0.dist-info"
    info.mkdir()
    (info / "RECORD").write_text(
        "botocore/__init__.py,sha256=x,0\nbotocore/data/endpoints.json,,\n"
        "../outside.txt,,\nbotocore-1.0.dist-info/RECORD,,\n"
    )
    assert remove_distributions(root, ("boto3", "botocore")) == ["botocore"]
    assert sorted(p.name for p in root.iterdir()) == ["keep.py"]
    assert (tmp_path / "outside.txt").read_text() == "not ours"


def test_a_distribution_without_its_record_is_a_build_error(tmp_path: Path) -> None:
    (tmp_path / "six-1.0.dist-info").mkdir()
    with pytest.raises(LayerBuildError, match=r"six-1\.0\.dist-info has no RECORD"):
        remove_distributions(tmp_path, ("six",))


def test_the_zip_is_the_same_whatever_the_files_times_and_modes(tmp_path: Path) -> None:
    root = tmp_path / "python"
    _tree(root)
    first = tmp_path / "one.zip"
    size = write_zip(root, first)
    for number, path in enumerate(sorted(root.rglob("*"))):
        if path.is_file():
            os.utime(path, (1_000_000 + number, 2_000_000 + number))
            path.chmod(0o600 if number % 2 else 0o755)
    second = tmp_path / "two.zip"
    assert write_zip(root, second) == size == first.stat().st_size
    assert first.read_bytes() == second.read_bytes()
    names = zipfile.ZipFile(first).namelist()
    assert names == sorted(names) and names[0].startswith("python/")
    assert tree_size(root) == (12, sum(i.file_size for i in zipfile.ZipFile(first).infolist()))
    assert not list(tmp_path.glob("*.partial"))


def test_without_an_interpreter_of_the_target_version_the_layer_ships_source_only(
    tmp_path: Path,
) -> None:
    (tmp_path / "m.py").write_text("X = 1\n")
    compiled, line = byte_compile(tmp_path, "3.99")
    assert compiled is False
    assert "not byte-compiled" in line and "no python3.99 was found" in line
    assert not list(tmp_path.rglob("*.pyc"))


def test_byte_code_names_the_layer_path_not_the_build_folder(tmp_path: Path) -> None:
    import marshal
    import sys

    (tmp_path / "m.py").write_text("X = 1\n")
    version = f"{sys.version_info.major}.{sys.version_info.minor}"
    compiled, line = byte_compile(tmp_path, version)
    assert compiled and f"byte-compiled for Python {version}" in line
    (pyc,) = tmp_path.rglob("*.pyc")
    flags = int.from_bytes(pyc.read_bytes()[4:8], "little")
    assert flags == 0b01  # hash-based, unchecked: valid whatever the extracted files' times
    assert marshal.loads(pyc.read_bytes()[16:]).co_filename == "/opt/python/m.py"
