"""The catalog's vocabulary: the framework keys and categories rules may name, with their names per language.

It lives beside the rules, `rules/vocabulary.yaml`; a team's catalog without one uses the shipped vocabulary.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from rulebase.model import LANGUAGES, Location, Problem

VOCABULARY_FILE = "vocabulary.yaml"
MAX_BYTES = 256 * 1024


@dataclass(frozen=True)
class Framework:
    """A compliance framework: its display name and link per language (English when a language has none)."""

    key: str
    names: Mapping[str, str]
    urls: Mapping[str, str] = field(default_factory=dict)

    def name(self, lang: str = "en") -> str:
        """Return the framework's name in `lang`, falling back to English, then to its key."""
        return self.names.get(lang) or self.names.get("en") or self.key

    def url(self, lang: str = "en") -> str:
        """Return the framework's link in `lang`, falling back to English ("" if none)."""
        return self.urls.get(lang) or self.urls.get("en") or ""


@dataclass(frozen=True)
class Vocabulary:
    """The framework keys and category names a catalog accepts."""

    frameworks: Mapping[str, Framework]
    categories: Mapping[str, Mapping[str, str]]  # category -> language -> display name
    path: str = ""

    def category(self, name: str, lang: str = "en") -> str:
        """Return a category's display name in `lang` (the name itself if unknown)."""
        return self.categories.get(name, {}).get(lang) or name


def read_vocabulary(root: Path, shown: str) -> tuple[Vocabulary, list[Problem]]:
    """Return the vocabulary of the rules folder `root` (the shipped one if it has none), and its problems."""
    path = root / VOCABULARY_FILE
    if not path.is_file():
        from rulebase.catalog import shipped_rules_dir

        path = shipped_rules_dir() / VOCABULARY_FILE
        if not path.is_file():
            return Vocabulary({}, {}), []
    import yaml

    try:
        data = path.read_bytes()
        if len(data) > MAX_BYTES:
            return Vocabulary({}, {}, shown), [Problem(Location(shown), f"larger than {MAX_BYTES:,} bytes")]
        loaded: Any = yaml.load(data, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # no aliases expected
    except (OSError, yaml.YAMLError) as error:
        return Vocabulary({}, {}, shown), [Problem(Location(shown), f"cannot read vocabulary: {error}")]
    if not isinstance(loaded, dict) or not isinstance(loaded.get("frameworks"), dict) \
            or not isinstance(loaded.get("categories"), dict):
        return Vocabulary({}, {}, shown), [Problem(Location(shown), "vocabulary must map `frameworks` and `categories`")]
    frameworks = {str(key): Framework(str(key), _texts(value.get("name")), _texts(value.get("url")))
                  for key, value in loaded["frameworks"].items() if isinstance(value, dict)}
    categories = {str(key): _texts(value) for key, value in loaded["categories"].items()}
    return Vocabulary(frameworks, categories, shown), []


def _texts(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {str(lang): str(text) for lang, text in value.items() if lang in LANGUAGES and isinstance(text, str)}
