"""A user's own test of examples/extension/app.py: the ``extension_emulator`` fixture starts the
extension in front of an embedded AWS and points the handler at both.

    pytest examples/extension/test_app.py
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from toolkit.testing import ExtensionEmulator, lambda_context

_spec = importlib.util.spec_from_file_location("extension_app", Path(__file__).with_name("app.py"))
assert _spec is not None and _spec.loader is not None
app = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(app)


def test_the_handler_reads_its_greeting_and_key(extension_emulator: ExtensionEmulator) -> None:
    assert extension_emulator.aws is not None
    extension_emulator.aws.put_parameter("/hello/greeting", "bonjour")
    extension_emulator.aws.create_secret("hello/api-key", "0123456789")
    app._connection = None  # a fresh execution environment: the emulator's port is new

    response = app.handler({}, lambda_context())

    assert response == {"message": "bonjour, world", "api_key_length": 10}
    assert extension_emulator.upstream_calls == 2
    app.handler({}, lambda_context())
    assert extension_emulator.upstream_calls == 2  # the extension's cache answered
