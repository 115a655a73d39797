"""The random source deciding which invocations log at DEBUG.

A module-level generator rather than the global one so that tests can make the decision
reproducible with ``toolkit.logging.sampling.rng.seed(n)`` without disturbing other users of
:mod:`random`. It is ``_random.Random``, the C generator that :class:`random.Random` is built
on (same Mersenne Twister, same ``seed``/``random``): importing :mod:`random` itself pulls in
``math``, ``bisect`` and ``hashlib`` and costs a couple of milliseconds of cold start.
"""

from __future__ import annotations

import _random

__all__ = ["rng", "sampled"]

rng = _random.Random()


def sampled(rate: float) -> bool:
    """Whether this invocation is one of the ``rate`` share that logs at DEBUG."""
    return rate >= 1.0 or (rate > 0.0 and rng.random() < rate)
