"""Commands to ingest and to browse stories, events and articles."""

from __future__ import annotations

import json
import sys

import click

from storyline.annotate import article_entities
from storyline.cli.base import Ctx, _errors, _json, cli
from storyline.cli.live import fetch_options, make_fetcher
from storyline.ingest.report import IngestReport
from storyline.render import (
    article_dict,
    echo_table,
    event_dict,
    print_article,
    print_event,
    print_summary,
    print_timeline,
    story_dict,
    timeline_dict,
)
from storyline.timeanchor import anchored_times


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: on a TTY).")
@click.option(
    "--workers",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="Threads that prepare the next batches (clean, detect, embed) while the current one "
    "is clustered and written; 0 = one step after another.",
)
@click.option(
    "--limit",
    "limit_pairs",
    multiple=True,
    metavar="NAME=N",
    help="Raise or lower an input limit for this run (repeatable), e.g. max_text_chars=800000. "
    "Names: max_line_bytes, max_record_bytes, max_doc_bytes, max_html_bytes, "
    "max_decompressed_bytes, max_text_chars, max_depth, max_number_digits.",
)
@fetch_options
@click.pass_obj
def ingest(
    obj: Ctx, paths: tuple[str, ...], as_json: bool, progress: bool | None, workers: int,
    limit_pairs: tuple[str, ...], allow_private: bool, timeout: float, rate: float,
    max_redirects: int, feed_text: bool,
) -> None:
    """Ingest files, folders, JSON Lines, HTML, RSS/Atom, WARC, '-' for stdin, or http(s)
    URLs of web pages and feeds.

    Bad inputs (and records over a limit) are reported and kept in the quarantine table with
    their reason; the batch goes on. Running the same ingest again adds nothing; after an
    interruption it completes what is missing.

    \b
    A URL is fetched politely: robots.txt respected, one request per host per --rate seconds,
    timeouts and the size limits, at most --max-redirects redirects. Addresses on this
    machine or a private network are refused unless --allow-private. A feed's items are
    fetched from their pages (--feed-text: the feed's own text). Pages already in the store
    are not fetched again; `storyline follow` polls feeds.
    """
    from storyline.ingest import count_inputs
    from storyline.ingest.limits import parse_limits, using_limits
    from storyline.live import ingest_urls, is_url

    urls = [p for p in paths if is_url(p)]
    paths = tuple(p for p in paths if not is_url(p))
    with _errors(), using_limits(parse_limits(limit_pairs)):
        sl = obj.sl
        if not paths:
            report = IngestReport()
        elif paths == ("-",):
            report = sl.ingest_stream(sys.stdin.buffer, workers=workers)
        else:
            show = progress if progress is not None else sys.stderr.isatty()
            total = count_inputs(paths) if show else None
            with click.progressbar(
                length=total or 0,
                label="ingesting",
                file=sys.stderr,
                show_pos=True,
                hidden=not show,
            ) as bar:
                report = sl.ingest(list(paths), progress=bar.update, workers=workers)
        if urls:
            fetcher = make_fetcher(allow_private, timeout, rate, max_redirects)
            fetched = ingest_urls(sl, urls, fetcher=fetcher, pages=not feed_text,
                                  workers=workers)
            report.add(fetched)
            report.seconds += fetched.seconds
    if as_json:
        _json(report.as_dict())
        return
    for q in report.problems:
        where = f"{q.source}:{q.line}" if q.line else q.source
        click.echo(f"quarantined {where}: {q.reason}: {q.message}", err=True)
    rate = report.accepted / report.seconds if report.seconds else 0.0
    click.echo(
        f"{report.accepted} accepted, {report.duplicates} duplicate, "
        f"{report.near_duplicates} near-duplicate, {report.quarantined} quarantined "
        f"({report.read} read in {report.seconds:.1f}s, {rate:.1f} articles/s); "
        f"{report.new_events} new events, {report.new_stories} new stories, {report.merges} merges"
    )


@cli.command()
@click.option("--lang", help="Only stories with articles in this language.")
@click.option(
    "--sort",
    type=click.Choice(["default", "latest", "size", "span"]),
    default="default",
    show_default=True,
    help="default: stories of 2+ articles first, by latest activity; size: most articles; "
    "span: longest running; latest: latest activity.",
)
@click.option(
    "--min-articles",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Hide smaller stories (2 hides one-article stories).",
)
@click.option("--hide-single", is_flag=True, help="Same as --min-articles 2.")
@click.option("--limit", type=int, default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def stories(
    obj: Ctx,
    lang: str | None,
    sort: str,
    min_articles: int,
    hide_single: bool,
    limit: int,
    as_json: bool,
) -> None:
    """List storylines (by default: those of two or more articles first, newest activity first)."""
    with _errors():
        items = obj.sl.stories(
            lang=lang, sort=sort, min_articles=max(min_articles, 2 if hide_single else 1)
        )[:limit]
    if as_json:
        _json([story_dict(s) for s in items])
        return
    echo_table(
        ["story", "articles", "events", "span", "languages", "title"],
        [
            [
                s.id,
                str(sum(s.languages.values())),
                str(len(s.event_ids)),
                f"{s.first_date or '?'} … {s.last_date or '?'}",
                ",".join(sorted(s.languages)),
                s.title,
            ]
            for s in items
        ],
    )


LANG_HELP = "Prefer summary sentences in this language (ISO code) when they say the same."


@cli.command()
@click.argument("story_id")
@click.option("--lang", default=None, help=LANG_HELP)
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def story(obj: Ctx, story_id: str, lang: str | None, as_json: bool) -> None:
    """A storyline: its cited summary and dated timeline (estimated dates are marked ~)."""
    with _errors():
        s = obj.sl.story(story_id)
        tl = obj.sl.timeline(story_id)
        summary = obj.sl.summary(story_id, lang=lang)
    if as_json:
        _json(
            {
                **story_dict(s),
                "summary": summary.as_dict(),
                "timeline": [timeline_dict(t) for t in tl],
            }
        )
        return
    print_timeline(s, tl, summary)


@cli.command("summary")
@click.argument("ref")
@click.option("--lang", default=None, help=LANG_HELP)
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def summary_cmd(obj: Ctx, ref: str, lang: str | None, as_json: bool) -> None:
    """The cited summary of an event or a story (REF: an event or story id).

    Every sentence is quoted as written in its article, with its language and its citation
    (article id and character offsets into the article's cleaned text).
    """
    with _errors():
        summary = obj.sl.summary(ref, lang=lang)
    if as_json:
        _json(summary.as_dict())
        return
    print_summary(summary)


@cli.command()
@click.option("--story", "story_id", help="Only events of this story.")
@click.option("--limit", type=int, default=100, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def events(obj: Ctx, story_id: str | None, limit: int, as_json: bool) -> None:
    """List events, newest first."""
    with _errors():
        items = obj.sl.events(story_id=story_id)[:limit]
    if as_json:
        _json([event_dict(e) for e in items])
        return
    echo_table(
        ["event", "date", "articles", "languages", "story", "title"],
        [
            [
                e.id,
                e.date or "?",
                str(len(e.article_ids)),
                ",".join(sorted(e.languages)),
                e.story_id or "",
                e.title,
            ]
            for e in items
        ],
    )


@cli.command()
@click.argument("event_id")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def event(obj: Ctx, event_id: str, as_json: bool) -> None:
    """An event: its articles and why each one joined."""
    with _errors():
        e = obj.sl.event(event_id)
        arts = list(obj.sl.articles(event_id=event_id))
        why = obj.sl.explain(event_id)
        log = obj.sl.merge_log(event_id)
        summary = obj.sl.summary(event_id)
    if as_json:
        _json(
            {
                **event_dict(e),
                "summary": summary.as_dict(),
                "articles": [article_dict(a, brief=True) for a in arts],
                "why": [j.__dict__ for j in why],
                "merge_log": [m.__dict__ for m in log],
            }
        )
        return
    print_summary(summary)
    print_event(e, arts, why, log)


@cli.command()
@click.argument("event_id")
@click.argument("articles", nargs=-1, required=True)
@click.option("--reason", default="", help="Why (kept in the merge log).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def split(obj: Ctx, event_id: str, articles: tuple[str, ...], reason: str, as_json: bool) -> None:
    """Split ARTICLES (storyline or input ids) off EVENT_ID into a new event.

    A correction for a wrong grouping: the new event is linked into a story like any new
    event, and the split is recorded in the merge log (`storyline log EVENT_ID`).
    """
    with _errors():
        new = obj.sl.split_event(event_id, list(articles), reason=reason)
    if as_json:
        _json(event_dict(new))
        return
    click.echo(f"split {len(new.article_ids)} article(s) off {event_id} into {new.id}")


@cli.command()
@click.argument("ref")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def article(obj: Ctx, ref: str, as_json: bool) -> None:
    """An article (storyline id or input id): cleaned text, language, date with evidence,
    time expressions resolved, entities (with --json: id, name, type, forms, offsets)."""
    with _errors():
        a = obj.sl.article(ref)
        times, anchor = anchored_times(obj.sl.store, a)
        a.times = times
    if as_json:
        d = article_dict(a)
        d["times_anchor"] = {"value": anchor.value, "source": anchor.source, "note": anchor.note}
        d["entities"] = article_entities(obj.sl.store, a)
        _json(d)
        return
    print_article(a, times_note=anchor.note)


@cli.command()
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def quarantine(obj: Ctx, as_json: bool) -> None:
    """Inputs that were rejected, with their reasons."""
    with _errors():
        items = obj.sl.quarantine()
    if as_json:
        _json(
            [
                {
                    "source": q.source,
                    "line": q.line,
                    "reason": q.reason,
                    "message": q.message,
                    "at": q.at,
                }
                for q in items
            ]
        )
        return
    echo_table(
        ["source", "line", "reason", "message"],
        [[q.source, str(q.line or ""), q.reason, q.message] for q in items],
    )


@cli.command("log")
@click.argument("ref", required=False)
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def merge_log(obj: Ctx, ref: str | None, as_json: bool) -> None:
    """The merge log (event/story merges and splits), optionally for one id."""
    with _errors():
        items = obj.sl.merge_log(ref)
    if as_json:
        _json([m.__dict__ for m in items])
        return
    echo_table(
        ["seq", "at", "kind", "target", "sources", "detail"],
        [
            [
                str(m.seq),
                m.at,
                m.kind,
                m.target,
                ",".join(m.sources),
                json.dumps(m.detail, ensure_ascii=False),
            ]
            for m in items
        ],
    )
