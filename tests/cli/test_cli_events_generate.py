"""``toolkit events show NAME --set PATH=VALUE --count N`` and ``toolkit --version``, through
the command line's ``main`` in this process, and the options ``--template`` brings."""

from __future__ import annotations

import hashlib
import json

import pytest

import toolkit
from toolkit.cli import main
from toolkit.cli.errors import EventError
from toolkit.cli.events import generate


def shown(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, object]:
    assert main(["events", *args]) == 0
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def test_sqs_batch_with_a_body_in_every_record(capsys: pytest.CaptureFixture[str]) -> None:
    event = shown(capsys, "show", "sqs", "--set", 'body={"id":1}', "--count", "10")
    records = event["Records"]
    assert isinstance(records, list) and len(records) == 10
    assert len({record["messageId"] for record in records}) == 10
    for record in records:
        assert record["body"] == '{"id":1}'  # a string field keeps the text as is
        assert record["md5OfBody"] == hashlib.md5(b'{"id":1}', usedforsecurity=False).hexdigest()


@pytest.mark.parametrize(
    ("name", "fields"),
    [
        ("kinesis", lambda r: (r["eventID"], r["kinesis"]["sequenceNumber"])),
        ("dynamodb", lambda r: (r["eventID"], r["dynamodb"]["SequenceNumber"])),
        ("firehose", lambda r: r["recordId"]),
        ("sns", lambda r: r["Sns"]["MessageId"]),
    ],
)
def test_record_ids_are_unique_per_record(name: str, fields: object) -> None:
    event = json.loads(generate(name, [], 5))
    records = event.get("Records") or event["records"]
    ids = [fields(record) for record in records]  # type: ignore[operator]
    assert len(set(ids)) == 5


def test_kafka_offsets_and_typed_fields() -> None:
    event = json.loads(generate("kafka-msk", [("partition", "3"), ("headers", "[]")], 3))
    (records,) = event["records"].values()
    assert [record["offset"] for record in records] == [15, 16, 17]
    assert {record["partition"] for record in records} == {3}  # a number field parses JSON
    assert records[0]["headers"] == []


def test_a_non_batch_sample_is_set_at_its_root(capsys: pytest.CaptureFixture[str]) -> None:
    event = shown(
        capsys,
        "apigw-rest",
        "--set",
        "headers.X-Id=7",
        "--set",
        'headers.X-Text="7"',
        "--set",
        "new.path=x y",
    )
    assert event["headers"]["X-Id"] == 7  # type: ignore[index]  # a new field parses JSON
    assert event["headers"]["X-Text"] == "7"  # type: ignore[index]
    assert event["new"] == {"path": "x y"}  # not JSON: kept as text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["show", "apigw-rest", "--count", "2"], "is not a batch of records"),
        (["show", "sqs", "--set", "body.deeper=1"], "'deeper' is not a field here"),
        (["show", "sqs", "--set", "attributes.x.y=1", "--set", "attributes.x.y.z=1"], "is not"),
        (["show", "sqs", "--set", "novalue"], "--set must be NAME=VALUE"),
        (["show", "a", "b"], "expected one sample name"),
        (["--count", "2"], "need a sample name"),
        (["show", "nope", "--count", "2"], "no built-in sample event 'nope'"),
    ],
)
def test_bad_requests_are_usage_errors(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert main(["events", *args]) == 2
    assert message in capsys.readouterr().err


def test_list_index_paths() -> None:
    event = json.loads(generate("sqs", [("messageAttributes.testAttr.dataType", "String")], None))
    assert all(r["messageAttributes"]["testAttr"]["dataType"] == "String" for r in event["Records"])
    with pytest.raises(EventError, match="not a field here"):
        generate("kafka-msk", [("headers.5.x", "1")], 1)
    assert json.loads(generate("kafka-msk", [("headers.0.k", "1")], 1))


def test_plain_show_and_list_still_work(capsys: pytest.CaptureFixture[str]) -> None:
    assert shown(capsys, "show", "sns")["Records"]
    assert main(["events"]) == 0
    assert "sqs-fifo" in capsys.readouterr().out


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out == f"toolkit {toolkit.__version__}\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "give the handler, or --template and a function"),
        (["x.py", "--parameter-overrides", "A=1"], "--parameter-overrides needs --template"),
        (["--template", "t.yaml", "--parameter-overrides", "ParameterKey=A"], "ParameterKey=K,"),
        (["--template", "t.yaml", "--parameter-overrides", "noequals"], "NAME=VALUE"),
    ],
)
def test_invoke_usage_errors(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert main(["invoke", *args]) == 2
    assert message in capsys.readouterr().err
