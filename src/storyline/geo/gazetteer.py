"""The place hierarchy shipped in ``resources/places.tsv.gz`` (see ``scripts/build_places.py``)."""

from __future__ import annotations

import gzip
import logging
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np

log = logging.getLogger(__name__)

LEVELS = ("city", "admin2", "admin1", "country")


@dataclass(frozen=True)
class Place:
    id: str
    kind: str  # "country" | "admin1" | "admin2" | "city"
    country: str  # ISO 3166-1 alpha-2
    admin1: str
    admin2: str
    population: int
    name: str

    def ancestors(self) -> list[str]:
        """Ids of this place and every larger place containing it, most specific first."""
        out = [self.id]
        if self.kind == "city" and self.admin2:
            out.append(f"D:{self.country}:{self.admin1}:{self.admin2}")
        if self.kind in ("city", "admin2") and self.admin1:
            out.append(f"A:{self.country}:{self.admin1}")
        if self.kind != "country":
            out.append(f"C:{self.country}")
        return out

    def level_ids(self) -> dict[str, str]:
        """``{level: id}`` for this place and its ancestors."""
        out: dict[str, str] = {self.kind: self.id}
        if self.kind == "city" and self.admin2:
            out["admin2"] = f"D:{self.country}:{self.admin1}:{self.admin2}"
        if self.kind in ("city", "admin2") and self.admin1:
            out["admin1"] = f"A:{self.country}:{self.admin1}"
        if self.kind != "country":
            out["country"] = f"C:{self.country}"
        return out


def _combining_class() -> str:
    """A regex class of every character with a non-zero canonical combining class."""
    spans: list[tuple[int, int]] = []
    for cp in range(0x300, 0x20000):
        if unicodedata.combining(chr(cp)):
            if spans and spans[-1][1] == cp - 1:
                spans[-1] = (spans[-1][0], cp)
            else:
                spans.append((cp, cp))
    return "".join(f"{chr(a)}-{chr(b)}" if b > a else chr(a) for a, b in spans)


#: combining marks on a Latin (ASCII) letter: accents that fold away
_LATIN_MARKS = re.compile(f"(?<=[\\x00-\\x7f])[{_combining_class()}]+")


def _fold(form: str) -> str:
    if form.isascii():  # what the general path gives for ASCII, without the normalisations
        return form.lower().strip()
    s = _LATIN_MARKS.sub("", unicodedata.normalize("NFKD", form.casefold()))
    return unicodedata.normalize("NFC", s).replace("’", "'").strip()


@lru_cache(maxsize=100_000)
def fold(form: str) -> str:
    """Case- and accent-insensitive form of a name (marks kept in non-Latin scripts)."""
    return _fold(form)


def _hashes(keys: list[str]) -> np.ndarray:
    return np.fromiter((hash(k) for k in keys), dtype=np.int64, count=len(keys))


class Gazetteer:
    """Places by id and by folded name form.

    Compact: 350,000 name forms and 80,000 places take about 20 MB, not the ~250 MB of
    Python dicts, sets and dataclasses (a process's peak memory is bounded: issue 9). Name
    forms are kept as 64-bit hashes (this process's ``hash``) in a sorted array with the
    indexes of their places; a place row is parsed into a :class:`Place` when asked for.
    """

    def __init__(self, lines: list[str]) -> None:
        self._pids: list[str] = []
        self._rows: list[str] = []  # "kind\tcc\tadmin1\tadmin2\tpop\tname", parsed on use
        forms: list[str] = []
        ids: list[str] = []
        for line in lines:
            tag, _, rest = line.rstrip("\n").partition("\t")
            if tag == "P" and rest.count("\t") == 6:
                pid, _, row = rest.partition("\t")
                self._pids.append(pid)
                self._rows.append(row)
            elif tag == "N" and rest.count("\t") == 1:
                form, _, idlist = rest.partition("\t")
                forms.append(form)
                ids.append(idlist)
        self._index = {pid: n for n, pid in enumerate(self._pids)}
        keys = [_fold(f) for f in forms]
        del forms
        self.max_words = max((len(k.split()) for k in keys), default=1)
        #: first word of every name: a run can only hold a name where one of these starts
        self._first = np.unique(_hashes([k.split(maxsplit=1)[0] for k in keys if k]))
        # (form hash, place) pairs, each form's places in id order as the text file had them
        index = self._index
        pairs = [(n, index[i]) for n, idlist in enumerate(ids) for i in idlist.split(",")
                 if i in index]
        del ids
        line_hash = _hashes(keys)
        del keys
        pair = np.array(pairs, dtype=np.int64).reshape(-1, 2)
        del pairs
        rank = np.empty(len(self._pids), dtype=np.int64)
        rank[sorted(range(len(self._pids)), key=self._pids.__getitem__)] = np.arange(len(rank))
        h, place = line_hash[pair[:, 0]], pair[:, 1]
        order = np.lexsort((rank[place], h))
        h, place = h[order], place[order]
        keep = np.ones(len(h), dtype=bool)  # a place named twice by forms that fold alike
        keep[1:] = (h[1:] != h[:-1]) | (place[1:] != place[:-1])
        h, place = h[keep], place[keep]
        self._hash = np.unique(h)
        self._start = np.searchsorted(h, self._hash).astype(np.int64)
        self._start = np.append(self._start, len(h))
        self._ids = place.astype(np.int32)

    def has_first_word(self, folded: str) -> bool:
        """Whether some name form starts with this (folded) word."""
        h = hash(folded)
        k = int(np.searchsorted(self._first, h))
        return k < len(self._first) and int(self._first[k]) == h

    def _place(self, n: int) -> Place:
        kind, cc, a1, a2, pop, name = self._rows[n].split("\t")
        return Place(self._pids[n], kind, cc, a1, a2, int(pop or 0), name)

    def lookup(self, form: str) -> list[Place]:
        h = hash(fold(form))
        k = int(np.searchsorted(self._hash, h))
        if k >= len(self._hash) or int(self._hash[k]) != h:
            return []
        return [self._place(int(i)) for i in self._ids[self._start[k]:self._start[k + 1]]]

    def get(self, pid: str) -> Place | None:
        n = self._index.get(pid)
        return None if n is None else self._place(n)

    def __len__(self) -> int:
        return len(self._pids)


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The shipped gazetteer (loaded once; an empty one if the resource is missing)."""
    try:
        ref = resources.files("storyline.resources").joinpath("places.tsv.gz")
        with ref.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as fh:
            return Gazetteer(fh.read().splitlines())
    except (FileNotFoundError, OSError) as exc:  # pragma: no cover - packaging
        log.warning("resources/places.tsv.gz missing (%s): places are not resolved", exc)
        return Gazetteer([])
