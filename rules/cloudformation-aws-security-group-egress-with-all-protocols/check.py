"""Egress entries with IpProtocol -1, unless their only destination is loopback."""

from __future__ import annotations

from typing import Iterator

from rulebase.checks import Violation
from rulebase.network import security_group_entries
from rulebase.template import Template
from rulebase.values import ALL_PROTOCOLS

KIND = "iac"


def check(template: Template) -> Iterator[Violation]:
    """Yield each egress entry whose protocol is -1 unless loopback is established as its only destination."""
    for entry in security_group_entries(template, "egress"):
        for rule in entry.variants:
            if rule.protocol == ALL_PROTOCOLS and rule.only_loopback() is not True:
                yield Violation(rule.location("IpProtocol"), entry.resource, "IpProtocol -1")
                break
