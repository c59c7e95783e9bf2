"""aws-ec2-security-group-egress-all-ports: account egress permissions open to anywhere on every port."""

from __future__ import annotations

from typing import Iterator

from rulebase.checks.base import Violation
from rulebase.network import (
    ALL_PROTOCOLS, ANYWHERE_IPV4, ANYWHERE_IPV6, ICMP, ICMPV6, TCP, UDP, Account, Permission, Unset,
    describe_protocol,
)

RULE_ID = "aws-ec2-security-group-egress-all-ports"
KIND = "posture"


def check(account: Account) -> Iterator[Violation]:
    """Yield each egress permission that reaches 0.0.0.0/0 or ::/0 on every port."""
    for group in account.groups:
        for permission in group.egress:
            if permission.reaches_anywhere() and opens_every_port(permission):
                yield Violation(permission.location(), group.group_id, _detail(permission))


def opens_every_port(permission: Permission) -> bool:
    """Return whether AWS lets every port through: all protocols, a protocol without ports, or tcp/udp 1-65535."""
    protocol = permission.protocol
    if isinstance(protocol, Unset):
        return False
    if protocol in (TCP, UDP):
        low, high = permission.from_port, permission.to_port
        return isinstance(low, int) and isinstance(high, int) and low <= 1 and high >= 65535
    return protocol == ALL_PROTOCOLS or protocol not in (ICMP, ICMPV6)


def _detail(permission: Permission) -> str:
    ports = f" {permission.from_port}-{permission.to_port}" if permission.protocol in (TCP, UDP) else ""
    anywhere = [cidr for cidr, ranges in ((ANYWHERE_IPV4, permission.ipv4_ranges),
                                          (ANYWHERE_IPV6, permission.ipv6_ranges)) if cidr in ranges]
    return f"IpProtocol {describe_protocol(permission.protocol)}{ports} to {', '.join(anywhere)}"
