"""Inbound allow entries of network ACLs from anywhere that reach port 22 or 3389."""

from __future__ import annotations

from typing import Iterator

from rulebase.checks import Violation
from rulebase.network import ADMIN_PORTS, network_acl_ports
from rulebase.template import Template
from rulebase.values import (
    MISSING, boolean, cidr, is_anywhere, protocol_number, word,
)

KIND = "iac"
KEYS = ("Egress", "RuleAction", "Protocol", "PortRange", "CidrBlock", "Ipv6CidrBlock")


def check(template: Template) -> Iterator[Violation]:
    """Yield each inbound allow entry from a /0 block whose protocol is -1, or tcp/udp with a range over 22 or 3389."""
    for resource in template.of_type("AWS::EC2::NetworkAclEntry"):
        for branch in template.variants(resource.properties, resource.node + ("Properties",), keys=KEYS):
            if boolean(branch.get("Egress")) not in (False, MISSING) or word(branch.get("RuleAction")) != "allow":
                continue
            block = next((key for key in ("CidrBlock", "Ipv6CidrBlock") if is_anywhere(cidr(branch.get(key)))), None)
            ports = network_acl_ports(protocol_number(branch.get("Protocol")), branch.get("PortRange"), ADMIN_PORTS)
            if block is not None and ports is not None:
                yield Violation(branch.location(block), resource.logical_id, f"{ports} ← {cidr(branch.get(block))}")
                break

