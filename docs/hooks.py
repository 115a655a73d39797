"""mkdocs hook: the API reference shows reST cross-reference roles as plain code.

toolkit's docstrings name other objects the Sphinx way (``:class:`Tracer```), which markdown
renders as ``:class:`` followed by the code; the role prefix is noise to a reader of the site.
"""

from __future__ import annotations

import re
from typing import Any

_ROLE = re.compile(r":(?:class|func|meth|mod|attr|exc|data|obj|const):(?=<code>)")


def on_page_content(html: str, page: Any, **_: Any) -> str:
    return _ROLE.sub("", html) if page.file.src_uri.startswith("api/") else html
