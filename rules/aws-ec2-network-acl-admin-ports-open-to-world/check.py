"""Inbound allow entries of network ACLs from anywhere that reach port 22 or 3389."""

from __future__ import annotations

from typing import Iterator

from rulebase.checks import Violation
from rulebase.network import ADMIN_PORTS, network_acl_ports
from rulebase.snapshot import Snapshot
from rulebase.values import (
    boolean, cidr, is_anywhere, protocol_number, word,
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
            ports = network_acl_ports(protocol_number(entry.get("Protocol")), entry.get("PortRange"), ADMIN_PORTS)
            if block is not None and ports is not None:
                yield Violation(acl.location(*path, block), acl.id,
                                f"RuleNumber {entry.get('RuleNumber', '?')}: {ports} ← {cidr(entry.get(block))}")

