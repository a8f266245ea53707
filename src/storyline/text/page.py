"""Article text of an input document: text dumps get their article found, the rest is cleaned.

:func:`clean_page` is what the pipeline's ``clean`` stage runs on every document:

* a document that is a *text dump* (:func:`storyline.text.dump.looks_like_dump`: page text
  with menus, teasers, comments and footers the cleaner's own rules do not explain) is cut down
  to its article by :func:`storyline.text.dump.extract_dump`, which also finds the headline;
* then (dump or not) :func:`storyline.text.clean.clean_text` removes boilerplate lines.

Clean articles (the seeds, the Indian outlets' JSON Lines) are not dumps and come out exactly as
:func:`clean_text` alone makes them. Site furniture is learnt online: with a
:class:`~storyline.text.sitelines.SiteLines` table, each dump's lines are counted for its site
after it is read, and lines already seen on earlier pages of the site are furniture.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from storyline.model import RemovedLine
from storyline.text.clean import clean_text
from storyline.text.dump import (
    analyse,
    dump_result,
    is_dump,
    page_lines,
)
from storyline.text.dumplines import LineModel, default_model, headline_shaped, norm_line
from storyline.text.repair import Repair, repair_text
from storyline.text.sitelines import SiteLines
from storyline.text.unicode import normalize_unicode

__all__ = ["PageText", "clean_page"]

MIN_LINES = 4  # a page dump has at least this many non-empty lines
MIN_WORDS = 5  # an extracted article shorter than this is no article: the text is kept whole

@dataclass
class PageText:
    text: str
    removed: list[RemovedLine] = field(default_factory=list)
    title: str | None = None  # the headline found (None: none found, or not looked for)
    dump: dict[str, Any] | None = None  # what the dump extraction did (None: not a dump)
    repair: Repair = field(default_factory=Repair)  # mojibake / entity repairs


def clean_page(
    raw_text: str,
    *,
    lang: str | None = None,
    title_line: str | None = None,
    site: str | None = None,
    sites: SiteLines | None = None,
    model: LineModel | None = None,
    dumps: bool = True,
) -> PageText:
    """Article text, removed lines and (for a dump) headline of one document.

    ``title_line``: a first line the plain-text reader took for a title; it goes back on top of
    the page when the page is a dump (it may be a site banner). ``site``/``sites``: the
    document's site key and the online furniture table (both None: no site knowledge).
    ``dumps=False``: never treat the text as a dump (text an HTML extractor produced, or a
    record that came with its own title: an article someone already extracted).
    """
    model = model or default_model()
    fixed, repair = repair_text(raw_text)  # mojibake and entities first, as clean_text does
    text = normalize_unicode(fixed)
    lines = page_lines(text)
    if title_line and title_line.strip():
        lines = [normalize_unicode(repair_text(title_line)[0]), *lines]
    if dumps and len(lines) >= MIN_LINES:
        keys = [norm_line(s) for s in lines]
        counts = None
        if sites is not None and site:
            counts = sites.lookup_and_observe(site, keys)  # every candidate page counts
        d = analyse(lines, counts, model)
        found = dump_result(d, model) if is_dump(d, model) else None
        if found is not None and len(found.text.split()) >= MIN_WORDS:
            res = clean_text(found.text, lang)
            info = {
                "site": site, "lines": len(lines), "headline_line": d.headline,
                "article_lines": [d.start, d.end] if d.start is not None else None,
                "model": model.version,
            }
            return PageText(res.text, found.removed + res.removed, found.title, info, repair)
        if not title_line and d.headline == 0 and d.start == 1 and headline_shaped(lines[0]):
            # not a dump, but a headline line right above the article (no blank line after)
            res = clean_text(text.split("\n", 1)[1], lang)
            return PageText(res.text, res.removed, lines[0], None, repair)
    res = clean_text(raw_text, lang)
    return PageText(res.text, res.removed, None, None, res.repair)
