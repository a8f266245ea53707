"""Safe JSON records and clean strings: the checks every record passes before it is used.

* :func:`load_record` parses one JSON text with the active :mod:`~storyline.ingest.limits`:
  nesting depth, digits per number and non-finite numbers are checked, and a record over a
  limit raises :class:`~storyline.errors.InputError` (``"too-deep"``,
  ``"number-too-large"``) instead of a ``RecursionError`` or ``ValueError`` deep in a reader.
* :func:`repair_text` makes a string storable: lone UTF-16 surrogates (``"\\ud800"`` escapes)
  become U+FFFD, NUL and other C0 controls (but tab and newlines) go, noncharacters U+FFFE and
  U+FFFF go. :func:`repair_value` does the same through a JSON value (keys included) and
  names the repaired fields, so a record is repaired field by field instead of failing whole.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from storyline.errors import InputError
from storyline.ingest.limits import Limits, advice, limits

_SURROGATE = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


class _TooBig(ValueError):
    pass


def repair_text(s: str) -> str:
    """*s* with lone surrogates replaced (U+FFFD) and control characters removed."""
    if _BAD.search(s) is None:
        return s
    s = _SURROGATE.sub("\ufffd", s)
    return _CONTROL.sub(lambda m: "\n" if m.group() in "\x0b\x0c" else "", s)


def needs_repair(s: str) -> bool:
    return _BAD.search(s) is not None


def repair_value(value: Any, path: str = "", repaired: list[str] | None = None) -> Any:
    """A copy of JSON *value* whose strings (and keys) are repaired; *repaired* collects the
    paths of the fields that changed (``"title"``, ``"extra.tags[2]"``)."""
    if isinstance(value, str):
        if needs_repair(value):
            if repaired is not None:
                repaired.append(path or "value")
            return repair_text(value)
        return value
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for k, v in value.items():
            key = str(k)
            if needs_repair(key):
                if repaired is not None:
                    repaired.append(f"{path}.{key!a}" if path else f"key {key!a}")
                key = repair_text(key)
            out[key] = repair_value(v, f"{path}.{key}" if path else key, repaired)
        return out
    if isinstance(value, list):
        return [repair_value(v, f"{path}[{i}]", repaired) for i, v in enumerate(value)]
    return value


def _depth_ok(value: Any, max_depth: int) -> bool:
    """True when *value* nests at most *max_depth* containers (iterative: no recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        v, d = stack.pop()
        if isinstance(v, dict):
            children: Any = v.values()
        elif isinstance(v, list):
            children = v
        else:
            continue
        if d > max_depth:
            return False
        stack.extend((c, d + 1) for c in children if isinstance(c, dict | list))
    return True


def _number_hooks(lim: Limits) -> dict[str, Any]:
    digits = lim.max_number_digits

    def parse_int(s: str) -> int:
        if len(s) > digits + 1:  # + a sign
            raise _TooBig(f"a number with {len(s.lstrip('-'))} digits")
        return int(s)

    def parse_float(s: str) -> float | None:
        if len(s) > digits + 8:  # digits, sign, point and exponent
            raise _TooBig(f"a number written with {len(s)} characters")
        f = float(s)
        return f if math.isfinite(f) else None  # 1e400: no usable value

    def parse_constant(s: str) -> None:
        return None  # NaN, Infinity: not JSON; kept as null

    return {"parse_int": parse_int, "parse_float": parse_float, "parse_constant": parse_constant}


def load_record(text: str, where: str, lim: Limits | None = None) -> Any:
    """``json.loads(text)`` within the limits; raises :class:`InputError` on bad JSON too.

    *where* names the record in messages (``"line 5"``).
    """
    lim = lim or limits()
    try:
        obj = json.loads(text, **_number_hooks(lim))
    except json.JSONDecodeError as err:
        raise InputError(
            "bad-json",
            f"{where} is not valid JSON ({err.msg} at column {err.colno}); fix or remove it",
        ) from None
    except RecursionError:
        raise InputError(
            "too-deep",
            f"{where} nests JSON objects/arrays deeper than Python can parse (limit "
            f"max_depth={lim.max_depth}); {advice('max_depth', 'flatten the record')}",
        ) from None
    except _TooBig as err:
        raise InputError(
            "number-too-large",
            f"{where} holds {err} (limit max_number_digits={lim.max_number_digits}); "
            f"{advice('max_number_digits', 'write the number as a string')}",
        ) from None
    except ValueError as err:  # e.g. int() refusing a huge number with a smaller sys limit
        raise InputError("bad-json", f"{where} cannot be read as JSON ({err})") from None
    check_depth(obj, where, lim)
    return obj


def check_depth(obj: Any, where: str, lim: Limits | None = None) -> None:
    """Raise ``InputError("too-deep")`` when *obj* nests deeper than ``max_depth``."""
    lim = lim or limits()
    if not _depth_ok(obj, lim.max_depth):
        raise InputError(
            "too-deep",
            f"{where} nests JSON objects/arrays more than {lim.max_depth} deep; "
            f"{advice('max_depth', 'flatten the record')}",
        )
