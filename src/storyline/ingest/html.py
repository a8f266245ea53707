"""HTML pages: main text via trafilatura, date via htmldate, language and URL from the markup.

Everything is offline: trees are parsed here and handed to trafilatura/htmldate, which never
see a URL they could fetch.
"""

from __future__ import annotations

import copy
import html as html_lib
import logging
import re
from typing import Any
from urllib.parse import urljoin

from lxml import etree
from lxml import html as lxml_html

from storyline.errors import InputError
from storyline.ingest.decode import declared_charset, decode_bytes, quarantine
from storyline.ingest.pagedate import date_signals, decide
from storyline.model import Provenance, Quarantined, RawDoc

log = logging.getLogger(__name__)

MIN_LETTERS = 20  # an extraction with fewer letters is navigation debris, not an article
_LANG = re.compile(r"^([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*$")
_WS = re.compile(r"\s+")
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_BLOCK_TAGS = ("p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
               "blockquote", "pre", "tr", "table", "section", "article", "header", "footer",
               "figure", "figcaption", "dd", "dt", "hr")


def normalize_lang(value: str | None) -> str | None:
    """``"fr-FR"`` / ``"en_US"`` / ``" DE "`` -> ``"fr"`` / ``"en"`` / ``"de"``; junk -> None."""
    if not value:
        return None
    m = _LANG.match(value.strip().split(",")[0].strip())
    return m.group(1).lower() if m else None


def tidy_text(text: str) -> str:
    """One paragraph per line (as trafilatura outputs): spaces collapsed, blank lines dropped."""
    lines = (" ".join(line.split()) for line in text.replace("\r", "\n").split("\n"))
    return "\n".join(line for line in lines if line)


def html_to_text(fragment: str) -> str:
    """Visible text of an HTML fragment (feed descriptions), one line per block element."""
    if "<" not in fragment:
        return tidy_text(html_lib.unescape(fragment))
    try:
        root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return tidy_text(html_lib.unescape(re.sub(r"<[^>]*>", " ", fragment)))
    for bad in root.xpath(".//script|.//style|.//noscript|.//template"):
        bad.drop_tree()
    for el in root.iter():  # source line breaks are just spaces in HTML
        if el.text and el.tag != "pre":
            el.text = _WS.sub(" ", el.text)
        if el.tail:
            el.tail = _WS.sub(" ", el.tail)
    for el in root.iter(*_BLOCK_TAGS):
        el.tail = "\n" + (el.tail or "")
        if el.tag != "br":
            el.text = "\n" + (el.text or "")
    return tidy_text(root.text_content())


def _meta(tree: Any, *names: str) -> str | None:
    for name in names:
        for el in tree.xpath(
            "//meta[translate(@property,'ABCDEFGHIJKLMNOPQRSTUVWXYZ','abcdefghijklmnopqrstuvwxyz')"
            "=$n or translate(@name,'ABCDEFGHIJKLMNOPQRSTUVWXYZ','abcdefghijklmnopqrstuvwxyz')"
            "=$n or translate(@http-equiv,'ABCDEFGHIJKLMNOPQRSTUVWXYZ',"
            "'abcdefghijklmnopqrstuvwxyz')=$n]", n=name):
            content = (el.get("content") or "").strip()
            if content:
                return content
    return None


def page_lang(tree: Any) -> str | None:
    """Language declared by the page: ``<html lang>``, ``xml:lang``, then meta tags."""
    root = tree.getroottree().getroot() if hasattr(tree, "getroottree") else tree
    for value in (root.get("lang"), root.get(_XML_LANG),
                  _meta(tree, "content-language", "language", "dc.language", "og:locale")):
        lang = normalize_lang(value)
        if lang:
            return lang
    return None


def page_url(tree: Any, base: str | None) -> str | None:
    """Canonical URL: ``<link rel=canonical>``, then ``og:url``, made absolute against *base*."""
    for el in tree.xpath("//link[@href]"):
        if "canonical" in (el.get("rel") or "").lower().split():
            href = el.get("href").strip()
            if href:
                return urljoin(base, href) if base else href
    og = _meta(tree, "og:url")
    if og:
        return urljoin(base, og) if base else og
    return None


def _load_tree(text: str) -> Any:
    from trafilatura.utils import load_html

    tree = load_html(text)
    if tree is None and "<" in text:  # load_html refuses some fragments: wrap them
        tree = load_html(f"<html><body><div>{text}</div></body></html>")
    return tree


def extract_html(text: str, *, url: str | None = None) -> dict[str, Any] | None:
    """Main text and metadata of an HTML page, or None when there is no article text.

    Returns a dict with ``text``, ``title``, ``url``, ``date``, ``date_origin``,
    ``date_confidence``, ``lang``, ``source_name``. The date is decided by
    :mod:`storyline.ingest.pagedate` from all the page's signals, with a calibrated confidence.
    """
    import trafilatura

    tree = _load_tree(text)
    if tree is None:
        return None
    body = None
    for precise in (True, False):  # precision first, default settings if that finds nothing
        try:
            body = trafilatura.extract(copy.deepcopy(tree), url=url, include_comments=False,
                                       output_format="txt", with_metadata=False,
                                       favor_precision=precise)
        except Exception as err:  # a third-party parser bug must not stop ingest
            log.warning("trafilatura failed on a page (%s: %s)", type(err).__name__, err)
            body = None
        if body and sum(ch.isalpha() for ch in body) >= MIN_LETTERS:
            break
        body = None
    if body is None:
        return None
    meta = trafilatura.extract_metadata(copy.deepcopy(tree), default_url=url, extensive=False,
                                        date_config={"extensive_search": False,
                                                     "original_date": True})
    title = ((meta.title or "").strip() or None) if meta is not None else None
    canonical = page_url(tree, url) or (meta.url if meta is not None else None) or url
    date: str | None = None
    origin: str | None = None
    confidence: float | None = None
    try:
        page = decide(date_signals(tree, canonical))
        if page.value:
            date, confidence = page.value, page.confidence
            origin = f"html page: {page.evidence}"
    except Exception as err:  # a page's markup must never stop ingest
        log.debug("page date failed: %s", err)
    if not date and meta is not None and meta.date:
        date, origin, confidence = meta.date, "html metadata (trafilatura)", 0.5
    body = tidy_text(body)
    lines = body.split("\n")
    if title and len(lines) > 1 and lines[0].strip().casefold() == title.casefold():
        body = "\n".join(lines[1:]).strip()  # the headline repeated as first paragraph
    return {"text": body, "title": title, "url": canonical, "date": date,
            "date_origin": origin, "date_confidence": confidence, "lang": page_lang(tree),
            "source_name": (meta.sitename or None) if meta is not None else None}


def html_doc_from_text(text: str, provenance: Provenance, doc_id: str, *,
                       url: str | None = None) -> RawDoc | None:
    """A :class:`RawDoc` from decoded HTML, or None when the page has no article text."""
    info = extract_html(text, url=url)
    if info is None:
        return None
    return RawDoc(text=info["text"], provenance=provenance, doc_id=doc_id, title=info["title"],
                  url=info["url"], source_name=info["source_name"], date_hint=info["date"],
                  date_hint_origin=info["date_origin"], lang_hint=info["lang"],
                  date_hint_confidence=info["date_confidence"])


def html_doc(data: bytes, provenance: Provenance, doc_id: str, *, url: str | None = None,
             declared: str | None = None,
             crawl_date: str | None = None) -> RawDoc | Quarantined:
    """Decode and extract one HTML page (file, stdin or WARC payload).

    *declared* is the charset from an HTTP header; the page's own ``<meta charset>`` is used
    otherwise. *crawl_date* (a WARC record's date) is kept as ``extra["crawl_date"]``: it is
    when the page was fetched, an upper bound of its publication date, never the date itself.
    """
    try:
        text, enc = decode_bytes(data, declared=declared or declared_charset(data))
    except InputError as err:
        return quarantine(provenance.source, err.reason, err.message, data, provenance.line)
    provenance.encoding = enc
    doc = html_doc_from_text(text, provenance, doc_id, url=url)
    if doc is None:
        return quarantine(provenance.source, "no-text",
                          "HTML page has no extractable article text (only navigation, "
                          "scripts or nothing); check that it is an article page",
                          data, provenance.line)
    if crawl_date:
        doc.extra["crawl_date"] = crawl_date
    return doc
