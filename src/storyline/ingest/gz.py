"""A strict streaming gzip reader (multi-member, truncation-aware).

:class:`gzip.GzipFile` quietly returns the partial data of a truncated file and may then
report a clean end of file (after ``peek``). This reader returns every byte that decompresses,
then raises :class:`EOFError` if the last member is incomplete, and ``zlib.error`` for damaged
data. Concatenated members (``.warc.gz``: one member per record) are read in sequence.
Output is produced in bounded chunks, so a decompression bomb cannot exhaust memory, and
the total is capped (``max_decompressed_bytes``): past it, :class:`DecompressedTooLarge`.
"""

from __future__ import annotations

import io
import zlib
from typing import Any, BinaryIO, cast

GZIP_MAGIC = b"\x1f\x8b"


class DecompressedTooLarge(OSError):
    """A compressed input inflates beyond its limit (a decompression bomb, or just huge)."""

_IN_CHUNK = 1 << 16
_OUT_CHUNK = 1 << 20


class GzipReader(io.RawIOBase):
    """Raw stream of the decompressed bytes of the gzip stream *fileobj*."""

    def __init__(self, fileobj: BinaryIO, max_out: int | None = None) -> None:
        from storyline.ingest.limits import human, limits

        self._max = max_out if max_out is not None else limits().max_decompressed_bytes
        self._human = human(self._max)
        self._total = 0
        self._f = fileobj
        self._d: Any = None  # current member's decompressor; None before the first member
        self._pending = b""
        self._pos = 0

    def readable(self) -> bool:
        return True

    def _fill(self) -> bool:
        """Refill the pending buffer; False at a clean end of the stream."""
        if self._pos >= len(self._pending):
            self._pending, self._pos = b"", 0
        while not self._pending:
            if self._d is None or self._d.eof:
                rest = self._d.unused_data if self._d is not None else b""
                if not rest:
                    rest = self._f.read(_IN_CHUNK)
                if not rest or (self._d is not None and not rest.strip(b"\x00")):
                    return False  # end (trailing NUL padding after a member is tolerated)
                self._d = zlib.decompressobj(16 + zlib.MAX_WBITS)
                self._pending = self._d.decompress(rest, _OUT_CHUNK)
                continue
            data = self._d.unconsumed_tail or self._f.read(_IN_CHUNK)
            if not data:
                raise EOFError("compressed file ended before the end-of-stream marker "
                               "was reached")
            self._pending = self._d.decompress(data, _OUT_CHUNK)
        return True

    def readinto(self, buffer: Any) -> int:
        if self._pos >= len(self._pending):
            if not self._fill():
                return 0
            self._total += len(self._pending)
            if self._total > self._max:
                raise DecompressedTooLarge(
                    f"decompresses to more than {self._human} (limit max_decompressed_bytes)"
                )
        n = min(len(buffer), len(self._pending) - self._pos)
        buffer[:n] = self._pending[self._pos:self._pos + n]
        self._pos += n
        return n

    def close(self) -> None:
        try:
            self._f.close()
        finally:
            super().close()


def open_gzip(fileobj: BinaryIO) -> BinaryIO:
    """Buffered binary stream of the decompressed content of *fileobj*."""
    return cast(BinaryIO, io.BufferedReader(GzipReader(fileobj), buffer_size=_IN_CHUNK))


def maybe_gunzip(fileobj: BinaryIO) -> BinaryIO:
    """*fileobj* itself, or its decompressed stream when it starts with the gzip magic.

    *fileobj* must support ``peek`` (a buffered reader).
    """
    peek = getattr(fileobj, "peek", None)
    if peek is not None and peek(2)[:2] == GZIP_MAGIC:
        return open_gzip(fileobj)
    return fileobj
