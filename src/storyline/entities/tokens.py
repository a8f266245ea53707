"""Tokenisation for mention finding, and the gazetteer's lookup tables.

Tokens keep their character offsets. A Latin token may hold inner dots and apostrophes
(``U.S``, ``O'Brien``); hyphens separate tokens (phrases may span them); a trailing
possessive ``'s`` and a French elided article (``l'``) are cut off the token. Each token
knows whether it starts a sentence (or a title-case line), where a capital letter says
nothing about names.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import regex

from storyline.entities.gazetteer import ENTRIES, LexEntry
from storyline.entities.keys import deva_acronym

_TOKEN = regex.compile(
    r"(?P<deva>[\u0900-\u0963\u0971-\u097f](?:[\u200c\u200d]?[\u0900-\u0963\u0971-\u097f])*)"
    r"|(?P<word>[\p{L}\p{M}\p{N}]+(?:['’.&][\p{L}\p{M}\p{N}]+)*)"
)
# French elision: "l'Inde" -> "Inde" ("D'Souza" keeps its capital D')
_ELISION = regex.compile(r"^(?:[lLdjnsctm]|[qQ]u|[jJ]usqu|[lL]orsqu)['’](?=\p{L})")
_POSSESSIVE = regex.compile(r"['’]s$")
_OPENERS = set("\"“‘'«„([{*•-–—")
_ENDERS = set(".!?।:;|\n—–")


@dataclass
class Token:
    text: str
    start: int
    end: int
    deva: bool
    initial: bool  # first word of a sentence/line, or inside a title-case line
    gap_before: str  # the characters between the previous token and this one

    @property
    def cap(self) -> bool:
        c = self.text[0]
        return c.isalpha() and c.isupper()

    @property
    def upper(self) -> bool:
        letters = [c for c in self.text if c.isalpha()]
        return len(letters) >= 2 and all(c.isupper() for c in letters)


def _is_initial(text: str, start: int) -> bool:
    i = start - 1
    while i >= 0 and (text[i] in " \t\u00a0" or text[i] in _OPENERS):
        i -= 1
    return i < 0 or text[i] in _ENDERS


def _title_case_lines(text: str) -> list[tuple[int, int]]:
    """Spans of lines written in Title Case (most words capitalised): headlines."""
    out: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        words = [w for w in line.split() if w[:1].isalpha() and len(w) > 3]
        latin = [w for w in words if w[0].isascii()]
        # a sentence full of names ("He was speaking from the Takht … in Bathinda.") is no
        # headline: headlines do not end in a full stop
        sentence = line.rstrip().rstrip("\"”’')").endswith((".", "!", "?")) and len(
            line.split()) >= 8
        if (not sentence and len(latin) >= 4
                and sum(w[0].isupper() for w in latin) >= 0.7 * len(latin)):
            out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def tokenize(text: str) -> list[Token]:
    titles = _title_case_lines(text)
    out: list[Token] = []
    prev_end = 0
    t = 0
    for m in _TOKEN.finditer(text):
        s, e = m.start(), m.end()
        word = m.group(0)
        deva = m.group("deva") is not None
        if not deva:
            el = _ELISION.match(word)
            if el:
                s += len(el.group(0))
                word = word[len(el.group(0)) :]
            pm = _POSSESSIVE.search(word)
            if pm and len(word) > 3:
                e -= len(pm.group(0))
                word = word[: -len(pm.group(0))]
            if word.endswith("."):
                word, e = word[:-1], e - 1
        while t < len(titles) and titles[t][1] < s:
            t += 1
        in_title = t < len(titles) and titles[t][0] <= s <= titles[t][1]
        initial = in_title or _is_initial(text, s)
        out.append(Token(word, s, e, deva, initial, text[prev_end:s]))
        prev_end = m.end()
    return out


def joined(tokens: list[Token], i: int, j: int, *, strict: bool = False) -> bool:
    """Whether tokens i..j-1 form one phrase: only spaces or hyphens between them (and,
    unless ``strict``, the ``&()`` of names such as ``J&K`` and ``JD(U)``)."""
    allowed = " \u00a0\u200c\u200d-" if strict else " \u00a0\u200c\u200d-&()"
    if i < 0 or j > len(tokens):  # a span past either end is not a phrase
        return False
    for k in range(i + 1, j):
        gap = tokens[k].gap_before
        if len(gap) > 3 or any(c not in allowed for c in gap):
            return False
    return True


@dataclass(frozen=True)
class GazetteerIndex:
    latin: dict[tuple[str, ...], LexEntry]  # case-sensitive token tuples
    latin_lower: dict[tuple[str, ...], LexEntry]  # forms written all in lower case
    deva: dict[tuple[str, ...], LexEntry]
    acronyms: dict[str, LexEntry]  # Latin acronym -> entry (for Devanagari spellings)
    max_len: int
    first: dict[str, int]  # first word of a form (as written and lower-cased) -> most words


def _form_tokens(form: str) -> tuple[str, ...]:
    return tuple(t.text for t in tokenize(form))


@lru_cache(maxsize=1)
def gazetteer_index() -> GazetteerIndex:
    latin: dict[tuple[str, ...], LexEntry] = {}
    lower: dict[tuple[str, ...], LexEntry] = {}
    deva: dict[tuple[str, ...], LexEntry] = {}
    acr: dict[str, LexEntry] = {}
    longest = 1
    for e in ENTRIES:
        for f in e.latin if e.match_latin else ():
            toks = _form_tokens(f)
            if not toks:
                continue
            longest = max(longest, len(toks))
            if f == f.lower():
                lower.setdefault(toks, e)
            else:
                latin.setdefault(toks, e)
            if len(toks) == 1 and f.isupper() and f.isalpha():
                acr.setdefault(f, e)
        for f in e.deva:
            toks = _form_tokens(f)
            if toks:
                longest = max(longest, len(toks))
                deva.setdefault(toks, e)
                if len(toks) == 1 and (a := deva_acronym(toks[0])):
                    acr.setdefault(a, e)
    first: dict[str, int] = {}
    for table in (latin, lower, deva):
        for toks in table:
            for w in (toks[0], toks[0].lower(), toks[0].upper()):
                first[w] = max(first.get(w, 0), len(toks))
    return GazetteerIndex(latin, lower, deva, acr, longest, first)
