"""``toolkit extension serve``: in a child process as users run it, and its usage errors."""

from __future__ import annotations

import http.client
import json
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

import pytest

from tests.aws import client, use_fake_credentials
from tests.conftest import subprocess_env
from toolkit.cli import main
from toolkit.cli.extension import SeedError, ServeOptions, serve
from toolkit.testing.extension import TOKEN_HEADER


@contextmanager
def serving(*args: str, **env: str) -> Iterator[tuple[int, str, subprocess.Popen[str]]]:
    """``toolkit extension serve --port 0 ARGS`` in a child; yields its port, token, process."""
    process = subprocess.Popen(
        [sys.executable, "-m", "toolkit", "extension", "serve", "--port", "0", *args],
        env=subprocess_env(**env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    try:
        lines: list[str] = []
        deadline = time.monotonic() + 60
        while not any(line.strip().startswith("AWS_SESSION_TOKEN=") for line in lines):
            line = process.stderr.readline()
            if not line:
                raise AssertionError(f"serve exited {process.wait()}: {''.join(lines)}")
            lines.append(line)
            assert time.monotonic() < deadline, lines
        settings = dict(line.strip().split("=", 1) for line in lines if "=" in line)
        yield (
            int(settings["PARAMETERS_SECRETS_EXTENSION_HTTP_PORT"]),
            settings["AWS_SESSION_TOKEN"],
            process,
        )
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        process.stderr.close()


def fetch(port: int, token: str, target: str) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", target, headers={TOKEN_HEADER: token})
        response = connection.getresponse()
        return response.status, response.read().decode()
    finally:
        connection.close()


def test_serve_on_the_embedded_aws_seeds_parameters_and_secrets_and_stops_on_sigterm() -> None:
    with serving("--parameter", "/app/db=postgres://db?x=1", "--secret", "prod/api=hunter2") as (
        port,
        token,
        process,
    ):
        status, body = fetch(
            port, token, f"/systemsmanager/parameters/get?name={quote('/app/db', safe='')}"
        )
        assert status == 200
        assert json.loads(body)["Parameter"]["Value"] == "postgres://db?x=1"
        status, body = fetch(port, token, f"/secretsmanager/get?secretId={quote('prod/api')}")
        assert (status, json.loads(body)["SecretString"]) == (200, "hunter2")
        assert fetch(port, "wrong", "/secretsmanager/get?secretId=x")[0] == 403
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0


def test_serve_in_front_of_an_endpoint_logs_requests_at_debug(
    moto_server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_fake_credentials(monkeypatch.setenv)
    client("ssm", moto_server).put_parameter(Name="/cli/serve", Value="v", Type="String")
    with serving(
        "--endpoint-url",
        moto_server,
        AWS_SESSION_TOKEN="from-my-role",
        PARAMETERS_SECRETS_EXTENSION_LOG_LEVEL="debug",
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
    ) as (port, token, process):
        assert token == "(your AWS_SESSION_TOKEN)"
        target = "/systemsmanager/parameters/get?name=%2Fcli%2Fserve"
        status, body = fetch(port, "from-my-role", target)
        assert (status, json.loads(body)["Parameter"]["Value"]) == (200, "v")
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
        assert process.stderr is not None
        log = process.stderr.read()
    assert f"GET {target} 200" in log
    assert "from-my-role" not in log


def test_serve_in_process_until_stopped(moto_server: str, monkeypatch) -> None:
    use_fake_credentials(monkeypatch.setenv)
    client("secretsmanager", moto_server).create_secret(Name="cli-inproc", SecretString="s")
    stop = threading.Event()
    port = _free_port()
    result: list[int] = []
    runner = threading.Thread(
        target=lambda: result.append(
            serve(ServeOptions(port=port, endpoint_url=moto_server), stop=stop)
        )
    )
    runner.start()
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                status, body = fetch(port, "testing", "/secretsmanager/get?secretId=cli-inproc")
                break
            except ConnectionRefusedError:
                assert time.monotonic() < deadline
                time.sleep(0.05)
        assert (status, json.loads(body)["SecretString"]) == (200, "s")
    finally:
        stop.set()
        runner.join(timeout=30)
    assert result == [0]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--parameter", "novalue"], "--parameter must be NAME=VALUE"),
        (["--secret", "=hidden"], "--secret must be NAME=VALUE"),
        (["--endpoint-url", "ftp://x"], "must start with http:// or https://"),
        (
            ["--endpoint-url", "http://127.0.0.1:1", "--parameter", "a=b"],
            "--parameter and --secret seed the embedded AWS",
        ),
    ],
)
def test_usage_errors_exit_2_naming_the_problem(
    args: list[str], says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["extension", "serve", "--port", "0", *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("toolkit extension: error: ")
    assert says in err
    assert "hidden" not in err


def test_a_port_in_use_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code = main(["extension", "serve", "--port", str(port), "--endpoint-url", "http://x:1"])
    assert code == 2
    assert f"cannot listen on 127.0.0.1:{port}" in capsys.readouterr().err


def test_a_seed_the_embedded_aws_refuses_is_a_usage_error_naming_it() -> None:
    stop = threading.Event()
    stop.set()  # if it served, it would return at once instead of blocking the test
    options = ServeOptions(port=0, parameters=[("/empty", "")])
    with pytest.raises(SeedError, match=r"parameter '/empty'.*ValidationException"):
        serve(options, stop=stop)


def test_serve_returns_when_stopped(moto_server: str) -> None:
    stop = threading.Event()
    stop.set()
    assert serve(ServeOptions(port=0, endpoint_url=moto_server), stop=stop) == 0
