"""Quotation spans, sentences and tokens, all with character offsets into the input text.

* :func:`find_quotes` pairs quotation marks within a line: ``“…”``, ``"…"``, ``«…»``
  (also ``»…«``), ``„…“``/``„…”``, ``‹…›``, ``「…」``, and — outside those — ``‘…’`` and
  ``'…'`` when the marks sit at word edges (so ``Mehra’s``, ``l'argent`` and ``don't`` are
  apostrophes, not quotes). An opening mark with no closing one in its line runs to the end
  of the line (news style for quotes that continue in the next paragraph).
* :func:`split_sentences` never splits inside a quotation, so a multi-sentence quote stays
  in one sentence with its attribution; it does split at every line break and after a
  quote that ends with a full stop. Abbreviations and initials (``Mr.``, ``S. Venkatesh``,
  ``M. Mehra``, ``एस. वेंकटेश``) do not end a sentence.
* :func:`tokenize` turns a sentence into word, punctuation and quote tokens (a whole
  quotation is one token), which is what the attribution rules walk over.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

import regex

from storyline.quotes.cues import words

# closing marks per opening mark; “…’’ and “…'' (two apostrophes for a closing double quote)
# are common in Indian and typewriter-style English copy
_OPEN_CLOSE: dict[str, tuple[str, ...]] = {
    "“": ("”", "’’", "''"), "«": ("»",), "„": ("“", "”"), "‹": ("›",), "「": ("」",),
    "『": ("』",),
}
_LETTER = regex.compile(r"[\p{L}\p{M}\p{N}]")
_MAX_SINGLE = 400

ABBREVIATIONS = frozenset(
    words(
        """
    mr mrs ms dr prof sh smt capt col gen lt maj sgt st jr sr sra mme mlle rs no nos vs inc
    ltd co corp govt dept mt ft jan feb aug sept sep oct nov dec rev hon adv
    """
    )
)
HI_INITIALS = frozenset(
    words(
        """
    एस के जे पी बी डी एम एन आर ए वी सी टी एल एच ओ यू आई ई एफ जी डब्ल्यू एक्स वाई क्यू
    """
    )
)
_ABBR_ALT = "|".join(sorted(ABBREVIATIONS, key=len, reverse=True))
_HI_ALT = "|".join(sorted(HI_INITIALS, key=len, reverse=True))
_TOKEN = regex.compile(
    rf"(?P<w>(?:(?<![\p{{L}}\p{{M}}])(?:\p{{Lu}}|(?i:{_ABBR_ALT})|{_HI_ALT})\.(?=\s))"
    r"|[\p{L}\p{M}\p{N}]+(?:(?:[-'’&/]|(?<=[A-Za-z0-9])\.(?=[A-Za-z0-9]))[\p{L}\p{M}\p{N}]+)*)"
    r"|(?P<p>\S)"
)
_TERMINATOR = regex.compile(
    # possessive, and never starting inside a run of terminators: linear on "!!!!…!!!x"
    r"(?<![.!?।॥])[.!?।॥]++[\"”’»)\]]*+(?=\s|$)|(?<=[\u0900-\u097f])[.।](?=[\u0900-\u097f])"
)


@dataclass(frozen=True, slots=True)
class Quote:
    """A quotation: ``start``/``end`` include the marks, ``inner_*`` exclude them."""

    start: int
    end: int
    inner_start: int
    inner_end: int
    closed: bool = True

    def words(self, text: str) -> int:
        return len(text[self.inner_start : self.inner_end].split())


@dataclass(slots=True)
class Token:
    text: str
    start: int
    end: int
    kind: str  # "w" word, "p" punctuation, "q" quotation
    quote: Quote | None = None

    @property
    def low(self) -> str:
        return self.text.lower()


@dataclass(slots=True)
class Sentence:
    """A sentence; its tokens are computed on first use (most sentences never need them)."""

    index: int
    start: int
    end: int
    paragraph: int
    quotes: list[Quote] = field(default_factory=list)
    source: str = ""
    _tokens: list[Token] | None = None

    @property
    def tokens(self) -> list[Token]:
        if self._tokens is None:
            self._tokens = tokenize(self.source, self.start, self.end, self.quotes)
        return self._tokens


def _is_letter(ch: str) -> bool:
    return bool(ch) and _LETTER.match(ch) is not None


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def _mk(text: str, a: int, b: int, closed: bool, width: int = 1) -> Quote:
    ia, ib = _trim(text, a + 1, b - width if closed else b)
    return Quote(a, b, ia, ib, closed)


_DOUBLE_MARK = regex.compile(r'["“”«»„‹「『]')
_SINGLE_OPEN = regex.compile(r"(?:(?<=^|[\s(\[{—–/-])['‘])(?=[\p{L}\p{M}\p{N}])", regex.M)


def _double_quotes(text: str, lo: int, hi: int) -> list[Quote]:
    out: list[Quote] = []
    i = lo
    while i < hi:
        m = _DOUBLE_MARK.search(text, i, hi)
        if m is None:
            break
        i = m.start()
        ch = text[i]
        closers: tuple[str, ...] | None = None
        if ch in _OPEN_CLOSE:
            closers = _OPEN_CLOSE[ch]
        elif ch == '"':
            closers = ('"',)
        elif ch == "”" and (i == lo or text[i - 1].isspace()) and _is_letter(text[i + 1 : i + 2]):
            closers = ("”", "’’")  # typographically wrong opener
        elif ch == "»" and _is_letter(text[i + 1 : i + 2]) and "«" in text[i + 1 : hi]:
            closers = ("«",)  # German/Danish »…«
        if closers is None:
            i += 1
            continue
        found = [(k, len(c)) for c in closers if (k := text.find(c, i + 1, hi)) >= 0]
        j, width = min(found) if found else (-1, 1)
        if j >= 0:
            if j > i + 1:
                out.append(_mk(text, i, j + width, True, width))
            i = j + width
        else:
            if _is_letter(text[i + 1 : i + 2]) or text[i + 1 : i + 2] == " ":
                out.append(_mk(text, i, hi, False))
            i = hi
    return out


def _single_quotes(text: str, lo: int, hi: int) -> list[Quote]:
    out: list[Quote] = []
    i = lo
    while i < hi:
        m = _SINGLE_OPEN.search(text, i, hi)
        if m is None:
            break
        i = m.start()
        close = "’" if text[i] == "‘" else "'"
        lim = min(hi, i + _MAX_SINGLE)
        j = text.find(close, i + 2, lim)
        found = -1
        while j >= 0:
            if not text[j - 1].isspace() and not _is_letter(text[j + 1 : j + 2]):
                found = j
                break
            j = text.find(close, j + 1, lim)
        if found > 0:
            out.append(_mk(text, i, found + 1, True))
            i = found + 1
        else:
            i += 1
    return out


def find_quotes(text: str) -> list[Quote]:
    """All quotations in ``text``, in order, not overlapping (nested quotes are dropped)."""
    quotes: list[Quote] = []
    pos = 0
    for line in text.split("\n"):
        lo, hi = pos, pos + len(line)
        pos = hi + 1
        if not line.strip():
            continue
        doubles = _double_quotes(text, lo, hi)
        quotes.extend(doubles)
        gaps: list[tuple[int, int]] = []
        a = lo
        for q in doubles:
            gaps.append((a, q.start))
            a = q.end
        gaps.append((a, hi))
        for ga, gb in gaps:
            quotes.extend(_single_quotes(text, ga, gb))
    quotes.sort(key=lambda q: q.start)
    return quotes


def _abbreviation_before(text: str, dot: int) -> bool:
    j = dot
    while j > 0 and _is_letter(text[j - 1]):
        j -= 1
    word = text[j:dot]
    if not word:
        return False
    if len(word) == 1 and word.isupper():
        return True
    return word.lower() in ABBREVIATIONS or word in HI_INITIALS


_MONTH_AFTER = regex.compile(
    r"\s*(?:Jan|Feb|Mär|Mar|Apr|Mai|May|Jun|Jul|Aug|Sep|Okt|Oct|Nov|Dez|Dec)", regex.I
)


def _ordinal_date(text: str, dot: int, end: int) -> bool:
    """German-style ordinal before a month: "am 24. Dezember"."""
    j = dot
    while j > 0 and text[j - 1].isdigit():
        j -= 1
    return 1 <= dot - j <= 2 and _MONTH_AFTER.match(text, end) is not None


MAX_SENTENCE = 1000  # characters; a longer "sentence" (no punctuation) is cut at a space


def _bounded(text: str, cuts: list[int]) -> list[int]:
    """*cuts* plus cuts inside segments over ``MAX_SENTENCE`` characters, so the rules'
    per-sentence work stays bounded (a text with no full stops is not one sentence)."""
    out: list[int] = []
    a = 0
    for cut in [*cuts, len(text)]:
        while cut - a > MAX_SENTENCE:
            sp = text.rfind(" ", a + MAX_SENTENCE // 2, a + MAX_SENTENCE)
            a = sp if sp > a else a + MAX_SENTENCE
            out.append(a)
        out.append(cut)
        a = cut
    return sorted(set(out))


def split_sentences(text: str, quotes: list[Quote] | None = None) -> list[Sentence]:
    """Sentences with offsets; quotes inside a sentence are attached to it."""
    if quotes is None:
        quotes = find_quotes(text)
    inside = [(q.start, q.end) for q in quotes]
    cuts: set[int] = set()
    pos = 0
    for line in text.split("\n"):
        cuts.add(pos + len(line))
        pos += len(line) + 1
    qi = 0
    for m in _TERMINATOR.finditer(text):
        if m.group(0).startswith(".") and (
            _abbreviation_before(text, m.start()) or _ordinal_date(text, m.start(), m.end())
        ):
            continue
        while qi < len(inside) and inside[qi][1] < m.end():
            qi += 1
        if (
            qi < len(inside)
            and inside[qi][0] < m.start() < inside[qi][1]
            and m.end() < inside[qi][1]
        ):
            continue  # a full stop inside a quotation
        nxt = text[m.end() : m.end() + 3].lstrip()
        if nxt[:1].islower():
            continue
        cuts.add(m.end())
    line_starts: list[int] = []
    pos = 0
    for line in text.split("\n"):
        if line.strip():
            line_starts.append(pos)
        pos += len(line) + 1
    sentences: list[Sentence] = []
    a = 0
    for cut in _bounded(text, sorted(cuts)):
        sa, sb = _trim(text, a, cut)
        if sb > sa:
            paragraph = bisect.bisect_right(line_starts, sa) - 1
            sentences.append(Sentence(len(sentences), sa, sb, paragraph, source=text))
        a = cut
    q = 0
    for s in sentences:
        while q < len(quotes) and quotes[q].start < s.start:
            q += 1
        k = q
        while k < len(quotes) and quotes[k].start < s.end:
            s.quotes.append(quotes[k])
            k += 1
    return sentences


def tokenize(text: str, start: int, end: int, quotes: list[Quote]) -> list[Token]:
    """Word/punctuation tokens of ``text[start:end]``; each quotation is one ``"q"`` token."""
    out: list[Token] = []
    a = start
    for q in [*quotes, None]:
        b = min(q.start, end) if q is not None else end
        for m in _TOKEN.finditer(text, a, b):
            kind = "w" if m.group("w") else "p"
            out.append(Token(m.group(0), m.start(), m.end(), kind))
        if q is not None:
            qe = min(q.end, end)
            out.append(Token(text[q.start : qe], q.start, qe, "q", q))
            a = qe
    return out
