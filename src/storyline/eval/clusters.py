"""``storyline eval clusters GOLD.jsonl``: score the store's events and stories.

Gold lines: ``{"id": ..., "event_id": ..., "story_id": ...?}`` where ``id`` is the input's
own id (JSON Lines ``id`` or file name) or a storyline article id. Gold items missing from
the store are reported and scored as unclustered singletons.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from storyline.errors import InputError
from storyline.eval.metrics import bcubed, pairwise
from storyline.store.base import Store


def load_gold(path: str | Path) -> list[dict[str, Any]]:
    rows = []
    with Path(path).open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise InputError("bad-json", f"{path}:{n}: not JSON ({exc.msg})") from exc
            if "id" not in row or "event_id" not in row:
                raise InputError("bad-gold", f"{path}:{n}: gold lines need 'id' and 'event_id'")
            rows.append(row)
    return rows


def predictions(store: Store) -> tuple[dict[str, str], dict[str, str]]:
    """doc id (and article id) -> (event id, story id) of every stored article."""
    ev: dict[str, str] = {}
    st: dict[str, str] = {}
    for a in store.iter_articles():
        for key in (a.doc_id, a.id):
            if a.event_id:
                ev[key] = a.event_id
            if a.story_id:
                st[key] = a.story_id
    return ev, st


def evaluate_clusters(store: Store, gold_rows: list[dict[str, Any]]) -> dict[str, Any]:
    ev_pred, st_pred = predictions(store)
    gold_ev = {str(r["id"]): str(r["event_id"]) for r in gold_rows}
    missing = sorted(i for i in gold_ev if i not in ev_pred)
    out: dict[str, Any] = {
        "items": len(gold_ev),
        "missing": len(missing),
        "missing_examples": missing[:5],
        "gold_events": len(set(gold_ev.values())),
        "predicted_events": len({ev_pred[i] for i in gold_ev if i in ev_pred}),
        "events": {
            "bcubed": bcubed(gold_ev, ev_pred).as_dict(),
            "pairwise": pairwise(gold_ev, ev_pred).as_dict(),
        },
    }
    gold_st = {str(r["id"]): str(r["story_id"]) for r in gold_rows if r.get("story_id")}
    if gold_st:
        out["gold_stories"] = len(set(gold_st.values()))
        out["predicted_stories"] = len({st_pred[i] for i in gold_st if i in st_pred})
        out["stories"] = {
            "bcubed": bcubed(gold_st, st_pred).as_dict(),
            "pairwise": pairwise(gold_st, st_pred).as_dict(),
        }
    return out
