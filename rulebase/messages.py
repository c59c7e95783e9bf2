"""The command line's words in English, French and Japanese: messages are values, translated where they are printed.

    problem = Problem.of(Location(path), message("read.too_big", size=3_000_000, limit=2_000_000))
    problem.message                      # English, as every library caller and the verify harness read it
    problem.text("fr")                   # « le fichier fait 3 000 000 octets… », at the formatter only

A `Message` is an id and its parameters, made where the error is found and kept as a value on the `Problem`;
nothing ever matches English text to translate it. The texts live in one table per language,
`rulebase/locale/<lang>.yaml` (id -> text, or id -> plural forms). We keep our own small table rather than gettext
through Babel: about sixty messages, three languages, plural forms for two of them (the rules are three lines
below), and PyYAML is already a dependency; Babel would add a runtime dependency and a compile step to the build for
no feature we use. `tests/test_cli_i18n.py` checks that every id has every language and the same placeholders.

Parameters are plain values (text, numbers, None for YAML's null key), other messages (rendered in the same language), or tuples of
messages or texts (joined by the language's list separator). `{n:,}` groups digits per language (French: narrow no-break
spaces). Texts from outside (PyYAML's and the OS's own messages) stay as they come, inside the translated frame.
"""

from __future__ import annotations

import string
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping, Union

from rulebase.model import LANGUAGES

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
PLURAL_FORMS = ("one", "other")  # the CLDR categories our three languages use (ja: "other" only)
_NARROW_NBSP = "\u202f"  # French groups digits with it: « 2 000 000 »

Param = Union[str, int, float, None, "Message", tuple[Union[str, "Message"], ...]]


@dataclass(frozen=True, order=True)
class Message:
    """A message as a value: its id in the tables of `rulebase/locale/` and its parameters, in order."""

    id: str
    params: tuple[tuple[str, Param], ...] = ()

    def text(self, lang: str = "en") -> str:
        """Return the message in `lang` (English when the language has no table)."""
        return _text(self, lang)


@lru_cache(maxsize=4096)  # the harness makes the same "not evaluated" note for every example of a kind
def _text(msg: Message, lang: str) -> str:
    return render(msg.id, lang, dict(msg.params))


def message(id: str, **params: Param) -> Message:
    """Return the message `id` with its parameters (a programmer's error if the English table lacks it)."""
    if id not in table("en"):
        raise KeyError(f"no message {id!r} in {LOCALE_DIR / 'en.yaml'}")
    return Message(id, tuple(params.items()))


def translate(id: str, lang: str = "en", **params: Param) -> str:
    """Return the message `id` rendered in `lang`."""
    return render(id, lang, params)


def render(id: str, lang: str, params: Mapping[str, Param]) -> str:
    """Return the text of `id` in `lang` with `params` substituted; a plural entry picks its form by count."""
    lang = lang if lang in LANGUAGES else "en"
    entry = table(lang).get(id)
    if entry is None:  # every id has every language (tested); English is the safety net, never a KeyError at print
        lang, entry = "en", table("en")[id]
    if isinstance(entry, dict):
        count = params.get(entry.get("plural", "count"), 0)
        entry = entry.get(plural_form(lang, count if isinstance(count, int) else 0)) or entry["other"]
    return _Formatter(lang).vformat(entry, (), params)


def plural_form(lang: str, count: int) -> str:
    """Return the CLDR plural category of `count` in `lang`: French counts 0 and 1 as one, Japanese has no plural."""
    if lang == "ja":
        return "other"
    if lang == "fr":
        return "one" if count in (0, 1) else "other"
    return "one" if count == 1 else "other"


def placeholders(text: str) -> set[tuple[str, str, str]]:
    """Return the `(name, conversion, spec)` of every replacement field of a message text."""
    return {(name, conversion or "", spec or "") for _, name, spec, conversion in string.Formatter().parse(text)
            if name is not None}


@lru_cache(maxsize=None)
def table(lang: str) -> Mapping[str, Any]:
    """Return the message table of `lang`, read once from `rulebase/locale/<lang>.yaml`."""
    import yaml

    loaded = yaml.safe_load((LOCALE_DIR / f"{lang}.yaml").read_text(encoding="utf-8"))
    if not isinstance(loaded, dict):
        raise ValueError(f"{LOCALE_DIR / lang}.yaml must map message ids to texts")
    return loaded


def display_width(text: str) -> int:
    """Return how many terminal columns `text` takes: wide and full-width characters (CJK) count two."""
    return sum(2 if unicodedata.east_asian_width(char) in ("W", "F") else 0 if unicodedata.combining(char) else 1
               for char in text)


def pad(text: str, width: int) -> str:
    """Return `text` padded with spaces to `width` terminal columns."""
    return text + " " * max(0, width - display_width(text))


class _Formatter(string.Formatter):
    """str.format that renders nested messages in the same language and groups digits the language's way."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, Message):
            return value.text(self.lang)
        if isinstance(value, tuple):
            return translate("list.separator", self.lang).join(
                item.text(self.lang) if isinstance(item, Message) else str(item) for item in value)
        text: str = super().format_field(value, format_spec)
        if self.lang == "fr" and "," in format_spec and isinstance(value, int):
            text = text.replace(",", _NARROW_NBSP)
        return text
