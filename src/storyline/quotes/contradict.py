"""Contradictions between two claims, clause by clause (used by :mod:`.conflicts`).

A claim is cut into clauses (at punctuation and at contrastive conjunctions: "but",
"लेकिन", "pero", "mais"…). Each clause gets its subject terms (cross-script name keys of the
names in it; a claim that opens with a pronoun also has the person it refers to) and its
content stems, with the stems under a negator, and the quantities it states (a number with
the word it counts and the words between: "10 new cases", "178 मौतों").

Two claims contradict each other only when one clause of each is about the same subject
(a shared name key) and

* **negation** — the same predicate (a content word both clauses use, plus at least one
  more shared content word) is negated in one clause and affirmed in the other; or
* **numbers** — the same quantity (same counted word, same modifiers, same day words) has
  different values ("8 new cases in Jaipur" vs "11 new cases in Jaipur").

Years, dates, times and durations are not quantities ("21 days", "May 3").
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field

import regex

from storyline.entities.keys import is_deva
from storyline.quotes import cues
from storyline.text.stopwords import HINDI_STOP, LATIN_STOP

_CLAUSE_CUT = regex.compile(
    r"[,;:.!?।()\[\]—–…]+\s|[;!?।—–…]|\s(?:but|however|although|though|while|whereas|"
    r"if|unless|whether|लेकिन|किंतु|किन्तु|मगर|परंतु|अगर|यदि|pero|aunque|mais|tandis|ma|"
    r"però|aber|jedoch|wenn|falls|si)\s",
    regex.IGNORECASE,
)
_TOKEN = regex.compile(r"\d[\d,.]*\d|\d|[\p{L}\p{M}]+(?:['’][\p{L}\p{M}]+)?")
_NUMBER = regex.compile(r"\d[\d,.]*\d|\d")
_DAY_WORDS = frozenset(cues.words("""
    monday tuesday wednesday thursday friday saturday sunday today yesterday tomorrow
    sunday tonight morning evening night week month year
    सोमवार मंगलवार बुधवार गुरुवार शुक्रवार शनिवार रविवार आज कल
    lunes martes miércoles jueves viernes sábado domingo hoy ayer lundi mardi mercredi jeudi
    vendredi samedi dimanche aujourd'hui hier lunedì martedì mercoledì giovedì venerdì sabato
    domenica oggi ieri
"""))
_MONTHS = frozenset(cues.words("""
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec जनवरी फरवरी मार्च अप्रैल मई जून जुलाई
    अगस्त सितंबर अक्टूबर नवंबर दिसंबर enero febrero marzo abril mayo junio julio agosto
    septiembre octubre noviembre diciembre janvier février mars avril mai juin juillet août
    septembre octobre novembre décembre gennaio febbraio aprile maggio giugno luglio
    settembre ottobre dicembre
"""))
_TIME_UNITS = frozenset(cues.words("""
    day days hour hours week weeks month months year years minute minutes am pm
    दिन दिनों घंटे घंटों सप्ताह हफ्ते महीने साल वर्ष बजे
    día días hora horas semana semanas mes meses año años jour jours heure heures semaine
    semaines mois an ans année années giorno giorni ora ore settimana settimane mese mesi anno
    anni
"""))
_UNITS = frozenset(cues.words("""
    rs inr usd eur rupees rupee dollars dollar euros euro crore crores lakh lakhs million
    millions billion billions thousand thousands hundred hundreds per cent percent mn bn
    करोड़ करोड लाख हजार हज़ार सौ रुपये रुपए रुपया प्रतिशत फीसदी फीसद millones mil millions
    milliards milioni miliardi pour por cento ciento
"""))
_NEG = frozenset(cues.words("""
    not no never cannot nor no nunca jamás ne pas jamais nicht kein keine keinen nie niemals
    non mai
"""))
# words that end the phrase after a number ("12 people were", "12 लोग गिरफ्तार किए")
_FUNCTION = frozenset(cues.words("""
    the a an of in on at to from for by with and or as is are was were be been has have had
    will would who which that this these those than into about across since till until
    el la los las de del en y o con por para que un una le les des du et à au aux dans sur
    pour par qui il lo gli di da nel con per che der die das und mit von für im ist sind
    में से को के की का ने पर तक है हैं था थे थी गए गई गया किए किया और भी ही वाले वाली जो
"""))
_HI_NEG = frozenset(["नहीं", "न", "ना", "नही"])
_QUANTITY_WORDS = 2  # content words after a number that name what it counts


@dataclass
class Clause:
    names: set[str] = field(default_factory=set)
    stems: set[str] = field(default_factory=set)
    negated: set[str] = field(default_factory=set)
    mixed: set[str] = field(default_factory=set)  # negated in one place, affirmed in another
    days: set[str] = field(default_factory=set)
    # (counted stem, modifier stems) -> the number as written
    quantities: dict[tuple[str, frozenset[str]], str] = field(default_factory=dict)


def _value(num: str) -> float | None:
    s = num.replace(",", "")
    try:
        return float(s)
    except ValueError:
        return None


def _subject_keys(tok: str, key: str | None) -> set[str]:
    """What a name word contributes to a clause's subject: itself (case-folded) and, when
    its sound key is long enough not to collide by chance, its cross-script key."""
    out = {"w:" + tok.casefold()}
    if key and len(key) >= 3:
        out.add("k:" + key)
    return out


def _negated(low: list[str], i: int, hindi: bool) -> bool:
    """The word is negated as a predicate: a negator in the three words before it (Hindi:
    right before or after it). "without", "nothing" and the like negate no predicate."""
    if hindi:
        return any(t in _HI_NEG for t in low[max(0, i - 1) : i] + low[i + 1 : i + 2])
    return any(t in _NEG or t.endswith("n't") for t in low[max(0, i - 3) : i])


def clauses(text: str, name_key: Callable[[str], str | None], stem: Callable[[str], str],
            hindi: bool, subject: set[str]) -> list[Clause]:
    """The claim's clauses (see the module docstring). ``name_key(word)`` gives the name
    key of a word that is a name, else ``None``; ``stem(word)`` its stem; ``subject``
    (subject terms of the person a leading pronoun refers to) joins the first clause."""
    common = _common()
    out: list[Clause] = []
    pos = 0
    parts: list[str] = []
    for m in _CLAUSE_CUT.finditer(text):
        parts.append(text[pos : m.start()])
        pos = m.end()
    parts.append(text[pos:])
    for n, part in enumerate(p for p in parts if p.strip()):
        cl = Clause()
        if n == 0:
            cl.names |= subject
        toks = _TOKEN.findall(part)
        low = [t.casefold() for t in toks]
        for i, (tok, t) in enumerate(zip(toks, low, strict=True)):
            if _NUMBER.fullmatch(tok):
                _quantity(cl, toks, low, i, stem)
                continue
            if t in _DAY_WORDS or t in _MONTHS:
                cl.days.add(t)
                continue
            if t in LATIN_STOP or t in HINDI_STOP or t in cues.NEGATORS or t in _UNITS:
                continue
            key = name_key(tok)
            if key and t not in common and (tok[:1].isupper() or is_deva(tok)):
                cl.names |= _subject_keys(tok, key)
                if not is_deva(tok):
                    continue  # a Devanagari word is name and stem at once (no capitals)
            if len(t) < 3 and not hindi:
                continue
            st = stem(t)
            neg = _negated(low, i, hindi)
            if st in cl.stems and (st in cl.negated) != neg:
                cl.mixed.add(st)
            elif neg:
                cl.negated.add(st)
            cl.stems.add(st)
        out.append(cl)
    return out


def subject_terms(name: str, name_key: Callable[[str], str | None]) -> set[str]:
    """Subject terms of a name written outside the claim (the person a pronoun refers to)."""
    out: set[str] = set()
    for tok in _TOKEN.findall(name):
        out |= _subject_keys(tok, name_key(tok))
    return out


@functools.lru_cache(maxsize=1)
def _common() -> frozenset[str]:
    """Ordinary words that are no subject when capitalised (English and Hindi lists built
    from corpus statistics)."""
    from storyline.entities.lexicon import DEVA_CORPUS_COMMON
    from storyline.entities.sieve import common_words

    return common_words() | DEVA_CORPUS_COMMON


def _quantity(cl: Clause, toks: list[str], low: list[str], i: int,
              stem: Callable[[str], str]) -> None:
    """Record "10 new cases" as ((case,), {new}) -> "10": the quantity is the first one or
    two content words after the number (a stop word ends it), compared as a whole."""
    num = toks[i]
    before = low[i - 1] if i else ""
    after = low[i + 1] if i + 1 < len(low) else ""
    if before in _MONTHS or after in _MONTHS or _value(num) is None:
        return  # a date
    if len(num) == 4 and num.isdigit() and 1900 <= int(num) <= 2100:
        return  # a year
    words: list[str] = []
    for k in range(i + 1, min(len(toks), i + 1 + _QUANTITY_WORDS)):
        t = low[k]
        if _NUMBER.fullmatch(toks[k]) or t in _TIME_UNITS:
            return  # "3 May", "21 days", "10 am": not a count
        if t in _UNITS:
            continue  # "29,352 करोड़ रुपये", "Rs 9,000 crore", "90 per cent"
        if t in _FUNCTION or t in cues.NEGATORS:
            break
        words.append(stem(t))
    if words:
        cl.quantities.setdefault((words[-1], frozenset(words[:-1])), num)


def contradiction(a: list[Clause], b: list[Clause]
                  ) -> tuple[str, str, str, str, list[str]] | None:
    """``(kind, word, side_a, side_b, subject keys)`` for the first contradiction between
    two claims' clauses about the same subject, else ``None`` (see the module docstring)."""
    for ca in a:
        for cb in b:
            subject = sorted(n[2:] for n in ca.names & cb.names if n.startswith("w:")) or sorted(
                n[2:] for n in ca.names & cb.names)
            if not subject:
                continue
            shared = ca.stems & cb.stems
            flips = sorted(w for w in shared - ca.mixed - cb.mixed
                           if (w in ca.negated) != (w in cb.negated))
            for w in flips:
                if len(shared - {w}) >= 1:
                    na = "negated" if w in ca.negated else "affirmed"
                    nb = "negated" if w in cb.negated else "affirmed"
                    return "negation", w, na, nb, subject
            if ca.days != cb.days:
                continue
            for q, va in ca.quantities.items():
                vb = cb.quantities.get(q)
                if vb is not None and _value(va) != _value(vb):
                    return "numbers", q[0], va, vb, subject
    return None
