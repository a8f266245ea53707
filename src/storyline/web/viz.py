"""Geometry for the inline SVG pictures: activity sparklines and the story timeline axis.

Everything is computed here in plain numbers; the templates only draw rectangles and
circles, so the pictures need no JavaScript and no external library.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from storyline.cluster.features import day_number
from storyline.model import TimelineEntry

logger = logging.getLogger(__name__)

UNIT_DAYS = {"day": 1, "week": 7, "month": 30}
MIN_BINS = 7  # activity charts show at least this many bins


@dataclass
class Bar:
    x: float
    y: float
    w: float
    h: float
    label: str  # tooltip: "week of 2024-10-21: 3 articles"


@dataclass
class Sparkline:
    bars: list[Bar]
    width: int
    height: int
    unit: str  # "day" | "week" | "month"
    dated: int  # articles with a date
    undated: int

    @property
    def label(self) -> str:
        extra = f", {self.undated} undated" if self.undated else ""
        return f"{self.dated} articles per {self.unit}{extra}"


def _iso(day: int) -> str:
    return dt.date.fromordinal(day).isoformat()


def _binned(days: Counter[int], max_bins: int) -> tuple[int, str, Counter[int]]:
    """(first day, unit, counts per bin): days, weeks or months, whichever keeps at most
    *max_bins* bins. *days* maps a day number to a count."""
    lo, hi = min(days), max(days)
    span = hi - lo + 1
    unit = next(
        (u for u, n in UNIT_DAYS.items() if math.ceil(span / n) <= max_bins), "month"
    )
    step = UNIT_DAYS[unit]
    if unit == "week":
        lo -= dt.date.fromordinal(lo).weekday()  # weeks start on Monday
    bins: Counter[int] = Counter()
    for d, n in days.items():
        bins[(d - lo) // step] += n
    return lo, unit, bins


def sparkline(
    dates: Iterable[str | None], *, width: int = 120, height: int = 24, max_bins: int = 40
) -> Sparkline | None:
    """Articles per day (or week, or month: whichever keeps at most *max_bins* bars)."""
    days: list[int] = []
    undated = 0
    for value in dates:
        d = day_number(value)
        if d is None:
            undated += 1
        else:
            days.append(d)
    if not days:
        return None
    lo, unit, bins = _binned(Counter(days), max_bins)
    step = UNIT_DAYS[unit]
    nbins = max(bins) + 1
    top = max(bins.values())
    w = width / max(nbins, 1)
    bars = []
    for i in range(nbins):
        n = bins.get(i, 0)
        if not n:
            continue
        h = max(2.0, (height - 2) * n / top)
        start = _iso(lo + i * step)
        when = {"day": start, "week": f"week of {start}", "month": f"30 days from {start}"}[unit]
        label = f"{when}: {n} article" + ("" if n == 1 else "s")
        bars.append(Bar(round(i * w, 2), round(height - h, 2), round(max(w - 1, 1), 2),
                        round(h, 2), label))
    return Sparkline(bars, width, height, unit, len(days), undated)


@dataclass
class AxisPoint:
    event_id: str
    title: str
    date: str | None
    estimated: bool
    articles: int
    x: float = 0.0
    y: float = 0.0
    r: float = 4.0


@dataclass
class Tick:
    x: float
    label: str


@dataclass
class Axis:
    points: list[AxisPoint]
    ticks: list[Tick]
    undated: list[AxisPoint]
    width: int
    height: int
    baseline: float
    first: str
    last: str
    rows: int = 1


def _ticks(lo: int, hi: int, x_of: Callable[[int], float], max_ticks: int = 8) -> list[Tick]:
    """Month starts (or years, or days for short spans) inside [lo, hi]."""
    first, last = dt.date.fromordinal(lo), dt.date.fromordinal(hi)
    span = hi - lo
    marks: list[tuple[int, str]] = []
    if span <= 21:
        step = max(1, math.ceil(span / max_ticks))
        marks = [(d, dt.date.fromordinal(d).strftime("%d %b")) for d in range(lo, hi + 1, step)]
    elif span <= 3 * 365:
        y, m = first.year, first.month
        while True:
            m += 1
            if m > 12:
                y, m = y + 1, 1
            day = dt.date(y, m, 1)
            if day > last:
                break
            label = day.strftime("%b %Y") if m == 1 or not marks else day.strftime("%b")
            marks.append((day.toordinal(), label))
        stride = max(1, math.ceil(len(marks) / max_ticks))
        marks = marks[::stride]
    else:
        years = range(first.year + 1, last.year + 1)
        stride = max(1, math.ceil(len(years) / max_ticks))
        marks = [(dt.date(y, 1, 1).toordinal(), str(y)) for y in years[::stride]]
    return [Tick(round(x_of(d), 1), label) for d, label in marks]


def timeline_axis(entries: list[TimelineEntry], *, width: int = 1000) -> Axis | None:
    """Events placed by date on a horizontal axis; dots that would overlap go up a row."""
    dated: list[tuple[int, AxisPoint]] = []
    undated: list[AxisPoint] = []
    most = max((len(t.articles) for t in entries), default=1) or 1
    for t in entries:
        p = AxisPoint(t.event.id, t.event.title, t.date, t.is_estimate, len(t.articles))
        p.r = round(4 + 6 * math.sqrt(p.articles / most), 1)
        d = day_number(t.date)
        if d is None:
            undated.append(p)
        else:
            dated.append((d, p))
    if not dated:
        return None
    lo, hi = min(d for d, _ in dated), max(d for d, _ in dated)
    if hi - lo < 6:  # a single day or a few: give the axis some width
        lo, hi = lo - 3, hi + 3
    pad = 24.0

    def x_of(day: int) -> float:
        return pad + (day - lo) / (hi - lo) * (width - 2 * pad)

    row_ends: list[float] = []
    placed: list[tuple[AxisPoint, int]] = []
    for day, p in sorted(dated, key=lambda dp: dp[0]):
        p.x = round(x_of(day), 1)
        row = next((i for i, end in enumerate(row_ends) if p.x - p.r > end + 2), None)
        if row is None:
            row_ends.append(p.x + p.r)
            row = len(row_ends) - 1
        else:
            row_ends[row] = p.x + p.r
        placed.append((p, row))
    rows = len(row_ends)
    row_h = 22.0
    baseline = 14 + rows * row_h
    for p, row in placed:
        p.y = round(baseline - 12 - row * row_h, 1)
    return Axis(
        points=[p for p, _ in placed],
        ticks=_ticks(lo, hi, x_of),
        undated=undated,
        width=width,
        height=int(baseline + 22),
        baseline=baseline,
        first=_iso(lo),
        last=_iso(hi),
        rows=rows,
    )


@dataclass
class Chart:
    """Bars over a dated axis with tick labels: an entity's activity over time."""

    bars: list[Bar]
    ticks: list[Tick]
    width: int
    height: int  # the whole picture, tick labels included
    baseline: float  # y of the axis
    left: float  # x where the plot starts (room for the count label)
    top: int  # the tallest bar's count
    unit: str
    total: int  # articles with a date
    undated: int
    first: str
    last: str

    @property
    def label(self) -> str:
        extra = f", {self.undated} undated" if self.undated else ""
        return (f"{self.total} dated articles from {self.first} to {self.last}, "
                f"counted per {self.unit}{extra}")


def activity_chart(
    counts: dict[str, int],
    *,
    undated: int = 0,
    width: int = 640,
    height: int = 120,
    max_bins: int = 60,
) -> Chart | None:
    """Articles per day, week or month from ``{date: articles}`` (None when none is dated).

    Months are 30-day bins from the first date, as in :func:`sparkline`; ticks mark calendar
    months (or days, or years) so the bars can be read against real dates.
    """
    days: Counter[int] = Counter()
    for value, n in counts.items():
        d = day_number(value)
        if d is None or n <= 0:
            undated += max(n, 0)
        else:
            days[d] += n
    if not days:
        return None
    lo, unit, bins = _binned(days, max_bins)
    step = UNIT_DAYS[unit]
    nbins = max(bins) + 1
    if nbins < MIN_BINS:  # a few bins: centre them on a wider axis
        pad = (MIN_BINS - nbins) // 2
        bins = Counter({i + pad: n for i, n in bins.items()})
        lo -= pad * step
        nbins = MIN_BINS
    left, right, axis_h = 28.0, 8.0, 22.0
    baseline = height - axis_h
    plot_w = width - left - right
    w = plot_w / nbins
    top = max(bins.values())

    def x_of(day: int) -> float:  # the middle of the day
        return left + (day - lo + 0.5) / (nbins * step) * plot_w

    bars = []
    for i in sorted(bins):
        n = bins[i]
        h = max(2.0, (baseline - 6) * n / top)
        start = _iso(lo + i * step)
        when = {"day": start, "week": f"week of {start}", "month": f"30 days from {start}"}[unit]
        bars.append(Bar(round(left + i * w, 2), round(baseline - h, 2), round(max(w - 1, 1), 2),
                        round(h, 2), f"{when}: {n} article" + ("" if n == 1 else "s")))
    hi = lo + nbins * step - 1
    return Chart(
        bars=bars,
        ticks=_ticks(lo, hi, x_of, max_ticks=6),
        width=width,
        height=height,
        baseline=baseline,
        left=left,
        top=top,
        unit=unit,
        total=sum(days.values()),
        undated=undated,
        first=_iso(min(days)),
        last=_iso(max(days)),
    )
