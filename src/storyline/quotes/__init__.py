"""Who said what: quotations, reported claims, their sources, and conflicting claims.

* :func:`extract_claims` — direct quotes and reported speech with speaker, anonymous
  sources typed with their group, cue and offsets (en, hi, es, fr, de);
* :func:`find_conflicts` — pairs of claims on the same matter that disagree;
* :mod:`storyline.quotes.evaluate` — scorer against the sample gold
  (``python -m storyline.quotes.evaluate``).
"""

from __future__ import annotations

from storyline.quotes.claim import Claim, Conflict, QuoteError
from storyline.quotes.conflicts import find_conflicts
from storyline.quotes.extract import extract_claims, normalize_lang

__all__ = ["Claim", "Conflict", "QuoteError", "extract_claims", "find_conflicts", "normalize_lang"]
