"""toolkit._typing's run-time stand-ins: they must let class statements and calls evaluate
exactly where the real ``typing`` names would."""

from __future__ import annotations

from toolkit import _typing


def test_generic_and_protocol_bases_are_subscriptable() -> None:
    T = _typing.TypeVar("T", bound="int")

    class Box(_typing.Generic[T]):
        def __init__(self, item: T) -> None:
            self.item = item

    class Sized(_typing.Protocol[T]):
        def size(self) -> int: ...

    assert Box[int] is Box
    assert Box(3).item == 3
    assert Sized[str] is Sized
    assert _typing.Generic.__slots__ == () == _typing.Protocol.__slots__


def test_overload_cast_and_type_checking() -> None:
    def first(value: int) -> int:
        return value

    assert _typing.overload(first) is first
    marker = object()
    assert _typing.cast("int", marker) is marker
    assert _typing.TYPE_CHECKING is False
