"""Every sample event a model covers validates against it; the samples no model covers are
listed, with the reason (tests/parser/samples.py)."""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import TypeAdapter

from tests.conftest import EVENTS, ROOT, load_event
from tests.parser.samples import COVERED, UNCOVERED

# The full set of samples, ../shared/events beside the repository (absent from a bare clone).
SHARED = ROOT.parent / "shared" / "events"


def _model(spec: str) -> Any:
    module, _, name = spec.partition(".")
    many = name.endswith("[]")
    model = getattr(importlib.import_module(f"toolkit.parser.models.{module}"), name.rstrip("[]"))
    return list[model] if many else model  # type: ignore[valid-type]


@pytest.mark.parametrize("sample", sorted(COVERED))
def test_sample_validates_against_its_model(sample: str) -> None:
    event = load_event(sample)
    parsed = TypeAdapter(_model(COVERED[sample])).validate_python(event)
    assert parsed


@pytest.mark.parametrize("sample", sorted(COVERED))
def test_sample_validates_from_json_text_too(sample: str) -> None:
    text = (EVENTS / sample).read_text()
    assert TypeAdapter(_model(COVERED[sample])).validate_json(text)


def test_every_sample_is_either_covered_or_listed_as_not_covered() -> None:
    assert not set(COVERED) & set(UNCOVERED)
    assert all(reason for reason in UNCOVERED.values())
    copied = {path.name for path in EVENTS.glob("*.json")}
    assert set(COVERED) <= copied  # the covered samples are in the repository
    if SHARED.is_dir():  # the full set, where the shared folder is present
        assert {path.name for path in SHARED.glob("*.json")} == set(COVERED) | set(UNCOVERED)


def test_an_uncovered_fragment_is_rejected_by_the_model_it_resembles() -> None:
    from toolkit.parser import ParserValidationError, parse
    from toolkit.parser.models import APIGatewayProxyEventModel

    fragment: Path = EVENTS / "apiGatewayProxyEventPrincipalId.json"
    with pytest.raises(ParserValidationError, match=r"requestContext\.accountId: missing"):
        parse(json.loads(fragment.read_text()), APIGatewayProxyEventModel)


TYPO_FIXED = {
    "cognitoCustomEmailSenderEvent.json": "CognitoCustomEmailSenderTriggerModel",
    "cognitoCustomMessageEvent.json": "CognitoCustomMessageTriggerModel",
    "cognitoCustomSMSSenderEvent.json": "CognitoCustomSMSSenderTriggerModel",
}


@pytest.mark.parametrize("sample", sorted(TYPO_FIXED))
def test_cognito_samples_with_the_typo_fixed(sample: str) -> None:
    from toolkit.parser.models import cognito

    event = json.loads((EVENTS / sample).read_text())
    model = getattr(cognito, TYPO_FIXED[sample])
    with pytest.raises(ValueError, match=r"callerContext\.awsSdkVersion"):
        model.model_validate(event)
    event["callerContext"]["awsSdkVersion"] = event["callerContext"].pop("awsSdk")
    parsed = model.model_validate(event)
    assert parsed.trigger_source == event["triggerSource"]
    assert parsed.request.user_attributes
