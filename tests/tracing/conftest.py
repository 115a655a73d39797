"""Every test here runs the real aws-xray-sdk against a real UDP listener on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from toolkit.testing import XRayCapture


@pytest.fixture
def xray() -> Iterator[XRayCapture]:
    with XRayCapture() as capture:
        yield capture


@pytest.fixture(autouse=True)
def _fresh_tracing_warnings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tracing problems are reported once per process; each test is a new process here."""
    import toolkit.tracing.tracer

    monkeypatch.setattr(toolkit.tracing.tracer, "_warned", set())
