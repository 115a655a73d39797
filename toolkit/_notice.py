"""toolkit's own warnings: JSON lines inside Lambda, Python warnings elsewhere.

Inside Lambda everything a function prints lands in CloudWatch Logs, where the Logger's lines
and the EMF documents are JSON: a plain-text ``UserWarning: ...`` with a path into toolkit's
source is noise there that no Logs Insights query finds. So inside Lambda (``LAMBDA_TASK_ROOT``
or ``AWS_LAMBDA_FUNCTION_NAME`` set) a notice is one JSON object on one line on stdout::

    {"level":"WARNING","message":"...","toolkit":"toolkit.metrics.metrics", ...keys}

Elsewhere (tests, scripts, ``toolkit invoke``) it is a ``warnings.warn`` pointing at the first
frame outside toolkit (the line of the user's code that led to it), so pytest's warning summary
and ``-W error`` work as usual.

Callers decide *whether* to warn (once per process, only when it helps); this module only
decides *how*.
"""

from __future__ import annotations

import sys
import warnings

from toolkit import config
from toolkit._typing import TYPE_CHECKING

if TYPE_CHECKING:
    from types import FrameType

__all__ = ["in_lambda", "warn"]


def in_lambda() -> bool:
    """Whether this process runs in the Lambda runtime (read on each call: tests switch it)."""
    return bool(config.LAMBDA_TASK_ROOT.raw() or config.LAMBDA_FUNCTION_NAME.raw())


def _is_toolkit(module: object) -> bool:
    return isinstance(module, str) and (module == "toolkit" or module.startswith("toolkit."))


def warn(message: str, category: type[Warning] = UserWarning, **keys: object) -> None:
    """Report ``message``, with ``keys`` as members of the JSON line (or appended to the
    warning's text outside Lambda).

    Never raises (short of ``-W error`` outside Lambda, which is the point of that flag): a
    notice is about a problem, and must not become a second one in the user's handler."""
    caller = sys._getframe(1)
    source = caller.f_globals.get("__name__", "toolkit")
    if in_lambda():
        _write_line(message, str(source), keys)
        return
    # stacklevel 2 is warn()'s caller; skip toolkit's own frames to reach the user's code.
    level = 2
    frame: FrameType | None = caller
    while frame is not None and _is_toolkit(frame.f_globals.get("__name__")):
        level += 1
        frame = frame.f_back
    if frame is None:  # nothing but toolkit on the stack (its command line): the caller
        level = 2
    if keys:
        message = f"{message} ({', '.join(f'{key}={value!r}' for key, value in keys.items())})"
    warnings.warn(message, category, stacklevel=level)


def _write_line(message: str, source: str, keys: dict[str, object]) -> None:
    import json

    line: dict[str, object] = {"level": "WARNING", "message": message, "toolkit": source}
    for key, value in keys.items():
        if key not in line:  # the notice's own fields always win
            plain = value is None or isinstance(value, (str, bool, int))
            line[key] = value if plain else str(value)
    text = json.dumps(line, separators=(",", ":"), default=str) + "\n"
    stream = sys.stdout
    try:
        stream.write(text)  # one write: a concurrent writer never lands inside the line
        stream.flush()
    except (OSError, ValueError):  # stdout closed or broken: there is nowhere left to report
        pass
