"""Check discovery: every rule folder holds its check, `check.py`, found by walking the rules folder.

Discovery reads a check without running it (its `KIND`, `REQUIRES` and `check` are read from its syntax
tree), so the site build and `verify` can tell a rule without a check, a check without a rule, or a check
whose kind differs from its rule's without executing code from a pull request. The code is imported only
when a scan runs it, by file location (rule ids contain dashes: they are not module names).
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Literal, Mapping

from rulebase.model import Location, Problem

CHECK_FILE = "check.py"
KINDS = ("iac", "posture")
Kind = Literal["iac", "posture"]

_loaded: dict[str, tuple[Callable[[Any], Iterable[Any]], tuple[str, ...]]] = {}


class CheckError(Exception):
    """A check could not be imported; `problem` names its file and line."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.format())
        self.problem = problem


@dataclass(frozen=True)
class Check:
    """A rule's check: its file, the kind of model it reads and (posture) the operations it needs."""

    rule_id: str
    kind: Kind
    path: str
    declared: tuple[str, ...] | None = ()  # the operations REQUIRES names; None: not read yet (see `requires`)

    @property
    def requires(self) -> tuple[str, ...]:
        """Return the operations the check needs (posture checks), as its REQUIRES declares."""
        if self.declared is not None:
            return self.declared
        return _loaded_module(self)[1]

    def load(self) -> Callable[[Any], Iterable[Any]]:
        """Return the check function, importing its file once per process; raise CheckError if it fails."""
        return _loaded_module(self)[0]

    def run(self, model: Any) -> Iterable[Any]:
        """Return the violations of the model (a Template for iac, a Snapshot for posture)."""
        return self.load()(model)


def discover_checks(folders: Mapping[Path, Path], rules: Mapping[Path, tuple[str, str, str]],
                    unreadable: Iterable[Path] = (), *, read: bool = True) -> tuple[dict[str, Check], list[Problem]]:
    """Return the checks by rule id, and the problems: a rule without a check, a check without a rule, a kind
    that differs from the rule's, a check file that does not declare KIND or define `check`.

    `folders` maps each folder holding a check.py to that file; `rules` maps each rule folder to its
    (rule id, kind, en.md path as shown); `unreadable` are rule folders whose en.md has its own problems.
    With `read=False` the declarations are not read ahead: `Check.load` checks them when the check is imported.
    """
    from rulebase.snapshot import OPERATIONS

    checks: dict[str, Check] = {}
    problems: list[Problem] = []
    for folder, (rule_id, kind, en) in sorted(rules.items()):
        path = folders.get(folder)
        if path is None:
            problems.append(Problem(Location(en), f"rule {rule_id} has no check: add {_shown(folder / CHECK_FILE)}"))
            continue
        shown = _shown(path)
        if not read:
            checks[rule_id] = Check(rule_id, "iac" if kind == "iac" else "posture", str(path), None)
            continue
        declared, found = _declarations(path, shown)
        problems += found
        if found:
            continue
        declared_kind = declared["KIND"]
        if declared_kind != kind:
            problems.append(Problem(Location(shown, declared["KIND@line"]),
                                    f"check reads {declared_kind} input but rule {rule_id} is {kind}"))
            continue
        requires = declared.get("REQUIRES", ())
        unknown = [op for op in requires if op not in OPERATIONS]
        if unknown:
            problems.append(Problem(Location(shown, declared["REQUIRES@line"]),
                                    f"REQUIRES names unknown operation {', '.join(map(repr, unknown))} "
                                    f"(known: {', '.join(OPERATIONS)})"))
            continue
        checks[rule_id] = Check(rule_id, declared_kind, str(path), tuple(requires))
    skip = set(unreadable)
    for folder, path in sorted(folders.items()):
        if folder not in rules and folder not in skip:
            problems.append(Problem(Location(_shown(path)), f"check without a rule: {_shown(folder)} has no en.md"))
    return checks, problems


def _declarations(path: Path, shown: str) -> tuple[dict[str, Any], list[Problem]]:
    """Return KIND, REQUIRES (and their lines) as the file declares them, without running it."""
    import ast  # only when validating: a scan imports the checks instead
    try:
        source = path.read_bytes()
        if len(source) > 256 * 1024:
            return {}, [Problem(Location(shown), "check file larger than 256 KiB")]
        tree = ast.parse(source, filename=shown)
    except SyntaxError as error:
        return {}, [Problem(Location(shown, error.lineno or 0), f"check is not valid Python: {error.msg}")]
    except (OSError, ValueError, RecursionError, MemoryError) as error:
        return {}, [Problem(Location(shown), f"cannot read check: {error}")]
    declared: dict[str, Any] = {}
    has_check = False
    for statement in tree.body:
        if isinstance(statement, ast.FunctionDef) and statement.name == "check":
            has_check = True
        elif isinstance(statement, (ast.Assign, ast.AnnAssign)):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            for target in targets:
                if isinstance(target, ast.Name) and target.id in ("KIND", "REQUIRES") and statement.value is not None:
                    try:
                        declared[target.id] = ast.literal_eval(statement.value)
                    except ValueError:
                        declared[target.id] = None
                    declared[target.id + "@line"] = statement.lineno
    problems = []
    if declared.get("KIND") not in KINDS:
        problems.append(Problem(Location(shown, declared.get("KIND@line", 0)),
                                f"check must declare KIND = {' or '.join(map(repr, KINDS))}"))
    requires = declared.get("REQUIRES", ())
    if not isinstance(requires, (tuple, list)) or not all(isinstance(op, str) for op in requires):
        problems.append(Problem(Location(shown, declared.get("REQUIRES@line", 0)),
                                "REQUIRES must be a tuple of operation names"))
    if not has_check:
        problems.append(Problem(Location(shown), "check must define a function `check(model)`"))
    return declared, problems


def _loaded_module(check: Check) -> tuple[Callable[[Any], Iterable[Any]], tuple[str, ...]]:
    found = _loaded.get(check.path)
    if found is None:
        found = _loaded[check.path] = _import(check)
    return found


def _import(check: Check) -> tuple[Callable[[Any], Iterable[Any]], tuple[str, ...]]:
    name = "rulebase._checks." + check.rule_id.replace("-", "_")
    spec = importlib.util.spec_from_file_location(name, check.path)
    if spec is None or spec.loader is None:
        raise CheckError(Problem(Location(check.path), "cannot import check"))
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as error:  # the check's own code failed: name it, never a traceback
        line = getattr(error, "lineno", 0) or 0
        raise CheckError(Problem(Location(_shown(Path(check.path)), line),
                                 f"cannot import check: {type(error).__name__}: {error}")) from None
    shown = _shown(Path(check.path))
    function = getattr(module, "check", None)
    if not callable(function):
        raise CheckError(Problem(Location(shown), "check must define a function `check(model)`"))
    kind, requires = getattr(module, "KIND", None), getattr(module, "REQUIRES", ())
    if kind != check.kind:
        raise CheckError(Problem(Location(shown), f"check reads {kind} input but rule {check.rule_id} is {check.kind}"))
    if not isinstance(requires, tuple) or not all(isinstance(op, str) for op in requires):
        raise CheckError(Problem(Location(shown), "REQUIRES must be a tuple of operation names"))
    return function, requires


def _shown(path: Path) -> str:
    from rulebase.catalog import display_path

    return display_path(path)
