"""Run a function over a stream in background threads, results in order, memory bounded.

Ingest uses it to prepare the next batches (clean, language, dates, names, embedding) while the
calling thread clusters and writes the current one. The work overlaps where it leaves Python:
the encoder (onnxruntime), the tokenizer (Rust) and SQLite release the GIL.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

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
