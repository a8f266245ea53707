"""Names for events and storylines.

* An event is titled after its most central article (English when nearly as central), so a
  listing reads like a news index; the title's language is kept.
* A storyline is named by what it is about, not by one article's headline: its most salient
  entities (people and organisations first, then places), and a key phrase, the word
  sequence most of its events' headlines share ("lockdown extended", "pooled testing"), e.g.
  ``Prashant Kishor · Congress · Punjab: poll strategist``. A one-event story keeps the
  event's title after its entities.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable

import regex

from storyline.cluster.events import EventState
from storyline.text.stopwords import HINDI_STOP, LATIN_STOP

MAX_ENTITIES = 3
_WORD = regex.compile(r"[\p{L}\p{M}][\p{L}\p{M}\p{N}'’-]*|\d[\d,.]*")

#: entity id -> (display name, type) or None
EntityNamer = Callable[[str], "tuple[str, str] | None"]


def salient_entities(evs: list[EventState], namer: EntityNamer, k: int = MAX_ENTITIES) -> list[str]:
    """Names of the entities most of the story's events mention (people/orgs before places)."""
    df: Counter[str] = Counter()
    weight: Counter[str] = Counter()
    for ev in evs:
        for key, w in ev.keys.items():
            if key.startswith("@"):
                df[key] += 1
                weight[key] += w
    if not df:
        return []
    need = 1 if len(evs) <= 2 else max(2, math.ceil(0.2 * len(evs)))
    ranked = sorted(df, key=lambda e: (-df[e], -weight[e], e))
    out: list[tuple[int, str]] = []
    for key in ranked:
        if df[key] < need or len(out) >= 3 * k:
            break
        named = namer(key[1:])
        if named is None or not named[0]:
            continue
        name, typ = named
        if name in (n for _r, n in out):
            continue
        out.append((0 if typ in ("PERSON", "ORG") else 1, name))
    out.sort(key=lambda t: t[0])  # stable: people and organisations first
    return [n for _r, n in out[:k]]


def is_stopword(w: str) -> bool:
    return len(w) < 2 or w in LATIN_STOP or w in HINDI_STOP


def _ngrams(title: str) -> dict[tuple[str, ...], str]:
    """Word sequences (3 and 2 words) of a headline: folded form -> as written."""
    raw = _WORD.findall(title)
    words = [w.casefold() for w in raw]
    grams: dict[tuple[str, ...], str] = {}
    for n in (3, 2):
        for i in range(len(words) - n + 1):
            g = tuple(words[i : i + n])
            if is_stopword(g[0]) or is_stopword(g[-1]) or all(w[0].isdigit() for w in g):
                continue
            grams.setdefault(g, " ".join(raw[i : i + n]))
    return grams


def key_phrase(titles: list[str], avoid: set[str] | frozenset[str] = frozenset()) -> str | None:
    """The word sequence (2-3 words) the most headlines share, if at least two do; written
    as most headlines write it. Sequences with a word of ``avoid`` (the entities already
    named) are skipped."""
    counts: Counter[tuple[str, ...]] = Counter()
    forms: dict[tuple[str, ...], Counter[str]] = {}
    for t in titles:
        for g, form in _ngrams(t).items():
            if any(w in avoid for w in g):
                continue
            counts[g] += 1
            forms.setdefault(g, Counter())[form] += 1
    if not counts:
        return None
    best, n = max(counts.items(), key=lambda kv: (kv[1], len(kv[0]), kv[0]))
    return forms[best].most_common(1)[0][0] if n >= 2 else None


def story_title(evs: list[EventState], namer: EntityNamer) -> str:
    """``Entity · Entity · Entity: key phrase`` (see the module docstring)."""
    if not evs:
        return ""
    main = max(evs, key=lambda e: (e.n_unique, e.title_lang == "en", e.id))
    ents = salient_entities(evs, namer)
    titles = [e.title for e in evs if e.title and (e.title_lang == "en" or not e.title_lang)]
    titles = titles or [e.title for e in evs if e.title]
    avoid = {w.casefold() for e in ents for w in _WORD.findall(e)}
    phrase = key_phrase(titles, avoid) if len(evs) > 1 else None
    head = " · ".join(ents)
    if phrase:
        return f"{head}: {phrase}" if head else phrase
    tail = main.title
    if len(tail) > 90:
        tail = tail[:87].rsplit(" ", 1)[0] + "…"
    return f"{head}: {tail}" if head and tail else head or tail
