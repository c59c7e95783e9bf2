"""`python -m generator.build`: the whole site, one `mkdocs build` per language in parallel, from one mkdocs.yml.

The catalog is loaded once, its pages parsed in one process per core, before the builds fork, so each build
starts with it in memory. Each build gets its language through the `RULEBASE_*` variables that mkdocs.yml reads
with `!ENV`; the root page sends `/` to `/en/`.
"""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Sequence

from rulebase.catalog import CatalogError
from rulebase.model import LANGUAGES

from generator import site
from rulebase.model import SITE_URL

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Options:
    """What every language's build shares."""

    config_file: Path
    site_dir: Path
    docs_dir: Path
    rules_dir: Path
    strict: bool
    verbose: bool


@dataclass(frozen=True)
class Result:
    """How one language's build went; `generator_seconds` is the part spent in the generator's hooks."""

    lang: str
    ok: bool
    seconds: float
    generator_seconds: float
    error: str = ""


def build_environment(lang: str, options: Options) -> dict[str, str]:
    """Return the `RULEBASE_*` variables that make mkdocs.yml the configuration of `lang`'s site."""
    return {
        "RULEBASE_LANG": lang,
        "RULEBASE_DOCS_DIR": str(options.docs_dir / lang),
        "RULEBASE_SITE_DIR": str(options.site_dir / lang),
        "RULEBASE_SITE_URL": f"{SITE_URL}/{lang}/",
        "RULEBASE_EDIT_URI": f"edit/main/docs/{lang}/",
        "RULEBASE_RULES_DIR": str(options.rules_dir),
    }


def build_language(lang: str, options: Options) -> Result:
    """Run `mkdocs build` for one language (in a worker process) and return how it went."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    _log_to_stderr(f"[{lang}] ", logging.INFO if options.verbose else logging.WARNING)
    os.environ.update(build_environment(lang, options))
    start, generator_start = time.perf_counter(), site.generator_seconds()
    try:
        build(load_config(str(options.config_file), strict=options.strict))
        error = ""
    except MkDocsException as exc:  # strict mode's "Aborted with N warnings", a bad config, ...
        error = str(exc)
    return Result(lang, not error, time.perf_counter() - start, site.generator_seconds() - generator_start, error)


def build_site(languages: Sequence[str], options: Options, jobs: int) -> list[Result]:
    """Build every language's site in parallel (fork: the workers inherit the loaded catalog), then the root page."""
    site.catalog(options.rules_dir)
    site.history(options.rules_dir)
    import material.plugins.search.plugin  # noqa: F401  (imported once here rather than in every worker)
    import mkdocs.commands.build  # noqa: F401

    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        futures = [pool.submit(build_language, lang, options) for lang in languages]
        results = [future.result() for future in futures]
    options.site_dir.mkdir(parents=True, exist_ok=True)
    (options.site_dir / "index.html").write_text(site.root_redirect(), encoding="utf-8")
    (options.site_dir / "404.html").write_text(site.root_not_found(), encoding="utf-8")
    return results


def main(argv: Sequence[str] | None = None) -> int:
    """Build the site and return the exit code: 0 when every language built, 1 otherwise."""
    parser = argparse.ArgumentParser(prog="python -m generator.build", description=__doc__.splitlines()[0])
    parser.add_argument("--site-dir", type=Path, default=ROOT / "site", help="where the site goes (default: site)")
    parser.add_argument("--rules-dir", type=Path, default=ROOT / "rules", help="the rules (default: rules)")
    parser.add_argument("--docs-dir", type=Path, default=ROOT / "docs",
                        help="the hand-written pages, one folder per language (default: docs)")
    parser.add_argument("--config-file", type=Path, default=ROOT / "mkdocs.yml")
    parser.add_argument("--lang", action="append", choices=LANGUAGES, help="build only this language (repeatable)")
    parser.add_argument("--jobs", type=int, default=0, help="parallel builds (default: one per language)")
    parser.add_argument("--no-strict", dest="strict", action="store_false", help="do not fail on MkDocs warnings")
    parser.add_argument("--verbose", action="store_true", help="show MkDocs' informational messages")
    parser.add_argument("--timings", type=Path, help="also write the timings as JSON to this file")
    args = parser.parse_args(argv)

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "true")
    os.environ.setdefault("DISABLE_MKDOCS_2_WARNING", "true")
    languages = args.lang or list(LANGUAGES)
    options = Options(args.config_file.resolve(), args.site_dir.resolve(), args.docs_dir.resolve(),
                      args.rules_dir.resolve(), args.strict, args.verbose)
    start = time.perf_counter()
    try:
        catalog = site.catalog(options.rules_dir, jobs=os.cpu_count() or 1)  # before any thread is started
    except CatalogError as error:
        for problem in error.problems:
            print(problem.format(), file=sys.stderr)
        return 1
    catalog_seconds = time.perf_counter() - start
    for problem in catalog.problems:
        print(problem.format(), file=sys.stderr)
    unsafe = site.page_problems(catalog)
    for problem in unsafe:  # once here, rather than once per language from the hooks
        print(problem.format(), file=sys.stderr)
    if unsafe:
        return 1
    results = build_site(languages, options, args.jobs or len(languages))
    wall = time.perf_counter() - start

    for result in results:
        status = "built" if result.ok else "FAILED"
        print(f"{status} {result.lang} in {result.seconds:.1f} s (generator {result.generator_seconds:.2f} s)"
              + (f": {result.error}" if result.error else ""), file=sys.stderr)
    print(f"site: {len(catalog)} rules x {len(languages)} languages in {wall:.1f} s "
          f"(catalog loaded in {catalog_seconds:.2f} s) -> {_shown(options.site_dir)}", file=sys.stderr)
    if args.timings:
        args.timings.write_text(json.dumps({
            "rules": len(catalog), "languages": languages, "wall_seconds": wall,
            "catalog_seconds": catalog_seconds, "builds": [asdict(r) for r in results],
        }, indent=2) + "\n", encoding="utf-8")
    return 0 if all(result.ok for result in results) else 1


def _log_to_stderr(prefix: str, level: int) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(f"%(levelname)-7s - {prefix}%(message)s"))
    logger = logging.getLogger("mkdocs")
    logger.handlers[:] = [handler]
    logger.setLevel(level)
    logger.propagate = False


def _shown(path: Path) -> str:
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


if __name__ == "__main__":
    sys.exit(main())
