"""Ingest: read files, folders and stdin into :class:`~storyline.model.RawDoc` items.

See :mod:`storyline.ingest.readers` for the formats. Bad input is never raised: it comes out
as :class:`~storyline.model.Quarantined` items with a reason code and a one-line message.
"""

from __future__ import annotations

from storyline.ingest.decode import decode_bytes
from storyline.ingest.readers import (
    FORMATS,
    count_inputs,
    iter_files,
    iter_inputs,
    read_file,
    read_stream,
    sniff_format,
)

__all__ = [
    "FORMATS",
    "count_inputs",
    "decode_bytes",
    "iter_files",
    "iter_inputs",
    "read_file",
    "read_stream",
    "sniff_format",
]
