"""The per-article stages of the default pipeline: raw document → cleaned, typed article."""

from __future__ import annotations

import datetime as dt
import hashlib
import re

from storyline.cluster.dedup import signature
from storyline.errors import InputError
from storyline.model import Article, Quarantined, RawDoc, content_hash
from storyline.pipeline.base import Pipeline, Stage, stage
from storyline.text.clean import normalize_unicode
from storyline.text.dates import find_time_expressions, publication_date
from storyline.text.lang import detect_language
from storyline.text.names import name_key_counts
from storyline.text.page import clean_page
from storyline.text.repair import repair_text
from storyline.text.sitelines import SiteLines, site_of

MIN_WORDS = 5
# inputs whose text an HTML extractor already separated from the page: never text dumps
MARKUP_KINDS = frozenset({"html", "warc", "feed"})


def article_from_raw(raw: RawDoc) -> Article:
    """An article shell from a reader's document (id filled by the ``identity`` stage)."""
    extra = dict(raw.extra)
    for k, v in (
        ("title_hint", raw.title),
        ("date_hint", raw.date_hint),
        ("date_hint_origin", raw.date_hint_origin),
        ("date_hint_confidence", raw.date_hint_confidence),
        ("lang_hint", raw.lang_hint),
    ):
        if v:
            extra[f"_{k}"] = v
    return Article(
        id="",
        doc_id=raw.doc_id,
        provenance=raw.provenance,
        title=raw.title or "",
        text="",
        raw_text=raw.text,
        url=raw.url,
        source_name=raw.source_name,
        extra=extra,
    )


def prepare_doc(pipeline: Pipeline, doc: RawDoc) -> Article | Quarantined:
    """The per-document part of ingest (clean, language, dates, keys...): an article, or the
    document quarantined with the reason. Stateless: the Spark job runs it on executors."""
    try:
        return pipeline.run(article_from_raw(doc))
    except InputError as exc:
        return Quarantined(
            source=doc.provenance.source,
            reason=exc.reason,
            message=exc.message,
            line=doc.provenance.line,
            raw_sha256=doc.provenance.raw_sha256,
            sample=doc.text[:200].encode("utf-8"),
        )


def may_be_dump(a: Article) -> bool:
    """Plain text (files, stdin) and JSON records without a title may be page dumps; HTML,
    WARC and feed items were extracted from their markup, and a record that comes with its
    own title is an article someone already extracted."""
    if a.provenance.kind in MARKUP_KINDS:
        return False
    return a.provenance.kind == "text" or not a.extra.get("_title_hint")


def clean_stage(sites: SiteLines | None = None) -> Stage:
    """The ``clean`` stage: text dumps cut down to their article (:mod:`storyline.text.page`),
    then boilerplate lines removed. ``sites``: the online site-furniture table, or None."""

    @stage("clean", needs={"raw_text"}, adds={"text", "removed"})
    def clean(a: Article) -> Article:
        plain_title = a.extra.get("_title_hint") if a.provenance.kind == "text" else None
        page = clean_page(a.raw_text, lang=a.extra.get("_lang_hint"), title_line=plain_title,
                          site=site_of(a.url, a.source_name), sites=sites,
                          dumps=may_be_dump(a))
        a.text, a.removed = page.text, page.removed
        if page.repair:
            a.extra["text_repair"] = page.repair.to_dict()
        if page.dump is not None:
            a.extra["text_dump"] = page.dump
            if plain_title or not a.title:  # the reader's guess gives way to the headline
                a.title = page.title or ""
        elif page.title and not a.title:
            a.title = page.title
        if len(a.text.split()) < MIN_WORDS:
            raise InputError(
                "no-text",
                f"only {len(a.text.split())} words of text left after cleaning; nothing to "
                "analyse",
            )
        return a

    return clean


clean = clean_stage()


@stage("language", needs={"text"}, adds={"lang"})
def language(a: Article) -> Article:
    a.lang = detect_language(a.text)
    return a


_SENT = re.compile(r"(?<=[.!?।])\s+")


@stage("title", needs={"text"}, adds={"title"})
def title(a: Article) -> Article:
    if a.title:
        fixed, rep = repair_text(a.title)
        a.title = normalize_unicode(fixed).strip()
        if rep:
            a.extra["title_repair"] = rep.to_dict()
        return a
    first = _SENT.split(a.text.strip(), maxsplit=1)[0].strip()
    words = first.split()
    a.title = " ".join(words[:18]) + ("…" if len(words) > 18 else "")
    a.extra["title_derived"] = True
    return a


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


@stage("date", needs={"text", "lang", "title"}, adds={"date", "times"})
def date(a: Article) -> Article:
    lang = a.lang.lang if a.lang else None
    a.date = publication_date(
        a.text,
        hint=a.extra.get("_date_hint"),
        hint_origin=a.extra.get("_date_hint_origin"),
        hint_confidence=a.extra.get("_date_hint_confidence"),
        crawl_date=a.extra.get("crawl_date"),
        title=a.title,
        lang=lang,
        today=_today(),
    )
    pub = a.date.value if a.date else None  # a day, or a month/year estimate
    a.times = find_time_expressions(a.text, pub_date=pub, lang=lang)
    return a


@stage("identity", needs={"text"}, adds={"id"})
def identity(a: Article) -> Article:
    """Stable id: the same document (same input id, same cleaned content) → the same id."""
    h = hashlib.sha256(f"{a.doc_id}\x00{content_hash(a.text)}".encode()).hexdigest()
    a.id = "a_" + h[:16]
    return a


@stage("names", needs={"text", "title"}, adds={"keys", "key_tf"})
def names(a: Article) -> Article:
    a.key_tf = name_key_counts(f"{a.title}\n{a.text}")
    a.keys = list(a.key_tf)
    return a


@stage("minhash", needs={"text"}, adds={"minhash"})
def minhash(a: Article) -> Article:
    a.minhash = signature(a.text)
    return a


DEFAULT_STAGES: tuple[Stage, ...] = (clean, language, title, date, identity, names, minhash)


def default_pipeline(sites: SiteLines | None = None) -> Pipeline:
    """The default stages; with ``sites``, text dumps learn their sites' furniture online."""
    if sites is None:
        return Pipeline(DEFAULT_STAGES)
    return Pipeline((clean_stage(sites), *DEFAULT_STAGES[1:]))
