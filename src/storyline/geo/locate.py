"""Find the places an article is about and sum them up level by level.

Candidates are runs of capitalised words in Latin script (``Uttar Pradesh``, ``MUMBAI``,
``Le Caire``) and runs of words in other scripts (``उत्तर प्रदेश``), looked up in the
gazetteer, longest name first. A name can also be a common word (``Police``, Hindi ``कतर``
"queue"), part of a person's name (``Nirmala Sitharaman``) or a small town far away, so a
candidate is kept only with evidence, in two passes:

1. *anchors*: countries, first-level regions (states, provinces) whose name is unique, and
   cities of a million people or more;
2. every other place: when a region or country it belongs to was anchored (a district town in
   an article naming its state), or when it stands where places stand (the dateline, after
   ``in``/``at``/``from``/``में``…) in a country the article names.

A name is never a place when its lower-case form occurs in the article as an ordinary word,
when it is a common word of the language, when a personal title precedes it, or when it is
only a later part of a longer capitalised name (``Sabha`` in ``Lok Sabha``). Among places
sharing a name, the one in an anchored region or country wins, then the most populous. Each
kept mention adds a weight (title and dateline 3, lead 2, body 1) to its place and to every
place containing it; weights are then made sublinear.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import regex

from storyline.geo.gazetteer import LEVELS, Gazetteer, Place, fold, gazetteer

LEAD_CHARS = 400
BODY_CHARS = 6000  # places deep in a long text say little about what it is about
BIG_CITY = 1_000_000
MID_CITY = 100_000

_WORD = regex.compile(r"[\p{L}\p{M}][\p{L}\p{M}\p{N}'’.-]*")
_CONNECT = frozenset(
    [
        "and",
        "&",
        "of",
        "de",
        "del",
        "la",
        "le",
        "les",
        "al",
        "el",
        "di",
        "da",
        "do",
        "dos",
        "das",
        "du",
        "des",
        "von",
        "van",
        "on",
        "sur",
        "y",
        "e",
        "et",
    ]
)
_LOCATIVE = frozenset(
    [
        "in",
        "at",
        "from",
        "near",
        "into",
        "across",
        "outside",
        "inside",
        "around",
        "en",
        "à",
        "au",
        "aux",
        "di",
        "da",
        "dans",
        "desde",
        "hacia",
        "cerca",
        "nella",
        "nel",
        "nei",
        "presso",
        "vicino",
        "im",
        "bei",
        "aus",
        "nach",
        "में",
        "से",
    ]
)
_TITLES = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "shri",
        "smt",
        "sir",
        "minister",
        "president",
        "prime",
        "chief",
        "general",
        "justice",
        "sri",
        "st",
        "señor",
        "sr",
        "sra",
        "monsieur",
        "m",
        "mme",
        "signor",
        "sig",
        "श्री",
        "श्रीमती",
        "डॉ",
    ]
)


@dataclass
class PlaceMention:
    place: Place
    surface: str
    start: int
    weight: float
    where: str  # "title" | "dateline" | "lead" | "body"


@dataclass
class PlaceProfile:
    """Weights of the places an article is about, per level (city, admin2, admin1, country)."""

    levels: dict[str, dict[str, float]] = field(default_factory=dict)
    mentions: list[PlaceMention] = field(default_factory=list)

    def focus(self, level: str) -> tuple[str, float] | None:
        """The dominant place at ``level`` and its share of that level's weight."""
        w = self.levels.get(level) or {}
        if not w:
            return None
        pid, top = max(w.items(), key=lambda kv: (kv[1], kv[0]))
        return pid, top / sum(w.values())

    def most_specific(self, min_share: float = 0.5) -> tuple[str, str] | None:
        """(level, id) of the most specific place that holds ``min_share`` of its level."""
        for level in LEVELS:
            f = self.focus(level)
            if f is not None and f[1] >= min_share:
                return level, f[0]
        return None

    def to_dict(self) -> dict[str, dict[str, float]]:
        return {k: {p: round(w, 3) for p, w in v.items()} for k, v in self.levels.items() if v}


@dataclass
class _Cand:
    start: int
    surface: str
    places: list[Place]
    part: str  # "whole" | "prefix" | "inner": where the name sits in its capitalised run


def _runs(text: str, max_words: int) -> list[tuple[int, list[tuple[int, str]]]]:
    """Runs of candidate words: capitalised Latin words (with connectors), or any other-script
    words; each run is a list of (start, word)."""
    words = [(m.start(), m.end(), m.group().rstrip(".'’-")) for m in _WORD.finditer(text)]
    out: list[tuple[int, list[tuple[int, str]]]] = []
    i, n = 0, len(words)
    while i < n:
        s, _e, w = words[i]
        latin = w[:1].isascii() or w[:1].isupper() or w[:1].islower()
        if latin and not w[:1].isupper():
            i += 1
            continue
        run = [(s, w)]
        j = i + 1
        while j < n and len(run) < max_words + 2:
            gap = text[words[j - 1][1] : words[j][0]]
            if gap.strip() not in ("", "-", "&") or "\n" in gap:
                break
            nxt = words[j][2]
            nl = nxt[:1].isascii() or nxt[:1].isupper() or nxt[:1].islower()
            if latin and not (nl and (nxt[:1].isupper() or nxt.lower() in _CONNECT)):
                break
            if not latin and nl:
                break
            run.append((words[j][0], nxt))
            j += 1
        out.append((i, run))
        i = j if latin else i + 1
    return out


def _candidates(text: str, gaz: Gazetteer) -> list[_Cand]:
    out: list[_Cand] = []
    for _i, run in _runs(text, gaz.max_words):
        latin = run[0][1][:1].isupper()
        k = 0
        while k < len(run):
            found = None
            if fold(run[k][1]) not in gaz.first_words:
                k += 1
                if not latin:
                    break
                continue
            for m in range(min(len(run), k + gaz.max_words), k, -1):
                if run[m - 1][1].lower() in _CONNECT:
                    continue
                surface = " ".join(w for _s, w in run[k:m])
                places = gaz.lookup(surface)
                if places:
                    found = (m, surface, places)
                    break
            if found:
                m, surface, places = found
                part = "whole" if m - k == len(run) else "prefix" if k == 0 else "inner"
                if not latin:
                    part = "whole"
                out.append(_Cand(run[k][0], surface, places, part))
                k = m
            else:
                k += 1
            if not latin:
                break  # other scripts: one run per start word (see _runs)
    return out


def _where(start: int, title_len: int, dateline_end: int) -> tuple[str, float]:
    if start < title_len:
        return "title", 3.0
    if start < dateline_end:
        return "dateline", 3.0
    if start < title_len + LEAD_CHARS:
        return "lead", 2.0
    return "body", 1.0


def _weight(p: Place) -> float:
    """Population, halved for a district so that a city wins over its namesake district."""
    return p.population / 2 if p.kind == "admin2" else float(p.population)


def _dateline_end(body: str) -> int:
    m = regex.match(r"\s*([^\n:—–]{2,60}?)\s*[:—–]", body)
    return m.end() if m and len(m.group(1).split()) <= 6 else 0


def _common_words() -> frozenset[str]:
    from storyline.entities.lexicon import DEVA_NEVER, LATIN_COMMON

    return frozenset(fold(w) for w in (*DEVA_NEVER, *LATIN_COMMON))


_COMMON: frozenset[str] | None = None


def locate(
    title: str,
    text: str,
    *,
    not_places: Iterable[str] = (),
    gaz: Gazetteer | None = None,
) -> PlaceProfile:
    """The places ``title`` + ``text`` are about (see the module docstring).

    ``not_places``: surface forms known to be something else in this article (the words of
    its people's names, from the entity annotator); none of their words is taken as a place.
    """
    global _COMMON
    if _COMMON is None:
        _COMMON = _common_words()
    gaz = gaz or gazetteer()
    prof = PlaceProfile(levels={lv: {} for lv in LEVELS})
    if not len(gaz):
        return prof
    title = (title or "").strip()
    body = text[:BODY_CHARS]
    full = f"{title}\n{body}" if title else body
    t_len = len(title) + 1 if title else 0
    d_end = t_len + _dateline_end(body)
    lower_words = {
        m.group() for m in regex.finditer(r"(?<![\p{L}\p{M}])\p{Ll}[\p{L}\p{M}'-]*", full)
    }
    vetoed = {fold(w) for name in not_places for w in name.split()}

    cands: list[tuple[_Cand, str, float, bool]] = []
    for c in _candidates(full, gaz):
        f = fold(c.surface)
        if f in lower_words or f in _COMMON or len(c.surface) < 2:
            continue
        if any(fold(w) in vetoed for w in c.surface.split()):
            continue
        before = full[max(0, c.start - 24) : c.start].split()
        prev = before[-1].lower().strip(".,") if before else ""
        if prev in _TITLES:
            continue
        if (
            c.surface.isupper()
            and len(c.surface) <= 4
            and not any(p.kind in ("country", "admin1") for p in c.places)
        ):
            continue  # an acronym (TOI, PTI) that happens to be a town's name
        where, w = _where(c.start, t_len, d_end)
        cands.append((c, where, w, where == "dateline" or prev in _LOCATIVE))

    # pass 1: anchors
    anchored: set[str] = set()
    for c, *_rest in cands:
        if c.part == "inner":
            continue
        countries = {p.country for p in c.places}
        for p in c.places:
            if p.kind == "country" or (
                len(countries) == 1 and (p.kind == "admin1" or p.population >= BIG_CITY)
            ):
                anchored.update(p.ancestors())
    # pass 2: resolve and keep
    for c, where, w, cued in cands:

        def support(p: Place) -> int:
            return sum(1 for a in p.ancestors()[1:] if a in anchored)

        best = max(c.places, key=lambda p: (support(p), p.kind == "country", _weight(p)))
        if c.part == "inner":
            ok = best.kind in ("country", "admin1") and support(best) > 0
        elif best.id in anchored:
            ok = True
        elif best.kind in ("city", "admin2"):
            parent_named = any(a in anchored for a in best.ancestors()[1:-1])
            country_named = f"C:{best.country}" in anchored
            ok = parent_named or (
                country_named and (best.population >= MID_CITY or cued) and c.part == "whole"
            )
        else:  # admin1 shared by several countries, or a country named only as a prefix
            ok = support(best) > 0
        if not ok:
            continue
        prof.mentions.append(PlaceMention(best, c.surface, c.start, w, where))
        for level, pid in best.level_ids().items():
            lv = prof.levels.setdefault(level, {})
            lv[pid] = lv.get(pid, 0.0) + w
    for level, lv in prof.levels.items():  # sublinear: ten mentions are not ten times one
        prof.levels[level] = {p: 1.0 + math.log(v) for p, v in lv.items()}
    return prof


def profile_similarity(a: PlaceProfile, b: PlaceProfile, level: str) -> float:
    """Cosine of two profiles' weights at one level (0 when either has none)."""
    wa, wb = a.levels.get(level) or {}, b.levels.get(level) or {}
    if not wa or not wb:
        return 0.0
    dot = sum(v * wb.get(k, 0.0) for k, v in wa.items())
    if not dot:
        return 0.0
    na = math.sqrt(sum(v * v for v in wa.values()))
    nb = math.sqrt(sum(v * v for v in wb.values()))
    return dot / (na * nb)
