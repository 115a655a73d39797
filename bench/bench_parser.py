"""The parser: cold import of the parser plus one model, and parse() of an SQS event of 10
records through the SQS envelope, ours against Powertools' parser.

Import: ``from <parser> import parse`` and ``from <parser>.models import SqsModel`` in a fresh
interpreter (wall time of the process, and the import timed inside it); the floor is
``from pydantic import BaseModel``, which any pydantic parser pays. Parse: the same event dict
each iteration (neither side mutates it), the same ``Order`` model; the floor validates each
body with ``Order.model_validate_json`` without validating the envelope.
"""

from __future__ import annotations

from time import perf_counter_ns
from typing import Any

import events
from common import Case
from harness import Result, Settings, Side, fresh_interpreters, interleave, median, spread, spreads
from harness import verify as verify_sides

VERIFY_N = 3
RECORDS = 10

_TEMPLATE = """\
import sys, time
t0 = time.perf_counter_ns()
{imports}
t1 = time.perf_counter_ns()
print('{{"import_ns": %d, "pydantic": %s}}' % (t1 - t0, str("pydantic" in sys.modules).lower()))
"""

IMPORTS = {
    "empty": "pass",
    "floor": "from pydantic import BaseModel",
    "ours": "from toolkit.parser import parse\nfrom toolkit.parser.models import SqsModel",
    "theirs": (
        "from aws_lambda_powertools.utilities.parser import parse\n"
        "from aws_lambda_powertools.utilities.parser.models import SqsModel"
    ),
}


def _order_model() -> Any:
    from pydantic import BaseModel

    class Order(BaseModel):
        order_id: int
        customer: str
        amount: float
        state: str

    return Order


def _case(parse_event: Any) -> Case:
    event = events.sqs(RECORDS)
    seen: list[int] = []

    def run(n: int) -> int:
        start = perf_counter_ns()
        for _ in range(n):
            parsed = parse_event(event)
        elapsed = perf_counter_ns() - start
        seen[:] = [order.order_id for order in parsed]
        return elapsed

    return Case(run, lambda: {"order_ids": seen}, warmup=100)


def ours(verify: bool) -> Case:
    from toolkit.parser import parse
    from toolkit.parser.envelopes import SqsEnvelope

    order = _order_model()
    return _case(lambda event: parse(event, order, envelope=SqsEnvelope))


def theirs(verify: bool) -> Case:
    from aws_lambda_powertools.utilities.parser import envelopes, parse

    order = _order_model()
    return _case(lambda event: parse(event, order, envelope=envelopes.SqsEnvelope))


def floor(verify: bool) -> Case:
    order = _order_model()
    validate = order.model_validate_json
    return _case(lambda event: [validate(record["body"]) for record in event["Records"]])


CASES = {"ours": ours, "theirs": theirs, "floor": floor}


def run(settings: Settings, available: set[str]) -> list[Result]:
    have_ours = "toolkit.parser" in available
    variants = {
        name: (_TEMPLATE.format(imports=code), None)
        for name, code in IMPORTS.items()
        if have_ours or name != "ours"
    }
    records = fresh_interpreters(variants, settings.import_runs, progress="parser imports")

    def med(name: str, key: str) -> float | None:
        return median(r[key] for r in records[name]) if name in records else None

    results = [
        Result(
            f"import parser + SqsModel ({label})",
            "ns",
            med("ours", key),
            med("theirs", key),
            med("floor", key),
            "from pydantic import BaseModel",
            details={name: spread([r[key] for r in rs]) for name, rs in records.items()},
        )
        for key, label in (("wall_ns", "wall, fresh process"), ("import_ns", "in-process"))
    ]

    roles = ["theirs", "floor"] + (["ours"] if have_ours else [])
    sides = {role: Side(__name__, role, None) for role in roles}
    checked = verify_sides(sides)
    expected = list(range(RECORDS))
    problems = [
        f"{role}: parsed order ids {found.get('order_ids')}, expected {expected}"
        for role, found in checked.items()
        if found.get("order_ids") != expected
    ]
    samples = interleave(sides, settings, progress="parse SQS x10")
    results.append(
        Result(
            f"parse() SQS event, {RECORDS} records, SqsEnvelope",
            "ns",
            median(samples["ours"]) if "ours" in samples else None,
            median(samples["theirs"]),
            median(samples["floor"]),
            "model_validate_json per body",
            "< theirs",
            None if "ours" not in samples else median(samples["ours"]) < median(samples["theirs"]),
            details={"verify": checked, "problems": problems, "samples": spreads(samples)},
        )
    )
    return results
