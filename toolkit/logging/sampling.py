"""The random source deciding which invocations log at DEBUG.

A module-level :class:`random.Random` rather than the global one so that tests can make the
decision reproducible with ``toolkit.logging.sampling.rng.seed(n)`` without disturbing other
users of :mod:`random`.
"""

from __future__ import annotations

import random

__all__ = ["rng", "sampled"]

rng = random.Random()


def sampled(rate: float) -> bool:
    """Whether this invocation is one of the ``rate`` share that logs at DEBUG."""
    return rate >= 1.0 or (rate > 0.0 and rng.random() < rate)
