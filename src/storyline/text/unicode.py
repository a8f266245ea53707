"""Unicode normalisation of extracted text: NFC, invisible characters, spaces, line ends."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["normalize_unicode"]

_ALWAYS_DROP = dict.fromkeys(map(ord, "\u200b\u2060\ufeff\u00ad\u180e\u200e\u200f"))
_JOINERS = "\u200c\u200d"
_SPACES = re.compile(r"[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\t\f\v]")
_MULTI_SPACE = re.compile(r" {2,}")
_BLANK_RUN = re.compile(r"\n{3,}")


def _joins_letters(prev: str, nxt: str) -> bool:
    """True when a ZWJ/ZWNJ between ``prev`` and ``nxt`` is meaningful (letters or emoji)."""
    if not prev or not nxt:
        return False
    cp, cn = unicodedata.category(prev), unicodedata.category(nxt)
    if cp[0] in "LM" and cn[0] in "LM":
        return True
    # emoji ZWJ sequences (👨‍👩‍👧): symbol or variation selector on both sides
    return cp in ("So", "Sk", "Mn") and cn in ("So", "Sk")


def normalize_unicode(text: str) -> str:
    """NFC, invisible characters removed, spaces folded, line endings unified.

    ZWNJ/ZWJ (U+200C/U+200D) are kept only between two letters/marks (Devanagari half forms,
    Persian/Arabic joining) or inside emoji sequences; elsewhere they are removed.
    """
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2029", "\n\n").replace("\u2028", "\n").replace("\u0085", "\n")
    text = text.translate(_ALWAYS_DROP)
    if "\u200c" in text or "\u200d" in text:
        out: list[str] = []
        for i, ch in enumerate(text):
            if ch in _JOINERS:
                prev = out[-1] if out else ""
                nxt = text[i + 1] if i + 1 < len(text) else ""
                if not _joins_letters(prev, nxt):
                    continue
            out.append(ch)
        text = "".join(out)
    text = _SPACES.sub(" ", text)
    text = _MULTI_SPACE.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    text = _BLANK_RUN.sub("\n\n", text)
    return text.strip()
