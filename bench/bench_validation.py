"""JSON Schema validation of an API Gateway event: ours against Powertools', same run.

The event is the API Gateway REST sample of tests/events with a 20-field JSON body; the
schema checks all 20 fields (types, lengths, ranges, an enum, patterns, formats, a nested
object and an array), through the ``API_GATEWAY_REST`` envelope, so every side parses the body
and validates it at each iteration. Two rows:

* ``validate()`` called in the handler: ours finds the compiled schema in its cache,
  Powertools compiles it at every call (its documented behaviour, ``fastjsonschema.validate``);
* ``@validator`` per invocation: ours compiled the schema when the decorator was applied.

The floor is what no library can beat: ``json.loads`` of the body and a fastjsonschema
validator compiled once by hand. The verification pass checks each side accepts the valid
event and rejects one with a wrong field.
"""

from __future__ import annotations

import json
from time import perf_counter_ns
from typing import Any

from common import Case, context
from events import _events_dir
from harness import Result, Settings, Side, interleave, median, spreads
from harness import verify as verify_sides

VERIFY_N = 1
ENVELOPE = "powertools_json(body)"  # both libraries' API_GATEWAY_REST

SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "order_id": {"type": "string", "pattern": "^ord-[0-9]{6}$"},
        "customer_id": {"type": "string", "minLength": 8, "maxLength": 36},
        "email": {"type": "string", "format": "email"},
        "created_at": {"type": "string", "format": "date-time"},
        "status": {"enum": ["new", "paid", "shipped", "cancelled"]},
        "amount": {"type": "number", "exclusiveMinimum": 0},
        "currency": {"type": "string", "pattern": "^[A-Z]{3}$"},
        "quantity": {"type": "integer", "minimum": 1, "maximum": 1000},
        "gift": {"type": "boolean"},
        "coupon": {"type": ["string", "null"]},
        "channel": {"type": "string", "enum": ["web", "app", "store"]},
        "country": {"type": "string", "minLength": 2, "maxLength": 2},
        "postcode": {"type": "string", "maxLength": 10},
        "phone": {"type": "string", "pattern": "^\\+[0-9]{7,15}$"},
        "priority": {"type": "integer", "minimum": 0, "maximum": 9},
        "weight_kg": {"type": "number", "minimum": 0},
        "notes": {"type": "string", "maxLength": 500},
        "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 10},
        "address": {
            "type": "object",
            "properties": {"line1": {"type": "string"}, "city": {"type": "string"}},
            "required": ["line1", "city"],
        },
        "version": {"type": "integer", "const": 2},
    },
    "required": ["order_id", "customer_id", "email", "amount", "currency", "quantity"],
    "additionalProperties": False,
}

BODY: dict[str, Any] = {
    "order_id": "ord-123456",
    "customer_id": "cust-000042",
    "email": "jane@example.com",
    "created_at": "2026-12-06T17:00:00Z",
    "status": "paid",
    "amount": 42.5,
    "currency": "EUR",
    "quantity": 3,
    "gift": False,
    "coupon": None,
    "channel": "web",
    "country": "PT",
    "postcode": "1000-001",
    "phone": "+351912345678",
    "priority": 5,
    "weight_kg": 1.25,
    "notes": "leave at the door",
    "tags": ["express", "fragile"],
    "address": {"line1": "Rua Augusta 1", "city": "Lisboa"},
    "version": 2,
}


def _event(**changes: Any) -> dict[str, Any]:
    event: dict[str, Any] = json.loads(
        (_events_dir() / "apigatewayeSchemaMiddlwareValidEvent.json").read_text()
    )
    event["body"] = json.dumps({**BODY, **changes})
    return event


def _case(check: Any, valid_error: type[BaseException]) -> Case:
    """``check(event)`` validates one event (raising ``valid_error`` when it is invalid)."""
    event = _event()

    def run(n: int) -> int:
        start = perf_counter_ns()
        for _ in range(n):
            check(event)
        return perf_counter_ns() - start

    def verify() -> dict[str, Any]:
        accepted = check(_event()) is not None
        try:
            check(_event(quantity=0))
            rejected = False
        except valid_error:
            rejected = True
        return {"accepted_valid": accepted, "rejected_invalid": rejected}

    return Case(run, verify, warmup=200)


def ours_function(verify: bool) -> Case:
    from toolkit.validation import SchemaValidationError, envelopes, validate

    def check(event: Any) -> Any:
        return validate(event, SCHEMA, envelope=envelopes.API_GATEWAY_REST)

    return _case(check, SchemaValidationError)


def theirs_function(verify: bool) -> Case:
    from aws_lambda_powertools.utilities.validation import SchemaValidationError, validate
    from aws_lambda_powertools.utilities.validation import envelopes as their_envelopes

    def check(event: Any) -> Any:
        return validate(event=event, schema=SCHEMA, envelope=their_envelopes.API_GATEWAY_REST)

    return _case(check, SchemaValidationError)


def _decorated(validator: Any, error: type[BaseException]) -> Case:
    @validator(inbound_schema=SCHEMA, envelope=ENVELOPE)
    def handler(event: Any, lambda_context: Any) -> Any:
        return event

    lambda_context = context()
    return _case(lambda event: handler(event, lambda_context), error)


def ours_decorator(verify: bool) -> Case:
    from toolkit.validation import SchemaValidationError, validator

    return _decorated(validator, SchemaValidationError)


def theirs_decorator(verify: bool) -> Case:
    from aws_lambda_powertools.utilities.validation import SchemaValidationError, validator

    return _decorated(validator, SchemaValidationError)


def floor(verify: bool) -> Case:
    import fastjsonschema

    compiled = fastjsonschema.compile(SCHEMA)

    def check(event: Any) -> Any:
        return compiled(json.loads(event["body"]))

    return _case(check, fastjsonschema.JsonSchemaValueException)


CASES = {
    "ours_function": ours_function,
    "theirs_function": theirs_function,
    "ours_decorator": ours_decorator,
    "theirs_decorator": theirs_decorator,
    "floor": floor,
}


def _row(name: str, samples: dict[str, list[float]], checked: dict[str, Any]) -> Result:
    ours_ns = median(samples["ours"]) if "ours" in samples else None
    theirs_ns = median(samples["theirs"])
    problems = [
        f"{role}: {found}"
        for role, found in checked.items()
        if found != {"accepted_valid": True, "rejected_invalid": True}
    ]
    return Result(
        name,
        "ns",
        ours_ns,
        theirs_ns,
        median(samples["floor"]),
        "json.loads + schema compiled by hand",
        "< theirs",
        None if ours_ns is None else ours_ns < theirs_ns,
        details={"verify": checked, "problems": problems, "samples": spreads(samples)},
    )


def run(settings: Settings, available: set[str]) -> list[Result]:
    results = []
    labels = {
        "function": "validate() API GW 20 fields",
        "decorator": "@validator API GW 20 fields",
    }
    for form, label in labels.items():
        sides = {
            "theirs": Side(__name__, f"theirs_{form}"),
            "floor": Side(__name__, "floor"),
        }
        if "toolkit.validation" in available:
            sides["ours"] = Side(__name__, f"ours_{form}")
        checked = verify_sides(sides)
        samples = interleave(sides, settings, progress=label)
        results.append(_row(label, samples, checked))
    return results
