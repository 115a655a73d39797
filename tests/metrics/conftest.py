"""Each metrics test starts with no shared metric buffers, as a fresh execution environment."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from toolkit.metrics import metrics as metrics_module


@pytest.fixture(autouse=True)
def _no_shared_buffers() -> Iterator[None]:
    metrics_module._registry.clear()
    yield
    metrics_module._registry.clear()
