"""VPCs that no flow log of the template records."""

from __future__ import annotations

from typing import Iterator

from rulebase.checks import Violation
from rulebase.template import Reference, Template

KIND = "iac"


def check(template: Template) -> Iterator[Violation]:
    """Yield each AWS::EC2::VPC that no AWS::EC2::FlowLog names as its ResourceId, in any Fn::If branch."""
    covered: set[str] = set()
    for flow_log in template.of_type("AWS::EC2::FlowLog"):
        for branch in template.variants(flow_log.properties, flow_log.node + ("Properties",), keys=["ResourceId"]):
            target = branch.get("ResourceId")
            if type(target) is Reference and target.attribute in (None, "VpcId"):
                covered.add(target.logical_id)
    for vpc in template.of_type("AWS::EC2::VPC"):
        if vpc.logical_id not in covered:
            yield Violation(vpc.location(), vpc.logical_id, "AWS::EC2::FlowLog: 0")
