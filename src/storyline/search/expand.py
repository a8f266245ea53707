"""Cross-script query expansion through canonical entities.

Full-text search matches words as written, so ``Kishor`` never matches ``किशोर``. When a
query phrase names a known entity (by name or alias, in any script, see
:mod:`storyline.annotate`), its forms in the *other* scripts are added as alternatives of
that phrase: ``Kishor Gujarat`` searches ``(Kishor OR किशोर OR "प्रशांत किशोर") AND
(Gujarat OR गुजरात)``. Hits found this way are highlighted on the matched form.
"""

from __future__ import annotations

import logging

from storyline.store.base import Store
from storyline.store.textquery import Phrase, TextQuery, tokenize

logger = logging.getLogger(__name__)

MAX_FORMS = 6  # alternatives added per phrase


def _entity_forms(store: Store, text: str) -> dict[str, list[str]]:
    """Aliases by script of the most mentioned live entity named ``text`` (or {})."""
    from storyline.annotate import lookup_key

    rows = store.find_entities(text) or store.find_entities(lookup_key(text))
    rows = [r for r in rows if r["alive"]]
    if not rows:
        return {}
    best = max(rows, key=lambda r: (r["mentions"], r["id"]))
    aliases = best["data"].get("aliases", {})
    return {
        script: [f for f, _ in sorted(forms.items(), key=lambda kv: -kv[1])]
        for script, forms in aliases.items()
    }


def _script(text: str) -> str:
    return "Deva" if any("\u0900" <= c <= "\u097f" for c in text) else "Latn"


def expand_entities(store: Store, query: TextQuery) -> TextQuery:
    """``query`` with each entity-naming phrase OR'ed with the entity's other-script forms."""
    if query.empty:
        return query
    groups: list[tuple[Phrase, ...]] = []
    for group in query.groups:
        out = list(group)
        for phrase in group:
            if phrase.prefix:
                continue
            text = " ".join(phrase.terms)
            own = _script(text)
            added = 0
            for script, forms in _entity_forms(store, text).items():
                if script == own:
                    continue
                for form in forms:
                    alt = Phrase(tuple(tokenize(form)))
                    if alt.terms and alt not in out and added < MAX_FORMS:
                        out.append(alt)
                        added += 1
        groups.append(tuple(out))
    expanded = TextQuery(tuple(groups), query.excluded)
    if expanded != query:
        logger.debug("query expanded through entities: %s", expanded.fts5())
    return expanded
