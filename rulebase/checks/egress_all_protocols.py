"""cloudformation-aws-security-group-egress-with-all-protocols: egress entries with IpProtocol -1."""

from __future__ import annotations

from typing import Iterator

from rulebase.checks.base import Violation
from rulebase.network import ALL_PROTOCOLS, Template

RULE_ID = "cloudformation-aws-security-group-egress-with-all-protocols"
KIND = "iac"


def check(template: Template) -> Iterator[Violation]:
    """Yield each egress entry whose protocol is -1, unless its only destination is loopback."""
    for entry in template.egress:
        if entry.protocol == ALL_PROTOCOLS and entry.only_loopback() is False:
            yield Violation(entry.location("IpProtocol"), entry.resource, "IpProtocol -1")
