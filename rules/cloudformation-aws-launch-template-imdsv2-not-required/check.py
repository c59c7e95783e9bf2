"""Launch templates and launch configurations that do not require IMDSv2 (HttpTokens other than required)."""

from __future__ import annotations

from typing import Any, Iterator

from rulebase.checks import Violation
from rulebase.model import Location
from rulebase.template import Branch, Resource, Template
from rulebase.values import MISSING, word

KIND = "iac"
# Where each type keeps its metadata options, below Properties.
PATHS = {"AWS::EC2::LaunchTemplate": ("LaunchTemplateData", "MetadataOptions"),
         "AWS::AutoScaling::LaunchConfiguration": ("MetadataOptions",)}


def check(template: Template) -> Iterator[Violation]:
    """Yield each resource whose HttpTokens is missing or not `required`, unless HttpEndpoint is `disabled`."""
    for resource in template.of_type(*PATHS):
        path = PATHS[resource.type]
        for properties in template.variants(resource.properties, resource.node + ("Properties",), keys=path[:1]):
            holder = resource.location("Properties") if resource.properties else resource.location()
            found = _problem(resource, properties, path + ("HttpTokens",), holder)
            if found is not None:
                yield Violation(found[0], resource.logical_id, found[1])
                break


def _problem(resource: Resource, mapping: Branch, path: tuple[str, ...],
             holder: Location) -> tuple[Location, str] | None:
    """Return where and why one resolved Properties mapping fails, or None (compliant or not resolvable)."""
    for key in path:
        value: Any = mapping.get(key)
        if value is MISSING:  # absent, or `AWS::NoValue` in this branch: a fix adds the key where it belongs
            return (mapping.location(key) if _written(resource, mapping, key) else holder), f"{key} ∅"
        if key == "HttpTokens":
            tokens = word(value)
            if type(tokens) is str and tokens != "required":
                return mapping.location(key), f"HttpTokens {tokens}"
            return None
        if type(value) is not Branch:
            return None  # a mapping the template alone cannot resolve
        if key == "MetadataOptions" and word(value.get("HttpEndpoint")) == "disabled":
            return None
        holder, mapping = mapping.location(key), value
    return None


def _written(resource: Resource, mapping: Branch, key: str) -> bool:
    """Return whether `key` is written in the template's mapping (its value may still resolve to nothing)."""
    node: Any = resource.properties
    try:
        for step in mapping.node[len(resource.node) + 1:]:
            node = node[step]
    except (KeyError, IndexError, TypeError):
        return False
    return type(node) is dict and key in node
