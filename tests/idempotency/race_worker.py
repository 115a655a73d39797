"""One of the racing processes of test_idem_race.py (started with multiprocessing's spawn,
so each is a fresh interpreter with its own boto3 client and its own connections). The
processes are started once per test module and given one race after another (:func:`serve`),
as starting eight interpreters that import boto3 costs more than the races themselves.

For every key of the plan it waits at the shared barrier, so all processes call the
idempotent function with the same payload at the same moment, then reports what it got:
the function's result, ``in_progress`` (IdempotencyAlreadyInProgressError) or ``error``.
The function's side effect is one line appended to a shared file (one ``write`` on an
``O_APPEND`` descriptor, so lines from different processes never interleave).
"""

from __future__ import annotations

import os
import time
import uuid
from typing import Any

HANDLER_SECONDS = 0.1  # long enough that the losers of a claim find the lock held

NORMAL = "normal"
SABOTAGE = "sabotage"  # the claim's condition is stripped on the wire
FAIL_FIRST = "fail_first"  # the first execution of each key raises Declined


class Declined(Exception):
    """The function's failure in FAIL_FIRST races."""


def unconditional(params: dict[str, Any], **_: Any) -> None:
    """Sabotage: turn the claim into a blind write (proves the race test can fail)."""
    for name in (
        "ConditionExpression",
        "ExpressionAttributeNames",
        "ExpressionAttributeValues",
        "ReturnValuesOnConditionCheckFailure",
    ):
        params.pop(name, None)


def race(
    side_name: str,
    endpoint: str,
    table: str,
    effects: str,
    plan: list[list[str]],
    wait: float | None,
    mode: str,
    barrier: Any,
    results: Any,
) -> None:
    from tests.aws import FAKE_CREDENTIALS, client
    from tests.idempotency.sides import Side

    os.environ.update(FAKE_CREDENTIALS)
    side = Side(side_name)
    config = side.config(
        event_key_jmespath="order_id",
        in_progress_expires_after_seconds=60,
        wait_for_in_progress=wait,
    )
    dynamodb = client("dynamodb", endpoint)
    if mode == SABOTAGE:
        dynamodb.meta.events.register("before-parameter-build.dynamodb.PutItem", unconditional)
    store = side.store(table, dynamodb)
    in_progress = side.exceptions.IdempotencyAlreadyInProgressError

    @side.package.idempotent_function(
        data_keyword_argument="order", persistence_store=store, config=config
    )
    def charge(order: dict[str, Any]) -> dict[str, Any]:
        key = order["order_id"]
        # Only the holder of the key's lock runs this, so reading then appending is safe
        # exactly when the idempotency is (if it is not, both fail and the counts show it).
        with open(effects) as lines:
            first = not any(line.split()[0] == key for line in lines)
        fails = mode == FAIL_FIRST and first
        line = f"{key} {os.getpid()}{' failed' if fails else ''}\n".encode()
        fd = os.open(effects, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
        try:
            os.write(fd, line)
        finally:
            os.close(fd)
        time.sleep(HANDLER_SECONDS)
        if fails:
            raise Declined(key)
        return {
            "order_id": order["order_id"],
            "charged_by": os.getpid(),
            "receipt": uuid.uuid4().hex,
        }

    for keys in plan:
        for key in keys:
            barrier.wait(timeout=60)
            try:
                outcome: tuple[str, Any] = ("result", charge(order={"order_id": key, "amount": 10}))
            except in_progress:
                outcome = ("in_progress", None)
            except Declined:
                outcome = ("declined", os.getpid())
            except Exception as error:  # reported, so the test shows what went wrong
                outcome = ("error", f"{type(error).__name__}: {error}")
            results.put((os.getpid(), key, outcome))


def serve(commands: Any, barrier: Any, results: Any) -> None:
    """Run the races ``commands`` hands over (the arguments of :func:`race`) until ``None``."""
    for command in iter(commands.get, None):
        race(*command, barrier, results)
