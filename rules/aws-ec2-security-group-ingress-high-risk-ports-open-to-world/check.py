"""Security groups of account data with an inbound permission from anywhere that reaches a high-risk port (EC2.19)."""

from __future__ import annotations

from typing import Iterator, Sequence

from rulebase.checks import Violation
from rulebase.network import HIGH_RISK_PORTS, security_groups
from rulebase.snapshot import Snapshot
from rulebase.values import TCP, UDP, Unset, describe_protocol

KIND = "posture"
REQUIRES = ("describe-security-groups",)


def check(snapshot: Snapshot) -> Iterator[Violation]:
    """Yield each inbound permission from 0.0.0.0/0 or ::/0 whose protocol and ports reach a high-risk port."""
    for group in security_groups(snapshot):
        for permission in group.inbound:
            anywhere = permission.anywhere()
            reached = permission.reached(HIGH_RISK_PORTS) if anywhere else ()
            if reached:
                yield Violation(permission.anywhere_location(), group.id,
                                describe(permission.protocol, permission.from_port, permission.to_port,
                                         ", ".join(anywhere), reached))


def describe(protocol: int | Unset, low: int | Unset, high: int | Unset, source: str, reached: Sequence[int]) -> str:
    """Return e.g. `tcp 0-65535 ← 0.0.0.0/0: 20, 21, 22, … (24)`: language-neutral, as every detail is."""
    ports = "" if protocol not in (TCP, UDP) else f" {low}" if low == high else f" {low}-{high}"
    listed = ", ".join(map(str, reached[:3])) + (f", … ({len(reached)})" if len(reached) > 3 else "")
    return f"{describe_protocol(protocol)}{ports} ← {source}: {listed}"
