"""Bytes to text: binary sniffing, BOMs, UTF-8, legacy single-byte encodings.

:func:`decode_bytes` is the one entry point. It raises :class:`~storyline.errors.InputError`
with reason ``"empty"``, ``"binary"`` or ``"undecodable"``; readers turn that into a
:class:`~storyline.model.Quarantined` item with :func:`quarantine`.

Legacy encodings are guessed only when the bytes are not valid UTF-8. Each candidate code page
is decoded strictly and scored for plausibility (letters of one script per word, no C1
controls, no stray symbols inside words, no Latin words made only of accented letters);
charset-normalizer breaks ties between scripts (Cyrillic vs Greek). A guess that does not look
like text is refused ("undecodable") rather than producing mojibake.
"""

from __future__ import annotations

import codecs
import hashlib
import itertools
import logging
import re
import unicodedata
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime

from storyline.errors import InputError
from storyline.model import Quarantined

log = logging.getLogger(__name__)

SAMPLE_BYTES = 200  # bytes kept in Quarantined.sample
_SNIFF_BYTES = 65536  # bytes examined for binary detection / legacy-encoding scoring

_BOMS: tuple[tuple[bytes, str, str], ...] = (
    # order matters: the UTF-32 LE BOM starts with the UTF-16 LE BOM
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32"),
    (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16"),
)

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive (or DOCX/XLSX/EPUB)"),
    (b"PK\x05\x06", "empty ZIP archive"),
    (b"\x7fELF", "ELF executable"),
    (b"\x1f\x8b", "gzip archive"),
    (b"BZh", "bzip2 archive"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"Rar!\x1a\x07", "RAR archive"),
    (b"\x28\xb5\x2f\xfd", "zstd archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "MS Office (OLE2) document"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"\x00\x00\x01\x00", "icon image"),
    (b"OggS", "Ogg media"),
    (b"ID3", "MP3 audio"),
    (b"fLaC", "FLAC audio"),
    (b"\x1aE\xdf\xa3", "Matroska/WebM video"),
    (b"wOFF", "WOFF font"),
    (b"wOF2", "WOFF2 font"),
    (b"\xca\xfe\xba\xbe", "Java class / Mach-O binary"),
    (b"\xcf\xfa\xed\xfe", "Mach-O binary"),
    (b"PAR1", "Parquet file"),
)

# Legacy code pages tried, most common first (the order breaks ties within a script).
_LEGACY = ("cp1252", "cp1250", "cp1251", "koi8-r", "cp1253", "cp1254", "cp1257",
           "cp1256", "cp1255", "iso-8859-15", "iso-8859-2", "iso-8859-5", "iso-8859-7")

_OK_NON_LETTERS = set(
    "\u00a0«»“”‘’‚„‹›–—…•·°€£¥¢§©®™¡¿×÷±½¼¾²³¹ªº¶†‡‰′″\u00ad"
)
# Letters that are real but rare outside one small language: a mild penalty makes e.g. the
# cp1254 reading of Turkish ("ş", "ı") beat the cp1252 one ("þ", "ý").
_RARE_LETTERS = set("þÞðÐýÝ")
_CTRL_OK = {9, 10, 11, 12, 13, 27}  # \t \n \v \f \r ESC


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def now_iso() -> str:
    """Current UTC time as ISO 8601 with seconds, e.g. ``2024-05-01T10:00:00+00:00``."""
    return datetime.now(UTC).isoformat(timespec="seconds")


_ISO_DAY = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:$|[T ]\d)")


def iso_date(value: object) -> str | None:
    """``YYYY-MM-DD`` for an ISO 8601 / RFC 822 date or a Unix timestamp; None otherwise.

    The calendar date is taken as written (the publisher's local date), not converted to UTC.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        try:
            secs = float(value) / 1000 if value > 1e11 else float(value)  # milliseconds
        except (OverflowError, ValueError):
            return None  # a 400-digit number is no timestamp
        if 3e8 < secs < 5e9:
            return datetime.fromtimestamp(secs, UTC).date().isoformat()
        return None
    if not isinstance(value, str) or not value.strip():
        return None
    s = value.strip()
    m = _ISO_DAY.match(s)
    if m:
        try:
            return date.fromisoformat(m.group(1)).isoformat()
        except ValueError:
            return None
    try:
        return parsedate_to_datetime(s).date().isoformat()
    except (TypeError, ValueError, IndexError):
        return None


def quarantine(source: str, reason: str, message: str, data: bytes = b"",
               line: int | None = None) -> Quarantined:
    """Build a :class:`Quarantined` item for *data* (the offending raw bytes)."""
    log.info("quarantined %s%s: %s (%s)", source, f":{line}" if line else "", message, reason)
    return Quarantined(source=source, reason=reason, message=message, line=line,
                       raw_sha256=sha256_hex(data) if data else "",
                       sample=bytes(data[:SAMPLE_BYTES]), at=now_iso())


def binary_kind(data: bytes) -> str | None:
    """Name of the binary format *data* starts with (by magic number), or None."""
    for magic, name in _MAGIC:
        if data.startswith(magic):
            if magic == b"BZh" and not (len(data) > 3 and data[3:4].isdigit()):
                continue
            return name
    if data[:4] == b"RIFF" and data[8:12] in (b"WEBP", b"WAVE", b"AVI "):
        return {b"WEBP": "WebP image", b"WAVE": "WAV audio", b"AVI ": "AVI video"}[data[8:12]]
    if data[4:8] == b"ftyp":
        return "MP4/QuickTime media"
    if data[:2] == b"MZ" and b"\x00" in data[:64]:
        return "Windows executable"
    return None


def _bom(data: bytes) -> tuple[str, str] | None:
    for bom, _codec, name in _BOMS:
        if data.startswith(bom):
            return _codec, name
    return None


def _utf16_without_bom(sample: bytes) -> str | None:
    """Guess BOM-less UTF-16 from the pattern of NUL bytes (mostly-ASCII text only)."""
    if len(sample) < 8:
        return None
    n = len(sample) // 2
    even = sum(1 for b in sample[0:2 * n:2] if b == 0)
    odd = sum(1 for b in sample[1:2 * n:2] if b == 0)
    if odd >= 0.3 * n and even <= 0.02 * n:
        return "utf-16-le"
    if even >= 0.3 * n and odd <= 0.02 * n:
        return "utf-16-be"
    return None


def control_share(sample: bytes) -> float:
    """Share of control bytes (but tab, newlines, form feed, ESC) in *sample*."""
    if not sample:
        return 0.0
    bad = sum(1 for b in sample if (b < 32 and b not in _CTRL_OK) or b == 127)
    return bad / len(sample)


def _script(ch: str) -> str:
    try:
        return unicodedata.name(ch).split(" ", 1)[0]
    except ValueError:
        return "?"


_TOKEN = re.compile(r"\S+")


def implausibility(text: str) -> float:
    """Share of the non-ASCII characters of *text* that look like mojibake (0 = clean)."""
    total = sum(1 for ch in text if ord(ch) > 127)
    if not total:
        return 0.0
    bad = 0.0
    for m in _TOKEN.finditer(text):
        tok = m.group()
        if tok.isascii():
            continue
        letters = [ch for ch in tok if ch.isalpha()]
        scripts = {"LATIN" if ch.isascii() else _script(ch) for ch in letters}
        tok_bad = len(scripts) > 1
        if not tok_bad and scripts == {"LATIN"} and len(letters) >= 3:
            tok_bad = all(not ch.isascii() for ch in letters)  # "Ìîñêâà": cp1251 read as 1252
        if not tok_bad:
            for a, b in itertools.pairwise(letters):
                if a.islower() and b.isupper() and not (a.isascii() and b.isascii()):
                    tok_bad = True  # "мОСЛБЮ": case flips inside a word
                    break
        non_ascii = [ch for ch in tok if ord(ch) > 127]
        if tok_bad:
            bad += len(non_ascii)
            continue
        for i, ch in enumerate(tok):
            if ord(ch) <= 127:
                continue
            if ch.isalpha():
                bad += 0.3 if ch in _RARE_LETTERS else 0
                continue
            cat = unicodedata.category(ch)
            if cat[0] == "C":
                bad += 1  # C1 control (latin-1 of cp1252 bytes), private use, unassigned
            elif ch in _OK_NON_LETTERS or cat[0] in "NPZ" or cat == "Mn":
                if 0 < i < len(tok) - 1 and tok[i - 1].isalpha() and tok[i + 1].isalpha() \
                        and cat[0] != "P" and cat != "Mn":
                    bad += 1  # "Za¿ó³æ": a sign glued between letters
            else:
                bad += 1 if 0 < i < len(tok) - 1 else 0.5  # other symbols: ¤ ¦ ¨ ¯ box drawing
    return bad / total


def _charset_normalizer_guess(sample: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    best = from_bytes(sample).best()
    if best is None or best.chaos > 0.2:
        return None
    return codecs.lookup(best.encoding).name


def _main_script(text: str) -> str:
    counts: dict[str, int] = {}
    for ch in text:
        if ord(ch) > 127 and ch.isalpha():
            s = _script(ch)
            counts[s] = counts.get(s, 0) + 1
    return max(counts, key=lambda k: counts[k]) if counts else "LATIN"


def guess_legacy(data: bytes, *, max_bad: float = 0.08) -> str | None:
    """Best legacy single-byte encoding for *data* (not valid UTF-8), or None if none fits."""
    sample = data[:_SNIFF_BYTES]
    plausible: list[tuple[float, int, str, str]] = []  # (badness, rank, codec, script)
    seen: set[str] = set()
    for rank, enc in enumerate(_LEGACY):
        try:
            text = sample.decode(enc)
        except UnicodeDecodeError:
            continue
        if text in seen:
            continue  # identical reading as a more common code page
        seen.add(text)
        bad = implausibility(text)
        if bad <= max_bad:
            plausible.append((bad, rank, enc, _main_script(text)))
    if not plausible:
        return None
    plausible.sort()
    best = plausible[0]
    if len(plausible) > 1:
        cn = _charset_normalizer_guess(sample)
        for cand in plausible:
            if cn is not None and codecs.lookup(cand[2]).name == cn and cand[3] != best[3]:
                best = cand  # another script, backed by charset-normalizer's language model
                break
    enc = best[2]
    if enc == "cp1252" and not any(0x80 <= b <= 0x9F for b in data):
        return "iso-8859-1"
    return enc


_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)"""
    rb"""|<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""",
    re.IGNORECASE,
)


def declared_charset(data: bytes) -> str | None:
    """Charset declared in an HTML ``<meta>`` or XML declaration near the start, if known."""
    m = _META_CHARSET.search(data[:4096])
    if not m:
        return None
    name = (m.group(1) or m.group(2)).decode("ascii", "replace")
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def check_not_binary(data: bytes) -> tuple[str, str] | None:
    """Raise ``InputError("empty" | "binary")`` for unusable bytes (only the start is read).

    Returns ``(codec, name)`` of a UTF-16/32 encoding shown by a BOM or by the NUL pattern.
    """
    if not data.strip():
        raise InputError("empty", "file is empty (or only whitespace): nothing to ingest")
    kind = binary_kind(data)
    if kind:
        raise InputError("binary", f"binary file ({kind}), not text: skipped")
    bom = _bom(data)
    if bom is None and b"\x00" in data[:_SNIFF_BYTES]:
        utf16 = _utf16_without_bom(data[:_SNIFF_BYTES])
        if utf16 is None:
            raise InputError("binary", "binary file (contains NUL bytes), not text: skipped")
        bom = (utf16, utf16)
    if bom is None:
        _check_controls(data[:_SNIFF_BYTES])
    return bom


def decode_bytes(data: bytes, *, declared: str | None = None) -> tuple[str, str]:
    """Decode *data* to text; returns ``(text, encoding name)``.

    *declared* is an encoding the container declares (HTML meta charset, HTTP header); it is
    tried after UTF-8 and before guessing. Text that is UTF-8 but for a few stray bytes is
    decoded with U+FFFD replacements and reported as ``"utf-8-lossy"``. Raises
    :class:`InputError` with reason ``"empty"``, ``"binary"`` or ``"undecodable"``.
    """
    bom = check_not_binary(data)
    if bom is not None:
        codec, name = bom
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            raise InputError("undecodable", f"starts like {name} but is not valid {name}; "
                             "re-save the file as UTF-8") from None
        text = text.removeprefix("\ufeff")
        if not text.strip():
            raise InputError("empty", "file holds only a byte-order mark or whitespace: "
                             "nothing to ingest")
        _check_controls(text.encode("utf-8", "replace")[:_SNIFF_BYTES])
        return text, name
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    lossy = _mostly_utf8(data)
    if lossy is not None:
        return lossy, "utf-8-lossy"
    tried: list[str] = []
    if declared and declared not in ("utf-8", "utf_8"):
        try:
            text = data.decode(declared)
            if implausibility(text[:_SNIFF_BYTES]) <= 0.2:
                return text, declared
            tried.append(declared)
        except (UnicodeDecodeError, LookupError):
            tried.append(declared)
    enc = guess_legacy(data)
    if enc is None:
        extra = f" (declared {tried[0]} does not fit either)" if tried else ""
        raise InputError("undecodable", "not valid UTF-8 and no legacy encoding fits"
                         f"{extra}; re-save the file as UTF-8")
    log.debug("decoded as legacy encoding %s", enc)
    return data.decode(enc), enc


def _mostly_utf8(data: bytes) -> str | None:
    """UTF-8 text with a few stray invalid bytes (common on the web), replaced by U+FFFD.

    Accepted when valid multi-byte sequences outnumber the invalid bytes 20 to 1.
    """
    text = data.decode("utf-8", "replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode())
    good = sum(1 for ch in text if ord(ch) > 127) - bad - data.count("\ufffd".encode())
    if bad > 0 and good >= 20 * bad:
        log.warning("%d invalid UTF-8 byte sequence(s) replaced by U+FFFD", bad)
        return text
    return None


def _check_controls(sample: bytes) -> None:
    share = control_share(sample)
    if share > 0.1:
        raise InputError("binary", f"binary file ({share:.0%} control characters), "
                         "not text: skipped")
