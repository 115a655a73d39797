"""toolkit.jsonline: strict JSON, a marker in place of each bad value, distinct key names,
bounded time and size."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from toolkit.jsonline import EMF_NUMBER_BOUND, MAX_LINE_BYTES, Encoder


def strict(line: str) -> dict[str, Any]:
    def refuse(token: str) -> None:
        raise AssertionError(f"non-strict JSON token {token}")

    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        names = [name for name, _ in pairs]
        assert len(names) == len(set(names)), f"duplicate names {names}"
        return dict(pairs)

    assert "\n" not in line and line.isascii()
    return json.loads(line, parse_constant=refuse, object_pairs_hook=no_duplicates)


def test_a_key_converted_to_a_string_never_duplicates_another_name() -> None:
    encode = Encoder()
    nested = {1: "int", "1": "str", None: "none", "null": "text", 2.5: "float"}
    record = strict(encode({"message": "m", "nested": nested, 1: "top int", "1": "top str"}))
    assert record["nested"] == {
        "1 (int)": "int",
        "1": "str",
        "null (NoneType)": "none",
        "null": "text",
        "2.5": "float",
    }
    assert (record["1 (int)"], record["1"]) == ("top int", "top str")


def test_only_the_bad_value_gets_a_marker() -> None:
    loop: list[Any] = []
    loop.append(loop)
    record = strict(
        Encoder()(
            {
                "message": "kept",
                "huge": 10**5000,
                "deep": {"a": [{"b": loop}]},
                "nan": [float("nan"), float("-inf")],
                "fine": 1,
            }
        )
    )
    assert record["message"] == "kept" and record["fine"] == 1
    assert record["huge"] == "<int of 16610 bits>"
    assert record["deep"] == {"a": [{"b": ["<circular reference>"]}]}
    assert record["nan"] == ["NaN", "-Infinity"]


def test_shared_references_without_a_cycle_finish_promptly_and_bounded() -> None:
    bomb: list[Any] = []
    for _ in range(64):
        bomb = [bomb, bomb]  # 2**64 paths, 65 distinct lists
    started = time.monotonic()
    line = Encoder()({"message": "m", "bomb": bomb})
    assert time.monotonic() - started < 2
    assert len(line) <= MAX_LINE_BYTES
    assert "<truncated" in line and strict(line)["message"] == "m"


def test_a_line_over_the_limit_keeps_the_named_members_and_says_what_was_cut() -> None:
    encode = Encoder(limit=4000)
    data = {
        "level": "INFO",
        "message": "é" * 10_000,
        "small": 1,
        "timestamp": "t",
        "payload": {"x": "y" * 10_000},
        "later": "z" * 3000,
    }
    line = encode(data, keep={"level", "timestamp"})
    record = strict(line)
    assert len(line) <= 4000
    assert (record["level"], record["timestamp"], record["small"]) == ("INFO", "t", 1)
    assert record["message"].startswith("ééé") and record["message"].endswith("...")
    marker = record["line_truncated"]
    assert marker["original_bytes"] > 60_000
    assert marker["cut"] == ["message"] and marker["dropped"] == ["payload", "later"]


def test_the_default_line_limit_is_cloudwatchs_event_limit() -> None:
    # 256 KiB per event, counting the message in UTF-8 plus 26 bytes (PutLogEvents).
    assert MAX_LINE_BYTES == 262_144 - 26
    line = Encoder()({"message": "x" * 300_000})
    assert MAX_LINE_BYTES - 2048 < len(line.encode()) <= MAX_LINE_BYTES


def test_emf_numbers_stay_within_cloudwatchs_range() -> None:
    encode = Encoder(number_bound=EMF_NUMBER_BOUND)
    record = strict(encode({"big": 10**400, "ok": [1, 2.5, -(2**300)], "tiny": 1e300}))
    assert record["big"] == str(10**400)
    assert record["ok"] == [1, 2.5, -(2**300)]
    assert record["tiny"] == "1e+300"


@pytest.mark.parametrize(
    "value",
    [
        {(1, 2): "tuple key"},
        type("BrokenStr", (), {"__str__": lambda self: 1 / 0})(),
        {"set": {1}},
    ],
)
def test_what_json_lacks_never_raises(value: Any) -> None:
    strict(Encoder()({"message": "m", "value": value}))


def test_members_shares_what_needed_no_change() -> None:
    encode = Encoder()
    clean = {"a": [1, "b", {"c": None}]}
    assert encode.members(clean) is clean
    assert encode.members({1: "x"}) == {"1": "x"}


def test_subclasses_and_odd_keys_become_plain_json() -> None:
    import enum

    class Level(enum.IntEnum):
        HIGH = 3

    class Text(str):
        pass

    class Ratio(float):
        pass

    encode = Encoder()
    value = {True: 1, False: 2, float("inf"): 3, "1 (int)": 4, "x": (Text("t"), Ratio(0.5))}
    record = strict(encode({"message": "m", "value": value, "level": Level.HIGH}))
    assert record["value"] == {
        "true": 1,
        "false": 2,
        "Infinity": 3,
        "1 (int)": 4,
        "x": ["t", 0.5],
    }
    assert record["level"] == 3
    assert encode.clean([Ratio(float("nan")), Level.HIGH, {3}]) == ["NaN", 3, "{3}"]


def test_a_converted_key_never_takes_a_name_already_there() -> None:
    record = strict(Encoder()({"v": {1: "a", "1": "b", "1 (int)": "c"}}))
    assert record["v"] == {"1 (int) #2": "a", "1": "b", "1 (int)": "c"}


def test_wide_containers_are_cut_with_a_count_of_what_is_left() -> None:
    wide = {f"k{index}": "v" * 100 for index in range(5000)}
    encode = Encoder()
    # each member is walked with a budget of the line limit, then the line is cut to fit
    record = strict(encode({"wide": {"nested": wide}}))
    assert record["wide"]["nested"]["<truncated>"].endswith("more members")
    line = encode({"long": [["w" * 100] * 5000]})
    assert strict(line)["long"][0][-1].startswith("<truncated: ")
    assert len(line) <= MAX_LINE_BYTES


def test_the_marker_lists_a_few_names_and_counts_the_rest() -> None:
    data = {"message": "m", **{f"big{index}": "b" * 5000 for index in range(20)}}
    record = strict(Encoder(limit=3000)(data))
    assert record["line_truncated"]["cut"] == ["big0"]
    assert record["line_truncated"]["dropped"][-1] == "... 11 more"
