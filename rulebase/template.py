"""The template model: every resource of a CloudFormation template, and how its values resolve.

    template.of_type("AWS::EC2::Subnet")         # the resources of these types, in template order
    for branch in template.variants(resource.properties, resource.node + ("Properties",)):
        branch.get("MapPublicIpOnLaunch")        # a literal, a Reference, MISSING or UNKNOWN
        branch.location("MapPublicIpOnLaunch")   # where a fix would change it

A value resolves the way CloudFormation would, as far as a template alone tells: `Ref` to a parameter gives
its `Default`, `Ref` or `Fn::GetAtt` to a resource gives a `Reference`, `Ref: AWS::NoValue` removes the
key, and `Fn::If` gives each of its branches. Anything else (`Fn::Sub`, `Fn::ImportValue`, a parameter
without a default, pseudo parameters) is UNKNOWN, and an unknown value never establishes a violation.

The branches of `Fn::If` are chosen per condition: `variants` gives one `Branch` per combination of the
conditions a value uses (two `Fn::If` on the same condition agree). Past MAX_CONDITIONS, every `Fn::If` is
taken on its own, branch by branch, so that nesting or multiplying conditions never hides a value; past
MAX_VARIANTS, the template is refused with a `LimitExceeded` naming the line, never judged in part.
"""

from __future__ import annotations

import itertools
from typing import Any, Iterator, Mapping, NamedTuple, Protocol, Sequence

from rulebase.model import Location
from rulebase.messages import Message, message
from rulebase.values import MISSING, UNKNOWN, Unset

Key = str | int
Path = tuple[Key, ...]

MAX_CONDITIONS = 6  # combinations of conditions enumerated together (2**6); past it, each Fn::If on its own
MAX_VARIANTS = 1024  # alternatives of one value; past it the template is refused, not judged in part
MAX_DEPTH = 64  # intrinsic functions nested in one another


class Lines(Protocol):
    """A reader's line index: the 1-based line of a node (or of one of its keys), 0 if unknown."""

    def line(self, node: Sequence[Key], key: Key | None = None) -> int: ...


class Source(NamedTuple):
    """The document a model object comes from: its file and the reader's line index."""

    file: str
    lines: Lines

    def locate(self, node: Sequence[Key], key: Key | None = None) -> Location:
        """Return the location of a node's first line, or of its `key` line when the node has that key."""
        return Location(self.file, self.lines.line(node, key))


class LimitExceeded(Exception):
    """A value has more alternatives than the evaluator enumerates: the document cannot be judged."""

    def __init__(self, location: Location, msg: Message) -> None:
        self.msg = msg
        self.message = msg.text("en")
        super().__init__(self.message)
        self.location = location


class Reference(NamedTuple):
    """A `Ref` or `Fn::GetAtt` to a resource of the same template (attribute None for `Ref`)."""

    logical_id: str
    attribute: str | None = None


class Branch(NamedTuple):
    """A mapping of the template under one choice of `Fn::If` branches: its values resolved, and where it is.

    Nested mappings are Branches too; lists hold resolved items. A key whose value is `AWS::NoValue` is absent.
    """

    values: Mapping[str, Any]
    node: Path  # the path of the mapping in the document, through the Fn::If branches taken
    source: Source

    def get(self, key: str, default: Any = MISSING) -> Any:
        """Return the resolved value of `key`; MISSING if absent (or None, as `Key:` with no value is)."""
        value = self.values.get(key, default)
        return default if value is None else value

    def location(self, key: str | None = None) -> Location:
        """Return the location of the mapping's first line, or of its `key` line when it has that key."""
        return self.source.locate(self.node, key)


class Resource(NamedTuple):
    """One resource of a template as written: its properties still hold intrinsic functions."""

    logical_id: str
    type: str
    properties: Mapping[str, Any]
    node: Path  # ("Resources", logical id)
    source: Source

    def location(self, *path: Key) -> Location:
        """Return the line of the logical id, or of a node below the resource (its nearest existing ancestor)."""
        if not path:
            return self.source.locate(self.node[:-1], self.node[-1])
        return self.source.locate(self.node + path[:-1], path[-1])


_SCALARS = frozenset((str, int, float, bool, type(None)))


class Template(NamedTuple):
    """A CloudFormation template: its resources and what a value in it resolves to."""

    resources: tuple[Resource, ...]
    parameters: Mapping[str, Any]
    source: Source
    shared: dict[Any, Any]  # selections several checks read (see rulebase.network), made once per template

    def of_type(self, *types: str) -> Iterator[Resource]:
        """Yield the resources of these types, in template order."""
        return (resource for resource in self.resources if resource.type in types)

    def resource(self, reference: Any) -> Resource | None:
        """Return the resource a `Reference` points to, or None."""
        if type(reference) is not Reference:
            return None
        return self._by_id().get(reference.logical_id)

    def _by_id(self) -> dict[str, Resource]:
        by_id: dict[str, Resource] | None = self.shared.get("by_id")  # every Ref and GetAtt looks here
        if by_id is None:
            by_id = self.shared["by_id"] = {resource.logical_id: resource for resource in self.resources}
        return by_id

    def variants(self, mapping: Any, node: Path, keys: Sequence[str] | None = None) -> Iterator[Branch]:
        """Yield the mapping resolved under each combination of the conditions it uses (once if it uses none).

        With `keys`, only those keys are resolved (and conditions elsewhere in the mapping do not multiply it).
        """
        if keys is not None and type(mapping) is dict:
            mapping = {key: mapping[key] for key in keys if key in mapping}
        for value in self._variants(mapping, node):
            if type(value) is Branch:
                yield value

    def items(self, value: Any, node: Path) -> Iterator[tuple[Path, Any]]:
        """Yield the items of a list property with their paths, through `Fn::If` on the list or on its items.

        A single mapping where a list is expected is read as a list of one; `AWS::NoValue` items are dropped.
        """
        if type(value) is list and all(type(item) is dict and not _is_intrinsic(item) for item in value):
            return iter([(node + (index,), item) for index, item in enumerate(value)])  # the common case
        todo: list[tuple[Any, Path, int]] = [(value, node, 0)]
        found: list[tuple[Path, Any]] = []
        while todo:
            value, where, depth = todo.pop()
            if depth > MAX_DEPTH:
                raise LimitExceeded(self.source.locate(where), message("template.if_too_deep", depth=MAX_DEPTH))
            if type(value) is list:
                for index in range(len(value) - 1, -1, -1):
                    item = value[index]
                    if type(item) is dict and len(item) == 1 and ("Fn::If" in item or "Ref" in item):
                        todo.append((item, where + (index,), depth))
                    else:
                        found.append((where + (index,), item))
                continue
            arguments = _if_arguments(value)
            if arguments is not None:
                todo.append((arguments[2], where + ("Fn::If", 2), depth + 1))
                todo.append((arguments[1], where + ("Fn::If", 1), depth + 1))
            elif type(value) is dict and not (len(value) == 1 and "Ref" in value):
                found.append((where, value))  # a lone mapping, read as a list of one
            if len(found) > MAX_VARIANTS * 16:
                raise LimitExceeded(self.source.locate(node), message("template.too_many_items", items=MAX_VARIANTS * 16))
        return iter(found)

    def _variants(self, value: Any, node: Path) -> list[Any]:
        if type(value) is dict and not _is_intrinsic(value):
            flat = True  # literals, or one-level intrinsics other than Fn::If (`!GetAtt Lb.GroupId`): the common cases
            for item in value.values():
                if type(item) not in _SCALARS and not _is_plain_intrinsic(item):
                    flat = False
                    break
            if flat:
                resolved = {key: item if type(item) in _SCALARS else self._intrinsic(*next(iter(item.items())))
                            for key, item in value.items()}
                return [Branch({key: item for key, item in resolved.items() if item is not MISSING}, node, self.source)]
        conditions = _conditions(value, node, self.source)
        if len(conditions) <= MAX_CONDITIONS:
            results: list[Any] = []
            for choices in itertools.product((True, False), repeat=len(conditions)):
                resolved = self._resolve(value, node, dict(zip(conditions, choices)), 0)
                if resolved not in results:
                    results.append(resolved)
            return results
        return self._each_branch(value, node, 0)

    def _resolve(self, value: Any, node: Path, chosen: Mapping[str, bool], depth: int) -> Any:
        """Return the value under the chosen conditions: literals, Branches, lists, References, MISSING, UNKNOWN."""
        if type(value) in _SCALARS:
            return MISSING if value is None else value
        if depth > MAX_DEPTH:
            raise LimitExceeded(self.source.locate(node), message("template.functions_too_deep", depth=MAX_DEPTH))
        if type(value) is list:
            items = (self._resolve(item, node + (i,), chosen, depth + 1) for i, item in enumerate(value))
            return [item for item in items if item is not MISSING]
        if type(value) is not dict:
            return UNKNOWN
        if len(value) == 1:
            name = next(iter(value))
            if name == "Fn::If":
                arguments = _if_arguments(value)
                if arguments is None or arguments[0] not in chosen:
                    return UNKNOWN
                position = 1 if chosen[arguments[0]] else 2
                return self._resolve(arguments[position], node + ("Fn::If", position), chosen, depth + 1)
            if name == "Ref" or name.startswith("Fn::") or name == "Condition":
                return self._intrinsic(name, value[name])
        resolved = {}
        for key, item in value.items():
            item = self._resolve(item, node + (key,), chosen, depth + 1)
            if item is not MISSING:
                resolved[key] = item
        return Branch(resolved, node, self.source)

    def _each_branch(self, value: Any, node: Path, depth: int) -> list[Any]:
        """Return every alternative of the value with each `Fn::If` taken on its own (past MAX_CONDITIONS)."""
        if type(value) in _SCALARS:
            return [MISSING if value is None else value]
        if depth > MAX_DEPTH:
            raise LimitExceeded(self.source.locate(node), message("template.functions_too_deep", depth=MAX_DEPTH))
        if type(value) is dict and len(value) == 1:
            name = next(iter(value))
            arguments = _if_arguments(value) if name == "Fn::If" else None
            if arguments is not None:
                both = (self._each_branch(arguments[1], node + ("Fn::If", 1), depth + 1)
                        + self._each_branch(arguments[2], node + ("Fn::If", 2), depth + 1))
                return list(self._bounded(_unique(both), node))
            if name == "Ref" or name.startswith("Fn::") or name == "Condition":
                return [self._intrinsic(name, value[name])]
        if type(value) is list:
            options = [self._each_branch(item, node + (i,), depth + 1) for i, item in enumerate(value)]
            combined = [[item for item in combo if item is not MISSING] for combo in self._product(options, node)]
            return combined
        if type(value) is not dict:
            return [UNKNOWN]
        keys = list(value)
        options = [self._each_branch(value[key], node + (key,), depth + 1) for key in keys]
        return [Branch({key: item for key, item in zip(keys, combo) if item is not MISSING}, node, self.source)
                for combo in self._product(options, node)]

    def _product(self, options: list[list[Any]], node: Path) -> list[tuple[Any, ...]]:
        count = 1
        for option in options:
            count *= len(option)
            self._bounded(range(count), node)
        return list(itertools.product(*options))

    def _bounded(self, alternatives: Sequence[Any], node: Path) -> Sequence[Any]:
        if len(alternatives) > MAX_VARIANTS:
            raise LimitExceeded(self.source.locate(node),
                                message("template.too_many_combinations", combinations=MAX_VARIANTS))
        return alternatives

    def _intrinsic(self, name: str, argument: Any) -> Any:
        """Return what `Ref` or `Fn::GetAtt` stands for; UNKNOWN for the other functions."""
        if name == "Ref" and type(argument) is str:
            if argument == "AWS::NoValue":
                return MISSING
            parameter = self.parameters.get(argument)
            if type(parameter) is dict:
                default = parameter.get("Default")
                return default if type(default) in _SCALARS and default is not None else UNKNOWN
            if argument in self._by_id():
                return Reference(argument)
        elif name == "Fn::GetAtt" and type(argument) is list and len(argument) == 2:
            target, attribute = argument
            if type(target) is str and type(attribute) is str and target in self._by_id():
                return Reference(target, attribute)
        return UNKNOWN


def template_model(data: Mapping[str, Any], file: str, lines: Lines) -> Template:
    """Return the resources of a template's tree (resources that are not mappings are left out)."""
    source = Source(file, lines)
    parameters = data.get("Parameters")
    resources = data.get("Resources")
    found = []
    if type(resources) is dict:
        for name, resource in resources.items():
            if type(resource) is not dict:
                continue
            kind, properties = resource.get("Type"), resource.get("Properties")
            found.append(Resource(name if type(name) is str else str(name), kind if type(kind) is str else "",
                                  properties if type(properties) is dict else {}, ("Resources", name), source))
    return Template(tuple(found), parameters if type(parameters) is dict else {}, source, {})


def _is_intrinsic(value: dict[str, Any]) -> bool:
    return len(value) == 1 and ("Fn::If" in value or "Ref" in value)


def _is_plain_intrinsic(value: Any) -> bool:
    """Return whether the value is `Ref` or a function other than `Fn::If` (no branch to choose below it)."""
    if type(value) is not dict or len(value) != 1:
        return False
    name = next(iter(value))
    return name == "Ref" or (name.startswith("Fn::") and name != "Fn::If" and type(value[name]) in (str, list)
                             and not _has_if(value[name]))


def _has_if(value: Any) -> bool:
    return type(value) is list and any(type(item) is dict and "Fn::If" in item for item in value)


def _if_arguments(value: Any) -> list[Any] | None:
    """Return `[condition, then, else]` of a `Fn::If` mapping, or None if the value is not one."""
    if type(value) is not dict or len(value) != 1:
        return None
    arguments = value.get("Fn::If")
    if type(arguments) is not list or len(arguments) != 3 or type(arguments[0]) is not str:
        return None
    return arguments


def _conditions(value: Any, node: Path, source: Source) -> list[str]:
    """Return the names of the conditions `Fn::If` uses anywhere in the value, sorted."""
    found: set[str] = set()
    todo = [(value, 0)]
    while todo:
        value, depth = todo.pop()
        if depth > MAX_DEPTH:
            raise LimitExceeded(source.locate(node), message("template.values_too_deep", depth=MAX_DEPTH))
        if type(value) is dict:
            arguments = _if_arguments(value)
            if arguments is not None:
                found.add(arguments[0])
            todo += [(item, depth + 1) for item in value.values()]
        elif type(value) is list:
            todo += [(item, depth + 1) for item in value]
    return sorted(found)


def _unique(values: list[Any]) -> list[Any]:
    """Return the values without repeated literals (mappings and lists are kept: they are not hashable)."""
    seen: set[Any] = set()
    unique: list[Any] = []
    for value in values:
        if type(value) in _SCALARS or type(value) in (Unset, Reference):
            key = (type(value), value)  # True == 1, but they are different values here
            if key in seen:
                continue
            seen.add(key)
        unique.append(value)
    return unique
