"""Typed records over the real sample events, and the DynamoDB attribute value deserialiser."""

from __future__ import annotations

import base64
import binascii
import json
from decimal import Decimal
from types import MappingProxyType
from typing import Any

import pytest

from tests.conftest import load_event
from toolkit.batch import DynamoDBStreamRecord, KinesisStreamRecord, SQSRecord
from toolkit.parser.attribute_values import AttributeValueError, deserialize, deserialize_image


def records(name: str) -> list[dict[str, Any]]:
    event = load_event(name)
    assert isinstance(event, dict)
    return event["Records"]  # type: ignore[no-any-return]


def test_sqs_record_reads_the_sample_event() -> None:
    first, second = (SQSRecord(raw) for raw in records("sqsEvent.json"))
    assert first.message_id == "059f36b4-87a3-44ab-83d2-661975830a7d"
    assert first.body == "Test message."
    assert first.receipt_handle.startswith("AQEBwJnK")
    assert first.attributes.approximate_receive_count == 1
    assert first.attributes.sent_timestamp == 1545082649183
    assert first.attributes.approximate_first_receive_timestamp == 1545082649185
    assert first.attributes.sender_id == "AIDAIENQZJOLO23YVJ4VO"
    assert first.attributes["SenderId"] == first.attributes.get("SenderId")
    assert first.attributes.message_group_id is None
    attribute = first.message_attributes["testAttr"]
    assert (attribute.data_type, attribute.string_value, attribute.binary_value) == (
        "Number",
        "100",
        "base64Str",
    )
    assert first.md5_of_body == "e4e68fb7bd0e697a0ae8f1bb342846b3"
    assert first.event_source_arn == "arn:aws:sqs:us-east-2:123456789012:my-queue"
    assert first.aws_region == "us-east-2"
    assert first.queue_url == "https://sqs.us-east-2.amazonaws.com/123456789012/my-queue"
    assert first["body"] == "Test message."
    assert second.json_body == {"message": "foo1"}
    assert second.json_body is second.json_body  # parsed once
    assert second.message_attributes == {}
    raw = records("sqsEvent.json")[1]
    assert SQSRecord(raw).raw_event is raw  # a view, not a copy


def test_sqs_fifo_record_exposes_group_and_deduplication() -> None:
    (raw,) = records("snsSqsFifoEvent.json")
    record = SQSRecord(raw)
    assert record.message_group_id == "powertools-test"
    assert record.message_deduplication_id.startswith("4e0a0f61")  # type: ignore[union-attr]
    assert record.attributes.sequence_number == "18873177232222703872"
    assert record.attributes.message_group_id == "powertools-test"
    assert record.attributes.message_deduplication_id == record.message_deduplication_id
    assert json.loads(record.json_body["Message"]) == {
        "message": "hello world",
        "username": "lessa",
    }


def test_sqs_dlq_and_trace_attributes() -> None:
    record = SQSRecord(
        {"attributes": {"AWSTraceHeader": "Root=1", "DeadLetterQueueSourceArn": "a"}}
    )
    assert record.attributes.aws_trace_header == "Root=1"
    assert record.attributes.dead_letter_queue_source_arn == "a"
    assert record.attributes.sent_timestamp is None
    assert record.attributes.approximate_first_receive_timestamp is None
    assert record.queue_url is None
    china = SQSRecord({"eventSourceARN": "arn:aws-cn:sqs:cn-north-1:123456789012:q"})
    assert china.queue_url == "https://sqs.cn-north-1.amazonaws.com.cn/123456789012/q"


def test_reprs_show_the_identifier_and_never_the_body() -> None:
    secret = "password=hunter2"
    sqs = SQSRecord({"messageId": "m-1", "body": secret, "attributes": {"SenderId": "x"}})
    sqs_attribute = SQSRecord(
        {"messageAttributes": {"a": {"dataType": "String", "stringValue": secret}}}
    ).message_attributes["a"]
    texts = [repr(sqs), repr(sqs.attributes), repr(sqs_attribute)]
    kinesis_raw = {"kinesis": {"sequenceNumber": "7", "data": base64.b64encode(secret.encode())}}
    texts.append(repr(KinesisStreamRecord(kinesis_raw)))
    ddb = {
        "eventName": "INSERT",
        "dynamodb": {"SequenceNumber": "9", "NewImage": {"p": {"S": secret}}},
    }
    texts.append(repr(DynamoDBStreamRecord(ddb)))
    assert texts[0] == "SQSRecord(message_id='m-1')"
    assert "sequence_number='7'" in texts[3]
    assert "sequence_number='9'" in texts[4]
    for text in texts:
        assert "hunter2" not in text
        assert base64.b64encode(secret.encode()).decode() not in text


def test_kinesis_record_decodes_data() -> None:
    first, second = (KinesisStreamRecord(raw) for raw in records("kinesisStreamEvent.json"))
    assert first.sequence_number == "49590338271490256608559692538361571095921575989136588898"
    assert first.partition_key == "1"
    assert first.data == b"Hello, this is a test."
    assert first.data is first.data
    assert first.data_as_text == "Hello, this is a test."
    assert second.data_as_text == "This is only a test."
    assert first.approximate_arrival_timestamp == 1545084650.987
    assert first.kinesis_schema_version == "1.0"
    assert first.encryption_type is None
    assert first.event_id is not None and first.event_id.startswith("shardId-000000000006:")
    assert first.event_name == "aws:kinesis:record"
    payload = {"kinesis": {"data": base64.b64encode(b'{"temperature": 21.5}').decode()}}
    record = KinesisStreamRecord(payload)
    assert record.json_data == {"temperature": 21.5}
    assert record.json_data is record.json_data


def test_dynamodb_record_deserialises_images() -> None:
    insert, modify = (DynamoDBStreamRecord(raw) for raw in records("dynamoStreamEvent.json"))
    assert insert.event_name == "INSERT"
    assert insert.event_id == "1"
    assert insert.sequence_number == "111"
    assert insert.keys == {"Id": 101}
    assert insert.new_image == {"Message": "New item!", "Id": 101}
    assert insert.old_image is None
    assert insert.new_image is insert.new_image
    assert insert.keys is insert.keys
    assert insert.stream_view_type == "NEW_AND_OLD_IMAGES"
    assert insert.size_bytes == 26
    assert insert.approximate_creation_date_time == 1693997155.0
    assert insert.user_identity is None
    assert modify.old_image == {"Message": "New item!", "Id": 101}
    assert modify.new_image == {"Message": "This item has changed", "Id": 101}
    assert modify.sequence_number == "222"


def test_dynamodb_record_without_images_or_keys() -> None:
    record = DynamoDBStreamRecord({"dynamodb": {"SequenceNumber": "1"}})
    assert record.keys == {}
    assert record.new_image is None
    assert record.old_image is None


def test_every_attribute_value_type() -> None:
    blob = base64.b64encode(b"\x00\x01").decode()
    image = {
        "s": {"S": "text"},
        "n_int": {"N": "-42"},
        "n_big": {"N": "12345678901234567890123456789012345678"},  # 38 digits: a float can't
        "n_dec": {"N": "3.14"},
        "n_exp": {"N": "1E+2"},
        "b": {"B": blob},
        "yes": {"BOOL": True},
        "nothing": {"NULL": True},
        "m": {"M": {"inner": {"L": [{"S": "a"}, {"N": "1"}, {"M": {}}]}}},
        "ss": {"SS": ["a", "b"]},
        "ns": {"NS": ["1", "2.5"]},
        "bs": {"BS": [blob]},
    }
    assert deserialize_image(image) == {
        "s": "text",
        "n_int": -42,
        "n_big": 12345678901234567890123456789012345678,
        "n_dec": Decimal("3.14"),
        "n_exp": Decimal("1E+2"),
        "b": b"\x00\x01",
        "yes": True,
        "nothing": None,
        "m": {"inner": ["a", 1, {}]},
        "ss": {"a", "b"},
        "ns": {1, Decimal("2.5")},
        "bs": {b"\x00\x01"},
    }
    result = deserialize_image(image)
    assert type(result["n_int"]) is int
    assert type(result["n_dec"]) is Decimal
    assert deserialize({"B": b"raw"}) == b"raw"  # already bytes (e.g. from boto3)


@pytest.mark.parametrize(
    ("value", "path", "message"),
    [
        ({"S": "a", "N": "1"}, "", "exactly one type key"),
        ("plain", "", "exactly one type key"),
        ({"X": "1"}, "", "unknown type 'X'"),
        ({"N": "abc"}, "", "not a number"),
        ({"N": "1.2.3"}, "", "not a number"),
        ({"N": 5}, "", "must hold a string"),
        ({"B": "***"}, "", "not base64"),
        ({"L": "no"}, "", "L must hold a list"),
        ({"SS": "no"}, "", "SS must hold a list"),
        ({"M": []}, "", "expected an object"),
        ({"L": [{"S": "a"}, {"Q": 1}]}, "[1]", "unknown type"),
    ],
)
def test_bad_attribute_values_name_the_place(value: Any, path: str, message: str) -> None:
    with pytest.raises(AttributeValueError, match=message) as caught:
        deserialize(value)
    assert caught.value.path == path
    assert isinstance(caught.value, ValueError)


def test_bad_nested_value_path_and_no_value_in_message() -> None:
    with pytest.raises(AttributeValueError) as caught:
        deserialize_image({"card": {"M": {"pin": {"N": "secret-1234"}}}}, "NewImage")
    assert caught.value.path == "NewImage.card.pin"
    assert "secret-1234" not in str(caught.value)


@pytest.mark.parametrize(
    ("attribute", "message"),
    [
        ({"N": "abc"}, "N is not a number"),
        ({"N": "\u00b2"}, "N is not a number"),  # a digit to str.isdigit, not to int()
        ({"N": "1.2.3"}, "N is not a number"),
        ({"N": 7}, "N must hold a string"),
        ({"S": "a", "N": "1"}, "exactly one type key"),
        ("plain", "exactly one type key"),
        ({"Q": "1"}, "unknown type 'Q'"),
    ],
)
def test_bad_values_in_an_image_name_their_attribute(attribute: Any, message: str) -> None:
    image = {"Id": {"N": "1"}, "Name": {"S": "x"}, "Bad": attribute}
    with pytest.raises(AttributeValueError, match=message) as caught:
        deserialize_image(image, "NewImage")
    assert caught.value.path == "NewImage.Bad"
    with pytest.raises(AttributeValueError) as caught:
        deserialize_image(image)
    assert caught.value.path == "Bad"


def test_images_of_any_mapping_type_and_only_mappings() -> None:
    image = MappingProxyType({"on": {"BOOL": True}, "n": {"N": "-1e3"}, "s": {"S": ""}})
    assert deserialize_image(image) == {"on": True, "n": Decimal("-1e3"), "s": ""}
    with pytest.raises(AttributeValueError, match="expected an object of attribute values"):
        deserialize_image([("S", "x")], "Keys")


def test_cached_values_are_computed_once_even_when_falsy() -> None:
    record = DynamoDBStreamRecord({"dynamodb": {"SequenceNumber": "1"}})
    assert record.new_image is None and record.old_image is None  # KEYS_ONLY view
    assert record.keys == {} and record.keys is record.keys
    stream = {"data": ""}
    kinesis = KinesisStreamRecord({"kinesis": stream})
    assert kinesis.data == b""
    stream["data"] = "YQ=="
    assert kinesis.data == b""  # cached, not decoded again
    with pytest.raises(binascii.Error):
        KinesisStreamRecord({"kinesis": {"data": "abc"}}).data
    message = {"body": "null"}
    sqs = SQSRecord(message)
    assert sqs.json_body is None
    message["body"] = "1"
    assert sqs.json_body is None  # cached: None is a value, not "not parsed yet"


# --- strict AttributeValue rules (issue 7, B18) ---------------------------------------------

BLOB = base64.b64encode(b"\x00\x01").decode()
LARGEST = "9.9999999999999999999999999999999999999E+125"  # DynamoDB's largest number


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        # N: a string in DynamoDB's number format, nothing Python's int() also takes
        ({"N": "1_000"}, "N is not a number"),
        ({"N": " 12 "}, "N is not a number"),
        ({"N": "12\n"}, "N is not a number"),
        ({"N": "\u0661\u0662"}, "N is not a number"),  # Arabic-Indic digits: int() takes them
        ({"N": ""}, "N is not a number"),
        ({"N": "+-1"}, "N is not a number"),
        ({"N": "1e"}, "N is not a number"),
        ({"N": "."}, "N is not a number"),
        ({"N": "NaN"}, "N is not a number"),
        ({"N": "Infinity"}, "N is not a number"),
        ({"N": "0x10"}, "N is not a number"),
        ({"N": True}, "N must hold a string"),
        ({"N": "1" * 39}, "more than 38 significant digits"),
        ({"N": "1" * 5000}, "more than 38 significant digits"),  # int() refuses > 4300 digits
        ({"N": "1.00000000000000000000000000000000000001"}, "more than 38 significant digits"),
        ({"N": "1E+126"}, "out of DynamoDB's range"),
        ({"N": "-1E+126"}, "out of DynamoDB's range"),
        ({"N": "1E-131"}, "out of DynamoDB's range"),
        ({"N": "1e999999"}, "out of DynamoDB's range"),
        # BOOL / NULL / S: the JSON type DynamoDB sends
        ({"BOOL": "false"}, "BOOL must hold true or false"),
        ({"BOOL": 1}, "BOOL must hold true or false"),
        ({"BOOL": None}, "BOOL must hold true or false"),
        ({"NULL": False}, "NULL must hold true"),
        ({"NULL": "yes"}, "NULL must hold true"),
        ({"S": 5}, "S must hold a string"),
        ({"S": None}, "S must hold a string"),
        # B: base64 text
        ({"B": "YQ"}, "B is not base64"),  # no padding
        ({"B": " YQ=="}, "B is not base64"),
        ({"B": 5}, "B is not base64"),
        # sets: non-empty lists of distinct strings of the element type
        ({"SS": [{"S": "a"}]}, "SS must hold a list of strings"),
        ({"SS": ["a", 1]}, "SS must hold a list of strings"),
        ({"SS": "ab"}, "SS must hold a list of strings"),
        ({"SS": []}, "SS must not be empty"),
        ({"SS": ["a", "a"]}, "SS holds duplicates"),
        ({"NS": [1]}, "N must hold a string"),
        ({"NS": ["1", "1_0"]}, "N is not a number"),
        ({"NS": ["1", "1.0"]}, "NS holds duplicates"),  # the same number to DynamoDB
        ({"BS": ["***"]}, "B is not base64"),
        ({"BS": [BLOB, BLOB]}, "BS holds duplicates"),
        ({"BS": [{"B": BLOB}]}, "B is not base64"),
        # M / L
        ({"M": [["k", {"S": "v"}]]}, "expected an object of attribute values"),
        ({"L": {"S": "a"}}, "L must hold a list"),
    ],
)
def test_attribute_values_follow_dynamodb_rules(value: Any, rule: str) -> None:
    """Both ways in (a single value, and an image's inline fast path) apply the same rules and
    raise AttributeValueError naming the place and the rule, never the value."""
    with pytest.raises(AttributeValueError, match=rule) as caught:
        deserialize(value, "Item")
    assert caught.value.path.startswith("Item")
    assert isinstance(caught.value, ValueError)
    with pytest.raises(AttributeValueError, match=rule) as caught:
        deserialize_image({"Id": {"S": "1"}, "Bad": value}, "NewImage")
    assert caught.value.path.startswith("NewImage.Bad")
    assert repr(next(iter(value.values()))) not in str(caught.value)


@pytest.mark.parametrize(
    ("value", "path"),
    [
        ({"SS": ["a", {"S": "b"}]}, "NewImage.tags[1]"),
        ({"NS": ["1", "2", "x"]}, "NewImage.tags[2]"),
        ({"L": [{"S": "a"}, {"BOOL": "true"}]}, "NewImage.tags[1]"),
        ({"M": {"card": {"M": {"pin": {"N": "12 34"}}}}}, "NewImage.tags.card.pin"),
    ],
)
def test_attribute_value_errors_name_the_element(value: Any, path: str) -> None:
    with pytest.raises(AttributeValueError) as caught:
        deserialize_image({"tags": value}, "NewImage")
    assert caught.value.path == path
    assert "12 34" not in str(caught.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0", 0),
        ("-0", 0),
        ("+7", 7),
        ("007", 7),
        ("12345678901234567890123456789012345678", 12345678901234567890123456789012345678),
        ("100000000000000000000000000000000000000000", 10**41),  # 1 significant digit
        ("-12.50", Decimal("-12.50")),
        (".5", Decimal("0.5")),
        ("5.", Decimal("5")),
        ("1E+2", Decimal("1E+2")),
        ("1e-130", Decimal("1e-130")),
        (
            "9.9999999999999999999999999999999999999E+125",
            Decimal("9.9999999999999999999999999999999999999E+125"),
        ),
        (
            "-9.9999999999999999999999999999999999999E+125",
            Decimal("-9.9999999999999999999999999999999999999E+125"),
        ),
        ("0.000000000000000000000000000000000000000000", Decimal(0)),
        ("0E+999", Decimal(0)),  # zero has no magnitude to be out of range
    ],
)
def test_numbers_dynamodb_accepts(text: str, expected: Any) -> None:
    assert deserialize({"N": text}) == expected
    assert type(deserialize({"N": text})) is type(expected)
    assert deserialize_image({"n": {"N": text}}) == {"n": expected}
    assert deserialize({"NS": [text]}) == {expected}


def test_valid_scalars_and_sets_still_deserialise() -> None:
    assert deserialize({"BOOL": False}) is False
    assert deserialize({"NULL": True}) is None
    assert deserialize({"SS": ["a", "b"]}) == {"a", "b"}
    assert deserialize({"BS": [BLOB]}) == {b"\x00\x01"}
    assert deserialize_image({"on": {"BOOL": False}, "s": {"S": ""}}) == {"on": False, "s": ""}
