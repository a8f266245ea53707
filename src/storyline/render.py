"""Plain-text and JSON renderings of stories, events and articles for the CLI."""

from __future__ import annotations

import dataclasses
import unicodedata
from typing import Any

import click

from storyline.model import Article, Event, JoinReason, MergeLogEntry, Story, TimelineEntry
from storyline.summary import Cited, Summary


def _width(s: str) -> int:
    w = 0
    for ch in s:
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            continue
        w += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return w


def _clip(s: str, n: int) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[: n - 1] + "…"


def echo_table(header: list[str], rows: list[list[str]], max_last: int = 70) -> None:
    if not rows:
        click.echo("(nothing)")
        return
    rows = [[*r[:-1], _clip(r[-1], max_last)] for r in rows]
    widths = [max(_width(str(c)) for c in col) for col in zip(header, *rows, strict=False)]
    for r in [header, *rows]:
        cells = [str(c) + " " * (w - _width(str(c))) for c, w in zip(r, widths, strict=False)]
        click.echo("  ".join(cells).rstrip())


def story_dict(s: Story) -> dict[str, Any]:
    d = dataclasses.asdict(s)
    d.pop("keys", None)
    d.pop("alive", None)
    return d


def event_dict(e: Event) -> dict[str, Any]:
    d = dataclasses.asdict(e)
    d.pop("keys", None)
    d.pop("alive", None)
    return d


def article_dict(a: Article, *, brief: bool = False) -> dict[str, Any]:
    d = dataclasses.asdict(a)
    d.pop("minhash", None)
    d["extra"] = {k: v for k, v in a.extra.items() if not k.startswith("_")}
    if brief:
        for k in ("text", "raw_text", "removed", "times", "keys"):
            d.pop(k, None)
    return d


def timeline_dict(t: TimelineEntry) -> dict[str, Any]:
    return {
        "event_id": t.event.id,
        "title": t.event.title,
        "date": t.date,
        "date_is_estimate": t.is_estimate,
        "languages": t.event.languages,
        "articles": [
            {
                "id": a.id,
                "doc_id": a.doc_id,
                "title": a.title,
                "lang": a.lang.lang if a.lang else None,
                "source": a.source_name,
                "dup_of": a.dup_of,
            }
            for a in t.articles
        ],
    }


def _cite(c: Cited) -> str:
    return f"[{c.lang}] {' '.join(c.text.split())}  ({c.article_id}:{c.start}-{c.end})"


def print_summary(summary: Summary) -> None:
    """A summary as text: each sentence as written, its language and its citation."""
    if not summary.sentences:
        click.echo("Summary: (no sentence long enough to quote)")
        return
    click.secho("Summary", bold=True)
    if summary.paragraphs:
        for p in summary.paragraphs:
            mark = "~" if p.date_is_estimate and p.date else ""
            click.echo(f"  {mark}{p.date or 'undated'}  {p.event_id}")
            for c in p.sentences:
                click.echo(f"    {_cite(c)}")
    else:
        for c in summary.sentences:
            click.echo(f"  {_cite(c)}")
    click.echo("")


def print_timeline(s: Story, tl: list[TimelineEntry], summary: Summary | None = None) -> None:
    langs = ", ".join(f"{k}:{v}" for k, v in sorted(s.languages.items()))
    click.secho(f"{s.id}  {s.title}", bold=True)
    click.echo(f"{len(tl)} events · {s.first_date or '?'} … {s.last_date or '?'} · {langs}")
    click.echo("")
    if summary is not None:
        print_summary(summary)
    for t in tl:
        date = t.date or "undated"
        mark = "~" if t.is_estimate and t.date else " "
        click.echo(f"{mark}{date:<10}  {t.event.id}  {t.event.title}")
        for a in t.articles:
            lang = a.lang.lang if a.lang else "?"
            dup = f"  (copy of {a.dup_of})" if a.dup_of else ""
            click.echo(f"{'':13}[{lang}] {_clip(a.title, 80)} — {a.source_name or a.doc_id}{dup}")
    if any(t.is_estimate for t in tl):
        click.echo("\n~ estimated date (from the articles' text, not given by the input)")


def print_event(
    e: Event, arts: list[Article], why: list[JoinReason], log: list[MergeLogEntry]
) -> None:
    click.secho(f"{e.id}  {e.title}", bold=True)
    click.echo(
        f"date {e.date or '?'} ({e.first_date or '?'} … {e.last_date or '?'}) · "
        f"story {e.story_id or '-'} · {len(e.article_ids)} articles"
    )
    reasons = {j.article_id: j for j in why}
    for a in arts:
        j = reasons.get(a.id)
        lang = a.lang.lang if a.lang else "?"
        click.echo(f"  {a.id} [{lang}] {_clip(a.title, 70)}")
        if j is None:
            continue
        if j.new_event:
            click.echo("      founded the event")
        else:
            gap = "?" if j.time_gap_days is None else f"{j.time_gap_days:.0f}d"
            click.echo(
                f"      joined: average score {j.score:.3f} with the event's articles "
                f"(threshold {j.detail.get('threshold', '?')}), time gap {gap}"
            )
        terms = j.detail.get("terms")
        if terms:
            shown = ", ".join(f"{k.replace('_', ' ')} {v:+.3f}" for k, v in terms.items())
            click.echo(f"      closest {j.detail.get('closest')}: {shown}")
    for m in log:
        click.echo(f"  log #{m.seq} {m.at} {m.kind}: {','.join(m.sources)} → {m.target}")


def print_article(a: Article, *, times_note: str = "") -> None:
    click.secho(a.title, bold=True)
    click.echo(
        f"id {a.id} · input {a.doc_id} · {a.provenance.source}"
        + (f":{a.provenance.line}" if a.provenance.line else "")
    )
    if a.lang:
        mixed = " (mixed)" if a.lang.mixed else ""
        click.echo(f"language {a.lang.lang} ({a.lang.confidence:.2f}){mixed}")
    if a.date:
        kind = "estimate" if a.date.is_estimate else "given"
        click.echo(
            f"date {a.date.value or 'unknown'} [{kind}, {a.date.granularity}, "
            f"{a.date.confidence:.2f}] — {a.date.evidence}"
        )
    click.echo(
        f"event {a.event_id or '-'} · story {a.story_id or '-'}"
        + (f" · copy of {a.dup_of}" if a.dup_of else "")
    )
    rel = [t for t in a.times if t.relative]
    if rel:
        click.echo(f"time expressions ({times_note})" if times_note else "time expressions:")
        for t in rel[:12]:
            click.echo(f"  - {_clip(t.text, 40)} → {t.value or 'unresolved'}")
    rep = a.extra.get("text_repair")
    if rep:
        click.echo(f"repaired {rep['lines']} lines ({', '.join(rep['fixes'])}), e.g.:")
        for before, after in rep.get("examples", [])[:3]:
            click.echo(f"  - {_clip(before, 60)!r} → {_clip(after, 60)!r}")
    if a.removed:
        click.echo(f"removed {len(a.removed)} boilerplate lines:")
        for r in a.removed:
            click.echo(f"  - [{r.rule}] {_clip(r.text, 80)}")
    click.echo("")
    click.echo(a.text)
