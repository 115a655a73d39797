"""Child process: holds one side of one benchmark and times it on request.

Usage (by the harness, with the bench venv's python): ``worker.py MODULE CASE [--verify]``.

``MODULE.CASES[CASE](verify)`` builds the side and returns a ``run(n) -> ns`` callable that
times ``n`` iterations itself (perf_counter_ns around its own loop, so the protocol costs
nothing measured). With ``--verify`` the case is built against counting sinks, run once, and
``run.verify()`` reports what was written; nothing is timed.

The protocol goes over a duplicate of the original stdout; file descriptor 1 itself is pointed
at /dev/null so that whatever a library prints (EMF metrics, stray warnings) cannot corrupt it.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import traceback


def main() -> int:
    module_name, case_name = sys.argv[1], sys.argv[2]
    verify = "--verify" in sys.argv[3:]
    protocol = os.fdopen(os.dup(1), "w", buffering=1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    sys.stdout.flush()
    os.dup2(devnull, 1)

    def send(message: dict[str, object]) -> None:
        protocol.write(json.dumps(message) + "\n")
        protocol.flush()

    try:
        module = importlib.import_module(module_name)
        run = module.CASES[case_name](verify)
        if verify:
            run(getattr(module, "VERIFY_N", 10))
            send({"verify": run.verify()})
            return 0
        run(getattr(run, "warmup", 200))
    except BaseException:
        send({"error": traceback.format_exc()})
        return 1
    send({"ready": True})
    for line in sys.stdin:
        n = int(line)
        send({"ns": run(n)})
    return 0


if __name__ == "__main__":
    sys.exit(main())
