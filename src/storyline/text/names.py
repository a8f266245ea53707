"""Cross-script name keys: make names comparable across Latin and Devanagari script.

A *name key* is a consonant skeleton of a word: ``Kishor`` and ``किशोर`` both become
``kSr``; ``Congress`` and ``कांग्रेस`` both become ``kngrs``; ``Gandhi``/``गांधी`` → ``gnd``.

How: Devanagari is transliterated with a small phonetic table (aspirates folded, nasal
marks → ``n``, nukta forms folded to their English spellings), Latin text is lower-cased and
stripped of diacritics, then both go through the same skeleton rules (digraphs such as
``sh``/``ch``/``th`` folded, ``c``/``q`` → ``k``, vowels and ``y``/``h`` after consonants
dropped, doubled letters collapsed).

Which words become keys (the "names and rare terms" clustering uses):

* Latin script: capitalised words and acronyms that are not common function words
  (sentence-initial ``The``/``He``/``On`` are dropped by the stop list), plus numbers of 3+
  digits (years, counts: ``2024``, ``370``), which are script-neutral.
* Devanagari: every word that is not a Hindi function/common word (Hindi has no capitals);
  rarity weighting (IDF) downstream does the rest.
* Other scripts: Cyrillic is transliterated by a table; other words are used as they are
  (lower-cased) so same-script matches still count.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import regex

from storyline.text.stopwords import HINDI_STOP, LATIN_STOP

_DEVA_CONS = {
    "क": "k",
    "ख": "k",
    "ग": "g",
    "घ": "g",
    "ङ": "n",
    "च": "ch",
    "छ": "ch",
    "ज": "j",
    "झ": "j",
    "ञ": "n",
    "ट": "t",
    "ठ": "t",
    "ड": "d",
    "ढ": "d",
    "ण": "n",
    "त": "t",
    "थ": "t",
    "द": "d",
    "ध": "d",
    "न": "n",
    "प": "p",
    "फ": "f",
    "ब": "b",
    "भ": "b",
    "म": "m",
    "य": "y",
    "र": "r",
    "ल": "l",
    "ळ": "l",
    "व": "v",
    "श": "sh",
    "ष": "sh",
    "स": "s",
    "ह": "h",
}
_DEVA_NUKTA = {"क": "k", "ख": "k", "ग": "g", "ज": "z", "ड": "r", "ढ": "r", "फ": "f", "य": "y"}
_DEVA_PRECOMPOSED = {
    "क़": "क\u093c",
    "ख़": "ख\u093c",
    "ग़": "ग\u093c",
    "ज़": "ज\u093c",
    "ड़": "ड\u093c",
    "ढ़": "ढ\u093c",
    "फ़": "फ\u093c",
    "य़": "य\u093c",
}
_DEVA_VOWELS = {
    "अ": "a",
    "आ": "a",
    "इ": "i",
    "ई": "i",
    "उ": "u",
    "ऊ": "u",
    "ऋ": "ri",
    "ए": "e",
    "ऐ": "ai",
    "ओ": "o",
    "औ": "au",
    "ऑ": "o",
    "ऍ": "e",
}
_DEVA_SIGNS = {
    "\u093e": "a",
    "\u093f": "i",
    "\u0940": "i",
    "\u0941": "u",
    "\u0942": "u",
    "\u0943": "ri",
    "\u0947": "e",
    "\u0948": "ai",
    "\u094b": "o",
    "\u094c": "au",
    "\u0949": "o",
    "\u0945": "e",
}
_NASAL = {"\u0902", "\u0901"}  # anusvara, chandrabindu
_VIRAMA = "\u094d"
_NUKTA = "\u093c"

_CYRILLIC = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        [
            "a",
            "b",
            "v",
            "g",
            "d",
            "e",
            "e",
            "zh",
            "z",
            "i",
            "y",
            "k",
            "l",
            "m",
            "n",
            "o",
            "p",
            "r",
            "s",
            "t",
            "u",
            "f",
            "kh",
            "ts",
            "ch",
            "sh",
            "shch",
            "",
            "y",
            "",
            "e",
            "yu",
            "ya",
        ],
        strict=True,
    )
)


def deva_to_latin(word: str) -> str:
    """Phonetic Latin spelling of a Devanagari word (inherent vowels written as ``a``)."""
    for pre, dec in _DEVA_PRECOMPOSED.items():
        word = word.replace(pre, dec)
    out: list[str] = []
    chars = list(word)
    i = 0
    while i < len(chars):
        ch = chars[i]
        if ch in _DEVA_CONS:
            nxt = chars[i + 1] if i + 1 < len(chars) else ""
            if nxt == _NUKTA:
                out.append(_DEVA_NUKTA.get(ch, _DEVA_CONS[ch]))
                i += 1
                nxt = chars[i + 1] if i + 1 < len(chars) else ""
            else:
                out.append(_DEVA_CONS[ch])
            if nxt in _DEVA_SIGNS or nxt == _VIRAMA:
                pass  # the sign supplies (or suppresses) the vowel
            else:
                out.append("a")
        elif ch in _DEVA_SIGNS:
            out.append(_DEVA_SIGNS[ch])
        elif ch in _DEVA_VOWELS:
            out.append(_DEVA_VOWELS[ch])
        elif ch in _NASAL:
            out.append("n")
        elif ch in (_VIRAMA, _NUKTA, "\u200c", "\u200d"):
            pass
        elif "\u0966" <= ch <= "\u096f":
            out.append(str(ord(ch) - 0x0966))
        else:
            out.append(ch)
        i += 1
    s = "".join(out)
    # schwa deletion at the end of a word: "kishora" -> "kishor"
    if len(s) > 2 and s.endswith("a") and not s.endswith("aa"):
        s = s[:-1]
    return s


def _strip_marks(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", s) if unicodedata.category(c) != "Mn")


_DIGRAPHS = [
    ("ngh", "nh"),
    ("sch", "S"),
    ("sh", "S"),
    ("ch", "C"),
    ("th", "t"),
    ("dh", "d"),
    ("bh", "b"),
    ("ph", "f"),
    ("kh", "k"),
    ("gh", "g"),
    ("jh", "j"),
    ("ck", "k"),
    ("x", "ks"),
    ("q", "k"),
    ("c", "k"),
    ("w", "v"),
    ("z", "j"),
]
_VOWELS = set("aeiouy")


@lru_cache(maxsize=200_000)
def skeleton(word: str) -> str:
    """Consonant skeleton of a (Latin or Devanagari) word; '' when nothing is left."""
    if any("\u0900" <= c <= "\u097f" for c in word):
        word = deva_to_latin(word)
    elif any("\u0400" <= c <= "\u04ff" for c in word):
        word = "".join(_CYRILLIC.get(c, c) for c in word.lower())
    s = _strip_marks(word).lower()
    s = re.sub(r"[^a-z0-9]", "", s)
    if not s:
        return ""
    if s.isdigit():
        return s
    for a, b in _DIGRAPHS:
        s = s.replace(a, b)
    out: list[str] = []
    for i, c in enumerate(s):
        if c in _VOWELS:
            continue
        if c == "h" and i > 0 and s[i - 1] not in _VOWELS:
            continue  # aspiration after a consonant
        if out and out[-1] == c:
            continue
        out.append(c)
    # "sh"/"s" spellings vary between transliterations (Sriharikota / श्रीहरिकोटा): fold them
    return "".join(out).replace("S", "s").replace("ss", "s")


# Python's ``re`` \w does not match combining marks, which split Devanagari words.
_WORD = regex.compile(r"[\p{L}\p{M}\p{N}]+(?:['’][\p{L}\p{M}]+)?")
_SENT_END = re.compile(r"[.!?।]\s*$")


def _is_latin(ch: str) -> bool:
    return ch.isascii() or unicodedata.name(ch, "").startswith("LATIN")


def _is_deva(tok: str) -> bool:
    return any("\u0900" <= c <= "\u097f" for c in tok)


def name_tokens(text: str) -> list[str]:
    """The words of ``text`` that count as names or rare terms (see the module docstring)."""
    out: list[str] = []
    for m in _WORD.finditer(text):
        tok = m.group(0)
        tok = re.sub(r"['’]s$", "", tok)
        if tok.isdigit():
            if len(tok) >= 3:
                out.append(tok)
            continue
        first = tok[0]
        if _is_deva(tok):
            if tok not in HINDI_STOP and len(tok) >= 2:
                out.append(tok)
        elif first.isalpha() and first.isupper():
            if tok.lower() not in LATIN_STOP and len(tok) >= 2:
                out.append(tok)
        elif not first.isascii() and first.isalpha() and not first.islower():
            out.append(tok)  # caseless scripts other than Devanagari (Arabic, CJK...)
    return out


def name_key_counts(text: str, *, min_len: int = 2) -> dict[str, int]:
    """Cross-script keys of the names in ``text`` with their counts, most frequent first."""
    counts: dict[str, int] = {}
    for key in _keys(text, min_len):
        counts[key] = counts.get(key, 0) + 1
    order = sorted(counts.items(), key=lambda kv: -kv[1])  # stable: first appearance breaks ties
    return dict(order)


def name_keys(text: str, *, min_len: int = 2) -> list[str]:
    """Distinct cross-script keys of the names in ``text``, in order of first appearance."""
    return list(dict.fromkeys(_keys(text, min_len)))


def _keys(text: str, min_len: int) -> list[str]:
    out: list[str] = []
    for tok in name_tokens(text):
        if tok.isdigit():
            key = tok
        elif _is_latin(tok[0]) or _is_deva(tok) or "\u0400" <= tok[0] <= "\u04ff":
            key = skeleton(tok)
            if len(key) < min_len:
                continue
        else:
            key = tok.lower()
        out.append(key)
    return out
