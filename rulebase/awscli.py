"""Checking the AWS CLI commands written in Markdown against botocore's EC2 service model, offline."""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable, Iterator

from rulebase.model import CodeBlock, Location, Problem

SHELL_FENCES = ("bash", "sh", "shell", "console", "zsh")
# Options of the `aws` command itself, valid with every operation (value-taking ones first).
GLOBAL_OPTIONS = {"--region", "--profile", "--output", "--query", "--endpoint-url", "--color", "--cli-read-timeout",
                  "--cli-connect-timeout", "--ca-bundle", "--cli-binary-format", "--max-items", "--starting-token",
                  "--page-size", "--cli-input-json", "--cli-input-yaml"}
GLOBAL_FLAGS = {"--debug", "--no-paginate", "--no-verify-ssl", "--no-sign-request", "--no-cli-pager",
                "--cli-auto-prompt", "--no-cli-auto-prompt", "--generate-cli-skeleton"}
_COMMAND = re.compile(r"(?<![\w-])aws\s+ec2\s+")
_STOP = {"|", "||", "&&", ";", ")", "&", ">", ">>", "<", "2>", "`"}


@dataclass(frozen=True)
class Command:
    """One `aws ec2 ...` command found in a page, with the file line it starts on."""

    location: Location
    words: tuple[str, ...]


def find_commands(blocks: Iterable[CodeBlock]) -> list[Command]:
    """Return the `aws ec2` commands of the shell code blocks among `blocks`."""
    commands = []
    for block in blocks:
        if block.syntax not in SHELL_FENCES:
            continue
        for offset, line in _logical_lines(block.code):
            for match in _COMMAND.finditer(line):
                words = _words(line[match.end():])
                if words is None:
                    continue
                location = Location(block.location.path, block.location.line + offset)
                commands.append(Command(location, words))
    return commands


def _logical_lines(code: str) -> Iterator[tuple[int, str]]:
    """Yield (0-based start line, text) with backslash continuations joined and comments dropped."""
    pending: list[str] = []
    start = 0
    for n, raw in enumerate(code.splitlines()):
        if not pending:
            start = n
        stripped = raw.rstrip()
        if stripped.lstrip().startswith("#"):
            stripped = ""
        if stripped.endswith("\\"):
            pending.append(stripped[:-1])
            continue
        pending.append(stripped)
        yield start, " ".join(pending)
        pending = []
    if pending:
        yield start, " ".join(pending)


@lru_cache(maxsize=4096)
def _words(text: str) -> tuple[str, ...] | None:
    lexer = shlex.shlex(text, posix=True, punctuation_chars="|&;()<>")
    lexer.whitespace_split = True
    lexer.commenters = "#"
    words: list[str] = []
    try:
        for word in lexer:
            if word in _STOP or word.startswith(("|", "&", ";", ")", ">", "<")):
                break
            words.append(word)
    except ValueError:  # an unbalanced quote: the command continues in a way we cannot read
        return None
    return tuple(words)


@lru_cache(maxsize=1)
def _ec2() -> tuple[Any, dict[str, str]]:
    import botocore.session
    from botocore import xform_name

    model = botocore.session.get_session().get_service_model("ec2")
    operations = {xform_name(name).replace("_", "-"): name for name in model.operation_names}
    return model, operations


def check_command(command: Command) -> list[Problem]:
    """Return what is wrong with one command: an unknown operation or parameter, or JSON off the model's shape."""
    return [Problem(command.location, message) for message in _check_words(command.words)]


@lru_cache(maxsize=4096)
def _check_words(words: tuple[str, ...]) -> tuple[str, ...]:
    """Return the problems of one command's words; translations repeat the same commands, so this is cached."""
    from botocore import xform_name
    from botocore.validate import ParamValidator

    model, operations = _ec2()
    if not words:
        return ("`aws ec2` without an operation",)
    name, *rest = words
    if name not in operations:
        return (f"`aws ec2 {name}`: no such EC2 operation",)
    shape = model.operation_model(operations[name]).input_shape
    members = {xform_name(m).replace("_", "-"): m for m in (shape.members if shape else {})}
    problems: list[str] = []
    params: dict[str, Any] = {}
    opaque: set[str] = set()
    i = 0
    while i < len(rest):
        option = rest[i]
        i += 1
        if not option.startswith("--"):
            problems.append(f"`aws ec2 {name}`: unexpected argument {option!r}")
            continue
        option, _, inline = option.partition("=")
        values = [inline] if inline else []
        while not inline and i < len(rest) and not rest[i].startswith("--"):
            values.append(rest[i])
            i += 1
        if option in GLOBAL_OPTIONS or option in GLOBAL_FLAGS:
            continue
        key = option[2:]
        if key == "ingress" and "Egress" in members.values() and not values:
            params["Egress"] = False  # the AWS CLI's --ingress, the opposite of --egress (network ACL entries)
            continue
        member = members.get(key) or (members.get(key[3:]) if key.startswith("no-") else None)
        if member is None:
            problems.append(f"`aws ec2 {name}`: unknown parameter {option}")
            continue
        value = _value(shape.members[member], values)
        if value is _OPAQUE:
            opaque.add(member)
        else:
            params[member] = value
    if shape is not None and not problems:
        report = ParamValidator().validate(params, shape)
        if report.has_errors():
            for line in report.generate_report().splitlines():
                missing = re.search(r'Missing required parameter in input: "(\w+)"', line)
                if missing and missing[1] in opaque:
                    continue
                problems.append(f"`aws ec2 {name}`: {line.strip()}")
    return tuple(problems)


_OPAQUE = object()


def _value(shape: Any, values: list[str]) -> Any:
    """Return the parameter's value as the API would take it, or _OPAQUE when it is a variable or shorthand."""
    if shape.type_name == "boolean":
        return True
    if not values or any("$" in v for v in values):
        return _OPAQUE
    text = " ".join(values)
    if shape.type_name in ("list", "structure", "map") and text.lstrip()[:1] in "[{":
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            return _BadJSON(error.msg)
    if shape.type_name == "list" and shape.member.type_name == "string":
        return values
    if shape.type_name == "integer":
        try:
            return int(text)
        except ValueError:
            return text
    if shape.type_name in ("list", "structure", "map"):
        return _OPAQUE  # the CLI's shorthand syntax, e.g. Name=group-name,Values=default
    return text


class _BadJSON(str):
    """A JSON argument that does not parse; the validator reports it as a wrong type."""
