"""The snapshot model: the account data of one account and Region, as the posture checks read it.

A snapshot is the union of the posture documents found in one folder: outputs of the EC2 `describe-*`
operations, recognised by their top-level keys. One document may hold several (as `jq -s add` merges them).

    snapshot.has("describe-flow-logs")
    for group in snapshot.items("describe-security-groups"):
        group.get("GroupName"), group.location("IpPermissions")
"""

from __future__ import annotations

import os
import re
from typing import Any, Iterator, Mapping, NamedTuple, Sequence

from rulebase.model import Location
from rulebase.template import Key, Lines, Source
from rulebase.values import MISSING

# The top-level key each operation prints its items under.
OPERATIONS: Mapping[str, str] = {
    "describe-security-groups": "SecurityGroups",
    "describe-network-acls": "NetworkAcls",
    "describe-vpcs": "Vpcs",
    "describe-flow-logs": "FlowLogs",
    "describe-subnets": "Subnets",
    "describe-instances": "Reservations",
}
OPERATION_OF_KEY: Mapping[str, str] = {key: operation for operation, key in OPERATIONS.items()}
# The id that names an item in findings, per operation.
ITEM_IDS: Mapping[str, str] = {
    "describe-security-groups": "GroupId",
    "describe-network-acls": "NetworkAclId",
    "describe-vpcs": "VpcId",
    "describe-flow-logs": "FlowLogId",
    "describe-subnets": "SubnetId",
    "describe-instances": "InstanceId",
}

# The folder names of `rulebase collect`'s layout, DIR/<account-id>/<region>/: a 12-digit account, a Region name.
ACCOUNT_ID = re.compile(r"[0-9]{12}")
REGION_NAME = re.compile(r"[a-z]{2,4}(-[a-z]+)+-[0-9]{1,2}")


def account_and_region(folder: str) -> tuple[str, str]:
    """Return the account id and Region a folder of the collect layout names, or ("", "") for any other folder."""
    parent, region = os.path.split(os.path.normpath(folder))
    account = os.path.basename(parent)
    if ACCOUNT_ID.fullmatch(account) and REGION_NAME.fullmatch(region):
        return account, region
    return "", ""


class Item(NamedTuple):
    """One item of an operation's output (a security group, a network ACL, an instance, ...), where it is."""

    data: Mapping[str, Any]
    node: tuple[Key, ...]  # its path in its document
    source: Source
    id: str  # GroupId, NetworkAclId, VpcId, FlowLogId, SubnetId or InstanceId ("" if absent)

    def get(self, key: str, default: Any = MISSING) -> Any:
        """Return the item's value for `key`, or `default` (MISSING) when absent or null."""
        value = self.data.get(key, default)
        return default if value is None else value

    def location(self, *path: Key) -> Location:
        """Return the item's first line, or the line of a node below it (its nearest existing ancestor)."""
        if not path:
            return self.source.locate(self.node)
        return self.source.locate(self.node + path[:-1], path[-1])

    def children(self, key: str) -> Iterator[tuple[tuple[Key, ...], Mapping[str, Any]]]:
        """Yield the mappings of the list under `key` with their paths below the item."""
        value = self.data.get(key)
        if type(value) is list:
            for index, child in enumerate(value):
                if type(child) is dict:
                    yield (key, index), child


class Snapshot(NamedTuple):
    """The items of each operation found in one folder's posture documents."""

    folder: str
    found: Mapping[str, tuple[Item, ...]]  # operation -> its items, in file order
    shared: dict[Any, Any]  # selections several checks read (see rulebase.network), made once per snapshot

    def has(self, operation: str) -> bool:
        """Return whether the snapshot holds the output of `operation`."""
        return operation in self.found

    def items(self, operation: str) -> tuple[Item, ...]:
        """Return the items of an operation's output (none if it is absent: ask `has` first)."""
        return self.found.get(operation, ())

    def missing(self, operations: Sequence[str]) -> tuple[str, ...]:
        """Return the operations of `operations` that the snapshot lacks."""
        return tuple(operation for operation in operations if operation not in self.found)


def posture_keys(data: Any) -> tuple[str, ...]:
    """Return the operations a document holds the output of, judged by its top-level keys."""
    if type(data) is dict:
        return tuple(op for key, op in OPERATION_OF_KEY.items() if type(data.get(key)) is list)
    if type(data) is list and data and all(type(g) is dict and "GroupId" in g for g in data):
        return ("describe-security-groups",)  # `--query SecurityGroups[]` prints the bare list
    return ()


def snapshot_model(folder: str, documents: Sequence[tuple[Any, str, Lines]]) -> Snapshot:
    """Return the snapshot made of documents `(data, file, lines)` of one folder."""
    found: dict[str, list[Item]] = {}
    for data, file, lines in documents:
        source = Source(file, lines)
        for operation in posture_keys(data):
            items = found.setdefault(operation, [])
            if type(data) is list:
                items += _items(data, (), source, operation)
            elif operation == "describe-instances":
                for r, reservation in enumerate(data["Reservations"]):
                    if type(reservation) is dict and type(reservation.get("Instances")) is list:
                        items += _items(reservation["Instances"], ("Reservations", r, "Instances"), source, operation)
            else:
                key = OPERATIONS[operation]
                items += _items(data[key], (key,), source, operation)
    return Snapshot(folder, {operation: tuple(items) for operation, items in found.items()}, {})


def _items(values: list[Any], node: tuple[Key, ...], source: Source, operation: str) -> list[Item]:
    id_key = ITEM_IDS[operation]
    found = []
    for index, value in enumerate(values):
        if type(value) is dict:
            name = value.get(id_key)
            found.append(Item(value, node + (index,), source, name if type(name) is str else ""))
    return found
