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
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import Any, TextIO

from toolkit import config
from toolkit.cli.errors import CliError
from toolkit.testing.extension import ExtensionEmulator

__all__ = ["SeedError", "ServeOptions", "parse_assignment", "running_extension", "serve"]


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


@contextmanager
def running_extension(
    *,
    port: int,
    endpoint_url: str | None,
    region: str,
    parameters: Sequence[tuple[str, str]] = (),
    secrets: Sequence[tuple[str, str]] = (),
    token: str | None = None,
    request_log: TextIO | None = None,
) -> Iterator[tuple[ExtensionEmulator, str]]:
    """The emulator on ``port``, backed by ``endpoint_url`` or, without one, by an embedded AWS
    started for the block and seeded with ``parameters`` and ``secrets``. Yields the emulator
    and a description of its backing store."""
    with ExitStack() as stack:
        if endpoint_url is None:
            from toolkit.testing.embedded_aws import EmbeddedAWS, EmbeddedAWSError

            aws = stack.enter_context(EmbeddedAWS(region=region))
            try:
                aws.seed(parameters=dict(parameters), secrets=dict(secrets))
            except EmbeddedAWSError as error:
                raise SeedError(str(error)) from None
            backend, backing = aws.endpoint_url, f"the embedded AWS at {aws.endpoint_url}"
            # The emulator's clients take the embedded AWS's dummy credentials, not the user's.
            stack.enter_context(aws.applied())
        else:
            if parameters or secrets:
                raise SeedError(
                    "--parameter and --secret seed the embedded AWS; with --endpoint-url, create "
                    "them in that AWS instead"
                )
            backend, backing = endpoint_url, endpoint_url
        log = None
        if request_log is not None and config.EXTENSION_LOG_LEVEL.read() == "debug":
            stream = request_log

            def log(line: str) -> None:
                stream.write(f"[toolkit extension] {line}\n")
                stream.flush()

        try:
            emulator = ExtensionEmulator(
                endpoint_url=backend, port=port, region=region, token=token, request_log=log
            )
        except OSError as error:
            raise CliError(f"cannot listen on 127.0.0.1:{port}: {error.strerror}") from None
        stack.enter_context(emulator)
        yield emulator, backing


def serve(options: ServeOptions, *, stop: threading.Event | None = None) -> int:
    """Run until interrupted (Ctrl-C or SIGTERM) or until ``stop`` is set; exit code 0."""
    _check_endpoint(options.endpoint_url)
    caller_token = config.SESSION_TOKEN.read()  # read before the embedded AWS sets its own
    stop = stop or threading.Event()
    err = sys.stderr
    with running_extension(
        port=options.port,
        endpoint_url=options.endpoint_url,
        region=options.region,
        parameters=options.parameters,
        secrets=options.secrets,
        token=caller_token,
        request_log=err,
    ) as (emulator, backing):
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
