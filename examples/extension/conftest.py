"""What a user's conftest.py adds to get toolkit's extension fixture."""

from toolkit.testing.fixtures import extension_emulator  # noqa: F401
