"""examples/layer/template.yaml: valid for CloudFormation and SAM (cfn-lint), and it publishes
the zip ``toolkit layer build`` writes and attaches it, with the Parameters and Secrets
extension, to a function whose handler exists."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from cfnlint.decode import decode

from tests.conftest import ROOT
from toolkit.layer.build import default_output

TEMPLATE = ROOT / "examples" / "layer" / "template.yaml"


def lint(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from cfnlint.runner import main; sys.exit(main())",
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_cfn_lint_passes_the_template_and_fails_a_broken_copy(tmp_path: Path) -> None:
    result = lint(TEMPLATE)
    assert result.returncode == 0, result.stdout + result.stderr
    broken = tmp_path / "template.yaml"
    # An unknown property on the queue: proof the lint reads this template's resources.
    broken.write_text(
        TEMPLATE.read_text().replace(
            "VisibilityTimeout: 60", "VisibilityTimeout: 60\n      Bogus: 1"
        )
    )
    failed = lint(broken)
    assert failed.returncode != 0 and "'Bogus' was unexpected" in failed.stdout


def test_the_function_gets_the_built_layer_and_the_extension_layer() -> None:
    template, problems = decode(str(TEMPLATE))
    assert not problems
    resources = template["Resources"]
    layer = resources["ToolkitLayer"]
    assert layer["Type"] == "AWS::Serverless::LayerVersion"
    content = (TEMPLATE.parent / layer["Properties"]["ContentUri"]).resolve()
    assert content == (ROOT / default_output("3.12", "x86_64")).resolve()
    assert layer["Properties"]["CompatibleRuntimes"] == [template["Globals"]["Function"]["Runtime"]]

    function = resources["OrdersFunction"]["Properties"]
    own, extension = function["Layers"]
    assert own == {"Ref": "ToolkitLayer"}
    arn, variables = extension["Fn::Sub"]
    assert variables["Account"] == {
        "Fn::FindInMap": ["ParamsAndSecretsExtension", {"Ref": "AWS::Region"}, "Account"]
    }
    assert arn.startswith("arn:${AWS::Partition}:lambda:${AWS::Region}:${Account}:layer:")
    assert ":layer:AWS-Parameters-and-Secrets-Lambda-Extension:" in arn
    accounts = template["Mappings"]["ParamsAndSecretsExtension"]
    assert accounts["us-east-1"] == {"Account": "177933569100"}

    module, _, name = function["Handler"].partition(".")
    source = (TEMPLATE.parent / function["CodeUri"] / f"{module}.py").read_text()
    assert f"def {name}(" in source
