"""Named entities: mentions (PERSON, ORG, PLACE) in English, Hindi and other Latin-script
languages, aliased within an article and linked across articles and scripts to canonical
entities with stable ids. Offline and rule-based (no statistical model is needed or loaded).

Typical use (what the engine does, once per new article)::

    linker = EntityLinker(store_entities, alloc_id=next_entity_number)
    mentions = linker.link_article(article.id, article.text, lang, date)
    counts = EntityLinker.article_counts(mentions)   # {entity_id: mentions}, for clustering
    persist(linker.changed(), linker.drain_log(), mentions)
"""

from storyline.entities.linker import EntityLinker
from storyline.entities.mentions import Mention, extract_mentions
from storyline.entities.records import (
    ENTITY_TYPES,
    Entity,
    EntityError,
    EntityMention,
    mention_rows,
)

__all__ = [
    "ENTITY_TYPES",
    "Entity",
    "EntityError",
    "EntityLinker",
    "EntityMention",
    "Mention",
    "extract_mentions",
    "mention_rows",
]
