"""Security groups of account data with an egress permission to anywhere on every port."""

from __future__ import annotations

from typing import Iterator

from rulebase.checks import Violation
from rulebase.network import Permission, security_groups
from rulebase.snapshot import Snapshot
from rulebase.values import ALL_PROTOCOLS, ICMP, ICMPV6, TCP, UDP, describe_protocol

KIND = "posture"
REQUIRES = ("describe-security-groups",)


def check(snapshot: Snapshot) -> Iterator[Violation]:
    """Yield each egress permission that reaches 0.0.0.0/0 or ::/0 on every port."""
    for group in security_groups(snapshot):
        for permission in group.outbound:
            anywhere = permission.anywhere()
            if anywhere and _every_port(permission):
                ports = f" {permission.from_port}-{permission.to_port}" if permission.protocol in (TCP, UDP) else ""
                yield Violation(permission.location(), group.id,
                                f"IpProtocol {describe_protocol(permission.protocol)}{ports} → {', '.join(anywhere)}")


def _every_port(permission: Permission) -> bool:
    """Return whether AWS lets every port through: all protocols, a protocol without ports, or tcp/udp 1-65535."""
    protocol = permission.protocol
    if protocol in (TCP, UDP):
        low, high = permission.from_port, permission.to_port
        return type(low) is int and type(high) is int and low <= 1 and high >= 65535
    return type(protocol) is int and (protocol == ALL_PROTOCOLS or protocol not in (ICMP, ICMPV6))
