"""The ``toolkit layer build`` subcommand: its options and how its outcome becomes an exit code.

Progress goes to stderr, one line per step; the sizes go to stdout at the end, so a script can
keep them. Exit codes: 0 built, 1 a step failed, 2 bad usage, 3 over the size budget.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from toolkit.layer.build import ARCHITECTURES, EXTRAS, LayerOptions, build_layer, default_output
from toolkit.layer.errors import MIB, LayerError


def add_layer_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``layer build`` on the ``toolkit`` command's subparsers."""
    layer = commands.add_parser(
        "layer",
        help="build the toolkit as a Lambda layer zip",
        description="Build the toolkit as a Lambda layer.",
    )
    actions = layer.add_subparsers(dest="layer_command", required=True, metavar="ACTION")
    build = actions.add_parser(
        "build",
        help="build a layer zip for a target Python and architecture",
        description=(
            "Build a layer zip (everything under python/) for a Lambda Python runtime: binary "
            "wheels of the target platform, boto3 left out (the runtime has it), byte-compiled "
            "when a python of the target version is at hand, and the same bytes for the same "
            "inputs. Exit codes: 0 built, 1 a step failed, 2 bad usage, 3 over the size budget."
        ),
    )
    build.add_argument("--python", default="3.12", help="target Python version (default 3.12)")
    build.add_argument(
        "--arch", choices=tuple(ARCHITECTURES), default="x86_64", help="default x86_64"
    )
    build.add_argument(
        "--extras",
        type=_extras,
        default=(),
        metavar="LIST",
        help=f"comma-separated extras to include: {', '.join(EXTRAS)}",
    )
    build.add_argument(
        "--include-boto3",
        action="store_true",
        help="ship boto3 and botocore in the layer instead of using the runtime's",
    )
    build.add_argument(
        "--max-mb",
        type=float,
        metavar="N",
        help="fail (exit code 3) when the unzipped layer is over N MB (default: Lambda's 250)",
    )
    build.add_argument(
        "--output", "-o", type=Path, help="the zip (default dist/toolkit-layer-pyXY-ARCH.zip)"
    )
    build.add_argument(
        "--source", type=Path, help="the toolkit checkout to build (default: this one)"
    )
    build.set_defaults(run=run_build)


def run_build(args: argparse.Namespace) -> int:
    """Build the layer the parsed arguments describe; print the sizes; return the exit code."""
    options = LayerOptions(
        output=args.output or default_output(args.python, args.arch),
        python=args.python,
        arch=args.arch,
        extras=args.extras,
        include_boto3=args.include_boto3,
        max_mb=args.max_mb,
        source=args.source,
    )
    try:
        result = build_layer(options, progress=_progress)
    except LayerError as error:
        print(f"toolkit layer build: error: {error}", file=sys.stderr)
        return error.exit_code
    print(
        f"{result.path}: {result.zipped_bytes / MIB:.2f} MB zipped, "
        f"{result.unzipped_bytes / MIB:.2f} MB unzipped ({result.files} files; "
        f"Lambda allows 250 MB unzipped for a function and all its layers)"
    )
    return 0


def _progress(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _extras(text: str) -> tuple[str, ...]:
    names = tuple(sorted({name.strip() for name in text.split(",") if name.strip()}))
    unknown = [name for name in names if name not in EXTRAS]
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown extra {', '.join(unknown)}; choose from {', '.join(EXTRAS)}"
        )
    return names
