"""Devanagari mention candidates (see ``mentions``): Hindi has no capitals, so every
mention needs a cue, the gazetteer, a known name, or a person's name pattern."""

from __future__ import annotations

from typing import TYPE_CHECKING

from storyline.entities.keys import deva_acronym, same_word, token_key
from storyline.entities.lexicon import (
    DEVA_BOUNDARY,
    DEVA_COMMON,
    DEVA_CORPUS_COMMON,
    DEVA_CUE_MODIFIERS,
    DEVA_NAMELIKE,
    DEVA_NEVER,
    DEVA_ORG_HEADS,
    DEVA_PERSON_CUES,
    DEVA_PLACE_HEADS,
    DEVA_PLACE_NAME_HEADS,
    LATIN_COMMON,
    LATIN_NEVER,
    ROLE_ALIASES,
    word_set,
)
from storyline.entities.personal import is_given, is_surname
from storyline.entities.tokens import Token, gazetteer_index, joined
from storyline.text.stopwords import HINDI_STOP

if TYPE_CHECKING:
    from storyline.entities.mentions import Candidate, KnownLookup, Mention

_HONORIFICS = frozenset(["श्री", "श्रीमती", "सुश्री", "डॉ", "डा", "प्रो", "कैप्टन", "कर्नल", "जनरल", "मेजर"])
_CUES = DEVA_PERSON_CUES | {c.rstrip(".") for c in DEVA_PERSON_CUES}
_MAX_NAME = 3
_ORG_NOUNS = DEVA_ORG_HEADS | {"संस्था", "संस्थान"}


def _word(toks: list[Token], k: int) -> bool:
    """Token k is a Devanagari word joined to the token before it (no punctuation)."""
    return 0 <= k < len(toks) and toks[k].deva


_AUX = word_set("""
है हैं था थे थी थीं रहे रहा रही गया गए गई सकते सकता सकती चुके चुका चुकी दिया दी लिया
हुआ हुई हुए जाएगा जाएगी जाएंगे
""")
_VERB_ENDINGS = ("ेगा", "ेगी", "ेंगे", "ेगे", "ाएगा", "ाएगी", "कर")


def _verbal(w: str) -> bool:
    """Verb forms and verbal nouns ("करने", "उतरेगी"): never part of a name."""
    return (len(w) > 2 and w.endswith("ने")) or (w.endswith(_VERB_ENDINGS) and len(w) > 3)


def _nameish(toks: list[Token], k: int, *, namelike: bool = True) -> bool:
    if not _word(toks, k):
        return False
    w = toks[k].text.replace("\u200c", "").replace("\u200d", "")
    if len(w) < 2 or w in DEVA_NEVER or w in _CUES or w in DEVA_ORG_HEADS or w in DEVA_PLACE_HEADS:
        return False
    if _verbal(w) or _letter(w):
        return False
    return namelike or w not in DEVA_NAMELIKE


def _letter(w: str) -> bool:
    """A single English letter name ("एस", "के"): an initial, not a name by itself."""
    return deva_acronym(w + w) is not None and deva_acronym(w) is None


def _gazetteer(toks: list[Token]) -> list[Candidate]:
    from storyline.entities.mentions import Candidate

    gaz = gazetteer_index()
    out: list[Candidate] = []
    n = len(toks)
    for i in range(n):
        longest = gaz.first.get(toks[i].text, 0)
        if not toks[i].deva or not longest:
            continue
        for size in range(min(longest, n - i), 0, -1):
            if not all(t.deva for t in toks[i : i + size]) or not joined(toks, i, i + size):
                continue
            e = gaz.deva.get(tuple(t.text for t in toks[i : i + size]))
            if e is not None:
                # a mined one-word name ranks with cues and heads ("गौतम नगर" stays
                # whole); a mined name of several words is an exact match of all of them
                prio = 6 if e.source == "hand" else 8 if size > 1 else 3
                out.append(Candidate(i, i + size, e.type, "gazetteer", 5.0, prio,
                                     lex_id=e.lex_id))
                break
    return out


def _known(toks: list[Token], known: KnownLookup | None) -> list[Candidate]:
    from storyline.entities.mentions import Candidate

    gaz = gazetteer_index()
    out: list[Candidate] = []
    for i, t in enumerate(toks):
        if not t.deva:
            continue
        acr = deva_acronym(t.text)
        known_acr = known((acr,)) if known and acr else None
        if acr and (acr in gaz.acronyms or known_acr
                    or (len(acr) >= 3 and acr.lower() not in LATIN_NEVER)):
            e = gaz.acronyms.get(acr)
            typ = e.type if e else known_acr or "ORG"
            out.append(Candidate(i, i + 1, typ, "acronym", 0.2 if known_acr else 1.0, 5,
                                 acronym=acr,
                                 lex_id=e.lex_id if e else None))
            continue
        if known is None:
            continue
        for size in (4, 3, 2, 1):
            j = i + size
            if j > len(toks) or not all(x.deva for x in toks[i:j]) or not joined(toks, i, j):
                continue
            words = tuple(x.text for x in toks[i:j])
            if words[0] in HINDI_STOP or words[-1] in HINDI_STOP:
                continue
            if any(w in DEVA_CORPUS_COMMON for w in words) and all(
                w in DEVA_NEVER or _verbal(w) for w in words
            ):
                continue  # "वर्षीय पुरुष", "मामले आए": everyday words that sound like a name
            if size == 1 and (words[0] in DEVA_NEVER or words[0] in DEVA_NAMELIKE
                              or len(token_key(words[0])) < 2 or _letter(words[0])):
                continue
            known_type = known(words)
            if known_type:
                out.append(Candidate(i, j, known_type, "known", 0.2, 5 if size > 1 else 3))
                break
    return out


def _name_after(toks: list[Token], k: int) -> int:
    """End of a personal name starting at token k (k itself when there is none)."""
    j = k
    while j - k < _MAX_NAME and joined(toks, j - 1, j + 1):
        if _word(toks, j) and _letter(toks[j].text) and j + 1 < len(toks) and (
                toks[j + 1].gap_before.strip() == "." and _nameish(toks, j + 1)):
            j += 2  # an initial: "एस. वेंकटेश"
            continue
        if not _nameish(toks, j):
            break
        j += 1
    if j == k:
        return k
    if j < len(toks) and toks[j].text in _AUX and joined(toks, j - 1, j + 1):
        return k  # "मुख्यमंत्री चाहते हैं": a verb, not a name
    closed = j >= len(toks) or not toks[j].deva or not joined(toks, j - 1, j + 1) or (
        toks[j].text in DEVA_BOUNDARY or toks[j].text in HINDI_STOP)
    if closed and j < len(toks) and toks[j].text == "ने" and joined(toks, j - 1, j + 1):
        return j  # "सुनील दोहरे ने": the agent marker closes the whole name
    coordinated = j < len(toks) and (toks[j].text in ("व", "और", "एवं", "तथा")
                                      or "," in toks[j].gap_before)
    if closed:
        # "कमलनाथ एकांतवास में": a known name word, then a word no list vouches for (but
        # "अधीक्षक नरेंद्र बिजारनिया व …": a name closed by "and" or a comma is whole)
        if (j - k == 2 and not coordinated and _vouched(toks[k].text)
                and not _vouched(toks[k + 1].text, True)):
            return k + 1
        return j
    # "अधिकारी सुनील दोहरे ने बताया": the word before the agent marker ends the name
    if (j - k < _MAX_NAME and j + 1 < len(toks) and toks[j + 1].text == "ने"
            and joined(toks, j, j + 2) and toks[j].text not in HINDI_STOP
            and not _verbal(toks[j].text) and toks[j].text not in DEVA_ORG_HEADS):
        return j + 1
    # no clear end: keep what the name lists vouch for
    if j - k >= 2 and (is_given(toks[k].text) or is_surname(toks[k + 1].text, ambiguous=True)):
        return k + 2
    return k + 1 if j - k == 1 else k


def _vouched(w: str, surname: bool = False) -> bool:
    return is_surname(w, ambiguous=True) if surname else (
        is_given(w) or is_surname(w, ambiguous=True) or w.endswith("नाथ"))


def _cued(toks: list[Token]) -> list[Candidate]:
    from storyline.entities.mentions import Candidate

    out: list[Candidate] = []
    n = len(toks)
    for i, t in enumerate(toks):
        w = t.text.rstrip(".")
        if not t.deva or (w not in _CUES and not w.endswith(_ROLE_SUFFIXES)):
            continue
        if i + 1 < n and toks[i + 1].text.rstrip(".") in _CUES and joined(toks, i, i + 2):
            continue  # the last cue of a chain ("मुख्यमंत्री श्री ...") takes the name
        phrase = w
        if i > 0 and toks[i - 1].text in DEVA_CUE_MODIFIERS and joined(toks, i - 1, i + 1):
            phrase = f"{toks[i - 1].text} {w}"
        role = ROLE_ALIASES.get(phrase) or ROLE_ALIASES.get(w)
        end = _name_after(toks, i + 1)
        if (end == i + 1 and i + 1 < n and toks[i + 1].gap_before.strip() == "."
                and w in _HONORIFICS):
            # "डॉ. वीरेंद्र यादव": the abbreviation's full stop does not end the phrase
            j = i + 1
            while j < n and j - i <= _MAX_NAME and _nameish(toks, j) and (
                    j == i + 1 or joined(toks, j - 1, j + 1)):
                j += 1
            end = j if j - i >= 3 or (j - i == 2 and _vouched(toks[i + 1].text)) else end
        if end > i + 1:
            title = w if w in _HONORIFICS else None
            out.append(Candidate(i + 1, end, "PERSON", "title" if title else "role", 3.0, 4,
                                 role=role, title=title))
        elif role and (i + 1 >= n or not toks[i + 1].deva or toks[i + 1].text in HINDI_STOP):
            out.append(Candidate(i, i + 1, "PERSON", "role", 1.0, 2, role=role, is_role=True))
    return out


# "पल्मोनोलॉजिस्ट", "कार्डियोलॉजिस्ट": specialists' titles end alike
_ROLE_SUFFIXES = ("लॉजिस्ट", "लोजिस्ट")
# endings of Indian place names ("शिकोहाबाद", "कमलागंज", "कानपुर", "अलीगढ़")
_PLACE_ENDINGS = ("ाबाद", "गंज", "पुर", "गढ़")
_FEMALE_NAME_TAIL = frozenset(["देवी", "बेगम", "कुमारी", "बाई"])


def _shaped(toks: list[Token]) -> list[Candidate]:
    """Names by their shape: a word ending like a place name ("फर्रुखाबाद", "कमलागंज") and
    a given name before "देवी"/"बेगम" ("मनोरमा देवी", "सावित्री देवी")."""
    from storyline.entities.mentions import Candidate

    out: list[Candidate] = []
    for i, t in enumerate(toks):
        if not t.deva:
            continue
        w = t.text.replace("\u200c", "").replace("\u200d", "")
        if (len(w) >= 5 and w.endswith(_PLACE_ENDINGS) and _nameish(toks, i, namelike=False)
                and w not in DEVA_NEVER):
            out.append(Candidate(i, i + 1, "PLACE", "shape", 1.2, 2))
        if (w in _FEMALE_NAME_TAIL and i > 0 and _nameish(toks, i - 1, namelike=True)
                and joined(toks, i - 1, i + 1)):
            out.append(Candidate(i - 1, i + 1, "PERSON", "shape", 1.5, 3))
    return out


def _headed(toks: list[Token]) -> list[Candidate]:
    from storyline.entities.mentions import Candidate

    out: list[Candidate] = []
    for i, t in enumerate(toks):
        if not t.deva:
            continue
        if t.text in DEVA_ORG_HEADS:
            k = i
            while (k - 1 >= 0 and i - (k - 1) <= 4 and toks[k - 1].deva
                   and joined(toks, k - 1, k + 1) and toks[k - 1].text not in HINDI_STOP
                   and toks[k - 1].text not in _CUES and toks[k - 1].text not in DEVA_BOUNDARY
                   and not _verbal(toks[k - 1].text)):
                k -= 1
            # generic words in front ("सत्तारूढ़ ...", "कंपनी ...") are not part of the name
            while k < i and toks[k].text in DEVA_COMMON | _ORG_NOUNS and (
                    i - k > 2 or toks[k].text in _ORG_NOUNS):
                k += 1
            words = [x.text for x in toks[k:i]]
            if words and any(w not in DEVA_COMMON for w in words):
                # "दिल्ली उच्च न्यायालय": a place, more words and a head make one name,
                # taken whole before the gazetteer would cut the place out of it
                gaz = gazetteer_index().deva.get((words[0],))
                whole = len(words) >= 2 and gaz is not None and gaz.type == "PLACE"
                out.append(Candidate(k, i + 1, "ORG", "head", 3.0, 7 if whole else 4))
        elif t.text in DEVA_PLACE_HEADS or t.text in DEVA_PLACE_NAME_HEADS:
            k = i - 1
            if not (_nameish(toks, k, namelike=False) and joined(toks, k, i + 1)):
                continue
            end = i + 1 if t.text in DEVA_PLACE_NAME_HEADS else i
            out.append(Candidate(k, end, "PLACE", "head", 2.0, 3))
            # "गंजाम और पुरी जिलों": the first of two coordinated names too
            if (k - 2 >= 0 and toks[k - 1].text in ("और", "व", "एवं", "तथा")
                    and _nameish(toks, k - 2, namelike=False) and joined(toks, k - 2, k + 1)):
                out.append(Candidate(k - 2, k - 1, "PLACE", "head", 1.5, 3))
    return out


def _named(toks: list[Token]) -> list[Candidate]:
    """Given name + surname, or any name word + a distinctive surname."""
    from storyline.entities.mentions import Candidate

    out: list[Candidate] = []
    n = len(toks)
    for i in range(n - 1):
        if not (_nameish(toks, i) and _nameish(toks, i + 1)
                and joined(toks, i, i + 2, strict=True) and toks[i + 1].gap_before != "-"):
            continue
        a, b = toks[i].text, toks[i + 1].text
        if is_given(a):
            if is_surname(b, ambiguous=True):
                end = i + 2
                if (_nameish(toks, i + 2) and joined(toks, i + 1, i + 3)
                        and is_surname(toks[i + 2].text, ambiguous=True)):
                    end = i + 3
                out.append(Candidate(i, end, "PERSON", "names", 2.0, 3))
            elif (i + 2 < n and _nameish(toks, i + 2) and joined(toks, i, i + 3)
                  and is_surname(toks[i + 2].text)):
                out.append(Candidate(i, i + 3, "PERSON", "names", 2.0, 3))
        elif is_surname(b) and len(token_key(b)) >= 3 and a not in DEVA_NAMELIKE:
            out.append(Candidate(i, i + 2, "PERSON", "names", 1.5, 3))
    return out


_MONTHS = word_set("""
जनवरी फरवरी मार्च अप्रैल मई जून जुलाई अगस्त सितंबर सितम्बर अक्टूबर नवंबर नवम्बर
दिसंबर दिसम्बर
""")


def _datelines(toks: list[Token]) -> list[Candidate]:
    """A place starting a line before a date: "भुवनेश्वर, 26 अक्टूबर (यूएनएस)।"."""
    from storyline.entities.mentions import Candidate

    out: list[Candidate] = []
    for i, t in enumerate(toks):
        if not t.deva or (i > 0 and "\n" not in t.gap_before):
            continue
        for j in (i + 1, i + 2):
            if j >= len(toks) or not _nameish(toks, j - 1, namelike=False):
                break
            if "," in toks[j].gap_before or ":" in toks[j].gap_before:
                nxt = toks[j].text
                if nxt.isdigit() or nxt in _MONTHS or nxt.strip("०१२३४५६७८९") == "":
                    out.append(Candidate(i, j, "PLACE", "head", 2.0, 3))
                break
            if not joined(toks, j - 1, j + 1, strict=True):
                break
    return out


def candidates(toks: list[Token], known: KnownLookup | None) -> list[Candidate]:
    if not any(t.deva for t in toks):
        return []
    return (_gazetteer(toks) + _known(toks, known) + _cued(toks) + _headed(toks)
            + _named(toks) + _datelines(toks) + _shaped(toks))


def partial_names(toks: list[Token], chosen: list[Candidate], mentions: list[Mention]
                  ) -> list[Candidate]:
    """Single words (either script) that repeat a word of a person's full name found in the
    same text: ``किशोर`` after ``प्रशांत किशोर``, sentence-initial ``Amarinder``."""
    from storyline.entities.mentions import Candidate

    parts: dict[str, list[str]] = {}
    for m in mentions:
        if m.type == "PERSON" and not m.is_role and len(m.words) >= 2:
            for w in (m.words[0], m.words[-1]):
                parts.setdefault(token_key(w), []).append(w)
    if not parts:
        return []
    used: set[int] = set()
    for c in chosen:
        used.update(range(c.i, c.j))
    out: list[Candidate] = []
    for k, t in enumerate(toks):
        if k in used:
            continue
        if t.deva:
            if t.text in DEVA_NEVER:
                continue
        elif not t.cap or t.text.lower() in LATIN_COMMON or t.text.lower() in LATIN_NEVER:
            continue
        words = parts.get(token_key(t.text))
        if words and any(same_word(t.text, w) for w in words):
            out.append(Candidate(k, k + 1, "PERSON", "partial", 1.0, 1))
    return out
