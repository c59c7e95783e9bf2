"""Subnets that give every instance launched in them a public IPv4 address."""

from __future__ import annotations

from typing import Iterator

from rulebase.checks import Violation
from rulebase.template import Template
from rulebase.values import boolean

KIND = "iac"


def check(template: Template) -> Iterator[Violation]:
    """Yield each AWS::EC2::Subnet whose MapPublicIpOnLaunch is true in any resolved branch (absent: false)."""
    for subnet in template.of_type("AWS::EC2::Subnet"):
        for branch in template.variants(subnet.properties, subnet.node + ("Properties",),
                                        keys=["MapPublicIpOnLaunch"]):
            if boolean(branch.get("MapPublicIpOnLaunch")) is True:
                yield Violation(branch.location("MapPublicIpOnLaunch"), subnet.logical_id, "MapPublicIpOnLaunch true")
                break
