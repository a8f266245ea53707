"""Keys that make entity names comparable across spellings and scripts.

* :func:`token_key` is the consonant skeleton of :func:`storyline.text.names.skeleton`
  (``Kishor``/``किशोर`` → ``ksr``) with one extra fold: ``m`` before a consonant is read
  as the nasal ``n`` (``Omkar``/``ओंकार``).
* :func:`vowel_key` keeps the vowels other than the ambiguous schwa ``a`` (``Modi`` →
  ``modi`` but ``मदद`` → ``md``). Short skeletons collide with common words, so short
  names must agree on this key too (:func:`same_word`).
* :func:`deva_acronym` reads a Devanagari word spelled with English letter names
  (``एनडीटीवी`` → ``NDTV``, ``बीजेपी`` → ``BJP``).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import regex

from storyline.text.names import deva_to_latin, skeleton

DEVA_RE = re.compile(r"[\u0900-\u097f]")
WORD_RE = regex.compile(r"[\p{L}\p{M}\p{N}]+")


def is_deva(s: str) -> bool:
    return bool(DEVA_RE.search(s))


def script_of(s: str) -> str:
    """ISO 15924 code of a name: ``Deva`` when it has Devanagari letters, else ``Latn``
    for Latin letters, ``Cyrl`` for Cyrillic and ``Zyyy`` otherwise."""
    if is_deva(s):
        return "Deva"
    for ch in s:
        if ch.isalpha():
            if ch.isascii() or unicodedata.name(ch, "").startswith("LATIN"):
                return "Latn"
            if "\u0400" <= ch <= "\u04ff":
                return "Cyrl"
            return "Zyyy"
    return "Zyyy"


def _strip_marks(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", s) if unicodedata.category(c) != "Mn")


_M_BEFORE_CONS = re.compile(r"m(?=[^aeiouyh\W])")


@lru_cache(maxsize=200_000)
def token_key(token: str) -> str:
    """Script-neutral consonant key of one word ('' when nothing is left)."""
    if not is_deva(token):
        token = _M_BEFORE_CONS.sub("n", _strip_marks(token).lower())
    return skeleton(token)


def name_key(tokens: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """Keys of the words of a name, empty keys dropped."""
    return tuple(k for k in (token_key(t) for t in tokens) if k)


_VOWEL_FOLDS = [
    ("sh", "s"),
    ("ch", "c"),
    ("ph", "f"),
    ("w", "v"),
    ("z", "j"),
    ("q", "k"),
    ("x", "ks"),
    ("ck", "k"),
    ("c", "k"),
    ("au", "o"),
    ("ou", "u"),
    ("oo", "u"),
    ("ee", "i"),
    ("ai", "e"),
    ("y", "i"),
]


@lru_cache(maxsize=100_000)
def vowel_key(token: str) -> str:
    """Phonetic form that keeps the vowels except ``a`` (which Devanagari leaves unwritten)."""
    s = deva_to_latin(token) if is_deva(token) else token
    s = re.sub(r"[^a-z]", "", _strip_marks(s).lower())
    if not is_deva(token):
        s = _M_BEFORE_CONS.sub("n", s)
    if s.startswith("sri"):
        s = "shri" + s[3:]
    for a, b in _VOWEL_FOLDS:
        s = s.replace(a, b)
    out: list[str] = []
    for i, c in enumerate(s):
        if c == "a":
            continue
        if c == "h" and i > 0 and s[i - 1] not in "aeiou":
            continue
        if out and out[-1] == c:
            continue
        out.append(c)
    if len(out) > 3 and out[-1] == "e":
        out.pop()
    return "".join(out)


def same_word(a: str, b: str) -> bool:
    """Whether two words (any script) are spellings of the same name word."""
    ka, kb = token_key(a), token_key(b)
    if not ka or ka != kb:
        return False
    return len(ka) >= 4 or vowel_key(a) == vowel_key(b)


# English letter names as Hindi writes them (longest first when matching).
_LETTER_NAMES = {
    "ए": "A",
    "बी": "B",
    "सी": "C",
    "डी": "D",
    "ई": "E",
    "एफ": "F",
    "एफ़": "F",
    "जी": "G",
    "एच": "H",
    "आई": "I",
    "जे": "J",
    "के": "K",
    "एल": "L",
    "एम": "M",
    "एन": "N",
    "ओ": "O",
    "पी": "P",
    "क्यू": "Q",
    "आर": "R",
    "एस": "S",
    "टी": "T",
    "यू": "U",
    "वी": "V",
    "डब्ल्यू": "W",
    "डब्लू": "W",
    "एक्स": "X",
    "वाई": "Y",
    "जेड": "Z",
    "ज़ेड": "Z",
}
_LETTERS_BY_LEN = sorted(_LETTER_NAMES, key=len, reverse=True)


@lru_cache(maxsize=50_000)
def deva_acronym(word: str) -> str | None:
    """``एनडीटीवी`` → ``NDTV``: the Latin acronym a Devanagari word spells, if it spells one
    of at least two letters; None otherwise."""
    word = unicodedata.normalize("NFC", word)
    out: list[str] = []
    i = 0
    while i < len(word):
        for name in _LETTERS_BY_LEN:
            if word.startswith(name, i):
                # a letter name may not be cut out of a longer syllable (a sign or virama after)
                nxt = word[i + len(name)] if i + len(name) < len(word) else ""
                if (nxt and unicodedata.category(nxt) == "Mn") or nxt == "\u094d":
                    continue
                out.append(_LETTER_NAMES[name])
                i += len(name)
                break
        else:
            return None
    return "".join(out) if len(out) >= 2 else None


def initials(tokens: list[str] | tuple[str, ...], skip: frozenset[str]) -> str:
    """Upper-case initials of a Latin name's words, connector words skipped."""
    return "".join(t[0].upper() for t in tokens if t and t.lower() not in skip and t[0].isalpha())
