"""VPCs without an active flow log."""

from __future__ import annotations

from typing import Iterator

from rulebase.checks import Violation
from rulebase.snapshot import Snapshot
from rulebase.values import word

KIND = "posture"
REQUIRES = ("describe-vpcs", "describe-flow-logs")


def check(snapshot: Snapshot) -> Iterator[Violation]:
    """Yield each VPC that no flow log with FlowLogStatus ACTIVE has as its ResourceId."""
    logged = {flow_log.get("ResourceId") for flow_log in snapshot.items("describe-flow-logs")
              if word(flow_log.get("FlowLogStatus")) == "active"}
    for vpc in snapshot.items("describe-vpcs"):
        if vpc.id not in logged:
            yield Violation(vpc.location(), vpc.id, "FlowLogs ACTIVE: 0")
