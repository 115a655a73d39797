"""toolkit's own warnings (toolkit._notice): a JSON line inside Lambda, a Python warning
pointing at the user's code elsewhere."""

from __future__ import annotations

import json
import warnings

import pytest

from toolkit import _notice, config


def test_outside_lambda_a_notice_is_a_python_warning_at_the_callers_line() -> None:
    with pytest.warns(RuntimeWarning, match=r"disk is full \(free=0\)") as caught:
        _notice.warn("disk is full", RuntimeWarning, free=0)
    assert caught[0].filename == __file__


@pytest.mark.parametrize("variable", ["LAMBDA_TASK_ROOT", "AWS_LAMBDA_FUNCTION_NAME"])
def test_inside_lambda_a_notice_is_one_json_line_on_stdout(
    variable: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with config.environ({variable: "/var/task"}), warnings.catch_warnings():
        warnings.simplefilter("error")  # no Python warning on top of the line
        _notice.warn("disk is full", free=0, level="low", path=object)
    out, err = capsys.readouterr()
    assert err == ""
    assert out.endswith("\n") and out.count("\n") == 1
    line = json.loads(out)
    assert line == {
        "level": "WARNING",  # a key cannot overwrite the notice's own fields
        "message": "disk is full",
        "toolkit": __name__,
        "free": 0,
        "path": str(object),
    }
