"""What users' own tests need to exercise a toolkit handler for real: a Lambda context with a
live deadline, a cold-start reset, and (in submodules) an X-Ray listener, a local Runtime API,
an embedded AWS (moto on loopback) and a local Parameters and Secrets extension. Names resolve
lazily so importing this package pulls in nothing heavy."""

from __future__ import annotations

from toolkit._lazy import exports
from toolkit._typing import TYPE_CHECKING

_EXPORTS: dict[str, str] = {
    "CapturedLogs": "toolkit.testing.logs",
    "EmbeddedAWS": "toolkit.testing.embedded_aws",
    "EmbeddedAWSError": "toolkit.testing.embedded_aws",
    "ExtensionEmulator": "toolkit.testing.extension",
    "Faults": "toolkit.testing.extension",
    "FakeLambdaContext": "toolkit.testing.context",
    "RuntimeAPIServer": "toolkit.testing.runtime_api",
    "lambda_context": "toolkit.testing.context",
    "reset_cold_start": "toolkit.context",
    "XRayCapture": "toolkit.testing.xray",
}

__all__ = [
    "CapturedLogs",
    "EmbeddedAWS",
    "EmbeddedAWSError",
    "ExtensionEmulator",
    "FakeLambdaContext",
    "Faults",
    "RuntimeAPIServer",
    "XRayCapture",
    "lambda_context",
    "reset_cold_start",
]

if TYPE_CHECKING:
    from toolkit.context import reset_cold_start
    from toolkit.testing.context import FakeLambdaContext, lambda_context
    from toolkit.testing.embedded_aws import EmbeddedAWS, EmbeddedAWSError
    from toolkit.testing.extension import ExtensionEmulator, Faults
    from toolkit.testing.logs import CapturedLogs
    from toolkit.testing.runtime_api import RuntimeAPIServer
    from toolkit.testing.xray import XRayCapture


__getattr__, __dir__ = exports(__name__, _EXPORTS, globals())
