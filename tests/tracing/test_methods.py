from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from toolkit.testing import XRayCapture, lambda_context
from toolkit.tracing import Tracer

tracer = Tracer("svc")
MODULE = __name__


@tracer.capture_method
def double(x: int) -> int:
    return triple(x) * 2 // 3


@tracer.capture_method(capture_response=False)
def triple(x: int) -> int:
    return x * 3


@tracer.capture_method
async def slow(x: int) -> int:
    await asyncio.sleep(0.05)
    return x


@tracer.capture_method
def numbers(n: int) -> Iterator[int]:
    yield from range(n)


@contextmanager
@tracer.capture_method
def opened(name: str) -> Iterator[str]:
    yield name


@tracer.capture_method
async def agen(n: int) -> AsyncIterator[int]:
    for i in range(n):
        await asyncio.sleep(0)
        yield i


@tracer.capture_method
def fails() -> None:
    raise RuntimeError("method failed")


def traced(body: Any) -> Any:
    @tracer.capture_lambda_handler(capture_response=False)
    def handler(event: object, context: object) -> Any:
        return body()

    return handler({}, lambda_context())


def docs(xray: XRayCapture) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for doc in xray.flush():
        out.setdefault(doc["name"], []).append(doc)
    return out


def test_nested_methods_have_their_caller_as_parent(xray: XRayCapture) -> None:
    assert traced(lambda: double(2)) == 4
    found = docs(xray)
    (handler,) = found["## handler"]
    (outer,) = found[f"## {MODULE}.double"]
    (inner,) = found[f"## {MODULE}.triple"]
    assert outer["parent_id"] == handler["id"]
    assert inner["parent_id"] == outer["id"]
    assert outer["metadata"] == {"svc": {"double response": 4}}
    assert "metadata" not in inner
    # children are sent as they close, before their parent
    assert [d["name"] for d in xray.documents][-1] == "## handler"


def test_async_methods_cover_the_await_and_concurrent_tasks_nest_correctly(
    xray: XRayCapture,
) -> None:
    async def both() -> list[int]:
        return list(await asyncio.gather(slow(1), slow(2)))

    assert traced(lambda: asyncio.run(both())) == [1, 2]
    found = docs(xray)
    (handler,) = found["## handler"]
    subs = found[f"## {MODULE}.slow"]
    assert len(subs) == 2
    for doc in subs:
        assert doc["parent_id"] == handler["id"]
        assert doc["end_time"] - doc["start_time"] >= 0.045
    assert sorted(d["metadata"]["svc"]["slow response"] for d in subs) == [1, 2]


def test_generator_subsegment_covers_the_iteration(xray: XRayCapture) -> None:
    def body() -> list[int]:
        out = []
        for i in numbers(3):
            time.sleep(0.01)
            out.append(double(i))
        return out

    assert traced(body) == [0, 2, 4]
    found = docs(xray)
    (gen,) = found[f"## {MODULE}.numbers"]
    assert gen["parent_id"] == found["## handler"][0]["id"]
    assert gen["end_time"] - gen["start_time"] >= 0.025
    # calls made by the consumer while the generator is open nest under it
    assert {d["parent_id"] for d in found[f"## {MODULE}.double"]} == {gen["id"]}


def test_contextmanager_subsegment_covers_the_with_block(xray: XRayCapture) -> None:
    def body() -> int:
        with opened("res") as name:
            assert name == "res"
            time.sleep(0.02)
            return double(1)

    traced(body)
    found = docs(xray)
    (block,) = found[f"## {MODULE}.opened"]
    assert block["end_time"] - block["start_time"] >= 0.02
    assert found[f"## {MODULE}.double"][0]["parent_id"] == block["id"]


def test_async_generator_is_traced(xray: XRayCapture) -> None:
    async def consume() -> list[int]:
        return [i async for i in agen(3)]

    assert traced(lambda: asyncio.run(consume())) == [0, 1, 2]
    found = docs(xray)
    assert found[f"## {MODULE}.agen"][0]["parent_id"] == found["## handler"][0]["id"]


def test_method_error_recorded_on_its_subsegment_and_referenced_by_the_handler(
    xray: XRayCapture,
) -> None:
    with pytest.raises(RuntimeError):
        traced(fails)
    found = docs(xray)
    (method,) = found[f"## {MODULE}.fails"]
    (handler,) = found["## handler"]
    (exception,) = method["cause"]["exceptions"]
    assert exception["type"] == "RuntimeError"
    assert method["metadata"]["svc"]["fails error"]["message"] == "method failed"
    assert handler["cause"] == exception["id"]  # the SDK links, it does not repeat
    assert handler["fault"] is True


def test_generator_error_is_recorded(xray: XRayCapture) -> None:
    @tracer.capture_method
    def broken() -> Iterator[int]:
        yield 1
        raise LookupError("gone")

    with pytest.raises(LookupError):
        traced(lambda: list(broken()))
    found = docs(xray)
    (gen,) = [d for name, ds in found.items() if name.endswith(".broken") for d in ds]
    assert gen["cause"]["exceptions"][0]["type"] == "LookupError"


def test_subsegment_blocks_sync_and_async(xray: XRayCapture) -> None:
    def body() -> None:
        with tracer.subsegment("load") as sub:
            sub.put_annotation("table", "orders")
            sub.put_metadata("rows", [1, 2])
            tracer.put_annotation("inner", True)

        async def work() -> None:
            async with tracer.subsegment("fetch") as sub:
                sub.put_metadata("n", 1, namespace="custom")

        asyncio.run(work())
        with pytest.raises(ZeroDivisionError), tracer.subsegment("broken"):
            _ = 1 / 0

    traced(body)
    found = docs(xray)
    handler_id = found["## handler"][0]["id"]
    (load,) = found["load"]
    assert load["parent_id"] == handler_id
    assert load["annotations"] == {"table": "orders", "inner": True}
    assert load["metadata"] == {"svc": {"rows": [1, 2]}}
    assert found["fetch"][0]["metadata"] == {"custom": {"n": 1}}
    assert found["broken"][0]["cause"]["exceptions"][0]["type"] == "ZeroDivisionError"


def test_put_metadata_and_annotation_go_to_the_current_subsegment(xray: XRayCapture) -> None:
    @tracer.capture_method
    def annotate() -> None:
        tracer.put_annotation("order_id", 42)
        tracer.put_metadata("payload", {"a": 1})
        tracer.put_metadata("other", "x", namespace="ns")

    traced(annotate)
    found = docs(xray)
    (doc,) = [d for name, ds in found.items() if name.endswith(".annotate") for d in ds]
    assert doc["annotations"] == {"order_id": 42}
    assert doc["metadata"]["svc"]["payload"] == {"a": 1}
    assert doc["metadata"]["ns"] == {"other": "x"}


def test_generator_finishing_after_its_caller_returned_leaves_no_closed_span_current(
    xray: XRayCapture,
) -> None:
    @tracer.capture_method
    def start() -> Iterator[int]:
        gen = numbers(3)
        next(gen)
        return gen

    def body() -> int:
        rest = list(start())
        tracer.put_annotation("after", len(rest))
        return double(1)

    traced(body)
    found = docs(xray)
    handler = found["## handler"][0]
    assert found[f"## {MODULE}.double"][0]["parent_id"] == handler["id"]
    assert handler["annotations"]["after"] == 2


def test_untraced_generators_and_async_paths_run_unchanged(xray: XRayCapture) -> None:
    @tracer.capture_method(capture_response=False, capture_error=False)
    async def quiet() -> int:
        return 7

    @tracer.capture_method
    async def raises() -> None:
        raise OSError("async failure")

    async def consume() -> list[int]:
        return [i async for i in agen(2)]

    assert list(numbers(2)) == [0, 1]
    assert asyncio.run(consume()) == [0, 1]
    assert asyncio.run(quiet()) == 7
    assert xray.flush() == []

    async def both() -> int:
        with pytest.raises(OSError):
            await raises()
        return await quiet()

    assert traced(lambda: asyncio.run(both())) == 7
    found = docs(xray)
    (quiet_doc,) = [d for n, ds in found.items() if n.endswith(".quiet") for d in ds]
    (raises_doc,) = [d for n, ds in found.items() if n.endswith(".raises") for d in ds]
    assert "metadata" not in quiet_doc
    assert raises_doc["metadata"]["svc"]["raises error"]["type"] == "OSError"


def test_async_generator_error_and_early_close(xray: XRayCapture) -> None:
    @tracer.capture_method
    async def broken() -> AsyncIterator[int]:
        yield 1
        raise KeyError("agen")

    async def run() -> None:
        with pytest.raises(KeyError):
            async for _ in broken():
                pass
        gen = agen(5)
        assert await gen.__anext__() == 0
        await gen.aclose()

    traced(lambda: asyncio.run(run()))
    found = docs(xray)
    (broken_doc,) = [d for n, ds in found.items() if n.endswith(".broken") for d in ds]
    assert broken_doc["cause"]["exceptions"][0]["type"] == "KeyError"
    (closed,) = found[f"## {MODULE}.agen"]
    assert "cause" not in closed


def test_generator_closed_early_is_not_an_error(xray: XRayCapture) -> None:
    def body() -> int:
        gen = numbers(5)
        first = next(gen)
        gen.close()
        return first

    assert traced(body) == 0
    (gen_doc,) = docs(xray)[f"## {MODULE}.numbers"]
    assert "cause" not in gen_doc


def test_nested_toolkit_handler_is_a_child_subsegment(xray: XRayCapture) -> None:
    @tracer.capture_lambda_handler
    def inner(event: object, context: object) -> str:
        return "inner"

    assert traced(lambda: inner({}, None)) == "inner"
    found = docs(xray)
    assert found["## inner"][0]["parent_id"] == found["## handler"][0]["id"]


def test_interleaved_generators_never_record_into_a_closed_subsegment(xray: XRayCapture) -> None:
    def body() -> int:
        first, second = numbers(2), numbers(2)
        next(first)
        next(second)  # opened while `first` is current: its child
        list(first)
        list(second)  # hands back `first`, already closed
        tracer.put_annotation("after", True)
        return double(1)

    traced(body)
    found = docs(xray)
    handler = found["## handler"][0]
    assert handler["annotations"]["after"] is True
    assert found[f"## {MODULE}.double"][0]["parent_id"] == handler["id"]
