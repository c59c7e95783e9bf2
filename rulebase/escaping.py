"""Author and input text at the boundary of an output format: one function per format (HTML uses `html.escape`).

Rule front-matter and file names come from anyone who can open a pull request or name a file; where they meet
a terminal, a spreadsheet or Markdown, they are text and nothing else.
"""

from __future__ import annotations

import re

# C0 and C1 controls, line and paragraph separators, and the bidirectional overrides of "Trojan Source"
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|<>&~-])")


def printable(text: str) -> str:
    """Return `text` (a file name) with control characters and undecodable bytes as backslash escapes."""
    if text.isprintable():
        return text
    text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return _CONTROL.sub(lambda match: match[0].encode("unicode_escape").decode("ascii"), text)


def csv_cell(value: object) -> str:
    """Return a CSV cell that no spreadsheet reads as a formula (a leading `'`, as OWASP advises)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def markdown_text(text: str) -> str:
    """Return plain text (a title) that Markdown renders as the same text, never as markup or HTML."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)
