"""Idempotency: ours against Powertools' on the same DynamoDB API (one moto server on
loopback, started by the orchestrator, each side on a table of its own).

Per invocation of an ``@idempotent`` handler (``event_key_jmespath="order_id"``, each library's
default hash): a first call (a new order id every iteration: claim + completion), a repeat
(the same order id, local cache off: one claim that finds the completed record) and a
local-cache hit (the same order id, ``use_local_cache=True``: no DynamoDB call at all). The
floor is the bare handler. The untimed verification pass counts the DynamoDB calls each
side makes per invocation with a botocore ``after-call`` hook on its client (target 2 / 1 /
0) and checks both sides return the handler's response. The first call and the repeat are
timed twice: wall time (moto's answers included, several ms each) and the CPU time of the
function's process, which leaves the server out and so compares the libraries' own work.

Cold start: a fresh interpreter imports the idempotency package, builds the store (its own
boto3 client, from ``AWS_ENDPOINT_URL``) and handles one first call; the floor does the
same two DynamoDB calls with boto3 by hand.
"""

from __future__ import annotations

import itertools
import os
import subprocess
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from time import perf_counter_ns, process_time_ns
from typing import Any

from common import Case, context, lambda_env
from harness import (
    ROOT,
    VENV_PY,
    BenchError,
    Result,
    Settings,
    Side,
    child_env,
    free_port,
    fresh_interpreters,
    interleave,
    median,
    overhead_rows,
    serve,
    spread,
    spreads,
)
from harness import verify as verify_sides

VERIFY_N = 5
SCENARIOS = ("first", "repeat", "cached")
RESPONSE = {"statusCode": 200, "body": "charged"}
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}
CACHE_HIT_TARGET_NS = 5_000


# --- the DynamoDB API both sides use -----------------------------------------------------------


@contextmanager
def moto_server() -> Iterator[str]:
    """moto's server (the bench venv's) on 127.0.0.1 and a free port, for the whole run."""
    url = f"http://127.0.0.1:{(port := free_port())}"
    moto = ["-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
    with serve(moto, f"{url}/moto-api/", child_env(CREDENTIALS)):
        yield url


def _client() -> Any:
    """A DynamoDB client on the bench server; the same settings for both sides."""
    import boto3

    return boto3.session.Session().client(
        "dynamodb", endpoint_url=os.environ["AWS_ENDPOINT_URL"], region_name="us-east-1"
    )


def create_table(dynamodb: Any) -> str:
    name = f"bench-idempotency-{uuid.uuid4().hex[:12]}"
    dynamodb.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    return name


# --- the sides (in the children) --------------------------------------------------------------


class CallCounter:
    """DynamoDB operations a client completed (``after-call`` fires once per operation)."""

    def __init__(self, dynamodb: Any) -> None:
        self.count = 0
        dynamodb.meta.events.register("after-call.dynamodb", self._after)

    def _after(self, **_: Any) -> None:
        self.count += 1


def _case(handler: Any, scenario: str, counter: CallCounter, clock: Any) -> Case:
    """Time ``handler(event, context)`` with ``clock``: a new order id per iteration for
    ``first``, the same (already completed) one otherwise."""
    ctx = context()
    fixed = {"order_id": f"order-{uuid.uuid4().hex}", "amount": 10}
    if scenario != "first":
        handler(fixed, ctx)  # completes the record (and fills the local cache if on)
    prefix = uuid.uuid4().hex
    numbers = itertools.count()
    calls_before = counter.count
    invocations = 0
    responses: list[Any] = []

    def run(n: int) -> int:
        nonlocal invocations
        if scenario == "first":
            events = [{"order_id": f"{prefix}-{next(numbers)}", "amount": 10} for _ in range(n)]
        else:
            events = [fixed] * n
        start = clock()
        for event in events:
            response = handler(event, ctx)
        elapsed = clock() - start
        invocations += n
        responses.append(response)
        return elapsed

    def check() -> dict[str, Any]:
        return {
            "dynamodb_calls_per_invocation": (counter.count - calls_before) / invocations,
            "ok": all(r == RESPONSE for r in responses),
        }

    return Case(run, check, warmup=20 if scenario != "cached" else 2000)


def ours(scenario: str, clock: Any) -> Case:
    from toolkit.idempotency import DynamoDBPersistenceLayer, IdempotencyConfig, idempotent

    dynamodb = _client()
    counter = CallCounter(dynamodb)
    store = DynamoDBPersistenceLayer(table_name=create_table(dynamodb), boto3_client=dynamodb)
    config = IdempotencyConfig(event_key_jmespath="order_id", use_local_cache=scenario == "cached")

    @idempotent(persistence_store=store, config=config)
    def handler(event: Any, context: Any) -> dict[str, Any]:
        return RESPONSE

    return _case(handler, scenario, counter, clock)


def theirs(scenario: str, clock: Any) -> Case:
    from aws_lambda_powertools.utilities.idempotency import (
        DynamoDBPersistenceLayer,
        IdempotencyConfig,
        idempotent,
    )

    dynamodb = _client()
    counter = CallCounter(dynamodb)
    store = DynamoDBPersistenceLayer(table_name=create_table(dynamodb), boto3_client=dynamodb)
    config = IdempotencyConfig(event_key_jmespath="order_id", use_local_cache=scenario == "cached")

    @idempotent(persistence_store=store, config=config)
    def handler(event: Any, context: Any) -> dict[str, Any]:
        return RESPONSE

    return _case(handler, scenario, counter, clock)


def bare(clock: Any) -> Case:
    ctx = context()
    event = {"order_id": "order-1", "amount": 10}

    def handler(event: Any, context: Any) -> dict[str, Any]:
        return RESPONSE

    def run(n: int) -> int:
        start = clock()
        for _ in range(n):
            handler(event, ctx)
        return clock() - start

    return Case(run, warmup=2000)


# Two clocks: wall time (what the invocation takes, moto's answers included) and the CPU time
# of the function's own process (the library's and botocore's work; the server's excluded).
CLOCKS = {"": perf_counter_ns, "_cpu": process_time_ns}
CASES: dict[str, Any] = {}
for _suffix, _clock in CLOCKS.items():
    CASES[f"bare{_suffix}"] = lambda verify, clock=_clock: bare(clock)
    for _scenario in SCENARIOS:
        CASES[f"ours_{_scenario}{_suffix}"] = lambda verify, s=_scenario, c=_clock: ours(s, c)
        CASES[f"theirs_{_scenario}{_suffix}"] = lambda verify, s=_scenario, c=_clock: theirs(s, c)


# --- cold start (fresh interpreters) -----------------------------------------------------------

_COLD = """\
import sys, time, uuid
t0 = time.perf_counter_ns()
{imports}
t1 = time.perf_counter_ns()
after_import = [m for m in ("boto3", "botocore") if m in sys.modules]

class Context:
    function_name = "bench-function"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:bench-function"
    memory_limit_in_mb = "512"
    aws_request_id = str(uuid.uuid4())
    log_group_name = "/aws/lambda/bench-function"
    log_stream_name = "2026/12/06/[$LATEST]0123456789abcdef"
    def get_remaining_time_in_millis(self):
        return 300000

{first_use}
t2 = time.perf_counter_ns()
print('{{"import_ns": %d, "first_use_ns": %d, "heavy_after_import": "%s"}}'
      % (t1 - t0, t2 - t1, ",".join(after_import)))
"""

_FIRST_USE = """\
store = DynamoDBPersistenceLayer(table_name="{table}")
config = IdempotencyConfig(event_key_jmespath="order_id")

@idempotent(persistence_store=store, config=config)
def handler(event, context):
    return {{"statusCode": 200}}

assert handler({{"order_id": uuid.uuid4().hex}}, Context()) == {{"statusCode": 200}}
"""

_BY_HAND = """\
import boto3
dynamodb = boto3.client("dynamodb")
key = {{"id": {{"S": uuid.uuid4().hex}}}}
dynamodb.put_item(TableName="{table}", Item={{**key, "status": {{"S": "INPROGRESS"}}}},
                  ConditionExpression="attribute_not_exists(id)")
dynamodb.update_item(TableName="{table}", Key=key, UpdateExpression="SET #s = :s",
                     ExpressionAttributeNames={{"#s": "status"}},
                     ExpressionAttributeValues={{":s": {{"S": "COMPLETED"}}}})
"""


def _cold_variants(table: str, env: dict[str, str], has_ours: bool) -> dict[str, Any]:
    use = _FIRST_USE.format(table=table)
    variants = {
        "floor": (_COLD.format(imports="pass", first_use=_BY_HAND.format(table=table)), env),
        "theirs": (
            _COLD.format(
                imports="from aws_lambda_powertools.utilities.idempotency import "
                "DynamoDBPersistenceLayer, IdempotencyConfig, idempotent",
                first_use=use,
            ),
            env,
        ),
    }
    if has_ours:
        variants["ours"] = (
            _COLD.format(
                imports="from toolkit.idempotency import "
                "DynamoDBPersistenceLayer, IdempotencyConfig, idempotent",
                first_use=use,
            ),
            env,
        )
    return variants


# --- orchestration -----------------------------------------------------------------------------


def run(settings: Settings, available: set[str]) -> list[Result]:
    has_ours = "toolkit.idempotency" in available
    with moto_server() as url:
        env = lambda_env(**CREDENTIALS, AWS_ENDPOINT_URL=url)
        results = [*_per_call(settings, env, has_ours)]
        results += _cold(settings, env, url, has_ours)
    return results


def _per_call(settings: Settings, env: dict[str, str], has_ours: bool) -> list[Result]:
    results: list[Result] = []
    calls: list[Result] = []
    targets = {"first": 2, "repeat": 1, "cached": 0}
    labels = {
        "first": "idempotent first call",
        "repeat": "idempotent repeat",
        "cached": "idempotent local-cache hit",
    }
    for scenario in SCENARIOS:
        roles = {"theirs": f"theirs_{scenario}"}
        if has_ours:
            roles["ours"] = f"ours_{scenario}"
        checked = verify_sides({role: Side(__name__, case, env) for role, case in roles.items()})
        problems = [f"{role}: wrong response" for role, c in checked.items() if not c["ok"]]
        # a cache hit never leaves the process: its CPU time is its wall time
        for suffix in ("", "_cpu") if scenario != "cached" else ("",):
            sides = {role: Side(__name__, case + suffix, env) for role, case in roles.items()}
            sides["floor"] = Side(__name__, f"bare{suffix}", env)
            samples = interleave(sides, settings, progress=f"idempotency {scenario}{suffix}")
            details = {"verify": checked, "problems": problems, "samples_ns": spreads(samples)}
            label = labels[scenario] + (", CPU only" if suffix else "")
            rows = overhead_rows(label, samples, details)
            if scenario == "cached":
                hit = rows[1]
                hit.target = f"< {CACHE_HIT_TARGET_NS / 1000:g} us, < theirs"
                if hit.ours is not None and hit.theirs is not None:
                    hit.passed = hit.ours < CACHE_HIT_TARGET_NS and hit.ours <= hit.theirs
            results += rows
        per = {role: c["dynamodb_calls_per_invocation"] for role, c in checked.items()}
        calls.append(
            Result(
                f"DynamoDB calls per invocation, {scenario}",
                "calls",
                per.get("ours"),
                per["theirs"],
                target=f"{targets[scenario]}",
                passed=None if "ours" not in per else per["ours"] == targets[scenario],
                display=lambda value: f"{value:g}",
            )
        )
    return calls + results


def _orchestrator_table(url: str) -> str:
    """A table for the cold-start runs, created by a bench-venv child (the orchestrator may
    have no boto3)."""
    code = (
        "import sys; sys.path.insert(0, 'bench'); import bench_idempotency as b; "
        "print(b.create_table(b._client()))"
    )
    done = subprocess.run(
        [str(VENV_PY), "-c", code],
        capture_output=True,
        text=True,
        env=child_env({**CREDENTIALS, "AWS_ENDPOINT_URL": url}),
        cwd=ROOT,
        check=False,
    )
    if done.returncode != 0:
        raise BenchError(f"creating the cold-start table failed:\n{done.stderr[-3000:]}")
    return done.stdout.strip()


def _cold(settings: Settings, env: dict[str, str], url: str, has_ours: bool) -> list[Result]:
    table = _orchestrator_table(url)
    records = fresh_interpreters(
        _cold_variants(table, env, has_ours), settings.import_runs, progress="idempotency cold"
    )

    def med(name: str, key: str) -> float | None:
        return median(r[key] for r in records[name]) if name in records else None

    def total(name: str) -> float | None:
        """Import plus first use, the median of their per-process sums."""
        if name not in records:
            return None
        return median(r["import_ns"] + r["first_use_ns"] for r in records[name])

    details = {
        name: {
            "wall_ns": spread([r["wall_ns"] for r in rs]),
            "import_ns": spread([r["import_ns"] for r in rs]),
            "first_use_ns": spread([r["first_use_ns"] for r in rs]),
            "heavy_after_import": sorted(
                {m for r in rs for m in r["heavy_after_import"].split(",") if m}
            ),
        }
        for name, rs in records.items()
    }
    ours_heavy = details.get("ours", {}).get("heavy_after_import")
    return [
        Result(
            "import idempotency (in-process)",
            "ns",
            med("ours", "import_ns"),
            med("theirs", "import_ns"),
            target="no boto3 at import",
            passed=None if ours_heavy is None else not ours_heavy,
            details={"all": details},
        ),
        Result(
            "import + first use (store, 1st call)",
            "ns",
            total("ours"),
            total("theirs"),
            total("floor"),
            "boto3 by hand",
        ),
        Result(
            "cold process, import + first use (wall)",
            "ns",
            med("ours", "wall_ns"),
            med("theirs", "wall_ns"),
            med("floor", "wall_ns"),
            "boto3 by hand",
        ),
    ]
