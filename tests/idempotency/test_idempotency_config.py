"""Options checked when built, keys, the local cache, the kill switch, the invocation's time,
and the middleware's place among the others."""

from __future__ import annotations

import hashlib
import time
from decimal import Decimal
from typing import Any

import pytest

from toolkit import Middleware, chain
from toolkit.idempotency import (
    DataRecord,
    IdempotencyConfig,
    IdempotencyConfigError,
    idempotent,
    idempotent_function,
)
from toolkit.idempotency import base as base_module
from toolkit.idempotency.keys import canonical_json
from toolkit.jmespath import InvalidExpressionError
from toolkit.middleware import MiddlewareUsageError
from toolkit.testing import lambda_context


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"expires_after_seconds": 0}, "expires_after_seconds"),
        ({"expires_after_seconds": 1.5}, "expires_after_seconds"),
        ({"in_progress_expires_after_seconds": -1}, "in_progress_expires_after_seconds"),
        ({"local_cache_max_items": 0}, "local_cache_max_items"),
        ({"use_local_cache": "yes"}, "use_local_cache"),
        ({"raise_on_no_idempotency_key": 1}, "raise_on_no_idempotency_key"),
        ({"hash_function": "sha-256"}, "hash_function"),
        ({"wait_for_in_progress": True}, "wait_for_in_progress"),
        ({"response_hook": "hook"}, "response_hook"),
        ({"event_key_jmespath": 3}, "event_key_jmespath"),
    ],
)
def test_config_refuses_bad_values_when_built(options: dict[str, Any], message: str) -> None:
    with pytest.raises(IdempotencyConfigError, match=message):
        IdempotencyConfig(**options)


def test_config_compiles_expressions_when_built() -> None:
    with pytest.raises(InvalidExpressionError, match="nope"):
        IdempotencyConfig(event_key_jmespath="nope(body)")
    with pytest.raises(InvalidExpressionError):
        IdempotencyConfig(payload_validation_jmespath="a[")
    with pytest.raises(TypeError, match="jmespath_options"):
        IdempotencyConfig(jmespath_options={"custom_functions": None})


def test_decorators_check_their_options(store) -> None:
    with pytest.raises(MiddlewareUsageError, match="persistence_store"):

        @idempotent
        def bare(event: Any, context: Any) -> None: ...

    with pytest.raises(IdempotencyConfigError, match="persistence_store"):

        @idempotent(persistence_store="table")  # type: ignore[arg-type]
        def no_store(event: Any, context: Any) -> None: ...

    with pytest.raises(IdempotencyConfigError, match="config"):

        @idempotent(persistence_store=store, config={"event_key_jmespath": "id"})  # type: ignore[arg-type]
        def wrong(event: Any, context: Any) -> None: ...

    with pytest.raises(IdempotencyConfigError, match="key_prefix"):
        idempotent_function(
            lambda order: 1, data_keyword_argument="order", persistence_store=store, key_prefix=""
        )
    with pytest.raises(IdempotencyConfigError, match="no parameter 'order'"):
        idempotent_function(lambda data: 1, data_keyword_argument="order", persistence_store=store)
    with pytest.raises(TypeError, match="jmespath_options"):
        idempotent_function(
            lambda order: 1,
            data_keyword_argument="order",
            persistence_store=store,
            jmespath_options={},
        )

    @idempotent_function(data_keyword_argument="order", persistence_store=store)
    def keyword_only(*, order: Any) -> None: ...

    with pytest.raises(IdempotencyConfigError, match="without its 'order' argument"):
        keyword_only()


def test_keys_are_canonical_and_stable() -> None:
    # Sorted keys, no spaces; equal numbers are one number whatever their type.
    assert canonical_json({"b": 1, "a": [1.0, Decimal("1.10"), True]}) == '{"a":[1,1.1,true],"b":1}'
    assert canonical_json(Decimal("2.000")) == canonical_json(2) == canonical_json(2.0) == "2"
    assert canonical_json(0.1) == canonical_json(Decimal("0.1"))
    # More digits than a float holds stay distinct from the float.
    assert canonical_json(Decimal("0.1000000000000000000001")) != canonical_json(0.1)
    assert canonical_json((1, "é")) == '[1,"\\u00e9"]'
    # A fixed payload's key never changes (other processes, other Python versions).
    digest = hashlib.sha256(canonical_json({"order": {"id": 7, "total": 1.5}}).encode())
    assert digest.hexdigest() == "b82aec23d2c89cecb7df529fbf4f294f4aabc20165cbfd18b3f1a660b6ed05ad"


def test_keys_include_function_name_module_and_qualname(store, monkeypatch, items) -> None:
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "orders-api")

    config = IdempotencyConfig(in_progress_expires_after_seconds=5)

    @idempotent_function(data_keyword_argument="order", persistence_store=store, config=config)
    def charge(order: Any) -> int:
        return 1

    charge(order="o-1")
    digest = hashlib.sha256(b'"o-1"').hexdigest()
    (item,) = items()
    assert item["id"]["S"] == f"orders-api.{__name__}.{charge.__qualname__}#{digest}"

    @idempotent_function(
        data_keyword_argument="order", persistence_store=store, config=config, key_prefix="pay"
    )
    def pay(order: Any) -> int:
        return 1

    pay(order="o-1")
    assert {item["id"]["S"] for item in items()} >= {f"pay#{digest}"}


def test_local_cache_is_bounded_least_recently_used_first(store, calls) -> None:
    config = IdempotencyConfig(
        use_local_cache=True, local_cache_max_items=2, in_progress_expires_after_seconds=30
    )

    @idempotent_function(data_keyword_argument="order", persistence_store=store, config=config)
    def charge(order: str) -> str:
        return order.upper()

    for order in ("a", "b", "a", "c"):  # "b" is the least recently used when "c" arrives
        charge(order=order)
    calls.take()
    assert charge(order="a") == "A" and charge(order="c") == "C"
    assert calls.take() == []
    assert charge(order="b") == "B"
    assert calls.take() == ["PutItem"]  # evicted: read from the table (and cached again)


def test_with_a_local_cache_string_keys_are_remembered_bounded_and_unchanged(
    store, calls, items
) -> None:
    # The cache remembers the keys of recent string values so that a hit hashes nothing; the
    # keys written must be the same hashes as without it, and the memory stays bounded.
    config = IdempotencyConfig(
        use_local_cache=True, local_cache_max_items=2, in_progress_expires_after_seconds=30
    )

    @idempotent_function(data_keyword_argument="order", persistence_store=store, config=config)
    def charge(order: str) -> str:
        return order.upper()

    long = "x" * 300  # too long to remember: hashed every time
    for order in ("a", "b", "c", "a", long, long):
        assert charge(order=order) == order.upper()
    prefix = f"test-func.{__name__}.{charge.__qualname__}#"
    expected = {prefix + hashlib.sha256(f'"{o}"'.encode()).hexdigest() for o in "abc"}
    expected.add(prefix + hashlib.sha256(f'"{long}"'.encode()).hexdigest())
    assert {item["id"]["S"] for item in items()} == expected
    remembered = _handler_of(charge)._keys
    assert len(remembered) <= 2 and long not in remembered
    assert set(remembered.values()) <= expected
    calls.take()
    assert charge(order="a") == "A" and charge(order=long) == long.upper()
    assert calls.take() == []  # both still local-cache hits


def test_an_expired_cached_record_is_not_used(store, calls) -> None:
    config = IdempotencyConfig(use_local_cache=True, in_progress_expires_after_seconds=30)

    @idempotent_function(data_keyword_argument="order", persistence_store=store, config=config)
    def charge(order: str) -> str:
        return order

    charge(order="a")
    cache = charge.__wrapped__ and _handler_of(charge)._cache
    (record,) = cache._items.values()
    record.expiry_timestamp = int(time.time()) - 1
    calls.take()
    charge(order="a")
    assert calls.take() == ["PutItem"]


def _handler_of(function: Any) -> Any:
    """The IdempotencyHandler a decorated function closes over."""
    cells = [cell.cell_contents for cell in function.__closure__]
    return next(cell for cell in cells if isinstance(cell, base_module.IdempotencyHandler))


def test_disabled_by_environment_with_one_warning(store, calls, monkeypatch) -> None:
    monkeypatch.setattr(base_module, "_disabled_warned", False)
    monkeypatch.setenv("POWERTOOLS_IDEMPOTENCY_DISABLED", "true")
    runs: list[int] = []

    def charge(order: str) -> None:
        runs.append(1)

    def handler(event: Any, context: Any) -> None:
        runs.append(2)

    # Read when decorating, like every toolkit setting: the function comes back as it was.
    with pytest.warns(UserWarning, match="TOOLKIT_IDEMPOTENCY_DISABLED") as caught:
        plain = idempotent_function(charge, data_keyword_argument="order", persistence_store=store)
        bare = idempotent(persistence_store=store)(handler)
    assert len(caught) == 1
    assert plain is charge and bare is handler
    plain(order="a")
    plain(order="a")
    assert runs == [1, 1]
    assert calls == []


def test_lock_lifetime_comes_from_the_invocation(store, items) -> None:
    config = IdempotencyConfig(in_progress_expires_after_seconds=600)
    context = lambda_context(timeout_ms=60_000)

    @idempotent(persistence_store=store, config=config)
    def handler(event: Any, context: Any) -> None: ...

    before = time.time() * 1000
    handler({"id": 1}, context)
    (item,) = items()
    lock = int(item["in_progress_expiration"]["N"])
    assert before + 55_000 < lock <= time.time() * 1000 + 60_000  # the deadline, not 600 s


def test_register_lambda_context_serves_functions_outside_handlers(store, items) -> None:
    config = IdempotencyConfig()
    config.register_lambda_context(lambda_context(timeout_ms=30_000))

    @idempotent_function(data_keyword_argument="order", persistence_store=store, config=config)
    def charge(order: str) -> None: ...

    charge(order="a")
    (item,) = items()
    assert int(item["in_progress_expiration"]["N"]) <= time.time() * 1000 + 30_000


def test_a_function_inside_a_toolkit_handler_uses_its_invocation(store, items) -> None:
    @idempotent_function(data_keyword_argument="order", persistence_store=store)
    def charge(order: str) -> None: ...

    class Noop(Middleware):
        pass

    @chain(Noop())
    def handler(event: Any, context: Any) -> None:
        charge(order=event["order"])

    handler({"order": "a"}, lambda_context(timeout_ms=20_000))
    (item,) = items()
    assert int(item["in_progress_expiration"]["N"]) <= time.time() * 1000 + 20_000


def test_the_lock_warning_is_given_once_per_function(store) -> None:
    @idempotent_function(data_keyword_argument="order", persistence_store=store)
    def charge(order: str) -> None: ...

    with pytest.warns(UserWarning, match="lasts until expires_after_seconds") as caught:
        charge(order="a")
        charge(order="b")
    assert len(caught) == 1


def test_idempotent_chains_and_stacks_with_other_middlewares(store, calls) -> None:
    order: list[str] = []

    class Trace(Middleware):
        def before(self, request: Any) -> None:
            order.append("before")

        def after(self, request: Any) -> None:
            order.append("after")
            request.response = {**request.response, "traced": True}

    config = IdempotencyConfig(event_key_jmespath="body", in_progress_expires_after_seconds=5)

    @chain(Trace(), idempotent(persistence_store=store, config=config))
    def handler(event: Any, context: Any) -> dict[str, Any]:
        order.append("handler")
        return {"statusCode": 200}

    assert handler({"body": "x"}, lambda_context()) == {"statusCode": 200, "traced": True}
    assert handler({"body": "x"}, lambda_context()) == {"statusCode": 200, "traced": True}
    assert order == ["before", "handler", "after", "before", "after"]
    assert handler.__name__ == "handler"


def test_powertools_json_key_paths_work_unchanged(store) -> None:
    config = IdempotencyConfig(
        event_key_jmespath='powertools_json(body).["user", "order"]',
        in_progress_expires_after_seconds=5,
    )
    runs: list[int] = []

    @idempotent(persistence_store=store, config=config)
    def handler(event: Any, context: Any) -> int:
        runs.append(1)
        return len(runs)

    assert handler({"body": '{"user": 1, "order": 2, "at": 1}'}, None) == 1
    assert handler({"body": '{"order": 2, "user": 1, "at": 2}'}, None) == 1
    assert handler({"body": '{"order": 3, "user": 1}'}, None) == 2


def test_a_key_expression_that_fails_on_the_payload_is_a_key_error(store) -> None:
    from toolkit.idempotency import IdempotencyKeyError

    config = IdempotencyConfig(event_key_jmespath="json_decode(body).id")

    @idempotent(persistence_store=store, config=config)
    def handler(event: Any, context: Any) -> None: ...

    with pytest.raises(IdempotencyKeyError, match="json_decode") as caught:
        handler({"body": "{not json: secret-value"}, None)
    assert "secret-value" not in str(caught.value)


def test_data_record_repr_and_status() -> None:
    record = DataRecord("k", "COMPLETED", int(time.time()) + 60, response_data='{"card":"4111"}')
    assert "4111" not in repr(record)
    assert record.status == "COMPLETED"
    assert record.get_expiration_datetime() is not None
    record.expiry_timestamp = int(time.time()) - 1
    assert record.status == "EXPIRED"
    from toolkit.idempotency.exceptions import IdempotencyInvalidStatusError

    with pytest.raises(IdempotencyInvalidStatusError, match="BOGUS"):
        _ = DataRecord("k", "BOGUS").status
