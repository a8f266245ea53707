"""Outlet furniture that the generic cleaning rules leave in: appeals, widgets, bylines, credits.

:mod:`storyline.text.clean` drops boilerplate that looks the same on every site. What is left
is furniture particular to a family of outlets, learnt by reading the most repeated lines of
the English sources of ``india-news-2020`` (Times of India, ThePrint, Indian Express, The
Wire) and checked not to match article sentences:

* reader appeals that run over several paragraphs (``News media is in a crisis & only you can
  fix it`` … ``If you think we deserve your support …``);
* link widgets: ``More on Covid-19`` + its list of headlines, ``Don’t miss these articles …``
  + its ``‣`` bullets, ``Coronavirus outbreak: Latest updates``, ``Trust the newspaper for
  your daily verified news``, ``… read more`` author teasers, ``Read this story in Bengali``;
* ``Also read:`` links whose title ends with a full stop or holds a hashtag (the generic rule
  keeps those, to be safe with sentences);
* bylines (``By Pia Krishnankutty, journalist at ThePrint``), author notes (``The author is …
  Views are personal.``), agency and syndication credits (``(With PTI inputs)``, ``By
  arrangement with Business Standard.``, ``This article was originally published on …``);
* photo credits at the end of a caption (``… in Kolkata, March 24, 2020. Photo: PTI/Ashok
  Bhaumik``): the credit goes, the caption stays.

Bylines, credits and appeals name outlets and photographers; left in, they would be counted as
entities and speakers of the news. Every rule is anchored to a whole line (or the end of a
caption) and records what it dropped, like the rules of :mod:`storyline.text.clean`.
"""

from __future__ import annotations

import re

import regex

from storyline.model import RemovedLine

__all__ = ["mark_furniture", "strip_inline_furniture"]

_I = re.IGNORECASE

_APPEAL_HEAD = re.compile(
    r"(?:why )?(?:the )?news media is in (?:a )?crisis\b.{0,40}"
    r"|you are reading this because you value .{0,200}",
    _I,
)
_APPEAL_WORDS = re.compile(
    r"journalis|newsroom|reporters|subscri|readers?\b|support|crisis|layoffs|pay-?cuts|"
    r"advertis|deserve|we thank you|your (?:time|trust)|quality|fact-check|objective",
    _I,
)
_WE_YOU = re.compile(r"\b(?:we|our|us|you|your)\b", _I)

_WIDGET_HEAD = re.compile(
    r"(?:more on (?:covid(?:-19)?|coronavirus)\b.{0,200}"
    r"|don[’']t miss (?:these|the) (?:articles|stories|reads?)\b.{0,80}"
    r"|(?:also )?(?:catch|read) (?:all )?(?:the )?(?:latest|top) (?:stories|news|updates)"
    r" .{0,60}:)",
    _I,
)
_WIDGET_LINE = re.compile(
    r"(?:(?:coronavirus|covid(?:-19)?|corona)(?: virus)?"
    r"(?: outbreak| pandemic| in india| india| lockdown| crisis| cases)?\s*[:\-–]?\s*"
    r"(?:latest|live|complete)(?: live)? (?:updates?|coverage|blog)"
    r"|follow (?:the )?(?:coronavirus|covid(?:-19)?)(?: in)?(?: india)? live updates?"
    r"|trust the newspaper for your daily verified news"
    r"|it[’']s time to mask up and stay safe.{0,60}"
    r"|news in brief\s*explore briefs"
    r"|read our .{0,40}live blog .{0,80}"
    r"|read (?:the entire|the full|this) story (?:on|in) [\w+ ]{2,30}"
    r"|for all the latest .{0,60} download .{0,60}\bapp)\W*",
    _I,
)
_READ_MORE_TEASER = re.compile(r".{2,200}?(?:\.\.\.|…)\s*read more", _I)

_ALSO_READ_ANY = re.compile(r"(?:also read|read also)\s*:\s*(?P<rest>.+)", _I)

_NAME = r"(?:[A-Z][\w’'.-]*\.?|[A-Z]\.)"
_BYLINE = regex.compile(
    r"(?i:by|written by|reported by)\s+"
    + _NAME
    + r"(?:\s+"
    + _NAME
    + r"){0,4}(?:\s*(?:,|and|&)\s*"
    + _NAME
    + r"(?:\s+"
    + _NAME
    + r"){0,4})*"
    r"(?:\s*,\s*(?:journalist|reporter|correspondent|editor|staff writer|intern|"
    r"senior [\w ]{1,30}|[\w ]{0,30}(?:at|with|for) (?:ThePrint|The Wire|The Indian Express|"
    r"Times of India|TOI|The Times of India))[\w ,]{0,40})?",
)
_AUTHOR_NOTE = re.compile(
    r"(?:the |\(the )?(?:author|writer|columnist)s? (?:is|are) (?!(?:said|reported|believed|"
    r"alleged|accused|expected|likely|being|under)\b)[^\n]{0,400}"
    r"|views (?:expressed )?are (?:personal|the author[’']s own)\.?\)?"
    r"|(?:the )?views expressed (?:here |above )?are .{0,80}",
    _I,
)
_VIEWS = re.compile(r"views (?:expressed )?are (?:personal|the author[’']s own)", _I)
# "By Monday", "By March": a time, not a name
_NOT_NAME = re.compile(
    r"^by (?:mon|tues|wednes|thurs|fri|satur|sun)day\b|^by (?:jan|feb|mar|apr|may|jun|jul|aug|"
    r"sep|oct|nov|dec)[a-z]*\b|^by (?:the|this|then|now|noon|evening|morning|night)\b",
    _I,
)
_REPORTED = re.compile(r"\b(?:said|says|told|according to|police|arrested|accused)\b", _I)
_AGENCY = re.compile(
    r"\(?\s*(?:with (?:inputs from|agency inputs|\w{2,12} inputs|inputs)"
    r"(?: from)?[\w ,&/]{0,60}|reuters|pti|ani|ians|afp|ap|agencies|agency)\s*\)?\.?",
    _I,
)
_SYNDICATION = re.compile(
    r"(?:by arrangement with .{2,60}"
    r"|this (?:article|piece|story|report) (?:was|is|has been) (?:originally |first )?"
    r"(?:published|republished|appeared) (?:on|in|from|first in) .{2,160}"
    r"|this (?:article|piece) is republished from .{2,200})",
    _I,
)
_HTML_RESIDUE = re.compile(r"(?:<[^>\n]{1,300}>\s*)+")

# "… Photo: PTI/Ashok Bhaumik" at the end of a caption (after a sentence end or at the start)
_TRAILING_CREDIT = re.compile(
    r"(?:(?<=[.!?”\"’)])|^)\s*(?:(?:file|representative|representational)\s+)?"
    r"(?:photo|picture|image|pic)s?(?:\s+credits?)?\s*:\s*[^\n]{1,100}$",
    _I,
)
_PAREN_CREDIT = re.compile(r"\s*\((?:express |file )?photos?\s*(?:by|:)\s*[^()\n]{1,60}\)", _I)

_FULL_STOP_END = re.compile(r"[.!।…](?:[\"'”’»)\]]*)$")


def _headline_like(line: str, max_len: int = 160) -> bool:
    return bool(line) and len(line) <= max_len and len(line.split()) <= 25 and not (
        _FULL_STOP_END.search(line)
    )


def _appeal_line(line: str) -> bool:
    return (
        len(line) <= 700
        and _APPEAL_WORDS.search(line) is not None
        and _WE_YOU.search(line) is not None
    )


def mark_furniture(lines: list[str], removed: dict[int, str]) -> None:
    """Mark outlet furniture lines in ``removed`` (line index -> rule name)."""
    n = len(lines)
    i = 0
    while i < n:
        line = lines[i].strip()
        if not line or i in removed:
            i += 1
            continue
        rule = _line_rule(line)
        if rule:
            removed[i] = rule
            i += 1
            continue
        if _APPEAL_HEAD.fullmatch(line):
            # the appeal: this heading and the appeal paragraphs after it
            removed[i] = "reader-appeal"
            j = i + 1
            while j < n and (not lines[j].strip() or _appeal_line(lines[j].strip())):
                if lines[j].strip():
                    removed.setdefault(j, "reader-appeal")
                j += 1
            i = j
            continue
        if _WIDGET_HEAD.fullmatch(line):
            removed[i] = "link-widget"
            j = i + 1
            if j < n and not lines[j].strip():
                j += 1
            while j < n and lines[j].strip() and _headline_like(lines[j].strip()):
                removed.setdefault(j, "link-widget")
                j += 1
            i = j
            continue
        i += 1
    # author notes: in the last lines of what is left, or saying "views are personal"
    kept = [k for k, ln in enumerate(lines) if ln.strip() and k not in removed]
    tail = set(kept[-3:])
    for k in kept:
        line = lines[k].strip()
        if (
            len(line) <= 500
            and (k in tail or _VIEWS.search(line))
            and _AUTHOR_NOTE.fullmatch(line)
            and not _REPORTED.search(line)
        ):
            removed[k] = "author-note"


def _line_rule(line: str) -> str | None:
    """Rule name when ``line`` on its own is outlet furniture."""
    n = len(line)
    if n <= 200 and _WIDGET_LINE.fullmatch(line):
        return "link-widget"
    if n <= 260 and _READ_MORE_TEASER.fullmatch(line):
        return "author-teaser"
    m = _ALSO_READ_ANY.fullmatch(line)
    if m and n <= 260 and len(m.group("rest").split()) <= 30:
        return "also-read"
    if (
        n <= 120
        and _BYLINE.fullmatch(line)
        and not _FULL_STOP_END.search(line)
        and not _NOT_NAME.search(line)
    ):
        return "byline"
    if n <= 80 and _AGENCY.fullmatch(line):
        return "agency-credit"
    if n <= 260 and _SYNDICATION.fullmatch(line):
        return "syndication-note"
    if _HTML_RESIDUE.fullmatch(line):
        return "html-residue"
    return None


def strip_inline_furniture(line: str) -> tuple[str, list[RemovedLine]]:
    """Photo credits at the end of a caption line; returns the line and what was cut."""
    cut: list[RemovedLine] = []
    if "hoto" not in line and "icture" not in line and "mage" not in line and "Pic" not in line:
        return line, cut
    m = _TRAILING_CREDIT.search(line)
    if m and m.start() > 0:
        cut.append(RemovedLine(m.group(0).strip(), "photo-credit"))
        line = line[: m.start()].rstrip()
    for pm in _PAREN_CREDIT.finditer(line):
        cut.append(RemovedLine(pm.group(0).strip(), "photo-credit"))
    if _PAREN_CREDIT.search(line):
        line = _PAREN_CREDIT.sub("", line).strip()
    return line, cut
