"""Text repair before anything else: mojibake and HTML entities, with a record of what changed.

News text often reaches us double-encoded: UTF-8 bytes read as Windows-1252 (``Modiâ€™s`` for
``Modi’s``, ``Â `` for a no-break space) or with HTML entities left in (``&amp;``,
``&#8217;``). Such text leaks into titles, entity names and search, so it is repaired before
cleaning, language detection or anything else.

The repair is `ftfy <https://ftfy.readthedocs.io>`_ (the maintained library for the job),
configured to change only what is broken: curly quotes stay curly, full-width characters stay
full-width. Two residues ftfy leaves alone are handled here, both of them traces of a lost
byte:

* ``â€�``: the closing quote ``”`` is the bytes E2 80 9D; 0x9D is undefined in Windows-1252,
  so a decoder emitted U+FFFD for it. In news text it is the closing double quote.
* ``Â`` before a space or a line end: the first byte of a no-break space (C2 A0) whose second
  byte was already turned into a plain space.

:func:`repair_text` returns the repaired text together with a :class:`Repair` record (what
kind of repair, how many lines, a few before/after examples) that the pipeline keeps as
evidence in ``article.extra["text_repair"]``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import ftfy

__all__ = ["MOJIBAKE_MARKERS", "Repair", "has_mojibake", "repair_text"]

# Sequences that (almost) never occur in correctly decoded text of any language.
MOJIBAKE_MARKERS = ("â€", "Ã", "Â ", "Â\u00a0", "â€\ufffd")
_SUSPECT = re.compile(r"[ÂÃâ€&\ufffd\u0080-\u009f]")
_LOST_QUOTE = re.compile("â€\ufffd")
# "Â" glued to a space/no-break space/line end, not part of a word ("ÂNCORA" is kept)
_STRAY_A_CIRC = re.compile(r"Â(?=[ \u00a0]|$)")
_MAX_EXAMPLES = 5

_CONFIG = ftfy.TextFixerConfig(
    uncurl_quotes=False,  # ’ and ” are information (quotes, apostrophes); keep them
    fix_character_width=False,  # full-width forms are legitimate in CJK text
    fix_latin_ligatures=True,
    unescape_html="auto",  # &amp; &#8217; ... unless the text looks like real HTML markup
    normalization="NFC",
    explain=True,
)


@dataclass
class Repair:
    """What :func:`repair_text` changed (empty when nothing was broken)."""

    lines: int = 0  # lines that changed
    fixes: list[str] = field(default_factory=list)  # kinds of repair, e.g. "mojibake (…)"
    examples: list[tuple[str, str]] = field(default_factory=list)  # (before, after) snippets

    def __bool__(self) -> bool:
        return self.lines > 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "lines": self.lines,
            "fixes": list(self.fixes),
            "examples": [list(x) for x in self.examples],
        }

    def merge(self, other: Repair) -> None:
        self.lines += other.lines
        for f in other.fixes:
            if f not in self.fixes:
                self.fixes.append(f)
        room = _MAX_EXAMPLES - len(self.examples)
        if room > 0:
            self.examples.extend(other.examples[:room])


def has_mojibake(text: str) -> bool:
    """True when ``text`` holds one of the tell-tale mojibake sequences."""
    return any(m in text for m in MOJIBAKE_MARKERS)


def _describe(steps: list[Any]) -> list[str]:
    """Readable names for ftfy's explanation steps."""
    out: list[str] = []
    encodings = [s[1] for s in steps if s[0] == "encode"]
    decodings = [s[1] for s in steps if s[0] == "decode"]
    if encodings and decodings:
        out.append(f"mojibake ({encodings[0]} read as {decodings[-1]})")
    for action, name in steps:
        if action == "apply" and name == "unescape_html":
            out.append("html entities")
        elif action == "apply" and name == "decode_inconsistent_utf8":
            out.append("mojibake (mixed encodings)")
        elif action == "apply" and name in ("fix_c1_controls", "remove_control_chars"):
            out.append("control characters")
        elif action == "apply" and name == "fix_latin_ligatures":
            out.append("ligatures")
        elif action == "transcode" and name == "replace_lossy_sequences":
            out.append("lost bytes")
    return out


def _clip(s: str, n: int = 80) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


def _repair_line(line: str) -> tuple[str, list[str]]:
    fixes: list[str] = []
    text = line
    if "â€\ufffd" in text:
        # put the lost 0x9D byte back so that the decoder below yields "”"
        text = _LOST_QUOTE.sub("â€\u009d", text)
        fixes.append("lost closing quote")
    fixed, explanation = ftfy.fix_and_explain(text, config=_CONFIG)
    if explanation:
        fixes.extend(_describe(list(explanation)))
    if "Â" in fixed:
        stray = _STRAY_A_CIRC.sub("", fixed)
        if stray != fixed:
            fixed = stray
            fixes.append("stray Â (broken no-break space)")
    return fixed, fixes


def repair_text(text: str) -> tuple[str, Repair]:
    """Repair mojibake and HTML entities line by line; return the text and the record.

    Lines without any suspicious character are passed through untouched (fast path).
    """
    rec = Repair()
    if not text or not _SUSPECT.search(text):
        return text, rec
    out: list[str] = []
    for line in text.split("\n"):
        if not _SUSPECT.search(line):
            out.append(line)
            continue
        fixed, fixes = _repair_line(line)
        if fixed != line:
            rec.lines += 1
            for f in fixes or ["normalised"]:
                if f not in rec.fixes:
                    rec.fixes.append(f)
            if len(rec.examples) < _MAX_EXAMPLES:
                rec.examples.append(_example(line, fixed))
        out.append(fixed)
    return "\n".join(out), rec


def _example(before: str, after: str) -> tuple[str, str]:
    """The first differing stretch of the two lines, with a little context."""
    i = 0
    while i < min(len(before), len(after)) and before[i] == after[i]:
        i += 1
    start = max(0, i - 20)
    return _clip(before[start : start + 60], 60), _clip(after[start : start + 60], 60)
