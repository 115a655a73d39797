"""Powertools' ``utilities.validation.envelopes`` import path: the envelopes are
:mod:`toolkit.jmespath.envelopes`, re-exported so ``from toolkit.validation import envelopes``
works as it does there."""

from __future__ import annotations

from toolkit.jmespath import envelopes as _envelopes
from toolkit.jmespath.envelopes import *  # noqa: F403

__all__ = _envelopes.__all__
