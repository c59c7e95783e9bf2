"""aws-ec2-default-security-group-restricts-all-traffic: default security groups that still have rules."""

from __future__ import annotations

from typing import Iterator

from rulebase.checks.base import Violation
from rulebase.network import Account

RULE_ID = "aws-ec2-default-security-group-restricts-all-traffic"
KIND = "posture"


def check(account: Account) -> Iterator[Violation]:
    """Yield each security group named `default` that has any inbound or outbound permission."""
    for group in account.groups:
        if group.name == "default" and (group.ingress or group.egress):
            yield Violation(group.location(), group.group_id,
                            f"IpPermissions {len(group.ingress)}, IpPermissionsEgress {len(group.egress)}")
