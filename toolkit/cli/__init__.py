"""The ``toolkit`` command: ``toolkit invoke`` runs a handler locally as Lambda would,
``toolkit events`` shows the built-in sample events, ``toolkit extension serve`` runs a local
Parameters and Secrets extension.

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

    from toolkit import __version__
    from toolkit.cli.invoke import (
        MAX_MEMORY_MB,
        MAX_TIMEOUT_S,
        MIN_MEMORY_MB,
        MIN_TIMEOUT_S,
        RUNTIMES,
    )

    parser = argparse.ArgumentParser(
        prog="toolkit", description="Tools for AWS Lambda Python handlers."
    )
    parser.add_argument("--version", action="version", version=f"toolkit {__version__}")
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
        "handler",
        nargs="?",
        help="path/to/file.py:function or package.module.function (from the cwd); with "
        "--template, the function's logical id (optional when the template has one function)",
    )
    invoke.add_argument(
        "--template",
        "-t",
        metavar="FILE",
        help="run a function of this AWS SAM / CloudFormation template: its handler, code, "
        "settings and variables, with its tables, parameters and secrets created in the "
        "embedded AWS",
    )
    invoke.add_argument(
        "--parameter-overrides",
        nargs="+",
        action="extend",
        default=[],
        metavar="KEY=VALUE",
        help="values of the template's Parameters (also ParameterKey=K,ParameterValue=V)",
    )
    invoke.add_argument(
        "--env-vars",
        metavar="FILE",
        help='SAM\'s environment variables JSON: {"Parameters": {...}, "FunctionId": {...}}',
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
        metavar="MB",
        help=f"memory size in MB, {MIN_MEMORY_MB}-{MAX_MEMORY_MB} (default: the template's, "
        "else 128)",
    )
    invoke.add_argument(
        "--timeout",
        type=_bounded(MIN_TIMEOUT_S, MAX_TIMEOUT_S),
        metavar="SECONDS",
        help=f"function timeout, {MIN_TIMEOUT_S}-{MAX_TIMEOUT_S} s (default: the template's, "
        "else 3)",
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
        "the AWS your shell's credentials reach (default: embedded when --table, --parameter or "
        "--secret is given, else real)",
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
        "--extension",
        action="store_true",
        help="run the Parameters and Secrets extension beside the handler, in front of the "
        "same AWS (toolkit extension serve)",
    )
    invoke.add_argument(
        "--extension-port",
        type=_bounded(0, 65535),
        metavar="PORT",
        help="the extension's port; 0 lets the OS choose "
        "(default PARAMETERS_SECRETS_EXTENSION_HTTP_PORT or 2773)",
    )
    _seed_options(invoke)
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
    invoke.add_argument(
        "--runtime",
        choices=RUNTIMES,
        default="inprocess",
        help="inprocess: run the handler in this process (fast, the default); ric: in a child "
        "process under AWS's runtime interface client (awslambdaric, in the 'local' extra), "
        "so logging set-up, context and error reports are exactly Lambda's",
    )
    invoke.set_defaults(run=_run_invoke)

    events = commands.add_parser(
        "events",
        help="list the built-in sample events, or print one",
        description="Without NAME, list the built-in sample events; with NAME (or show NAME), "
        "print it, shaped by --set and --count as sam local generate-event does.",
    )
    events.add_argument("words", nargs="*", metavar="[show] NAME", help="the sample to print")
    events.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="PATH=VALUE",
        help="set a dotted field in each record (in the event when it has no records); a "
        "string field takes VALUE as is, others parse it as JSON; repeatable",
    )
    events.add_argument(
        "--count",
        type=_bounded(1, 10_000),
        metavar="N",
        help="N records, each with its own ids (batch samples only)",
    )
    events.set_defaults(run=_run_events)

    extension = commands.add_parser(
        "extension",
        help="a local AWS Parameters and Secrets Lambda Extension",
        description="The Parameters and Secrets Lambda Extension's HTTP API on 127.0.0.1.",
    )
    extension_commands = extension.add_subparsers(dest="action", required=True, metavar="ACTION")
    serve = extension_commands.add_parser(
        "serve",
        help="serve the extension's API until interrupted",
        description=(
            "Serve the extension's API (token check, its TTL cache and environment variables) "
            "on 127.0.0.1 until Ctrl-C, backed by SSM and Secrets Manager in the embedded AWS "
            "(moto, in this process) or at --endpoint-url."
        ),
    )
    serve.add_argument(
        "--port",
        type=_bounded(0, 65535),
        default=2773,
        help="port to listen on; 0 lets the OS choose (default 2773, the extension's)",
    )
    serve.add_argument(
        "--endpoint-url", metavar="URL", help="AWS endpoint to read from instead of embedded AWS"
    )
    serve.add_argument("--region", default="us-east-1", help="AWS region (default us-east-1)")
    _seed_options(serve)
    serve.set_defaults(run=_run_extension_serve)
    return parser


def _seed_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--parameter",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="create an SSM String parameter in the embedded AWS (repeatable; implies "
        "embedded AWS)",
    )
    parser.add_argument(
        "--secret",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="create a Secrets Manager secret in the embedded AWS (repeatable; implies "
        "embedded AWS)",
    )


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
    from toolkit.cli.extension import parse_assignment
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
        extension=args.extension,
        extension_port=args.extension_port,
        parameters=tuple(parse_assignment("--parameter", each) for each in args.parameter),
        secrets=tuple(parse_assignment("--secret", each) for each in args.secret),
        template=args.template,
        parameter_overrides=tuple(_overrides(args.parameter_overrides)),
        env_vars=args.env_vars,
        runtime=args.runtime,
    )
    return invoke(options)


def _overrides(words: list[str]) -> list[tuple[str, str]]:
    """SAM's two spellings: ``Key=Value`` and ``ParameterKey=Key,ParameterValue=Value``."""
    from toolkit.cli.errors import CliError
    from toolkit.cli.extension import parse_assignment

    pairs = []
    for word in words:
        if word.startswith("ParameterKey="):
            key, sep, value = word[len("ParameterKey=") :].partition(",ParameterValue=")
            if not sep:
                raise CliError(
                    f"--parameter-overrides {key}: expected ParameterKey=K,ParameterValue=V"
                )
            pairs.append((key, value))
        else:
            pairs.append(parse_assignment("--parameter-overrides", word))
    return pairs


def _run_extension_serve(args: argparse.Namespace) -> int:
    from toolkit.cli.extension import ServeOptions, parse_assignment, serve

    options = ServeOptions(
        port=args.port,
        endpoint_url=args.endpoint_url,
        region=args.region,
        parameters=[parse_assignment("--parameter", each) for each in args.parameter],
        secrets=[parse_assignment("--secret", each) for each in args.secret],
    )
    return serve(options)


def _run_events(args: argparse.Namespace) -> int:
    from toolkit.cli.errors import CliError
    from toolkit.cli.events import generate, list_samples, sample_text
    from toolkit.cli.extension import parse_assignment

    words = args.words[1:] if args.words[:1] == ["show"] else args.words
    if len(words) > 1:
        raise CliError(f"expected one sample name, got {' '.join(words)!r}")
    if not words:
        if args.set or args.count is not None:
            raise CliError("--set and --count need a sample name: toolkit events show NAME")
        sys.stdout.write(list_samples())
    elif args.set or args.count is not None:
        assignments = [parse_assignment("--set", each) for each in args.set]
        sys.stdout.write(generate(words[0], assignments, args.count))
    else:
        sys.stdout.write(sample_text(words[0]))
    return 0
