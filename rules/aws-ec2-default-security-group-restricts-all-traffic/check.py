"""Default security groups that still have rules."""

from __future__ import annotations

from typing import Iterator

from rulebase.checks import Violation
from rulebase.network import security_groups
from rulebase.snapshot import Snapshot

KIND = "posture"
REQUIRES = ("describe-security-groups",)


def check(snapshot: Snapshot) -> Iterator[Violation]:
    """Yield each security group named `default` that has any inbound or outbound permission."""
    for group in security_groups(snapshot):
        if group.item.get("GroupName") == "default" and (group.inbound or group.outbound):
            yield Violation(group.item.location(), group.id,
                            f"IpPermissions {len(group.inbound)}, IpPermissionsEgress {len(group.outbound)}")
