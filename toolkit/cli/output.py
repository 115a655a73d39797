"""Where the function's output goes while it runs locally.

In Lambda, whatever the function writes to stdout (the Logger's JSON lines, EMF metrics) goes
to CloudWatch Logs, while the response travels separately. Locally the response owns stdout,
so the function's stdout is swapped for a :class:`LogStream` onto stderr, line by line, each
line either passed through raw (piped: ``jq`` and friends get the exact bytes) or rendered for
a human (terminal).
"""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Callable
from typing import TextIO

from toolkit.logging.levels import canonical_name

Renderer = Callable[[str], str]

RESET = "\x1b[0m"
DIM = "2"
LEVEL_COLOURS: dict[str, str] = {
    "DEBUG": "36",  # cyan
    "INFO": "32",  # green
    "WARNING": "33",  # yellow
    "ERROR": "31",  # red
    "CRITICAL": "1;31",  # bold red
}


def raw(line: str) -> str:
    return line


def pretty(line: str, colour: bool = True) -> str:
    """A JSON object line indented, coloured by its ``level``; any other line unchanged."""
    if not line.startswith("{"):
        return line
    try:
        record = json.loads(line)  # starts with "{": an object, or not JSON at all
    except (ValueError, RecursionError):  # rendering must never raise into the handler
        return line
    text = json.dumps(record, indent=2, ensure_ascii=False)
    if not colour:
        return text
    level = record.get("level", record.get("levelname"))
    code = None
    if isinstance(level, str):
        try:
            code = LEVEL_COLOURS.get(canonical_name(level))  # WARN and FATAL too
        except ValueError:  # not a level name: no colour
            code = None
    return text if code is None else f"\x1b[{code}m{text}{RESET}"


def pretty_plain(line: str) -> str:
    return pretty(line, colour=False)


def renderer(mode: str, is_terminal: bool, no_colour: bool) -> tuple[Renderer, bool]:
    """The line renderer and whether colour is on, for ``--color`` ``mode``.

    ``always`` forces pretty and coloured output (an explicit flag beats ``NO_COLOR``),
    ``never`` keeps lines raw, ``auto`` is pretty on a terminal, coloured unless ``NO_COLOR``.
    """
    if mode == "always":
        return pretty, True
    if mode == "never" or not is_terminal:
        return raw, False
    if no_colour:
        return pretty_plain, False
    return pretty, True


class LogStream(io.TextIOBase):
    """A line-buffered text stream that renders each complete line onto ``sink``.

    A partial line waits for its newline (or :meth:`drain` at the end of the invocation), so a
    JSON line written in pieces is still rendered whole. Each thread keeps its own partial line:
    ``print`` writes the text and its newline in two calls, and another thread's write may come
    between them, so one shared partial line would splice two threads' lines together.
    """

    def __init__(self, sink: TextIO, render: Renderer) -> None:
        super().__init__()
        self._sink = sink
        self._render = render
        self._partials: dict[int, str] = {}
        self._lock = threading.Lock()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def write(self, text: str) -> int:
        thread = threading.get_ident()
        with self._lock:
            *lines, partial = (self._partials.pop(thread, "") + text).split("\n")
            if partial:
                self._partials[thread] = partial
            if lines:
                self._sink.write("".join(self._render(line) + "\n" for line in lines))
                self._sink.flush()
        return len(text)

    def flush(self) -> None:
        self._sink.flush()

    def drain(self) -> None:
        """Write out the last lines that have no newline, one per thread that left one."""
        with self._lock:
            for partial in self._partials.values():
                self._sink.write(self._render(partial) + "\n")
            self._partials.clear()
            self._sink.flush()
