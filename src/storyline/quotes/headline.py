"""Headline attributions: "लॉकडाउन को सख्ती से लागू करेंगे : योगी", "Yediyurappa: will
review on April 20".

Hindi papers (and many English ones) put the speaker of a sub-headline on one side of a
colon. A line that is one sentence of its own, with a single colon outside quotation marks,
a claim of three or more words on one side and on the other a name of one to four words that
the article names elsewhere (a person or agent mention), is a reported claim of that person.
The speaker is the fullest mention of the name in the article ("योगी" → "योगी आदित्यनाथ").
A name before the colon on the article's first line, or a place ("Nashik: …"), is a dateline.
"""

from __future__ import annotations

import regex

from storyline.quotes.carry import is_place
from storyline.quotes.context import Context
from storyline.quotes.spans import Sentence
from storyline.quotes.speakers import Mention, Source

_WORD = regex.compile(r"[\p{L}\p{M}\p{N}][\p{L}\p{M}\p{N}.'’-]*")
_COLON = regex.compile(r"\s*:\s*")


def _fullest(ctx: Context, name: str, s: Sentence) -> Mention | None:
    """The longest mention outside this line whose words include every word of ``name``."""
    want = name.split()
    best: Mention | None = None
    for m in ctx.mentions:
        if s.start <= m.start < s.end or m.in_quote:
            continue
        have = m.text.split()
        if all(w in have for w in want) and (best is None or len(have) > len(best.text.split())):
            best = m
    return best


def headline(ctx: Context, s: Sentence) -> None:
    """Add the claim of a "claim : name" / "name : claim" line (see the module docstring)."""
    text = ctx.text
    line_start = text.rfind("\n", 0, s.start) + 1
    line_end = text.find("\n", s.end)
    line_end = len(text) if line_end < 0 else line_end
    if text[line_start : s.start].strip() or text[s.end : line_end].strip():
        return  # not alone on its line
    if any(c.sentence_start == s.start for c in ctx.claims):
        return
    colons = [m for m in _COLON.finditer(text, s.start, s.end)
              if not any(q.start <= m.start() < q.end for q in s.quotes)]
    if len(colons) != 1:
        return
    c = colons[0]
    left = (s.start, c.start())
    right = (c.end(), s.end)
    for name_side, claim_side in ((right, left), (left, right)):
        name = text[name_side[0] : name_side[1]].strip(" ।.!?-—")
        words = _WORD.findall(name)
        claim_words = _WORD.findall(text[claim_side[0] : claim_side[1]])
        if not 1 <= len(words) <= 4 or len(claim_words) < 3 or any(
                ch.isdigit() for ch in name):
            continue
        if name_side == left and (not text[:line_start].strip() or is_place(name)):
            continue  # "Nashik: State food minister …" is a dateline
        full = _fullest(ctx, name, s)
        if full is None or is_place(full.text):
            continue
        a = text.index(name, name_side[0])
        src = Source("named", a, a + len(name), name=(full.start, full.end))
        ctx.add_reported(claim_side[0], claim_side[1], s, src, (c.start(), c.end()))
        return
