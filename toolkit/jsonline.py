"""The one JSON encoder and writer for every line toolkit writes: log lines and EMF documents.

Contract of :class:`Encoder` (``encode = Encoder(default); line = encode(data, keep)``):

* **Strict JSON, one line.** The result is one compact JSON object in ASCII (``\\uXXXX``
  escapes), so its length in characters is its size in bytes. NaN and the infinities are
  never bare tokens: they are written as the strings ``"NaN"``, ``"Infinity"``, ``"-Infinity"``.
* **Never raises** (only an exception a signal delivers, such as ``LambdaTimeoutError``,
  goes through). What cannot be encoded becomes a marker string *in its own place* and the
  rest of the line is kept: ``"<unserializable T: E>"`` (``default`` raised ``E``, or the
  value could not be read), ``"<unserializable T>"`` (``default`` gave the value back),
  ``"<unprintable T: str() raised E>"`` (a key whose ``__str__`` raised), ``"<circular
  reference>"``, ``"<nested too deep>"`` (more than 64 levels), ``"<int of N bits>"`` (an int
  too long for ``str``, over 4,300 digits), ``"<truncated>"`` (the walk's size budget ran out).
* **Values.** str, int, float, bool and None as JSON scalars; dict as an object; list and
  tuple as arrays; anything else through ``default`` (``str`` unless given), whose result is
  encoded in turn. With ``number_bound`` (EMF documents), a number whose magnitude exceeds
  it is written as a string of its digits, so every JSON number is one CloudWatch accepts.
* **Keys** are strings. ``True``/``False``/``None``/numbers become ``"true"``/``"false"``/
  ``"null"``/their JSON text, other keys their ``str``. No object has two members of one
  name: a converted key that collides with another key gets its type appended,
  ``{1: "a", "1": "b"}`` gives ``{"1 (int)":"a","1":"b"}``.
* **Bounded.** Logging any value finishes promptly: each top-level value's walk has a size
  budget (about half the limit, so a huge value keeps its shape and ends in a marker), a
  container is never followed twice down one path (a cycle), and the line is at most
  ``limit`` bytes (default :data:`MAX_LINE_BYTES`, CloudWatch Logs' event limit). A longer
  line is cut to fit: the members named in ``keep`` stay whole, then small members are kept
  in order, then large ones are cut (a string keeps its start, another value becomes the
  start of its JSON text, each ending in ``"..."``) or dropped when no room is left, and a
  ``"line_truncated"`` member says so: ``{"original_bytes": N, "cut": [...names],
  "dropped": [...names]}`` (N: the line's size before cutting, after the walk's bounds). If
  the ``keep`` members alone exceed the limit the line is returned over it: a caller that
  keeps members (EMF metrics) must bound them itself.

Fast path: a line whose top-level values are all str, int, float, bool or None and whose keys
are all strings goes straight to the C encoder (built once, without circular checking); only
when that raises (NaN, an int too long to print) or the line is too long does the careful
path run. Anything with a container goes through the careful path, which copies only what it
must change.

:func:`write_line` writes a line whole or not at all, even when a timeout signal interrupts a
write blocked on a full pipe (see its docstring).
"""

from __future__ import annotations

import io
import json
import os
import stat
from collections.abc import Callable, Container, Iterable, Mapping

from toolkit._typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import IO, Any

__all__ = [
    "c_chunks",
    "c_encoder",
    "EMF_NUMBER_BOUND",
    "MAX_LINE_BYTES",
    "SCALARS",
    "Encoder",
    "flat",
    "safe_str",
    "write_line",
    "write_lines",
]

# CloudWatch Logs: "Each log event can be no larger than 256 KB", where an event's size is its
# message in UTF-8 plus 26 bytes (PutLogEvents API reference); a 262,144-byte message is
# refused ("Log event too large: 262592 bytes exceeds limit of 262144"), 262,118 accepted.
MAX_LINE_BYTES = 262_144 - 26
# PutMetricData: values "must be in the range of -2^360 to 2^360"; EMF values land there.
EMF_NUMBER_BOUND = 2**360

_MAX_DEPTH = 64
_SMALL = 512  # bytes: members up to this size are kept before larger ones are cut
_MIN_CUT = 64  # bytes: a large member is cut only when at least this much room is left
_MARKER_ROOM = 1024  # bytes kept free for the "line_truncated" member
_MARKER_NAMES = 8  # names listed per kind in the marker
_CUT = "..."
# the types a member can have without a walk (see flat)
SCALARS = frozenset({str, int, float, bool, type(None)})
_STR = frozenset({str})
# ints of up to 18 digits print in any Python; longer ones are checked (4,300-digit limit)
_INT_FAST = 10**18
_INFINITY = float("inf")


def safe_str(value: object) -> str:
    """``str(value)``, or a marker naming the type when ``__str__`` itself raises: a log call
    must report the problem in the line, not raise it into the handler."""
    if value.__class__ is str:
        return value
    try:
        return str(value)
    except Exception as exc:
        return f"<unprintable {type(value).__name__}: str() raised {type(exc).__name__}>"


def c_chunks(default: Callable[[Any], Any] | None) -> Callable[[Any, int], Iterable[str]]:
    """The C encoder's chunk maker (``"".join(chunks(value, 0))`` is the JSON text): what
    :func:`c_encoder` calls, for a per-line path that saves the closure's call."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # pragma: no cover - CPython always has the accelerator
        encoder = json.JSONEncoder(separators=(",", ":"), allow_nan=False, default=default)
        return encoder.iterencode  # type: ignore[return-value]
    return make(  # type: ignore[no-any-return]
        None, default, json.encoder.encode_basestring_ascii, None, ":", ",", False, False, False
    )


def c_encoder(default: Callable[[Any], Any] | None = None) -> Callable[[Any], str]:
    """The C encoder, made once (``json.dumps`` makes a new one per call): compact, ASCII,
    refusing NaN, without circular checking (a cycle raises ``RecursionError``), with
    ``default`` for what JSON lacks (``None``: refused). For callers that checked their data
    and want no walk; everything else goes through :class:`Encoder`."""
    chunks = c_chunks(default)
    join = "".join

    def encode(value: Any) -> str:
        return join(chunks(value, 0))

    return encode


_encode_plain = c_encoder()
# The same encoder without the closure's call, for the per-line path (Encoder.checked).
_plain_chunks = c_chunks(None)
_join = "".join
_encode_str = json.encoder.encode_basestring_ascii


def _non_finite(value: float) -> str:
    """The string written for a NaN or an infinity (a NaN is neither above nor below 0)."""
    if value > 0:
        return "Infinity"
    return "-Infinity" if value < 0 else "NaN"


def _int_text(value: int) -> str | None:
    """The decimal text of ``value``, or ``None`` when it is too long for ``str``."""
    try:
        return int.__repr__(value)
    except ValueError:  # more digits than sys.get_int_max_str_digits()
        return None


class _Walk:
    """The careful pass: a JSON-safe equivalent of a value, sharing every part that needed no
    change (so a clean nested value costs a walk but no copy). ``spent`` counts (roughly) the
    bytes produced for the current top-level member; past ``budget`` the rest of a container
    becomes a ``"<truncated...>"`` marker. ``path`` holds the ids of the containers on the
    current path: a container met again on it is a cycle. Plain scalars are tested inline
    (``int_limit``, ``float_limit``: the magnitudes that need no closer look)."""

    __slots__ = ("bound", "budget", "default", "float_limit", "int_limit", "path", "spent")

    def __init__(
        self,
        default: Callable[[Any], Any],
        bound: int | None,
        budget: int,
        int_limit: int,
        float_limit: float,
    ) -> None:
        self.default = default
        self.bound = bound
        self.budget = budget
        self.int_limit = int_limit
        self.float_limit = float_limit
        self.spent = 0
        self.path: set[int] = set()

    def number(self, value: Any) -> Any:
        """An int or float (or a subclass) that the quick range test did not pass."""
        bound = self.bound
        if isinstance(value, float):
            if value - value != 0.0:  # NaN or an infinity
                return _non_finite(value)
            if bound is not None and not -bound <= value <= bound:
                return float.__repr__(value)
            return float(value)
        text = _int_text(value)
        if text is None:
            return f"<int of {value.bit_length()} bits>"
        if bound is not None and not -bound <= value <= bound:
            return text
        return int(value)

    def value(self, value: Any, depth: int) -> Any:
        """``value`` JSON-safe; plain scalars are checked inline (the usual members), strings
        counted against the budget."""
        cls = value.__class__
        if cls is str:
            self.spent += len(value)
            return value
        if cls is bool or value is None:
            return value
        if cls is int:
            int_limit = self.int_limit
            return value if -int_limit < value < int_limit else self.number(value)
        if cls is float:
            float_limit = self.float_limit
            ok = value - value == 0.0 and -float_limit <= value <= float_limit
            return value if ok else self.number(value)
        return self.other(value, depth)

    def other(self, value: Any, depth: int) -> Any:
        """Anything but a plain str, int, float, bool or None."""
        is_dict = isinstance(value, dict)
        if not is_dict and not isinstance(value, (list, tuple)):
            if isinstance(value, (int, float)):
                return self.number(value)
            if isinstance(value, str):
                return value
        self.spent += 16  # what a container costs at least, or the marker written instead
        if self.spent > self.budget:
            return "<truncated>"
        if depth >= _MAX_DEPTH:
            return "<nested too deep>"
        ident = id(value)
        path = self.path
        if ident in path:
            return "<circular reference>"
        path.add(ident)
        try:
            if is_dict:
                return self.mapping(value, depth + 1)
            if isinstance(value, (list, tuple)):
                return self.sequence(value, depth + 1)
            converted = self.default(value)
            if converted is value:
                return f"<unserializable {type(value).__name__}>"
            return self.value(converted, depth + 1)
        except Exception as exc:  # default raised, or the container cannot be read
            return f"<unserializable {type(value).__name__}: {type(exc).__name__}>"
        finally:
            path.discard(ident)

    def mapping(self, value: Mapping[Any, Any], depth: int, top: bool = False) -> dict[str, Any]:
        """``value`` with string keys and JSON-safe values. At the top (a whole line) each
        member gets the full budget, so one huge member cannot starve the others."""
        items = list(value.items())
        self.spent += 8 * len(items)  # a short key, its quotes, ':' and ','

        out: dict[str, Any] | None = None if value.__class__ is dict else {}
        for index, (key, item) in enumerate(items):
            if self.spent > self.budget and not top:
                if out is None:
                    out = dict(items[:index])
                out["<truncated>"] = f"{len(items) - index} more members"
                break
            if top and item.__class__ not in SCALARS:
                self.spent = 0
            clean = self.value(item, depth)
            if key.__class__ is not str:
                if out is None:
                    out = dict(items[:index])
                out[_key(key, value, out)] = clean
            elif out is not None:
                out[key] = clean
            elif clean is not item:
                out = dict(items[:index])
                out[key] = clean
        return value if out is None else out  # type: ignore[return-value]

    def sequence(
        self, value: list[Any] | tuple[Any, ...], depth: int
    ) -> list[Any] | tuple[Any, ...]:
        self.spent += 2 * len(value)
        out: list[Any] | None = None if value.__class__ in (list, tuple) else []
        for index, item in enumerate(value):
            if self.spent > self.budget:
                if out is None:
                    out = list(value[:index])
                out.append(f"<truncated: {len(value) - index} more items>")
                break
            clean = self.value(item, depth)
            if out is not None:
                out.append(clean)
            elif clean is not item:
                out = list(value[:index])
                out.append(clean)
        return value if out is None else out


def _key_text(key: Any) -> str:
    if key is True:
        return "true"
    if key is False:
        return "false"
    if key is None:
        return "null"
    if isinstance(key, float):
        if key - key != 0.0:
            return _non_finite(key)
        return float.__repr__(key)
    if isinstance(key, int):
        text = _int_text(key)
        return f"<int of {key.bit_length()} bits>" if text is None else text
    return safe_str(key)


def _key(key: Any, original: Mapping[Any, Any], taken: Mapping[str, Any]) -> str:
    """A string name for a non-string ``key``, distinct from the string keys of ``original``
    and from the names already in ``taken``."""
    name = _key_text(key)
    if name not in original and name not in taken:
        return name
    base = name = f"{name} ({type(key).__name__})"
    number = 2
    while name in original or name in taken:
        name = f"{base} #{number}"
        number += 1
    return name


def flat(mapping: Mapping[Any, Any]) -> bool:
    """Whether every value of ``mapping`` is a str, int, float, bool or None and every key a
    str: such a mapping needs no walk (the C encoder itself refuses NaN and overlong ints)."""
    return SCALARS.issuperset(map(type, mapping.values())) and _STR.issuperset(map(type, mapping))


class Encoder:
    """Encodes one dict as one line under the module's contract (see the module docstring).

    ``default`` converts what JSON lacks (``str`` unless given); ``limit`` bounds the line in
    bytes; ``number_bound`` writes numbers of a larger magnitude as strings (EMF documents use
    :data:`EMF_NUMBER_BOUND`).
    """

    __slots__ = ("_default", "bound", "limit")

    def __init__(
        self,
        default: Callable[[Any], Any] = str,
        *,
        limit: int = MAX_LINE_BYTES,
        number_bound: int | None = None,
    ) -> None:
        self._default = default
        self.limit = limit
        self.bound = number_bound

    def __call__(
        self, data: Mapping[str, Any], keep: Container[str] = (), checked: bool | None = None
    ) -> str:
        """``data`` as one line. ``keep`` names the members a line over the limit keeps whole.
        ``checked``: ``True`` when the caller vouches that every value is already JSON-safe
        (scalars, or parts it built itself or passed through :meth:`clean`) and every key a
        string, so no walk is made (if the C encoder still refuses the data, the careful path
        runs anyway); ``False`` when it knows some value is not a scalar; ``None`` to find out."""
        if checked is None:
            checked = self.bound is None and flat(data)
        if checked:
            return self.checked(data, keep)
        if self.bound is None:
            walked = self._walk_containers(data)
            line = None if walked is None else self._plain(walked)
        else:
            line = None
        return self._careful(data, keep) if line is None else line

    def checked(self, data: Mapping[str, Any], keep: Container[str] = ()) -> str:
        """``self(data, keep, checked=True)``, for the Logger's per-line path."""
        try:
            line = _join(_plain_chunks(data, 0))
        except Exception:  # NaN, an int too long to print: the careful path marks them
            return self._careful(data, keep)
        return line if len(line) <= self.limit else self._careful(data, keep)

    def members(self, mapping: Mapping[Any, Any]) -> Mapping[str, Any]:
        """``mapping`` with string keys (no two alike) and JSON-safe values, each member walked
        with its own budget; ``mapping`` itself when nothing needed a change. For a caller that
        assembles a line from parts and then passes ``checked=True``."""
        try:
            return self._walk().mapping(mapping, 0, top=True)
        except Exception as exc:  # the mapping itself cannot be read
            return {"<unserializable>": f"{type(mapping).__name__}: {type(exc).__name__}"}

    def clean(self, value: Any) -> Any:
        """A JSON-safe equivalent of ``value`` (the walk ``__call__`` makes of each member),
        sharing what needed no change: for callers that assemble a document from parts."""
        return self._walk().value(value, 0)

    def _walk(self) -> _Walk:
        bound = self.bound
        if bound is None:
            return _Walk(self._default, None, self.limit // 2, _INT_FAST, _INFINITY)
        return _Walk(self._default, bound, self.limit // 2, min(_INT_FAST, bound), float(bound))

    def _plain(self, data: Mapping[str, Any]) -> str | None:
        """The C encoder's line, or ``None`` when it refuses the data (NaN, an int too long to
        print, a cycle it met) or the line is over the limit: the careful path then runs."""
        try:
            line = _encode_plain(data)
        except Exception:
            return None
        return line if len(line) <= self.limit else None

    def _walk_containers(self, data: Mapping[str, Any]) -> Mapping[str, Any] | None:
        """``data`` with its non-scalar members walked (the usual line with a nested value),
        the scalar ones being left to the C encoder, which refuses the bad ones; ``None`` when
        a key is not a string (the careful path converts it)."""
        walk = self._walk()
        changed: dict[str, Any] | None = None
        for key, value in [
            item
            for item in data.items()
            if item[1].__class__ not in SCALARS or item[0].__class__ is not str
        ]:
            if key.__class__ is not str:
                return None
            walk.spent = 0  # each member has the whole budget
            clean = walk.other(value, 0)
            if clean is not value:
                if changed is None:
                    changed = dict(data)
                changed[key] = clean
        return data if changed is None else changed

    def _careful(self, data: Mapping[str, Any], keep: Container[str]) -> str:
        members = dict(self.members(data))
        line = _encode_plain(members)
        if len(line) <= self.limit:
            return line
        return self._fit(members, keep, len(line))

    def _fit(self, members: dict[str, Any], keep: Container[str], size: int) -> str:
        """Cut a line of ``size`` bytes down to the limit (see the module docstring)."""
        pieces = [
            (key, f"{_encode_str(key)}:{_encode_plain(value)}") for key, value in members.items()
        ]
        room = self.limit - 2 - _MARKER_ROOM
        chosen: dict[int, str] = {}
        for index, (key, piece) in enumerate(pieces):
            if key in keep:
                chosen[index] = piece
                room -= len(piece) + 1
        for index, (_, piece) in enumerate(pieces):
            if index not in chosen and len(piece) <= _SMALL and len(piece) < room:
                chosen[index] = piece
                room -= len(piece) + 1
        cut: list[str] = []
        dropped: list[str] = []
        for index, (key, piece) in enumerate(pieces):
            if index in chosen:
                continue
            if room < _MIN_CUT:
                dropped.append(key)
                continue
            text = _cut_member(key, piece, room)
            chosen[index] = text
            room -= len(text) + 1
            cut.append(key)
        marker = {"original_bytes": size, "cut": _names(cut), "dropped": _names(dropped)}
        parts = [chosen[index] for index in range(len(pieces)) if index in chosen]
        parts.append('"line_truncated":' + _encode_plain(marker))
        return "{" + ",".join(parts) + "}"


def _names(names: list[str]) -> list[str]:
    """The first few names (each at most 64 characters) and how many more there were."""
    listed = [name[:64] for name in names[:_MARKER_NAMES]]
    if len(names) > _MARKER_NAMES:
        listed.append(f"... {len(names) - _MARKER_NAMES} more")
    return listed


def _cut_member(key: str, piece: str, room: int) -> str:
    """The member ``"key":value`` (encoded as ``piece``) cut to at most ``room`` bytes, its
    value becoming a string: the start of the string, or of the value's JSON text."""
    name = _encode_str(key)
    value_text = piece[len(name) + 1 :]
    # a string is decoded so that it is cut on character boundaries, not inside an escape
    text = json.loads(value_text) if value_text.startswith('"') else value_text
    space = room - len(name) - 1  # for the encoded value, quotes included
    cut = text[: max(0, space - 2 - len(_CUT))]
    encoded = _encode_str(cut + _CUT)
    while len(encoded) > space and cut:
        # escapes made it longer than its length: shorten in proportion
        cut = cut[: len(cut) * (space - 2 - len(_CUT)) // (len(encoded) - 2 - len(_CUT)) - 1]
        encoded = _encode_str(cut + _CUT)
    return f"{name}:{encoded}"


# --- writing ------------------------------------------------------------------------------

_fd_writers: dict[int, io.BufferedWriter] = {}
_last: tuple[object, io.BufferedWriter | None] = (None, None)
# Large enough that a whole line always fits in the writer's buffer (see write_line).
_WRITER_BUFFER = 2 * MAX_LINE_BYTES + 2


def _pipe_writer(stream: object) -> io.BufferedWriter | None:
    """The whole-line writer for ``stream``'s file descriptor when that is a pipe or a socket
    (where a write can block, and so be interrupted half-way); ``None`` otherwise. Cached for
    the last stream asked about: the Logger's stream and ``sys.stdout`` rarely change."""
    global _last
    writer = None
    try:
        fd = stream.fileno()  # type: ignore[attr-defined]
        mode = os.fstat(fd).st_mode
    except Exception:  # no descriptor (StringIO, pytest's capture): write to the stream
        fd = -1
        mode = 0
    if fd >= 0 and (stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)):
        writer = _fd_writers.get(fd)
        if writer is None:
            raw = io.FileIO(fd, "w", closefd=False)
            writer = _fd_writers[fd] = io.BufferedWriter(raw, _WRITER_BUFFER)
    _last = (stream, writer)
    return writer


def write_line(stream: IO[str], line: str) -> None:
    """Write ``line`` and a newline to ``stream``, whole or not at all.

    Why: Lambda's stdout is a pipe. A write longer than the pipe's free space (64 KiB) blocks;
    a timeout signal raising ``LambdaTimeoutError`` there makes ``TextIOWrapper`` return with
    the first 64 KiB written and the rest dropped, so the next line is glued onto the torn
    one. On a pipe or socket the line is therefore written, after flushing ``stream`` (so it
    stays in order with what was printed before), through a ``BufferedWriter`` on the same
    descriptor whose buffer holds the whole line: its flush records each partial write, so
    when a signal's exception interrupts it the unwritten rest is still known, and is written
    before the exception goes on. Elsewhere (files, ``/dev/null``, ``StringIO``) a write
    cannot be interrupted half-way, and the stream is used as it is.
    """
    cached = _last
    writer = cached[1] if cached[0] is stream else _pipe_writer(stream)
    if writer is None:
        stream.write(line + "\n")
        return
    data = (line + "\n").encode()
    stream.flush()
    try:
        writer.write(data)
        writer.flush()
    except BaseException:  # a signal's exception (LambdaTimeoutError): finish, then re-raise
        _finish(writer)
        raise


def _finish(writer: io.BufferedWriter) -> None:
    """Write what an interrupted flush left in ``writer``'s buffer. Further interruptions are
    retried a few times (the first exception is the one re-raised by the caller); an
    ``OSError`` (the reader went away) ends it: the rest goes with the writer's next flush."""
    for _ in range(8):
        try:
            writer.flush()
            return
        except OSError:
            return
        except BaseException:  # interrupted again while finishing: keep finishing
            continue


def write_lines(stream: IO[str], lines: list[str]) -> None:
    """:func:`write_line` for each line, then flush ``stream`` (EMF documents go out at once)."""
    for line in lines:
        write_line(stream, line)
    stream.flush()
