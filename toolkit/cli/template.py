"""Reading an AWS SAM / CloudFormation template for ``toolkit invoke --template``.

Only what a local run of one function needs: the function's configuration (Handler, CodeUri,
Runtime, Timeout, MemorySize, Environment, Layers, with the template's ``Globals`` merged in) and
the intrinsic functions in it, resolved against the template's Parameters (defaults or
overrides), pseudo parameters and the resources created locally (tables, parameters, secrets:
see :mod:`toolkit.cli.template_aws`). Anything else is reported by name rather than guessed.

PyYAML is imported when a template is read, never with the command line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toolkit.cli.errors import CliError
from toolkit.cli.handler import HandlerSpec

__all__ = [
    "ACCOUNT_ID",
    "STACK_NAME",
    "FunctionConfig",
    "Resolver",
    "Template",
    "TemplateError",
    "Unsupported",
    "load_template",
]

ACCOUNT_ID = "123456789012"  # the account moto's server answers as
STACK_NAME = "local"
FUNCTION_TYPES = ("AWS::Serverless::Function", "AWS::Lambda::Function")
EXTENSION_LAYER = re.compile(
    r"^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:layer:"
    r"AWS-Parameters-and-Secrets-Lambda-Extension(-Arm64)?(:\d+)?$"
)
_NO_VALUE = object()  # AWS::NoValue: the property or list item is removed


class TemplateError(CliError):
    """The template cannot be read or cannot run this function locally (exit code 2)."""


class Unsupported(Exception):
    """A feature that cannot be resolved locally; the message names it."""


def _short_tag(loader: Any, suffix: str, node: Any) -> Any:
    import yaml

    name = suffix if suffix in ("Ref", "Condition") else f"Fn::{suffix}"
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {name: value}


def _read(path: Path) -> dict[str, Any]:
    import yaml

    class Loader(yaml.SafeLoader):  # type: ignore[misc]
        """The safe loader with CloudFormation's short forms (``!Ref``, ``!Sub``...)."""

    Loader.add_multi_constructor("!", _short_tag)
    # CloudFormation reads 2010-09-09 as a string, not a date.
    Loader.yaml_implicit_resolvers = {
        key: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise TemplateError(f"cannot read template {str(path)!r}: {error.strerror}") from None
    try:
        document = yaml.load(text, Loader=Loader)
    except yaml.YAMLError as error:
        raise TemplateError(f"template {str(path)!r} is not valid YAML or JSON: {error}") from None
    if not isinstance(document, dict) or not isinstance(document.get("Resources"), dict):
        raise TemplateError(f"template {str(path)!r} has no Resources section")
    return document


def merge_globals(global_value: Any, local_value: Any) -> Any:
    """SAM's Globals rule: maps merge key by key (recursively), lists are the global items
    followed by the resource's, and for anything else the resource's value wins."""
    if isinstance(global_value, dict) and isinstance(local_value, dict):
        merged = dict(global_value)
        for key, value in local_value.items():
            merged[key] = merge_globals(global_value[key], value) if key in global_value else value
        return merged
    if isinstance(global_value, list) and isinstance(local_value, list):
        return global_value + local_value
    return local_value


@dataclass
class Resolver:
    """Resolves intrinsic functions: ``refs`` maps a logical id (resource or parameter) to what
    ``Ref`` gives, ``attributes`` maps ``(logical id, attribute)`` to what ``Fn::GetAtt``
    gives; both grow as resources are created."""

    region: str
    types: Mapping[str, str]
    refs: dict[str, Any] = field(default_factory=dict)
    attributes: dict[tuple[str, str], Any] = field(default_factory=dict)
    mappings: Mapping[str, Any] = field(default_factory=dict)
    conditions: Mapping[str, Any] = field(default_factory=dict)

    def pseudo(self) -> dict[str, Any]:
        return {
            "AWS::Region": self.region,
            "AWS::AccountId": ACCOUNT_ID,
            "AWS::StackName": STACK_NAME,
            "AWS::StackId": f"arn:aws:cloudformation:{self.region}:{ACCOUNT_ID}:stack/"
            f"{STACK_NAME}/00000000-0000-0000-0000-000000000000",
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::NoValue": _NO_VALUE,
        }

    def resolve(self, value: Any) -> Any:
        """``value`` with every intrinsic function replaced by its local value; raises
        :class:`Unsupported` naming what cannot be resolved."""
        if isinstance(value, list):
            resolved = [self.resolve(item) for item in value]
            return [item for item in resolved if item is not _NO_VALUE]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((name, argument),) = value.items()
            function = self._functions().get(name)
            if function is not None:
                try:
                    return function(argument)
                except (TypeError, ValueError, IndexError, KeyError, AttributeError):
                    raise Unsupported(f"{name} {argument!r} (malformed arguments)") from None
            if name.startswith("Fn::"):
                raise Unsupported(name)
        items = {key: self.resolve(item) for key, item in value.items()}
        return {key: item for key, item in items.items() if item is not _NO_VALUE}

    def _functions(self) -> dict[str, Callable[[Any], Any]]:
        return {
            "Ref": self._ref,
            "Fn::GetAtt": self._get_att,
            "Fn::Sub": self._sub,
            "Fn::Join": self._join,
            "Fn::If": self._if,
            "Fn::Select": self._select,
            "Fn::Split": self._split,
            "Fn::FindInMap": self._find_in_map,
            "Fn::Base64": self._base64,
        }

    def _ref(self, name: Any) -> Any:
        pseudo = self.pseudo()
        if name in pseudo:
            return pseudo[name]
        if name in self.refs:
            return self.refs[name]
        if name in self.types:
            raise Unsupported(f"!Ref {name} ({self.types[name]} is not created locally)")
        raise Unsupported(f"!Ref {name} (no such parameter or resource)")

    def _get_att(self, argument: Any) -> Any:
        if isinstance(argument, str):
            argument = argument.split(".", 1)
        if not isinstance(argument, list) or len(argument) != 2:
            raise Unsupported(f"Fn::GetAtt {argument!r} (expected [resource, attribute])")
        name, attribute = argument[0], self.resolve(argument[1])
        key = (name, attribute)
        if key in self.attributes:
            return self.attributes[key]
        kind = self.types.get(name, "no such resource")
        raise Unsupported(f"!GetAtt {name}.{attribute} ({kind} attribute not available locally)")

    def _sub(self, argument: Any) -> str:
        text, variables = (argument, {}) if isinstance(argument, str) else argument
        variables = {key: self.resolve(value) for key, value in variables.items()}

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            if name in variables:
                return str(variables[name])
            if "." in name and not name.startswith("AWS::"):
                return str(self._get_att(name.split(".", 1)))
            return str(self._ref(name))

        return re.sub(r"\$\{([^}]+)\}", replace, text)

    def _join(self, argument: Any) -> str:
        separator, items = argument
        return str(separator).join(str(item) for item in self.resolve(items))

    def _if(self, argument: Any) -> Any:
        name, when_true, when_false = argument
        return self.resolve(when_true if self.condition(name) else when_false)

    def _select(self, argument: Any) -> Any:
        index, items = self.resolve(argument)
        return items[int(index)]

    def _split(self, argument: Any) -> list[str]:
        separator, text = self.resolve(argument)
        return str(text).split(separator)

    def _find_in_map(self, argument: Any) -> Any:
        name, first, second = self.resolve(argument)
        try:
            return self.mappings[name][first][second]
        except (KeyError, TypeError):
            raise Unsupported(
                f"Fn::FindInMap [{name}, {first}, {second}] (no such entry)"
            ) from None

    def _base64(self, argument: Any) -> str:
        import base64

        return base64.b64encode(str(self.resolve(argument)).encode()).decode()

    def condition(self, name: str) -> bool:
        """The value of the template's condition ``name``."""
        if not isinstance(name, str) or name not in self.conditions:
            raise Unsupported(f"condition {name} (not in Conditions)")
        return self._truth(self.conditions[name])

    def _truth(self, value: Any) -> bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, dict) and len(value) == 1:
            ((name, argument),) = value.items()
            if name == "Condition":
                return self.condition(argument)
            if name == "Fn::Equals":
                left, right = (self.resolve(item) for item in argument)
                return str(left) == str(right)
            if name == "Fn::Not":
                return not self._truth(argument[0])
            if name == "Fn::And":
                return all(self._truth(item) for item in argument)
            if name == "Fn::Or":
                return any(self._truth(item) for item in argument)
        raise Unsupported(f"condition {value!r}")


@dataclass(frozen=True)
class FunctionConfig:
    """What ``toolkit invoke`` needs of one function of the template."""

    logical_id: str
    function_name: str
    spec: HandlerSpec
    runtime: str
    timeout: int | None
    memory: int | None
    environment: dict[str, str]
    extension: bool
    notes: tuple[str, ...]


def _as_env_value(value: Any) -> str:
    # CloudFormation takes scalars for variables and passes them as strings.
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        raise Unsupported(f"value of type {type(value).__name__}")
    return str(value)


class Template:
    """A template read from ``path``, with its parameters' values (``overrides`` over
    ``Default``) and the local names of its resources."""

    def __init__(
        self, path: Path, document: dict[str, Any], overrides: Mapping[str, str], region: str
    ) -> None:
        self.path = path
        self.document = document
        self.resources: dict[str, dict[str, Any]] = {
            name: resource
            for name, resource in document["Resources"].items()
            if isinstance(resource, dict)
        }
        self.resolver = Resolver(
            region=region,
            types={name: str(res.get("Type")) for name, res in self.resources.items()},
            mappings=document.get("Mappings") or {},
            conditions=document.get("Conditions") or {},
        )
        self._parameters(document.get("Parameters") or {}, overrides)

    def _parameters(self, declared: Mapping[str, Any], overrides: Mapping[str, str]) -> None:
        unknown = sorted(set(overrides) - set(declared))
        if unknown:
            raise TemplateError(
                f"--parameter-overrides: {', '.join(unknown)} not in the template's Parameters"
            )
        for name, declaration in declared.items():
            spec = declaration if isinstance(declaration, dict) else {}
            kind = str(spec.get("Type", "String"))
            if name in overrides:
                value: Any = overrides[name]
            elif "Default" in spec:
                value = spec["Default"]
            else:
                raise TemplateError(
                    f"template parameter {name} has no Default: give it with "
                    f"--parameter-overrides {name}=VALUE"
                )
            if kind.startswith("AWS::SSM::Parameter::Value"):
                continue  # resolved from SSM at deploy time: reported when used
            if kind == "CommaDelimitedList" or kind.startswith("List<"):
                value = [item.strip() for item in str(value).split(",")]
            elif not isinstance(value, str):
                value = json.dumps(value) if isinstance(value, (dict, list)) else str(value)
            self.resolver.refs[name] = value

    def active(self, name: str) -> bool:
        """Whether resource ``name`` exists (its ``Condition``, if any, is true)."""
        condition = self.resources[name].get("Condition")
        if condition is None:
            return True
        try:
            return self.resolver.condition(condition)
        except Unsupported as error:
            raise TemplateError(f"resource {name}: cannot evaluate {error}") from None

    def properties(self, name: str) -> dict[str, Any]:
        """The resource's Properties with the template's Globals merged in (SAM types)."""
        resource = self.resources[name]
        properties = resource.get("Properties") or {}
        kind = str(resource.get("Type", ""))
        if kind.startswith("AWS::Serverless::"):
            section = kind.rpartition("::")[2]
            global_props = (self.document.get("Globals") or {}).get(section) or {}
            properties = merge_globals(global_props, properties)
        return dict(properties)

    def functions(self) -> list[str]:
        return [
            name
            for name, resource in self.resources.items()
            if resource.get("Type") in FUNCTION_TYPES
        ]

    def function_id(self, requested: str | None) -> str:
        """The function to run: ``requested``, or the only function when there is one."""
        names = self.functions()
        if requested is None:
            if len(names) == 1:
                return names[0]
            listed = ", ".join(names) or "none"
            raise TemplateError(
                f"give the function's logical id after --template; the template's functions: "
                f"{listed}"
            )
        if requested not in names:
            listed = ", ".join(names) or "none"
            raise TemplateError(
                f"no function {requested!r} in {str(self.path)!r}; its functions: {listed}"
            )
        return requested

    def function(self, logical_id: str) -> FunctionConfig:
        """The function's configuration, resolved against what is known now (call it after
        the resources are created, so their references resolve)."""
        resource = self.resources[logical_id]
        props = self.properties(logical_id)
        serverless = resource.get("Type") == "AWS::Serverless::Function"
        notes: list[str] = []

        def required(key: str) -> Any:
            try:
                return self.resolver.resolve(props.get(key))
            except Unsupported as error:
                raise TemplateError(f"{logical_id}.{key}: {error} is not supported") from None

        if required("PackageType") == "Image":
            raise TemplateError(f"{logical_id}: PackageType Image is not supported; zip only")
        runtime = str(required("Runtime") or "")
        if not runtime.startswith("python"):
            shown = runtime or "(none)"
            raise TemplateError(
                f"{logical_id}: Runtime {shown} is not supported; toolkit invoke runs python "
                "runtimes"
            )
        handler = required("Handler")
        if not isinstance(handler, str) or "." not in handler:
            raise TemplateError(f"{logical_id}.Handler must be module.function, got {handler!r}")
        code_dir = self._code_dir(logical_id, required("CodeUri" if serverless else "Code"))
        module, _, attribute = handler.rpartition(".")
        spec = HandlerSpec(handler, module.replace("/", "."), attribute, code_dir)
        environment = self._environment(logical_id, props, notes)
        extension = self._layers(logical_id, props, notes)
        name = self._optional(props.get("FunctionName"), f"{logical_id}.FunctionName", notes)
        return FunctionConfig(
            logical_id=logical_id,
            function_name=str(name or logical_id),
            spec=spec,
            runtime=runtime,
            timeout=_whole(logical_id, "Timeout", required("Timeout")),
            memory=_whole(logical_id, "MemorySize", required("MemorySize")),
            environment=environment,
            extension=extension,
            notes=tuple(notes),
        )

    def _code_dir(self, logical_id: str, code: Any) -> Path:
        if code is None:
            code = "."
        if not isinstance(code, str):
            raise TemplateError(
                f"{logical_id}: code from {sorted(code) if isinstance(code, dict) else code!r} "
                "is not supported; give CodeUri as a local folder"
            )
        folder = (self.path.parent / code).resolve()
        if not folder.is_dir():
            raise TemplateError(f"{logical_id}: CodeUri folder {code!r} does not exist")
        return folder

    def _optional(self, value: Any, where: str, notes: list[str]) -> Any:
        try:
            return self.resolver.resolve(value)
        except Unsupported as error:
            notes.append(f"{where}: {error}")
            return None

    def _environment(
        self, logical_id: str, props: Mapping[str, Any], notes: list[str]
    ) -> dict[str, str]:
        variables = (props.get("Environment") or {}).get("Variables") or {}
        resolved: dict[str, str] = {}
        for key, value in variables.items():
            where = f"{logical_id}.Environment.Variables.{key}"
            try:
                resolved[key] = _as_env_value(self.resolver.resolve(value))
            except Unsupported as error:
                notes.append(f"{where}: {error}; unset (give it with --env-vars)")
        return resolved

    def _layers(self, logical_id: str, props: Mapping[str, Any], notes: list[str]) -> bool:
        extension = False
        for index, layer in enumerate(props.get("Layers") or []):
            arn = self._optional(layer, f"{logical_id}.Layers[{index}]", notes)
            if isinstance(arn, str) and EXTENSION_LAYER.match(arn):
                extension = True
            elif arn is not None:
                notes.append(f"{logical_id}.Layers: {arn} is not loaded locally")
        return extension


def _whole(logical_id: str, key: str, value: Any) -> int | None:
    if value is None:
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise TemplateError(f"{logical_id}.{key} must be a whole number, got {value!r}") from None


def load_template(path: str, overrides: Mapping[str, str], region: str) -> Template:
    """The template at ``path``; a :class:`TemplateError` names what is wrong with it."""
    try:
        import yaml  # noqa: F401
    except ImportError:
        from toolkit.testing.embedded_aws import INSTALL_HINT

        raise TemplateError(f"--template needs PyYAML: {INSTALL_HINT}") from None
    file = Path(path)
    return Template(file, _read(file), overrides, region)


def env_var_overrides(path: str, keys: tuple[str, ...]) -> dict[str, str]:
    """The variables of a SAM ``--env-vars`` file for a function: its ``Parameters`` object
    (every function), then the first of ``keys`` (the logical id, then the function name)
    present in it, which wins. Values are scalars, as in the template."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as error:
        raise TemplateError(f"cannot read --env-vars {path!r}: {error.strerror}") from None
    except ValueError as error:
        raise TemplateError(f"--env-vars {path!r} is not valid JSON: {error}") from None
    if not isinstance(document, dict):
        raise TemplateError(
            f'--env-vars {path!r} must be an object: {{"Parameters": {{...}}, '
            '"FunctionId": {...}}'
        )
    chosen = next((key for key in keys if key in document), None)
    values: dict[str, str] = {}
    for section in ("Parameters", chosen):
        variables = document.get(section) if section is not None else None
        if variables is None:
            continue
        if not isinstance(variables, dict):
            raise TemplateError(f"--env-vars {path!r}: {section} must be an object of variables")
        for name, value in variables.items():
            try:
                values[name] = _as_env_value(value)
            except Unsupported as error:
                raise TemplateError(f"--env-vars {path!r}: {section}.{name}: {error}") from None
    return values
