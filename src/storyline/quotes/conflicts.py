"""Conflicting claims: pairs of claims on the same matter that disagree.

Input: the claims of one event or story, each tagged with its article id. The method is
deliberately transparent — every flagged pair carries the terms it shares and the words
that decided each side:

1. **Same matter.** Each claim gets *subject terms*: cross-script name keys of its names
   (:func:`storyline.text.names.name_keys`, so ``Mehra`` and ``मेहरा`` agree), crude stems
   of its content words, and the person a leading pronoun refers to (``Claim.subject``;
   "he was likely to join" is about Mehra). Two claims are on the same matter when they share
   at least one name key and, together with the stance axis below, two or more terms.
2. **Disagreement**, one of:

   * *stance* — one side has refusal cues (declined, refused, rejected, turned down, "not
     interested", "firm on", a negated acceptance such as "has not agreed"; इनकार, ठुकरा,
     खारिज, "हामी नहीं") and no acceptance cue, the other acceptance or probability cues
     (agreed, accepted, relenting, "will join", "taking up", likely, "high probability";
     तैयार, राजी, सहमत, संभावना) and no refusal cue;
   * *contradiction* (:mod:`storyline.quotes.contradict`), clause by clause: a clause of
     each claim about the same subject (a shared name; Hindi names as the entity finder
     sees them) where the same predicate is negated in one and affirmed in the other
     ("the Dharavi cluster has not been sealed" / "has been sealed"), or the same
     quantity has different values ("12 people were arrested in Bandra on Tuesday" / "40
     people …"; same counted word, modifiers and day words).

   Hedges (reportedly, may, likely, कथित…) are listed and lower the score but do not decide.
3. Pairs from the same source (same speaker surname, or the same anonymous group) are not
   compared: they are one side, not two.

**Catches:** the classic "sources close to X say no / sources in Y say yes" pattern,
denials vs affirmations of the same act, including across languages when names match.
**Misses:** disagreements about dates, numbers written as words ("six dead"), stance
words outside the lists, claims whose subject appears only as a description ("the
strategist") or in a pronoun we cannot resolve, sarcasm, and anything needing real
paraphrase detection. It can over-flag two claims that refuse and accept *different*
things about the same person.
"""

from __future__ import annotations

import functools
import itertools
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import regex

from storyline.entities.keys import is_deva
from storyline.quotes import cues
from storyline.quotes.claim import Claim, Conflict
from storyline.quotes.contradict import Clause, clauses, contradiction, subject_terms
from storyline.text.names import name_keys, skeleton
from storyline.text.stopwords import HINDI_STOP, LATIN_STOP

logger = logging.getLogger(__name__)

__all__ = ["find_conflicts"]

_WORD = regex.compile(r"[\p{L}\p{M}\p{N}]+(?:['’][\p{L}\p{M}]+)?")
_ACCEPT = cues.phrase_rx(
    [
        "agreed",
        "agrees",
        "agree",
        "accepted",
        "accepts",
        "accept",
        "relenting",
        "relented",
        "will join",
        "would join",
        "set to join",
        "agreed to join",
        "ready to",
        "willing",
        "taking up",
        "will take up",
        "take up",
        "yes",
        "aceptó",
        "acepta",
        "dispuesto",
        "accepté",
        "accepte",
        "prêt",
        "zugestimmt",
        "bereit",
        "हां",
        "हाँ",
        "तैयार",
        "राजी",
        "सहमत",
        "हामी",
        "शामिल होंगे",
        "शामिल होगा",
    ]
)
_PROBABLE = cues.phrase_rx(
    [
        "likely",
        "high probability",
        "probability",
        "probable",
        "probably",
        "expected to",
        "probable",
        "probablemente",
        "wahrscheinlich",
        "संभावना",
        "संभव",
    ]
)
_REFUSE = cues.phrase_rx(
    [
        "declined",
        "declines",
        "decline",
        "refused",
        "refuses",
        "refuse",
        "refusing",
        "rejected",
        "rejects",
        "reject",
        "turned down",
        "denied",
        "denies",
        "deny",
        "ruled out",
        "rules out",
        "firm on",
        "unlikely",
        "no chance",
        "no question",
        "not interested",
        "rechazó",
        "rechaza",
        "negó",
        "niega",
        "descartó",
        "descarta",
        "declinó",
        "refusé",
        "refuse",
        "rejeté",
        "rejette",
        "démenti",
        "dément",
        "décliné",
        "exclu",
        "abgelehnt",
        "lehnt",
        "dementiert",
        "ausgeschlossen",
        "इनकार",
        "खारिज",
        "ठुकरा",
        "ठुकराया",
        "खंडन",
        "मना",
        "असंभव",
    ]
)
_POSSESSIVE = regex.compile(r"['’]s?$")
_STEM_SUFFIXES = ("ations", "ation", "ings", "ing", "ied", "ies", "ed", "es", "s", "e")
_HI_SUFFIXES = ("ियों", "ाओं", "ों", "ें", "ाएं", "ीं", "ी", "े", "ा")
_NEG_WINDOW = 3
MIN_SHARED = 2


@dataclass
class _Profile:
    names: dict[str, str] = field(default_factory=dict)  # key -> surface
    stems: dict[str, str] = field(default_factory=dict)  # stem -> surface
    negated: set[str] = field(default_factory=set)  # stems under a negator
    refuse: list[str] = field(default_factory=list)
    accept: list[str] = field(default_factory=list)
    hedges: list[str] = field(default_factory=list)
    who: str = ""
    clauses: list[Clause] = field(default_factory=list)


@functools.lru_cache(maxsize=65_536)
def _stem(word: str) -> str:
    w = word.casefold()
    w = _POSSESSIVE.sub("", w)
    if any("\u0900" <= c <= "\u097f" for c in w):
        for suf in _HI_SUFFIXES:
            if w.endswith(suf) and len(w) - len(suf) >= 2:
                return w[: -len(suf)]
        return w
    for suf in _STEM_SUFFIXES:
        if w.endswith(suf) and len(w) - len(suf) >= 3:
            w = w[: -len(suf)]
            break
    return w[:6]


def _negated_before(tokens: list[str], i: int, hindi: bool) -> bool:
    """A negator in the three words before token ``i`` (Hindi: right before or after it)."""
    if hindi:
        near = tokens[max(0, i - 1) : i] + tokens[i + 1 : i + 2]
        return any(t in ("नहीं", "न", "ना") for t in near)
    lo = max(0, i - _NEG_WINDOW)
    return any(t in cues.NEGATORS or t.endswith("n't") for t in tokens[lo:i])


def _known_names(claims: list[Claim]) -> set[str]:
    """Name keys that are names for sure: capitalised Latin words anywhere in the input and
    the speakers/subjects/groups of the claims. A Devanagari word is a name only if its key
    is one of these (Hindi has no capitals to tell names from verbs)."""
    known: set[str] = set()
    for c in claims:
        for part in (c.text, c.speaker, c.subject, c.group_name):
            if part:
                known.update(
                    k for k, w in _names_with_surface(part) if part is not c.text or not is_deva(w)
                )
    return known


def _profile(claim: Claim, known: set[str]) -> _Profile:
    text = claim.text
    p = _Profile()
    hindi = claim.lang == "hi"
    for key, surf in _names_with_surface(text):
        if not is_deva(surf) or key in known:
            p.names.setdefault(key, surf)
    if claim.subject:
        for key, surf in _names_with_surface(claim.subject):
            p.names.setdefault(key, surf)
    toks = [m.group(0) for m in _WORD.finditer(text)]
    low = [t.casefold() for t in toks]
    for i, (tok, t) in enumerate(zip(toks, low, strict=True)):
        if t in LATIN_STOP or t in HINDI_STOP or t in cues.NEGATORS or (len(t) < 3 and not hindi):
            continue
        if tok[:1].isupper() or (hindi and skeleton(tok) in p.names):
            continue  # names are compared by key
        st = _stem(t)
        p.stems.setdefault(st, tok)
        if _negated_before(low, i, hindi):
            p.negated.add(st)
    for m in _REFUSE.finditer(text):
        p.refuse.append(m.group(0))
    for m in _ACCEPT.finditer(text):
        i = len(_WORD.findall(text[: m.start()]))
        if _negated_before(low, i, hindi) or (hindi and _negated_after_phrase(text, m.end())):
            p.refuse.append(_window(text, m))
        else:
            p.accept.append(m.group(0))
    for m in _PROBABLE.finditer(text):
        i = len(_WORD.findall(text[: m.start()]))
        if not _negated_before(low, i, hindi):
            p.accept.append(m.group(0))
    p.hedges = [m.group(0) for m in cues.HEDGE_RX.finditer(text)]
    p.who = _who(claim)
    namer = _clause_key(known | _deva_names(text) if hindi or is_deva(text) else known)
    subject = subject_terms(claim.subject, namer) if claim.subject else set()
    p.clauses = clauses(text, namer, _stem, hindi, subject)
    return p


def _deva_names(text: str) -> set[str]:
    """Name keys of the Devanagari words the entity finder takes for names in ``text``
    (Hindi has no capitals: "धारावी" is a name only by its context or the gazetteer)."""
    from storyline.entities.mentions import extract_mentions

    out: set[str] = set()
    for m in extract_mentions(text, "hi"):
        if m.type in ("PERSON", "ORG", "PLACE") and not m.is_role:
            out.update(k for w in m.words if (k := _first_key(w)))
    return out


def _clause_key(known: set[str]) -> Callable[[str], str | None]:
    """Name key of a word for clause subjects: capitalised Latin words, and Devanagari
    words whose key is a known name."""

    def key(word: str) -> str | None:
        k = _first_key(word)
        if k is None or (is_deva(word) and k not in known):
            return None
        return k

    return key


def _negated_after_phrase(text: str, end: int) -> bool:
    nxt = _WORD.findall(text[end : end + 30])[:3]
    return any(w in ("नहीं", "न") for w in nxt)


def _window(text: str, m: regex.Match[str]) -> str:
    """The negated phrase as written, from its negator: "not agreed to take up"."""
    lo = max(0, m.start() - 40)
    negs = list(cues.NEGATOR_RX.finditer(text, lo, m.start()))
    a = negs[-1].start() if negs else m.start()
    b = m.end()
    if not negs:  # Hindi: negator after the phrase
        after = cues.NEGATOR_RX.search(text, m.end(), m.end() + 30)
        b = after.end() if after else b
    return text[a:b].strip()


@functools.lru_cache(maxsize=8_192)
def _names_with_surface(text: str) -> tuple[tuple[str, str], ...]:
    """(name key, surface) of the words of ``text`` that have a key (remembered: a claim's
    text is looked at for the known names and again for its profile)."""
    out: list[tuple[str, str]] = []
    for w in _WORD.findall(text):
        key = _first_key(w)
        if key:
            out.append((key, w))
    return tuple(out)


@functools.lru_cache(maxsize=50_000)
def _first_key(word: str) -> str | None:
    keys = name_keys(word)
    return keys[0] if keys else None


def _who(claim: Claim) -> str:
    if claim.speaker:
        words = _WORD.findall(claim.speaker)
        return "p:" + (skeleton(words[-1]) if words else claim.speaker)
    if claim.anonymous and claim.group:
        return "g:" + claim.group.casefold()
    return ""


def _stance(p: _Profile) -> str | None:
    if p.refuse and not p.accept:
        return "against"
    if p.accept and not p.refuse:
        return "for"
    return None


def find_conflicts(
    claims: Iterable[tuple[str, Claim]], *, min_shared: int = MIN_SHARED
) -> list[Conflict]:
    """Pairs of claims that disagree on the same matter, best first (see module docstring).

    ``claims`` are ``(article_id, claim)`` pairs from one event or story.
    """
    pairs = list(claims)
    # a quotation inside a reported claim of the same source is covered by that claim
    # (compared within each article: a story page with hundreds of quotes stays fast)
    by_article: dict[str, list[int]] = {}
    for n, (aid, _c) in enumerate(pairs):
        by_article.setdefault(aid, []).append(n)
    who = [_who(c) for _, c in pairs]
    nested = {
        n
        for idxs in by_article.values()
        for n in idxs
        if any(
            d is not pairs[n][1]
            and d.start <= pairs[n][1].start
            and pairs[n][1].end <= d.end
            and (d.end - d.start) > (pairs[n][1].end - pairs[n][1].start)
            and who[n] == who[m]
            for m in idxs
            for d in (pairs[m][1],)
        )
    }
    known = _known_names([c for _, c in pairs])
    items = [(aid, c, _profile(c, known)) for n, (aid, c) in enumerate(pairs) if n not in nested]
    out: list[Conflict] = []
    for (aa, ca, pa), (ab, cb, pb) in itertools.combinations(items, 2):
        if pa.who and pa.who == pb.who:
            continue
        if ca.text.casefold() == cb.text.casefold():
            continue
        shared_names = sorted(set(pa.names) & set(pb.names))
        shared_stems = sorted(set(pa.stems) & set(pb.stems) - set(shared_names))
        shared = [pa.names[k] for k in shared_names] + [pa.stems[k] for k in shared_stems]
        sa, sb = _stance(pa), _stance(pb)
        conflict = None
        if shared_names and sa and sb and sa != sb and len(shared) + 1 >= min_shared:
            ca_cues = pa.refuse if sa == "against" else pa.accept
            cb_cues = pb.refuse if sb == "against" else pb.accept
            reason = (
                f"stance: {sa} ({', '.join(ca_cues)}) vs {sb} ({', '.join(cb_cues)}) "
                f"on {', '.join(shared[:5])}"
            )
            conflict = Conflict(aa, ca, ab, cb, shared, reason, sa, sb, ca_cues, cb_cues)
        elif not (sa is not None and sa == sb):
            found = contradiction(pa.clauses, pb.clauses)
            if found is not None:
                kind, w, na, nb, subject = found
                about = ", ".join(subject)
                shared = shared or [*subject, w]
                if kind == "negation":
                    reason = (f"negation: '{w}' is {na} in one claim and {nb} in the other "
                              f"(about {about})")
                else:
                    reason = f"numbers: {na} vs {nb} for the same quantity ('{w}', about {about})"
                conflict = Conflict(aa, ca, ab, cb, shared, reason, na, nb, [w], [w])
        if conflict is None:
            continue
        hedges = len(pa.hedges) + len(pb.hedges)
        conflict.score = round(len(shared) / (1.0 + 0.5 * hedges), 3)
        if hedges:
            conflict.reason += f"; hedged: {', '.join(pa.hedges + pb.hedges)}"
        out.append(conflict)
    out.sort(key=lambda c: -c.score)
    logger.debug("find_conflicts: %d pairs from %d claims", len(out), len(items))
    return out
