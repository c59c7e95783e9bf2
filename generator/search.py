"""What the search index gets beyond a page's words, so that common queries find it (Material's lunr search
does not fold accents, reads `-1` as "without 1", and finds no Japanese word that appears on no page).

Each section of the search plugin's copy of a page ends with a paragraph of extra terms: the accent-folded form
of its accented Latin words (`defaut` for `défaut`), the synonyms of its words (SYNONYMS), and `ipprotocolall`
where it speaks of `IpProtocol` `-1`. The site's JavaScript rewrites the query to match (generator/assets/
rulebase.js: `IpProtocol -1` becomes `ipprotocolall`; Japanese words no page uses become the pages' word,
既定 -> デフォルト, and unspaced Japanese queries are cut where the script changes).
"""

from __future__ import annotations

import functools
import re
import unicodedata

# Words and their synonyms per language: a page with the word is also found by its synonyms.
SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "ja": {},  # the query side maps 既定 to デフォルト: TinySegmenter cuts an indexed 既定 into 既 and 定
    "fr": {},
    "en": {},
}
ALL_PROTOCOLS_TERM = "ipprotocolall"
_ALL_PROTOCOLS = re.compile(r"IpProtocol\b[^.\n]{0,60}?(?<![\w-])-1\b", re.IGNORECASE)
_WORD = re.compile(r"\w+")
_LATIN_ACCENT = re.compile(r"[\u00c0-\u024f]")
_HEADING = re.compile(r"(?=<h[1-6][ >])")
_TAG = re.compile(r"<[^>]+>")


@functools.lru_cache(maxsize=65_536)  # the same words recur on every page of a language
def fold_latin(word: str) -> str:
    """Return a word without its Latin accents (`défaut` -> `defaut`), other scripts unchanged."""
    return "".join(ch for ch in unicodedata.normalize("NFD", word) if not 0x300 <= ord(ch) <= 0x36F)


def extra_terms(text: str, lang: str) -> list[str]:
    """Return the terms to index beside `text` (plain text of one section), in first-seen order, each once."""
    terms: dict[str, None] = {}
    for word in dict.fromkeys(_WORD.findall(text)):  # each distinct word once, in order
        if not word.isascii() and _LATIN_ACCENT.search(word):
            terms[fold_latin(word).lower()] = None
    for word, synonyms in SYNONYMS.get(lang, {}).items():
        if word in text:
            terms.update(dict.fromkeys(s for s in synonyms if s not in text))
    if "IpProtocol" in text and _ALL_PROTOCOLS.search(text):
        terms[ALL_PROTOCOLS_TERM] = None
    return list(terms)


def with_extra_terms(html: str, lang: str) -> str:
    """Return the search copy of a page with each section's extra terms appended to it, as one paragraph."""
    sections = _HEADING.split(html)
    out = []
    for section in sections:
        if not (_LATIN_ACCENT.search(section) or "IpProtocol" in section or _has_synonym(section, lang)):
            out.append(section)  # nothing to add: skip the work (most sections of an English page)
            continue
        terms = extra_terms(_TAG.sub(" ", section), lang)
        out.append(section + (f'\n<p class="rb-search-terms">{" ".join(terms)}</p>\n' if terms else ""))
    return "".join(out)


def _has_synonym(text: str, lang: str) -> bool:
    return any(word in text for word in SYNONYMS.get(lang, {}))
