"""Parameters and secrets, ours against Powertools' get_parameter / get_secret, on the same
moto server (a subprocess on 127.0.0.1), with the extension emulator
(``toolkit extension serve``, another subprocess) in front of it for our extension transport.

Three measures:

* **cache hit**: ``get_parameter(name)`` of a value fetched before, per call;
* **miss**: a fetch every call (ours ``max_age=0``; Powertools ``force_fetch=True``), through
  the extension (the emulator's own cache warm, as the real extension's would be) and through
  the SDK (ours and Powertools', both to moto on loopback: real SSM adds a network round trip
  to the SDK rows only);
* **cold start**: a fresh interpreter whose handler reads one secret on its first invocation,
  process start to the response (ours through the extension, Powertools through boto3).

The floor of the hit is a dict look-up and a clock read.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from time import perf_counter_ns
from typing import Any

from common import Case
from harness import (
    ROOT,
    VENV_PY,
    Result,
    Settings,
    Side,
    child_env,
    free_port,
    fresh_interpreters,
    interleave,
    median,
    serve,
    spread,
    spreads,
)
from harness import verify as verify_sides

PARAMETER = "/bench/db-url"
SECRET = "bench/api-key"
VALUES = {PARAMETER: "postgres://db.internal/bench", SECRET: "sk-bench-0123456789"}
TOKEN = "bench-token"
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_SESSION_TOKEN": TOKEN,
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
}
VERIFY_N = 3


def _repeat(call: Any, expected: str) -> Case:
    def run(n: int) -> int:
        start = perf_counter_ns()
        for _ in range(n):
            call()
        return perf_counter_ns() - start

    def check() -> dict[str, Any]:
        return {"value_ok": call() == expected}

    return Case(run, check, warmup=20)


# --- the sides (run in the workers) -----------------------------------------------------------
def hit_ours(verify: bool) -> Case:
    from toolkit import parameters

    parameters.get_parameter(PARAMETER)
    return _repeat(lambda: parameters.get_parameter(PARAMETER), VALUES[PARAMETER])


def hit_theirs(verify: bool) -> Case:
    from aws_lambda_powertools.utilities import parameters

    parameters.get_parameter(PARAMETER)
    return _repeat(lambda: parameters.get_parameter(PARAMETER), VALUES[PARAMETER])


def hit_floor(verify: bool) -> Case:
    from time import monotonic

    entries = {(PARAMETER, False, None, None, None): (VALUES[PARAMETER], monotonic() + 3600)}

    def get() -> str:
        entry = entries.get((PARAMETER, False, None, None, None))
        if entry is not None and monotonic() < entry[1]:
            return entry[0]
        raise AssertionError("expired")

    return _repeat(get, VALUES[PARAMETER])


def miss_ours_extension(verify: bool) -> Case:
    from toolkit.parameters import SSMProvider

    provider = SSMProvider(transport="extension")
    return _repeat(lambda: provider.get(PARAMETER, max_age=0), VALUES[PARAMETER])


def miss_ours_sdk(verify: bool) -> Case:
    from toolkit.parameters import SSMProvider

    provider = SSMProvider(transport="sdk")
    return _repeat(lambda: provider.get(PARAMETER, max_age=0), VALUES[PARAMETER])


def miss_theirs(verify: bool) -> Case:
    from aws_lambda_powertools.utilities import parameters

    return _repeat(lambda: parameters.get_parameter(PARAMETER, force_fetch=True), VALUES[PARAMETER])


CASES = {
    "hit_ours": hit_ours,
    "hit_theirs": hit_theirs,
    "hit_floor": hit_floor,
    "miss_ours_extension": miss_ours_extension,
    "miss_ours_sdk": miss_ours_sdk,
    "miss_theirs": miss_theirs,
}

_COLD = """\
import json, sys, time
{imports}
def handler(event, context):
    return {{"key_length": len(get_secret({secret!r}))}}
response = handler({{}}, None)
print(json.dumps({{"response": response, "boto3": "boto3" in sys.modules}}))
"""
COLD_VARIANTS = {
    "cold_ours": "from toolkit.parameters import get_secret",
    "cold_theirs": "from aws_lambda_powertools.utilities.parameters import get_secret",
    "cold_floor": "get_secret = lambda name: 'x' * 19",
}


# --- the orchestrator ---------------------------------------------------------------------------
@contextmanager
def _aws() -> Iterator[dict[str, str]]:
    """moto's server and the extension emulator in front of it, seeded; the environment the
    sides need to reach them."""
    moto_port, extension_port = free_port(), free_port()
    endpoint = f"http://127.0.0.1:{moto_port}"
    env = child_env({**CREDENTIALS, "AWS_ENDPOINT_URL": endpoint})
    moto = ["-m", "moto.server", "-H", "127.0.0.1", "-p", str(moto_port)]
    extension = [
        *("-m", "toolkit", "extension", "serve"),
        *("--port", str(extension_port), "--endpoint-url", endpoint),
    ]
    token = {"X-Aws-Parameters-Secrets-Token": TOKEN}
    with (
        serve(moto, f"{endpoint}/moto-api/", env),
        serve(extension, f"http://127.0.0.1:{extension_port}/", env, token),
    ):
        seed = (
            "import boto3\n"
            f"boto3.client('ssm').put_parameter(Name={PARAMETER!r},"
            f" Value={VALUES[PARAMETER]!r}, Type='String')\n"
            f"boto3.client('secretsmanager').create_secret(Name={SECRET!r},"
            f" SecretString={VALUES[SECRET]!r})\n"
        )
        subprocess.run([str(VENV_PY), "-c", seed], env=env, check=True, cwd=ROOT)
        yield {
            **CREDENTIALS,
            "AWS_ENDPOINT_URL": endpoint,
            "PARAMETERS_SECRETS_EXTENSION_HTTP_PORT": str(extension_port),
        }


def run(settings: Settings, available: set[str]) -> list[Result]:
    if "toolkit.parameters" not in available:
        return []
    with _aws() as env:
        return _hits(settings, env) + _misses(settings, env) + _cold(settings, env)


def _hits(settings: Settings, env: dict[str, str]) -> list[Result]:
    sides = {role: Side(__name__, f"hit_{role}", env) for role in ("ours", "theirs", "floor")}
    checked = verify_sides(sides)
    samples = interleave(sides, settings, progress="cache hit")
    ours, theirs = median(samples["ours"]), median(samples["theirs"])
    return [
        Result(
            "get_parameter: cache hit",
            "ns",
            ours,
            theirs,
            median(samples["floor"]),
            "dict look-up + clock read",
            "< 1 us",
            ours < 1000,
            details={
                "verify": checked,
                "problems": _problems(checked),
                "samples": spreads(samples),
            },
        )
    ]


def _misses(settings: Settings, env: dict[str, str]) -> list[Result]:
    roles = {"extension": "miss_ours_extension", "sdk": "miss_ours_sdk", "theirs": "miss_theirs"}
    sides = {role: Side(__name__, case, env) for role, case in roles.items()}
    checked = verify_sides(sides)
    samples = interleave(sides, settings, rounds=max(5, settings.rounds // 3), progress="miss")
    theirs = median(samples["theirs"])
    details = {"verify": checked, "problems": _problems(checked), "samples": spreads(samples)}
    return [
        Result(
            "get_parameter: miss, our extension vs their SDK",
            "ns",
            median(samples["extension"]),
            theirs,
            target="< theirs",
            passed=median(samples["extension"]) < theirs,
            details=details,
        ),
        Result(
            "get_parameter: miss, our SDK vs their SDK",
            "ns",
            median(samples["sdk"]),
            theirs,
            details=details,
        ),
    ]


def _cold(settings: Settings, env: dict[str, str]) -> list[Result]:
    variants = {
        name: (_COLD.format(imports=imports, secret=SECRET), env)
        for name, imports in COLD_VARIANTS.items()
    }
    records = fresh_interpreters(variants, max(4, settings.import_runs // 2), progress="cold")
    problems = [
        f"{name}: {record}"
        for name, found in records.items()
        for record in found[:1]
        if record.get("response") != {"key_length": len(VALUES[SECRET])}
    ]
    boto3 = {name: found[0].get("boto3") for name, found in records.items()}
    walls = {name: [r["wall_ns"] for r in found] for name, found in records.items()}
    ours, theirs = median(walls["cold_ours"]), median(walls["cold_theirs"])
    return [
        Result(
            "cold start: first invocation reading a secret",
            "ns",
            ours,
            theirs,
            median(walls["cold_floor"]),
            "no fetch (constant)",
            "< theirs",
            ours < theirs,
            details={
                "boto3_imported": boto3,
                "problems": problems,
                "wall": {name: spread(values) for name, values in walls.items()},
            },
        )
    ]


def _problems(checked: dict[str, Any]) -> list[str]:
    return [f"{role}: wrong value" for role, found in checked.items() if not found.get("value_ok")]
