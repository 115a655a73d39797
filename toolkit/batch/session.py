"""What a processor remembers of the last batch it processed: Powertools' stateful API.

Powertools users write ``with processor(records, record_handler, lambda_context=context):
processed = processor.process()`` and then read ``processor.response()``,
``processor.success_messages``, ``processor.fail_messages`` and ``processor.exceptions``. A
:class:`LastBatch` holds what those need. The processor keeps it in a ``ContextVar`` of its
own, not on the instance, so one module-level processor still serves every thread (and every
asyncio task that processes its own batch) without one's batch showing in another's
``response()``; and it is remembered with the invocation that processed it, so a batch never
answers for the next invocation (how long a batch is kept: ``_PartialProcessor._keep``).

The lists are built on first access from the outcomes the run kept anyway: reading them
costs nothing to a caller who never does (``process_partial_response``). Only the
context-manager form's ``process()``, whose return value holds each handler's result, wraps
the parse step and the handler (:class:`Recorder`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from toolkit._typing import TYPE_CHECKING
from toolkit.timeout import LambdaTimeoutError

if TYPE_CHECKING:
    from types import TracebackType
    from typing import Any

    from toolkit.batch.processor import BatchResult

    ExceptionInfo = tuple[type[BaseException], BaseException, TracebackType | None]
    """``sys.exc_info()``'s shape, as in Powertools' ``processor.exceptions``."""

__all__ = ["LastBatch", "Recorder"]


class Recorder:
    """The parse step and the record handler of a context-manager run, wrapped to keep each
    record's item (what the handler received) and the handler's result.

    Items are stored by record index (found from the raw record's identity, as threads and
    tasks finish in any order); results by the item's identity, which the kept item pins.
    """

    __slots__ = ("_call", "_index", "_parse", "func", "items", "results")

    def __init__(
        self,
        parse: Callable[[Mapping[str, Any]], Any],
        call: Callable[[Any], Any],
        records: Sequence[Mapping[str, Any]],
    ) -> None:
        self._parse = parse
        self._call = call
        self.func = getattr(call, "func", call)  # what error messages name (a partial's target)
        self._index = {id(raw): index for index, raw in enumerate(records)}
        self.items: dict[int, Any] = {}
        self.results: dict[int, Any] = {}

    def parse(self, raw: Mapping[str, Any]) -> Any:
        item = self._parse(raw)
        self.items[self._index[id(raw)]] = item
        return item

    def __call__(self, item: Any) -> Any:
        result = self.results[id(item)] = self._call(item)
        return result

    async def call_async(self, item: Any) -> Any:
        result = self.results[id(item)] = await self._call(item)
        return result


class LastBatch:
    """One batch a processor was given (``processor(records, handler, lambda_context=...)``)
    or processed (``processor.process(event, handler)``), and its outcome once processed.

    ``outcomes`` is the run's per-record list: ``None`` for a record whose handler returned,
    the exception otherwise. ``to_item`` turns a raw record into what a handler receives, and
    ``to_record`` into the typed record (a record the model rejected is given as that, as in
    Powertools).
    """

    __slots__ = (
        "_exceptions",
        "_fail_messages",
        "_success_messages",
        "context",
        "handler",
        "invocation",
        "outcomes",
        "recorder",
        "records",
        "result",
        "to_item",
        "to_record",
    )

    def __init__(
        self,
        records: Sequence[Mapping[str, Any]],
        handler: Any,
        context: Any,
        invocation: Any,
        *,
        to_item: Callable[[Mapping[str, Any]], Any],
        to_record: Callable[[Mapping[str, Any]], Any],
    ) -> None:
        self.records = records
        self.handler = handler
        self.context = context
        self.invocation = invocation
        self.to_item = to_item
        self.to_record = to_record
        self.outcomes: list[Any] | None = None
        self.result: BatchResult | None = None
        self.recorder: Recorder | None = None
        self._success_messages: list[Any] | None = None
        self._fail_messages: list[Any] | None = None
        self._exceptions: list[ExceptionInfo] | None = None

    def settle(self, outcomes: list[Any], result: BatchResult) -> None:
        self.outcomes = outcomes
        self.result = result
        self._success_messages = self._fail_messages = self._exceptions = None

    @property
    def success_messages(self) -> list[Any]:
        """The raw records whose handler returned, in record order (Powertools' shape)."""
        if self._success_messages is None:
            self._success_messages = [
                raw
                for raw, outcome in zip(self.records, self.outcomes or (), strict=False)
                if outcome is None
            ]
        return self._success_messages

    @property
    def fail_messages(self) -> list[Any]:
        """What the handler received for each failed record, in record order: the model
        instance or typed record, the typed record when the model rejected it."""
        if self._fail_messages is None:
            self._fail_messages = [
                self._item(index, raw)
                for index, (raw, outcome) in enumerate(
                    zip(self.records, self.outcomes or (), strict=False)
                )
                if outcome is not None
            ]
        return self._fail_messages

    @property
    def exceptions(self) -> list[ExceptionInfo]:
        """``(type, exception, traceback)`` for each failed record, in record order."""
        if self._exceptions is None:
            self._exceptions = [
                (type(outcome), outcome, outcome.__traceback__)
                for outcome in self.outcomes or ()
                if outcome is not None
            ]
        return self._exceptions

    def processed(self) -> list[tuple[str, Any, Any]]:
        """What Powertools' ``process()`` returns: ``("success", result, raw record)`` or
        ``("fail", "<class 'T'>:message", item)`` per record, in record order."""
        results = self.recorder.results if self.recorder is not None else {}
        entries: list[tuple[str, Any, Any]] = []
        for index, (raw, outcome) in enumerate(
            zip(self.records, self.outcomes or (), strict=False)
        ):
            if outcome is None:
                item = self.recorder.items.get(index) if self.recorder is not None else None
                entries.append(("success", results.get(id(item)), raw))
            else:
                entries.append(("fail", f"{type(outcome)}:{outcome}", self._item(index, raw)))
        return entries

    def _item(self, index: int, raw: Mapping[str, Any]) -> Any:
        """The item the handler got for record ``index``; for a record it never got to (a
        skipped one), or one the model rejected, the item it would get, else the typed record."""
        if self.recorder is not None and index in self.recorder.items:
            return self.recorder.items[index]
        try:
            return self.to_item(raw)
        except LambdaTimeoutError:
            raise
        except Exception:  # the model rejects it: Powertools gives the typed record then
            return self.to_record(raw)
