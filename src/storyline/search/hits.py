"""What a search returns: :class:`SearchHit`."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

#: ``SearchHit.kind`` values.
KINDS = ("article", "event", "story")
#: ``mode`` values of a search.
MODES = ("hybrid", "text", "semantic")


@dataclass
class SearchHit:
    """One result of :meth:`storyline.api.Storyline.search`.

    ``score`` depends on the mode: fused score in 0..1 (hybrid), ``-bm25`` (text) or cosine
    similarity (semantic); event and story hits add up their best member articles' scores
    (weights 1, 0.5, 0.25). ``snippet`` and ``title_html`` are HTML-safe: the text is escaped
    and the query's words are wrapped in ``<mark>``. ``match`` says how the hit was found:
    ``"text"`` (words of the query occur in it), ``"semantic"`` (its meaning is close to the
    query's), or both; for an event or story, how any of its matching articles was found.
    ``article_ids`` lists the matching member articles of an event or story hit, best first
    (an article hit lists itself).
    """

    kind: str  # "article" | "event" | "story"
    id: str
    title: str
    score: float
    snippet: str = ""
    lang: str | None = None
    date: str | None = None  # the article's publication date, the event's or story's date
    match: list[str] = field(default_factory=list)
    article_ids: list[str] = field(default_factory=list)
    story_id: str | None = None
    event_id: str | None = None
    title_html: str = ""
    date_is_estimate: bool | None = None
    source: str | None = None  # outlet of an article hit (or of an event/story's best article)
    #: the article whose text gives the snippet (filled lazily: Searcher.fill_snippets)
    snippet_from: str | None = field(default=None, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("snippet_from", None)
        return d
