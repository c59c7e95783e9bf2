"""tcp/udp egress entries open to more than one port, or without ports."""

from __future__ import annotations

from typing import Iterator

from rulebase.checks import Violation
from rulebase.network import SecurityGroupRule, security_group_entries
from rulebase.template import Template
from rulebase.values import MISSING, TCP, UDP, UNKNOWN, describe_protocol

KIND = "iac"


def check(template: Template) -> Iterator[Violation]:
    """Yield each tcp or udp egress entry whose FromPort or ToPort is missing, or whose ports differ."""
    for entry in security_group_entries(template, "egress"):
        for rule in entry.variants:
            violation = _violation(rule)
            if violation is not None:
                yield violation
                break


def _violation(rule: SecurityGroupRule) -> Violation | None:
    if rule.protocol not in (TCP, UDP):
        return None
    low, high = rule.from_port, rule.to_port
    if low is MISSING or high is MISSING:
        missing = " and ".join(name for name, port in (("FromPort", low), ("ToPort", high)) if port is MISSING)
        return Violation(rule.location(), rule.resource, f"IpProtocol {describe_protocol(rule.protocol)}, {missing} ∅")
    if low is not UNKNOWN and high is not UNKNOWN and low != high:
        return Violation(rule.location("FromPort"), rule.resource, f"FromPort {low} / ToPort {high}")
    return None
