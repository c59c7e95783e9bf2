"""Instances that do not require IMDSv2 (HttpTokens other than required)."""

from __future__ import annotations

from typing import Iterator

from rulebase.checks import Violation
from rulebase.snapshot import Snapshot
from rulebase.values import MISSING, word

KIND = "posture"
REQUIRES = ("describe-instances",)


def check(snapshot: Snapshot) -> Iterator[Violation]:
    """Yield each instance not terminated whose HttpTokens is not `required`, unless HttpEndpoint is `disabled`."""
    for instance in snapshot.items("describe-instances"):
        state = instance.get("State")
        if type(state) is dict and word(state.get("Name")) == "terminated":
            continue
        options = instance.get("MetadataOptions")
        if options is MISSING:
            yield Violation(instance.location(), instance.id, "MetadataOptions ∅")
            continue
        if type(options) is not dict or word(options.get("HttpEndpoint")) == "disabled":
            continue
        tokens = word(MISSING if options.get("HttpTokens") is None else options["HttpTokens"])
        if tokens is MISSING:
            yield Violation(instance.location("MetadataOptions"), instance.id, "HttpTokens ∅")
        elif type(tokens) is str and tokens != "required":
            yield Violation(instance.location("MetadataOptions", "HttpTokens"), instance.id, f"HttpTokens {tokens}")
