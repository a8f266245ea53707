"""Per-text state of the extractor: sentences, person mentions, claims so far, resolution.

The language rules (:mod:`storyline.quotes.latin`, :mod:`storyline.quotes.hindi`) find a
claim span, a :class:`~storyline.quotes.speakers.Source` and a cue; :meth:`Context.add`
turns them into a :class:`~storyline.quotes.claim.Claim`, resolving pronouns, roles and
anaphors against what came before:

* a **pronoun** source ("he said", "उन्होंने कहा", Spanish "declaró" with no subject) takes
  the speaker of the claim in the same or the previous sentence; failing that, the first
  person mention (outside quotes) of the nearest earlier sentence that has one (the
  subject, in news prose);
* "close to **him**" takes the person of an earlier "close to <Name>" in the text, else the
  first person mention of the nearest earlier sentence (quotations included);
* a **role** ("the strategist", "प्रधानमंत्री") takes the name written right after the same
  role word earlier in the text ("Election strategist Ravi Mehra");
* an **anaphor** ("the source", "the leader") copies the most recent anonymous source.
"""

from __future__ import annotations

import bisect
import logging

import regex

from storyline.quotes.claim import Claim
from storyline.quotes.cues import PLURAL_PRONOUNS, ROLE_SYNONYMS, words
from storyline.quotes.spans import Quote, Sentence, Token
from storyline.quotes.speakers import Mention, Source

logger = logging.getLogger(__name__)

MIN_EMBEDDED_QUOTE_WORDS = 4  # a quotation inside a reported clause is its own claim from here
MIN_FRAME_WORDS = 5
_DETERMINERS = frozenset(["the", "a", "an", "of", "and", "this", "that", "its", "their"])
_NON_WORD = regex.compile(r"[\W_]+")
_FIRST_WORD = regex.compile(r"[\p{L}\p{M}]+")
_FIRST_PERSON = frozenset(
    words(
        """
    i we my our me us je nous yo nosotros ich wir मैं हम मेरा हमारा मेरी हमारी
    """
    )
)
_THIRD_PERSON = frozenset(
    words(
        """
    he she they his her their il elle ils elles él ella ellos er sie वह वे उन्होंने उनका
    उनकी उनके उसने
    """
    )
)
_WORD = regex.compile(
    r"[\p{L}\p{N}][\p{L}\p{M}\p{N}'’-]*"
)  # a reported clause with fewer words outside its quotation is just the quote


class Context:
    def __init__(self, text: str, lang: str, sentences: list[Sentence], mentions: list[Mention]):
        self.text = text
        self.lang = lang
        self.sentences = sentences
        self.mentions = mentions
        self.claims: list[Claim] = []
        self.used_quotes: set[int] = set()
        self._claim_sentence: list[int] = []

    # ------------------------------------------------------------------ building claims

    def add(
        self,
        kind: str,
        a: int,
        b: int,
        s: Sentence,
        src: Source | None,
        cue: tuple[int, int] | None,
        *,
        attribution: str | None = None,
        copy_from: Claim | None = None,
    ) -> Claim | None:
        """Add a claim over ``text[a:b]`` (trimmed); returns it, or None if empty/duplicate."""
        a, b = self._trim_claim(a, b)
        if b <= a:
            return None
        for c in self.claims:
            if c.start == a and c.end == b:
                return None
        claim = Claim(
            text=self.text[a:b],
            start=a,
            end=b,
            sentence_start=s.start,
            sentence_end=s.end,
            kind=kind,
            lang=self.lang,
        )
        if cue is not None:
            claim.cue, claim.cue_start, claim.cue_end = self.text[cue[0] : cue[1]], cue[0], cue[1]
        if copy_from is not None:
            self._copy_source(claim, copy_from)
            claim.attribution = attribution or "continuation"
        elif src is not None:
            if src.end > src.start:
                claim.source, claim.source_start, claim.source_end = (
                    self.text[src.start : src.end],
                    src.start,
                    src.end,
                )
            self._resolve(claim, src, s)
        else:
            claim.attribution = "none"
        if attribution is not None and copy_from is None:
            claim.attribution = attribution
        self._subject(claim, s)
        self.claims.append(claim)
        self._claim_sentence.append(s.index)
        logger.debug("claim %s %r by %r", kind, claim.text[:40], claim.speaker or claim.group)
        return claim

    def add_reported(
        self, a: int, b: int, s: Sentence, src: Source | None, cue: tuple[int, int] | None
    ) -> Claim | None:
        """A reported clause; quotations inside it become direct claims of the same source."""
        inner = [q for q in s.quotes if a <= q.start and q.end <= b + 1]
        outside = self.text[a:b]
        for q in reversed(inner):
            outside = outside[: q.start - a] + " " + outside[q.end - a :]
        frame_words = len(_WORD.findall(outside))
        claim = None
        if not inner or frame_words >= MIN_FRAME_WORDS:
            claim = self.add("reported", a, b, s, src, cue)
        for q in inner:
            if claim is None:
                self.add_quote(q, s, src, cue)
            elif q.words(self.text) >= MIN_EMBEDDED_QUOTE_WORDS:
                self.add_quote(q, s, None, cue, attribution=claim.attribution, copy_from=claim)
        return claim

    def add_quote(
        self,
        q: Quote,
        s: Sentence,
        src: Source | None,
        cue: tuple[int, int] | None,
        *,
        attribution: str | None = None,
        copy_from: Claim | None = None,
    ) -> Claim | None:
        if q.start in self.used_quotes:
            return None
        self.used_quotes.add(q.start)
        return self.add(
            "direct",
            q.inner_start,
            q.inner_end,
            s,
            src,
            cue,
            attribution=attribution,
            copy_from=copy_from,
        )

    def _trim_claim(self, a: int, b: int) -> tuple[int, int]:
        t = self.text
        while a < b and (t[a].isspace() or t[a] in ",:;—–-"):
            a += 1
        while b > a and (t[b - 1].isspace() or t[b - 1] in ",.;:।!?—–-"):
            b -= 1
        return a, b

    # ------------------------------------------------------------------ resolution

    def _subject(self, claim: Claim, s: Sentence) -> None:
        m = _FIRST_WORD.match(claim.text)
        if m is None:
            return
        w = m.group(0).lower()
        if w in _FIRST_PERSON:
            if claim.speaker is not None:
                claim.subject = claim.speaker
                claim.subject_start, claim.subject_end = claim.speaker_start, claim.speaker_end
        elif w in _THIRD_PERSON:
            men = self.subject_before(s, claim.start, quotes=True)
            if men is not None:
                claim.subject, claim.subject_start, claim.subject_end = men.text, men.start, men.end

    def _copy_source(self, claim: Claim, other: Claim) -> None:
        claim.speaker, claim.speaker_start, claim.speaker_end = (
            other.speaker,
            other.speaker_start,
            other.speaker_end,
        )
        claim.anonymous = other.anonymous
        claim.source, claim.source_start, claim.source_end = (
            other.source,
            other.source_start,
            other.source_end,
        )
        claim.group, claim.group_name = other.group, other.group_name
        claim.group_start, claim.group_end = other.group_start, other.group_end
        if claim.cue is None:
            claim.cue, claim.cue_start, claim.cue_end = other.cue, other.cue_start, other.cue_end

    def _set_speaker(self, claim: Claim, span: tuple[int, int]) -> None:
        claim.speaker = self.text[span[0] : span[1]]
        claim.speaker_start, claim.speaker_end = span
        self.note_mention(span)

    def note_mention(self, span: tuple[int, int]) -> None:
        """Record a name found by the rules (a speaker, "close to <Name>") as a mention, so
        later pronouns can refer to it even when it is a single word."""
        a, b = span
        if any(m.start <= a < m.end for m in self.mentions):
            return
        idx = bisect.bisect_left([m.start for m in self.mentions], a)
        sent = next((s.index for s in self.sentences if s.start <= a < s.end), 0)
        in_quote = any(q.start <= a < q.end for s in self.sentences for q in s.quotes)
        self.mentions.insert(idx, Mention(self.text[a:b], a, b, sent, in_quote))

    def _resolve(self, claim: Claim, src: Source, s: Sentence) -> None:
        if src.kind == "named" and src.name is not None:
            self._set_speaker(claim, src.name)
        elif src.kind == "anon":
            claim.anonymous = True
            if src.group_pronoun and src.group_name is not None:
                m = self.close_to_antecedent(s, src.start)
                if m is not None:
                    claim.group = f"close to {m.text}"
                    claim.group_name, claim.group_start, claim.group_end = m.text, m.start, m.end
                else:
                    g0, g1 = src.group_name
                    claim.group = f"close to {self.text[g0:g1]}"
            elif src.group is not None:
                claim.group = src.group
                if src.group_name is not None:
                    g0, g1 = src.group_name
                    claim.group_name, claim.group_start, claim.group_end = self.text[g0:g1], g0, g1
                    if src.group.startswith("close to"):
                        self.note_mention((g0, g1))
        elif src.kind == "body":
            claim.attribution = "role"
            span = self.body_antecedent(src) or src.name
            if span is not None:
                self._set_speaker(claim, span)
        elif src.kind == "pronoun":
            claim.attribution = "pronoun"
            prev = self.previous_claim(s.index)
            plural = src.head.lower() in PLURAL_PRONOUNS
            if src.head.lower() == "it" or plural:
                # "it said" is an organisation, "they said" a group: only a claim right
                # before can tell who, never the nearest person's name
                if prev is not None and (prev.anonymous or not plural):
                    self._copy_who(claim, prev)
            elif prev is not None:
                self._copy_who(claim, prev)
            else:
                m = self.subject_before(s, src.start, quotes=False)
                if m is not None:
                    self._set_speaker(claim, (m.start, m.end))
        elif src.kind == "anaphor":
            claim.attribution = "anaphora"
            claim.anonymous = True
            for prev in reversed(self.claims):
                if prev.anonymous:
                    claim.group, claim.group_name = prev.group, prev.group_name
                    claim.group_start, claim.group_end = prev.group_start, prev.group_end
                    break
        elif src.kind == "document":
            claim.attribution = "explicit"
        elif src.kind == "role":
            claim.attribution = "role"
            m = self.role_antecedent(src.role, src.start)
            prev = self.previous_claim(s.index, max_back=3)
            recent = prev.speaker_start if prev is not None and prev.speaker_start else -1
            if m is not None and m.start > recent:  # the latest of the two is meant
                self._set_speaker(claim, (m.start, m.end))

    def _copy_who(self, claim: Claim, prev: Claim) -> None:
        claim.speaker, claim.speaker_start, claim.speaker_end = (
            prev.speaker,
            prev.speaker_start,
            prev.speaker_end,
        )
        claim.anonymous = prev.anonymous
        claim.group, claim.group_name = prev.group, prev.group_name
        claim.group_start, claim.group_end = prev.group_start, prev.group_end

    def previous_claim(
        self, sent: int, *, max_back: int = 1, direct_only: bool = False
    ) -> Claim | None:
        """The latest claim with a source in this sentence or up to ``max_back`` before it."""
        for c, si in zip(reversed(self.claims), reversed(self._claim_sentence), strict=True):
            if si < sent - max_back:
                return None
            if direct_only and c.kind != "direct":
                continue
            if c.speaker is not None or c.anonymous:
                return c
        return None

    def subject_before(self, s: Sentence, pos: int, *, quotes: bool) -> Mention | None:
        """First person mention of this sentence before ``pos``, else of the nearest earlier
        sentence with one (three sentences back at most)."""
        here = [m for m in self.mentions if s.start <= m.start < pos and (quotes or not m.in_quote)]
        if here:
            return here[0]
        for back in range(1, 4):
            idx = s.index - back
            if idx < 0:
                return None
            ms = [m for m in self.mentions if m.sentence == idx and (quotes or not m.in_quote)]
            if ms:
                return ms[0]
        return None

    def close_to_antecedent(self, s: Sentence, pos: int) -> Mention | None:
        for c in reversed(self.claims):
            if c.group and c.group.startswith("close to") and c.group_start is not None:
                for m in self.mentions:
                    if m.start == c.group_start:
                        return m
        return self.subject_before(s, pos, quotes=True)

    def body_antecedent(self, src: Source) -> tuple[int, int] | None:
        """"the ministry" → the latest earlier "Union Health Ministry": capitalised words
        ending in the same head. Only for a bare "the <head>" in Latin script."""
        if src.name is None or not src.head or not src.head.isascii():
            return None
        a, b = src.name
        if " " in self.text[a:b].strip():
            return None
        rx = regex.compile(
            rf"(?<![\p{{L}}\p{{M}}’'])(?:(?:[A-Z][\p{{L}}\p{{M}}’'.&-]*|of|and)\s+){{0,4}}"
            rf"[A-Z][\p{{L}}\p{{M}}’'.&-]*\s+(?i:{regex.escape(src.head)})(?![\p{{L}}\p{{M}}])"
        )
        best: tuple[int, int] | None = None
        for m in rx.finditer(self.text, 0, src.start):
            ws = m.group(0).split()
            while ws and ws[0].lower() in _DETERMINERS:
                ws = ws[1:]
            if len(ws) >= 2:
                best = (m.end() - len(" ".join(ws)), m.end()) if " ".join(ws) == " ".join(
                    m.group(0).split()[-len(ws):]) and "\n" not in m.group(0) else best
        return best

    def role_antecedent(self, role: str, pos: int) -> Mention | None:
        for r in (role, *ROLE_SYNONYMS.get(role, ())):
            m = self._role_antecedent(r, pos)
            if m is not None:
                return m
        return None

    def _role_antecedent(self, role: str, pos: int) -> Mention | None:
        words = role.split()
        best: Mention | None = None
        for k in range(len(words)):
            phrase = r"\s+".join(regex.escape(w) for w in words[k:])
            rx = regex.compile(rf"(?<![\p{{L}}\p{{M}}]){phrase}(?![\p{{L}}\p{{M}}])", regex.I)
            for m in rx.finditer(self.text, 0, pos):
                for men in self.mentions:
                    if 0 <= men.start - m.end() <= 2 and men.end <= pos:
                        best = men
            if best is not None:
                return best
        return None

    # ------------------------------------------------------------------ helpers for rules

    def quote_tokens(self, toks: list[Token]) -> list[Token]:
        return [t for t in toks if t.kind == "q"]

    def standalone(self, s: Sentence, q: Quote) -> bool:
        """The quotation is (nearly) the whole sentence."""
        rest = self.text[s.start : q.start] + self.text[q.end : s.end]
        return len(_NON_WORD.sub("", rest)) <= 2
