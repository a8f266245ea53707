"""How far two stores built from the same inputs agree (the Spark job against a local ingest).

Articles are matched by id (a content hash): the same set, languages and dates are expected
exactly; events and stories are compared as clusterings of the shared articles (pairwise F1
and B³ F1, one store's assignment taken as the reference).
"""

from __future__ import annotations

from typing import Any

from storyline.eval.metrics import bcubed, pairwise
from storyline.store.base import Store


def _facts(store: Store) -> dict[str, tuple[Any, ...]]:
    out = {}
    for a in store.iter_articles():
        lang = a.lang.lang if a.lang else None
        date = (a.date.value, a.date.is_estimate) if a.date else None
        out[a.id] = (lang, date, a.event_id, a.story_id)
    return out


def store_agreement(reference: Store, other: Store) -> dict[str, Any]:
    """Agreement of ``other`` with ``reference`` (both stores over the same inputs)."""
    ref, oth = _facts(reference), _facts(other)
    shared = sorted(set(ref) & set(oth))
    out: dict[str, Any] = {
        "articles": [len(ref), len(oth)],
        "only_in_reference": len(set(ref) - set(oth)),
        "only_in_other": len(set(oth) - set(ref)),
        "same_langs": sum(ref[i][0] == oth[i][0] for i in shared),
        "same_dates": sum(ref[i][1] == oth[i][1] for i in shared),
        "shared": len(shared),
    }
    for name, col in (("events", 2), ("stories", 3)):
        r = {i: str(ref[i][col]) for i in shared if ref[i][col]}
        o = {i: str(oth[i][col]) for i in shared if oth[i][col]}
        out[name] = {
            "pairwise_f1": round(pairwise(r, o).f1, 4),
            "bcubed_f1": round(bcubed(r, o).f1, 4),
        }
    return out
