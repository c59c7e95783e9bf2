"""Loading the rule catalog: one folder per rule, `en.md` for the metadata, one file per language."""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator, Mapping, cast

from rulebase.discovery import CHECK_FILE, Check, discover_checks
from rulebase.model import (
    LANGUAGES, SECTION_ORDER, SECTIONS, SEVERITIES, Kind, Location, Page, Problem, Rule, Section, Severity,
)
from rulebase.vocabulary import VOCABULARY_FILE, Vocabulary, read_vocabulary

TRANSLATED_FIELDS = ("title", "summary", "source_digest")
_LANGUAGE_FILE = re.compile(r"^[a-z]{2}([-_][A-Za-z]{2,4})?$")


class CatalogError(Exception):
    """The rule files break the format; `problems` says where, one per file and line."""

    def __init__(self, problems: tuple[Problem, ...]) -> None:
        self.problems = problems
        super().__init__("\n".join(p.format() for p in problems))


class Catalog:
    """The rules, by id; earlier ids (`legacy_ids`) find the same rule. Iterating yields rules sorted by id."""

    def __init__(self, rules: list[Rule], root: Path, problems: tuple[Problem, ...] = (),
                 checks: Mapping[str, Check] | None = None, vocabulary: Vocabulary | None = None) -> None:
        self._rules = {rule.id: rule for rule in sorted(rules, key=lambda r: r.id)}
        self._legacy = {legacy: rule for rule in rules for legacy in rule.legacy_ids}
        self.root = root
        self.problems = problems
        self.checks: Mapping[str, Check] = checks or {}  # by rule id, found in the rule folders
        self.vocabulary = vocabulary or Vocabulary({}, {})  # framework and category names per language

    def __len__(self) -> int:
        return len(self._rules)

    def __iter__(self) -> Iterator[Rule]:
        return iter(self._rules.values())

    def __contains__(self, rule_id: object) -> bool:
        return rule_id in self._rules or rule_id in self._legacy

    def __getitem__(self, rule_id: str) -> Rule:
        rule = self._rules.get(rule_id) or self._legacy.get(rule_id)
        if rule is None:
            raise KeyError(rule_id)
        return rule

    def get(self, rule_id: str) -> Rule | None:
        """Return the rule with this id or earlier id, or None."""
        return self._rules.get(rule_id) or self._legacy.get(rule_id)

    @property
    def ids(self) -> tuple[str, ...]:
        """Return the rule ids, sorted."""
        return tuple(self._rules)

    def select(self, *, severity: str | None = None, kind: str | None = None, framework: str | None = None,
               control: str | None = None) -> list[Rule]:
        """Return the rules that match every criterion given, sorted by id.

        `severity` is a minimum: "high" selects high and critical rules (as `rulebase scan --fail-on`). `kind`
        ("iac" or "posture") and `framework` (a vocabulary key, e.g. "cis-aws-foundations-v3.0.0") match exactly.
        `control` is a control id of `framework`, or of any framework when `framework` is not given.
        """
        if severity is not None and severity not in SEVERITIES:
            raise ValueError(f"unknown severity {severity!r}: one of {', '.join(SEVERITIES)}")
        lowest = SEVERITIES.index(severity) if severity is not None else 0
        selected = []
        for rule in self:
            if severity is not None and (rule.severity not in SEVERITIES or SEVERITIES.index(rule.severity) < lowest):
                continue
            if kind is not None and rule.kind != kind:
                continue
            if framework is not None and framework not in rule.frameworks:
                continue
            if control is not None:
                controls = rule.frameworks.get(framework, ()) if framework is not None else [
                    c for ids in rule.frameworks.values() for c in ids]
                if control not in controls:
                    continue
            selected.append(rule)
        return selected

    def __repr__(self) -> str:
        return f"<Catalog {len(self)} rules from {self.root}>"


def shipped_rules_dir() -> Path:
    """Return the folder of the catalog that ships with the package (the repository's `rules/` when editable)."""
    here = Path(__file__).resolve().parent
    packaged = here / "_rules"
    return packaged if packaged.is_dir() else here.parent / "rules"


def load_catalog(
    path: str | os.PathLike[str] | None = None,
    *,
    validate: bool = True,
    strict: bool = False,
    check_translations: bool = True,
    jobs: int = 1,
) -> Catalog:
    """Return the catalog in `path` (default: the shipped one); raise CatalogError if a rule file is broken.

    `validate=False` reads only the front-matter (fast, for the scanner); page bodies are parsed on first use.
    `strict=True` makes warnings (stale translations) errors too. `jobs` > 1 reads the rule folders in that many
    processes (see `read_catalog`).
    """
    catalog = read_catalog(path, validate=validate, check_translations=check_translations, jobs=jobs)
    failing = tuple(p for p in catalog.problems if p.level == "error" or strict)
    if failing:
        raise CatalogError(failing)
    return catalog


def read_catalog(
    path: str | os.PathLike[str] | None = None, *, validate: bool = True, check_translations: bool = True,
    jobs: int = 1,
) -> Catalog:
    """Return the catalog with every problem found in it as `catalog.problems`, never raising for bad files.

    `jobs` > 1 reads (and, when validating, parses) the rule folders in that many forked processes: the Markdown
    parse of a large catalog's pages is most of its load time. The result is the same catalog, bodies parsed.
    """
    root = Path(path) if path is not None else shipped_rules_dir()
    if not root.is_dir():
        return Catalog([], root, (Problem(Location(display_path(root)), "no such rules folder"),))
    problems: list[Problem] = []
    rules: list[Rule] = []
    folders, check_files = _rule_folders(root)
    rule_folders: dict[Path, tuple[str, str, str]] = {}
    read = _read_rules(list(folders.items()), validate=validate, check_translations=check_translations, jobs=jobs)
    for (folder, _), (rule, rule_problems) in zip(folders.items(), read):
        problems.extend(rule_problems)
        if rule is not None:
            rules.append(rule)
            rule_folders[folder] = (rule.id, rule.kind, rule.pages["en"].path)
    vocabulary = None
    if validate:  # the scanner needs neither the vocabulary nor the checks' declarations read ahead
        vocabulary, vocabulary_problems = read_vocabulary(root, display_path(root / VOCABULARY_FILE))
        problems.extend(vocabulary_problems)
        problems.extend(_catalog_problems(rules))
        problems.extend(_vocabulary_problems(rules, vocabulary))
        rules = _unique(rules)
    checks, check_problems = discover_checks(check_files, rule_folders, folders, read=validate)
    problems.extend(check_problems)
    return Catalog(rules, root, tuple(sorted(problems)), checks, vocabulary)


def source_digest(title: str, summary: str, body: str) -> str:
    """Return the digest of the English text a translation is made from (title, summary and body)."""
    lines = [line.rstrip() for line in body.replace("\r\n", "\n").split("\n")]
    text = "\n".join([title.strip(), summary.strip(), *lines]).strip()
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


# --- reading one rule -------------------------------------------------------------------------

@dataclass(frozen=True)
class RawPage:
    """A rule file split into front-matter and body, with the lines needed to locate problems."""

    path: str
    metadata: dict[str, Any]
    key_lines: dict[str, int]
    front_matter_line: int
    body: str
    body_line: int


# Front-matter is metadata, a few hundred bytes: these bounds stop alias bombs and deep nesting (which crashes
# libyaml's composer) before anything is built.
MAX_FRONT_MATTER_BYTES = 65_536
MAX_FRONT_MATTER_NODES = 10_000  # values once aliases are expanded
MAX_FRONT_MATTER_DEPTH = 20


PARALLEL_MIN_FOLDERS = 64  # below this, starting the processes costs more than it saves


def _read_rules(
    folders: list[tuple[Path, dict[str, Path]]], *, validate: bool, check_translations: bool, jobs: int = 1
) -> list[tuple[Rule | None, list[Problem]]]:
    """Read every rule folder, in `jobs` forked processes when there are enough folders and fork is available."""
    import multiprocessing

    if jobs <= 1 or len(folders) < PARALLEL_MIN_FOLDERS or not validate \
            or "fork" not in multiprocessing.get_all_start_methods():
        return [_read_rule(folder, files, validate=validate, check_translations=check_translations)
                for folder, files in folders]
    from concurrent.futures import ProcessPoolExecutor

    # Small chunks, in order: the parent unpickles the rules already read while the workers parse the next ones.
    size = max(1, len(folders) // (jobs * 8))
    chunks = [folders[i:i + size] for i in range(0, len(folders), size)]
    with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork")) as pool:
        return [read for part in pool.map(_read_chunk, chunks, [check_translations] * len(chunks)) for read in part]


def _read_chunk(
    folders: list[tuple[Path, dict[str, Path]]], check_translations: bool
) -> list[tuple[Rule | None, list[Problem]]]:
    """Read and validate some rule folders (in a worker process): each rule comes back with its bodies parsed."""
    return [_read_rule(folder, files, validate=True, check_translations=check_translations) for folder, files in folders]


def _rule_folders(root: Path) -> tuple[dict[Path, dict[str, Path]], dict[Path, Path]]:
    """Return the rule folders (those holding a language file) with their files, and the check files by folder."""
    folders: dict[Path, dict[str, Path]] = {}
    checks: dict[Path, Path] = {}
    for path in root.rglob("*"):
        if path.suffix == ".md" and (path.stem in LANGUAGES or _LANGUAGE_FILE.match(path.stem)):
            folders.setdefault(path.parent, {})[path.stem] = path
        elif path.name == CHECK_FILE:
            checks[path.parent] = path
    return {folder: folders[folder] for folder in sorted(folders)}, checks


def _read_rule(
    folder: Path, files: dict[str, Path], *, validate: bool, check_translations: bool
) -> tuple[Rule | None, list[Problem]]:
    problems: list[Problem] = []
    for stem, md in sorted(files.items()):
        if stem not in LANGUAGES:
            problems.append(Problem(Location(display_path(md)), f"unknown language {stem!r}: rule files are {', '.join(l + '.md' for l in LANGUAGES)}"))
    if "en" not in files:
        any_file = next(iter(sorted(files.values())))
        problems.append(Problem(Location(display_path(any_file)), f"rule folder {folder.name} has no en.md (the source of truth)"))
        return None, problems
    raw = {}
    for lang in LANGUAGES:
        if lang in files:
            page, page_problems = read_page(files[lang], validate=validate)
            problems.extend(page_problems)
            if page is not None:
                raw[lang] = page
    en = raw.get("en")
    if en is None:
        return None, problems
    if validate:
        problems.extend(_validate_front_matter(en, "rule.schema.json"))
        for lang, page in raw.items():
            if lang != "en":
                problems.extend(_validate_front_matter(page, "translation.schema.json"))
        if en.metadata.get("id") != folder.name and isinstance(en.metadata.get("id"), str):
            problems.append(Problem(Location(en.path, en.key_lines.get("id", en.front_matter_line)),
                                    f"id {en.metadata['id']!r} differs from its folder name {folder.name!r}"))
    if any(p.level == "error" and p.location.path == en.path for p in problems):
        return None, problems
    rule = _make_rule(folder, raw)
    if validate:
        problems.extend(_page_problems(rule, raw, check_translations=check_translations))
    return rule, problems


def read_page(path: Path, *, validate: bool = True) -> tuple[RawPage | None, list[Problem]]:
    """Return a rule file split into front-matter and body, or the problems that stop it being read."""
    import frontmatter
    import yaml

    shown = display_path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return None, [Problem(Location(shown), f"not UTF-8 text (byte {error.start})")]
    except OSError as error:
        return None, [Problem(Location(shown), f"cannot read: {error.strerror}")]
    text = text.replace("\r\n", "\n")
    handler = frontmatter.default_handlers.YAMLHandler()
    boundaries = list(handler.FM_BOUNDARY.finditer(text, 0)) if handler.detect(text) else []
    if len(boundaries) < 2 or boundaries[0].start() != 0:
        return None, [Problem(Location(shown, 1), "no YAML front-matter: the file must start with a '---' block")]
    opening, closing = boundaries[0], boundaries[1]
    fm_start = text.find("\n", opening.start()) + 1
    body_start = text.find("\n", closing.start()) + 1 or len(text)
    fm_line = text.count("\n", 0, fm_start) + 1
    fm_text = text[fm_start:closing.start()]
    size = len(fm_text.encode("utf-8"))
    if size > MAX_FRONT_MATTER_BYTES:
        return None, [Problem(Location(shown, fm_line),
                              f"front-matter is {size:,} bytes, over the limit of {MAX_FRONT_MATTER_BYTES:,}")]
    try:
        bound = _front_matter_bound(fm_text)
        if bound is not None:
            return None, [Problem(Location(shown, fm_line + bound[0]), bound[1])]
        metadata = handler.load(fm_text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = fm_line + mark.line if mark is not None else fm_line
        reason = getattr(error, "problem", None) or "invalid YAML"
        return None, [Problem(Location(shown, line), f"front-matter is not valid YAML: {reason}")]
    if metadata is None:
        metadata = {}
    if not isinstance(metadata, dict):
        return None, [Problem(Location(shown, fm_line), "front-matter must be a mapping of fields")]
    problems: list[Problem] = []
    key_lines: dict[str, int] = {}
    if validate:
        node = yaml.compose(fm_text, Loader=yaml.CSafeLoader)
        seen: dict[str, int] = {}
        for key_node, _ in getattr(node, "value", []):
            line = fm_line + key_node.start_mark.line
            key = str(key_node.value)
            if key in seen:
                problems.append(Problem(Location(shown, line), f"duplicate field {key!r} (first on line {seen[key]})"))
            seen.setdefault(key, line)
        key_lines = seen
    body = text[body_start:]
    page = RawPage(shown, metadata, key_lines, fm_line, body, text.count("\n", 0, body_start) + 1)
    return page, problems


def _front_matter_bound(fm_text: str) -> tuple[int, str] | None:
    """Return the 0-based line and message of the first value past the front-matter bounds, or None.

    One pass over libyaml's events, no tree: a node count that includes what each alias stands for.
    """
    import yaml
    from yaml.events import AliasEvent, CollectionEndEvent, CollectionStartEvent, NodeEvent

    sizes: dict[str, int] = {}
    open_nodes: list[tuple[str | None, int]] = []  # anchor and node count at start of each open collection
    nodes = 0
    for event in yaml.parse(fm_text, Loader=yaml.CSafeLoader):
        if isinstance(event, AliasEvent):
            nodes += sizes.get(event.anchor, 1)
        elif isinstance(event, CollectionStartEvent):
            if len(open_nodes) >= MAX_FRONT_MATTER_DEPTH:
                return event.start_mark.line, f"front-matter nests deeper than {MAX_FRONT_MATTER_DEPTH} levels"
            open_nodes.append((event.anchor, nodes))
            nodes += 1
        elif isinstance(event, CollectionEndEvent):
            anchor, start = open_nodes.pop()
            if anchor is not None:
                sizes[anchor] = nodes - start
        elif isinstance(event, NodeEvent):  # a scalar
            nodes += 1
            if event.anchor is not None:
                sizes[event.anchor] = 1
        if nodes > MAX_FRONT_MATTER_NODES:
            return event.start_mark.line, f"front-matter expands to more than {MAX_FRONT_MATTER_NODES:,} values (an alias bomb?)"
    return None


def _make_rule(folder: Path, raw: dict[str, RawPage]) -> Rule:
    meta = raw["en"].metadata
    rule_id = str(meta.get("id", folder.name))
    title = str(meta.get("title", ""))
    summary = str(meta.get("summary", "") or "")
    pages = {}
    for lang, page in raw.items():
        m = page.metadata
        pages[lang] = Page(
            rule_id=rule_id,
            language=lang,
            path=page.path,
            title=str(m.get("title") or title),
            summary=str(m.get("summary", "") or ""),
            source_digest=str(m.get("source_digest", "") or ""),
            body=page.body,
            body_line=page.body_line,
        )
    frameworks = meta.get("frameworks") or {}
    return Rule(
        id=rule_id,
        kind=cast(Kind, str(meta.get("kind", ""))),  # the schema holds it to iac or posture
        platform=str(meta.get("platform", "")),
        provider=str(meta.get("provider", "")),
        service=str(meta.get("service", "")),
        resource_types=tuple(str(t) for t in meta.get("resource_types") or ()),
        severity=cast(Severity, str(meta.get("severity", ""))),  # and this to one of SEVERITIES
        category=str(meta.get("category", "")),
        cwe=meta.get("cwe"),
        frameworks={str(k): tuple(str(i) for i in v) for k, v in frameworks.items()},
        legacy_ids=tuple(str(i) for i in meta.get("legacy_ids") or ()),
        aliases=tuple(str(a) for a in meta.get("aliases") or ()),
        references=tuple(str(r) for r in meta.get("references") or ()),
        path=display_path(folder),
        pages=pages,
        digest=source_digest(title, summary, raw["en"].body),
        field_lines=dict(raw["en"].key_lines),
    )


# --- validation ---------------------------------------------------------------------------------

@lru_cache(maxsize=None)
def load_schema(name: str) -> dict[str, Any]:
    """Return one of the JSON Schemas shipped in `rulebase/schema/`."""
    schema: dict[str, Any] = json.loads((Path(__file__).parent / "schema" / name).read_text(encoding="utf-8"))
    return schema


SCHEMAS = ("rule", "translation", "catalog")  # rulebase/schema/<name>.schema.json


def schema(name: str) -> dict[str, Any]:
    """Return a copy of a JSON Schema shipped with the package: "rule" (en.md's front-matter), "translation"
    (fr.md's, ja.md's) or "catalog" (what `rulebase export --format json` prints)."""
    import copy

    if name not in SCHEMAS:
        raise ValueError(f"unknown schema {name!r}: one of {', '.join(SCHEMAS)}")
    return copy.deepcopy(load_schema(f"{name}.schema.json"))


@lru_cache(maxsize=None)
def _validator(name: str) -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(load_schema(name), format_checker=Draft202012Validator.FORMAT_CHECKER)


def _validate_front_matter(page: RawPage, schema: str) -> list[Problem]:
    problems = []
    metadata = _jsonable(page.metadata)
    for error in _validator(schema).iter_errors(metadata):
        key = str(error.path[0]) if error.path else None
        line = page.key_lines.get(key, page.front_matter_line) if key else page.front_matter_line
        problems.append(Problem(Location(page.path, line), _schema_message(error, key, page.path)))
    return problems


def _schema_message(error: Any, key: str | None, path: str) -> str:
    field = ".".join(str(p) for p in error.path)
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return f"missing required field {missing!r}"
    if error.validator == "additionalProperties" and not error.path:
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        if path.endswith("en.md"):
            return f"unknown field {', '.join(map(repr, extra))}"
        return f"field {', '.join(map(repr, extra))} not allowed in a translation (only {', '.join(TRANSLATED_FIELDS)})"
    if error.validator == "enum":
        allowed = ", ".join(str(v) for v in error.validator_value)
        return f"{field}: {error.instance!r} is not one of {allowed}"
    if error.validator == "maxLength":
        return f"{field}: {len(error.instance)} characters, over the limit of {error.validator_value}"
    if error.validator == "pattern" and "description" in error.schema:
        return f"{field}: {error.instance!r} is not allowed: {error.schema['description']}"
    return f"{field or 'front-matter'}: {error.message}"


def _jsonable(value: Any) -> Any:
    """YAML 1.1 gives dates and other non-JSON values; the schema sees them as strings."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def _page_problems(rule: Rule, raw: dict[str, RawPage], *, check_translations: bool) -> list[Problem]:
    problems: list[Problem] = []
    en = rule.pages["en"]
    for page in rule.pages.values():
        problems.extend(page.problems)
        anchors = [s.anchor for s in page.sections]
        if page.language == "en":
            problems.extend(_section_problems(page.path, page.body_line, anchors, page.sections))
        elif check_translations:
            expected = [s.anchor for s in en.sections]
            if anchors != expected:
                problems.append(_anchor_mismatch(page, expected))
        for kind in ("compliant", "non-compliant"):
            count = sum(1 for e in page.examples if e.kind == kind)
            if count == 0:
                section = page.section(kind)
                problems.append(Problem(Location(page.path, section.line if section else page.body_line),
                                        f"no {kind} example (a ```yaml or ```json block under {{#{kind}}})"))
            if page.language != "en" and check_translations:
                en_count = sum(1 for e in en.examples if e.kind == kind)
                if count != en_count:
                    section = page.section(kind)
                    problems.append(Problem(Location(page.path, section.line if section else page.body_line),
                                            f"{count} {kind} examples where en.md has {en_count}"))
        if page.language != "en" and check_translations and page.source_digest != rule.digest:
            reason = "never stamped" if not page.source_digest else "en.md changed since"
            key_line = raw[page.language].key_lines.get("source_digest", raw[page.language].front_matter_line)
            problems.append(Problem(Location(page.path, key_line),
                                    f"stale translation ({reason}): update it, then run "
                                    f"`rulebase translations --stamp {rule.id}/{page.language}`", "warning"))
    return problems


def _anchor_mismatch(page: Page, expected: list[str]) -> Problem:
    for section, anchor in zip(page.sections, expected):
        if section.anchor != anchor:
            return Problem(Location(page.path, section.line),
                           f"section {{#{section.anchor}}} where en.md has {{#{anchor}}}")
    if len(page.sections) < len(expected):
        missing = ", ".join("{#" + a + "}" for a in expected[len(page.sections):])
        return Problem(Location(page.path, page.body_line), f"missing section {missing} that en.md has")
    extra = page.sections[len(expected)]
    return Problem(Location(page.path, extra.line), f"section {{#{extra.anchor}}} that en.md does not have")


def _section_problems(path: str, body_line: int, anchors: list[str], sections: tuple[Section, ...]) -> list[Problem]:
    problems = []
    for section in sections:
        if section.anchor not in SECTION_ORDER:
            problems.append(Problem(Location(path, section.line),
                                    f"unknown section anchor {{#{section.anchor}}} (expected: {', '.join(SECTION_ORDER)})"))
    missing = [a for a in SECTIONS if a not in anchors]
    if missing:
        problems.append(Problem(Location(path, body_line), f"missing section {', '.join('{#' + a + '}' for a in missing)}"))
    known = [a for a in anchors if a in SECTION_ORDER]
    if not missing and known != [a for a in SECTION_ORDER if a in known]:
        problems.append(Problem(Location(path, body_line), f"sections out of order: expected {', '.join(SECTION_ORDER)}"))
    return problems


def _vocabulary_problems(rules: list[Rule], vocabulary: Vocabulary) -> list[Problem]:
    """Return a problem for each framework key or category a rule names that the vocabulary does not have."""
    problems = []
    for rule in rules:
        en = rule.pages["en"].path
        unknown = [key for key in rule.frameworks if key not in vocabulary.frameworks]
        if unknown:
            problems.append(Problem(Location(en, rule.field_lines.get("frameworks", 0)),
                                    f"unknown framework {', '.join(map(repr, unknown))}: add it to "
                                    f"{vocabulary.path or 'vocabulary.yaml'} (known: {', '.join(vocabulary.frameworks)})"))
        if rule.category not in vocabulary.categories:
            problems.append(Problem(Location(en, rule.field_lines.get("category", 0)),
                                    f"unknown category {rule.category!r} (known: {', '.join(vocabulary.categories)})"))
    return problems


def _catalog_problems(rules: list[Rule]) -> list[Problem]:
    problems = []
    owners: dict[str, Rule] = {}
    for rule in rules:
        en = rule.pages["en"].path
        for name in (rule.id, *rule.legacy_ids):
            other = owners.get(name)
            if other is not None and other is not rule:
                what, field = ("id", "id") if name == rule.id else ("legacy id", "legacy_ids")
                problems.append(Problem(Location(en, rule.field_lines.get(field, 0)),
                                        f"duplicate {what} {name!r}: also used by {other.pages['en'].path}"))
            owners.setdefault(name, rule)
    aliases: dict[str, Rule] = {}
    for rule in rules:
        for alias in rule.aliases:
            other = aliases.get(alias)
            if other is not None and other is not rule:
                en = rule.pages["en"].path
                problems.append(Problem(Location(en, rule.field_lines.get("aliases", 0)),
                                        f"duplicate alias {alias!r}: also used by {other.pages['en'].path}"))
            aliases.setdefault(alias, rule)
    return problems


def _unique(rules: list[Rule]) -> list[Rule]:
    seen: set[str] = set()
    unique = []
    for rule in rules:
        if rule.id not in seen:
            seen.add(rule.id)
            unique.append(rule)
    return unique


def display_path(path: Path) -> str:
    """Return `path` relative to the working directory when it is below it, as users type it."""
    try:
        relative = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(path) if relative.startswith("..") else relative
