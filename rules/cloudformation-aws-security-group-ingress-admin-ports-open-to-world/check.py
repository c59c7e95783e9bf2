"""Ingress entries from anywhere (a /0 CIDR) that reach port 22 (SSH) or 3389 (RDP)."""

from __future__ import annotations

from typing import Iterator

from rulebase.checks import Violation
from rulebase.network import ADMIN_PORTS, security_group_entries
from rulebase.template import Template
from rulebase.values import TCP, UDP, describe_protocol

KIND = "iac"


def check(template: Template) -> Iterator[Violation]:
    """Yield each ingress entry, once, whose CidrIp/CidrIpv6 has prefix length 0 and that reaches 22 or 3389."""
    for entry in security_group_entries(template, "ingress"):
        for rule in entry.variants:
            peer = rule.anywhere()
            if peer is not None and any(rule.reaches(port) for port in ADMIN_PORTS):
                if rule.protocol in (TCP, UDP):
                    low, high = rule.from_port, rule.to_port
                    ports = f"{describe_protocol(rule.protocol)} {low}" + ("" if low == high else f"-{high}")
                else:
                    ports = describe_protocol(rule.protocol)
                yield Violation(rule.location(peer.kind), entry.resource, f"{ports} ← {peer.value}")
                break
