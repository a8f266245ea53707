"""Per-batch annotation: entity mentions linked to canonical entities, and claims.

The :class:`Annotator` holds the :class:`~storyline.entities.EntityLinker` (state shared
across articles, loaded from the store) and runs the claim extractor. The engine calls
:meth:`Annotator.annotate` on each batch of new articles, before clustering, and
:meth:`Annotator.write` inside the batch's transaction, so entities, mentions and claims
commit (or roll back) together with the articles.

Entities feed clustering: each article's canonical entities become extra name keys
(``@n000042``), IDF-weighted like the cross-script name keys, so a Hindi article and an
English one that name the same people share keys even when their words do not.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from storyline.entities import Entity, EntityLinker, EntityMention, mention_rows
from storyline.entities.keys import name_key
from storyline.model import Article, MergeLogEntry
from storyline.quotes import Claim, extract_claims
from storyline.store.base import Store

log = logging.getLogger(__name__)

ENTITY_KEY_PREFIX = "@"
#: entity types used as clustering keys (OTHER — unnamed-type capitalised phrases — too)
KEY_TYPES = frozenset({"PERSON", "ORG", "PLACE", "OTHER"})


@dataclass
class Annotations:
    mentions: dict[str, list[EntityMention]] = field(default_factory=dict)
    claims: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    entities: list[Entity] = field(default_factory=list)
    log: list[MergeLogEntry] = field(default_factory=list)


def lookup_key(name: str) -> str:
    """Script-neutral lookup name: ``Rahul Gandhi`` and ``राहुल गांधी`` give the same."""
    return "key:" + " ".join(name_key(tuple(name.replace("-", " ").split())))


def entity_chain(store: Store, ref: str) -> list[dict[str, Any]]:
    """Rows of the entity ``ref`` names (an id, or a name/alias in any script), then of each
    entity it was merged into: the survivor is last. Empty when nothing matches."""
    row = store.get_entity(ref)
    rows = [row] if row else store.find_entities(ref) or store.find_entities(lookup_key(ref))
    if not rows:
        return []
    chain = [rows[0]]
    seen = {rows[0]["id"]}
    merged = rows[0]["data"].get("merged_into")
    while merged and merged not in seen:
        nxt = store.get_entity(merged)
        if nxt is None:
            break
        chain.append(nxt)
        seen.add(merged)
        merged = nxt["data"].get("merged_into")
    return chain


def entity_row(e: Entity) -> dict[str, Any]:
    """The store row of an entity, with script-neutral keys of its forms for lookup."""
    row = e.to_row()
    row["names"] = [*row["names"], *sorted({lookup_key(f) for f in e.forms()})]
    return row


def _overlap(a0: int | None, a1: int | None, b0: int, b1: int) -> bool:
    return a0 is not None and a1 is not None and a0 < b1 and b0 < a1


class Annotator:
    """Entity linking and claim extraction for the engine (one per engine)."""

    def __init__(self, store: Store, *, entity_keys: bool = True) -> None:
        self.store = store
        self.entity_keys = entity_keys
        ents = [Entity.from_row(r) for r in store.list_entities(include_dead=True)]
        self.linker = EntityLinker(ents, alloc_id=lambda: store.next_id("entity"))

    def annotate(
        self, articles: list[Article], claims: Mapping[str, list[Claim]] | None = None
    ) -> Annotations:
        """Entities and claims of a batch. ``claims`` holds claims already extracted (the
        Spark job extracts them on executors: :func:`extract_claims` reads one article only)."""
        out = Annotations()
        ready = claims or {}
        for a in articles:
            lang = a.lang.lang if a.lang else "und"
            date = a.date.value if a.date and a.date.value and len(a.date.value) >= 4 else None
            try:
                mentions = self.linker.link_article(a.id, a.text, lang, date)
            except Exception:  # an enrichment bug must never sink the batch
                log.exception(
                    "entity linking failed on %s (%s); stored without entities", a.id, a.doc_id
                )
                mentions = []
                a.extra["annotate_error"] = "entities"
            out.mentions[a.id] = mentions
            found = ready.get(a.id)
            if found is None:
                try:
                    found = extract_claims(a.text, lang)
                except Exception:
                    log.exception(
                        "claim extraction failed on %s (%s); stored without claims", a.id, a.doc_id
                    )
                    found = []
                    a.extra["annotate_error"] = "claims"
            out.claims[a.id] = [self._claim_row(c, mentions) for c in found]
            if self.entity_keys:
                self._add_keys(a, mentions)
        out.entities = self.linker.changed()
        out.log = self.linker.drain_log()
        return out

    def _add_keys(self, a: Article, mentions: list[EntityMention]) -> None:
        counts: dict[str, int] = {}
        for m in mentions:
            if m.type in KEY_TYPES:
                k = ENTITY_KEY_PREFIX + self.linker.resolve(m.entity_id)
                counts[k] = counts.get(k, 0) + 1
        if not counts:
            return
        tf = dict(a.key_tf or dict.fromkeys(a.keys, 1))
        tf.update(counts)
        a.key_tf = tf
        a.keys = [k for k, _ in sorted(tf.items(), key=lambda kv: (-kv[1], kv[0]))]

    def _speaker_entity(
        self, start: int | None, end: int | None, name: str | None, mentions: list[EntityMention]
    ) -> str | None:
        for m in mentions:
            if _overlap(start, end, m.start, m.end):
                return self.linker.resolve(m.entity_id)
        if name:
            found = [e for e in self.linker.find(name) if e.alive]
            if len(found) == 1:
                return found[0].id
        return None

    def _claim_row(self, c: Claim, mentions: list[EntityMention]) -> dict[str, Any]:
        speaker = None
        if not c.anonymous:
            speaker = self._speaker_entity(c.speaker_start, c.speaker_end, c.speaker, mentions)
        group = self._speaker_entity(c.group_start, c.group_end, c.group_name, mentions)
        data = c.to_dict()
        data["speaker_entity"] = speaker
        data["group_entity"] = group
        return {"speaker_entity": speaker, "anonymous": c.anonymous, "data": data}

    def write(self, ann: Annotations) -> None:
        """Persist a batch's annotations (call inside the batch's transaction)."""
        for e in ann.entities:
            self.store.put_entity(entity_row(e))
        for entry in ann.log:
            self.store.append_merge(entry)
        for aid, mentions in ann.mentions.items():
            self.store.put_mentions(aid, mention_rows(mentions))
        for aid, rows in ann.claims.items():
            self.store.put_claims(aid, rows)


def article_entities(store: Store, a: Article) -> list[dict[str, Any]]:
    """The article's entities for ``storyline article ID --json``: one dict per canonical
    entity (merges followed) with ``id``, ``name``, ``type``, the surface ``forms`` used in
    this article and every mention's character ``offsets`` in the cleaned text, most
    mentioned first."""
    out: dict[str, dict[str, Any]] = {}
    for row in store.article_mentions(a.id):
        chain = entity_chain(store, row["entity_id"])
        ent = chain[-1] if chain else None
        eid = ent["id"] if ent else row["entity_id"]
        item = out.setdefault(eid, {
            "id": eid, "name": ent["name"] if ent else None, "type": ent["type"] if ent else None,
            "forms": [], "offsets": [],
        })
        for m in row["data"].get("mentions", []):
            if m["surface"] not in item["forms"]:
                item["forms"].append(m["surface"])
            item["offsets"].append([m["start"], m["end"]])
    for item in out.values():
        item["offsets"].sort()
    return sorted(out.values(), key=lambda d: (-len(d["offsets"]), d["offsets"][0]))
