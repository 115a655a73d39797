"""The extension fixtures by name, for suites that import them into a ``conftest.py``::

    from toolkit.testing.fixtures import embedded_aws, extension_emulator  # noqa: F401

Installing the toolkit registers them already (with the others) through its pytest plugin,
:mod:`toolkit.testing.pytest_plugin`; importing them is needed only where that plugin is turned
off (``-p no:toolkit``).
"""

from __future__ import annotations

from toolkit.testing.pytest_plugin import embedded_aws, extension_emulator

__all__ = ["embedded_aws", "extension_emulator"]
