"""Inbound allow entries of network ACLs from anywhere that reach port 22 or 3389."""

from __future__ import annotations

from typing import Iterator

from rulebase.checks import Violation
from rulebase.network import ADMIN_PORTS
from rulebase.template import Branch, Template
from rulebase.values import (
    ALL_PROTOCOLS, MISSING, TCP, UDP, Unset, boolean, cidr, describe_protocol, is_anywhere, port_number,
    protocol_number, word,
)

KIND = "iac"
KEYS = ("Egress", "RuleAction", "Protocol", "PortRange", "CidrBlock", "Ipv6CidrBlock")


def check(template: Template) -> Iterator[Violation]:
    """Yield each inbound allow entry from a /0 block whose protocol is -1, or tcp/udp with a range over 22 or 3389."""
    for resource in template.of_type("AWS::EC2::NetworkAclEntry"):
        for branch in template.variants(resource.properties, resource.node + ("Properties",), keys=KEYS):
            if boolean(branch.get("Egress")) not in (False, MISSING) or word(branch.get("RuleAction")) != "allow":
                continue
            block = next((key for key in ("CidrBlock", "Ipv6CidrBlock") if is_anywhere(cidr(branch.get(key)))), None)
            ports = _ports(protocol_number(branch.get("Protocol")), branch.get("PortRange"))
            if block is not None and ports is not None:
                yield Violation(branch.location(block), resource.logical_id, f"{ports} from {cidr(branch.get(block))}")
                break


def _ports(protocol: int | Unset, port_range: object) -> str | None:
    """Return how the entry reaches an admin port (`-1`, `tcp 0-65535`), or None if it reaches neither."""
    if protocol == ALL_PROTOCOLS:
        return "-1"
    if protocol not in (TCP, UDP) or type(port_range) is not Branch:
        return None
    low, high = port_number(port_range.get("From")), port_number(port_range.get("To"))
    if type(low) is int and type(high) is int and any(low <= port <= high for port in ADMIN_PORTS):
        return f"{describe_protocol(protocol)} {low}" if low == high else f"{describe_protocol(protocol)} {low}-{high}"
    return None
