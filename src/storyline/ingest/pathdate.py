"""A date in a file's path: ``…/<topic>/2017-03-21/<name>.txt`` archives date their files.

Many collections file articles under a folder per day (``ml-crisis/es/syria/2017-03-21/``,
``2020/03/24/``) or name them after it (``2020-03-24_report.txt``). When a document gives no
date of its own, that date is used and marked as coming from the path, with a confidence
below that of a date the document states: a folder date is usually the publication day, but
can be the day of collection.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import PurePath

__all__ = ["PATH_DATE_CONFIDENCE", "path_date"]

PATH_DATE_CONFIDENCE = 0.8
_DAY_DIR = re.compile(r"((?:19|20)\d\d)[-_.]?(\d\d)[-_.]?(\d\d)")
_NAME_START = re.compile(r"^((?:19|20)\d\d)-(\d\d)-(\d\d)(?!\d)")


def _valid(y: str, m: str, d: str) -> str | None:
    try:
        day = dt.date(int(y), int(m), int(d))
    except ValueError:
        return None
    return day.isoformat() if day <= dt.date.today() + dt.timedelta(days=2) else None


def path_date(path: str) -> tuple[str, str] | None:
    """(ISO date, the part of the path that gave it), or None.

    A folder named after a day (``2017-03-21``, ``20170321``), three folders ``2017/03/21``,
    or a file name that starts with ``YYYY-MM-DD``. The deepest match wins.
    """
    parts = PurePath(path).parts
    for i in range(len(parts) - 1, -1, -1):
        part = parts[i]
        if i == len(parts) - 1:  # the file itself: only a name that starts with a date
            m = _NAME_START.match(part)
            if m and (v := _valid(*m.groups())):
                return v, part
            continue
        m = _DAY_DIR.fullmatch(part)
        if m and (v := _valid(*m.groups())):
            return v, part + "/"
        if i >= 2 and re.fullmatch(r"\d\d", part) and re.fullmatch(r"\d\d", parts[i - 1]) and (
            re.fullmatch(r"(?:19|20)\d\d", parts[i - 2])
        ):
            v = _valid(parts[i - 2], parts[i - 1], part)
            if v:
                return v, "/".join(parts[i - 2 : i + 1]) + "/"
    return None
