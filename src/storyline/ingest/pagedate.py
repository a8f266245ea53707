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
(:class:`DateRanker`: one feature per signal kind backing the date, plus agreement features —
"shown to the reader and in the metadata", "another date is shown") and shows the best one
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
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

__all__ = [
    "DateRanker", "DateSignal", "PageDate", "candidate_features", "date_signals", "decide",
    "parse_date_value",
]


@dataclass(frozen=True)
class DateSignal:
    kind: str  # see the module docstring
    value: str  # ISO YYYY-MM-DD
    raw: str  # the string as found on the page
    where: str  # e.g. 'meta property="article:published_time"'


@dataclass
class PageDate:
    value: str | None
    confidence: float
    evidence: str
    signals: list[DateSignal] = field(default_factory=list)


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


# --------------------------------------------------------------------------- decision

KINDS: tuple[str, ...] = (
    "url", "jsonld-published", "jsonld-modified", "meta-published", "meta-modified",
    "time-published", "time-modified", "time-first", "text-date", "text-updated", "title-date",
    "title-updated", "htmldate", "htmldate-text",
)
FEATURES: tuple[str, ...] = (
    *KINDS, "later-signals", "latest-candidate", "earliest-candidate", "single-candidate",
    "published-agree", "modified-only", "shown", "shown-twice", "shown-and-modified",
    "shown-and-published", "shown-elsewhere",
)
_PUBLISHED = ("url", "jsonld-published", "meta-published", "time-published")
_MODIFIED = ("jsonld-modified", "meta-modified", "time-modified", "text-updated",
             "title-updated")
_SHOWN = ("title-date", "title-updated", "text-date", "text-updated", "time-first")
_META_MOD = ("jsonld-modified", "meta-modified", "time-modified")


def _strongest(signals: list[DateSignal]) -> dict[str, DateSignal]:
    """The first signal of each kind (page order: the main article's comes first)."""
    first: dict[str, DateSignal] = {}
    for s in signals:
        first.setdefault(s.kind, s)
    return first


def candidate_features(signals: list[DateSignal]) -> dict[str, list[float]]:
    """One feature vector (:data:`FEATURES`) per distinct date the page gives."""
    first = _strongest(signals)
    values = sorted({s.value for s in signals})
    out: dict[str, list[float]] = {}
    for v in values:
        backing = {k for k, s in first.items() if s.value == v}
        later = sum(1 for s in signals if s.value == v and first[s.kind] is not s)
        f = [1.0 if k in backing else 0.0 for k in KINDS]
        f += [
            min(later, 3) / 3,
            1.0 if v == values[-1] and len(values) > 1 else 0.0,
            1.0 if v == values[0] and len(values) > 1 else 0.0,
            1.0 if len(values) == 1 else 0.0,
            1.0 if sum(1 for k in _PUBLISHED if k in backing) >= 2 else 0.0,
            1.0 if backing and backing <= set(_MODIFIED) else 0.0,
        ]
        shown = sum(1 for k in _SHOWN if k in backing)
        shown_other = any(k in first and first[k].value != v for k in _SHOWN)
        f += [
            1.0 if shown else 0.0,
            1.0 if shown >= 2 else 0.0,
            1.0 if shown and any(k in backing for k in _META_MOD) else 0.0,
            1.0 if shown and any(k in backing for k in _PUBLISHED) else 0.0,
            1.0 if shown_other else 0.0,
        ]
        out[v] = f
    return out


@dataclass
class DateRanker:
    """Logistic scorer of candidate dates; the best-scoring candidate is the page's date.

    Its probability is the confidence shown. Trained by ``scripts/build_date_ranker.py`` on
    WCXB dev (gold publication dates) and shipped as ``resources/date_ranker.json``.
    """

    weights: list[float]
    bias: float
    version: str = "untrained"
    trained_on: str = ""

    def score(self, f: list[float]) -> float:
        z = self.bias + sum(w * x for w, x in zip(self.weights, f, strict=True))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def to_disk(self, path: str | Path) -> None:
        data = {"version": self.version, "trained_on": self.trained_on,
                "features": list(FEATURES), "weights": [round(w, 5) for w in self.weights],
                "bias": round(self.bias, 5)}
        Path(path).write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DateRanker:
        if list(data.get("features", [])) != list(FEATURES):
            raise ValueError("date ranker features do not match this version of storyline; "
                             "rebuild it with scripts/build_date_ranker.py")
        return cls([float(w) for w in data["weights"]], float(data["bias"]),
                   str(data.get("version", "?")), str(data.get("trained_on", "")))

    @classmethod
    def from_disk(cls, path: str | Path | None = None) -> DateRanker:
        if path is None:
            text = resources.files("storyline.resources").joinpath("date_ranker.json").read_text(
                encoding="utf-8")
        else:
            text = Path(path).read_text(encoding="utf-8")
        return cls.from_dict(json.loads(text))

    @classmethod
    def fit(cls, pages: list[tuple[list[DateSignal], str]], *, l2: float = 1.0,
            version: str = "", trained_on: str = "") -> DateRanker:
        """Fit on (signals, gold ISO date) pairs: every candidate is an example."""
        import numpy as np

        xs: list[list[float]] = []
        ys: list[float] = []
        for signals, gold in pages:
            for v, f in candidate_features(signals).items():
                xs.append(f)
                ys.append(1.0 if v == gold else 0.0)
        x = np.asarray(xs, dtype=float)
        y = np.asarray(ys, dtype=float)
        x1 = np.hstack([x, np.ones((len(x), 1))])
        w = np.zeros(x1.shape[1])
        reg = np.full(x1.shape[1], l2)
        reg[-1] = 0.0  # the bias is not shrunk
        for _ in range(50):  # Newton steps on the penalised log-likelihood
            p = 1.0 / (1.0 + np.exp(-np.clip(x1 @ w, -30, 30)))
            grad = x1.T @ (p - y) + reg * w
            hess = (x1 * (p * (1 - p))[:, None]).T @ x1 + np.diag(reg + 1e-9)
            step = np.linalg.solve(hess, grad)
            w -= step
            if float(np.abs(step).max()) < 1e-8:
                break
        return cls([float(v) for v in w[:-1]], float(w[-1]), version, trained_on)


@lru_cache(maxsize=1)
def default_ranker() -> DateRanker | None:
    try:
        return DateRanker.from_disk()
    except (FileNotFoundError, ValueError, KeyError) as err:
        log.warning("date ranker unavailable (%s); page dates fall back to fixed weights", err)
        return None


_FALLBACK_WEIGHTS = {"url": 3.0, "jsonld-published": 2.5, "meta-published": 2.5,
                     "time-published": 2.0, "time-first": 1.5, "htmldate": 1.5}


def decide(signals: list[DateSignal], ranker: DateRanker | None = None) -> PageDate:
    """One date from the signals: the best-ranked candidate, its probability as confidence."""
    if not signals:
        return PageDate(None, 0.0, "no date signal on the page")
    model = ranker or default_ranker()
    feats = candidate_features(signals)
    if model is not None:
        scored = {v: model.score(f) for v, f in feats.items()}
    else:  # no shipped model: fixed weights, and a confidence that claims little
        first = _strongest(signals)
        scored = {v: 0.1 * sum(_FALLBACK_WEIGHTS.get(k, 0.5) for k, s in first.items()
                               if s.value == v) for v in feats}
    value = max(scored, key=lambda v: (scored[v], v))
    conf = min(scored[value], 0.99) if model is not None else min(scored[value], 0.6)
    first = _strongest(signals)
    backing = [s for s in first.values() if s.value == value]
    if any(s.kind == "htmldate" for s in backing):
        backing = [s for s in backing if s.kind != "htmldate-text"]
    against = [s for s in first.values() if s.value != value]
    ev = "; ".join(f"{s.where} {s.raw.strip()[:40]!r}" for s in backing[:3])
    if against:
        ev += " (other dates: " + ", ".join(f"{s.value} from {s.where}" for s in against[:3]) + ")"
    return PageDate(value, round(conf, 2), ev, signals)
