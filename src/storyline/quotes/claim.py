"""Data types of the quotes layer: :class:`Claim` and :class:`Conflict`.

All offsets are character offsets into the text given to
:func:`storyline.quotes.extract_claims` (end exclusive), so ``text[c.start:c.end] == c.text``
and ``text[c.speaker_start:c.speaker_end] == c.speaker`` whenever they are set.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

from storyline.errors import StorylineError

KINDS = ("direct", "reported")
ATTRIBUTIONS = ("explicit", "pronoun", "continuation", "anaphora", "role", "none")


class QuoteError(StorylineError):
    """Bad input to the quotes layer (unknown field, wrong kind...)."""


@dataclass(slots=True)
class Claim:
    """One quotation or reported statement with its source.

    * ``text``/``start``/``end``: the claim (a quotation without its marks, or the reported
      clause without "that"); ``sentence_start``/``sentence_end``: the sentence holding it,
      attribution included.
    * ``kind``: ``"direct"`` (inside quotation marks) or ``"reported"`` (indirect speech).
    * ``speaker``: the named person or organisation as written, with offsets, or ``None``.
      When the source is a pronoun ("he said"), a role ("the strategist") or a continuation
      of the previous quote, ``speaker`` is the antecedent mention elsewhere in the text and
      ``attribution`` says how it was found.
    * ``source``: the attribution phrase in the sentence as written ("a source close to
      him", "RJP state president Dinesh Pathak", "he", "सूत्रों"), with offsets.
    * ``anonymous``: the source is not a named person/organisation ("sources", "a senior
      leader", "officials at …"). ``group`` is who the anonymous source is attributed to
      ("close to Mehra", "Madhyanchal government", "LVP"), with ``group_name`` the name
      inside it and its offsets (for "close to him", the antecedent's mention).
    * ``cue``: the verb or phrase that attributes the claim ("said", "according to",
      "ने बताया"), with offsets; ``lang`` the language whose rules matched.
    * ``subject``: who a claim that opens with a pronoun is about ("he was relenting" →
      the person the pronoun refers to; "I declined…" → the speaker), with offsets of that
      mention; ``None`` otherwise. Used to match claims on the same matter.
    """

    text: str
    start: int
    end: int
    sentence_start: int
    sentence_end: int
    kind: str
    speaker: str | None = None
    speaker_start: int | None = None
    speaker_end: int | None = None
    anonymous: bool = False
    source: str | None = None
    source_start: int | None = None
    source_end: int | None = None
    group: str | None = None
    group_name: str | None = None
    group_start: int | None = None
    group_end: int | None = None
    cue: str | None = None
    cue_start: int | None = None
    cue_end: int | None = None
    subject: str | None = None
    subject_start: int | None = None
    subject_end: int | None = None
    lang: str = "en"
    attribution: str = "explicit"

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise QuoteError(f"Claim.kind must be one of {KINDS}, got {self.kind!r}")
        if self.attribution not in ATTRIBUTIONS:
            raise QuoteError(
                f"Claim.attribution must be one of {ATTRIBUTIONS}, got {self.attribution!r}"
            )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Claim:
        known = {f.name for f in fields(cls)}
        unknown = set(d) - known
        if unknown:
            raise QuoteError(
                f"unknown Claim field(s) {sorted(unknown)}; expected a dict made by Claim.to_dict"
            )
        return cls(**d)


@dataclass(slots=True)
class Conflict:
    """Two claims on the same matter that disagree.

    ``shared`` lists the subject terms both claims share (name keys shown as the surface
    words they came from), ``reason`` a one-line explanation, ``polarity_a``/``polarity_b``
    each side's stance (``"against"``/``"for"``/``"negated"``/``"affirmed"``), and
    ``cues_a``/``cues_b`` the words that decided it.
    """

    article_a: str
    claim_a: Claim
    article_b: str
    claim_b: Claim
    shared: list[str]
    reason: str
    polarity_a: str
    polarity_b: str
    cues_a: list[str] = field(default_factory=list)
    cues_b: list[str] = field(default_factory=list)
    score: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["claim_a"] = self.claim_a.to_dict()
        d["claim_b"] = self.claim_b.to_dict()
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Conflict:
        d = dict(d)
        d["claim_a"] = Claim.from_dict(d["claim_a"])
        d["claim_b"] = Claim.from_dict(d["claim_b"])
        return cls(**d)
