"""What a check is and what it yields."""

from __future__ import annotations

from typing import Any, Callable, Iterable, Literal, NamedTuple

from rulebase.model import Location


class Violation(NamedTuple):
    """One place where a check's rule is broken; the scanner adds the rule's severity and title."""

    location: Location
    resource: str  # a template's logical id, or a GroupId
    detail: str  # short and language-neutral, e.g. `IpProtocol -1` or `FromPort 0 / ToPort 65535`


class Check(NamedTuple):
    """A rule's check: a pure function over the model its kind reads (`Template` for iac, `Account` for posture)."""

    rule_id: str
    kind: Literal["iac", "posture"]
    run: Callable[[Any], Iterable[Violation]]
