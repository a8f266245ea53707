"""A web page's publication date: every signal the page gives, then one decision with evidence.

:func:`date_signals` collects what a page says about its date, each signal with its kind and
the raw string it came from:

* ``url`` — a ``/2024/03/05/`` (or ``2024-03-05``, ``20240305``) date in the page's URL;
* ``jsonld-published`` / ``jsonld-modified`` — schema.org ``datePublished`` (``dateCreated``,
  ``uploadDate``) / ``dateModified`` in JSON-LD;
* ``meta-published`` / ``meta-modified`` — ``article:published_time``, ``pubdate``,
  ``sailthru.date``, … / ``article:modified_time``, ``og:updated_time``, …;
* ``time-published`` / ``time-modified`` — ``<time>`` elements marked as such (``itemprop``,
  ``pubdate``, a ``published``/``updated`` class); ``time-first`` — the first ``<time>`` of
  the page, the date a reader sees in the byline;
* ``text-date`` / ``text-updated`` — a date in a visible date/byline box (``Updated …``);
  ``title-date`` / ``title-updated`` — the first date in the text right after the headline;
* ``htmldate`` — htmldate's original-date search over the markup, and ``htmldate-text`` —
  its extensive search, which also reads the visible text (a bare year it pads to 1 January
  is dropped unless another signal gives that day).

:func:`decide` ranks the distinct dates the signals give with a small logistic model
(:class:`DateRanker`, in :mod:`storyline.ingest.dateranker`: one feature per signal kind
backing the date, plus agreement features — "shown to the reader and in the metadata",
"another date is shown") and shows the best one
with the model's probability as its confidence. The model is fitted on WCXB dev by
``scripts/build_date_ranker.py`` and shipped as ``resources/date_ranker.json`` (versioned);
``python benchmarks/dates.py`` reports its accuracy and calibration out of fold (WCXB dev, 5
folds: 0.890 exact, 97.7 % right among dates shown at confidence >= 0.9).
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import logging
import re
from collections.abc import Iterator
from typing import Any

from storyline.ingest.dateranker import (
    FEATURES,
    KINDS,
    DateRanker,
    DateSignal,
    PageDate,
    candidate_features,
    decide,
    default_ranker,
)

log = logging.getLogger(__name__)

__all__ = [
    "FEATURES", "KINDS", "DateRanker", "DateSignal", "PageDate", "candidate_features",
    "date_signals", "decide", "default_ranker", "parse_date_value",
]


_META_PUBLISHED = {
    "article:published_time", "og:published_time", "og:article:published_time",
    "article:published", "datepublished", "publishdate", "publish-date", "publish_date",
    "pubdate", "publication_date", "publication-date", "date", "dc.date", "dc.date.issued",
    "dc.date.created", "dcterms.created", "dcterms.issued", "dcterms.date", "sailthru.date",
    "parsely-pub-date", "cxenseparse:publishtime", "article.published", "originalpublicationdate",
    "citation_publication_date", "citation_date", "prism.publicationdate", "created",
    "article_date_original", "date_published", "published_time", "published-date", "displaydate",
    "og:pubdate", "release_date", "bt:pubdate", "publishedat", "article:post_date",
}
_META_MODIFIED = {
    "article:modified_time", "og:updated_time", "datemodified", "last-modified",
    "dcterms.modified", "dc.date.modified", "lastmod", "article.updated", "modified",
    "article:modified", "updated_time", "last_updated", "lastmodified", "revised", "updated",
}
_JSONLD_PUBLISHED = ("datePublished", "dateCreated", "uploadDate")
_ARTICLE_TYPES = re.compile(
    r"article|posting|report|webpage|blog|newsarticle|creativework|recipe|review|howto|"
    r"videoobject|medicalwebpage|itempage|collectionpage|faqpage|qapage|techarticle",
    re.I,
)
_TIME_PUBLISHED = re.compile(r"publish|posted|entry-date|article-date|pubdate|created|byline", re.I)
_TIME_MODIFIED = re.compile(r"updated|modified|revised|last-?mod", re.I)

_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)")
_SLASH_YMD = re.compile(r"(?<!\d)(\d{4})[/.](\d{1,2})[/.](\d{1,2})(?!\d)")
_SLASH_XYZ = re.compile(r"(?<!\d)(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?!\d)")
_COMPACT = re.compile(r"(?<!\d)(20\d\d|19\d\d)(\d\d)(\d\d)(?!\d)")
_URL_YMD = re.compile(
    r"/((?:19|20)\d\d)[/_-](\d{1,2})[/_-](\d{1,2})(?:/|[_-]|$)"
    r"|/((?:19|20)\d\d)(\d\d)(\d\d)(?:/|[_-])"
)
_MIN_YEAR = 1995


def _valid(y: int, m: int, d: int, latest: dt.date) -> str | None:
    try:
        day = dt.date(y, m, d)
    except ValueError:
        return None
    if y < _MIN_YEAR or day > latest:
        return None
    return day.isoformat()


def parse_date_value(raw: str, latest: dt.date) -> str | None:
    """A date string as written in metadata → ISO ``YYYY-MM-DD`` (None when unsure).

    ISO dates keep the calendar day they were written with (``2025-12-18T21:30-05:00`` is
    18 December, where the publisher is). ``dd/mm/yyyy`` vs ``mm/dd/yyyy`` is decided only
    when one part is above 12; otherwise month-first (the metadata convention).
    """
    s = raw.strip()
    if not s or len(s) > 80:
        return None
    m = _ISO.search(s)
    if m:
        return _valid(int(m[1]), int(m[2]), int(m[3]), latest)
    m = _SLASH_YMD.search(s)
    if m:
        return _valid(int(m[1]), int(m[2]), int(m[3]), latest)
    m = _SLASH_XYZ.search(s)
    if m:
        a, b, y = int(m[1]), int(m[2]), int(m[3])
        if a > 12 >= b:
            return _valid(y, b, a, latest)
        return _valid(y, a, b, latest)
    m = _COMPACT.fullmatch(s)
    if m:
        return _valid(int(m[1]), int(m[2]), int(m[3]), latest)
    if s.isdigit() and len(s) in (10, 13):  # a Unix timestamp
        try:
            ts = int(s) / (1000 if len(s) == 13 else 1)
            return _valid(*dt.datetime.fromtimestamp(ts, dt.UTC).timetuple()[:3], latest)
        except (OverflowError, OSError, ValueError):
            return None
    if not re.search(r"(?:19|20)\d\d", s):
        return None
    return _dateparser(s, latest)


def _dateparser(s: str, latest: dt.date) -> str | None:
    import dateparser

    try:
        res = dateparser.parse(
            s, settings={"REQUIRE_PARTS": ["year", "month", "day"], "PREFER_DATES_FROM": "past"}
        )
    except Exception:  # dateparser raises assorted errors on odd input
        return None
    return _valid(res.year, res.month, res.day, latest) if res else None


def url_date(url: str | None, latest: dt.date) -> str | None:
    if not url:
        return None
    path = re.sub(r"^[a-z]+://[^/]+", "", url)
    m = _URL_YMD.search(path)
    if not m:
        return None
    y, mo, d = (m[1], m[2], m[3]) if m[1] else (m[4], m[5], m[6])
    return _valid(int(y), int(mo), int(d), latest)


def _jsonld_dates(obj: Any, out: list[tuple[str, str, str]], depth: int = 0) -> None:
    if depth > 8:
        return
    if isinstance(obj, dict):
        types = obj.get("@type", "")
        tname = " ".join(types) if isinstance(types, list) else str(types)
        for k, v in obj.items():
            if k in (*_JSONLD_PUBLISHED, "dateModified") and isinstance(v, str):
                out.append((k, v, tname))
            elif isinstance(v, dict | list):
                _jsonld_dates(v, out, depth + 1)
    elif isinstance(obj, list):
        for x in obj:
            _jsonld_dates(x, out, depth + 1)


def _jsonld_signals(tree: Any, latest: dt.date) -> Iterator[DateSignal]:
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        text = (script.text_content() or "").strip()
        if not text:
            continue
        try:
            data = json.loads(text)
        except ValueError:
            continue
        found: list[tuple[str, str, str]] = []
        _jsonld_dates(data, found)
        for key, raw, tname in found:
            if tname and not _ARTICLE_TYPES.search(tname):
                continue  # an Organization's foundingDate, an Event's date ...
            value = parse_date_value(raw, latest)
            if value:
                kind = "jsonld-modified" if key == "dateModified" else "jsonld-published"
                yield DateSignal(kind, value, raw, f"JSON-LD {tname or '?'}.{key}")


def _meta_signals(tree: Any, latest: dt.date) -> Iterator[DateSignal]:
    for el in tree.xpath("//meta[@content]"):
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = (el.get(attr) or "").strip().lower()
            if not key:
                continue
            if key in _META_PUBLISHED:
                kind = "meta-published"
            elif key in _META_MODIFIED:
                kind = "meta-modified"
            else:
                continue
            raw = el.get("content") or ""
            value = parse_date_value(raw, latest)
            if value:
                yield DateSignal(kind, value, raw, f'meta {attr}="{key}"')
            break


def _time_signals(tree: Any, latest: dt.date) -> Iterator[DateSignal]:
    first = True
    for el in tree.xpath("//time | //*[@itemprop='datePublished' or @itemprop='dateModified']"):
        if el.tag == "meta":
            continue
        raw = el.get("datetime") or el.get("content") or (el.text_content() or "").strip()
        value = parse_date_value(raw, latest) if raw else None
        if not value:
            continue
        marks = " ".join(
            filter(None, (el.get("itemprop"), el.get("class"), el.get("id"),
                          "pubdate" if el.get("pubdate") is not None else None))
        )
        parent = el.getparent()
        if parent is not None:
            marks += " " + " ".join(filter(None, (parent.get("class"), parent.get("itemprop"))))
        where = f"<{el.tag}{' ' + marks.strip() if marks.strip() else ''}>"
        if _TIME_MODIFIED.search(marks):
            yield DateSignal("time-modified", value, raw, where)
        elif _TIME_PUBLISHED.search(marks):
            yield DateSignal("time-published", value, raw, where)
        if first and el.tag == "time":
            yield DateSignal("time-first", value, raw, f"first {where}")
            first = False


def _htmldate_signals(tree: Any, url: str | None, latest: dt.date) -> Iterator[DateSignal]:
    import htmldate

    for kind, extensive in (("htmldate", False), ("htmldate-text", True)):
        try:
            value = htmldate.find_date(copy.deepcopy(tree), extensive_search=extensive,
                                       original_date=True, url=url,
                                       max_date=latest.isoformat())
        except Exception as err:  # htmldate is defensive, but a page must never stop ingest
            log.debug("htmldate failed: %s", err)
            continue
        if value:
            how = "original-date search" + (", extensive" if extensive else "")
            yield DateSignal(kind, value, value, f"htmldate {how}")


_DATE_BOX = re.compile(
    r"date|time|posted|publish|updated|byline|meta|entry|article-info|timestamp|dateline|"
    r"author|hero|header|info",
    re.I,
)
_UPDATED_WORD = re.compile(r"updat|modif|revis|edited|aktualisiert|actualiz|mis à jour", re.I)


def _full_dates(text: str, latest: dt.date) -> Iterator[tuple[str, int]]:
    """(ISO date, offset) of every full written-out or numeric date in ``text``."""
    from storyline.text.datepatterns import scan

    for m in scan(text):
        if m.kind == "date" and m.year and m.month and m.day:
            value = _valid(m.year, m.month, m.day, latest)
            if value:
                yield value, m.start


def _visible_signals(tree: Any, latest: dt.date) -> Iterator[DateSignal]:
    """Dates a reader sees: in date/byline boxes, and right around the headline."""
    body = tree.find(".//body")
    if body is None:
        return
    seen_box = False
    for el in body.iter():
        if seen_box or not isinstance(el.tag, str) or el.tag in ("script", "style", "time"):
            continue
        marks = f"{el.get('class') or ''} {el.get('id') or ''}"
        if not _DATE_BOX.search(marks):
            continue
        text = " ".join((el.text_content() or "").split())
        if not text or len(text) > 160:
            continue
        for value, off in _full_dates(text, latest):
            updated = _UPDATED_WORD.search(text[max(0, off - 30) : off])
            kind = "text-updated" if updated else "text-date"
            raw = text[max(0, off - 20) : off + 25]
            yield DateSignal(kind, value, raw, f"<{el.tag} {marks.strip()[:40]}>")
            seen_box = True
            break
    h1 = body.find(".//h1")
    if h1 is None:
        return
    head = " ".join((h1.text_content() or "").split())
    if not head:
        return
    flat = " ".join(" ".join(body.itertext()).split())
    pos = flat.find(head)
    if pos < 0:
        return
    window = flat[pos + len(head) : pos + len(head) + 400]
    for value, off in _full_dates(window, latest):
        updated = _UPDATED_WORD.search(window[max(0, off - 30) : off])
        kind = "title-updated" if updated else "title-date"
        raw = window[max(0, off - 20) : off + 25]
        yield DateSignal(kind, value, raw, "text after the headline")
        break


def date_signals(tree: Any, url: str | None, *, today: dt.date | None = None) -> list[DateSignal]:
    """Every date signal of the page (see the module docstring), in page order per kind."""
    latest = (today or dt.date.today()) + dt.timedelta(days=2)
    out: list[DateSignal] = []
    u = url_date(url, latest)
    if u:
        out.append(DateSignal("url", u, url or "", "URL"))
    for gen in (_jsonld_signals(tree, latest), _meta_signals(tree, latest),
                _time_signals(tree, latest), _visible_signals(tree, latest),
                _htmldate_signals(tree, url, latest)):
        out.extend(gen)
    # htmldate pads a bare year (a copyright line, a /2021/ URL) to 1 January: only a date
    # some other signal also gives is a day
    others = {s.value for s in out if not s.kind.startswith("htmldate")}
    return [s for s in out if not (s.kind.startswith("htmldate") and s.value.endswith("-01-01")
                                   and s.value not in others)]


