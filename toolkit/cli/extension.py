"""``toolkit extension serve``: the Parameters and Secrets extension's HTTP API on 127.0.0.1,
for running a handler (or anything else that speaks to the extension) on a workstation.

The backing store is the embedded AWS (moto in this process) unless ``--endpoint-url`` names
another, so ``--parameter`` and ``--secret`` can seed it. The same pieces start beside the
handler in ``toolkit invoke --extension``.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TextIO

from toolkit import config
from toolkit.cli.errors import CliError
from toolkit.testing.extension import ExtensionEmulator

if TYPE_CHECKING:
    from toolkit.testing.embedded_aws import EmbeddedAWS, TableSpec

__all__ = [
    "SeedError",
    "ServeOptions",
    "parse_assignment",
    "seeded_embedded_aws",
    "serve",
    "start_emulator",
]


class SeedError(CliError):
    """A ``--parameter`` / ``--secret`` that is not ``NAME=VALUE``, or one that cannot be stored
    where it was asked (the message names it, never its value)."""


@dataclass(frozen=True)
class ServeOptions:
    """What ``toolkit extension serve`` was asked to do."""

    port: int = config.EXTENSION_HTTP_PORT.default
    endpoint_url: str | None = None
    region: str = "us-east-1"
    parameters: Sequence[tuple[str, str]] = field(default_factory=tuple)
    secrets: Sequence[tuple[str, str]] = field(default_factory=tuple)


def parse_assignment(option: str, text: str) -> tuple[str, str]:
    """``NAME=VALUE`` (the value may hold ``=``); a usage error names the option and the name
    only, because the value may be a secret."""
    name, sep, value = text.partition("=")
    if not sep or not name:
        shown = name if sep else "(no '=')"
        raise SeedError(f"{option} must be NAME=VALUE; got name {shown!r}")
    return name, value


def start_emulator(
    stack: ExitStack,
    *,
    port: int,
    endpoint_url: str | None,
    region: str,
    token: str | None = None,
    request_log: TextIO | None = None,
) -> ExtensionEmulator:
    """The emulator on ``port`` in front of ``endpoint_url`` (boto3's own resolution when
    ``None``), running until ``stack`` closes. Its settings come from the extension's variables
    in the environment at this point; at ``PARAMETERS_SECRETS_EXTENSION_LOG_LEVEL=debug`` it
    writes one line per request to ``request_log``."""
    log = None
    if request_log is not None and config.EXTENSION_LOG_LEVEL.read() == "debug":
        stream = request_log

        def log(line: str) -> None:
            stream.write(f"[toolkit extension] {line}\n")
            stream.flush()

    try:
        emulator = ExtensionEmulator(
            endpoint_url=endpoint_url, port=port, region=region, token=token, request_log=log
        )
    except OSError as error:
        raise CliError(f"cannot listen on 127.0.0.1:{port}: {error.strerror}") from None
    return stack.enter_context(emulator.prepare())


def seeded_embedded_aws(
    stack: ExitStack,
    *,
    region: str,
    tables: Sequence[TableSpec] = (),
    parameters: Sequence[tuple[str, str]] = (),
    secrets: Sequence[tuple[str, str]] = (),
) -> EmbeddedAWS:
    """An embedded AWS until ``stack`` closes, seeded, with the process environment pointing
    at it (so the emulator's clients and the handler's take its dummy credentials)."""
    from toolkit.testing.embedded_aws import EmbeddedAWS, EmbeddedAWSError

    try:
        aws = stack.enter_context(EmbeddedAWS(region=region))
        aws.seed(tables=tuple(tables), parameters=dict(parameters), secrets=dict(secrets))
    except EmbeddedAWSError as error:
        raise SeedError(f"embedded AWS: {error}") from None
    stack.enter_context(aws.applied())
    return aws


def serve(options: ServeOptions, *, stop: threading.Event | None = None) -> int:
    """Run until interrupted (Ctrl-C or SIGTERM) or until ``stop`` is set; exit code 0."""
    _check_endpoint(options.endpoint_url)
    caller_token = config.SESSION_TOKEN.read()  # read before the embedded AWS sets its own
    stop = stop or threading.Event()
    err = sys.stderr
    with ExitStack() as stack:
        endpoint_url, backing = options.endpoint_url, options.endpoint_url
        if endpoint_url is None:
            aws = seeded_embedded_aws(
                stack, region=options.region, parameters=options.parameters, secrets=options.secrets
            )
            endpoint_url, backing = aws.endpoint_url, f"the embedded AWS at {aws.endpoint_url}"
        elif options.parameters or options.secrets:
            raise SeedError(
                "--parameter and --secret seed the embedded AWS; with --endpoint-url, create "
                "them in that AWS instead"
            )
        emulator = start_emulator(
            stack,
            port=options.port,
            endpoint_url=endpoint_url,
            region=options.region,
            token=caller_token,
            request_log=err,
        )
        shown = "(your AWS_SESSION_TOKEN)" if caller_token else emulator.token
        err.write(
            f"toolkit extension: serving on {emulator.url}, backed by {backing}\n"
            f"  {config.EXTENSION_HTTP_PORT.name}={emulator.port}\n"
            f"  {config.SESSION_TOKEN.name}={shown}\n"
        )
        err.flush()
        previous = _stop_on_sigterm(stop)
        try:
            while not stop.wait(0.5):
                pass
        finally:
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)
    return 0


def _check_endpoint(endpoint_url: str | None) -> None:
    if endpoint_url is not None and not endpoint_url.startswith(("http://", "https://")):
        raise CliError(f"--endpoint-url {endpoint_url!r} must start with http:// or https://")


def _stop_on_sigterm(stop: threading.Event) -> Any:
    """SIGTERM (what ``kill`` and process managers send) ends the loop cleanly, like Ctrl-C,
    so the servers are shut down and the port released. Returns the handler to put back."""
    if threading.current_thread() is not threading.main_thread():
        return None  # only the main thread may set signal handlers
    previous = signal.getsignal(signal.SIGTERM)
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    return previous
