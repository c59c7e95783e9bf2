"""The checks, one module per rule, and the registry that maps each rule id to its check.

Every rule of the catalog has exactly one check here and every check has a rule: `rulebase verify` and the
tests enforce it (see `rulebase.verify.registry_problems`).
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Mapping

from rulebase.checks import default_security_group, egress_all_ports, egress_all_protocols, egress_port_range
from rulebase.checks.base import Check, Violation

__all__ = ["Check", "REGISTRY", "Violation"]

_MODULES = (egress_all_protocols, egress_port_range, egress_all_ports, default_security_group)

REGISTRY: Mapping[str, Check] = MappingProxyType(
    {module.RULE_ID: Check(module.RULE_ID, module.KIND, module.check) for module in _MODULES}
)
