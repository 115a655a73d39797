"""A real AWS API on loopback for tests: moto's server in a subprocess, and boto3 clients
pointed at it with fake credentials.

Tests talk to it with real boto3 clients over HTTP, as production code talks to AWS; nothing
of boto3 or of our code is patched. Every service moto serves is on the one endpoint, so later
suites (DynamoDB, SSM, Secrets Manager...) reuse the same server through :func:`client`.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

REGION = "us-east-1"

FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_SECURITY_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_EC2_METADATA_DISABLED": "true",
}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/moto-api/", timeout=1):
            return True
    except (urllib.error.URLError, OSError):
        return False


@contextmanager
def moto_server(startup_timeout: float = 30.0, command: list[str] | None = None) -> Iterator[str]:
    """Start ``python -m moto.server`` (or ``command``, which takes the same ``-H``/``-p``
    options) on 127.0.0.1 and a free port; yield its endpoint URL; stop it at the end. The
    child gets fake credentials too, so nothing can reach real AWS.

    The server's stderr goes to a temporary file, not a pipe: werkzeug logs a line there for
    every request, and a pipe nobody drains fills after about 900 requests, after which the
    server blocks in the middle of answering (every client then waits for its read timeout)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, **FAKE_CREDENTIALS}
    log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in the finally below
    process = subprocess.Popen(
        [*(command or [sys.executable, "-m", "moto.server"]), "-H", "127.0.0.1", "-p", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    try:
        deadline = time.monotonic() + startup_timeout
        while not _answers(url):
            if process.poll() is not None:
                log.seek(0)
                stderr = log.read().decode(errors="replace")[-3000:]
                raise RuntimeError(f"moto server exited with {process.returncode}: {stderr}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"moto server did not answer on {url} in {startup_timeout}s")
            time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def use_fake_credentials(setenv: Any) -> None:
    """Set the fake credentials with ``setenv`` (``monkeypatch.setenv``) so boto3 never looks
    for real ones (no instance metadata calls)."""
    for name, value in FAKE_CREDENTIALS.items():
        setenv(name, value)


def client(service: str, endpoint_url: str, config: Any = None) -> Any:
    """A real boto3 client for ``service`` on the local server (``config``: a botocore
    ``Config``, for retry settings)."""
    import boto3

    return boto3.session.Session(
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        aws_session_token="testing",
        region_name=REGION,
    ).client(service, endpoint_url=endpoint_url, region_name=REGION, config=config)
