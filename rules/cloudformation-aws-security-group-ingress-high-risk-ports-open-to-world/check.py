"""Ingress entries open to anywhere (0.0.0.0/0, ::/0) that reach a port AWS Security Hub EC2.19 calls high risk."""

from __future__ import annotations

from typing import Iterator

from rulebase.checks import Violation
from rulebase.network import HIGH_RISK_PORTS, security_group_entries
from rulebase.template import Template
from rulebase.values import TCP, UDP, Unset, describe_protocol

KIND = "iac"


def check(template: Template) -> Iterator[Violation]:
    """Yield each ingress entry whose CIDR has prefix length 0 and whose protocol and ports reach a high-risk port."""
    for entry in security_group_entries(template, "ingress"):
        for rule in entry.variants:
            peer = rule.anywhere()
            reached = [port for port in HIGH_RISK_PORTS if rule.reaches(port)] if peer else []
            if peer and reached:
                yield Violation(rule.location(peer.kind), entry.resource,
                                describe(rule.protocol, rule.from_port, rule.to_port, peer.value, reached))
                break


def describe(protocol: int | Unset, low: int | Unset, high: int | Unset, source: str, reached: list[int]) -> str:
    """Return e.g. `tcp 0-65535 ← 0.0.0.0/0: 20, 21, 22, … (24)`: language-neutral, as every detail is."""
    ports = "" if protocol not in (TCP, UDP) else f" {low}" if low == high else f" {low}-{high}"
    listed = ", ".join(map(str, reached[:3])) + (f", … ({len(reached)})" if len(reached) > 3 else "")
    return f"{describe_protocol(protocol)}{ports} ← {source}: {listed}"
