"""cloudformation-aws-security-group-egress-with-port-range: tcp/udp egress entries open to more than one port."""

from __future__ import annotations

from typing import Iterator

from rulebase.checks.base import Violation
from rulebase.network import MISSING, TCP, UDP, UNKNOWN, Template, describe_protocol

RULE_ID = "cloudformation-aws-security-group-egress-with-port-range"
KIND = "iac"


def check(template: Template) -> Iterator[Violation]:
    """Yield each tcp or udp egress entry whose FromPort or ToPort is missing, or whose ports differ."""
    for entry in template.egress:
        if entry.protocol not in (TCP, UDP):
            continue
        low, high = entry.from_port, entry.to_port
        if low is MISSING or high is MISSING:
            missing = " and ".join(name for name, port in (("FromPort", low), ("ToPort", high)) if port is MISSING)
            yield Violation(entry.location(), entry.resource,
                            f"IpProtocol {describe_protocol(entry.protocol)}, {missing} missing")
        elif low is not UNKNOWN and high is not UNKNOWN and low != high:
            yield Violation(entry.location("FromPort"), entry.resource, f"FromPort {low} / ToPort {high}")
