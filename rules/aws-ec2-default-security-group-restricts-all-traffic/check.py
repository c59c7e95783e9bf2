"""Default security groups that still have rules."""

from __future__ import annotations

from typing import Iterator

from rulebase.checks import Violation
from rulebase.network import permissions
from rulebase.snapshot import Snapshot

KIND = "posture"
REQUIRES = ("describe-security-groups",)


def check(snapshot: Snapshot) -> Iterator[Violation]:
    """Yield each security group named `default` that has any inbound or outbound permission."""
    for group in snapshot.items("describe-security-groups"):
        if group.get("GroupName") == "default":
            inbound, outbound = permissions(group, "IpPermissions"), permissions(group, "IpPermissionsEgress")
            if inbound or outbound:
                yield Violation(group.location(), group.id,
                                f"IpPermissions {len(inbound)}, IpPermissionsEgress {len(outbound)}")
