"""Batch processors: run a record handler over each record of an SQS, Kinesis or DynamoDB
Streams batch and build the ``batchItemFailures`` response.

A processor's own attributes are configuration only: everything about one batch lives in the
call that processes it (and in its :class:`BatchResult`), and what Powertools' stateful API
reads afterwards (``response()``, ``fail_messages``...) in a ``ContextVar`` of the processor
(:mod:`toolkit.batch.session`), so one module-level processor serves every invocation, and
threads, without sharing state between them.

Outcomes are kept per record in record order: ``None`` for a handler that returned, the
exception otherwise, and a pending marker for records never reached. Whatever interrupts the
run (a failure that stops a FIFO batch, a :class:`~toolkit.timeout.LambdaTimeoutError`),
any record not known to have succeeded is reported as failed: a record may be delivered
twice, never lost. Each failed record is logged at ERROR (see :func:`_log`), and
``SystemExit`` / ``KeyboardInterrupt`` are not record failures: they stop the batch and
propagate, with worker threads as without.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from contextvars import ContextVar, copy_context

from toolkit import context as _context
from toolkit._typing import TYPE_CHECKING, overload
from toolkit.batch.errors import (
    BatchConfigurationError,
    BatchEventError,
    BatchProcessingError,
    RecordSkippedError,
    SQSFifoCircuitBreakerError,
    SQSFifoMessageGroupCircuitBreakerError,
)
from toolkit.batch.event_types import EventType, identifiers
from toolkit.batch.session import LastBatch, Recorder
from toolkit.parser.errors import describe, field_errors
from toolkit.timeout import LambdaTimeoutError

if TYPE_CHECKING:
    from types import TracebackType
    from typing import Any, TypedDict

    from toolkit.batch.session import ExceptionInfo

__all__ = [
    "BatchProcessor",
    "BatchResult",
    "PartialItemFailure",
    "PartialItemFailureResponse",
    "SqsFifoPartialProcessor",
]

logger = logging.getLogger("toolkit.batch")

Outcome = object  # None (succeeded), a BaseException (failed) or _PENDING (never finished)
_PENDING: Any = object()
_UNSET: Any = object()  # process() without arguments: the batch given to processor(...)


if TYPE_CHECKING:
    RecordHandler = Callable[..., Any]
    Report = Callable[[str, BaseException, bool], None]  # _FailureLog.__call__

    class PartialItemFailure(TypedDict):
        itemIdentifier: str

    class PartialItemFailureResponse(TypedDict):
        batchItemFailures: list[PartialItemFailure]

else:
    # What a TypedDict is at run time (calling one builds a dict), without importing typing.
    PartialItemFailure = PartialItemFailureResponse = dict


class BatchResult:
    """What happened to one batch. ``failures`` lists ``(identifier, exception)`` in record
    order; ``timed_out`` is the :class:`LambdaTimeoutError` that cut the batch short, if any."""

    __slots__ = ("failures", "size", "timed_out")

    def __init__(
        self,
        size: int,
        failures: list[tuple[str, BaseException]],
        timed_out: LambdaTimeoutError | None,
    ) -> None:
        self.size = size
        self.failures = failures
        self.timed_out = timed_out

    @property
    def succeeded(self) -> int:
        return self.size - len(self.failures)

    def response(self) -> PartialItemFailureResponse:
        """The handler response for an event source mapping with ``ReportBatchItemFailures``."""
        return {
            "batchItemFailures": [{"itemIdentifier": identifier} for identifier, _ in self.failures]
        }

    def __repr__(self) -> str:
        return f"BatchResult(size={self.size}, failed={len(self.failures)})"


class HandlerTraits:
    __slots__ = ("is_async", "wants_context")

    def __init__(self, wants_context: bool, is_async: bool) -> None:
        self.wants_context = wants_context  # declares a ``lambda_context`` parameter
        self.is_async = is_async  # an ``async def`` (possibly under decorators: ``__wrapped__``)


def _inspect(handler: RecordHandler) -> HandlerTraits:
    import inspect  # ~10 ms at cold start; paid once, by the first batch, not by every import

    try:
        wants = "lambda_context" in inspect.signature(handler).parameters
    except (TypeError, ValueError):  # builtins without a signature take no lambda_context
        wants = False
    target = inspect.unwrap(handler)
    is_async = inspect.iscoroutinefunction(target) or inspect.iscoroutinefunction(
        getattr(target, "__call__", None)  # noqa: B004 - an object with an async __call__
    )
    return HandlerTraits(wants, is_async)


_cached_inspect = functools.lru_cache(maxsize=256)(_inspect)


def handler_traits(handler: RecordHandler) -> HandlerTraits:
    """What the processor needs to know about a record handler, inspected once per handler
    (``inspect.signature`` costs tens of microseconds), not per record."""
    try:
        return _cached_inspect(handler)
    except TypeError:  # an unhashable callable: nothing to cache it under
        return _inspect(handler)


def _describe_validation(error: BaseException) -> str:
    """Where and why a model rejected a record, without the input (it may hold secrets)."""
    try:
        return describe(field_errors(error), root="<record>")
    except LambdaTimeoutError:
        raise
    except Exception:  # not a pydantic error: its type is all we can say safely
        return type(error).__name__


def _log(chosen: logging.Logger | None = None) -> logging.Logger:
    """Where the batch reports: the processor's ``logger=`` if given, else the toolkit Logger
    that wraps the current invocation (its lines carry the invocation's keys and go to its
    stream), else the stdlib logger ``toolkit.batch``."""
    if chosen is not None:
        return chosen
    invocation = _context.current()
    active = invocation.logger if invocation is not None else None
    return active if active is not None else logger


def _not_awaited(returned: Any, call: RecordHandler) -> BatchConfigurationError:
    """The failure of a record whose sync handler returned an awaitable: an ``async def``
    hidden from the processor's check (by a lambda, or a decorator without
    ``functools.wraps``) ran none of its code, so the record must not count as processed.
    A coroutine is closed, which also keeps Python from warning it was never awaited."""
    close = getattr(returned, "close", None)
    if callable(close):
        close()
    function = getattr(call, "func", call)  # a partial binding lambda_context
    name = getattr(function, "__qualname__", type(function).__name__)
    return BatchConfigurationError(
        f"the record handler {name!r} returned a {type(returned).__name__} without running "
        "it: it wraps an `async def` (through a lambda, or a decorator without "
        "functools.wraps) that this processor cannot await. Make the record handler an "
        "`async def` (with functools.wraps on its decorators) and use AsyncBatchProcessor"
    )


class _FailureLog:
    """Logs the failed records of one batch at ERROR, through :func:`_log`.

    Each failure is one line with the record's identifier and the exception's type and
    message. The traceback (down to the user's own ``raise``) is attached to the first record
    that failed from a given place (same exception type, same frames); later ones from the
    same place name that record instead. Formatting a traceback costs over 100 us, so a
    poison-pill batch would otherwise spend seconds, and megabytes of logs, repeating one.

    A record the model rejected is described by each error's location and type instead: a
    pydantic error's text and a validator's message quote the input, which may hold secrets.
    Logging never takes a record down, nor lets a ``LambdaTimeoutError`` pass unnoticed.
    """

    __slots__ = ("_logger", "_model", "_origins")

    def __init__(self, model: Any, logger: logging.Logger | None) -> None:
        self._model = model
        self._logger = logger
        self._origins: dict[tuple[Any, ...], str] = {}

    def __call__(self, identifier: str, error: BaseException, parsing: bool) -> None:
        try:
            if parsing and self._model is not None:
                self._emit(
                    identifier,
                    "batch record %s failed validation against %s: %s",
                    (
                        identifier,
                        getattr(self._model, "__name__", self._model),
                        _describe_validation(error),
                    ),
                )
                return
            origin = _origin(error)
            first = self._origins.setdefault(origin, identifier)
            if first is identifier:
                self._emit(
                    identifier,
                    "batch record %s failed: %s: %s",
                    (identifier, type(error).__name__, error),
                    (type(error), error, error.__traceback__),
                )
            else:
                self._emit(
                    identifier,
                    "batch record %s failed: %s: %s (traceback as for batch record %s)",
                    (identifier, type(error).__name__, error, first),
                )
        except LambdaTimeoutError:
            raise
        except Exception:  # a broken log handler must not fail the record a second time
            pass

    def _emit(
        self,
        identifier: str,
        message: str,
        args: tuple[Any, ...],
        exc_info: ExceptionInfo | None = None,
    ) -> None:
        """One ERROR line, with ``batch_record_id`` on the record.

        A plain stdlib logger gets the record its ``error()`` would make, but without the
        search for the calling frame (it is always this method): about a quarter of a line's
        cost, paid per failed record (see ``bench/bench_batch.py``). Any other logger class (a
        toolkit Logger, a ``logging.setLoggerClass`` one) is called as usual. Level, filters,
        ``disabled`` and handlers apply either way (``handle`` is the same call).
        """
        log = _log(self._logger)
        extra = {"batch_record_id": identifier}
        if type(log) is logging.Logger:
            if log.isEnabledFor(logging.ERROR):
                log.handle(
                    log.makeRecord(
                        log.name,
                        logging.ERROR,
                        __file__,
                        _EMIT_LINE,
                        message,
                        args,
                        exc_info,
                        "_emit",
                        extra,
                    )
                )
        else:
            log.error(message, *args, exc_info=exc_info, extra=extra)


_EMIT_LINE = _FailureLog._emit.__code__.co_firstlineno


def _origin(error: BaseException) -> tuple[Any, ...]:
    """Where ``error`` was raised from: its type and the file and line of each frame (file
    names hash once; hashing a code object walks its constants every time)."""
    origin: list[Any] = [type(error)]
    tb = error.__traceback__
    while tb is not None:
        origin.append((tb.tb_frame.f_code.co_filename, tb.tb_lineno))
        tb = tb.tb_next
    return tuple(origin)


class _PartialProcessor:
    """Configuration and per-record mechanics shared by the sync and async processors."""

    def __init__(
        self,
        event_type: EventType,
        model: Any,
        raise_on_entire_batch_failure: bool,
        *,
        stop_on_first_failure: bool,
        concurrency: int,
        parameter: str,
        logger: logging.Logger | None,
    ) -> None:
        if not isinstance(event_type, EventType):
            raise BatchConfigurationError(
                f"event_type must be an EventType (SQS, KinesisDataStreams, DynamoDBStreams), "
                f"not {event_type!r}"
            )
        if model is not None and not callable(getattr(model, "model_validate", None)):
            raise BatchConfigurationError(
                f"model must be a pydantic model class (with model_validate), not {model!r}"
            )
        if logger is not None and not isinstance(logger, logging.Logger):
            raise BatchConfigurationError(
                f"logger must be a logging.Logger (a toolkit Logger is one), not {logger!r}"
            )
        if not isinstance(concurrency, int) or concurrency < 1:
            raise BatchConfigurationError(
                f"{parameter} must be a positive int, not {concurrency!r}"
            )
        if concurrency > 1 and (event_type.is_stream or stop_on_first_failure):
            what = f"{event_type} records" if event_type.is_stream else "stop_on_first_failure"
            raise BatchConfigurationError(
                f"{parameter}={concurrency} cannot be used with {what}: processing must follow "
                "record order there; leave it unset"
            )
        self.event_type = event_type
        self.model = model
        self.raise_on_entire_batch_failure = raise_on_entire_batch_failure
        self.stop_on_first_failure = stop_on_first_failure
        self.logger = logger
        self._concurrency = concurrency
        # the last batch given or processed in this context (see toolkit.batch.session)
        self._last: ContextVar[LastBatch | None] = ContextVar(f"toolkit.batch.{id(self)}")
        self._stop_reason = "stop_on_first_failure: an earlier record of the batch failed"
        self._skipped: type[RecordSkippedError] = RecordSkippedError
        # what the handler receives: the validated model, or the typed record
        self._parse: Callable[[Mapping[str, Any]], Any] = (
            model.model_validate if model is not None else event_type.record_type
        )
        self._by_group = False  # skip only the failed record's message group (FIFO)
        self._async = False  # record handlers are coroutine functions

    def _prepare(
        self, event: Any, record_handler: RecordHandler | None, context: Any
    ) -> tuple[Sequence[Mapping[str, Any]], list[str], RecordHandler]:
        """Check the event and the handler, and bind the context if the handler wants it."""
        if not callable(record_handler):
            raise BatchConfigurationError(
                f"record_handler must be callable, not {record_handler!r}"
            )
        traits = handler_traits(record_handler)
        if traits.is_async is not self._async:
            name = getattr(record_handler, "__qualname__", type(record_handler).__name__)
            if self._async:
                raise BatchConfigurationError(
                    f"AsyncBatchProcessor needs an `async def` record handler; {name!r} is not "
                    "one (use BatchProcessor for plain functions)"
                )
            raise BatchConfigurationError(
                f"{name!r} is an `async def` record handler: {type(self).__name__} would call it "
                "without awaiting it and its records would never run; use AsyncBatchProcessor"
            )
        records, ids = identifiers(event, self.event_type)
        self._check(records)
        if not traits.wants_context:
            return records, ids, record_handler
        if context is None:
            invocation = _context.current()
            context = invocation.context if invocation is not None else None
        return records, ids, functools.partial(record_handler, lambda_context=context)

    def _check(self, records: Sequence[Mapping[str, Any]]) -> None:
        """Refuse a batch from a FIFO queue unless processing stops at the first failure.

        Going on after a failed record (or running records concurrently) would handle later
        messages of its group before it is redelivered, silently breaking the order FIFO
        promises. A FIFO queue's name, hence its ARN, ends in ``.fifo``; ``MessageGroupId``
        alone says nothing, as standard queues take it too (fair queues). One batch comes
        from one queue, so the first record tells.
        """
        if self.stop_on_first_failure or not records:
            return
        arn = records[0].get("eventSourceARN")
        if isinstance(arn, str) and arn.endswith(".fifo"):
            how = (
                "processes records concurrently"
                if self._concurrency > 1
                else "goes on after a failed record"
            )
            raise BatchConfigurationError(
                f"this batch comes from a FIFO queue (its eventSourceARN ends in .fifo) and "
                f"{type(self).__name__} {how}, which would break the order of its message "
                "groups; use SqsFifoPartialProcessor, or stop_on_first_failure=True"
            )

    def _skip_rest(self, outcomes: list[Outcome], start: int) -> None:
        skipped = self._skipped(self._stop_reason)
        for index in range(start, len(outcomes)):
            outcomes[index] = skipped

    def _batch(self, records: Sequence[Mapping[str, Any]], handler: Any, context: Any) -> LastBatch:
        return LastBatch(
            records,
            handler,
            context,
            _context.current(),
            to_item=self._parse,
            to_record=self.event_type.record_type,
        )

    def _complete(
        self,
        batch: LastBatch,
        ids: list[str],
        outcomes: list[Outcome],
        timed_out: LambdaTimeoutError | None,
    ) -> BatchResult:
        """The batch's result, remembered as this context's last batch. Records never
        finished (``_PENDING``) become failures with one shared ``RecordSkippedError``."""
        failures: list[tuple[str, BaseException]] = []
        unfinished: RecordSkippedError | None = None
        for identifier, outcome in zip(ids, outcomes, strict=True):
            if outcome is None:
                continue
            if outcome is _PENDING:
                if unfinished is None:
                    unfinished = RecordSkippedError(
                        "the invocation was about to time out (LambdaTimeoutError) before this "
                        "record's handler finished"
                    )
                failures.append((identifier, unfinished))
            else:
                failures.append((identifier, outcome))  # type: ignore[arg-type]
        if unfinished is not None:
            outcomes[:] = [unfinished if outcome is _PENDING else outcome for outcome in outcomes]
        result = BatchResult(len(ids), failures, timed_out)
        batch.settle(outcomes, result)
        if batch.recorder is None:  # the context-manager form's batch is kept already
            if batch.invocation is not None:
                self._keep(batch)
            elif self._last.get(None) is not None:
                self._last.set(None)  # no older batch answers for this one
        if timed_out is not None:
            _log(self.logger).warning(
                "batch processing stopped by LambdaTimeoutError: %d of %d records reported failed",
                len(failures),
                len(ids),
            )
        return result

    def _settle(self, result: BatchResult) -> BatchResult:
        """Raise :class:`BatchProcessingError` when every record failed and the processor
        says so (never for a timeout: the partial response must reach Lambda in time)."""
        failures = result.failures
        if (
            failures
            and len(failures) == result.size
            and result.timed_out is None
            and self.raise_on_entire_batch_failure
        ):
            # chained, so the traceback shows the first record's error down to its raise
            raise BatchProcessingError.entire_batch(failures) from failures[0][1]
        return result

    # --- Powertools' stateful API: processor(records, handler) as a context manager ---------

    def __call__(
        self,
        records: Sequence[Mapping[str, Any]],
        handler: RecordHandler,
        lambda_context: Any = None,
    ) -> Any:
        """Give the processor a batch for ``with processor(records, handler, lambda_context=
        context): processor.process()`` (Powertools' form); returns the processor itself.
        ``records`` is the event's ``Records`` list."""
        self._keep(self._batch(records, handler, lambda_context))
        return self

    def _keep(self, batch: LastBatch) -> None:
        """Remember ``batch`` as this context's last one; inside a toolkit-decorated handler
        only until the invocation ends. Keeping it longer would hold the event (through the
        records and the failures' tracebacks) after Lambda is done with it, and free it during
        the next batch: about a millisecond per 10,000 records, on the next invocation's clock."""
        self._last.set(batch)
        if batch.invocation is not None:
            batch.invocation.on_close(self._forget)

    def _forget(self) -> None:
        self._last.set(None)

    def __enter__(self) -> Any:
        batch = self._last.get(None)
        if batch is None or batch.invocation is not _context.current():
            raise BatchConfigurationError(
                "give the processor its batch first: `with processor(records, record_handler, "
                "lambda_context=context):`"
            )
        return self

    def __exit__(
        self,
        error_type: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Leaving the block raises :class:`BatchProcessingError` when every record of the
        batch processed in it failed (with ``raise_on_entire_batch_failure``), as in
        Powertools; an error already leaving the block is not replaced."""
        batch = self._last.get(None)
        if error is None and batch is not None and batch.result is not None:
            self._settle(batch.result)

    def _given(self) -> LastBatch:
        """The batch given with ``processor(records, handler)``, for ``process()``."""
        batch = self._last.get(None)
        if batch is None or batch.invocation is not _context.current():
            raise BatchConfigurationError(
                "process() without arguments processes the batch given in `with "
                "processor(records, record_handler, lambda_context=context):`; otherwise call "
                "process(event, record_handler, context)"
            )
        return batch

    def _processed(self) -> LastBatch | None:
        """The batch last processed in this context, if it was in the current invocation."""
        batch = self._last.get(None)
        if batch is None or batch.result is None or batch.invocation is not _context.current():
            return None
        return batch

    def response(self) -> PartialItemFailureResponse:
        """The response of the batch this processor last processed (in this thread or task,
        and in the current invocation inside a toolkit-decorated handler)."""
        batch = self._processed()
        if batch is None:
            raise BatchConfigurationError(
                "this processor has processed no batch here (in the current invocation); use "
                "the return value of process_partial_response()"
            )
        return batch.result.response()  # type: ignore[union-attr]

    @property
    def success_messages(self) -> list[Any]:
        """The raw records of the last batch whose handler returned (Powertools' name)."""
        batch = self._processed()
        return [] if batch is None else batch.success_messages

    @property
    def fail_messages(self) -> list[Any]:
        """What the handler received for each failed record of the last batch: the model
        instance or the typed record (Powertools' name)."""
        batch = self._processed()
        return [] if batch is None else batch.fail_messages

    @property
    def exceptions(self) -> list[ExceptionInfo]:
        """``(type, exception, traceback)`` per failed record of the last batch."""
        batch = self._processed()
        return [] if batch is None else batch.exceptions

    def __repr__(self) -> str:
        model = getattr(getattr(self, "model", None), "__name__", None)
        return f"{type(self).__name__}({getattr(self, 'event_type', None)}, model={model})"


class BatchProcessor(_PartialProcessor):
    """Processes a batch record by record and reports the failures.

    * ``model``: a pydantic model (see :mod:`toolkit.parser.models`) the handler receives
      instead of the typed record; a record that fails validation is a failed record.
    * ``raise_on_entire_batch_failure``: when every record failed, raise
      :class:`BatchProcessingError` so the invocation fails and Lambda's retry and backoff
      apply, instead of returning every record as a failure.
    * ``stop_on_first_failure``: stop at the first failure and report it and every later record
      (streams: later successes are not re-processed out of order on the retry).
    * ``max_workers``: SQS standard queues only: process records in that many threads.
    """

    def __init__(
        self,
        event_type: EventType,
        model: Any = None,
        raise_on_entire_batch_failure: bool = True,
        logger: logging.Logger | None = None,
        *,
        stop_on_first_failure: bool = False,
        max_workers: int | None = None,
    ) -> None:
        super().__init__(
            event_type,
            model,
            raise_on_entire_batch_failure,
            stop_on_first_failure=stop_on_first_failure,
            concurrency=1 if max_workers is None else max_workers,
            parameter="max_workers",
            logger=logger,
        )

    @overload
    def process(self) -> list[tuple[str, Any, Any]]: ...
    @overload
    def process(
        self, event: Any, record_handler: RecordHandler, context: Any = None
    ) -> BatchResult: ...
    def process(
        self, event: Any = _UNSET, record_handler: RecordHandler | None = None, context: Any = None
    ) -> Any:
        """Run ``record_handler`` on every record and return the :class:`BatchResult`; raise
        :class:`BatchEventError` before any handler runs when the event is not a batch of this
        processor's type, and :class:`BatchProcessingError` when every record failed.

        Without arguments, inside ``with processor(records, record_handler):``, process that
        batch and return Powertools' list of ``("success", result, record)`` and ``("fail",
        "<class 'T'>:message", item)`` tuples; leaving the block raises when every record failed.
        """
        if event is _UNSET:
            batch = self._given()
            records, ids, call = self._prepare(
                {"Records": batch.records}, batch.handler, batch.context
            )
            recorder = batch.recorder = Recorder(self._parse, call, records)
            self._process(batch, records, ids, recorder, recorder.parse)
            return batch.processed()
        records, ids, call = self._prepare(event, record_handler, context)
        batch = self._batch(records, record_handler, context)
        return self._settle(self._process(batch, records, ids, call, self._parse))

    def async_process(self) -> list[tuple[str, Any, Any]]:
        """Powertools' ``async_process()`` is for ``AsyncBatchProcessor`` only."""
        raise BatchConfigurationError(
            f"async_process() needs AsyncBatchProcessor and an `async def` record handler; "
            f"{type(self).__name__} runs plain functions with process()"
        )

    def _process(
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
            if self._concurrency > 1 and len(ids) > 1:
                self._run_threads(records, ids, call, outcomes, report, parse=parse)
            else:
                self._run(records, ids, call, outcomes, report, parse=parse)
        except LambdaTimeoutError as timeout:  # from a handler, or between two records
            return self._complete(batch, ids, outcomes, timeout)
        return self._complete(batch, ids, outcomes, None)

    def _one(
        self,
        series: _context.ScopeSeries,
        call: RecordHandler,
        report: Report,
        raw: Mapping[str, Any],
        identifier: str,
        *,
        parse: Callable[[Mapping[str, Any]], Any],
    ) -> None:
        """Process one record: ``call(parse(raw))`` inside the record's scope (see
        :class:`~toolkit.context.ScopeSeries`). A failure is reported, telling a record the
        model rejected from one whose handler raised, then raised again."""
        item = _PENDING
        try:
            if series.listeners or series.nested:
                with series.scope(identifier):
                    item = parse(raw)
                    returned = call(item)
            else:
                token = series.open_keys({series.key: identifier})
                try:
                    item = parse(raw)
                    returned = call(item)
                finally:
                    series.close_keys(token)
            if returned is not None and hasattr(returned, "__await__"):
                raise _not_awaited(returned, call)
        except LambdaTimeoutError:
            raise
        except Exception as error:
            report(identifier, error, item is _PENDING)
            raise

    def _run(
        self,
        records: Sequence[Mapping[str, Any]],
        ids: list[str],
        call: RecordHandler,
        outcomes: list[Outcome],
        report: Report,
        *,
        parse: Callable[[Mapping[str, Any]], Any],
    ) -> None:
        """The sequential loop. It is the per-record path of a 10,000-record batch, so
        :func:`_one` is inlined in it (a Python call per record costs ~10% of the batch)."""
        series = _context.ScopeSeries("record", "batch_record_id")
        listeners, open_keys, close_keys = series.listeners, series.open_keys, series.close_keys
        nested, key = series.nested, series.key
        stop = self.stop_on_first_failure
        by_group = self._by_group
        failed_groups: dict[str | None, RecordSkippedError] = {}
        group = None
        for index, raw in enumerate(records):
            if by_group:
                group = raw["attributes"]["MessageGroupId"]  # checked by _check
                skipped = failed_groups.get(group)
                if skipped is not None:
                    outcomes[index] = skipped
                    continue
            identifier = ids[index]
            item = _PENDING
            try:  # self._one(series, call, report, raw, identifier), inlined
                if listeners or nested:
                    with series.scope(identifier):
                        item = parse(raw)
                        returned = call(item)
                else:
                    token = open_keys({key: identifier})
                    try:
                        item = parse(raw)
                        returned = call(item)
                    finally:
                        close_keys(token)
                if returned is not None and hasattr(returned, "__await__"):
                    raise _not_awaited(returned, call)
            except LambdaTimeoutError as timeout:
                outcomes[index] = timeout
                raise
            except Exception as error:
                outcomes[index] = error
                report(identifier, error, item is _PENDING)
                if stop:
                    self._skip_rest(outcomes, index + 1)
                    return
                if by_group:
                    failed_groups[group] = SQSFifoMessageGroupCircuitBreakerError(
                        f"an earlier record of message group {group!r} failed"
                    )
            else:
                outcomes[index] = None

    def _run_threads(
        self,
        records: Sequence[Mapping[str, Any]],
        ids: list[str],
        call: RecordHandler,
        outcomes: list[Outcome],
        report: Report,
        *,
        parse: Callable[[Mapping[str, Any]], Any],
    ) -> None:
        """Threads started for this batch and pulling the next record index from a shared
        iterator; each runs in a copy of the caller's context so the invocation, its scope
        listeners and scope keys are visible there. Outcomes land at the record's index, so
        the response is in record order whatever the completion order.

        What is not a record failure stops every worker from taking more records, and is
        raised here once they all returned, as the sequential loop would raise it: a
        ``LambdaTimeoutError`` (the batch then reports what did not finish), or a
        ``SystemExit`` / ``KeyboardInterrupt`` (which wins: the process is going away)."""
        stop = threading.Event()
        lock = threading.Lock()
        indices = iter(range(len(ids)))
        timeouts: list[LambdaTimeoutError] = []
        fatal: list[BaseException] = []
        series = _context.ScopeSeries("record", "batch_record_id")
        one = self._one

        def work() -> None:
            while not stop.is_set():
                with lock:
                    index = next(indices, None)
                if index is None:
                    return
                try:
                    one(series, call, report, records[index], ids[index], parse=parse)
                except LambdaTimeoutError as timeout:
                    outcomes[index] = timeout
                    timeouts.append(timeout)
                    stop.set()
                except Exception as error:
                    outcomes[index] = error
                except BaseException as error:  # SystemExit & co: not this record's failure
                    fatal.append(error)
                    stop.set()
                else:
                    outcomes[index] = None

        threads = [
            threading.Thread(
                target=copy_context().run, args=(work,), name=f"toolkit-batch-{n}", daemon=True
            )
            for n in range(min(self._concurrency, len(ids)))
        ]
        for thread in threads:
            thread.start()
        try:
            for thread in threads:
                thread.join()
        finally:  # a LambdaTimeoutError in this thread stops the workers taking more records
            stop.set()
        if fatal:
            raise fatal[0]
        if timeouts:
            raise timeouts[0]


class SqsFifoPartialProcessor(BatchProcessor):
    """For SQS FIFO queues: after the first failure, later records are reported failed without
    being processed, so none is handled before a message that precedes it.

    With ``skip_group_on_error=True`` only later records of the failed record's
    ``MessageGroupId`` are skipped; other groups go on (order only holds within a group).
    """

    def __init__(
        self,
        model: Any = None,
        skip_group_on_error: bool = False,
        logger: logging.Logger | None = None,
        *,
        raise_on_entire_batch_failure: bool = True,
        max_workers: int | None = None,
    ) -> None:
        if max_workers not in (None, 1):
            raise BatchConfigurationError(
                f"max_workers={max_workers!r} cannot be used with SqsFifoPartialProcessor: "
                "a FIFO queue's records must be processed in order"
            )
        super().__init__(
            EventType.SQS,
            model,
            raise_on_entire_batch_failure,
            logger,
            stop_on_first_failure=not skip_group_on_error,
        )
        self.skip_group_on_error = skip_group_on_error
        self._stop_reason = "FIFO: an earlier record of the batch failed"
        self._skipped = SQSFifoCircuitBreakerError
        self._by_group = skip_group_on_error

    def _check(self, records: Sequence[Mapping[str, Any]]) -> None:
        if not self.skip_group_on_error:
            return
        for index, raw in enumerate(records):
            attributes = raw.get("attributes")
            if not isinstance(attributes, Mapping) or not isinstance(
                attributes.get("MessageGroupId"), str
            ):
                raise BatchEventError(
                    "attributes.MessageGroupId",
                    index,
                    "missing: skip_group_on_error needs records from a FIFO queue",
                )
