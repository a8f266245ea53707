"""Line features for text dumps (page text saved by a crawler or a copy-paste).

A dump is a list of non-empty lines: menus, banners, teasers, captions, bylines, the article's
headline and paragraphs, comments and footers. :func:`line_features` describes each line by a
few language-neutral numbers (length, sentence ends, function-word and comma density, capitals,
digits, menu separators, dates, code, repetition inside the page and across pages of the same
site, position) plus the same numbers for its neighbours. :class:`LineModel` turns them into a
per-line "article paragraph" log-odds; its weights are learnt by
``scripts/train_dump_model.py`` and shipped as ``resources/dump_model.json``.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import regex

from storyline.errors import StorylineError

RESOURCE = Path(__file__).resolve().parents[1] / "resources" / "dump_model.json"

_WORD = regex.compile(r"[\p{L}\p{M}\p{N}]+")
_LETTER = regex.compile(r"\p{L}")
_UPPER = regex.compile(r"\p{Lu}")
_CLOSERS = "\"'”’»)]›"
_SENT_END = tuple(".!?…。।؟")
_INNER_BOUNDARY = regex.compile(r"\p{L}{3,}[.!?…][\"'”’»)]*\s+[\"“'«(]?\p{Lu}")
_MENU = re.compile(r"\s[|•·»›]|[|•·»›]\s|\s/\s|^[|»›•]|[|]$")
_URL = re.compile(r"https?://|www\.|\.(?:com|org|net|es|fr|it|de|uk|html?|php)\b|@\w")
_CODE = re.compile(
    r"[{}]\s*$|^\s*\}|^\s*(?:var|function|if|else|window|document)\b.*[({=]|^\s*</?[a-zA-Z]+[\s>/]"
    r"|<!--|-->|==|&&|\|\||\w\(\)|\bfunction\s*\(|=\s*[\"'][^\"']*[\"']\s*[;>]"
)
_DATE = regex.compile(
    r"\b\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}\b|\b\d{1,2}[:h]\d{2}\b|\b(?:19|20)\d{2}\b.{0,3}$|"
    r"\b\d{1,2}\.?\s+(?:de\s+)?(?:jan|feb|febr|mar|apr|abr|avr|may|mai|mag|jun|juin|giu|jul|"
    r"juil|lug|aug|ago|août|sep|set|oct|ott|nov|dec|dic|déc|enero|febrero|marzo|abril|mayo|"
    r"junio|julio|agosto|septiembre|octubre|noviembre|diciembre|janvier|février|mars|avril|"
    r"juillet|septembre|octobre|novembre|décembre|gennaio|febbraio|aprile|maggio|giugno|luglio|"
    r"settembre|ottobre|dicembre|january|february|march|april|june|july|august|september|"
    r"october|november|december)\p{L}*",
    regex.IGNORECASE,
)
_GLUED = regex.compile(r"\p{Ll}{2}\p{Lu}\p{Ll}")
_INFORMAL = re.compile(
    r"[!?]{2,}|\.{3,}|\(\.\.\.\)|…|[:;]-?[()DP]\B|\b(?:lol|mdr|jaja|ahah)\b", re.I)
_PERSON_WORDS = """
i me my we our you your je j moi nous vous tu te toi mon ma mes notre votre yo mí mi
nosotros nuestro usted ustedes tú io noi voi mio mia nostro vostro ich wir ihr du mein
"""
_PERSON = frozenset(_PERSON_WORDS.split())
# The header of a reader-comment section ("12 commentaires", "Deja tu comentario", "Leggi i
# contributi"): what follows it is never the article.
_CWORDS = (r"(?:comments?|commenti|commento|commentaires?|comentarios?|comentários?|réactions?|"
           r"reacciones|reazioni|kommentare?|contributi|opiniones)")
_COMMENTS = regex.compile(
    r"\d+\s*[»:]?\s*(?:reader\s+)?" + _CWORDS
    + r"(?:\s+(?:per|pour|para|for|à|a|on|sur|su)\b.{0,120})?"
    r"|(?:reader\s+)?" + _CWORDS + r"(?:\s*\(?\d+\)?)?"
    r"|(?:leave|post|add|write|show|view|read|see|deja|dejar|escribe|añade|ver|leer|laisser|"
    r"laissez|ajouter|écrire|voir|lire|lascia|scrivi|aggiungi|leggi|vedi|mostra)\s+"
    r"(?:a|an|un|une|una|uno|tu|ton|votre|your|the|les|los|las|i|gli|le|il|all|tous\s+les|"
    r"todos\s+los|tutti\s+i)?\s*(?:comments?|commentaires?|comentarios?|commenti|commento|"
    r"réactions?|reacciones|contributi|opinión|opinion)\b.{0,60}"
    r"|(?:iniciar sesión|inicia sesión|identifiez-vous|connectez-vous|accedi|login|log in|"
    r"sign in)\s+(?:para|pour|per|to)\s+(?:comentar|commenter|réagir|commentare|comment)\b.{0,40}"
    r"|(?:réagir|réagissez|participez au débat|partecipa alla discussione|"
    r"únete a la conversación|join the (?:conversation|discussion)|"
    r"comment on this (?:article|story))"
    r"(?:\s+(?:à|a)\s+cet article)?",
    regex.IGNORECASE,
)
# The commonest function words of Latin-script news languages (en es fr it pt de nl ca):
# prose is dense in them, menus, names and headlines are not.
_FUNCTION_WORDS = """
a an the of to in on at for with by from and or but is are was were be been has have had it
its this that these those he she they we you his her their not as which who will would said
el la los las un una unos unas y o de del al en por para con sin sobre entre que como se su
sus lo le les es son fue ha han había pero más ya no muy también este esta cuando donde le
la les un une des du de et ou en dans par pour avec sur qui que il elle ils elles est sont a
ont été était mais plus ne pas se ce cette son sa ses leur au aux y il lo la i gli le un una
uno di del della dei delle da dal dalla in con su per tra fra e o che è sono era ha hanno
non si più anche come al alla ai nel nella o os as um uma de do da dos das em no na com por
para que e é são foi não se mais ao der die das ein eine und oder in im mit von zu auf für
ist sind war nicht sich dem den des het een van en op te dat voor met niet zijn
"""
_FUNCTION = frozenset(_FUNCTION_WORDS.split())

#: names of the per-line base features, in vector order
BASE = (
    "bias", "len", "words", "sent_end", "colon_end", "inner_sent", "function", "short_words",
    "commas", "capitals", "all_caps", "digits", "menu", "url", "date", "code", "rule",
    "doc_repeat", "site_repeat", "comments", "glued", "informal", "person", "lower_start",
    "coherence", "after_comments", "first", "last", "pos",
)
#: base features also read from the previous and the next line
CONTEXT = ("len", "sent_end", "function", "site_repeat", "capitals", "date", "coherence")
FEATURES = BASE + tuple(f"prev_{n}" for n in CONTEXT) + tuple(f"next_{n}" for n in CONTEXT)


def words(line: str) -> list[str]:
    return [w.casefold() for w in _WORD.findall(line)]


def is_comment_header(line: str) -> bool:
    """True for the heading of a reader-comment section (or a comment count/prompt)."""
    core = line.strip().strip(".:!»›>|-–—()[] ")
    return len(core) <= 160 and _COMMENTS.fullmatch(core) is not None


def ends_sentence(line: str) -> bool:
    core = line.rstrip().rstrip(_CLOSERS).rstrip()
    return core.endswith(_SENT_END)


def base_features(
    line: str, rule_hit: bool, doc_repeat: int, site_repeat: int, coherence: float
) -> list[float]:
    """The line's own features (see :data:`BASE`), without position."""
    s = line.strip()
    toks = words(s)
    n = len(toks)
    letters = len(_LETTER.findall(s)) or 1
    caps_words = sum(1 for w in _WORD.findall(s) if w[:1].isupper())
    return [
        1.0,
        math.log1p(len(s)) / 6.0,
        math.log1p(n) / 4.0,
        float(ends_sentence(s)),
        float(s.endswith(":")),
        min(len(_INNER_BOUNDARY.findall(s)), 4) / 4.0,
        sum(1 for w in toks if w in _FUNCTION) / n if n else 0.0,
        sum(1 for w in toks if len(w) <= 3) / n if n else 0.0,
        min(s.count(",") / max(n, 1) * 5.0, 1.0),
        caps_words / n if n else 0.0,
        float(n >= 2 and len(_UPPER.findall(s)) / letters > 0.8),
        min(sum(c.isdigit() for c in s) / max(len(s), 1) * 5.0, 1.0),
        float(bool(_MENU.search(s))),
        float(bool(_URL.search(s))),
        float(bool(_DATE.search(s)) and n <= 12),
        float(bool(_CODE.search(s))),
        float(rule_hit),
        float(doc_repeat > 1),
        min(math.log1p(site_repeat) / math.log(10.0), 1.5),
        float(is_comment_header(s)),
        float(bool(_GLUED.search(s))),
        min(len(_INFORMAL.findall(s)), 3) / 3.0,
        min(sum(1 for w in toks if w in _PERSON) / n * 10.0, 1.0) if n else 0.0,
        float(s[:1].islower()),
        coherence,
    ]


@dataclass
class Lines:
    """The non-empty lines of a dump with their feature matrix."""

    text: list[str]
    x: np.ndarray  # (n_lines, len(FEATURES))
    site_repeat: list[int] = field(default_factory=list)
    doc_repeat: list[int] = field(default_factory=list)
    rule: list[str | None] = field(default_factory=list)


def norm_line(line: str) -> str:
    """The key a line is counted under (inside a page and across a site's pages)."""
    return " ".join(words(line))


def coherence(lines: Sequence[str]) -> list[float]:
    """Share of a line's content words that also occur in two or more *other* lines.

    The article's paragraphs keep coming back to the same names and topic words; menus,
    teasers about other stories and most furniture do not share them.
    """
    sets = [content(s) for s in lines]
    df: Counter[str] = Counter()
    for c in sets:
        df.update(c)
    return [sum(1 for w in c if df[w] >= 3) / len(c) if c else 0.0 for c in sets]


def featurize(
    lines: Sequence[str], rules: Sequence[str | None], site_repeat: Sequence[int]
) -> Lines:
    """Feature matrix of ``lines`` (non-empty), given rule hits and site repetition counts."""
    keys = [norm_line(s) for s in lines]
    counts = Counter(keys)
    coh = coherence(lines)
    n = len(lines)
    after, seen = [], False
    for s in lines:
        after.append(float(seen))
        seen = seen or is_comment_header(s)
    base = np.array(
        [
            [*base_features(s, r is not None, counts[k] if k else 0, site, coh[i]),
             after[i], float(i == 0), float(i == n - 1), i / max(n - 1, 1)]
            for i, (s, r, k, site) in enumerate(zip(lines, rules, keys, site_repeat, strict=True))
        ],
        dtype=np.float64,
    ).reshape(n, len(BASE))
    idx = [BASE.index(c) for c in CONTEXT]
    ctx = base[:, idx]
    pad = np.zeros((1, len(idx)))
    prev = np.vstack([pad, ctx[:-1]]) if n else ctx
    nxt = np.vstack([ctx[1:], pad]) if n else ctx
    x = np.hstack([base, prev, nxt])
    return Lines(
        text=list(lines),
        x=x,
        site_repeat=list(site_repeat),
        doc_repeat=[counts[k] if k else 0 for k in keys],
        rule=list(rules),
    )


#: features of a headline candidate (a line above the article's first paragraph)
HEAD_FEATURES = (
    "bias", "title_like", "len", "words_4_20", "sent_end", "colon_end", "capitals", "all_caps",
    "digits", "menu", "url", "date", "glued", "site_repeat", "doc_repeat", "comments", "first",
    "distance", "nearest", "body_overlap", "lead_overlap", "shared_words", "body_logit",
    "prose", "kicker", "shaped", "short", "over_standfirst",
)


def content(line: str) -> set[str]:
    """Content words of a line: 4+ letters and not a function word."""
    return {w for w in words(line) if len(w) >= 4 and w not in _FUNCTION}


def title_like(line: str) -> bool:
    """Short, at least two words, no final full stop, comma or colon (a headline, kicker,
    section label, menu item; questions and exclamations included)."""
    n = len(words(line))
    core = line.rstrip().rstrip(_CLOSERS).rstrip()
    return 2 <= n <= 30 and len(line) <= 250 and not core.endswith((".", ",", ";", ":"))


_BYLINE = regex.compile(
    r"^(?i:by|por|par|di|de|von|door|autor|author|auteur|autore)\b[:\s]+\p{Lu}")
_CREDIT_END = regex.compile(
    r"(?:\((?:afp|ap|efe|reuters|ansa|dpa|epa|getty)[^)]*\)|\b(?:afp|ap|efe|reuters|ansa|dpa|epa)"
    r"|(?:foto|photo|image|imagen|crédit|credit)\s*:.*)\W*$",
    regex.IGNORECASE,
)


_STAMP = regex.compile(
    r"\b\d{1,2}[:h.]\d{2}\b|\b(?:publi\w*|updated|actualiza\w*|aggiornat\w*|mis à jour|"
    r"modifi\w*|posted|écrit|escrito|scritto)\b",
    regex.IGNORECASE,
)


def headline_shaped(line: str, site_repeat: int = 0) -> bool:
    """Could be a headline: title-like, three or more words, no final full stop or colon, and
    not a menu, date, link, byline, photo credit, comment heading or site furniture line."""
    s = line.strip()
    core = s.rstrip(_CLOSERS).rstrip()
    n = len(words(s))
    return (
        title_like(s) and 3 <= n <= 20 and len(s) <= 160 and not core.endswith((".", ":"))
        and site_repeat < 2 and not _MENU.search(s) and not _URL.search(s)
        and not (_DATE.search(s) and (n <= 5 or _STAMP.search(s))) and not _BYLINE.match(s)
        and not _CREDIT_END.search(s) and not is_comment_header(s)
    )


def head_features(lines: Lines, c: int, start: int, body: Sequence[int], z: np.ndarray,
                  nearest: int | None) -> list[float]:
    """Features of line ``c`` as the headline of the article whose body starts at ``start``."""
    s = lines.text[c]
    b = lines.x[c]
    cw = content(s)
    body_words: set[str] = set()
    for k in body[:6]:
        body_words |= content(lines.text[k])
    lead = content(lines.text[body[0]]) if body else set()
    n = len(words(s))
    return [
        1.0,
        float(title_like(s)),
        b[FEATURES.index("len")],
        float(4 <= n <= 20),
        b[FEATURES.index("sent_end")],
        b[FEATURES.index("colon_end")],
        b[FEATURES.index("capitals")],
        b[FEATURES.index("all_caps")],
        b[FEATURES.index("digits")],
        b[FEATURES.index("menu")],
        b[FEATURES.index("url")],
        b[FEATURES.index("date")],
        b[FEATURES.index("glued")],
        b[FEATURES.index("site_repeat")],
        b[FEATURES.index("doc_repeat")],
        b[FEATURES.index("comments")],
        float(c == 0),
        min(start - c - 1, 8) / 8.0,
        float(c == nearest),
        len(cw & body_words) / len(cw) if cw else 0.0,
        len(cw & lead) / len(cw) if cw else 0.0,
        min(len(cw & body_words), 6) / 6.0,
        max(min(float(z[c]), 5.0), -5.0) / 5.0,
        float((b[FEATURES.index("sent_end")] > 0 and n >= 8) or n > 30),
        # a kicker: a short line right above a longer title-like line
        float(c + 1 < start and title_like(lines.text[c + 1])
              and len(words(lines.text[c + 1])) > n),
        float(headline_shaped(s, lines.site_repeat[c])),
        float(n <= 6),
        # a headline over a longer summary line that has no final full stop
        float(n >= 7 and c + 1 < start and title_like(lines.text[c + 1])
              and len(words(lines.text[c + 1])) > n),
    ]


class ModelError(StorylineError):
    """The dump line model file is missing or does not match this version of storyline."""


@dataclass
class LineModel:
    """Two logistic regressions and the decoder's settings, learnt from hand-marked pages.

    ``body``: log-odds that a line is article text, over :data:`FEATURES`;
    ``head``: log-odds that a candidate line is the headline, over :data:`HEAD_FEATURES`;
    ``params``: decoder thresholds (see :mod:`storyline.text.dump`).
    """

    body: dict[str, float]
    head: dict[str, float]
    params: dict[str, float] = field(default_factory=dict)
    version: str = "0"
    meta: dict[str, Any] = field(default_factory=dict)

    def body_vector(self) -> np.ndarray:
        return np.array([self.body.get(f, 0.0) for f in FEATURES], dtype=np.float64)

    def head_vector(self) -> np.ndarray:
        return np.array([self.head.get(f, 0.0) for f in HEAD_FEATURES], dtype=np.float64)

    def logits(self, lines: Lines) -> np.ndarray:
        if not len(lines.text):
            return np.zeros(0)
        return np.asarray(lines.x @ self.body_vector(), dtype=np.float64)

    def explain(self, row: np.ndarray, top: int = 2) -> list[str]:
        """Names of the features that pushed this line most towards 'not article text'."""
        contrib = row * self.body_vector()
        order = np.argsort(contrib)
        return [FEATURES[i] for i in order[:top] if contrib[i] < 0 and FEATURES[i] != "bias"]

    def param(self, name: str) -> float:
        return float(self.params[name])

    def to_disk(self, path: str | Path) -> None:
        data = {"version": self.version, "features": list(FEATURES),
                "head_features": list(HEAD_FEATURES), "body": self.body, "head": self.head,
                "params": self.params, "meta": self.meta}
        Path(path).write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n",
                              encoding="utf-8")

    @classmethod
    def from_disk(cls, path: str | Path) -> LineModel:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            body, head = data["body"], data["head"]
        except (OSError, ValueError, KeyError) as err:
            raise ModelError(f"cannot read the dump line model {path} ({err}); reinstall "
                             "storyline or rebuild it with scripts/train_dump_model.py") from err
        unknown = (set(body) - set(FEATURES)) | (set(head) - set(HEAD_FEATURES))
        if unknown:
            raise ModelError(f"dump line model {path} has features this version does not "
                             f"compute ({sorted(unknown)[:3]}); rebuild it with "
                             "scripts/train_dump_model.py")
        return cls(body={k: float(v) for k, v in body.items()},
                   head={k: float(v) for k, v in head.items()},
                   params={k: float(v) for k, v in data.get("params", {}).items()},
                   version=str(data.get("version", "0")), meta=data.get("meta", {}))


_DEFAULT: LineModel | None = None


def default_model() -> LineModel:
    """The shipped model (loaded once)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = LineModel.from_disk(RESOURCE)
    return _DEFAULT
