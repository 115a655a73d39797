"""Parameters and secrets: SSM Parameter Store and Secrets Manager values, cached in process,
fetched through the AWS Parameters and Secrets Lambda Extension when it is there (no boto3
imported) and through the AWS SDK otherwise.

``from toolkit import parameters`` then ``parameters.get_parameter(...)``,
``parameters.get_secret(...)``, ``@parameters.inject(config=..., secrets=...)``; Powertools'
names, so moving over is an import change. See ``docs/parameters.md``. Names resolve lazily
(PEP 562): importing the package costs nothing until a name is used.
"""

from __future__ import annotations

from toolkit._lazy import exports
from toolkit._typing import TYPE_CHECKING

_EXPORTS: dict[str, str] = {
    "get_parameter": "toolkit.parameters.functions",
    "get_parameters": "toolkit.parameters.functions",
    "get_parameters_by_name": "toolkit.parameters.functions",
    "get_secret": "toolkit.parameters.functions",
    "set_parameter": "toolkit.parameters.functions",
    "clear_caches": "toolkit.parameters.functions",
    "SSMProvider": "toolkit.parameters.ssm",
    "SecretsProvider": "toolkit.parameters.secretsmanager",
    "inject": "toolkit.parameters.injection",
    "injected": "toolkit.parameters.injection",
    "Injected": "toolkit.parameters.injection",
    "ParametersError": "toolkit.parameters.errors",
    "GetParameterError": "toolkit.parameters.errors",
    "GetSecretError": "toolkit.parameters.errors",
    "SetParameterError": "toolkit.parameters.errors",
    "TransformParameterError": "toolkit.parameters.errors",
    "UnsupportedOptionError": "toolkit.parameters.errors",
}

__all__ = [
    "GetParameterError",
    "GetSecretError",
    "Injected",
    "ParametersError",
    "SSMProvider",
    "SecretsProvider",
    "SetParameterError",
    "TransformParameterError",
    "UnsupportedOptionError",
    "clear_caches",
    "get_parameter",
    "get_parameters",
    "get_parameters_by_name",
    "get_secret",
    "inject",
    "injected",
    "set_parameter",
]

if TYPE_CHECKING:
    from toolkit.parameters.errors import (
        GetParameterError,
        GetSecretError,
        ParametersError,
        SetParameterError,
        TransformParameterError,
        UnsupportedOptionError,
    )
    from toolkit.parameters.functions import (
        clear_caches,
        get_parameter,
        get_parameters,
        get_parameters_by_name,
        get_secret,
        set_parameter,
    )
    from toolkit.parameters.injection import Injected, inject, injected
    from toolkit.parameters.secretsmanager import SecretsProvider
    from toolkit.parameters.ssm import SSMProvider


__getattr__, __dir__ = exports(__name__, _EXPORTS, globals())
