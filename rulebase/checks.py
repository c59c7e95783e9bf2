"""What a rule's check yields. A check lives in its rule's folder, `rules/<id>/check.py`:

    KIND = "iac"                      # "iac": check(template: Template); "posture": check(snapshot: Snapshot)
    REQUIRES = ("describe-vpcs", "describe-flow-logs")   # posture only: the operations the check reads

    def check(template: Template) -> Iterator[Violation]:
        ...

A check is a pure function over the model of its kind (`rulebase.template`, `rulebase.snapshot`, with the
shared selections of `rulebase.network` and the value rules of `rulebase.values`): no I/O, no printing.
"""

from __future__ import annotations

from typing import NamedTuple

from rulebase.model import Location


class Violation(NamedTuple):
    """One place where a check's rule is broken; the scanner adds the rule's severity and title."""

    location: Location
    resource: str  # a template's logical id, or the item's id (GroupId, VpcId, InstanceId, ...)
    detail: str  # short and language-neutral, e.g. `IpProtocol -1` or `FromPort 0 / ToPort 65535`
