"""What text of an article is embedded (title + lead), shared by ingest and tools."""

from __future__ import annotations

LEAD_WORDS = 120


def embed_text(title: str | None, text: str, lead_words: int = LEAD_WORDS) -> str:
    """Title plus the first ``lead_words`` words of the body (the lead carries the event)."""
    body = " ".join(text.split()[:lead_words])
    title = (title or "").strip()
    if title and body.startswith(title):
        return body
    return f"{title}. {body}" if title else body
