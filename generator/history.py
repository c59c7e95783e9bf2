"""Each rule's history from git: when its folder last changed, and the release it was added in.

Read once per build with two kinds of `git` commands, whatever the number of rules: one `git log` over the rules
folder, and one `git rev-list` per release tag (`v<version>`). A rules folder outside a git repository has no
history and its pages show none. The date is localized with Babel (a dependency of Material for MkDocs):
mkdocs-git-revision-date-localized-plugin reads each page's source file, which generated pages do not have.
"""

from __future__ import annotations

import datetime
import subprocess
from dataclasses import dataclass
from pathlib import Path

from babel.dates import format_date


@dataclass(frozen=True)
class History:
    """A rule folder's history: its last change and the version it was first released in."""

    changed: datetime.date
    added_in: str


def _git(root: Path, *args: str) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def read_history(rules_root: Path, next_version: str) -> dict[str, History]:
    """Return, by folder path relative to `rules_root` (a rule's folder), when it last changed and the oldest `v*` tag holding the commit that added it
    (`next_version`, the version being prepared, when no release holds it yet); {} outside a git repository."""
    log = _git(rules_root, "log", "--format=%x00%H %cI", "--name-only", "--relative", "--", ".")
    if log is None:
        return {}
    changed: dict[str, datetime.date] = {}
    added: dict[str, str] = {}
    for entry in log.split("\x00")[1:]:
        head, _, names = entry.partition("\n")
        commit, _, when = head.partition(" ")
        for name in names.split():
            parts = name.split("/")[:-1]
            for depth in range(1, len(parts) + 1):  # every folder holding the file: rules may sit in group folders
                folder = "/".join(parts[:depth])
                changed.setdefault(folder, datetime.date.fromisoformat(when[:10]))
                added[folder] = commit  # newest first: the last one seen is the oldest
    releases: dict[str, str] = {}
    tags = _git(rules_root, "tag", "--list", "v*", "--sort=-version:refname") or ""
    for tag in tags.split():  # newest first: an older release holding the commit overwrites a newer one
        for commit in (_git(rules_root, "rev-list", tag, "--", ".") or "").split():
            releases[commit] = tag.removeprefix("v")
    return {folder: History(changed[folder], releases.get(added[folder], next_version))
            for folder in changed if (rules_root / folder).is_dir()}


def localized_date(date: datetime.date, lang: str) -> str:
    """Return a date written out in `lang`: `1 December 2026`, `1 décembre 2026`, `2026年12月1日`."""
    return format_date(date, format="long", locale=lang)
