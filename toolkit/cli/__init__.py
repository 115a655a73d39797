"""The ``toolkit`` command: ``toolkit invoke`` runs a handler locally as Lambda would,
``toolkit events`` shows the built-in sample events.

Kept light: argparse and the subcommands are imported when ``main`` runs.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import argparse

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``toolkit`` console script; returns the exit code."""
    from toolkit.cli.errors import CliError

    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except CliError as error:
        print(f"toolkit {args.command}: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130  # the shell's code for Ctrl-C, without a traceback


def _parser() -> argparse.ArgumentParser:
    import argparse

    from toolkit.cli.invoke import MAX_MEMORY_MB, MAX_TIMEOUT_S, MIN_MEMORY_MB, MIN_TIMEOUT_S

    parser = argparse.ArgumentParser(
        prog="toolkit", description="Tools for AWS Lambda Python handlers."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    invoke = commands.add_parser(
        "invoke",
        help="run a handler locally as Lambda would",
        description=(
            "Run a handler as the Lambda Python runtime would: Lambda environment variables, "
            "a context with a real deadline, a new request id and X-Ray trace header per "
            "invocation, the first one cold. Responses go to stdout (one JSON per line), the "
            "function's logs to stderr. Exit code 1 when an invocation fails, 2 on bad usage."
        ),
    )
    invoke.add_argument(
        "handler", help="path/to/file.py:function or package.module.function (from the cwd)"
    )
    source = invoke.add_mutually_exclusive_group()
    source.add_argument("--event", "-e", metavar="FILE", help="event JSON file, - for stdin")
    source.add_argument(
        "--event-name", "-n", metavar="NAME", help="a built-in sample event (toolkit events)"
    )
    invoke.add_argument("--function-name", help="default: the handler module's name")
    invoke.add_argument(
        "--memory",
        type=_bounded(MIN_MEMORY_MB, MAX_MEMORY_MB),
        default=128,
        metavar="MB",
        help=f"memory size in MB, {MIN_MEMORY_MB}-{MAX_MEMORY_MB} (default 128)",
    )
    invoke.add_argument(
        "--timeout",
        type=_bounded(MIN_TIMEOUT_S, MAX_TIMEOUT_S),
        default=3,
        metavar="SECONDS",
        help=f"function timeout, {MIN_TIMEOUT_S}-{MAX_TIMEOUT_S} s (default 3)",
    )
    invoke.add_argument("--region", default="us-east-1", help="AWS region (default us-east-1)")
    invoke.add_argument(
        "--repeat",
        type=_bounded(1, 100_000),
        default=1,
        metavar="N",
        help="invoke N times in the same environment: cold first, warm after (default 1)",
    )
    invoke.add_argument(
        "--aws",
        choices=("embedded", "real"),
        help="embedded: moto's AWS on 127.0.0.1 for the run, nothing leaves the machine; real: "
        "the AWS your shell's credentials reach (default: embedded when --table is given, "
        "else real)",
    )
    invoke.add_argument(
        "--table",
        action="append",
        type=_table_spec,
        default=[],
        metavar="NAME[:PK[:SK]]",
        help="create this DynamoDB table (string keys, PK default id) in the embedded AWS "
        "before the first invocation; repeatable",
    )
    invoke.add_argument(
        "--trace",
        action="store_true",
        help="leave tracing on and mark trace headers Sampled=1 (needs an X-Ray daemon)",
    )
    invoke.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="pretty, coloured logs: auto = when stderr is a terminal and NO_COLOR is unset",
    )
    invoke.set_defaults(run=_run_invoke)

    events = commands.add_parser(
        "events",
        help="list the built-in sample events, or print one",
        description="Without NAME, list the built-in sample events; with NAME, print it.",
    )
    events.add_argument("name", nargs="?", help="the sample to print")
    events.set_defaults(run=_run_events)

    from toolkit.layer.command import add_layer_command

    add_layer_command(commands)
    return parser


def _bounded(low: int, high: int) -> Any:
    import argparse

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{value} is not between {low} and {high}")
        return value

    return parse


def _table_spec(text: str) -> Any:
    import argparse

    from toolkit.testing.embedded_aws import InvalidSpecError, parse_table_spec

    try:
        return parse_table_spec(text)
    except InvalidSpecError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _run_invoke(args: argparse.Namespace) -> int:
    from toolkit.cli.invoke import InvokeOptions, invoke

    options = InvokeOptions(
        handler=args.handler,
        event=args.event,
        event_name=args.event_name,
        function_name=args.function_name,
        memory=args.memory,
        timeout=args.timeout,
        region=args.region,
        repeat=args.repeat,
        trace=args.trace,
        color=args.color,
        aws=args.aws,
        tables=tuple(args.table),
    )
    return invoke(options)


def _run_events(args: argparse.Namespace) -> int:
    from toolkit.cli.events import list_samples, sample_text

    sys.stdout.write(list_samples() if args.name is None else sample_text(args.name))
    return 0
