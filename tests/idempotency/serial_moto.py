"""moto's server with its request handling serialised: one request at a time, as a real
DynamoDB applies each conditional write atomically.

Why: ``python -m moto.server`` serves every connection on its own thread (werkzeug's
``threaded=True``) and moto's DynamoDB backend checks a ``ConditionExpression`` and then
writes the item without a lock. Two concurrent ``PutItem(attribute_not_exists(#id))`` on one
key can then both succeed, where DynamoDB lets exactly one win. A race test on the plain
server would test moto's thread safety, not the code under test.

How: the same WSGI application ``moto.server`` builds, wrapped so that a process-wide lock is
held from the call into moto until its response body has been fully produced. The HTTP server
stays threaded, so the clients' connections are accepted and read concurrently (the race
happens on the wire as it would against AWS); only the backend's work, check plus write, is
one step at a time. Run it as a script (``python serial_moto.py -p PORT``) in a subprocess on
127.0.0.1, through :func:`serial_moto_server`.
"""

from __future__ import annotations

import argparse
import sys
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any


class Serialised:
    """A WSGI application that runs ``app`` for one request at a time."""

    def __init__(self, app: Any) -> None:
        self._app = app
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        with self._lock:
            # The body is produced inside the lock too: a lazy iterable would otherwise run
            # part of moto's work after another request has started.
            return list(self._app(environ, start_response))


def main(argv: list[str] | None = None) -> None:
    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import run_simple

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, required=True)
    args = parser.parse_args(argv)
    app = DomainDispatcherApplication(create_backend_app)
    run_simple(
        args.host,
        args.port,
        Serialised(app),
        threaded=True,
        request_handler=MotoRequestHandler,
    )


@contextmanager
def serial_moto_server() -> Iterator[str]:
    """Endpoint URL of a serialised moto server in a subprocess on 127.0.0.1."""
    from tests.aws import moto_server

    with moto_server(command=[sys.executable, str(Path(__file__).resolve())]) as url:
        yield url


if __name__ == "__main__":
    main()
