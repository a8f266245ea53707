"""Date vocabulary and the regex scanner behind :mod:`storyline.text.dates`.

:func:`scan` finds date-like *mentions* in a text (English, Hindi, and the common forms in
Spanish, French and German) without resolving them: explicit dates (``April 25, 2022``,
``25 अप्रैल 2022``, ``25. April 2022``, ``2022-04-25``, ``25/04/2022``), yearless day-months
(``April 25``, ``Sept. 3``, ``25 अप्रैल``), month-years, bare months with a cue (``early
April``, ``in September``), relative months (``last September``, ``पिछले साल सितंबर``),
relative phrases (``yesterday``, ``last week``, ``पिछले साल``, ``el año pasado``), "ago"
phrases (``two days ago``, ``दो दिन पहले``), weekdays (``on Wednesday``, ``मंगलवार``), years
(``in 2021``) and the ambiguous Hindi ``कल``/``परसों``.

All regexes run on a copy of the text whose native digits (Devanagari, Bengali, Arabic-Indic,
...) are mapped one-to-one to ASCII digits, so offsets are offsets into the original text.
Word boundaries are explicit look-arounds because Python's ``\\b`` breaks inside Devanagari
words (vowel signs are not ``\\w``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# --------------------------------------------------------------------------- vocabulary

_MONTHS: dict[int, tuple[str, ...]] = {
    1: ("january", "jan", "जनवरी", "enero", "janvier", "januar", "jänner"),
    2: ("february", "feb", "फरवरी", "फ़रवरी", "febrero", "février", "februar"),
    3: ("march", "mar", "मार्च", "marzo", "mars", "märz"),
    4: ("april", "apr", "अप्रैल", "अप्रेल", "abril", "avril"),
    5: ("may", "मई", "mayo", "mai"),
    6: ("june", "jun", "जून", "junio", "juin", "juni"),
    7: ("july", "jul", "जुलाई", "julio", "juillet", "juli"),
    8: ("august", "aug", "अगस्त", "agosto", "août", "aout"),
    9: ("september", "sept", "sep", "सितंबर", "सितम्बर", "septiembre", "setiembre", "septembre"),
    10: ("october", "oct", "अक्टूबर", "अक्तूबर", "octubre", "octobre", "oktober"),
    11: ("november", "nov", "नवंबर", "नवम्बर", "noviembre", "novembre"),
    12: ("december", "dec", "दिसंबर", "दिसम्बर", "diciembre", "décembre", "dezember"),
}
# English month words must be capitalised ("may", "march" are verbs); abbreviations ("Jan",
# "Mar") are only dates next to a number.
_ENGLISH_MONTHS = {ws[0] for ws in _MONTHS.values()} | {"jan", "feb", "mar", "apr", "jun",
                                                        "jul", "aug", "sep", "sept", "oct",
                                                        "nov", "dec"}
_ABBREVIATIONS = {"jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
                  "dec"}
_WEEKDAYS: dict[int, tuple[str, ...]] = {
    0: ("monday", "सोमवार", "lunes", "lundi", "montag"),
    1: ("tuesday", "मंगलवार", "martes", "mardi", "dienstag"),
    2: ("wednesday", "बुधवार", "miércoles", "mercredi", "mittwoch"),
    3: ("thursday", "गुरुवार", "बृहस्पतिवार", "वीरवार", "jueves", "jeudi", "donnerstag"),
    4: ("friday", "शुक्रवार", "viernes", "vendredi", "freitag"),
    5: ("saturday", "शनिवार", "sábado", "samedi", "samstag", "sonnabend"),
    6: ("sunday", "रविवार", "इतवार", "domingo", "dimanche", "sonntag"),
}
_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "a couple of": 2, "couple of": 2, "एक": 1, "दो": 2, "तीन": 3, "चार": 4, "पांच": 5,
    "पाँच": 5, "छह": 6, "छः": 6, "सात": 7, "आठ": 8, "नौ": 9, "दस": 10, "un": 1, "una": 1,
    "une": 1, "dos": 2, "deux": 2, "tres": 3, "trois": 3, "einem": 1, "einer": 1, "zwei": 2,
    "drei": 3,
}
_UNITS = {
    "day": "day", "days": "day", "दिन": "day", "días": "day", "dias": "day", "jours": "day",
    "tagen": "day", "week": "week", "weeks": "week", "हफ्ते": "week", "हफ़्ते": "week",
    "सप्ताह": "week", "semanas": "week", "semaines": "week", "wochen": "week", "woche": "week",
    "month": "month", "months": "month", "महीने": "month", "माह": "month", "meses": "month",
    "mois": "month", "monaten": "month", "monat": "month", "year": "year", "years": "year",
    "साल": "year", "वर्ष": "year", "बरस": "year", "años": "year", "ans": "year",
    "jahren": "year", "jahr": "year",
}


def _variants(word: str) -> set[str]:
    word = word.lower()
    return {word, unicodedata.normalize("NFC", word), unicodedata.normalize("NFD", word)}


def _key(word: str) -> str:
    return unicodedata.normalize("NFC", word.casefold().rstrip(".")).replace("\u093c", "")


MONTH_OF: dict[str, int] = {_key(w): m for m, ws in _MONTHS.items() for w in ws}
WEEKDAY_OF: dict[str, int] = {_key(w): d for d, ws in _WEEKDAYS.items() for w in ws}
NUMBER_OF: dict[str, int] = {_key(w): n for w, n in _NUMBER_WORDS.items()}
UNIT_OF: dict[str, str] = {_key(w): u for w, u in _UNITS.items()}


def _alt(words: list[str]) -> str:
    forms = {v for w in words for v in _variants(w)}
    return "|".join(re.escape(w) for w in sorted(forms, key=len, reverse=True))


_L = r"(?<![\w\u0900-\u0DFF])"  # left word boundary that also works for Indic scripts
_R = r"(?![\w\u0900-\u0DFF])"
_MON = r"(?P<mon>" + _alt([w for ws in _MONTHS.values() for w in ws]) + r")(?:\.|" + _R + ")"
_MON2 = _MON.replace("?P<mon>", "?P<mon2>")
_WD = r"(?P<wd>" + _alt([w for ws in _WEEKDAYS.values() for w in ws]) + r")" + _R
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th|er|º)?(?!\d)"
_YEAR = r"(?P<year>1[89]\d\d|20\d\d)(?!\d)"
_NUM = r"(?P<num>\d{1,2}|" + _alt(list(_NUMBER_WORDS)) + r")"
_UNIT = r"(?P<unit>" + _alt(list(_UNITS)) + r")" + _R
_I = re.IGNORECASE

_DIGITS = str.maketrans(
    {chr(base + i): str(i) for base in (0x966, 0x9E6, 0xA66, 0xAE6, 0xBE6, 0xC66, 0x660, 0x6F0)
     for i in range(10)}
)

# --------------------------------------------------------------------------- patterns

_P_MDY = re.compile(
    _L + r"(?:" + _WD + r",?\s+(?:the\s+)?)?" + _MON + r"\s+" + _DAY
    + r"(?:,?\s+" + _YEAR + r")?")
_P_DMY = re.compile(
    _L + r"(?:" + _WD + r",?\s+(?:the\s+)?)?" + _DAY + r"\.?\s+(?:of\s+|de\s+)?" + _MON
    + r"(?:,?\s+(?:de\s+)?" + _YEAR + r")?")
_P_ISO = re.compile(_L + r"(?P<year>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?![\d:])" + _R)
_P_NUMERIC = re.compile(
    r"(?<![\d/.\-])(?P<a>\d{1,2})(?P<sep>[/.\-])(?P<b>\d{1,2})(?P=sep)(?P<year>\d{4})(?![\d/])")
_P_RELMONTH = re.compile(
    _L + r"(?:(?P<en>last|this|next|this past)\s+" + _MON
    + r"|" + _MON2 + r"\s+(?P<en2>last|this|next)\s+year"
    + r"|(?P<hi>पिछले|पिछली|गत|बीते|इस|अगले)\s+(?:साल|वर्ष|बरस)\s+(?:के\s+|की\s+)?"
    + _MON.replace("?P<mon>", "?P<mon3>") + r")")
_P_MONTHYEAR = re.compile(_L + _MON + r",?\s+(?:de\s+)?" + _YEAR)
_P_MONTH = re.compile(
    _L + r"(?:(?P<cue>in|since|until|till|by|from|during|early|mid|late|end of|the end of|"
    r"beginning of|start of|début|fin|en|desde|im|seit|ab|bis)[\s\-]+(?:of\s+)?" + _MON
    + r"|" + _MON2 + r"\s+(?P<hicue>में|महीने|माह|के (?:पहले|अंत|आखिर|आख़िर|शुरू|दौरान)|से|तक))")
_REL = [
    # (regex, unit, delta)
    (r"the day before yesterday|day before yesterday", "day", -2),
    (r"yesterday|last night|ayer|hier|gestern|anoche", "day", -1),
    (r"today|tonight|this (?:morning|afternoon|evening)|आज|hoy|aujourd'hui|heute", "day", 0),
    (r"tomorrow|demain", "day", 1),
    (r"last week|the past week|पिछले (?:हफ्ते|हफ़्ते|सप्ताह)|बीते (?:हफ्ते|हफ़्ते|सप्ताह)|"
     r"गत सप्ताह|la semana pasada|la semaine dernière|letzte woche|vergangene woche", "week", -1),
    (r"(?:earlier |later )?this week|इस (?:हफ्ते|हफ़्ते|सप्ताह)|esta semana|cette semaine|"
     r"diese woche", "week", 0),
    (r"next week|अगले (?:हफ्ते|हफ़्ते|सप्ताह)|la próxima semana|la semaine prochaine|"
     r"nächste woche", "week", 1),
    (r"last month|पिछले (?:महीने|माह)|बीते (?:महीने|माह)|गत (?:माह|महीने)|el mes pasado|"
     r"le mois dernier|letzten monat|vergangenen monat", "month", -1),
    (r"(?:earlier |later )?this month|इस (?:महीने|माह)|este mes|ce mois-ci|diesen monat",
     "month", 0),
    (r"next month|अगले (?:महीने|माह)|el próximo mes|le mois prochain|nächsten monat",
     "month", 1),
    (r"last year|पिछले (?:साल|वर्ष|बरस)|बीते (?:साल|वर्ष)|गत वर्ष|el año pasado|"
     r"l'an dernier|l'année dernière|letztes jahr|im vergangenen jahr|vergangenes jahr",
     "year", -1),
    (r"(?:earlier |later )?this year|इस (?:साल|वर्ष)|este año|cette année|dieses jahr|"
     r"in diesem jahr", "year", 0),
    (r"next year|अगले (?:साल|वर्ष)|el próximo año|el año que viene|l'an prochain|"
     r"l'année prochaine|nächstes jahr|im nächsten jahr", "year", 1),
]
_P_REL = re.compile(
    _L + r"(?:" + "|".join(f"(?P<r{i}>{rx})" for i, (rx, _, _) in enumerate(_REL)) + r")" + _R)
_P_AGO = re.compile(
    _L + r"(?:" + _NUM + r"\s+" + _UNIT + r"\s+(?:ago|पहले|पूर्व)"
    + r"|(?:hace|il y a|vor)\s+" + _NUM.replace("?P<num>", "?P<num2>") + r"\s+"
    + _UNIT.replace("?P<unit>", "?P<unit2>") + r")")
_P_WEEKDAY = re.compile(
    _L + r"(?:(?P<mod>last|this|next|on|coming|past|this past|this coming|previous|"
    r"पिछले|पिछली|बीते|इस|अगले|आने वाले|el|este|le|ce|am|letzten|nächsten)\s+)?" + _WD)
_P_YEAR = re.compile(r"(?<![\w\u0900-\u0DFF₹$€£#./\-])" + _YEAR + r"(?![\w\u0900-\u0DFF%]|\.\d)")
_P_YEAR_UNIT = re.compile(
    r"\s*(?:people|persons|crore|lakh|seats|votes|km|kms|rupees|rs|men|women|cases|voters|"
    r"candidates|mw|करोड़|लाख|लोग|लोगों|सीट|सीटों|वोट|रुपये|रुपए|किलोमीटर)" + _R, _I)
_P_MONWORD = re.compile(_L + _MON)
_NOT_YEAR_BEFORE = re.compile(
    r"(?:rs\.?|inr|no\.?|number|#|₹|\$|around|about|over|nearly|approximately|approx\.?|some|"
    r"almost|least|than|total of|estimated|करीब|लगभग|तकरीबन)\s*$")
_SPAN_AFTER = re.compile(r"\s?[-–/]\s?\d{2}(?!\d)")
_P_KAL = re.compile(_L + r"(?P<kal>कल|परसों)" + _R)
# The scanner patterns are case-sensitive lower-case patterns run on a lower-cased copy of the
# text: IGNORECASE makes Python's re ~10x slower on these large alternations.

# --------------------------------------------------------------------------- context cues

_CLAUSE_END = re.compile(r"[.!?।;:\n]|,(?=\s)")
_FUTURE_EN = re.compile(
    r"\b(?:upcoming|forthcoming|next|ahead of|plans? to|planning|aims? to|expected to|set to|"
    r"scheduled|slated|target(?:s|ed|ing)?)\b", _I)
# tense words only count close to the mention ("will contest the 2024 polls"), not across a
# clause ("salary will be paid as per the order released in 2018")
_FUTURE_TENSE = re.compile(r"\b(?:will|shall|would|'ll|going to)\b", _I)
_FUTURE_HI = re.compile(
    r"आगामी|अगले|अगली|होने वाले|होने वाली|होने वाला|होगा|होगी|होंगे|करेगा|करेगी|करेंगे|"
    r"जाएगा|जाएगी|जाएंगे|लक्ष्य")
_ELECTION_BEFORE = re.compile(r"(?:for|ahead of|before|till|until|by)\s+(?:the\s+)?$", _I)
_ELECTION_AFTER = re.compile(
    r"^\s*(?:lok sabha|assembly|general|state|presidential|parliamentary|mid-?term|"
    r"legislative|world cup|olympics?|games|census|elections?|polls?)", _I)
_ELECTION_HI = re.compile(r"^\s*(?:के|की|में)?\s*(?:\S+\s+){0,2}?चुनाव\S*\s+(?:से पहले|के लिए|तक)")
_PAST_HI = re.compile(
    r"(?:था|थी|थे|थीं|गया|गई|गयी|गए|गये|किया|किए|कहा|बताया|दिया|दी|हुआ|हुई|हुए|लिया|ली|"
    r"आया|आई|पहुंचे|पहुँचे|चुका|चुकी|चुके)(?![\u0900-\u097F])")
_FUTURE_HI_VERB = re.compile(r"[\u0900-\u097F](?:गा|गी|गे)(?![\u0900-\u097F])")


def _clause(text: str, start: int, end: int, span: int = 60) -> tuple[str, str]:
    """The text before/after a mention inside its clause (at most ``span`` chars each)."""
    lo = max(0, start - span)
    before = text[lo:start]
    cut = [m.end() for m in _CLAUSE_END.finditer(before)]
    if cut:
        before = before[cut[-1] :]
    after = text[end : end + span]
    m = _CLAUSE_END.search(after)
    if m:
        after = after[: m.start()]
    return before, after


_FORWARD_PREP = re.compile(
    r"\b(?:till|until|up ?to|upto|by|effective|w\.?e\.?f\.?|with effect from|starting|before|"
    r"after|deadline|onwards|fiscal|financial year|fy|(?P<range>from|to|through))\s+"
    r"(?:the\s+)?(?:end of\s+)?$", _I)
# projections: "growth is likely to recover in 2021", "could reach ... by 2025"
_HEDGE = re.compile(
    r"\b(?:projected|projections?|forecasts?|expected|expects?|likely|could|may|might|"
    r"predicts?|estimates?|outlook)\b", _I)
_CONJUNCTION = re.compile(r"\b(?:and|but|while|which|who|that|as|after|when)\b", _I)


def forward_prep(text: str, start: int, dated: bool = False) -> bool:
    """True after "till", "until", "by", "effective", "before", "fiscal"... ("from"/"to" too
    for dates) or in a hedged clause ("likely", "could", "forecast"): the mention may lie after
    the time of writing, or not — it is no evidence either way.

    ``dated``: the mention is a date or month ("from May 4, 2020"); for a bare year "from 2018
    to 2019" is ordinary narration.
    """
    prep = _FORWARD_PREP.search(text, max(0, start - 30), start)
    if prep is not None and (dated or not prep["range"]):
        return True
    before = text[max(0, start - 40) : start]
    cut = [m.end() for m in _CLAUSE_END.finditer(before)]
    return _HEDGE.search(before[cut[-1] :] if cut else before) is not None


def future_context(text: str, start: int, end: int) -> bool:
    """True when the mention sits in a future-looking clause ("upcoming", "ahead of the 2024
    elections", "2024 के लोकसभा चुनावों से पहले", "will")."""
    before, after = _clause(text, start, end)
    near = after[:30]
    cut = _CONJUNCTION.search(near)
    near = near[: cut.start()] if cut else near
    if _FUTURE_EN.search(before) or _FUTURE_EN.search(near):
        return True
    if _FUTURE_TENSE.search(before[-25:]) or _FUTURE_TENSE.search(near):
        return True
    if _FUTURE_HI.search(before) or _FUTURE_HI.search(after):
        return True
    if _ELECTION_BEFORE.search(before) and _ELECTION_AFTER.match(after):
        return True
    return bool(_ELECTION_HI.match(text[end : end + 60]))


_DEVANAGARI = re.compile(r"[\u0900-\u097F]")


def looks_ahead(text: str, start: int, end: int) -> bool:
    """True when a day/month mention refers forward ("will meet on Friday", "कल ... करेंगे").

    English puts the governing verb before the mention, so only the clause *before* it is
    read ("left on Wednesday and will return" is past); Hindi puts it after, so the tense of
    the rest of the sentence decides.
    """
    before, _ = _clause(text, start, end)
    if _FUTURE_EN.search(before) or _FUTURE_TENSE.search(before[-30:]):
        return True
    if _DEVANAGARI.search(text, max(0, start - 20), end + 20):
        return hindi_tense(text, end) == 1
    return False


def hindi_tense(text: str, end: int) -> int:
    """-1 past, +1 future, 0 unknown: the tense of the Hindi sentence after ``end``."""
    m = re.compile(r"[.!?।\n]").search(text, end)
    rest = text[end : m.start() if m else len(text)]
    past, fut = bool(_PAST_HI.search(rest)), bool(_FUTURE_HI_VERB.search(rest))
    if past and not fut:
        return -1
    if fut and not past:
        return 1
    return 0


# --------------------------------------------------------------------------- scanner


@dataclass(frozen=True)
class Mention:
    """One date-like expression, unresolved. ``kind`` says which fields are set."""

    kind: str  # date|numeric|daymonth|monthyear|month|relmonth|rel|ago|weekday|year|kal
    start: int
    end: int
    text: str
    year: int | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None  # 0 = Monday
    unit: str | None = None  # rel/ago: day|week|month|year
    delta: int = 0  # rel/ago/kal: signed offset in ``unit``; relmonth: year offset
    mode: str = ""  # weekday: last|next|""; relmonth: last|next|year; month: its cue word;
    # year: "span" for fiscal/academic years ("2021-22")


def _is_capitalised(word: str) -> bool:
    return not word[:1].isalpha() or not word[:1].isascii() or word[:1].isupper()


def _month_ok(word: str, bare: bool = False) -> bool:
    """A month word that is really a month here (``bare``: no day/year next to it)."""
    key = _key(word)
    if bare and key in _ABBREVIATIONS:
        return False
    return key not in _ENGLISH_MONTHS or word[:1].isupper()


def _sentence_initial(text: str, pos: int) -> bool:
    j = pos - 1
    while j >= 0 and text[j] in " \t\"'“‘(":
        j -= 1
    return j < 0 or text[j] in ".!?\n:"


def _lower(text: str) -> str:
    """Lower-case ``text`` without changing its length (offsets must stay valid)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def scan(text: str, lang: str | None = None) -> list[Mention]:
    """Every date-like mention in ``text``, in text order, without overlaps (cached)."""
    return list(_scan(text, lang))


@lru_cache(maxsize=16)
def _scan(text: str, lang: str | None) -> tuple[Mention, ...]:
    t = _lower(text.translate(_DIGITS))

    def orig(m: re.Match[str], group: str | int = 0) -> str:
        return text[m.start(group) : m.end(group)]
    taken = bytearray(len(t))
    found: list[Mention] = []

    def claim(m: re.Match[str], kind: str, **kw: int | str | None) -> None:
        s, e = m.start(), m.end()
        while e > s and t[e - 1] in " .,":
            e -= 1
        if any(taken[s:e]):
            return
        taken[s:e] = b"\x01" * (e - s)
        found.append(Mention(kind, s, e, text[s:e], **kw))  # type: ignore[arg-type]

    def weekday(m: re.Match[str]) -> int | None:
        wd = m.groupdict().get("wd")
        return WEEKDAY_OF.get(_key(wd)) if wd else None

    # Month patterns run only in windows around month words (a large speed-up: each pattern
    # would otherwise try its alternation at every position of the text).
    windows: list[tuple[int, int]] = []
    for mw in _P_MONWORD.finditer(t):
        lo, hi = max(0, mw.start() - 45), min(len(t), mw.end() + 25)
        if windows and lo <= windows[-1][1]:
            windows[-1] = (windows[-1][0], hi)
        else:
            windows.append((lo, hi))

    def in_windows(rx: re.Pattern[str]) -> list[re.Match[str]]:
        return [m for lo, hi in windows for m in rx.finditer(t, lo, hi)]

    for rx in (_P_MDY, _P_DMY):
        for m in in_windows(rx):
            day, month = int(m["day"]), MONTH_OF[_key(m["mon"])]
            if not 1 <= day <= 31:
                continue
            if not _month_ok(orig(m, "mon")):
                continue
            if m["year"]:
                claim(m, "date", year=int(m["year"]), month=month, day=day, weekday=weekday(m))
            else:
                claim(m, "daymonth", month=month, day=day, weekday=weekday(m))
    for m in _P_ISO.finditer(t):
        mo, d = int(m["m"]), int(m["d"])
        if 1 <= mo <= 12 and 1 <= d <= 31:
            claim(m, "date", year=int(m["year"]), month=mo, day=d)
    for m in _P_NUMERIC.finditer(t):
        a, b, y = int(m["a"]), int(m["b"]), int(m["year"])
        if m["sep"] == "." or a > 12 or (lang not in (None, "en") and b <= 12):
            d, mo = a, b
        elif b > 12:
            d, mo = b, a
        elif a == b:
            d, mo = a, b
        else:  # 3/4/2022 in English: day-first or month-first? keep only the year
            claim(m, "numeric", year=y)
            continue
        if 1 <= mo <= 12 and 1 <= d <= 31:
            claim(m, "date", year=y, month=mo, day=d)
    for m in in_windows(_P_RELMONTH):
        g = "mon" if m["mon"] else "mon2" if m["mon2"] else "mon3"
        mon = orig(m, g)
        if not _month_ok(mon, bare=True):
            continue
        word = _key(m["en"] or m["en2"] or m["hi"])
        if m["en"]:  # "last September": the latest September before; "next": the coming one
            mode, delta = {"last": "last", "this past": "last", "next": "next"}.get(word, "year"), 0
        else:  # "September last year", "पिछले साल सितंबर": a year offset
            mode = "year"
            delta = {"last": -1, "this": 0, "next": 1, "इस": 0, "अगले": 1}.get(word, -1)
        claim(m, "relmonth", month=MONTH_OF[_key(mon)], delta=delta, mode=mode)
    for m in in_windows(_P_MONTHYEAR):
        if not _month_ok(orig(m, "mon")):
            continue
        claim(m, "monthyear", year=int(m["year"]), month=MONTH_OF[_key(m["mon"])])
    for m in in_windows(_P_MONTH):
        mon = orig(m, "mon" if m["mon"] else "mon2")
        if not _month_ok(mon, bare=True):
            continue
        claim(m, "month", month=MONTH_OF[_key(mon)], mode=_key(m["cue"] or m["hicue"]))
    for m in _P_REL.finditer(t):
        w = orig(m)
        if w[:1].isupper() and w[:1].isascii() and not _sentence_initial(text, m.start()):
            continue  # "India Today", "Hoy" as a name
        _, unit, delta = _REL[int(str(m.lastgroup)[1:])]
        claim(m, "rel", unit=unit, delta=delta)
    for m in _P_AGO.finditer(t):
        num, unit = m["num"] or m["num2"], m["unit"] or m["unit2"]
        n = int(num) if num.isdigit() else NUMBER_OF.get(_key(num))
        if n is not None and _key(unit) in UNIT_OF:
            claim(m, "ago", unit=UNIT_OF[_key(unit)], delta=-n)
    for m in _P_WEEKDAY.finditer(t):
        wd, mod = orig(m, "wd"), _key(m["mod"] or "")
        if wd.isascii() and not wd[:1].isupper() and mod not in ("el", "este", "le", "ce"):
            continue  # lower-case Latin weekday only after an article ("el martes")
        mode = ("last" if mod in ("last", "past", "this past", "previous", "पिछले", "पिछली",
                                  "बीते", "letzten")
                else "next" if mod in ("next", "coming", "this coming", "अगले", "आने वाले",
                                       "nächsten") else "")
        claim(m, "weekday", weekday=WEEKDAY_OF[_key(wd)], mode=mode)
    for m in _P_YEAR.finditer(t):
        if _P_YEAR_UNIT.match(t, m.end()):
            continue
        if _NOT_YEAR_BEFORE.search(t, max(0, m.start() - 24), m.start()):
            continue  # "around 2000 students", "Rs 2000"
        span = _SPAN_AFTER.match(t, m.end()) is not None  # "2021-22", "2019/20"
        claim(m, "year", year=int(m["year"]), mode="span" if span else "")
    for m in _P_KAL.finditer(t):
        claim(m, "kal", delta=1 if m["kal"] == "कल" else 2)
    found.sort(key=lambda x: x.start)
    return tuple(found)
