"""The `rulebase` command: scan, verify, and the catalog tools."""

from __future__ import annotations

import argparse
import os
import sys
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, Sequence, TextIO

from rulebase.model import LANGUAGES, SEVERITIES

if TYPE_CHECKING:
    from rulebase.catalog import Catalog

Command = Callable[[argparse.Namespace], int]


def _catalog(args: argparse.Namespace) -> Catalog:
    """Return the catalog named by --rules (or the shipped one); CatalogError propagates to main."""
    from rulebase.catalog import load_catalog

    return load_catalog(getattr(args, "rules_dir", None))


# --- scan ---------------------------------------------------------------------------------

def cmd_scan(args: argparse.Namespace) -> int:
    from rulebase.catalog import load_catalog
    from rulebase.report import write_report
    from rulebase.scanner import scan

    catalog = load_catalog(args.rules_dir, validate=False)
    unknown = [rule_id for rule_id in args.rule if rule_id not in catalog]
    if unknown:
        raise UsageError(_translate("usage.unknown_rule", args.lang, ids=tuple(unknown)))
    rule_ids = [catalog[rule_id].id for rule_id in args.rule] or None
    result = scan(args.paths, rules=rule_ids, lang=args.lang, max_bytes=args.max_bytes, jobs=args.jobs,
                  catalog=catalog)
    color = args.output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    if args.output not in (None, "-") and os.path.exists(args.output):
        inputs = [path for path in (*args.paths, *result.scanned) if os.path.isfile(path)]
        if any(os.path.samefile(args.output, path) for path in inputs):
            raise UsageError(f"--output {args.output} is one of the inputs: the report would overwrite it")
    if args.base_dir is not None and not os.path.isdir(args.base_dir):
        raise UsageError(f"--base-dir {args.base_dir}: no such folder")
    with _output(args.output) as stream:
        write_report(stream, result, args.format, catalog=catalog, lang=args.lang, color=color,
                     base_dir=args.base_dir, fail_on=args.fail_on)
    return result.exit_status(args.fail_on)


# --- collect ------------------------------------------------------------------------------

def cmd_collect(args: argparse.Namespace) -> int:
    from rulebase.collector import CollectError, collect

    regions = None if args.regions == "all" else [r.strip() for r in args.regions.split(",") if r.strip()]
    if regions == []:
        raise UsageError("--regions: name at least one Region, or all")
    try:
        result = collect(Path(args.output), regions, args.profile, progress=sys.stderr, errors=sys.stderr)
    except CollectError as error:
        raise UsageError(str(error)) from None
    print(result.summary())
    return result.exit_code


# --- catalog tools --------------------------------------------------------------------------

def cmd_list(args: argparse.Namespace) -> int:
    from rulebase.catalog_tools import format_list

    _write(format_list(_catalog(args), args.lang), None)
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from rulebase.catalog_tools import format_rule

    catalog = _catalog(args)
    if args.id not in catalog:
        raise UsageError(_translate("usage.unknown_rule", args.lang, ids=args.id))
    _write(format_rule(catalog[args.id], args.lang, catalog.vocabulary), None)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from rulebase.export import export_csv, export_json

    catalog = _catalog(args)
    text = export_json(catalog) if args.format == "json" else export_csv(catalog)
    _write(text, args.output)
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    from rulebase.catalog_tools import scaffold_rule

    root = Path(args.rules_dir or "rules")
    created = scaffold_rule(root, args.id, kind=args.kind)
    for path in created:
        print(f"created {path}")
    return 0


def cmd_translations(args: argparse.Namespace) -> int:
    from rulebase.catalog import load_catalog
    from rulebase.catalog_tools import format_translations, stamp_translations

    if args.stamp:
        catalog = load_catalog(args.rules_dir, validate=False, check_translations=False)
        for path in stamp_translations(catalog, args.stamp):
            print(f"stamped {path}")
        return 0
    catalog = _catalog(args)
    text, complete = format_translations(catalog, args.lang)
    _write(text, None)
    return 1 if args.check and not complete else 0


def cmd_verify(args: argparse.Namespace) -> int:
    from rulebase.verify import main as verify_main

    for folder in (args.rules_dir, args.docs):
        if folder is not None and not Path(folder).is_dir():
            raise UsageError(f"no such folder: {folder}")

    return verify_main(args)


# --- plumbing -------------------------------------------------------------------------------

class UsageError(Exception):
    """A mistake in the command line, reported as one line with exit 2."""


def _translate(id: str, lang: str, **params: str | tuple[str, ...]) -> str:
    from rulebase.messages import translate

    return translate(id, lang, **params)


def _write(text: str, output: str | None) -> None:
    with _output(output) as stream:
        stream.write(text)


@contextmanager
def _output(output: str | None) -> Iterator[TextIO]:
    """Yield standard output, or the file `output` (a report is written as it is made, never held whole)."""
    if output is None or output == "-":
        yield sys.stdout
        return
    try:
        # backslashreplace: a file name that is not UTF-8 is written as `\udcff`, a JSON escape, never a crash
        with open(output, "w", encoding="utf-8", errors="backslashreplace") as stream:
            yield stream
    except OSError as error:
        raise UsageError(f"cannot write {output}: {error.strerror}") from None


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the `rulebase` command."""
    parser = argparse.ArgumentParser(prog="rulebase", description="Cloud security rules: catalog, checker, docs.")
    parser.add_argument("--version", action="version", version=f"rulebase {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, func: Command, help: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help, description=help)
        p.set_defaults(func=func)
        return p

    p = add("scan", cmd_scan, "scan CloudFormation templates and describe-security-groups output")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or directories (*.yaml, *.yml, *.json, *.template)")
    p.add_argument("--format", choices=("text", "json", "sarif"), default="text")
    p.add_argument("--rule", action="append", default=[], metavar="ID", help="only this rule (repeatable; earlier ids work)")
    p.add_argument("--lang", choices=LANGUAGES, default="en",
                   help="language of titles, messages and the summary (JSON keys, rule ids and SARIF fingerprints "
                        "stay the same)")
    p.add_argument("--output", metavar="FILE", help="write the report to FILE instead of standard output")
    p.add_argument("--max-bytes", type=_byte_count, default=2_000_000, metavar="N",
                   help="skip files larger than N bytes with an error (default 2000000: CloudFormation's limit is 1 MB)")
    p.add_argument("--jobs", type=_positive_int, default=None, metavar="N", help="worker processes (default: one per core)")
    p.add_argument("--rules", dest="rules_dir", metavar="DIR", help="a rules folder instead of the shipped catalog")
    p.add_argument("--fail-on", choices=SEVERITIES, default=None, metavar="SEVERITY",
                   help="exit 1 only for a finding at or above this severity (info, low, medium, high, critical; "
                        "default: any finding); 2 still means an input could not be read")
    p.add_argument("--base-dir", metavar="DIR", default=None,
                   help="SARIF file URIs are relative to DIR (default: the enclosing git repository's root, "
                        "else the working directory)")

    p = add("collect", cmd_collect, "write an account's describe-* outputs, Region by Region, for `rulebase scan`")
    p.add_argument("--profile", metavar="NAME", help="an AWS profile (default: the standard credential chain)")
    p.add_argument("--regions", default="all", metavar="all|R1,R2",
                   help="every Region enabled for the account (all, the default) or these Regions")
    p.add_argument("--output", required=True, metavar="DIR", help="writes DIR/<account-id>/<region>/<operation>.json")

    # No --lang on verify: its lines are a contributor's compiler output about the source files (hl_lines,
    # front-matter fields, English section names), compared exactly by CI and tests; the glossary's messages
    # already quote the French or Japanese term they ask for.
    p = add("verify", cmd_verify, "run every example of every rule page through the checker")
    p.add_argument("rules_dir", nargs="?", metavar="RULES_DIR", help="the rules folder (default: the shipped catalog)")
    p.add_argument("--strict", action="store_true", help="stale translations are errors, not warnings")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--no-cfn-lint", action="store_true", help="skip validating examples with cfn-lint")
    p.add_argument("--docs", metavar="DIR", default=None, help="also check the AWS CLI commands of these guides")

    p = add("list", cmd_list, "list the rules")
    p.add_argument("--rules", dest="rules_dir", metavar="DIR", help="a rules folder instead of the shipped catalog")
    p.add_argument("--lang", choices=LANGUAGES, default="en")

    p = add("show", cmd_show, "show one rule's metadata and description")
    p.add_argument("id", metavar="ID", help="a rule id or an earlier id")
    p.add_argument("--rules", dest="rules_dir", metavar="DIR", help="a rules folder instead of the shipped catalog")
    p.add_argument("--lang", choices=LANGUAGES, default="en")

    p = add("export", cmd_export, "export the catalog's metadata")
    p.add_argument("--format", choices=("json", "csv"), default="json")
    p.add_argument("--rules", dest="rules_dir", metavar="DIR", help="a rules folder instead of the shipped catalog")
    p.add_argument("--output", metavar="FILE")

    p = add("new", cmd_new, "scaffold a new rule's three files")
    p.add_argument("id", metavar="ID", help="the new rule's id, kebab-case")
    p.add_argument("--kind", choices=("iac", "posture"), default="iac")
    p.add_argument("--rules", dest="rules_dir", metavar="DIR", help="the rules folder (default: ./rules)")

    p = add("translations", cmd_translations, "show which translations are ok, missing or stale")
    p.add_argument("--rules", dest="rules_dir", metavar="DIR", help="a rules folder instead of the shipped catalog")
    p.add_argument("--stamp", metavar="ID/LANG", action="append", default=[],
                   help="mark a translation as up to date with the English page (e.g. my-rule/fr; 'all' for every one)")
    p.add_argument("--check", action="store_true", help="exit 1 when a translation is missing or stale")
    p.add_argument("--lang", choices=LANGUAGES, default="en", help="language of the headings and the summary")
    return parser


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {value}")
    return value


MAX_READ_BYTES = 1_000_000_000  # a file is read whole into memory: past this, a limit is no limit


def _byte_count(text: str) -> int:
    value = _positive_int(text)
    if value > MAX_READ_BYTES:
        raise argparse.ArgumentTypeError(f"must be at most {MAX_READ_BYTES}: {value}")
    return value


def _version() -> str:
    from rulebase import __version__

    return __version__


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit code."""
    args = build_parser().parse_args(argv)
    if hasattr(sys.stdout, "reconfigure"):  # a file name that is not UTF-8 is escaped, not a crash
        sys.stdout.reconfigure(errors="backslashreplace")
    from rulebase.catalog import CatalogError
    from rulebase.catalog_tools import ToolError

    try:
        code: int = args.func(args)
        return code
    except (UsageError, ToolError) as error:
        print(f"rulebase: {error}", file=sys.stderr)
        return 2
    except CatalogError as error:
        for problem in error.problems:
            print(problem.format(), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
