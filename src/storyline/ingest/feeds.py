"""RSS 2.0 / RSS 1.0 (RDF) / Atom feeds: one document per item or entry.

Parsed with lxml with entity resolution and network access off; a DOCTYPE that declares
entities is refused outright (billion-laughs / XXE). Descriptions and contents are HTML
stripped to text.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

from lxml import etree

from storyline.ingest.decode import iso_date, quarantine, sha256_hex
from storyline.ingest.html import html_to_text, normalize_lang
from storyline.model import Provenance, Quarantined, RawDoc

log = logging.getLogger(__name__)

_ATOM = "{http://www.w3.org/2005/Atom}"
_MEDIA_NS = "http://search.yahoo.com/mrss/"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_ENTITY_DECL = re.compile(rb"<!DOCTYPE[^>\[]*\[[^\]]*<!ENTITY", re.IGNORECASE | re.DOTALL)
_TEXT_FIELDS = ("encoded", "content", "description", "summary")  # preferred first
_DATE_FIELDS = ("pubDate", "published", "date", "issued", "updated", "modified")


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _children(el: Any, name: str) -> list[Any]:
    """Child elements named *name* in any namespace but Media RSS (media:title, ...)."""
    return [c for c in el if _local(c.tag) == name
            and etree.QName(c.tag).namespace != _MEDIA_NS]


def _child(el: Any, name: str) -> Any | None:
    found = _children(el, name)
    return found[0] if found else None


def _plain(el: Any | None) -> str:
    """Text of a feed element; HTML (escaped, CDATA or Atom xhtml) is reduced to text."""
    if el is None:
        return ""
    if el.get("type") == "xhtml" or len(el):
        inner = (el.text or "") + "".join(
            etree.tostring(c, encoding="unicode", with_tail=True) for c in el)
        return html_to_text(inner)
    raw = el.text or ""
    if el.get("type") == "text":
        return " ".join(raw.split())
    return html_to_text(raw)


def _link(item: Any) -> str | None:
    for el in _children(item, "link"):
        href = el.get("href")
        if href and el.get("rel", "alternate") == "alternate":
            return str(href).strip()
        if not href and (el.text or "").strip():
            return str(el.text).strip()
    guid = _child(item, "guid")
    if guid is not None and guid.get("isPermaLink", "true") == "true":
        text = (guid.text or "").strip()
        if text.startswith(("http://", "https://")):
            return text
    return None


def _channel_info(root: Any) -> tuple[str | None, str | None]:
    """(feed title, feed language) from the RSS ``<channel>`` or the Atom ``<feed>``."""
    chan = _child(root, "channel") if _local(root.tag) != "feed" else root
    if chan is None:
        return None, normalize_lang(root.get(_XML_LANG))
    title = _plain(_child(chan, "title")) or None
    lang_el = _child(chan, "language")
    lang = normalize_lang(lang_el.text if lang_el is not None else None)
    return title, lang or normalize_lang(chan.get(_XML_LANG) or root.get(_XML_LANG))


def _item_bytes(item: Any, index: int) -> bytes:
    """The item's XML (its hash identifies it); some recovered trees cannot be serialised
    (invalid character references): then its text."""
    try:
        return bytes(etree.tostring(item))
    except (etree.SerialisationError, ValueError):
        text = " ".join(t for t in item.itertext() if isinstance(t, str))
        return f"<item {index}>{text}".encode("utf-8", "replace")


def _item_doc(item: Any, index: int, source: str, name: str, encoding: str,
              feed_title: str | None, feed_lang: str | None) -> RawDoc | Quarantined:
    raw = _item_bytes(item, index)
    title = _plain(_child(item, "title")) or None
    text = ""
    for field in _TEXT_FIELDS:
        for el in _children(item, field):
            text = _plain(el)
            if text:
                break
        if text:
            break
    extra: dict[str, Any] = {}
    if not text:
        if not title:
            return quarantine(source, "no-text", f"feed item {index} has neither title nor "
                              "description/content; nothing to ingest", raw, item.sourceline)
        text, extra["text_from"] = title, "title"  # headline-only feeds stay usable
    date_hint = origin = None
    for field in _DATE_FIELDS:
        el = _child(item, field)
        value = (el.text or "").strip() if el is not None else ""
        if value:
            date_hint = iso_date(value) or value
            origin = f'feed field <{field}> "{value}"'
            break
    ident = _child(item, "guid")
    if ident is None:
        ident = _child(item, "id")
    url = _link(item)
    doc_id = ((ident.text or "").strip() if ident is not None else "") or url or f"{name}#{index}"
    authors = [_plain(a) or _plain(_child(a, "name")) for a in
               _children(item, "author") + _children(item, "creator")]
    if any(authors):
        extra["authors"] = [a for a in authors if a]
    cats = [(c.text or c.get("term") or "").strip() for c in _children(item, "category")]
    if any(cats):
        extra["categories"] = [c for c in cats if c]
    src = _child(item, "source")
    source_name = (_plain(_child(src, "title")) if len(src) else _plain(src)) \
        if src is not None else None
    prov = Provenance(source=source, kind="feed", line=item.sourceline,
                      raw_sha256=sha256_hex(raw), encoding=encoding)
    return RawDoc(text=text, provenance=prov, doc_id=doc_id, title=title, url=url,
                  source_name=source_name or feed_title, date_hint=date_hint,
                  date_hint_origin=origin,
                  lang_hint=normalize_lang(item.get(_XML_LANG)) or feed_lang, extra=extra)


_ITEM_START = re.compile(rb"<(?:[\w.-]+:)?(?:item|entry)[\s>/]")
_ITEM_SPAN = re.compile(rb"<((?:[\w.-]+:)?(?:item|entry))[\s>].*?</\1\s*>", re.DOTALL)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""")


def _parser(encoding: str | None = None) -> Any:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           recover=True, remove_comments=True, huge_tree=False,
                           encoding=encoding)


def iter_feed(data: bytes, source: str, name: str) -> Iterator[RawDoc | Quarantined]:
    """Yield one :class:`RawDoc` per RSS item / Atom entry of the feed in *data*.

    When the feed does not parse as a whole (an item too deeply nested, a fatal error half
    way), its items are parsed one by one, so one bad item costs only itself.
    """
    if _ENTITY_DECL.search(data[:65536]):
        yield quarantine(source, "bad-xml", "feed declares XML entities in a DOCTYPE; refused "
                         "for safety (remove the DOCTYPE and re-run)", data)
        return
    try:
        root = etree.fromstring(data, parser=_parser())
    except (etree.XMLSyntaxError, ValueError) as err:
        root = None
        log.debug("feed parse error in %s: %s", source, err)
    items = _items(root) if root is not None else []
    expected = len(_ITEM_START.findall(data))
    if len(items) < expected:
        yield from _items_one_by_one(data, source, name, root)
        return
    if root is None:
        yield quarantine(source, "bad-xml", "not well-formed XML, even in recovery mode; "
                         "check that the file is a complete RSS/Atom feed", data)
        return
    if not items:
        yield quarantine(source, "no-text", f"XML root <{_local(root.tag)}> has no RSS items "
                         "or Atom entries; nothing to ingest", data)
        return
    encoding = root.getroottree().docinfo.encoding or "utf-8"
    feed_title, feed_lang = _channel_info(root)
    for index, item in enumerate(items, 1):
        yield _safe_item(item, index, source, name, encoding.lower(), feed_title, feed_lang)


def _items(root: Any) -> list[Any]:
    return [el for el in root.iter() if _local(el.tag) == "item"
            or el.tag == f"{_ATOM}entry" or (_local(root.tag) == "feed"
                                             and _local(el.tag) == "entry")]


def _safe_item(item: Any, index: int, source: str, name: str, encoding: str,
               feed_title: str | None, feed_lang: str | None) -> RawDoc | Quarantined:
    try:
        return _item_doc(item, index, source, name, encoding, feed_title, feed_lang)
    except Exception as err:  # one bad item must not stop the feed
        log.exception("feed item %d of %s failed", index, source)
        return quarantine(source, "reader-error", f"feed item {index}: unexpected error "
                          f"({type(err).__name__}: {str(err)[:200]}); skipped, please "
                          "report it", b"", getattr(item, "sourceline", None))


def _items_one_by_one(data: bytes, source: str, name: str,
                      root: Any) -> Iterator[RawDoc | Quarantined]:
    m = _XML_ENCODING.search(data[:1024])
    encoding = m.group(1).decode("ascii").lower() if m else "utf-8"
    feed_title, feed_lang = _channel_info(root) if root is not None else (None, None)
    for index, span in enumerate(_ITEM_SPAN.finditer(data), 1):
        chunk = span.group(0)
        try:
            item = etree.fromstring(chunk, parser=_parser(encoding))
        except (etree.XMLSyntaxError, ValueError, LookupError) as err:
            item = None
            log.debug("feed item %d of %s: %s", index, source, err)
        if item is None:
            yield quarantine(source, "bad-xml", f"feed item {index} (byte {span.start()}) is "
                             "not well-formed XML (too deeply nested, or broken); skipped",
                             chunk[:4096])
            continue
        yield _safe_item(item, index, source, name, encoding, feed_title, feed_lang)
