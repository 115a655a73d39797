"""The extension emulator over real HTTP, with moto's server behind it."""

from __future__ import annotations

import base64
import functools
import http.client
import json
import time
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest

from tests.aws import REGION, use_fake_credentials
from tests.aws import client as new_client
from toolkit import config
from toolkit.testing import ExtensionEmulator, Faults
from toolkit.testing.extension import NOT_READY_MESSAGE, TOKEN_HEADER, ExtensionEmulatorError

TOKEN = "test-session-token"


@functools.cache
def client(service: str, url: str) -> Any:
    """One boto3 client per service for the module: building one costs ~0.3 s."""
    return new_client(service, url)


class Clock:
    """A monotonic clock the test moves by hand, so TTL tests need no sleeping."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def aws(moto_server: str, monkeypatch: pytest.MonkeyPatch) -> str:
    use_fake_credentials(monkeypatch.setenv)
    return moto_server


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def emulator(aws: str, clock: Clock) -> Iterator[ExtensionEmulator]:
    with ExtensionEmulator(endpoint_url=aws, token=TOKEN, clock=clock) as running:
        yield running


@pytest.fixture
def prefix() -> str:
    return f"/extemu/{uuid.uuid4().hex[:8]}"


def get(
    emulator: ExtensionEmulator, target: str, token: str | None = TOKEN
) -> tuple[int, str, str]:
    """One GET on a fresh connection: status, content type, body."""
    connection = http.client.HTTPConnection("127.0.0.1", emulator.port, timeout=10)
    try:
        headers = {} if token is None else {TOKEN_HEADER: token}
        connection.request("GET", target, headers=headers)
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type") or "", response.read().decode()
    finally:
        connection.close()


def parameter_url(name: str, **query: str) -> str:
    extra = "".join(f"&{key}={quote(value, safe='')}" for key, value in query.items())
    return f"/systemsmanager/parameters/get?name={quote(name, safe='')}{extra}"


def secret_url(secret_id: str, **query: str) -> str:
    extra = "".join(f"&{key}={quote(value, safe='')}" for key, value in query.items())
    return f"/secretsmanager/get?secretId={quote(secret_id, safe='')}{extra}"


# --- the token ------------------------------------------------------------------------------
@pytest.mark.parametrize("token", [None, "wrong"])
def test_a_missing_or_wrong_token_is_refused_with_403(
    emulator: ExtensionEmulator, token: str | None
) -> None:
    status, content_type, body = get(emulator, parameter_url("/anything"), token=token)
    assert status == 403
    assert content_type.startswith("text/plain")
    assert TOKEN_HEADER in body
    assert emulator.upstream_calls == 0


def test_the_token_defaults_to_the_session_token_as_in_lambda(
    aws: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_SESSION_TOKEN", "from-the-role")
    with ExtensionEmulator(endpoint_url=aws) as emulator:
        assert emulator.token == "from-the-role"
        assert emulator.environment() == {
            "PARAMETERS_SECRETS_EXTENSION_HTTP_PORT": str(emulator.port),
            "AWS_SESSION_TOKEN": "from-the-role",
        }
        assert emulator.url == f"http://127.0.0.1:{emulator.port}"


def test_without_a_session_token_a_random_one_is_made(aws: str, monkeypatch) -> None:
    monkeypatch.delenv("AWS_SESSION_TOKEN")
    with ExtensionEmulator(endpoint_url=aws) as one, ExtensionEmulator(endpoint_url=aws) as two:
        assert len(one.token) >= 16
        assert one.token != two.token
        assert one.port != two.port


# --- parameters -----------------------------------------------------------------------------
def test_a_string_parameter_has_getparameters_shape_with_rfc3339_dates(
    emulator: ExtensionEmulator, aws: str, prefix: str
) -> None:
    ssm = client("ssm", aws)
    ssm.put_parameter(Name=f"{prefix}/plain", Value="hello", Type="String")
    status, content_type, body = get(emulator, parameter_url(f"{prefix}/plain"))
    assert status == 200
    assert content_type == "application/json"
    document = json.loads(body)
    assert set(document) == {"Parameter", "ResultMetadata"}
    assert document["ResultMetadata"] == {}
    parameter = document["Parameter"]
    assert set(parameter) == {
        "ARN",
        "DataType",
        "LastModifiedDate",
        "Name",
        "Selector",
        "SourceResult",
        "Type",
        "Value",
        "Version",
    }
    assert parameter["Name"] == f"{prefix}/plain"
    assert parameter["Value"] == "hello"
    assert parameter["Type"] == "String"
    assert parameter["Version"] == 1
    assert parameter["ARN"].startswith("arn:aws:ssm:")
    assert parameter["Selector"] is None
    modified = parameter["LastModifiedDate"]
    assert modified.endswith("Z") and "T" in modified
    from datetime import datetime

    parsed = datetime.fromisoformat(modified.replace("Z", "+00:00"))
    expected = ssm.get_parameter(Name=f"{prefix}/plain")["Parameter"]["LastModifiedDate"]
    assert abs((parsed - expected).total_seconds()) < 0.001


def test_secure_string_is_decrypted_only_when_asked(
    emulator: ExtensionEmulator, aws: str, prefix: str
) -> None:
    client("ssm", aws).put_parameter(Name=f"{prefix}/secure", Value="s3cret", Type="SecureString")
    _, _, plain = get(emulator, parameter_url(f"{prefix}/secure", withDecryption="true"))
    _, _, encrypted = get(emulator, parameter_url(f"{prefix}/secure"))
    assert json.loads(plain)["Parameter"] | {} == json.loads(plain)["Parameter"]
    assert json.loads(plain)["Parameter"]["Value"] == "s3cret"
    assert json.loads(plain)["Parameter"]["Type"] == "SecureString"
    assert json.loads(encrypted)["Parameter"]["Value"] != "s3cret"


def test_string_list_keeps_its_commas(emulator: ExtensionEmulator, aws: str, prefix: str) -> None:
    client("ssm", aws).put_parameter(Name=f"{prefix}/list", Value="a,b,c", Type="StringList")
    _, _, body = get(emulator, parameter_url(f"{prefix}/list"))
    parameter = json.loads(body)["Parameter"]
    assert (parameter["Type"], parameter["Value"]) == ("StringList", "a,b,c")


def test_version_and_label_select_a_version(
    emulator: ExtensionEmulator, aws: str, prefix: str
) -> None:
    ssm = client("ssm", aws)
    name = f"{prefix}/versioned"
    ssm.put_parameter(Name=name, Value="one", Type="String")
    ssm.put_parameter(Name=name, Value="two", Type="String", Overwrite=True)
    ssm.label_parameter_version(Name=name, ParameterVersion=1, Labels=["stable"])
    latest = json.loads(get(emulator, parameter_url(name))[2])["Parameter"]
    first = json.loads(get(emulator, parameter_url(name, version="1"))[2])["Parameter"]
    stable = json.loads(get(emulator, parameter_url(name, label="stable"))[2])["Parameter"]
    assert (latest["Value"], latest["Version"]) == ("two", 2)
    assert (first["Value"], first["Version"]) == ("one", 1)
    assert stable["Value"] == "one"
    assert get(emulator, parameter_url(name, version="1", label="stable"))[0] == 400


def test_a_parameter_by_arn(emulator: ExtensionEmulator, aws: str, prefix: str) -> None:
    ssm = client("ssm", aws)
    ssm.put_parameter(Name=f"{prefix}/by-arn", Value="v", Type="String")
    arn = ssm.get_parameter(Name=f"{prefix}/by-arn")["Parameter"]["ARN"]
    status, _, body = get(emulator, parameter_url(arn))
    assert status == 200
    assert json.loads(body)["Parameter"]["Value"] == "v"


def test_a_secret_through_the_parameter_store_reference(
    emulator: ExtensionEmulator, aws: str, prefix: str
) -> None:
    secret_id = f"extemu-ref-{uuid.uuid4().hex[:8]}"
    client("secretsmanager", aws).create_secret(Name=secret_id, SecretString="via-ssm")
    target = parameter_url(f"/aws/reference/secretsmanager/{secret_id}", withDecryption="true")
    status, _, body = get(emulator, target)
    assert status == 200
    parameter = json.loads(body)["Parameter"]
    assert parameter["Value"] == "via-ssm"
    assert parameter["Type"] == "SecureString"


def test_a_missing_parameter_is_awss_status_and_error_code_in_text(
    emulator: ExtensionEmulator, prefix: str
) -> None:
    status, content_type, body = get(emulator, parameter_url(f"{prefix}/missing"))
    assert status == 400
    assert content_type.startswith("text/plain")
    assert body.startswith("ParameterNotFound")


# --- secrets --------------------------------------------------------------------------------
def test_a_string_secret_has_getsecretvalues_shape(emulator: ExtensionEmulator, aws: str) -> None:
    name = f"extemu-{uuid.uuid4().hex[:8]}"
    created = client("secretsmanager", aws).create_secret(Name=name, SecretString='{"k": "v"}')
    status, content_type, body = get(emulator, secret_url(name))
    assert (status, content_type) == (200, "application/json")
    document = json.loads(body)
    assert set(document) == {
        "ARN",
        "CreatedDate",
        "Name",
        "SecretBinary",
        "SecretString",
        "VersionId",
        "VersionStages",
        "ResultMetadata",
    }
    assert document["SecretString"] == '{"k": "v"}'
    assert document["SecretBinary"] is None
    assert document["ARN"] == created["ARN"]
    assert document["VersionId"] == created["VersionId"]
    assert document["VersionStages"] == ["AWSCURRENT"]
    assert document["CreatedDate"].endswith("Z")
    assert document["ResultMetadata"] == {}


def test_a_binary_secret_is_base64(emulator: ExtensionEmulator, aws: str) -> None:
    name = f"extemu-bin-{uuid.uuid4().hex[:8]}"
    raw = bytes(range(256))
    client("secretsmanager", aws).create_secret(Name=name, SecretBinary=raw)
    document = json.loads(get(emulator, secret_url(name))[2])
    assert base64.b64decode(document["SecretBinary"]) == raw
    assert document["SecretString"] is None


def test_a_secret_by_arn_version_id_and_stage(emulator: ExtensionEmulator, aws: str) -> None:
    sm = client("secretsmanager", aws)
    name = f"extemu-ver-{uuid.uuid4().hex[:8]}"
    first = sm.create_secret(Name=name, SecretString="old")
    sm.put_secret_value(SecretId=name, SecretString="new")
    by_arn = json.loads(get(emulator, secret_url(first["ARN"]))[2])
    by_version = json.loads(get(emulator, secret_url(name, versionId=first["VersionId"]))[2])
    previous = json.loads(get(emulator, secret_url(name, versionStage="AWSPREVIOUS"))[2])
    assert by_arn["SecretString"] == "new"
    assert by_version["SecretString"] == "old"
    assert previous["SecretString"] == "old"


def test_a_missing_secret_is_a_text_error(emulator: ExtensionEmulator) -> None:
    status, _, body = get(emulator, secret_url(f"extemu-missing-{uuid.uuid4().hex}"))
    assert status == 400
    assert body.startswith("ResourceNotFoundException")


# --- bad requests ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("target", "status", "says"),
    [
        ("/systemsmanager/parameters/get", 400, "name"),
        ("/systemsmanager/parameters/get?name=x&withDecryption=maybe", 400, "withDecryption"),
        ("/secretsmanager/get", 400, "secretId"),
        ("/elsewhere", 404, "/elsewhere"),
    ],
)
def test_bad_requests_say_what_is_wrong(
    emulator: ExtensionEmulator, target: str, status: int, says: str
) -> None:
    answer = get(emulator, target)
    assert answer[0] == status
    assert says in answer[2]


def test_only_get_is_answered(emulator: ExtensionEmulator) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", emulator.port, timeout=10)
    connection.request(
        "POST", "/secretsmanager/get?secretId=x", body=b"{}", headers={TOKEN_HEADER: TOKEN}
    )
    response = connection.getresponse()
    assert response.status == 405
    response.read()
    connection.request("GET", "/secretsmanager/get", headers={TOKEN_HEADER: TOKEN})
    assert connection.getresponse().status == 400  # same connection still in step
    connection.close()


def test_a_trailing_slash_on_the_path_is_accepted(
    emulator: ExtensionEmulator, aws: str, prefix: str
) -> None:
    client("ssm", aws).put_parameter(Name=f"{prefix}/slash", Value="v", Type="String")
    target = f"/systemsmanager/parameters/get/?name={quote(f'{prefix}/slash', safe='')}"
    assert get(emulator, target)[0] == 200


def test_an_unreachable_backend_is_a_502(clock: Clock, monkeypatch: pytest.MonkeyPatch) -> None:
    use_fake_credentials(monkeypatch.setenv)
    from tests.aws import free_port

    nowhere = f"http://127.0.0.1:{free_port()}"
    with ExtensionEmulator(endpoint_url=nowhere, token=TOKEN) as emulator:
        status, _, body = get(emulator, secret_url("anything"))
    assert status == 502
    assert "secretsmanager" in body


# --- the cache ------------------------------------------------------------------------------
def test_a_value_is_served_from_the_cache_until_its_ttl_then_refetched(
    aws: str, clock: Clock, prefix: str
) -> None:
    ssm = client("ssm", aws)
    name = f"{prefix}/cached"
    ssm.put_parameter(Name=name, Value="first", Type="String")
    with ExtensionEmulator(endpoint_url=aws, token=TOKEN, clock=clock, ssm_ttl=60) as emulator:
        assert json.loads(get(emulator, parameter_url(name))[2])["Parameter"]["Value"] == "first"
        ssm.put_parameter(Name=name, Value="second", Type="String", Overwrite=True)
        clock.now += 59
        assert json.loads(get(emulator, parameter_url(name))[2])["Parameter"]["Value"] == "first"
        assert emulator.upstream_calls == 1
        clock.now += 1
        assert json.loads(get(emulator, parameter_url(name))[2])["Parameter"]["Value"] == "second"
        assert emulator.upstream_calls == 2


def test_cache_keys_separate_versions_and_decryption(
    emulator: ExtensionEmulator, aws: str, prefix: str
) -> None:
    ssm = client("ssm", aws)
    name = f"{prefix}/keys"
    ssm.put_parameter(Name=name, Value="one", Type="SecureString")
    ssm.put_parameter(Name=name, Value="two", Type="SecureString", Overwrite=True)
    values = {
        json.loads(get(emulator, target)[2])["Parameter"]["Value"]
        for target in (
            parameter_url(name, withDecryption="true"),
            parameter_url(name, withDecryption="true", version="1"),
            parameter_url(name),
        )
    }
    assert len(values) == 3
    assert emulator.upstream_calls == 3
    get(emulator, parameter_url(name, withDecryption="true", version="1"))
    assert emulator.upstream_calls == 3


def test_the_ttl_variables_are_read_per_service(
    aws: str, clock: Clock, prefix: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSM_PARAMETER_STORE_TTL", "0")
    monkeypatch.setenv("SECRETS_MANAGER_TTL", "10")
    client("ssm", aws).put_parameter(Name=f"{prefix}/ttl", Value="v", Type="String")
    secret_id = f"extemu-ttl-{uuid.uuid4().hex[:8]}"
    client("secretsmanager", aws).create_secret(Name=secret_id, SecretString="v")
    with ExtensionEmulator(endpoint_url=aws, token=TOKEN, clock=clock) as emulator:
        for _ in range(2):
            get(emulator, parameter_url(f"{prefix}/ttl"))
        assert emulator.upstream_calls == 2  # SSM TTL 0: never cached
        for _ in range(2):
            get(emulator, secret_url(secret_id))
        assert emulator.upstream_calls == 3
        clock.now += 10
        get(emulator, secret_url(secret_id))
        assert emulator.upstream_calls == 4


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PARAMETERS_SECRETS_EXTENSION_CACHE_ENABLED", "false"),
        ("PARAMETERS_SECRETS_EXTENSION_CACHE_SIZE", "0"),
    ],
)
def test_the_cache_can_be_turned_off(
    aws: str, prefix: str, monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    client("ssm", aws).put_parameter(Name=f"{prefix}/nocache", Value="v", Type="String")
    with ExtensionEmulator(endpoint_url=aws, token=TOKEN) as emulator:
        assert not emulator.cache_enabled
        for _ in range(3):
            assert get(emulator, parameter_url(f"{prefix}/nocache"))[0] == 200
        assert emulator.upstream_calls == 3


def test_the_cache_size_evicts_the_least_recently_used(aws: str, clock: Clock, prefix: str) -> None:
    ssm = client("ssm", aws)
    for letter in "abc":
        ssm.put_parameter(Name=f"{prefix}/{letter}", Value=letter, Type="String")
    with ExtensionEmulator(endpoint_url=aws, token=TOKEN, clock=clock, cache_size=2) as emulator:
        for letter in "aba":  # a is the most recent, b the least
            get(emulator, parameter_url(f"{prefix}/{letter}"))
        get(emulator, parameter_url(f"{prefix}/c"))  # evicts b
        assert emulator.upstream_calls == 3
        get(emulator, parameter_url(f"{prefix}/a"))
        assert emulator.upstream_calls == 3
        get(emulator, parameter_url(f"{prefix}/b"))
        assert emulator.upstream_calls == 4
        emulator.clear_cache()
        get(emulator, parameter_url(f"{prefix}/a"))
        assert emulator.upstream_calls == 5


def test_errors_are_not_cached(emulator: ExtensionEmulator, aws: str, prefix: str) -> None:
    name = f"{prefix}/later"
    assert get(emulator, parameter_url(name))[0] == 400
    client("ssm", aws).put_parameter(Name=name, Value="now", Type="String")
    assert get(emulator, parameter_url(name))[0] == 200


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("SSM_PARAMETER_STORE_TTL", "301", "from 0 to 300"),
        ("SECRETS_MANAGER_TTL", "soon", "from 0 to 300"),
        ("PARAMETERS_SECRETS_EXTENSION_CACHE_SIZE", "1001", "from 0 to 1000"),
        ("PARAMETERS_SECRETS_EXTENSION_MAX_CONNECTIONS", "0", ">= 1"),
        ("SSM_PARAMETER_STORE_TIMEOUT_MILLIS", "-1", ">= 0"),
    ],
)
def test_a_bad_variable_is_a_configuration_error_naming_it(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, expected: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(config.ConfigurationError, match=name) as raised:
        ExtensionEmulator(token=TOKEN)
    assert expected in str(raised.value)


# --- faults ---------------------------------------------------------------------------------
def test_not_ready_answers_what_the_extension_says_during_init(
    emulator: ExtensionEmulator, aws: str, prefix: str
) -> None:
    client("ssm", aws).put_parameter(Name=f"{prefix}/init", Value="v", Type="String")
    with emulator.injected(Faults(not_ready=True)):
        status, _, body = get(emulator, parameter_url(f"{prefix}/init"))
    assert (status, body) == (400, NOT_READY_MESSAGE)
    assert get(emulator, parameter_url(f"{prefix}/init"))[0] == 200


def test_error_rate_fails_a_deterministic_share(emulator: ExtensionEmulator, aws: str) -> None:
    secret_id = f"extemu-flaky-{uuid.uuid4().hex[:8]}"
    client("secretsmanager", aws).create_secret(Name=secret_id, SecretString="v")
    emulator.faults = Faults(error_rate=0.5, error_status=503)
    statuses = [get(emulator, secret_url(secret_id))[0] for _ in range(6)]
    assert statuses.count(503) == 3
    assert statuses.count(200) == 3
    emulator.faults = Faults(error_rate=1.0)
    assert {get(emulator, secret_url(secret_id))[0] for _ in range(3)} == {500}


def test_delay_holds_every_answer(emulator: ExtensionEmulator) -> None:
    emulator.faults = Faults(delay=0.2)
    started = time.monotonic()
    assert get(emulator, "/secretsmanager/get", token=None)[0] == 403
    assert time.monotonic() - started >= 0.2


@pytest.mark.parametrize(
    "faults",
    [{"delay": -1}, {"error_rate": 1.5}, {"error_status": 200}],
)
def test_bad_faults_are_refused(faults: dict[str, float]) -> None:
    with pytest.raises(ExtensionEmulatorError, match=next(iter(faults))):
        Faults(**faults)  # type: ignore[arg-type]


# --- keep-alive -----------------------------------------------------------------------------
def test_kept_alive_requests_do_not_stall(
    emulator: ExtensionEmulator, aws: str, prefix: str
) -> None:
    """Headers and body in one send: no Nagle / delayed-ACK stall (~40 ms each) on loopback."""
    client("ssm", aws).put_parameter(Name=f"{prefix}/fast", Value="v", Type="String")
    connection = http.client.HTTPConnection("127.0.0.1", emulator.port, timeout=10)
    target = parameter_url(f"{prefix}/fast")
    connection.request("GET", target, headers={TOKEN_HEADER: TOKEN})
    connection.getresponse().read()  # the miss; the rest are cache hits on the same socket
    started = time.monotonic()
    for _ in range(20):
        connection.request("GET", target, headers={TOKEN_HEADER: TOKEN})
        response = connection.getresponse()
        assert response.status == 200
        response.read()
    elapsed = time.monotonic() - started
    connection.close()
    assert emulator.upstream_calls == 1
    assert elapsed < 0.75, f"20 kept-alive requests took {elapsed:.3f} s"
    assert emulator.requests == 21
    assert emulator.region == REGION


def test_stopping_closes_kept_alive_connections(aws: str) -> None:
    emulator = ExtensionEmulator(endpoint_url=aws, token=TOKEN).start()
    connection = http.client.HTTPConnection("127.0.0.1", emulator.port, timeout=10)
    for _ in range(2):
        connection.request("GET", "/secretsmanager/get", headers={TOKEN_HEADER: TOKEN})
        connection.getresponse().read()
    emulator.stop()
    with pytest.raises((ConnectionError, http.client.HTTPException)):
        connection.request("GET", "/secretsmanager/get", headers={TOKEN_HEADER: TOKEN})
        connection.getresponse().read()
    connection.close()
    assert emulator.requests == 2


@pytest.mark.parametrize(
    ("argument", "value"),
    [("ssm_ttl", 301), ("secrets_ttl", -1), ("cache_size", 1001), ("max_connections", 0)],
)
def test_bad_explicit_settings_are_refused_naming_them(argument: str, value: int) -> None:
    with pytest.raises(ExtensionEmulatorError, match=f"{argument}={value}"):
        ExtensionEmulator(token=TOKEN, **{argument: value})


def test_the_answer_repr_never_shows_a_value(emulator: ExtensionEmulator, aws: str) -> None:
    from toolkit.testing.extension import _json

    assert "hunter2" not in repr(_json({"SecretString": "hunter2"}))


def test_the_timeout_variable_bounds_a_request_to_aws(
    monkeypatch: pytest.MonkeyPatch, clock: Clock
) -> None:
    """A backend that accepts the connection and never answers: the extension gives up after
    SSM_PARAMETER_STORE_TIMEOUT_MILLIS and answers 502 instead of hanging."""
    import socket

    use_fake_credentials(monkeypatch.setenv)
    monkeypatch.setenv("SSM_PARAMETER_STORE_TIMEOUT_MILLIS", "300")
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        endpoint = f"http://127.0.0.1:{silent.getsockname()[1]}"
        with ExtensionEmulator(endpoint_url=endpoint, token=TOKEN, clock=clock) as emulator:
            started = time.monotonic()
            status, _, body = get(emulator, parameter_url("/never"))
            elapsed = time.monotonic() - started
    assert status == 502
    assert "ssm could not be reached" in body
    assert elapsed < 30  # botocore's default would be 60 s


def test_max_connections_bounds_concurrent_requests_to_aws(
    monkeypatch: pytest.MonkeyPatch, clock: Clock
) -> None:
    """A slow SSM on loopback that counts requests in flight: six clients at once, at most
    PARAMETERS_SECRETS_EXTENSION_MAX_CONNECTIONS of them reach it together."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    use_fake_credentials(monkeypatch.setenv)
    monkeypatch.setenv("PARAMETERS_SECRETS_EXTENSION_MAX_CONNECTIONS", "2")
    lock = threading.Lock()
    inflight = {"now": 0, "most": 0}

    class SlowSSM(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            return

        def do_POST(self) -> None:
            request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            with lock:
                inflight["now"] += 1
                inflight["most"] = max(inflight["most"], inflight["now"])
            time.sleep(0.3)
            with lock:
                inflight["now"] -= 1
            body = json.dumps(
                {"Parameter": {"Name": request["Name"], "Type": "String", "Value": "v"}}
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/x-amz-json-1.1")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    ssm = ThreadingHTTPServer(("127.0.0.1", 0), SlowSSM)
    ssm.daemon_threads = True
    threading.Thread(target=ssm.serve_forever, daemon=True).start()
    try:
        endpoint = f"http://127.0.0.1:{ssm.server_address[1]}"
        with ExtensionEmulator(endpoint_url=endpoint, token=TOKEN, clock=clock) as emulator:
            emulator.prepare()
            statuses: list[int] = []
            clients = [
                threading.Thread(
                    target=lambda n=n: statuses.append(get(emulator, parameter_url(f"/p{n}"))[0])
                )
                for n in range(6)
            ]
            for each in clients:
                each.start()
            for each in clients:
                each.join(timeout=60)
    finally:
        ssm.shutdown()
        ssm.server_close()
    assert statuses == [200] * 6
    assert inflight["most"] <= 2
    assert emulator.upstream_calls == 6
