"""Run a function over a stream in background threads, results in order, memory bounded.

Ingest uses it to prepare the next batches (clean, language, dates, names, embedding) while the
calling thread clusters and writes the current one. The work overlaps where it leaves Python:
the encoder (onnxruntime), the tokenizer (Rust) and SQLite release the GIL.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np

from storyline.encode.base import Encoder
from storyline.errors import InputError
from storyline.model import Article, Quarantined, RawDoc
from storyline.pipeline.base import Pipeline
from storyline.pipeline.embedtext import embed_text
from storyline.pipeline.stages import article_from_raw

T = TypeVar("T")
R = TypeVar("R")


def ordered_map(fn: Callable[[T], R], items: Iterable[T], workers: int) -> Iterator[R]:
    """``fn(item)`` for each item, in order; up to ``workers`` calls run at once in threads.

    ``workers <= 0`` runs everything in the calling thread. Otherwise at most ``workers + 1``
    items are taken from ``items`` before their result is consumed, so memory stays bounded
    whatever the length of the stream. ``items`` is iterated in the calling thread, and an
    exception raised by ``fn`` comes out of the iterator at that item's turn.
    """
    if workers <= 0:
        for item in items:
            yield fn(item)
        return
    pool = ThreadPoolExecutor(workers, thread_name_prefix="ingest")
    pending: deque[Future[R]] = deque()
    try:
        for item in items:
            pending.append(pool.submit(fn, item))
            if len(pending) > workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        for fut in pending:
            fut.cancel()
        pool.shutdown(wait=True)


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    """Lists of ``size`` consecutive items (the last one shorter); ``size`` >= 1."""
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= max(1, size):
            yield batch
            batch = []
    if batch:
        yield batch


@dataclass
class Prepared:
    """One batch after the pipeline and the encoder, before it meets the store."""

    read: int
    duplicates: int = 0
    articles: list[Article] = field(default_factory=list)
    quarantine: list[Quarantined] = field(default_factory=list)
    vecs: dict[str, np.ndarray] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)


def prepare_batch(
    pipeline: Pipeline, encoder: Encoder, docs: list[RawDoc | Quarantined]
) -> Prepared:
    """Pipeline and embedding of one batch; touches no store (safe in a worker thread).

    Documents the pipeline rejects become quarantine entries; a second copy of an article
    within the batch counts as a duplicate. Store-level checks happen when it is committed.
    """
    t = time.perf_counter()
    prep = Prepared(read=len(docs))
    seen_ids: set[str] = set()
    for doc in docs:
        if isinstance(doc, Quarantined):
            prep.quarantine.append(doc)
            continue
        try:
            a = pipeline.run(article_from_raw(doc))
        except InputError as exc:
            prep.quarantine.append(
                Quarantined(
                    source=doc.provenance.source,
                    reason=exc.reason,
                    message=exc.message,
                    line=doc.provenance.line,
                    raw_sha256=doc.provenance.raw_sha256,
                    sample=doc.text[:200].encode("utf-8"),
                )
            )
            continue
        if a.id in seen_ids:
            prep.duplicates += 1
            continue
        seen_ids.add(a.id)
        prep.articles.append(a)
    t2 = time.perf_counter()
    if prep.articles:
        arts = prep.articles
        out = encoder.passages([embed_text(a.title, a.text) for a in arts])
        prep.vecs = {a.id: v.astype(np.float32) for a, v in zip(arts, out, strict=True)}
    prep.timings = {"pipeline": t2 - t, "embed": time.perf_counter() - t2}
    return prep
