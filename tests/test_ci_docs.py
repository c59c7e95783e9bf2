"""docs/<lang>/ci.md: every `rulebase` command of its fenced blocks runs on a copy of examples/ and exits as the
page says."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from rulebase.model import LANGUAGES
from rulebase.pages import code_blocks

ROOT = Path(__file__).resolve().parent.parent
RULEBASE = [sys.executable, "-m", "rulebase.cli"]
_EXIT_COMMENT = re.compile(r"#[^#]*?(\d)\s*[:：]")  # `# exits 1: ...`, `# code 0 : ...`, `# 終了コード 1: ...`


def commands(lang: str) -> list[tuple[str, str, list[str], int | None]]:
    """Return the page's `rulebase` commands: block syntax, the line, its words and the exit code it states."""
    page = ROOT / "docs" / lang / "ci.md"
    found = []
    for block in code_blocks(page.read_text(encoding="utf-8"), str(page)):
        for line in block.code.splitlines():
            command = re.sub(r"^\s*(?:- )?(?:run: )?", "", line)
            if not command.startswith("rulebase "):
                continue
            stated = _EXIT_COMMENT.search(command)
            words = shlex.split(command.split("#")[0].split("||")[0])
            found.append((block.syntax, line, words, int(stated[1]) if stated else None))
    return found


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_ci_page_commands_exit_as_the_page_says(lang: str, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "examples", repo / "examples")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)  # the default --base-dir: the repository's root
    found = commands(lang)
    assert {syntax for syntax, *_ in found} == {"yaml", "sh"}
    assert len(found) == 6, [line for _, line, _, _ in found]  # GitHub 1, GitLab 2, examples 3
    for syntax, line, words, stated in found:
        cwd = repo / "examples" if syntax == "sh" else repo  # the sh block starts with `cd examples`
        expected = stated if stated is not None else (1 if "--fail-on" in words else 0)
        if syntax == "yaml" and "||" in line:
            expected = 1  # `|| true` turns it into 0 in the job; the command itself finds something
        done = subprocess.run([*RULEBASE, *words[1:]], cwd=cwd, capture_output=True, text=True, timeout=120,
                              env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
        assert done.returncode == expected, (line, done.stdout[-500:], done.stderr)
        if "--output" in words:
            log = json.loads((cwd / words[words.index("--output") + 1]).read_text(encoding="utf-8"))
            run_ = log["runs"][0]
            assert run_["originalUriBaseIds"]["%SRCROOT%"]["uri"] == repo.resolve().as_uri() + "/"
            uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run_["results"]}
            assert "examples/three-tier-stack.yaml" in uris
            assert run_["invocations"][0]["exitCode"] == (1 if "--fail-on" in words or "||" in line else 0)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_ci_page_examples_are_valid_yaml_with_the_steps_code_scanning_needs(lang: str) -> None:
    page = ROOT / "docs" / lang / "ci.md"
    blocks = [yaml.safe_load(b.code) for b in code_blocks(page.read_text(encoding="utf-8"), str(page))
              if b.syntax == "yaml"]
    github, gitlab, precommit = blocks
    steps = github["jobs"]["scan"]["steps"]
    assert [s.get("uses", "run").split("@")[0] for s in steps] == [
        "actions/checkout", "actions/setup-python", "run", "run", "github/codeql-action/upload-sarif"]
    assert steps[-1]["if"] == "always()" and steps[-1]["with"]["sarif_file"] == "rulebase.sarif"
    assert github["permissions"]["security-events"] == "write"
    assert gitlab["rulebase"]["artifacts"] == {"when": "always", "paths": ["rulebase.sarif"]}
    hooks = {h["id"] for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    assert {h["id"] for h in precommit["repos"][0]["hooks"]} <= hooks
