"""Inbound allow entries of network ACLs from anywhere that reach port 22 or 3389."""

from __future__ import annotations

from typing import Any, Iterator

from rulebase.checks import Violation
from rulebase.network import ADMIN_PORTS
from rulebase.snapshot import Snapshot
from rulebase.values import (
    ALL_PROTOCOLS, TCP, UDP, Unset, boolean, cidr, describe_protocol, is_anywhere, port_number, protocol_number, word,
)

KIND = "posture"
REQUIRES = ("describe-network-acls",)


def check(snapshot: Snapshot) -> Iterator[Violation]:
    """Yield each inbound allow entry from a /0 block whose protocol is -1, or 6/17 with a range over 22 or 3389."""
    for acl in snapshot.items("describe-network-acls"):
        for path, entry in acl.children("Entries"):
            if boolean(entry.get("Egress")) is not False or word(entry.get("RuleAction")) != "allow":
                continue
            block = next((key for key in ("CidrBlock", "Ipv6CidrBlock") if is_anywhere(cidr(entry.get(key)))), None)
            ports = _ports(protocol_number(entry.get("Protocol")), entry.get("PortRange"))
            if block is not None and ports is not None:
                yield Violation(acl.location(*path, block), acl.id,
                                f"rule {entry.get('RuleNumber', '?')} {ports} from {cidr(entry.get(block))}")


def _ports(protocol: int | Unset, port_range: Any) -> str | None:
    """Return how the entry reaches an admin port (`-1`, `tcp 0-65535`), or None if it reaches neither."""
    if protocol == ALL_PROTOCOLS:
        return "-1"
    if protocol not in (TCP, UDP) or type(port_range) is not dict:
        return None
    low, high = port_number(port_range.get("From")), port_number(port_range.get("To"))
    if type(low) is int and type(high) is int and any(low <= port <= high for port in ADMIN_PORTS):
        name = describe_protocol(protocol)
        return f"{name} {low}" if low == high else f"{name} {low}-{high}"
    return None
