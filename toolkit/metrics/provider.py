"""Powertools' metrics provider name, for ``Metrics(provider=...)``.

Powertools' ``AmazonCloudWatchEMFProvider`` is the class its ``EphemeralMetrics`` aliases: a
metrics object with a buffer of its own. toolkit writes CloudWatch EMF only, so this is
:class:`~toolkit.metrics.EphemeralMetrics` under the provider's name, and
``Metrics(provider=AmazonCloudWatchEMFProvider(...))`` fronts its buffer.
"""

from __future__ import annotations

from toolkit.metrics.metrics import EphemeralMetrics as AmazonCloudWatchEMFProvider

__all__ = ["AmazonCloudWatchEMFProvider"]
