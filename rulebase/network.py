"""Security group rules as the checks read them, from a template's resources or from account data.

Four rules read security group entries of templates and four read permissions of account data, so the
selection lives here once: the entries of `AWS::EC2::SecurityGroup` lists and of the standalone
`AWS::EC2::SecurityGroupIngress` / `AWS::EC2::SecurityGroupEgress` resources, each with its values
normalised (see `rulebase.values`), and the `IpPermissions` of `describe-security-groups` items.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Iterable, Iterator, Literal, Mapping, NamedTuple, Sequence

from rulebase.model import Location
from rulebase.template import Branch, Key, Source, Template
from rulebase.values import (
    ALL_PROTOCOLS, LOOPBACK_IPV4, LOOPBACK_IPV6, MISSING, TCP, UDP, UNKNOWN, Unset, cidr, describe_protocol, is_anywhere,
    port_number, protocol_number, reached_ports, reaches_port, text,
)

if TYPE_CHECKING:
    from rulebase.snapshot import Item, Snapshot

Direction = Literal["ingress", "egress"]
ADMIN_PORTS = (22, 3389)  # remote administration: SSH and RDP
# The ports AWS Security Hub control EC2.19 calls high risk.
HIGH_RISK_PORTS = (20, 21, 22, 23, 25, 110, 135, 143, 445, 1433, 1434, 3000, 3306, 3389, 4333, 5000, 5432, 5500,
                   5601, 8080, 8088, 8888, 9200, 9300)

_LIST = {"ingress": "SecurityGroupIngress", "egress": "SecurityGroupEgress"}
_RESOURCE = {"ingress": "AWS::EC2::SecurityGroupIngress", "egress": "AWS::EC2::SecurityGroupEgress"}
_PEERS = {
    "ingress": ("CidrIp", "CidrIpv6", "SourcePrefixListId", "SourceSecurityGroupId", "SourceSecurityGroupName"),
    "egress": ("CidrIp", "CidrIpv6", "DestinationPrefixListId", "DestinationSecurityGroupId"),
}
_CIDRS = ("CidrIp", "CidrIpv6")


class Peer(NamedTuple):
    """The other end of a security group rule: the property that names it and its normalised value."""

    kind: str  # CidrIp, CidrIpv6, a prefix list or a security group property
    value: Any


class SecurityGroupRule(NamedTuple):
    """One entry of a template under one choice of its `Fn::If` branches, with its values normalised.

    (Named tuples, not frozen dataclasses: a large template has thousands, and a tuple is made three times faster.)
    """

    resource: str  # the logical id of the resource that holds the entry
    branch: Branch
    protocol: int | Unset
    from_port: int | Unset
    to_port: int | Unset
    peers: tuple[Peer, ...]

    def location(self, key: str | None = None) -> Location:
        """Return the location of the entry's first line, or of its `key` line when it has that key."""
        return self.branch.location(key)

    def reaches(self, port: int) -> bool:
        """Return whether the entry lets traffic through to `port` (see `rulebase.values.reaches_port`)."""
        return reaches_port(self.protocol, self.from_port, self.to_port, port)

    def anywhere(self) -> Peer | None:
        """Return the first CIDR peer with prefix length 0 (`0.0.0.0/0`, `::/0`), or None."""
        return next((peer for peer in self.peers if peer.kind in _CIDRS and is_anywhere(peer.value)), None)

    def only_loopback(self) -> bool | Unset:
        """Return whether the only peer is 127.0.0.1/32 or ::1/128 (UNKNOWN if a CIDR is unresolved)."""
        if not self.peers:
            return False
        for kind, value in self.peers:
            if kind not in _CIDRS:
                return False
            if value is UNKNOWN:
                return UNKNOWN
            if value != (LOOPBACK_IPV4 if kind == "CidrIp" else LOOPBACK_IPV6):
                return False
        return True


class Entry(NamedTuple):
    """One ingress or egress entry of a template, with one `SecurityGroupRule` per choice of its branches."""

    resource: str
    node: tuple[Key, ...]
    variants: tuple[SecurityGroupRule, ...]


def security_group_entries(template: Template, direction: Direction) -> tuple[Entry, ...]:
    """Return the ingress or egress entries of the template's security groups and standalone rule resources."""
    key = ("security_group_entries", direction)  # several checks read them: made once per template
    entries: tuple[Entry, ...] | None = template.shared.get(key)
    if entries is None:
        entries = template.shared[key] = tuple(_entries(template, direction))
    return entries


def _entries(template: Template, direction: Direction) -> Iterator[Entry]:
    cache: dict[tuple[Any, ...], tuple[Any, ...]] = {}  # large templates repeat the same few literal rules
    peers = _PEERS[direction]
    list_key, resource_type = _LIST[direction], _RESOURCE[direction]
    for resource in template.of_type("AWS::EC2::SecurityGroup", resource_type):
        if resource.type == resource_type:
            found = [(resource.node + ("Properties",), dict(resource.properties))]
        elif list_key in resource.properties:
            found = list(template.items(resource.properties[list_key], resource.node + ("Properties", list_key)))
        else:
            continue
        name = resource.logical_id
        for node, mapping in found:
            if type(mapping) is dict and all(type(value) in _LITERALS for value in mapping.values()):
                branches: Iterable[Branch] = (Branch(mapping, node, template.source),)  # nothing to resolve
            else:
                branches = template.variants(mapping, node)
            variants = tuple(_rule(name, branch, peers, cache) for branch in branches)
            if variants:
                yield Entry(name, node, variants)


_LITERALS = frozenset((str, int, float, bool))


def _rule(resource: str, branch: Branch, kinds: tuple[str, ...], cache: dict[tuple[Any, ...], tuple[Any, ...]]
          ) -> SecurityGroupRule:
    get = branch.get
    present = branch.values
    raw = (get("IpProtocol"), get("FromPort"), get("ToPort"), *[(kind, present[kind]) for kind in kinds if kind in present])
    try:
        values = cache.get(raw)
    except TypeError:  # a mapping or a list where a literal belongs: nothing to remember
        values = None
        raw = ()
    if values is None:
        peers = tuple(Peer(kind, cidr(value) if kind in _CIDRS else text(value))
                      for kind, value in ((k, get(k)) for k in kinds if k in branch.values))
        values = (protocol_number(get("IpProtocol")), port_number(get("FromPort")), port_number(get("ToPort")), peers)
        if raw:
            cache[raw] = values
    return SecurityGroupRule(resource, branch, *values)


# --- account data -------------------------------------------------------------------------------------

class Permission(NamedTuple):
    """One permission of a security group (an `IpPermission`); its node is the permission's mapping."""

    source: Source
    node: tuple[Key, ...]
    protocol: int | Unset
    from_port: int | Unset
    to_port: int | Unset
    ipv4_ranges: tuple[str | Unset, ...]
    ipv6_ranges: tuple[str | Unset, ...]
    other_peers: int  # prefix lists and security groups
    anywhere_blocks: tuple[str, ...]  # see `anywhere`: several checks ask, so it is found once

    def location(self, key: str | None = None) -> Location:
        """Return the location of the permission's first line, or of its `key` line."""
        return self.source.locate(self.node, key)

    def reaches(self, port: int) -> bool:
        """Return whether the permission lets traffic through to `port`."""
        return reaches_port(self.protocol, self.from_port, self.to_port, port)

    def reached(self, ports: Sequence[int]) -> tuple[int, ...]:
        """Return the ports of `ports` the permission lets traffic through to, in their order."""
        return reached_ports(self.protocol, self.from_port, self.to_port, ports)

    def anywhere(self) -> tuple[str, ...]:
        """Return the CIDR blocks with prefix length 0 the permission includes, IPv4 first."""
        return self.anywhere_blocks

    def anywhere_location(self) -> Location:
        """Return the line of the first CIDR with prefix length 0 (IPv4 first), or the permission's first line."""
        for key, field, ranges in (("IpRanges", "CidrIp", self.ipv4_ranges), ("Ipv6Ranges", "CidrIpv6", self.ipv6_ranges)):
            for index, block in enumerate(ranges):
                if type(block) is str and is_anywhere(block):
                    return self.source.locate(self.node + (key, index), field)
        return self.location()


class SecurityGroup(NamedTuple):
    """A security group of account data with its inbound and outbound permissions."""

    item: Item
    inbound: tuple[Permission, ...]  # IpPermissions
    outbound: tuple[Permission, ...]  # IpPermissionsEgress

    @property
    def id(self) -> str:
        """Return the GroupId."""
        return self.item.id


def security_groups(snapshot: Snapshot) -> tuple[SecurityGroup, ...]:
    """Return the snapshot's security groups with their permissions (made once per snapshot: several checks read them)."""
    groups: tuple[SecurityGroup, ...] | None = snapshot.shared.get("security_groups")
    if groups is None:
        blocks: dict[str, tuple[str | Unset, str | None]] = {}  # an account repeats a few CIDR blocks: each read once
        groups = snapshot.shared["security_groups"] = tuple(
            SecurityGroup(item, permissions(item, "IpPermissions", blocks), permissions(item, "IpPermissionsEgress", blocks))
            for item in snapshot.items("describe-security-groups"))
    return groups


def permissions(group: Item, key: Literal["IpPermissions", "IpPermissionsEgress"],
                blocks: dict[str, tuple[str | Unset, str | None]] | None = None) -> tuple[Permission, ...]:
    """Return the inbound (`IpPermissions`) or outbound (`IpPermissionsEgress`) permissions of a group.

    `blocks` remembers each CIDR text's normalised form, and that form again if its prefix length is 0.
    """
    blocks = {} if blocks is None else blocks
    found = []
    for path, permission in group.children(key):
        anywhere: list[str] = []
        ipv4 = _ranges(permission.get("IpRanges"), "CidrIp", blocks, anywhere)
        ipv6 = _ranges(permission.get("Ipv6Ranges"), "CidrIpv6", blocks, anywhere)
        found.append(Permission(group.source, group.node + path, *_numbers(permission), ipv4, ipv6,
                                _count(permission.get("PrefixListIds")) + _count(permission.get("UserIdGroupPairs")),
                                tuple(anywhere)))
    return tuple(found)


def _numbers(permission: Mapping[str, Any]) -> tuple[int | Unset, int | Unset, int | Unset]:
    """Return the protocol and the two ports of a permission (`"FromPort": null` is as good as absent)."""
    low, high = permission.get("FromPort"), permission.get("ToPort")
    return (protocol_number(permission.get("IpProtocol", UNKNOWN)), port_number(MISSING if low is None else low),
            port_number(MISSING if high is None else high))


def _ranges(value: Any, key: str, blocks: dict[str, tuple[str | Unset, str | None]], anywhere: list[str]
            ) -> tuple[str | Unset, ...]:
    """Return the normalised blocks of a list of ranges, indices kept; add those with prefix length 0 to `anywhere`."""
    if type(value) is not list or not value:
        return ()
    ranges: list[str | Unset] = []
    for item in value:
        block = item.get(key, UNKNOWN) if type(item) is dict else UNKNOWN
        if type(block) is not str:
            ranges.append(cidr(block))
            continue
        known = blocks.get(block)
        if known is None:
            normal = cidr(block)
            known = blocks[block] = (normal, normal if type(normal) is str and is_anywhere(normal) else None)
        ranges.append(known[0])
        if known[1] is not None:
            anywhere.append(known[1])
    return tuple(ranges)


def _count(value: Any) -> int:
    return len(value) if type(value) is list else 0


# --- network ACL entries ----------------------------------------------------------------------------

def network_acl_ports(protocol: int | Unset, port_range: Any, ports: tuple[int, ...]) -> str | None:
    """Return how a network ACL entry reaches one of `ports` (`-1`, `tcp 0-65535`), or None if it reaches none.

    Unlike a security group rule, a network ACL entry opens ports only for -1, or for tcp/udp with a `PortRange`
    (a template's Branch or account data's mapping) whose `From`-`To` covers the port.
    """
    if protocol == ALL_PROTOCOLS:
        return "-1"
    if protocol not in (TCP, UDP) or not hasattr(port_range, "get"):
        return None
    low, high = port_number(port_range.get("From")), port_number(port_range.get("To"))
    if type(low) is int and type(high) is int and any(low <= port <= high for port in ports):
        return f"{describe_protocol(protocol)} {low}" if low == high else f"{describe_protocol(protocol)} {low}-{high}"
    return None
