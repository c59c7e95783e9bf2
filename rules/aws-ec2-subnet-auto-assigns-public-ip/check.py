"""Subnets that give every instance launched in them a public IPv4 address."""

from __future__ import annotations

from typing import Iterator

from rulebase.checks import Violation
from rulebase.snapshot import Snapshot
from rulebase.values import boolean

KIND = "posture"
REQUIRES = ("describe-subnets",)


def check(snapshot: Snapshot) -> Iterator[Violation]:
    """Yield each subnet of describe-subnets whose MapPublicIpOnLaunch is true."""
    for subnet in snapshot.items("describe-subnets"):
        if boolean(subnet.get("MapPublicIpOnLaunch")) is True:
            yield Violation(subnet.location("MapPublicIpOnLaunch"), subnet.id, "MapPublicIpOnLaunch true")
