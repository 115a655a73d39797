"""Eight OS processes race on the same idempotent function with the same payloads.

Every key is called by all processes at once (a barrier before each call), over several
rounds of fresh keys and one round repeating them all. What must hold, whatever the
interleaving: the side effect ran exactly once per key; every process that got a result got
the winner's result (the same receipt); the others got IdempotencyAlreadyInProgressError (or,
with ``wait_for_in_progress``, waited and got the result too); nothing else was raised.

The server is moto with its request handling serialised (``serial_moto.py`` says why: the
plain threaded server lets two concurrent conditional PutItems both succeed, which DynamoDB
never does), so this tests the claim protocol, not moto's thread safety.
"""

from __future__ import annotations

import collections
import multiprocessing
import queue
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.idempotency.race_worker import FAIL_FIRST, NORMAL, SABOTAGE, serve
from tests.idempotency.serial_moto import serial_moto_server
from tests.idempotency.sides import POWERTOOLS, TOOLKIT, Side, create_table

PROCESSES = 8
ROUNDS = 3
KEYS_PER_ROUND = 3


@pytest.fixture(scope="module")
def serial_moto() -> Iterator[str]:
    with serial_moto_server() as url:
        yield url


@dataclass
class Race:
    """What the processes reported: side effects and winner per key, every process's outcome
    of the first call of each key, and the outcomes of the final round repeating them."""

    runs: collections.Counter[str]
    winners: dict[str, int]
    failed: dict[str, list[int]]  # the processes whose run of a key raised Declined
    first: dict[str, list[tuple[str, Any]]]
    repeats: list[tuple[str, Any]]

    def check(self, allowed: set[str]) -> int:
        """Assert the guarantees; return how many calls found their key in progress."""
        assert self.runs == dict.fromkeys(self.first, 1), "a side effect ran other than once"
        in_progress = 0
        receipts = {}
        for key, got in self.first.items():
            kinds = collections.Counter(kind for kind, _ in got)
            assert set(kinds) <= allowed, f"{key}: unexpected outcomes {got}"
            in_progress += kinds["in_progress"]
            declined = [pid for kind, pid in got if kind == "declined"]
            assert declined == self.failed.get(key, []), f"{key}: a failure went astray"
            results = [value for kind, value in got if kind == "result"]
            assert results, f"{key}: not even the winner got a result"
            assert all(value == results[0] for value in results), f"{key}: different results"
            assert results[0]["charged_by"] == self.winners[key]
            receipts[key] = results[0]
        assert len(self.repeats) == PROCESSES * ROUNDS * KEYS_PER_ROUND
        for kind, value in self.repeats:
            assert kind == "result", f"a repeat after completion got {kind}: {value}"
            assert value == receipts[value["order_id"]]
        return in_progress


@dataclass
class Racers:
    """The racing processes, each with its own command queue, a shared barrier and one
    queue of reports."""

    commands: list[Any]
    results: Any


@pytest.fixture(scope="module")
def racers() -> Iterator[Racers]:
    spawn = multiprocessing.get_context("spawn")
    barrier = spawn.Barrier(PROCESSES)
    results = spawn.Queue()
    commands = [spawn.Queue() for _ in range(PROCESSES)]
    workers = [spawn.Process(target=serve, args=(c, barrier, results)) for c in commands]
    for worker in workers:
        worker.start()
    try:
        yield Racers(commands, results)
    finally:
        for command in commands:
            command.put(None)
        for worker in workers:
            worker.join(timeout=30)
            if worker.is_alive():
                worker.kill()


def run_race(
    racers: Racers,
    side: Side,
    endpoint: str,
    tmp_path: Path,
    wait: float | None,
    mode: str = NORMAL,
) -> Race:
    table = create_table(endpoint)
    effects = tmp_path / "effects.txt"
    effects.touch()
    fresh = [[f"order-{r}-{k}" for k in range(KEYS_PER_ROUND)] for r in range(ROUNDS)]
    plan = [*fresh, [key for keys in fresh for key in keys]]
    for commands in racers.commands:
        commands.put((side.name, endpoint, table, str(effects), plan, wait, mode))
    expected = PROCESSES * sum(len(keys) for keys in plan)
    reports: list[tuple[int, str, tuple[str, Any]]] = []
    while len(reports) < expected:
        try:
            reports.append(racers.results.get(timeout=120))
        except queue.Empty:
            pytest.fail(f"the racing processes reported {len(reports)} of {expected} calls")
    first: dict[str, list[tuple[str, Any]]] = collections.defaultdict(list)
    calls: collections.Counter[tuple[int, str]] = collections.Counter()
    repeats: list[tuple[str, Any]] = []
    for pid, key, outcome in reports:
        calls[pid, key] += 1
        (first[key] if calls[pid, key] == 1 else repeats).append(outcome)
    lines = [line.split() for line in effects.read_text().splitlines()]
    succeeded = [(key, int(pid)) for key, pid, *failed in lines if not failed]
    failed: dict[str, list[int]] = collections.defaultdict(list)
    for key, pid, *failure in lines:
        if failure:
            failed[key].append(int(pid))
    return Race(
        collections.Counter(key for key, _ in succeeded),
        dict(succeeded),
        dict(failed),
        dict(first),
        repeats,
    )


def test_once_per_key_others_find_it_in_progress(
    racers: Racers, serial_moto: str, tmp_path: Path
) -> None:
    race = run_race(racers, Side(TOOLKIT), serial_moto, tmp_path, wait=None)
    # The race really happened: with a 0.1 s handler, processes released together find the
    # lock held (if none ever did, the barrier did not line them up and nothing was tested).
    assert race.check({"result", "in_progress"}) > 0


def test_once_per_key_others_wait_for_the_result(
    racers: Racers, serial_moto: str, tmp_path: Path
) -> None:
    run_race(racers, Side(TOOLKIT), serial_moto, tmp_path, wait=10.0).check({"result"})


def test_when_the_first_execution_fails_a_waiting_one_runs_it(
    racers: Racers, serial_moto: str, tmp_path: Path
) -> None:
    """The first execution of every key raises: its lock is released, one of the processes
    waiting on the key claims it and runs it, and all the others get that run's result. The
    failing process alone sees the failure; nothing runs a third time."""
    race = run_race(racers, Side(TOOLKIT), serial_moto, tmp_path, wait=10.0, mode=FAIL_FIRST)
    assert all(len(pids) == 1 for pids in race.failed.values())
    assert set(race.failed) == set(race.first)
    race.check({"result", "declined"})


def test_the_race_catches_a_claim_without_its_condition(
    racers: Racers, serial_moto: str, tmp_path: Path
) -> None:
    """The harness can fail: with the claim's ConditionExpression stripped from PutItem on
    the wire (a botocore hook in each process), every process wins and charges."""
    race = run_race(racers, Side(TOOLKIT), serial_moto, tmp_path, wait=None, mode=SABOTAGE)
    assert any(count > 1 for count in race.runs.values())
    with pytest.raises(AssertionError, match="other than once"):
        race.check({"result", "in_progress"})


def test_the_race_passes_on_powertools(racers: Racers, serial_moto: str, tmp_path: Path) -> None:
    """The reference the harness was built on passes it too: what it asserts is what the
    API promises, not something only toolkit does."""
    race = run_race(racers, Side(POWERTOOLS), serial_moto, tmp_path, wait=None)
    assert race.check({"result", "in_progress"}) > 0
