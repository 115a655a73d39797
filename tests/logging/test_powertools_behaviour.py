"""Powertools 3.x Logger behaviours a migrating user relies on (issue 8, Logger section).

Each test states the behaviour of Powertools' own code that it carries over (file and
function in aws_lambda_powertools/logging), written against toolkit's API.
"""

from __future__ import annotations

import pytest

from toolkit import Logger

# --- remove_keys: one iterable (Powertools' logger.py Logger.remove_keys) or names ---------


@pytest.mark.parametrize(
    "call", [lambda lg: lg.remove_keys(["a", "b"]), lambda lg: lg.remove_keys("a", "b")]
)
def test_remove_keys_takes_an_iterable_or_names(stream, service, call):
    logger = Logger(service, stream=stream)
    logger.append_keys(a=1, b=2, c=3)
    call(logger)
    logger.info("after")
    (line,) = stream.records()
    assert "a" not in line and "b" not in line and line["c"] == 3


def test_remove_keys_with_an_iterable_and_names_is_a_type_error(service):
    with pytest.raises(TypeError, match="remove_keys"):
        Logger(service).remove_keys(["a"], "b")
