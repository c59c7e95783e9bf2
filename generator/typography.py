"""French typography on the rendered pages: no-break spaces before `: ; ! ?` and inside « », added at build time
so that the sources keep plain spaces (easier to write, to diff, and what the glossary and the harness read).

The convention is the Imprimerie nationale's, as most French publishers apply it on screen and as the CLI's French
messages already do (rulebase/locale/fr.yaml): a no-break space (U+00A0) before the colon, a narrow no-break space
(U+202F) before `; ! ?`, after « and before ». Only spaces the text already has are changed (a missing space is the
author's to add: inserting one would also touch `10:30`, `http://` or `::/0` in prose), and only where the mark ends
a word: `?q=` or `::/0` after a space stay as they are.

Code is not prose: nothing changes inside `<code>`, `<pre>`, `<kbd>`, `<samp>`, `<script>`, `<style>`, `<textarea>`,
in attributes (URLs, `data-` templates), or inside an element whose `lang` is not French (an English fallback
text). The search index is built before this runs and keeps plain spaces.
"""

from __future__ import annotations

import re
from functools import lru_cache

NBSP = "\u00a0"
NARROW_NBSP = "\u202f"
SKIPPED = frozenset({"code", "pre", "kbd", "samp", "script", "style", "textarea", "svg", "math"})
RAW_TEXT = frozenset({"script", "style", "textarea"})  # their text may hold `<`: skip to the end tag directly

_ATTRIBUTES = r"""(?:[^>"']|"[^"]*"|'[^']*')*"""
_OTHER_TOKEN = r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<[!?][^>]*>"  # comments, CDATA, declarations
_TOKEN = re.compile(rf"{_OTHER_TOKEN}|<(/?)([A-Za-z][A-Za-z0-9:-]*)({_ATTRIBUTES})>", re.DOTALL)
_LANG = re.compile(r"""\slang\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.IGNORECASE)
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"})
_MARK = re.compile("[:;!?«»]")  # a text without any is left as it is
# A run of spaces (a line break in HTML source is a space too), before a mark that ends a word: followed by a
# space, the end of the text, a closing mark or another of the marks (« ?! »).
_END = r"(?=[\s»)\]!?.,]|\Z)"
_BEFORE_COLON = re.compile(r"[ \t\r\n\u202f]+(:)" + _END)
_BEFORE_MARK = re.compile(r"[ \t\r\n\u00a0]+([;!?])" + _END)
_AFTER_OPENING = re.compile(r"«[ \t\r\n\u00a0]+")
_BEFORE_CLOSING = re.compile(r"[ \t\r\n\u00a0]+»")


def french_text(text: str) -> str:
    """Return French prose (plain text, or the text between two tags) with its typographic spaces."""
    if not _MARK.search(text):
        return text
    text = _BEFORE_COLON.sub(NBSP + r"\1", text)
    text = _BEFORE_MARK.sub(NARROW_NBSP + r"\1", text)
    text = _AFTER_OPENING.sub("«" + NARROW_NBSP, text)
    return _BEFORE_CLOSING.sub(NARROW_NBSP + "»", text)


def french_html(html: str) -> str:
    """Return a rendered French page with the typographic spaces in its prose: code, attributes, scripts and text
    in another language unchanged."""
    out: list[str] = []
    skipping: tuple[str, int] | None = None  # the element being skipped and how deep inside nested ones of its name
    position = 0
    while position < len(html):
        start = position
        if skipping:  # straight to the next tag that can end the skipped element (or a script inside it)
            position = _skipper(skipping[0]).match(html, position).end()  # type: ignore[union-attr]
        token = _TOKEN.search(html, position)
        end = token.start() if token else len(html)
        text = html[start:end]
        out.append(text if skipping else french_text(text))
        if token is None:
            break
        out.append(token[0])
        position = token.end()
        closing, name = token[1] == "/", (token[2] or "").lower()
        if not name:
            continue
        if name in RAW_TEXT and not closing:  # up to its end tag, verbatim
            stop = re.compile(rf"</{name}\s*>", re.IGNORECASE).search(html, position)
            end = stop.end() if stop else len(html)
            out.append(html[position:end])
            position = end
            continue
        if skipping:
            if name == skipping[0] and not token[3].rstrip().endswith("/"):
                depth = skipping[1] + (-1 if closing else 1)
                skipping = (name, depth) if depth else None
            continue
        if not closing and name not in _VOID and not token[3].rstrip().endswith("/") and _skips(name, token[3]):
            skipping = (name, 1)
    return "".join(out)


@lru_cache(maxsize=None)
def _skipper(name: str) -> re.Pattern[str]:
    """Return the pattern of what comes before the next token that matters inside a skipped `name` element: text
    and the tokens of other elements, cut exactly as `_TOKEN` cuts them (a `<pre>` in an attribute or a comment is
    no tag). The tokens that matter are `name`'s own tags and the start of a raw-text element. Code blocks are
    thousands of Pygments spans: one match here instead of one loop turn each."""
    matters = rf"<(?ai:/?{re.escape(name)}|{'|'.join(sorted(RAW_TEXT))})(?![A-Za-z0-9:-]){_ATTRIBUTES}>"
    token = rf"{_OTHER_TOKEN}|</?[A-Za-z][A-Za-z0-9:-]*{_ATTRIBUTES}>"  # `_TOKEN` without its groups
    return re.compile(rf"(?:[^<]++|(?!{matters})(?>{token})|(?!{token})<)*+", re.DOTALL)


def _skips(name: str, attributes: str) -> bool:
    """Return whether an element's content is left alone: code, or text in a language other than French."""
    if name in SKIPPED:
        return True
    lang = _LANG.search(attributes)
    return lang is not None and not next(v for v in lang.groups() if v is not None).lower().startswith("fr")
