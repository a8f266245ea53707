"""Scoring against gold made by reading real news (``india-news-2020-dev`` format).

The gold folder holds ``docs.jsonl`` (``id, source, lang, date, title, text``; raw texts),
``entities.jsonl`` (``article, entity, type, forms``) and ``quotes.jsonl`` (``article,
quote, kind, speaker, speaker_type, group[, speaker_en]``; ``{"article", "none": true}``
for an article without any). Articles are those the gold names. The text given to the
extractors is what the pipeline gives them: repaired and cleaned (:func:`clean_text`).

Matching rules (the issue that asked for these numbers states them):

* **entities** — an extracted entity matches a gold one of the same article when its name,
  an alias or a surface form equals the gold canonical name or a gold form (casefolded,
  zero-width joiners and repeated spaces ignored: :func:`fold_text`).
  Precision: extracted (article, entity) pairs of type PERSON/ORG/PLACE that match a gold
  one; recall: gold pairs matched by an extracted one. **Cross-script**: the gold pairs of
  Hindi articles whose extracted entity (found by a Devanagari gold form) also carries the
  gold English name.
* **claims** — a claim matches a gold item when ≥ 60 % of the word tokens of the shorter of
  the two occur in the other (each claim matches at most one gold item, best overlap
  first). **Speaker right**: an anonymous gold item is marked anonymous, or the claim's
  speaker contains the gold speaker's last name (``speaker`` or ``speaker_en``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import regex

from storyline.errors import StorylineError
from storyline.text.clean import clean_text

_WORD = regex.compile(r"[\p{L}\p{N}][\p{L}\p{M}\p{N}]*")


class GoldError(StorylineError):
    """A gold folder or file is missing or malformed."""


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        raise GoldError(f"{path} not found; pass the gold folder (e.g. "
                        "../shared/data/india-news-2020-dev) or its files")
    out = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if line.strip():
                try:
                    out.append(json.loads(line))
                except json.JSONDecodeError as e:
                    raise GoldError(f"{path}:{n}: not JSON ({e}); fix or regenerate it") from e
    return out


@dataclass
class GoldDoc:
    id: str
    lang: str
    date: str | None
    title: str
    text: str  # cleaned, as the pipeline gives it to the extractors


def gold_docs(docs_path: Path, ids: set[str]) -> Iterator[GoldDoc]:
    """The gold's articles, cleaned, in file order."""
    found = set()
    for d in read_jsonl(docs_path):
        if d["id"] not in ids:
            continue
        found.add(d["id"])
        text = clean_text(d.get("text") or "", d.get("lang")).text
        yield GoldDoc(d["id"], d.get("lang") or "en", d.get("date"), d.get("title") or "", text)
    missing = ids - found
    if missing:
        raise GoldError(f"{len(missing)} gold articles are not in {docs_path} "
                        f"(e.g. {sorted(missing)[0]!r}); pass the matching --docs file")


FOLDS = ("a", "b")


def fold_ids(folder: Path, fold: str) -> set[str]:
    """Half of the gold articles, for tuning on one half and reporting the other.

    ``people_ids.txt`` lists the gold articles in random order (English first, then Hindi);
    fold ``a`` is every article at an even position, ``b`` every odd one, so both halves
    hold the same mix of languages (16 English + 4 Hindi of the dev gold each).
    """
    if fold not in FOLDS:
        raise GoldError(f"unknown fold {fold!r}; use one of {', '.join(FOLDS)}")
    path = folder / "people_ids.txt"
    if not path.is_file():
        raise GoldError(f"{path} not found: folds need the gold's list of articles")
    ids = [x.strip() for x in path.read_text(encoding="utf-8").split() if x.strip()]
    return set(ids[FOLDS.index(fold)::2])


_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff"))


def fold_text(text: str) -> str:
    """Casefolded, without zero-width characters (invisible joiners in Devanagari copy:
    ``सावित्री \u200cदेवी`` is ``सावित्री देवी``)."""
    return " ".join(text.translate(_ZERO_WIDTH).casefold().split())


def words(text: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(text or "")]


def token_overlap(a: str, b: str) -> float:
    """Share of the word tokens of the shorter text that occur in the other."""
    wa, wb = words(a), words(b)
    if not wa or not wb:
        return 0.0
    short, other = (wa, set(wb)) if len(wa) <= len(wb) else (wb, set(wa))
    return sum(1 for w in short if w in other) / len(short)


def last_name(name: str | None) -> str:
    ws = words(name or "")
    return ws[-1] if ws else ""


def speaker_right(pred_speaker: str | None, pred_anonymous: bool, gold: dict[str, Any]) -> bool:
    if gold.get("speaker_type") == "anonymous" or not gold.get("speaker"):
        return bool(pred_anonymous)
    if not pred_speaker:
        return False
    have = set(words(pred_speaker))
    return any(ln and ln in have for ln in (last_name(gold.get("speaker")),
                                           last_name(gold.get("speaker_en"))))


@dataclass
class PRF:
    tp_pred: int = 0
    n_pred: int = 0
    tp_gold: int = 0
    n_gold: int = 0

    @property
    def precision(self) -> float:
        return self.tp_pred / self.n_pred if self.n_pred else 0.0

    @property
    def recall(self) -> float:
        return self.tp_gold / self.n_gold if self.n_gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: PRF) -> None:
        self.tp_pred += other.tp_pred
        self.n_pred += other.n_pred
        self.tp_gold += other.tp_gold
        self.n_gold += other.n_gold

    def row(self) -> dict[str, float | int]:
        return {"precision": round(self.precision, 3), "recall": round(self.recall, 3),
                "f1": round(self.f1, 3), "pred": self.n_pred, "gold": self.n_gold}


@dataclass
class Report:
    """Numbers by language (``all`` first) and the error lines."""

    rows: dict[str, dict[str, Any]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
