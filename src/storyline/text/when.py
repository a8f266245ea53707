"""When did the reported happening take place? The date of the event named in the lead.

News is published a day or two after what it reports: "The Kerala government on Monday
decided …" in an article of Wednesday 25 March 2020 is about Monday 23 March. Clustering
compares *happenings*, so :func:`happening_date` reads the lead (title and first sentences),
resolves its time expressions against the publication date (weekdays, ``yesterday``,
``मंगलवार को``, ``on March 23``, ``पिछले साल सितंबर``) and returns the first one that dates a
past happening (not one in a forward-looking clause: "will meet on Friday"). Without such an
expression the publication date itself is returned, marked as such.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from storyline.text.datepatterns import future_context, looks_ahead, scan
from storyline.text.dates import find_time_expressions

__all__ = ["Happening", "happening_date"]

LEAD_CHARS = 400  # the lead: the title and about the first two sentences
_SENT_END = re.compile(r"(?<=[.!?।])\s+")
# granularity of what an expression can date (an ISO value's length)
_DAY = 10


@dataclass
class Happening:
    value: str | None  # ISO day (or month/year when that is all the lead says)
    expression: str | None  # the words that dated it ("on Monday"); None: publication date
    from_text: bool  # False when it is only the publication date
    evidence: str


def _lead(title: str | None, text: str) -> tuple[str, int]:
    """The lead text and the offset in it where the body starts."""
    body = text[: LEAD_CHARS * 2]
    sents = _SENT_END.split(body)
    lead_body = ""
    for s in sents:
        if len(lead_body) >= LEAD_CHARS:
            break
        lead_body += (" " if lead_body else "") + s
    head = f"{title.strip()}\n" if title and title.strip() else ""
    return head + lead_body, len(head)


def happening_date(
    text: str, pub_date: str | None, *, title: str | None = None, lang: str | None = None
) -> Happening:
    """The resolved date of the happening the lead reports (see the module docstring).

    ``pub_date`` is the article's publication date (``YYYY-MM-DD``; a month or year estimate
    resolves only what it can). Expressions in the body come first; the title is read too
    (headlines often carry the day: "Kerala goes into lockdown on Monday").
    """
    lead, body_at = _lead(title, text)
    times = find_time_expressions(lead, pub_date=pub_date, lang=lang)
    mentions = {(m.start, m.end): m for m in scan(lead, lang)}
    pub_day = None
    if pub_date and len(pub_date) == _DAY:
        try:
            pub_day = dt.date.fromisoformat(pub_date)
        except ValueError:
            pub_day = None
    best = None
    # body first (the dateline sentence), then the title
    for t in sorted(times, key=lambda t: (t.start < body_at, t.start)):
        if not t.value or t.value.startswith("--"):
            continue
        if future_context(lead, t.start, t.end) or looks_ahead(lead, t.start, t.end):
            continue
        m = mentions.get((t.start, t.end))
        if m is not None and m.kind in ("year", "numeric"):
            continue  # "in 2019" dates a background fact, not the news
        if pub_day and len(t.value) == _DAY:
            day = dt.date.fromisoformat(t.value)
            if day > pub_day or (pub_day - day).days > 31:
                continue  # after publication, or old background ("on March 3 last year")
        best = t
        break
    if best is None:
        return Happening(pub_date, None, False,
                         "no dated happening in the lead; the publication date")
    return Happening(best.value, best.text, True,
                     f'"{best.text}" in the lead, resolved against {pub_date or "nothing"}')
