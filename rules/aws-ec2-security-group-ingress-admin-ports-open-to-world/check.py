"""Inbound permissions of security groups from anywhere that reach port 22 (SSH) or 3389 (RDP)."""

from __future__ import annotations

from typing import Iterator

from rulebase.checks import Violation
from rulebase.network import ADMIN_PORTS, security_groups
from rulebase.snapshot import Snapshot
from rulebase.values import TCP, UDP, describe_protocol

KIND = "posture"
REQUIRES = ("describe-security-groups",)


def check(snapshot: Snapshot) -> Iterator[Violation]:
    """Yield each IpPermissions entry with a /0 range that reaches 22 or 3389, at its first /0 range."""
    for group in security_groups(snapshot):
        for permission in group.inbound:
            anywhere = permission.anywhere()
            if anywhere and permission.reached(ADMIN_PORTS):
                if permission.protocol in (TCP, UDP):
                    low, high = permission.from_port, permission.to_port
                    ports = f"{describe_protocol(permission.protocol)} {low}" + ("" if low == high else f"-{high}")
                else:
                    ports = describe_protocol(permission.protocol)
                yield Violation(permission.anywhere_location(), group.id, f"{ports} ← {', '.join(anywhere)}")
