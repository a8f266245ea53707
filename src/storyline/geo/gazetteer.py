"""The place hierarchy shipped in ``resources/places.tsv.gz`` (see ``scripts/build_places.py``)."""

from __future__ import annotations

import gzip
import logging
import sys
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

log = logging.getLogger(__name__)

LEVELS = ("city", "admin2", "admin1", "country")


@dataclass(frozen=True, slots=True)
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


@lru_cache(maxsize=50_000)
def fold(form: str) -> str:
    """Case- and accent-insensitive form of a name (marks kept in non-Latin scripts)."""
    return _fold(form)


def _fold(form: str) -> str:
    if form.isascii():  # most names: nothing to decompose (casefold is lower for ASCII)
        return form.lower().strip()
    s = unicodedata.normalize("NFKD", form.casefold())
    out: list[str] = []
    for ch in s:
        if unicodedata.combining(ch) and out and out[-1].isascii():
            continue  # an accent on a Latin letter
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out)).replace("’", "'").strip()


#: the places file's line saying its name forms are stored folded (no folding at load)
FOLDED_HEADER = "# names: folded"


class Gazetteer:
    """Places by id and by folded name form."""

    def __init__(self, lines: Iterable[str]) -> None:
        # ~80,000 places and ~350,000 name forms: kept compact (slotted places, one string
        # object per id and per repeated field, no per-name sets) so a process stays small
        self.places: dict[str, Place] = {}
        self.names: dict[str, tuple[str, ...]] = {}
        intern = sys.intern
        names = self.names
        folded = False
        for line in lines:
            if not line or line.startswith("#"):
                folded = folded or line.startswith(FOLDED_HEADER)
                continue
            parts = line.rstrip("\n").split("\t")
            if parts[0] == "P" and len(parts) == 8:
                _, pid, kind, cc, a1, a2, pop, name = parts
                pid = intern(pid)
                self.places[pid] = Place(pid, intern(kind), intern(cc), intern(a1), intern(a2),
                                         int(pop or 0), name)
            elif parts[0] == "N" and len(parts) == 3:
                key = parts[1] if folded else _fold(parts[1])
                ids = tuple(intern(i) for i in parts[2].split(",") if i)
                old = names.get(key)
                names[key] = ids if old is None else tuple(sorted(set(old) | set(ids)))
        for key, ids in names.items():  # ids in a stable order
            if len(ids) > 1 and list(ids) != sorted(ids):
                names[key] = tuple(sorted(ids))
        self.max_words = max((len(k.split()) for k in self.names), default=1)
        #: first word of every name: a run can only hold a name where one of these starts
        self.first_words = frozenset(k.split()[0] for k in self.names if k)

    def lookup(self, form: str) -> list[Place]:
        return [self.places[i] for i in self.names.get(fold(form), ()) if i in self.places]

    def get(self, pid: str) -> Place | None:
        return self.places.get(pid)

    def __len__(self) -> int:
        return len(self.places)


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The shipped gazetteer (loaded once; an empty one if the resource is missing)."""
    try:
        ref = resources.files("storyline.resources").joinpath("places.tsv.gz")
        with ref.open("rb") as raw, gzip.open(raw, "rt", encoding="utf-8") as fh:
            return Gazetteer(fh)
    except (FileNotFoundError, OSError) as exc:  # pragma: no cover - packaging
        log.warning("resources/places.tsv.gz missing (%s): places are not resolved", exc)
        return Gazetteer([])
