"""The asyncio processor: record handlers are coroutines, run concurrently on SQS standard
queues (bounded by ``concurrency``) and one after the other on streams."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping, Sequence

from toolkit import context as _context
from toolkit._typing import TYPE_CHECKING, overload
from toolkit.batch.errors import BatchConfigurationError
from toolkit.batch.event_types import EventType
from toolkit.batch.processor import (
    _PENDING,
    _UNSET,
    BatchResult,
    Outcome,
    _FailureLog,
    _PartialProcessor,
)
from toolkit.batch.session import LastBatch, Recorder
from toolkit.timeout import LambdaTimeoutError

if TYPE_CHECKING:
    from typing import Any

    from toolkit.batch.processor import RecordHandler, Report

__all__ = ["AsyncBatchProcessor"]

_UNBOUNDED = 2**31 - 1  # concurrency=None on SQS: every record of the batch at once


class AsyncBatchProcessor(_PartialProcessor):
    """Like :class:`~toolkit.batch.BatchProcessor` for ``async def`` record handlers.

    ``concurrency`` bounds how many records are in flight at once (an ``asyncio.Semaphore``);
    ``None`` means all the records of the batch at once on SQS. Streams, and
    ``stop_on_first_failure``, are processed in order, one at a time.
    """

    def __init__(
        self,
        event_type: EventType,
        model: Any = None,
        raise_on_entire_batch_failure: bool = True,
        logger: logging.Logger | None = None,
        *,
        stop_on_first_failure: bool = False,
        concurrency: int | None = None,
    ) -> None:
        ordered = not isinstance(event_type, EventType) or event_type.is_stream
        if concurrency is None:
            concurrency = 1 if ordered or stop_on_first_failure else _UNBOUNDED
        super().__init__(
            event_type,
            model,
            raise_on_entire_batch_failure,
            stop_on_first_failure=stop_on_first_failure,
            concurrency=concurrency,
            parameter="concurrency",
            logger=logger,
        )
        self._async = True

    @overload
    def process(self) -> list[tuple[str, Any, Any]]: ...
    @overload
    def process(
        self, event: Any, record_handler: RecordHandler, context: Any = None
    ) -> BatchResult: ...
    def process(
        self, event: Any = _UNSET, record_handler: RecordHandler | None = None, context: Any = None
    ) -> Any:
        """Process the batch on a new event loop (``asyncio.run``); from code already running
        in a loop, ``await process_async(...)`` instead. Without arguments, the same as
        :meth:`async_process`."""
        if event is _UNSET:
            return self.async_process()
        self._no_running_loop()
        records, ids, call = self._prepare(event, record_handler, context)
        batch = self._batch(records, record_handler, context)
        return self._settle(self._loop(batch, records, ids, call, self._parse))

    def async_process(self) -> list[tuple[str, Any, Any]]:
        """Inside ``with processor(records, record_handler):``, process that batch on a new
        event loop and return Powertools' list of ``("success", result, record)`` and
        ``("fail", "<class 'T'>:message", item)`` tuples; leaving the block raises when every
        record failed."""
        self._no_running_loop()
        batch = self._given()
        records, ids, call = self._prepare({"Records": batch.records}, batch.handler, batch.context)
        recorder = batch.recorder = Recorder(self._parse, call, records)
        self._loop(batch, records, ids, recorder.call_async, recorder.parse)
        return batch.processed()

    def _no_running_loop(self) -> None:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return
        raise BatchConfigurationError(
            "an event loop is already running in this thread: "
            "use `await processor.process_async(event, record_handler)` there"
        )

    def _loop(
        self,
        batch: LastBatch,
        records: Sequence[Mapping[str, Any]],
        ids: list[str],
        call: RecordHandler,
        parse: Callable[[Mapping[str, Any]], Any],
    ) -> BatchResult:
        outcomes: list[Outcome] = [_PENDING] * len(ids)
        report = _FailureLog(self.model, self.logger)
        try:
            asyncio.run(self._run(records, ids, call, outcomes, report, parse=parse))
        except LambdaTimeoutError as timeout:  # wherever in the loop the alarm landed
            return self._complete(batch, ids, outcomes, timeout)
        return self._complete(batch, ids, outcomes, None)

    async def process_async(
        self, event: Any, record_handler: RecordHandler, context: Any = None
    ) -> BatchResult:
        """Process the batch in the running event loop."""
        records, ids, call = self._prepare(event, record_handler, context)
        batch = self._batch(records, record_handler, context)
        outcomes: list[Outcome] = [_PENDING] * len(ids)
        report = _FailureLog(self.model, self.logger)
        try:
            await self._run(records, ids, call, outcomes, report, parse=self._parse)
        except LambdaTimeoutError as timeout:
            return self._complete(batch, ids, outcomes, timeout)
        return self._settle(self._complete(batch, ids, outcomes, None))

    async def _one(
        self,
        raw: Mapping[str, Any],
        identifier: str,
        call: RecordHandler,
        report: Report,
        *,
        parse: Callable[[Mapping[str, Any]], Any],
    ) -> Outcome:
        """The record's outcome: ``None``, or what its model or handler raised (reported, see
        ``_FailureLog``); a ``LambdaTimeoutError`` is returned for the caller to raise."""
        item = _PENDING
        try:
            with _context.scope("record", batch_record_id=identifier):
                item = parse(raw)
                await call(item)
        except LambdaTimeoutError as timeout:
            return timeout
        except Exception as error:
            report(identifier, error, item is _PENDING)
            return error
        return None

    async def _run(
        self,
        records: Sequence[Mapping[str, Any]],
        ids: list[str],
        call: RecordHandler,
        outcomes: list[Outcome],
        report: Report,
        *,
        parse: Callable[[Mapping[str, Any]], Any],
    ) -> None:
        if self._concurrency == 1:
            for index, raw in enumerate(records):
                outcome = outcomes[index] = await self._one(
                    raw, ids[index], call, report, parse=parse
                )
                if isinstance(outcome, LambdaTimeoutError):
                    raise outcome
                if outcome is not None and self.stop_on_first_failure:
                    self._skip_rest(outcomes, index + 1)
                    return
            return
        limit = asyncio.Semaphore(min(self._concurrency, max(len(ids), 1)))

        async def bounded(index: int) -> None:
            async with limit:
                outcome = outcomes[index] = await self._one(
                    records[index], ids[index], call, report, parse=parse
                )
            if isinstance(outcome, LambdaTimeoutError):
                raise outcome

        # each task runs in a copy of this context: scope keys of concurrent records stay apart
        tasks = [asyncio.ensure_future(bounded(index)) for index in range(len(ids))]
        try:
            await asyncio.gather(*tasks)
        except BaseException:
            for task in tasks:
                task.cancel()
            raise
