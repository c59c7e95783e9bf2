"""The normalised network model the checks read, and how it is built from a document's tree.

A template becomes a `Template`: its egress entries, one `EgressEntry` per combination of the `Fn::If`
branches it uses, with the protocol as a number (-1 for all), ports as numbers and destinations as
normalised CIDRs. Account data (`aws ec2 describe-security-groups`) becomes an `Account`: its security groups
and their permissions. Values that cannot be resolved are `UNKNOWN`, absent ones `MISSING`.

Each model object knows its `node`, the path of its mapping in the document's tree, and its `Source` (the file
and the reader's line index). Lines are looked up only when a check asks for a `location()`: that is what
keeps large JSON inputs fast, since a scan then pays for the lines of its findings only.
"""

from __future__ import annotations

import enum
import itertools
from typing import Any, Iterator, NamedTuple, Protocol, Sequence

from rulebase.model import Location

Key = str | int


class Unset(enum.Enum):
    """Why a value is not a literal: absent from the input, or present but not resolvable."""

    MISSING = "missing"
    UNKNOWN = "unknown"

    def __repr__(self) -> str:
        return self.name


MISSING = Unset.MISSING
UNKNOWN = Unset.UNKNOWN

ALL_PROTOCOLS = -1
ICMP, TCP, UDP, ICMPV6 = 1, 6, 17, 58
PROTOCOL_NUMBERS = {"tcp": TCP, "udp": UDP, "icmp": ICMP, "icmpv6": ICMPV6}
PROTOCOL_NAMES = {number: name for name, number in PROTOCOL_NUMBERS.items()}
_PROTOCOL_TEXT = {**PROTOCOL_NUMBERS, "-1": -1, "6": TCP, "17": UDP, "1": ICMP, "58": ICMPV6,
                  "TCP": TCP, "UDP": UDP, "ICMP": ICMP, "ICMPV6": ICMPV6}
ANYWHERE_IPV4, ANYWHERE_IPV6 = "0.0.0.0/0", "::/0"
LOOPBACK_IPV4, LOOPBACK_IPV6 = "127.0.0.1/32", "::1/128"

DESTINATIONS = ("CidrIp", "CidrIpv6", "DestinationPrefixListId", "DestinationSecurityGroupId")
MAX_CONDITIONS = 6  # an entry using more distinct conditions than this is left unresolved (2**6 combinations)
MAX_INTRINSIC_DEPTH = 16


class Lines(Protocol):
    """A reader's line index: the 1-based line of a node (or of one of its keys), 0 if unknown."""

    def line(self, node: Sequence[Key], key: Key | None = None) -> int: ...


class Source(NamedTuple):
    """The document a model object comes from: its file and the reader's line index."""

    file: str
    lines: Lines


def locate(source: Source, node: tuple[Key, ...], key: str | None = None) -> Location:
    """Return the location of a node's first line, or of its `key` line when the node has that key."""
    return Location(source.file, source.lines.line(node, key))


# --- values ---------------------------------------------------------------------------------------

def protocol_number(value: Any) -> int | Unset:
    """Return the protocol as a number (-1 for all): `tcp`, `TCP`, `6`, `"6"` and 6.0 are all 6."""
    if type(value) is str:
        known = _PROTOCOL_TEXT.get(value)
        if known is None:
            text = value.strip().lower()
            known = PROTOCOL_NUMBERS.get(text)
            value = text if known is None else known
        else:
            value = known
    return _bounded(value, 255)


def port_number(value: Any) -> int | Unset:
    """Return the port (or ICMP type/code) as a number: 443, `"443"` and 443.0 are all 443."""
    return _bounded(value.strip() if type(value) is str else value, 65535)


def _bounded(value: Any, highest: int) -> int | Unset:
    """Return a whole number from -1 to `highest` given as int, float or text; UNKNOWN otherwise."""
    kind = type(value)
    if kind is str:
        value = _integer(value)
    elif kind is float and value.is_integer():
        value = int(value)
    elif kind is not int:
        return value if kind is Unset else UNKNOWN
    return value if type(value) is int and -1 <= value <= highest else UNKNOWN


def cidr(value: Any) -> str | Unset:
    """Return a CIDR block in its canonical text (`::0/0` is `::/0`), or the text as written if it is not one."""
    if type(value) is not str:
        return value if type(value) is Unset else UNKNOWN
    text = value.strip().lower()
    if ":" in text and text not in (ANYWHERE_IPV6, LOOPBACK_IPV6):
        import ipaddress  # rare spellings only: keeps the common path free of the import

        try:
            return str(ipaddress.ip_network(text, strict=False))
        except ValueError:
            return text
    return text


def _integer(text: str) -> int | str:
    digits = text[1:] if text[:1] in "+-" else text
    return int(text) if digits.isdigit() and digits.isascii() and len(digits) < 10 else text


def describe_protocol(protocol: int | Unset) -> str:
    """Return the protocol as AWS prints it: `tcp`, `-1`, `50`."""
    if isinstance(protocol, Unset):
        return protocol.value
    return PROTOCOL_NAMES.get(protocol, str(protocol))


# --- the template model -----------------------------------------------------------------------------

class Destination(NamedTuple):
    """Where an egress entry sends traffic: the property that names it and its normalised value."""

    kind: str  # CidrIp, CidrIpv6, DestinationPrefixListId or DestinationSecurityGroupId
    value: str | Unset


class EgressEntry(NamedTuple):
    """One egress entry of a template, with one combination of the `Fn::If` branches it uses.

    Its node is the entry's mapping: an item of a security group's SecurityGroupEgress, or the Properties of
    an AWS::EC2::SecurityGroupEgress. (Model objects are named tuples, not frozen dataclasses: a large
    template has thousands of them, and a tuple is made three times faster.)
    """

    resource: str  # the logical id of the resource that holds the entry
    source: Source
    node: tuple[Key, ...]
    protocol: int | Unset
    from_port: int | Unset
    to_port: int | Unset
    destinations: tuple[Destination, ...]

    def location(self, key: str | None = None) -> Location:
        """Return the location of the entry's first line, or of its `key` line when it has that key."""
        return locate(self.source, self.node, key)

    def only_loopback(self) -> bool | Unset:
        """Return whether the only destination is 127.0.0.1/32 or ::1/128 (UNKNOWN if a CIDR is unresolved)."""
        if not self.destinations:
            return False
        for kind, value in self.destinations:
            if kind not in ("CidrIp", "CidrIpv6"):
                return False
            if value is UNKNOWN:
                return UNKNOWN
            if value != (LOOPBACK_IPV4 if kind == "CidrIp" else LOOPBACK_IPV6):
                return False
        return True


class Template(NamedTuple):
    """What the template checks read from a CloudFormation template."""

    egress: tuple[EgressEntry, ...]


def template_model(data: dict[str, Any], file: str, lines: Lines) -> Template:
    """Return the egress entries of a template's security groups and security group egress resources."""
    source = Source(file, lines)
    parameters = data.get("Parameters")
    parameters = parameters if isinstance(parameters, dict) else {}
    resources = data.get("Resources")
    entries: list[EgressEntry] = []
    seen: dict[tuple[Any, ...], tuple[Any, ...]] = {}
    if not isinstance(resources, dict):
        return Template(())
    for name, resource in resources.items():
        if type(resource) is not dict:
            continue
        logical_id = name if type(name) is str else str(name)
        kind, properties = resource.get("Type"), resource.get("Properties")
        if type(properties) is not dict:
            continue
        if kind == "AWS::EC2::SecurityGroup":
            egress = properties.get("SecurityGroupEgress")
            if egress is None:
                continue
            node = ("Resources", name, "Properties", "SecurityGroupEgress")
            if type(egress) is list:
                for index, item in enumerate(egress):
                    if type(item) is dict and "Fn::If" not in item and "Ref" not in item:
                        _add_entries(entries, logical_id, item, source, node + (index,), parameters, seen)
                    else:
                        for item_node, branch in _egress_item(item, node + (index,), 0):
                            _add_entries(entries, logical_id, branch, source, item_node, parameters, seen)
            else:
                for item_node, item in _egress_items(egress, node, 0):
                    _add_entries(entries, logical_id, item, source, item_node, parameters, seen)
        elif kind == "AWS::EC2::SecurityGroupEgress":
            _add_entries(entries, logical_id, properties, source, ("Resources", name, "Properties"), parameters,
                         seen)
    return Template(tuple(entries))


def _egress_items(value: Any, node: tuple[Key, ...], depth: int) -> Iterator[tuple[tuple[Key, ...], dict[str, Any]]]:
    """Yield the mappings of a SecurityGroupEgress list, through `Fn::If` on the list or on its items."""
    if type(value) is list:
        for index, item in enumerate(value):
            if type(item) is dict and "Fn::If" not in item and "Ref" not in item:
                yield node + (index,), item
            else:
                yield from _egress_item(item, node + (index,), depth)
    elif isinstance(value, dict) and depth < MAX_INTRINSIC_DEPTH:
        for branch, choice in _if_branches(value) or ():
            yield from _egress_items(branch, node + ("Fn::If", choice), depth + 1)


def _egress_item(item: Any, node: tuple[Key, ...], depth: int) -> Iterator[tuple[tuple[Key, ...], dict[str, Any]]]:
    if not isinstance(item, dict) or depth > MAX_INTRINSIC_DEPTH:
        return
    branches = _if_branches(item)
    if branches is None:
        if not (len(item) == 1 and "Ref" in item):  # `!Ref AWS::NoValue` drops the item
            yield node, item
        return
    for branch, choice in branches:
        yield from _egress_item(branch, node + ("Fn::If", choice), depth + 1)


def _if_branches(value: dict[str, Any]) -> list[tuple[Any, int]] | None:
    """Return the two branches of a `Fn::If` mapping with their positions (1, 2), or None if it is not one."""
    arguments = value.get("Fn::If") if len(value) == 1 else None
    if not isinstance(arguments, list) or len(arguments) != 3:
        return None
    return [(arguments[1], 1), (arguments[2], 2)]


_LITERAL = frozenset((str, int, Unset))  # values normalised without resolving (not bool: True == 1)
_CIDRS = ("CidrIp", "CidrIpv6")


def _add_entries(entries: list[EgressEntry], resource: str, entry: dict[str, Any], source: Source,
                 node: tuple[Key, ...], parameters: dict[str, Any], seen: dict[tuple[Any, ...], tuple[Any, ...]]
                 ) -> None:
    """Add the entry once per combination of the conditions its values use (once when they use none).

    `seen` remembers the normalised values of literal entries: large templates repeat the same few rules.
    """
    get = entry.get
    protocol, low, high = get("IpProtocol", MISSING), get("FromPort", MISSING), get("ToPort", MISSING)
    found = [(kind, entry[kind]) for kind in DESTINATIONS if kind in entry]
    literal = _LITERAL
    if type(protocol) in literal and type(low) in literal and type(high) in literal:
        for _, value in found:
            if type(value) is not str:
                break
        else:  # literals only, the common case: nothing to resolve
            key = (protocol, low, high, *found)
            values = seen.get(key)
            if values is None:
                destinations = tuple(Destination(kind, cidr(value) if kind in _CIDRS else value)
                                     for kind, value in found)
                values = seen[key] = (protocol_number(protocol), port_number(low), port_number(high), destinations)
            entries.append(EgressEntry(resource, source, node, *values))
            return
    raw = [protocol, low, high] + [get(kind, MISSING) for kind in DESTINATIONS]
    conditions = sorted(_conditions(raw))
    if len(conditions) > MAX_CONDITIONS:
        return  # unresolvable: not reported
    variants: dict[EgressEntry, None] = {}
    for choices in itertools.product((True, False), repeat=len(conditions)):
        chosen = dict(zip(conditions, choices))
        variants.setdefault(_entry(resource, source, node, [_resolve(v, parameters, chosen, 0) for v in raw]))
    entries.extend(variants)


def _entry(resource: str, source: Source, node: tuple[Key, ...], values: list[Any]) -> EgressEntry:
    """Return the entry of resolved values: protocol, FromPort, ToPort, then one per kind of DESTINATIONS."""
    destinations = tuple(
        Destination(kind, cidr(value) if kind in _CIDRS else _text(value))
        for kind, value in zip(DESTINATIONS, values[3:])
        if value is not MISSING
    )
    return EgressEntry(resource, source, node, protocol_number(values[0]), port_number(values[1]),
                       port_number(values[2]), destinations)


def _present(value: Any) -> Any:
    return MISSING if value is None else value  # `FromPort:` with no value is as good as absent


def _text(value: Any) -> str | Unset:
    return value if type(value) is Unset else str(value) if isinstance(value, (str, int, float)) else UNKNOWN


def _conditions(values: list[Any]) -> set[str]:
    """Return the names of the conditions used by `Fn::If` in the values."""
    found: set[str] = set()
    todo = [(value, 0) for value in values]
    while todo:
        value, depth = todo.pop()
        if not isinstance(value, dict) or len(value) != 1 or depth > MAX_INTRINSIC_DEPTH:
            continue
        arguments = value.get("Fn::If")
        if isinstance(arguments, list) and len(arguments) == 3 and isinstance(arguments[0], str):
            found.add(arguments[0])
            todo += [(arguments[1], depth + 1), (arguments[2], depth + 1)]
    return found


def _resolve(value: Any, parameters: dict[str, Any], chosen: dict[str, bool], depth: int) -> Any:
    """Return the literal a value stands for under the chosen conditions, MISSING, or UNKNOWN."""
    if value is MISSING or value is None:
        return MISSING
    if isinstance(value, (str, int, float)):
        return value
    if not isinstance(value, dict) or len(value) != 1 or depth > MAX_INTRINSIC_DEPTH:
        return UNKNOWN
    if "Ref" in value:
        name = value["Ref"]
        if name == "AWS::NoValue":
            return MISSING
        parameter = parameters.get(name) if isinstance(name, str) else None
        default = parameter.get("Default") if isinstance(parameter, dict) else None
        return default if isinstance(default, (str, int, float)) else UNKNOWN
    arguments = value.get("Fn::If")
    if isinstance(arguments, list) and len(arguments) == 3 and arguments[0] in chosen:
        return _resolve(arguments[1] if chosen[arguments[0]] else arguments[2], parameters, chosen, depth + 1)
    return UNKNOWN


# --- the account model --------------------------------------------------------------------------------

class Permission(NamedTuple):
    """One permission of a security group (an `IpPermission`); its node is the permission's mapping."""

    source: Source
    node: tuple[Key, ...]
    protocol: int | Unset
    from_port: int | Unset
    to_port: int | Unset
    ipv4_ranges: tuple[str | Unset, ...]
    ipv6_ranges: tuple[str | Unset, ...]
    other_destinations: int  # prefix lists and security groups

    def location(self, key: str | None = None) -> Location:
        """Return the location of the permission's first line, or of its `key` line."""
        return locate(self.source, self.node, key)

    def reaches_anywhere(self) -> bool:
        """Return whether the permission includes 0.0.0.0/0 or ::/0."""
        return ANYWHERE_IPV4 in self.ipv4_ranges or ANYWHERE_IPV6 in self.ipv6_ranges


class SecurityGroup(NamedTuple):
    """A security group of account data, with its inbound and outbound permissions; its node is its mapping."""

    group_id: str
    name: str
    source: Source
    node: tuple[Key, ...]
    ingress: tuple[Permission, ...]
    egress: tuple[Permission, ...]

    def location(self, key: str | None = None) -> Location:
        """Return the location of the group's first line, or of its `key` line."""
        return locate(self.source, self.node, key)


class Account(NamedTuple):
    """What the posture checks read from describe-security-groups output."""

    groups: tuple[SecurityGroup, ...]


def account_model(data: Any, file: str, lines: Lines) -> Account:
    """Return the security groups of `{"SecurityGroups": [...]}` (or of the bare list)."""
    source = Source(file, lines)
    groups, node = (data.get("SecurityGroups"), ("SecurityGroups",)) if isinstance(data, dict) else (data, ())
    if not isinstance(groups, list):
        return Account(())
    found = []
    for index, group in enumerate(groups):
        if not isinstance(group, dict):
            continue
        here = node + (index,)
        found.append(SecurityGroup(
            group_id=_name(group.get("GroupId")),
            name=_name(group.get("GroupName")),
            source=source,
            node=here,
            ingress=_permissions(group.get("IpPermissions"), source, here + ("IpPermissions",)),
            egress=_permissions(group.get("IpPermissionsEgress"), source, here + ("IpPermissionsEgress",)),
        ))
    return Account(tuple(found))


def _permissions(value: Any, source: Source, node: tuple[Key, ...]) -> tuple[Permission, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(
        Permission(
            source=source,
            node=node + (index,),
            protocol=protocol_number(permission.get("IpProtocol", MISSING)),
            from_port=port_number(_present(permission.get("FromPort", MISSING))),
            to_port=port_number(_present(permission.get("ToPort", MISSING))),
            ipv4_ranges=_ranges(permission.get("IpRanges"), "CidrIp"),
            ipv6_ranges=_ranges(permission.get("Ipv6Ranges"), "CidrIpv6"),
            other_destinations=_count(permission.get("PrefixListIds")) + _count(permission.get("UserIdGroupPairs")),
        )
        for index, permission in enumerate(value)
        if isinstance(permission, dict)
    )


def _ranges(value: Any, key: str) -> tuple[str | Unset, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(cidr(item.get(key, MISSING)) for item in value if isinstance(item, dict))


def _count(value: Any) -> int:
    return len(value) if isinstance(value, list) else 0


def _name(value: Any) -> str:
    return value if isinstance(value, str) else "" if value is None else str(value)
