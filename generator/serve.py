"""`python -m generator.serve --lang fr` (what `make serve LANG=fr` runs): one language's site, served with live
reload while rules, docs or the generator are edited; rule pages show `verify`'s failures (generator/preview.py).

MkDocs' own server rebuilds on save and reloads the browser; the hooks reload the catalog before each rebuild.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Sequence

from rulebase.model import LANGUAGES

from generator.build import ROOT, Options, build_environment


def main(argv: Sequence[str] | None = None) -> int:
    """Serve one language until interrupted; return the exit code."""
    parser = argparse.ArgumentParser(prog="python -m generator.serve", description=__doc__.splitlines()[0])
    parser.add_argument("--lang", choices=LANGUAGES, default="en")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--rules-dir", type=Path, default=ROOT / "rules")
    parser.add_argument("--docs-dir", type=Path, default=ROOT / "docs")
    args = parser.parse_args(argv)
    options = Options(ROOT / "mkdocs.yml", ROOT / "site", args.docs_dir.resolve(), args.rules_dir.resolve(),
                      strict=False, verbose=False)
    os.environ.update(build_environment(args.lang, options))
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "true")
    os.environ.setdefault("DISABLE_MKDOCS_2_WARNING", "true")
    from mkdocs.commands.serve import serve

    print(f"serving {args.lang}: http://{args.host}:{args.port}/{args.lang}/ (Ctrl-C to stop)", file=sys.stderr,
          flush=True)
    serve(str(options.config_file), livereload=True, watch=[str(options.rules_dir), str(ROOT / "generator")],
          dev_addr=f"{args.host}:{args.port}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
