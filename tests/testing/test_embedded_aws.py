"""EmbeddedAWS: moto's server in this process, on loopback, seeded through real boto3 calls."""

from __future__ import annotations

import base64
import os
import socket
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.aws import free_port
from toolkit import config
from toolkit.testing import EmbeddedAWS, EmbeddedAWSError
from toolkit.testing.embedded_aws import (
    InvalidSpecError,
    InvalidValueError,
    TableSpec,
    parse_table_spec,
)

ELSEWHERE = "http://192.0.2.10:4566"  # TEST-NET-1: never routed; the hook stops any request


@pytest.fixture(scope="module")
def aws() -> Iterator[EmbeddedAWS]:
    with EmbeddedAWS() as embedded:
        yield embedded


def test_listens_on_loopback_and_refuses_use_when_stopped() -> None:
    embedded = EmbeddedAWS(region="eu-west-1")
    assert "stopped" in repr(embedded)
    with pytest.raises(EmbeddedAWSError, match="not started"):
        embedded.endpoint_url
    with embedded:
        url = urlsplit(embedded.endpoint_url)
        assert url.scheme == "http" and url.hostname == "127.0.0.1" and url.port
        assert embedded.start() is embedded  # idempotent
        assert embedded.endpoint_url in repr(embedded)
    with pytest.raises(ConnectionRefusedError), socket.create_connection(("127.0.0.1", url.port)):
        pass
    embedded.stop()  # a second stop is harmless


def _hostile_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Everything a developer's shell may hold that would send an SDK somewhere else."""
    profile = tmp_path / "config"
    profile.write_text(
        f"[profile work]\nendpoint_url = {ELSEWHERE}\nregion = ap-south-1\n"
        "services = elsewhere\n\n"
        f"[services elsewhere]\ndynamodb =\n  endpoint_url = {ELSEWHERE}\n"
    )
    credentials = tmp_path / "credentials"
    credentials.write_text("[work]\naws_access_key_id = AKIAREALKEY\naws_secret_access_key = x\n")
    for name, value in {
        "AWS_CONFIG_FILE": str(profile),
        "AWS_SHARED_CREDENTIALS_FILE": str(credentials),
        "AWS_PROFILE": "work",
        "AWS_ACCESS_KEY_ID": "AKIAREALKEY",
        "AWS_SECRET_ACCESS_KEY": "real-secret",
        "AWS_SECURITY_TOKEN": "real-token",
        "AWS_REGION": "ap-south-1",
        "AWS_ENDPOINT_URL": ELSEWHERE,
        "AWS_ENDPOINT_URL_DYNAMODB": ELSEWHERE,
        "AWS_ENDPOINT_URL_SSM": ELSEWHERE,
        "AWS_ENDPOINT_URL_SECRETS_MANAGER": ELSEWHERE,
        "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true",
        "AWS_USE_FIPS_ENDPOINT": "true",
        # A proxy on a closed loopback port: a request sent through it fails.
        "HTTP_PROXY": f"http://127.0.0.1:{free_port()}",
        "http_proxy": f"http://127.0.0.1:{free_port()}",
        "no_proxy": "internal.example",
    }.items():
        monkeypatch.setenv(name, value)


class _Requests:
    """A botocore ``before-send`` hook: records each request's host and signing key, and
    stops any request for another host before it is sent."""

    def __init__(self) -> None:
        self.hosts: set[str] = set()
        self.keys: set[str] = set()

    def __call__(self, request: Any, **_: Any) -> None:
        host = urlsplit(request.url).netloc
        self.hosts.add(host)
        self.keys.add(request.headers["Authorization"].decode().split("Credential=")[1][:7])
        if not host.startswith("127.0.0.1:"):
            raise AssertionError(f"a request for {host} was about to leave the machine")


def _client(service: str, hook: _Requests) -> Any:
    import boto3

    made = boto3.client(service)
    made.meta.events.register("before-send", hook)
    return made


def test_clients_built_under_it_only_reach_loopback(
    aws: EmbeddedAWS, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _hostile_environment(monkeypatch, tmp_path)
    aws.create_table("loopback-only")
    aws.put_parameter("/loopback/only", "v")
    aws.create_secret("loopback-only", "s")
    hook = _Requests()
    with aws.applied():
        _client("dynamodb", hook).describe_table(TableName="loopback-only")
        _client("ssm", hook).get_parameter(Name="/loopback/only")
        _client("secretsmanager", hook).get_secret_value(SecretId="loopback-only")
        _client("sts", hook).get_caller_identity()
    assert hook.hosts == {urlsplit(aws.endpoint_url).netloc}
    assert hook.keys == {"testing"}  # signed with the dummy key, never the shell's


def test_the_hostile_environment_does_point_elsewhere_without_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # The check above can fail: the same environment, not applied, sends the client away.
    _hostile_environment(monkeypatch, tmp_path)
    monkeypatch.setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "false")
    monkeypatch.setenv("AWS_USE_FIPS_ENDPOINT", "false")
    import boto3

    client = boto3.session.Session().client("dynamodb")
    client.meta.events.register("before-send", _Requests())
    with pytest.raises(AssertionError, match=r"192\.0\.2\.10"):
        client.list_tables()


def test_boto3_default_session_made_before_is_set_aside(
    aws: EmbeddedAWS, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import boto3

    _hostile_environment(monkeypatch, tmp_path)
    monkeypatch.setattr(boto3, "DEFAULT_SESSION", None)
    boto3.setup_default_session()  # reads the hostile profile now
    stale = boto3.DEFAULT_SESSION
    hook = _Requests()
    with aws.applied():
        _client("dynamodb", hook).list_tables()
    assert hook.hosts == {urlsplit(aws.endpoint_url).netloc}
    assert boto3.DEFAULT_SESSION is stale


def test_applied_sets_and_restores_the_environment(
    aws: EmbeddedAWS, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", ELSEWHERE)
    monkeypatch.setenv("AWS_PROFILE", "work")
    monkeypatch.setenv("NO_PROXY", "internal.example")
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.delenv("AWS_CONFIG_FILE", raising=False)
    before = dict(os.environ)
    values = aws.environment()
    assert values["AWS_ENDPOINT_URL_DYNAMODB"] is None and values["AWS_PROFILE"] is None
    assert values["NO_PROXY"] == values["no_proxy"] == "internal.example,127.0.0.1"
    with aws.applied() as same:
        assert same is aws
        assert config.ENDPOINT_URL.read() == aws.endpoint_url
        assert config.REGION.read() == config.DEFAULT_REGION.read() == "us-east-1"
        assert "AWS_ENDPOINT_URL_DYNAMODB" not in os.environ
        assert "AWS_PROFILE" not in os.environ
        assert os.environ["AWS_CONFIG_FILE"] == os.devnull
        assert os.environ["AWS_ACCESS_KEY_ID"] == "testing"
    assert dict(os.environ) == before


def test_create_table_with_keys(aws: EmbeddedAWS) -> None:
    aws.create_table("plain")
    aws.create_table("composite", pk="pk", sk="sk")
    dynamodb = aws.client("dynamodb")
    assert aws.client("dynamodb") is dynamodb
    plain = dynamodb.describe_table(TableName="plain")["Table"]
    assert plain["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    assert plain["TableStatus"] == "ACTIVE"
    composite = dynamodb.describe_table(TableName="composite")["Table"]
    assert composite["KeySchema"] == [
        {"AttributeName": "pk", "KeyType": "HASH"},
        {"AttributeName": "sk", "KeyType": "RANGE"},
    ]
    dynamodb.put_item(TableName="composite", Item={"pk": {"S": "a"}, "sk": {"S": "b"}})


def test_an_existing_table_is_an_error_naming_it(aws: EmbeddedAWS) -> None:
    aws.create_table("twice")
    with pytest.raises(EmbeddedAWSError, match="table 'twice'") as caught:
        aws.create_table("twice")
    assert caught.value.code == "ResourceInUseException"
    assert caught.value.resource == "table 'twice'"


def test_parameters_plain_secure_and_overwritten(aws: EmbeddedAWS) -> None:
    aws.put_parameter("/app/plain", "one")
    aws.put_parameter("/app/plain", "two")
    aws.put_parameter("/app/secure", "hush", secure=True)
    ssm = aws.client("ssm")
    assert ssm.get_parameter(Name="/app/plain")["Parameter"]["Value"] == "two"
    secure = ssm.get_parameter(Name="/app/secure", WithDecryption=True)["Parameter"]
    assert (secure["Type"], secure["Value"]) == ("SecureString", "hush")


def test_secrets_string_and_binary(aws: EmbeddedAWS) -> None:
    aws.create_secret("app/text", "s3cr3t")
    aws.create_secret("app/binary", b"\x00\xffkey")
    secrets = aws.client("secretsmanager")
    assert secrets.get_secret_value(SecretId="app/text")["SecretString"] == "s3cr3t"
    binary = secrets.get_secret_value(SecretId="app/binary")["SecretBinary"]
    assert binary in (b"\x00\xffkey", base64.b64encode(b"\x00\xffkey"))


def test_seed_errors_never_show_values(aws: EmbeddedAWS) -> None:
    aws.create_secret("app/once", "first-value")
    with pytest.raises(EmbeddedAWSError) as caught:
        aws.create_secret("app/once", "second-value")
    assert caught.value.code == "ResourceExistsException"
    assert "value" not in str(caught.value).replace("secret", "")
    assert "app/once" in str(caught.value)
    with pytest.raises(InvalidValueError, match=r"secret 'x': .* str or bytes, not int"):
        aws.create_secret("x", 1234)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"parameter 'p': .* str, not bytes"):
        aws.put_parameter("p", b"secret-bytes")  # type: ignore[arg-type]


def test_seed_creates_everything(aws: EmbeddedAWS) -> None:
    aws.seed(
        tables=[TableSpec("seeded", "pk")],
        parameters={"/seeded/p": "v"},
        secrets={"seeded/s": "v"},
    )
    assert aws.client("dynamodb").describe_table(TableName="seeded")["Table"]["TableName"]
    assert aws.client("ssm").get_parameter(Name="/seeded/p")["Parameter"]["Value"] == "v"
    assert aws.client("secretsmanager").get_secret_value(SecretId="seeded/s")["SecretString"]


def test_reset_empties_it() -> None:
    with EmbeddedAWS() as embedded:
        embedded.create_table("short-lived")
        embedded.reset()
        assert "short-lived" not in embedded.client("dynamodb").list_tables()["TableNames"]


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("orders", TableSpec("orders", "id", None)),
        ("orders:orderId", TableSpec("orders", "orderId", None)),
        ("my.table-1_x:pk:sk", TableSpec("my.table-1_x", "pk", "sk")),
    ],
)
def test_table_specs(spec: str, expected: TableSpec) -> None:
    assert parse_table_spec(spec) == expected


@pytest.mark.parametrize(
    ("spec", "says"),
    [
        ("", "is not NAME"),
        ("orders:", "is not NAME"),
        ("orders::sk", "is not NAME"),
        ("a:b:c:d", "is not NAME"),
        ("ab", "table name 'ab' is not valid"),
        ("orders/x", "table name 'orders/x' is not valid"),
        ("orders:" + "k" * 256, "partition key name must be 1 to 255 bytes"),
    ],
)
def test_bad_table_specs_name_the_spec(spec: str, says: str) -> None:
    with pytest.raises(InvalidSpecError, match=f"table spec '.*': .*{says}|{says}") as caught:
        parse_table_spec(spec)
    assert isinstance(caught.value, ValueError) and repr(spec)[:20] in str(caught.value)


def test_bad_table_names_fail_before_any_call() -> None:
    with pytest.raises(InvalidSpecError, match="sort key name"):
        EmbeddedAWS().create_table("orders", sk="")


def test_without_moto_it_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "moto.moto_server.werkzeug_app", None)
    with pytest.raises(EmbeddedAWSError, match=r"pip install 'lambda-handler-toolkit\[local\]'"):
        EmbeddedAWS().start()
