"""``toolkit invoke --runtime ric``: the handler under AWS's own runtime interface client.

The in-process runtime imitates Lambda; this one runs what Lambda runs. A child process starts
``python -m awslambdaric module.function`` (the client the managed Python runtimes and container
images use) against :class:`~toolkit.testing.runtime_api.RuntimeAPIServer` on loopback, so the
root logger's set-up, the stdout wrapping, the context object and the error documents are
awslambdaric's, not ours. This process plays the Lambda service: it queues each event, prints
START / END / REPORT around it, forwards the child's output to stderr as the function's logs, and
prints the response or the error document the client posted on stdout.

The child's stdout and stderr are read in this thread with ``select`` while it waits for the
result, and drained once the result is in: whatever the function wrote before answering is
printed before its END line, as in CloudWatch.
"""

from __future__ import annotations

import ast
import codecs
import importlib.util
import os
import select
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from toolkit import config
from toolkit.cli.errors import CliError, HandlerSpecError
from toolkit.cli.handler import DEFAULT_HANDLERS, HandlerSpec
from toolkit.cli.invoke import (
    EXIT_FAILED,
    EXIT_OK,
    Runtime,
    error_document,
    exit_message,
    lambda_environment,
    report_line,
    summary_line,
)
from toolkit.cli.output import LogStream
from toolkit.testing.runtime_api import InvocationResult, PendingInvocation, RuntimeAPIServer
from toolkit.trace_header import new_trace_header

INSTALL_HINT = "pip install 'lambda-handler-toolkit[local]'"
ACCOUNT = "123456789012"
INIT_LIMIT_S = 10
"""Lambda's init phase limit: past it, the init is retried within the function's timeout."""
SETTLE_S = 5.0
"""How long the output of a child that exited is read for, at most."""
POLL_S = 0.005
"""How long one look at the child's output may block while an invocation is in flight."""

# What the child must not inherit: a telemetry descriptor of ours, or the concurrency setting
# that switches awslambdaric to its multi-concurrent mode (one invocation at a time here).
_NOT_INHERITED = ("_LAMBDA_TELEMETRY_LOG_FD", "AWS_LAMBDA_MAX_CONCURRENCY")


def ric_handler(spec: HandlerSpec) -> str:
    """The ``module.function`` string awslambdaric loads (it splits at the last dot).

    For a file given without ``:function`` the function is found by reading the file, not by
    importing it here: the first of ``lambda_handler``/``handler`` defined at its top level.
    A file that does not parse is left to awslambdaric, whose ``Runtime.UserCodeSyntaxError``
    is the report Lambda gives.
    """
    attribute = spec.attribute
    if attribute is None:
        attribute = _default_handler(spec)
    if "." in attribute:
        raise HandlerSpecError(
            spec.text,
            "attribute",
            f"--runtime ric loads 'module.function' as Lambda does; {attribute!r} is not a "
            "top-level function (use the in-process runtime, or export it at module level)",
        )
    return f"{spec.module}.{attribute}"


def _default_handler(spec: HandlerSpec) -> str:
    assert spec.file is not None  # the module form always names its function
    try:
        tree = ast.parse(spec.file.read_bytes(), str(spec.file))
    except (SyntaxError, ValueError):
        return DEFAULT_HANDLERS[0]
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(target.id for target in targets if isinstance(target, ast.Name))
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update(alias.asname or alias.name for alias in node.names)
    for name in DEFAULT_HANDLERS:
        if name in names:
            return name
    wanted = " or ".join(repr(name) for name in DEFAULT_HANDLERS)
    raise HandlerSpecError(
        spec.text,
        "attribute",
        f"module {spec.module!r} has no function {wanted}; name yours: '{spec.text}:function'",
    )


def child_peak_mb(pid: int) -> Callable[[], int | None]:
    """The child's peak resident memory (Linux's ``VmHWM``), for the REPORT line; ``None``
    where ``/proc`` does not tell, and the field is left out."""

    def read() -> int | None:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            return None
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                return -(-int(line.split()[1]) // 1024)
        return None  # pragma: no cover - every Linux kernel since 2.6 reports it

    return read


class _Pipe:
    """One of the child's output pipes, decoded and split into lines onto the log stream."""

    def __init__(self, stream: IO[bytes], logs: LogStream) -> None:
        self.fd = stream.fileno()
        self.stream = stream
        self.logs = logs
        self.decoder = codecs.getincrementaldecoder("utf-8")("replace")

    def read(self) -> bool:
        """Forward what is there; ``False`` at end of file."""
        data = os.read(self.fd, 65536)
        self.logs.write(self.decoder.decode(data, final=not data))
        if not data:
            self.logs.drain()  # a last line without its newline
        return bool(data)


class RicRuntime(Runtime):
    """One execution environment in a child process under awslambdaric."""

    def run(self) -> int:
        if importlib.util.find_spec("awslambdaric") is None:
            raise CliError(f"--runtime ric needs AWS's runtime interface client: {INSTALL_HINT}")
        handler = ric_handler(self.spec)
        config.set_environ(
            lambda_environment(
                function_name=self.function_name,
                memory=self.memory,
                region=self.options.region,
                task_root=str(self.spec.task_root),
                stream=self.stream,
                trace=self.options.trace,
            )
        )
        self._killed = False
        self._pipes: list[_Pipe] = []
        self._forwarding = threading.Lock()
        arn = f"arn:aws:lambda:{self.options.region}:{ACCOUNT}:function:{self.function_name}"
        api = RuntimeAPIServer(
            function_arn=arn, timeout_ms=self.timeout * 1000, on_next=self._started
        )
        with api:
            process = self._spawn(api, handler)
            # Each pipe has its own partial line: stdout's and stderr's never splice.
            pipes = [
                _Pipe(stream, LogStream(self.err, self.logs._render))
                for stream in (process.stdout, process.stderr)
                if stream is not None
            ]
            self._pipes = pipes
            try:
                return self._invocations(api, process, pipes)
            finally:
                self._stop(process, pipes)

    def _spawn(self, api: RuntimeAPIServer, handler: str) -> subprocess.Popen[bytes]:
        env = config.snapshot()
        for name in _NOT_INHERITED:
            env.pop(name, None)
        root = str(self.spec.task_root)
        env.update(
            {
                config.LAMBDA_RUNTIME_API.name: api.address,
                "_HANDLER": handler,
                "PYTHONPATH": os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")])),
                "PYTHONUNBUFFERED": "1",  # lines reach the log as they are written
            }
        )
        return subprocess.Popen(
            [sys.executable, "-m", "awslambdaric", handler],
            cwd=root,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )

    def _invocations(
        self, api: RuntimeAPIServer, process: subprocess.Popen[bytes], pipes: list[_Pipe]
    ) -> int:
        spawned = time.perf_counter()
        peak = child_peak_mb(process.pid)
        durations: list[float] = []
        status = EXIT_OK
        for number in range(self.options.repeat):
            config.set_environ(
                {config.XRAY_TRACE_ID.name: new_trace_header(sampled=self.options.trace)}
            )
            pending = api.invoke(
                self.event_text.encode(),
                request_id=str(uuid.uuid4()),
                trace_id=config.XRAY_TRACE_ID.raw(),
            )
            request_id = pending.request_id
            cold = number == 0
            result = self._wait(api, process, pipes, pending, spawned if cold else None)
            if result is None and cold and pending.picked_up_at is None:
                return self._init_failed(api, process)
            picked = pending.picked_up_at or time.perf_counter()
            ended = pending.completed_at or time.perf_counter()
            init_ms = (picked - spawned) * 1000 if cold else None
            duration = (ended - picked) * 1000
            durations.append(duration)
            document = self._document(result, process, request_id)
            self._report(request_id, duration, init_ms, peak)
            if document is not None:
                status = EXIT_FAILED
                self._respond(_json(document))
            elif result is not None:
                self._respond(result.body)
            if result is None:
                break  # the environment is gone (timed out or exited), as in Lambda
        if len(durations) > 1:
            self._meta(summary_line(durations))
        return status

    def _wait(
        self,
        api: RuntimeAPIServer,
        process: subprocess.Popen[bytes],
        pipes: list[_Pipe],
        pending: PendingInvocation,
        spawned: float | None,
    ) -> InvocationResult | None:
        """The posted result, forwarding the child's output meanwhile; ``None`` when the child
        exited, failed its init or ran past its deadline (then it is killed)."""
        timeout = self.timeout
        queued = time.perf_counter() if spawned is None else spawned
        while True:
            self._forward(pipes, POLL_S)
            if pending.done:
                self._forward(pipes, 0)  # what it wrote before answering comes first
                return pending.wait(0)
            picked = pending.picked_up_at
            if picked is None:
                if api.init_error is not None or process.poll() is not None:
                    self._settle(process, pipes)
                    return None
                if time.perf_counter() - queued > INIT_LIMIT_S + timeout:
                    self._kill(process, pipes)
                    return None
            elif process.poll() is not None:
                self._settle(process, pipes)
                return None
            elif time.perf_counter() - picked > timeout:
                self._kill(process, pipes)
                return None

    def _document(
        self, result: InvocationResult | None, process: subprocess.Popen[bytes], request_id: str
    ) -> dict[str, Any] | None:
        """The error document of a failed invocation (``None`` when it succeeded)."""
        if result is not None:
            if result.ok:
                return None
            try:
                document: dict[str, Any] = result.json()
            except ValueError:
                document = error_document("", "Runtime.Unknown", request_id)
            return document
        if self._killed:
            message = (
                f"RequestId: {request_id} Error: Task timed out after {self.timeout:.2f} seconds"
            )
            return error_document(message, "Sandbox.Timedout", request_id)
        code = process.returncode
        return error_document(
            exit_message(SystemExit(code), request_id), "Runtime.ExitError", request_id
        )

    def _init_failed(self, api: RuntimeAPIServer, process: subprocess.Popen[bytes]) -> int:
        """The client could not load the handler (it posted ``/init/error``), or died or hung
        before asking for an event: its report on stdout, as the in-process runtime does."""
        if api.init_error is not None:
            try:
                document: dict[str, Any] = api.init_error.json()
            except ValueError:
                document = error_document("", "Runtime.Unknown", "")
        elif self._killed:
            message = f"Init did not finish within {INIT_LIMIT_S + self.timeout} s"
            document = error_document(message, "Runtime.InitTimeout", "")
        else:
            message = f"Runtime exited with error: exit status {process.returncode}"
            document = error_document(message, "Runtime.ExitError", "")
        self._respond(_json(document))
        return EXIT_FAILED

    def _report(
        self,
        request_id: str,
        duration: float,
        init_ms: float | None,
        peak: Callable[[], int | None],
    ) -> None:
        self._meta(f"END RequestId: {request_id}")
        self._meta(report_line(request_id, duration, self.memory, init_ms, peak))

    def _started(self, pending: PendingInvocation) -> None:
        """The client asked for the event (in the server's thread, before it is sent): what
        it wrote until now is its init's or the previous invocation's, so START goes here."""
        self._forward(self._pipes, 0)
        self._meta(f"START RequestId: {pending.request_id} Version: $LATEST")

    def _forward(self, pipes: list[_Pipe], timeout: float) -> None:
        """Forward what the child wrote, waiting at most ``timeout`` for the first bytes and
        then taking whatever else is already there. The main thread and :meth:`_started` (the
        server's) both call it: the lock keeps their lines whole and in order."""
        # Wait without the lock (the server's thread must not wait for this one's timeout);
        # read under it, looking again, as the other thread may have read what woke this one.
        if pipes and timeout:
            select.select([pipe.fd for pipe in pipes], [], [], timeout)
        with self._forwarding:
            while pipes:
                ready, _, _ = select.select([pipe.fd for pipe in pipes], [], [], 0)
                if not ready:
                    return
                for pipe in [pipe for pipe in pipes if pipe.fd in ready]:
                    if not pipe.read():
                        pipes.remove(pipe)

    def _settle(self, process: subprocess.Popen[bytes], pipes: list[_Pipe]) -> None:
        """The child is gone or going: wait for it, and forward all it wrote."""
        process.wait(timeout=30)
        # A process the function started may hold the pipes open: not forever.
        deadline = time.monotonic() + SETTLE_S
        while pipes and time.monotonic() < deadline:
            self._forward(pipes, 0.1)

    def _kill(self, process: subprocess.Popen[bytes], pipes: list[_Pipe]) -> None:
        """At the deadline Lambda stops the environment: so does this."""
        self._killed = True
        process.kill()
        self._settle(process, pipes)

    def _stop(self, process: subprocess.Popen[bytes], pipes: list[_Pipe]) -> None:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:  # pragma: no cover - awslambdaric ignored SIGTERM
                process.kill()
        self._settle(process, pipes)
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()
        self.logs.drain()


def _json(document: dict[str, Any]) -> bytes:
    import json

    return json.dumps(document, ensure_ascii=False).encode()
