"""``toolkit invoke``: run a handler locally the way the Lambda Python runtime would.

One process plays one execution environment: the environment variables are set, the user's
module is imported once (the init phase, timed), then the same handler object is called
``--repeat`` times with a fresh context, request id and trace header each time, so the first
call is the cold one and the others are warm, as toolkit's cold-start tracking sees them.

stdout carries the responses (one JSON document per line) or Lambda's error document; stderr
carries the function's logs and the runtime's START / END / REPORT lines.
"""

from __future__ import annotations

import json
import math
import os
import statistics
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, replace
from decimal import Decimal
from types import TracebackType
from typing import Any, TextIO

from toolkit import config
from toolkit.cli.errors import CliError, HandlerSpecError
from toolkit.cli.events import read_event_text
from toolkit.cli.handler import HandlerSpec, load_handler, parse_spec
from toolkit.cli.output import LogStream, renderer
from toolkit.config import environ
from toolkit.testing.context import lambda_context, log_stream_name
from toolkit.testing.embedded_aws import EmbeddedAWS, TableSpec
from toolkit.trace_header import new_trace_header

MIN_MEMORY_MB, MAX_MEMORY_MB = 128, 10240
MIN_TIMEOUT_S, MAX_TIMEOUT_S = 1, 900
DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_S = 128, 3  # Lambda's and SAM's defaults
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
RUNTIMES = ("inprocess", "ric")
"""``--runtime``: in this process (fast), or under AWS's runtime interface client in a child."""


@dataclass(frozen=True)
class InvokeOptions:
    """What ``toolkit invoke`` was asked to do (the parsed command line)."""

    handler: str | None
    event: str | None = None
    event_name: str | None = None
    function_name: str | None = None
    memory: int | None = None
    timeout: int | None = None
    region: str = "us-east-1"
    repeat: int = 1
    trace: bool = False
    color: str = "auto"
    aws: str | None = None
    tables: tuple[TableSpec, ...] = ()
    runtime: str = "inprocess"
    extension: bool = False
    extension_port: int | None = None
    parameters: tuple[tuple[str, str], ...] = ()
    secrets: tuple[tuple[str, str], ...] = ()
    template: str | None = None
    parameter_overrides: tuple[tuple[str, str], ...] = ()
    env_vars: str | None = None


def lambda_environment(
    *, function_name: str, memory: int, region: str, task_root: str, stream: str, trace: bool
) -> dict[str, str | None]:
    """The variables the Lambda runtime sets, for :func:`toolkit.config.set_environ`.

    Tracing is turned off (there is no X-Ray daemon locally) unless ``trace`` is asked for or
    the user set ``TOOLKIT_TRACE_DISABLED`` / ``POWERTOOLS_TRACE_DISABLED`` themselves.
    """
    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    values: dict[str, str | None] = {
        config.LAMBDA_FUNCTION_NAME.name: function_name,
        config.LAMBDA_FUNCTION_VERSION.name: "$LATEST",
        config.LAMBDA_FUNCTION_MEMORY_SIZE.name: str(memory),
        config.REGION.name: region,
        config.DEFAULT_REGION.name: region,
        config.LAMBDA_LOG_GROUP_NAME.name: f"/aws/lambda/{function_name}",
        config.LAMBDA_LOG_STREAM_NAME.name: stream,
        config.EXECUTION_ENV.name: f"AWS_Lambda_python{python}",
        config.LAMBDA_INITIALIZATION_TYPE.name: "on-demand",
        config.LAMBDA_TASK_ROOT.name: task_root,
    }
    if not trace and config.TRACE_DISABLED.raw() is None:
        values[config.TRACE_DISABLED.name] = "true"
    return values


def error_document(
    message: str, error_type: str, request_id: str, stack: list[str] | None = None
) -> dict[str, Any]:
    """Lambda's error response: the shape the Python runtime posts when an invocation fails."""
    return {
        "errorMessage": message,
        "errorType": error_type,
        "requestId": request_id,
        "stackTrace": stack or [],
    }


def user_traceback(error: BaseException) -> TracebackType | None:
    """The traceback without the invoker's own frames, which Lambda doesn't show either."""
    tb = error.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename.startswith(_OWN_CODE):
        tb = tb.tb_next
    return tb


_OWN_CODE = os.path.dirname(os.path.abspath(__file__)) + os.sep


def exception_document(error: BaseException, request_id: str) -> dict[str, Any]:
    tb = user_traceback(error)
    stack = traceback.format_list(traceback.extract_tb(tb))
    return error_document(str(error), type(error).__name__, request_id, stack)


def init_error_document(error: BaseException, spec: HandlerSpec) -> dict[str, Any]:
    """How the runtime reports a module that fails to import: import and syntax errors get
    their ``Runtime.*`` types, anything else its own type and stack."""
    if isinstance(error, ImportError):
        message = f"Unable to import module {spec.module!r}: {error}"
        return error_document(message, "Runtime.ImportModuleError", "")
    if isinstance(error, SyntaxError):
        message = f"Syntax error in module {spec.module!r}: {error}"
        trace = [f'  File "{error.filename}" Line {error.lineno}\n    {error.text}']
        return error_document(message, "Runtime.UserCodeSyntaxError", "", trace)
    return exception_document(error, "")


def exit_message(exit: SystemExit, request_id: str) -> str:
    """What Lambda says when the runtime process exits during an invocation."""
    code = exit.code
    if code is None or code == 0:
        return f"RequestId: {request_id} Error: Runtime exited without providing a reason"
    status = code if isinstance(code, int) else 1
    return f"RequestId: {request_id} Error: Runtime exited with error: exit status {status}"


def _json_default(value: object) -> object:
    # The runtime's encoder writes Decimals (what boto3's DynamoDB layer returns) as numbers.
    if isinstance(value, Decimal):
        integral = value.is_finite() and value == value.to_integral_value()
        return int(value) if integral else float(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


def marshal(response: object) -> bytes:
    """The response as the runtime sends it: raw bytes as is, anything else as JSON.

    Raises ``ValueError``/``TypeError`` (or ``RecursionError``) when it cannot be encoded.
    """
    if isinstance(response, bytes):
        return response
    return json.dumps(response, ensure_ascii=False, default=_json_default).encode()


def max_memory_used_mb() -> int | None:
    """Peak resident memory of this process, in MB, as the REPORT line's Max Memory Used."""
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows has no getrusage
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return math.ceil(peak / (1024 * 1024 if sys.platform == "darwin" else 1024))


def report_line(
    request_id: str,
    duration_ms: float,
    memory: int,
    init_ms: float | None = None,
    peak_mb: Callable[[], int | None] = max_memory_used_mb,
) -> str:
    """Lambda's REPORT line (tab-separated), with Init Duration on the cold invocation;
    ``peak_mb`` reads the function's peak memory (another process's, under ``--runtime ric``)."""
    parts = [
        f"REPORT RequestId: {request_id}",
        f"Duration: {duration_ms:.2f} ms",
        f"Billed Duration: {max(1, math.ceil(duration_ms))} ms",
        f"Memory Size: {memory} MB",
    ]
    used = peak_mb()
    if used is not None:
        parts.append(f"Max Memory Used: {used} MB")
    if init_ms is not None:
        parts.append(f"Init Duration: {init_ms:.2f} ms")
    return "\t".join(parts)


def summary_line(durations: list[float]) -> str:
    """After ``--repeat``: the cold call apart from the warm ones, which are what to compare."""
    warm = durations[1:]
    return (
        f"SUMMARY Invocations: {len(durations)}\tCold: {durations[0]:.2f} ms\t"
        f"Warm min/median/max: {min(warm):.2f}/{statistics.median(warm):.2f}/{max(warm):.2f} ms"
    )


class Runtime:
    """One local execution environment: the stdout swap, the init and the invocations."""

    def __init__(self, options: InvokeOptions, spec: HandlerSpec, event_text: str) -> None:
        self.options = options
        self.memory = options.memory or DEFAULT_MEMORY_MB
        self.timeout = options.timeout or DEFAULT_TIMEOUT_S
        self.spec = spec
        self.event_text = event_text
        self.function_name = options.function_name or spec.default_function_name
        self.stream = log_stream_name()
        self.out: TextIO = sys.stdout
        self.err: TextIO = sys.stderr
        render, self.colour = renderer(
            options.color, self.err.isatty(), config.NO_COLOR.raw() is not None
        )
        self.logs = LogStream(self.err, render)
        # The watchdog and the invoking thread race for the end of an invocation: whoever takes
        # the gate first reports it, so one invocation never gets two documents.
        self._gate = threading.Lock()
        self._running: str | None = None
        self.exited = False

    def run(self) -> int:
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
        # The Logger keeps the sys.stdout it finds when it is built, often at import time of
        # the user's module: the swap must come first.
        sys.stdout = self.logs
        try:
            return self._run()
        finally:
            self.logs.drain()
            sys.stdout = self.out

    def _run(self) -> int:
        started = time.perf_counter()
        try:
            handler = load_handler(self.spec)
        except HandlerSpecError:
            raise
        except Exception as error:
            self.logs.drain()
            self._fail(init_error_document(error, self.spec), error)
            return EXIT_FAILED
        init_ms: float | None = (time.perf_counter() - started) * 1000
        durations: list[float] = []
        status = EXIT_OK
        for _ in range(self.options.repeat):
            ok, duration = self.invoke(handler, init_ms)
            durations.append(duration)
            init_ms = None
            if not ok:
                status = EXIT_FAILED
            if self.exited:
                break  # the environment is gone, as when the function calls sys.exit in Lambda
        if len(durations) > 1:
            self._meta(summary_line(durations))
        return status

    def invoke(
        self, handler: Callable[[Any, Any], Any], init_ms: float | None
    ) -> tuple[bool, float]:
        config.set_environ(
            {config.XRAY_TRACE_ID.name: new_trace_header(sampled=self.options.trace)}
        )
        context = lambda_context(
            function_name=self.function_name,
            memory_limit_in_mb=str(self.memory),
            timeout_ms=self.timeout * 1000,
            log_group_name=f"/aws/lambda/{self.function_name}",
            log_stream_name=self.stream,
            region=self.options.region,
        )
        request_id = context.aws_request_id
        event = json.loads(self.event_text)  # a fresh copy each time: handlers may mutate it
        self._meta(f"START RequestId: {request_id} Version: $LATEST")
        started = time.perf_counter()
        with self._gate:
            self._running = request_id
        watchdog = threading.Timer(self.timeout, self._timed_out, (request_id, started, init_ms))
        watchdog.daemon = True
        watchdog.start()
        error: Exception | None = None
        document: dict[str, Any] | None = None
        body = b""
        try:
            response = handler(event, context)
        except Exception as exc:
            error, document = exc, exception_document(exc, request_id)
        except SystemExit as exc:
            self.exited = True
            document = error_document(
                exit_message(exc, request_id), "Runtime.ExitError", request_id
            )
        else:
            try:
                body = marshal(response)
            except (TypeError, ValueError, RecursionError) as exc:
                message = f"Unable to marshal response: {exc}"
                document = error_document(message, "Runtime.MarshalError", request_id)
        finally:
            with self._gate:
                self._running = None
            watchdog.cancel()
        duration = (time.perf_counter() - started) * 1000
        self.logs.drain()
        if document is not None:
            self._fail(document, error)
        self._end(request_id, duration, init_ms)
        if document is None:
            self._respond(body)
        return document is None, duration

    def _timed_out(self, request_id: str, started: float, init_ms: float | None) -> None:
        """Lambda stops the environment at the deadline; so does this process."""
        with self._gate:
            if self._running != request_id:
                return  # the handler returned while the timer fired
            duration = (time.perf_counter() - started) * 1000
            message = (
                f"RequestId: {request_id} Error: Task timed out after {self.timeout:.2f} seconds"
            )
            self.logs.drain()
            self._end(request_id, duration, init_ms)
            self._fail(error_document(message, "Sandbox.Timedout", request_id), None)
            os._exit(EXIT_FAILED)

    def _respond(self, body: bytes) -> None:
        buffer = getattr(self.out, "buffer", None)
        if buffer is None:  # a text-only stdout (main() called in-process, captured)
            self.out.write(body.decode("utf-8", "replace") + "\n")
        else:
            self.out.flush()
            buffer.write(body + b"\n")
        self.out.flush()

    def _fail(self, document: Mapping[str, Any], error: BaseException | None) -> None:
        """Lambda's error document on stdout, the readable traceback on stderr."""
        header = f"[ERROR] {document['errorType']}: {document['errorMessage']}"
        lines = [self._paint(header, "31")]
        if error is not None:
            lines.append(
                "".join(
                    traceback.format_exception(type(error), error, user_traceback(error))
                ).rstrip("\n")
            )
        self.err.write("\n".join(lines) + "\n")
        self.err.flush()
        self._respond(json.dumps(document, ensure_ascii=False).encode())

    def _end(self, request_id: str, duration: float, init_ms: float | None) -> None:
        self._meta(f"END RequestId: {request_id}")
        self._meta(report_line(request_id, duration, self.memory, init_ms))

    def _meta(self, line: str) -> None:
        self.err.write(self._paint(line, "2") + "\n")
        self.err.flush()

    def _paint(self, text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if self.colour else text


def aws_mode(options: InvokeOptions) -> str:
    """``embedded`` or ``real``: as asked, else embedded when something must be created in it
    (a table, a parameter, a secret), since creating it in a real account is not what a local
    run should do. With ``--template`` the template's resources are created there too."""
    wants_embedded = bool(options.tables or options.parameters or options.secrets)
    if options.aws is None:
        return "embedded" if wants_embedded or options.template else "real"
    if options.aws not in ("embedded", "real"):
        raise CliError(f"--aws {options.aws!r}: expected 'embedded' or 'real'")
    if options.aws == "real" and options.tables:
        names = ", ".join(table.name for table in options.tables)
        raise CliError(
            f"--table {names}: tables are created in the embedded AWS only, not with --aws real"
        )
    if options.aws == "real" and wants_embedded:
        raise CliError(
            "--parameter and --secret create values in the embedded AWS only, not with --aws real"
        )
    return options.aws


@contextmanager
def embedded_aws(options: InvokeOptions, err: TextIO) -> Iterator[EmbeddedAWS]:
    """moto's server for the run, its tables, parameters and secrets created and the
    environment pointing at it."""
    from toolkit.cli.extension import seeded_embedded_aws

    with ExitStack() as stack:
        aws = seeded_embedded_aws(
            stack,
            region=options.region,
            tables=options.tables,
            parameters=options.parameters,
            secrets=options.secrets,
        )
        tables = ", ".join(table.name for table in options.tables) or "none"
        err.write(f"EMBEDDED AWS {aws.endpoint_url} ({aws.region})\tTables: {tables}\n")
        err.flush()
        yield aws


def extension_beside(
    stack: ExitStack, options: InvokeOptions, aws: EmbeddedAWS | None, err: TextIO
) -> None:
    """The Parameters and Secrets extension for the run, in front of the same AWS as the
    handler (the embedded one, or whatever boto3 reaches), its port and token in the
    handler's environment."""
    from toolkit.cli.extension import start_emulator

    port = (
        config.EXTENSION_HTTP_PORT.read()
        if options.extension_port is None
        else options.extension_port
    )
    had_token = config.SESSION_TOKEN.read() is not None
    emulator = start_emulator(
        stack,
        port=port,
        endpoint_url=None if aws is None else aws.endpoint_url,
        region=options.region,
        request_log=err,
    )
    stack.enter_context(environ(emulator.environment()))
    backing = "the embedded AWS" if aws is not None else "your AWS"
    err.write(f"EXTENSION {emulator.url} ({backing})\n")
    if not had_token:
        err.write(
            "EXTENSION AWS_SESSION_TOKEN was unset: set to a local token for the extension, so "
            "SDK calls signed with long-term keys will fail; use temporary credentials\n"
        )
    err.flush()


def from_template(
    stack: ExitStack, options: InvokeOptions, aws: EmbeddedAWS | None, err: TextIO
) -> tuple[InvokeOptions, HandlerSpec]:
    """The run as the template describes the function: its resources created in ``aws``
    (their local names only, without one), its variables set (``--env-vars`` over the
    template's) and its settings under the command line's."""
    from toolkit.cli.template import env_var_overrides, load_template
    from toolkit.cli.template_aws import create_resources, local_names

    assert options.template is not None
    template = load_template(options.template, dict(options.parameter_overrides), options.region)
    logical_id = template.function_id(options.handler)
    if aws is not None:
        created = create_resources(template, aws)
    else:
        created = [
            f"{template.resolver.types[name]} {name} (not created)"
            for name in local_names(template)
        ]
    function = template.function(logical_id)
    variables = dict(function.environment)
    if options.env_vars is not None:
        variables.update(env_var_overrides(options.env_vars, (logical_id, function.function_name)))
    memory = _in_range(logical_id, "MemorySize", function.memory, MIN_MEMORY_MB, MAX_MEMORY_MB)
    timeout = _in_range(logical_id, "Timeout", function.timeout, MIN_TIMEOUT_S, MAX_TIMEOUT_S)
    local = f"python{sys.version_info.major}.{sys.version_info.minor}"
    err.write(
        f"TEMPLATE {options.template} {logical_id}\tHandler: {function.spec.text}\t"
        f"Code: {function.spec.task_root}\tRuntime: {function.runtime} (on {local})\t"
        f"Resources: {', '.join(created) or 'none'}\n"
    )
    for note in function.notes:
        err.write(f"TEMPLATE unsupported: {note}\n")
    err.flush()
    stack.enter_context(environ(dict(variables)))
    resolved = replace(
        options,
        function_name=options.function_name or function.function_name,
        memory=options.memory or memory,
        timeout=options.timeout or timeout,
        extension=options.extension or function.extension,
    )
    return resolved, function.spec


def _in_range(logical_id: str, key: str, value: int | None, low: int, high: int) -> int | None:
    if value is not None and not low <= value <= high:
        raise CliError(f"{logical_id}.{key} {value} is not between {low} and {high}")
    return value


def invoke(options: InvokeOptions) -> int:
    """Run ``toolkit invoke``; the exit code: 0 ok, 1 an invocation or the init failed,
    2 the handler spec, the event, the template or the AWS options are wrong (raised as
    :class:`CliError`)."""
    if options.runtime not in RUNTIMES:
        raise CliError(f"--runtime {options.runtime!r}: expected one of {', '.join(RUNTIMES)}")
    event_text = read_event_text(options.event, options.event_name)
    if options.template is None:
        if options.handler is None:
            raise HandlerSpecError("", "format", "give the handler, or --template and a function")
        if options.parameter_overrides:
            raise CliError("--parameter-overrides needs --template")
        spec = parse_spec(options.handler)
    with ExitStack() as stack:
        aws = None
        if aws_mode(options) == "embedded":
            aws = stack.enter_context(embedded_aws(options, sys.stderr))
        if options.template is not None:
            options, spec = from_template(stack, options, aws, sys.stderr)
        elif options.env_vars is not None:
            from toolkit.cli.template import env_var_overrides

            name = options.function_name or spec.default_function_name
            stack.enter_context(environ(dict(env_var_overrides(options.env_vars, (name,)))))
        if options.extension:
            extension_beside(stack, options, aws, sys.stderr)
        if options.runtime == "ric":
            from toolkit.cli.ric import RicRuntime

            return RicRuntime(options, spec, event_text).run()
        return Runtime(options, spec, event_text).run()
