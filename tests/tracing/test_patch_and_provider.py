from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Sequence
from typing import Any

import pytest

from tests.conftest import subprocess_env
from toolkit.testing import XRayCapture, lambda_context
from toolkit.trace_header import TraceHeader
from toolkit.tracing import Span, Tracer, TracerProvider

AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_EC2_METADATA_DISABLED": "true",
}


def test_botocore_calls_appear_as_subsegments_under_the_caller() -> None:
    import boto3
    from botocore.config import Config

    with XRayCapture(extra_env=AWS_ENV) as xray:
        tracer = Tracer("svc")  # patches botocore when the first sampled invocation begins
        client = boto3.client(
            "sqs",
            endpoint_url="http://127.0.0.1:9",  # nothing listens: the call fails fast, locally
            config=Config(retries={"max_attempts": 1}, connect_timeout=1),
        )

        @tracer.capture_method
        def send() -> None:
            client.list_queues()

        @tracer.capture_lambda_handler
        def handler(event: object, context: object) -> None:
            send()

        with pytest.raises(Exception, match="Could not connect"):
            handler({}, lambda_context())
        xray.flush()
        (method,) = [d for d in xray.documents if d["name"].endswith(".send")]
        (call,) = [d for d in xray.documents if d.get("namespace") == "aws"]
        assert call["name"] == "sqs"
        assert call["parent_id"] == method["id"]
        assert call["aws"]["operation"] == "ListQueues"


class Recording(TracerProvider):
    """A provider keeping spans in memory: what a second backend plugs into."""

    def __init__(self, sampled: bool = True) -> None:
        self.sampled = sampled
        self.events: list[tuple[str, ...]] = []
        self.patched: list[Sequence[str]] = []

    def begin_invocation(self, header: TraceHeader) -> Span | None:
        self.events.append(("begin", f"sampled={header.sampled}"))
        return RecordingSpan("root", self) if self.sampled else None

    def start_span(self, name: str, parent: Span) -> Span:
        assert isinstance(parent, RecordingSpan)
        self.events.append(("start", name, parent.name))
        return RecordingSpan(name, self)

    def end_span(self, span: Span) -> None:
        assert isinstance(span, RecordingSpan)
        self.events.append(("end", span.name))

    def patch(self, modules: Sequence[str]) -> None:
        self.patched.append(tuple(modules))


class RecordingSpan:
    def __init__(self, name: str, provider: Recording) -> None:
        self.name = name
        self.provider = provider

    def put_annotation(self, key: str, value: Any) -> None:
        self.provider.events.append(("annotation", self.name, key, repr(value)))

    def put_metadata(self, key: str, value: Any, namespace: str) -> None:
        self.provider.events.append(("metadata", self.name, namespace, key))

    def add_error(self, error: BaseException) -> None:
        self.provider.events.append(("error", self.name, type(error).__name__))


def test_another_provider_plugs_in_without_changing_user_code() -> None:
    provider = Recording()
    with XRayCapture():
        tracer = Tracer("svc", provider=provider, patch_modules=["json"])

        @tracer.capture_method
        def step() -> int:
            return 1

        @tracer.capture_lambda_handler
        def handler(event: object, context: object) -> int:
            return step()

        handler({}, lambda_context())
        handler({}, lambda_context())
    assert provider.patched == [("json",)]  # once per process, not per Tracer or invocation
    assert provider.events[:8] == [
        ("begin", "sampled=True"),
        ("start", "## handler", "root"),
        ("annotation", "## handler", "ColdStart", "True"),
        ("annotation", "## handler", "Service", "'svc'"),
        ("start", f"## {step.__module__}.{step.__qualname__}", "## handler"),
        ("metadata", f"## {step.__module__}.{step.__qualname__}", "svc", "step response"),
        ("end", f"## {step.__module__}.{step.__qualname__}"),
        ("metadata", "## handler", "svc", "handler response"),
    ]
    Tracer("svc", provider=provider, patch_modules=["json"])
    assert provider.patched == [("json",)]


def test_provider_is_asked_only_for_sampled_invocations() -> None:
    provider = Recording(sampled=False)
    with XRayCapture(sampled=False) as capture:
        tracer = Tracer("svc", provider=provider, auto_patch=False)

        @tracer.capture_lambda_handler
        def handler(event: object, context: object) -> int:
            return 5

        assert handler({}, lambda_context()) == 5
        assert provider.events == []
        capture.next_invocation(sampled=True)
        assert handler({}, lambda_context()) == 5  # the provider declines: not traced
    assert provider.events == [("begin", "sampled=True")]
    assert provider.patched == []


def run_child(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        check=False,
        env=subprocess_env(**env),
        capture_output=True,
        text=True,
        timeout=60,
    )


SAMPLED = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
UNSAMPLED = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0"

DISABLED_CALLS = """
    import sys
    import toolkit.tracing
    from toolkit.testing import lambda_context
    from toolkit.tracing import Tracer
    tracer = Tracer("svc")

    @tracer.capture_method
    def method():
        tracer.put_annotation("k", 1)
        with tracer.subsegment("b"):
            return 1

    @tracer.capture_method
    async def amethod():
        return 1

    @tracer.capture_lambda_handler
    def handler(event, context):
        import asyncio
        asyncio.run(amethod())
        return method()

    assert handler({}, lambda_context()) == 1
    loaded = sorted(m for m in sys.modules if m.split(".")[0] in {"aws_xray_sdk", "botocore"})
    assert not loaded, loaded
    print("clean")
"""


@pytest.mark.parametrize(
    "env",
    [
        {},  # outside Lambda
        {"LAMBDA_TASK_ROOT": "/var/task", "TOOLKIT_TRACE_DISABLED": "true"},
        {"LAMBDA_TASK_ROOT": "/var/task", "POWERTOOLS_TRACE_DISABLED": "true"},
        # In Lambda with tracing on, an invocation that is not sampled loads nothing either.
        {"LAMBDA_TASK_ROOT": "/var/task", "_X_AMZN_TRACE_ID": UNSAMPLED},
    ],
)
def test_untraced_invocations_never_import_the_sdk(env: dict[str, str]) -> None:
    result = run_child(DISABLED_CALLS, **env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "clean"


def test_patching_waits_for_a_sampled_invocation_and_skips_libraries_not_imported() -> None:
    result = run_child(
        """
        import sys
        from importlib.util import find_spec
        import botocore.client  # the function's own `import boto3`, at the top of its module
        from toolkit.testing import XRayCapture, lambda_context
        from toolkit.tracing import Tracer

        assert find_spec("requests")  # installed, never imported
        with XRayCapture(sampled=False) as xray:
            tracer = Tracer("svc")

            @tracer.capture_lambda_handler
            def handler(event, context):
                return hasattr(botocore.client, "_xray_enabled")

            assert handler({}, lambda_context()) is False
            assert "aws_xray_sdk" not in sys.modules
            xray.next_invocation(sampled=True)
            assert handler({}, lambda_context()) is True  # patched before the handler ran
            assert len(xray.flush()) == 1
        print(sorted({"aws_xray_sdk", "requests"} & set(sys.modules)))
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['aws_xray_sdk']"


BLOCK_SDK = """
    import sys

    class NotInstalled:
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[0] == "aws_xray_sdk":
                raise ModuleNotFoundError(f"No module named {name!r}", name=name)

    sys.meta_path.insert(0, NotInstalled())
"""

SAMPLED_CALLS = """
    import json, os, warnings
    warnings.simplefilter("always")  # "once" must be the Tracer's doing, not the registry's
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        from toolkit import config
        from toolkit.testing import lambda_context
        from toolkit.tracing import Tracer

        if os.environ.get("LATE_LAMBDA"):  # built before Lambda's variables, as in a test
            tracer, helper = Tracer("svc"), Tracer("svc")
            config.set_environ({"LAMBDA_TASK_ROOT": "/var/task", "_X_AMZN_TRACE_ID": TRACE})
        else:
            tracer, helper = Tracer("svc"), Tracer("svc")

        @helper.capture_method
        def step(n):
            helper.put_annotation("n", n)
            return n * 2

        @tracer.capture_lambda_handler
        def handler(event, context):
            with tracer.subsegment("block") as sub:
                sub.put_metadata("m", 1)
                return step(event["n"])

        results = [handler({"n": n}, lambda_context()) for n in range(3)]
    print(json.dumps({
        "results": results,
        "disabled": [tracer.disabled, helper.disabled],
        "warnings": [(w.category.__name__, str(w.message)) for w in caught],
    }))
"""


@pytest.mark.parametrize("late", [False, True], ids=["built-in-lambda", "built-before-lambda"])
def test_missing_sdk_warns_once_and_never_fails_a_sampled_invocation(late: bool) -> None:
    env = (
        {"LATE_LAMBDA": "1"}
        if late
        else {"LAMBDA_TASK_ROOT": "/var/task", "_X_AMZN_TRACE_ID": SAMPLED}
    )
    code = textwrap.dedent(BLOCK_SDK) + f"TRACE = {SAMPLED!r}\n" + textwrap.dedent(SAMPLED_CALLS)
    result = run_child(code, **env)
    assert result.returncode == 0, result.stderr
    *notices, report = map(json.loads, result.stdout.splitlines())
    assert report["results"] == [0, 2, 4]
    assert report["warnings"] == []  # inside Lambda, a notice is a JSON line on stdout
    ((level, message),) = [(n["level"], n["message"]) for n in notices]
    assert level == "WARNING"
    assert "aws-xray-sdk" in message and "lambda-handler-toolkit[tracer]" in message
    # Found when built in Lambda: tracing off, the decorators add nothing.
    assert report["disabled"] == [not late, not late]


IGNORE_ENDPOINT = """
    import http.client, http.server, json, sys, threading
    from toolkit.testing import XRayCapture, lambda_context
    from toolkit.tracing import Tracer

    class Quiet(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(204)
            self.end_headers()
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with XRayCapture() as xray:
        tracer = Tracer("svc", auto_patch=False)
        tracer.ignore_endpoint(urls=["/health"])
        before = "aws_xray_sdk" in sys.modules
        tracer.patch(["httplib"])

        @tracer.capture_lambda_handler
        def handler(event, context):
            for path in ("/health", "/orders"):
                connection = http.client.HTTPConnection("127.0.0.1", server.server_port)
                connection.request("GET", path)
                connection.getresponse().read()
                connection.close()

        handler({}, lambda_context())
        xray.flush()
        remote = {
            d["id"]: d["http"]["request"]["url"]
            for d in xray.documents
            if d.get("namespace") == "remote"
        }
        tracer.patch()  # every library the SDK supports and finds installed
        from aws_xray_sdk.core.patcher import _PATCHED_MODULES
    seen = {"sdk_before": before, "remote": sorted(remote.values())}
    seen["all"] = sorted(_PATCHED_MODULES)
    print(json.dumps(seen))
"""


def test_ignore_endpoint_and_patch_reach_the_sdk() -> None:
    # A rule declared at import time does not import aws-xray-sdk; patch() instruments at once.
    result = run_child(IGNORE_ENDPOINT)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.splitlines()[-1])
    assert seen["sdk_before"] is False
    # The SDK opens a subsegment per request, response and read: all of /orders, none of /health.
    assert {url.rsplit("/", 1)[-1] for url in seen["remote"]} == {"orders"}
    assert {"httplib", "botocore", "requests"} <= set(seen["all"])


def test_patch_ignore_endpoint_and_positional_options() -> None:
    provider = Recording()
    tracer = Tracer("svc", None, True, None, provider)  # Powertools' positional order
    tracer.patch(["json", "csv"])
    assert provider.patched == [("json", "csv")]
    with pytest.raises(NotImplementedError, match="Recording has no list of all libraries"):
        tracer.patch()
    with pytest.raises(NotImplementedError, match="Recording does not support ignore_endpoint"):
        tracer.ignore_endpoint(hostname="*.example.com")
    with pytest.raises(TypeError, match="hostname= or urls="):
        tracer.ignore_endpoint()
    with pytest.raises(TypeError, match="not one string"):
        tracer.ignore_endpoint(urls="/health")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="not one string"):
        tracer.patch("json")
    disabled = Tracer("svc", True, provider=provider)
    assert disabled.disabled
    disabled.patch(["os"])
    assert provider.patched == [("json", "csv")]
