"""The last gate before the pipeline: one document in, an article or a quarantine item out.

Whatever a reader (or the REST API) produced, :func:`screen` makes sure that one document can
only ever cost itself: text over ``max_text_chars`` is refused before any analysis (time and
memory stay bounded), strings that cannot be stored are repaired field by field, and an
unexpected error in any pipeline stage becomes a quarantine item naming the stage, never an
exception that ends the batch.
"""

from __future__ import annotations

import logging

import numpy as np

from storyline.encode.base import Encoder
from storyline.errors import InputError
from storyline.ingest.decode import now_iso
from storyline.ingest.limits import advice, limits
from storyline.ingest.sanitize import needs_repair, repair_text, repair_value
from storyline.model import Article, Quarantined, RawDoc
from storyline.pipeline.base import Pipeline
from storyline.pipeline.embedtext import embed_text
from storyline.pipeline.stages import article_from_raw

log = logging.getLogger(__name__)

_STR_FIELDS = ("text", "doc_id", "title", "url", "source_name", "date_hint",
               "date_hint_origin", "lang_hint")


def storable(q: Quarantined) -> Quarantined:
    """*q* with its texts made storable (a source path may hold undecodable bytes)."""
    q.source, q.message = repair_text(q.source), repair_text(q.message)
    return q


def reject(doc: RawDoc, reason: str, message: str) -> Quarantined:
    """A quarantine item for a document that a reader accepted but ingest cannot use."""
    sample = doc.text[:200].encode("utf-8", "replace")
    return Quarantined(source=doc.provenance.source, reason=reason, message=message,
                       line=doc.provenance.line, raw_sha256=doc.provenance.raw_sha256,
                       sample=sample, at=now_iso())


def repair_doc(doc: RawDoc) -> list[str]:
    """Repair every string of *doc* in place (see :mod:`storyline.ingest.sanitize`); returns
    the names of the fields that changed."""
    changed: list[str] = []
    for name in _STR_FIELDS:
        value = getattr(doc, name)
        if isinstance(value, str) and needs_repair(value):
            setattr(doc, name, repair_text(value))
            changed.append(name)
    if needs_repair(doc.provenance.source):  # a file name that is not valid UTF-8
        doc.provenance.source = repair_text(doc.provenance.source)
        changed.append("source path")
    extra_changed: list[str] = []
    doc.extra = repair_value(doc.extra, "extra", extra_changed)
    changed.extend(extra_changed)
    if changed:
        doc.extra.setdefault("_repaired", changed[:20])
    return changed


def screen(doc: RawDoc, pipeline: Pipeline) -> Article | Quarantined:
    """Run *pipeline* over *doc* within the limits; never raises for a bad document."""
    lim = limits()
    size = len(doc.text) + len(doc.title or "")
    if size > lim.max_text_chars:
        return reject(doc, "too-large", f"{size:,} characters of text, over the "
                      f"{lim.max_text_chars:,} limit for one article; "
                      + advice("max_text_chars"))
    changed = repair_doc(doc)
    if changed:
        log.warning("%s: repaired invalid text in %s", doc.provenance.source, ", ".join(changed))
    try:
        return pipeline.run(article_from_raw(doc))
    except InputError as exc:
        return reject(doc, exc.reason, exc.message)
    except Exception as exc:  # a stage bug must cost this document only
        log.exception("pipeline failed on %s (%s)", doc.doc_id, doc.provenance.source)
        return reject(doc, "pipeline-error", f"analysis failed ({type(exc).__name__}: "
                      f"{str(exc)[:200]}); the document was skipped, please report it")


def reject_article(a: Article, reason: str, message: str) -> Quarantined:
    """A quarantine item for an analysed article that cannot go further."""
    return Quarantined(source=a.provenance.source, reason=reason, message=message,
                       line=a.provenance.line, raw_sha256=a.provenance.raw_sha256,
                       sample=a.raw_text[:200].encode("utf-8", "replace"), at=now_iso())


def embed_articles(encoder: Encoder, articles: list[Article], have: dict[str, np.ndarray],
                   quarantine: list[Quarantined] | None = None) -> dict[str, np.ndarray]:
    """Vectors of *articles* (*have*: those already known). When the encoder fails on the
    batch, each article is embedded alone; one that still fails is quarantined and removed
    from *articles* (with *quarantine* None, the error is raised instead)."""
    todo = [a for a in articles if a.id not in have]
    if not todo:
        return have
    try:
        out = encoder.passages([embed_text(a.title, a.text) for a in todo])
        have.update((a.id, v.astype(np.float32)) for a, v in zip(todo, out, strict=True))
        return have
    except Exception:
        if quarantine is None:
            raise
        log.exception("the encoder failed on a batch; embedding one by one")
    for a in todo:
        try:
            have[a.id] = encoder.passages([embed_text(a.title, a.text)])[0].astype(np.float32)
        except Exception as exc:
            quarantine.append(reject_article(a, "encoder-error", f"the encoder failed "
                                             f"({exc!r:.200}); skipped"))
    articles[:] = [a for a in articles if a.id in have]
    return have
