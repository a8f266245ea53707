"""The ``storyline`` command line: a thin layer that parses options and calls the library."""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from storyline import __version__
from storyline.api import Storyline
from storyline.errors import StorylineError
from storyline.render import (
    article_dict,
    echo_table,
    event_dict,
    print_article,
    print_event,
    print_timeline,
    story_dict,
    timeline_dict,
)

DEFAULT_DB = "storyline.db"


class Ctx:
    def __init__(self, db: str, encoder: str) -> None:
        self.db, self.encoder = db, encoder
        self._sl: Storyline | None = None

    @property
    def sl(self) -> Storyline:
        if self._sl is None:
            from storyline.api import open as open_sl

            self._sl = open_sl(self.db, encoder=self.encoder)
        return self._sl


def _json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


@contextmanager
def _errors() -> Iterator[None]:
    try:
        yield
    except StorylineError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--db",
    default=lambda: os.environ.get("STORYLINE_DB", DEFAULT_DB),
    show_default=f"$STORYLINE_DB or ./{DEFAULT_DB}",
    help="SQLite store file.",
)
@click.option(
    "--encoder",
    default="e5",
    show_default=True,
    help="Text encoder: e5 (multilingual, bundled) or hashing (no model).",
)
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.version_option(__version__)
@click.pass_context
def cli(ctx: click.Context, db: str, encoder: str, verbose: int) -> None:
    """storyline: multilingual news story tracker.

    Ingest raw articles in any language, then browse the events they report, the storylines
    those events form and their dated timelines.

    \b
    Examples:
      storyline ingest articles/ feed.jsonl page.html
      storyline stories
      storyline story s000001
      storyline export --format csv -o out.csv
    """
    level = [logging.WARNING, logging.INFO, logging.DEBUG][min(verbose, 2)]
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    ctx.obj = Ctx(db, encoder)
    ctx.call_on_close(lambda: ctx.obj._sl.close() if ctx.obj._sl else None)


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--progress/--no-progress", default=None, help="Progress bar (default: on a TTY).")
@click.pass_obj
def ingest(obj: Ctx, paths: tuple[str, ...], as_json: bool, progress: bool | None) -> None:
    """Ingest files, folders, JSON Lines, HTML, RSS/Atom, WARC, or '-' for stdin.

    Bad inputs are reported and kept in the quarantine table; the batch goes on. Running the
    same ingest again adds nothing; after an interruption it completes what is missing.
    """
    from storyline.ingest import count_inputs

    with _errors():
        sl = obj.sl
        if paths == ("-",):
            report = sl.ingest_stream(sys.stdin.buffer)
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
                report = sl.ingest(list(paths), progress=bar.update)
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
@click.option("--limit", type=int, default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def stories(obj: Ctx, lang: str | None, limit: int, as_json: bool) -> None:
    """List storylines, newest activity first."""
    with _errors():
        items = obj.sl.stories(lang=lang)[:limit]
    if as_json:
        _json([story_dict(s) for s in items])
        return
    echo_table(
        ["story", "events", "span", "languages", "title"],
        [
            [
                s.id,
                str(len(s.event_ids)),
                f"{s.first_date or '?'} … {s.last_date or '?'}",
                ",".join(sorted(s.languages)),
                s.title,
            ]
            for s in items
        ],
    )


@cli.command()
@click.argument("story_id")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def story(obj: Ctx, story_id: str, as_json: bool) -> None:
    """A storyline's dated timeline of events (estimated dates are marked ~)."""
    with _errors():
        s = obj.sl.story(story_id)
        tl = obj.sl.timeline(story_id)
    if as_json:
        _json({**story_dict(s), "timeline": [timeline_dict(t) for t in tl]})
        return
    print_timeline(s, tl)


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
    if as_json:
        _json(
            {
                **event_dict(e),
                "articles": [article_dict(a, brief=True) for a in arts],
                "why": [j.__dict__ for j in why],
                "merge_log": [m.__dict__ for m in log],
            }
        )
        return
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
    """An article (storyline id or input id): cleaned text, language, date with evidence."""
    with _errors():
        a = obj.sl.article(ref)
    if as_json:
        _json(article_dict(a))
        return
    print_article(a)


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


@cli.command("search")
@click.argument("query")
@click.option(
    "--kind",
    type=click.Choice(["article", "event", "story"]),
    default="article",
    show_default=True,
    help="What to list: articles, or events/stories ranked by their matching articles.",
)
@click.option(
    "--mode",
    type=click.Choice(["hybrid", "text", "semantic"]),
    default="hybrid",
    show_default=True,
    help="text: words and phrases; semantic: meaning, across languages; hybrid: both.",
)
@click.option("--lang", help="Only articles in this language (ISO code, e.g. hi).")
@click.option("--from", "date_from", metavar="DATE", help="Published on/after YYYY[-MM[-DD]].")
@click.option("--to", "date_to", metavar="DATE", help="Published on/before YYYY[-MM[-DD]].")
@click.option("--source", help="Outlet name or input path/URL contains this (any case).")
@click.option("--story", "story_id", help="Only articles of this story.")
@click.option("--event", "event_id", help="Only articles of this event.")
@click.option("--limit", type=click.IntRange(0, 1000), default=20, show_default=True)
@click.option("--offset", type=click.IntRange(0), default=0, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the hits as JSON.")
@click.pass_obj
def search_cmd(
    obj: Ctx,
    query: str,
    kind: str,
    mode: str,
    lang: str | None,
    date_from: str | None,
    date_to: str | None,
    source: str | None,
    story_id: str | None,
    event_id: str | None,
    limit: int,
    offset: int,
    as_json: bool,
) -> None:
    """Search articles, events or stories by words and by meaning.

    \b
    QUERY syntax: words (all must occur; else any), "a phrase", prefix*,
    a OR b, -excluded. Other punctuation is ignored. Dates include estimates.

    \b
    Examples:
      storyline search किशोर
      storyline search '"Prashant Kishor" Congress' --kind story
      storyline search 'cyclone evacuation' --lang hi --from 2024-10 --mode semantic
    """
    import html
    import re

    with _errors():
        hits = obj.sl.search(
            query,
            kind=kind,
            lang=lang,
            date_from=date_from,
            date_to=date_to,
            source=source,
            story=story_id,
            event=event_id,
            mode=mode,
            limit=limit,
            offset=offset,
        )
    if as_json:
        _json([h.to_dict() for h in hits])
        return
    if not hits:
        click.echo("(nothing)")
        return

    def plain(fragment: str) -> str:  # <mark> -> bold, HTML entities decoded
        parts = re.split(r"<mark>(.*?)</mark>", fragment)
        return "".join(
            click.style(html.unescape(p), bold=True) if i % 2 else html.unescape(p)
            for i, p in enumerate(parts)
        )

    for n, h in enumerate(hits, start=offset + 1):
        date = f"{'~' if h.date_is_estimate else ''}{h.date or '?'}"
        n_art = len(h.article_ids)
        extra = f"  {n_art} article{'s' if n_art != 1 else ''}" if h.kind != "article" else ""
        click.echo(
            f"{n:>3}. {h.id}  {date}  {h.lang or '?'}  [{'+'.join(h.match)}]  "
            f"{h.score:.4g}{extra}  {plain(h.title_html) or h.title}"
        )
        if h.snippet:
            click.echo(f"     {plain(h.snippet)}")


@cli.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "csv"]),
    default="jsonl",
    show_default=True,
    help="CSV holds the article lines only.",
)
@click.option(
    "--what",
    type=click.Choice(["all", "articles", "events", "stories"]),
    default="all",
    show_default=True,
)
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="File (default stdout).")
@click.pass_obj
def export_cmd(obj: Ctx, fmt: str, what: str, output: str | None) -> None:
    """Export articles (with event and story ids), events and stories."""
    from storyline.export import export

    with _errors():
        if output:
            with Path(output).open("w", encoding="utf-8", newline="") as fh:
                n = export(obj.sl.store, fh, fmt=fmt, what=what)
            click.echo(f"wrote {n} lines to {output}", err=True)
        else:
            export(obj.sl.store, sys.stdout, fmt=fmt, what=what)


@cli.group("eval")
def eval_group() -> None:
    """Measure clustering and similarity quality against gold labels."""


@eval_group.command("clusters")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def eval_clusters(obj: Ctx, gold: str, as_json: bool) -> None:
    """B³ and pairwise P/R/F1 of the store's events and stories against GOLD.jsonl.

    GOLD lines: {"id": <input id>, "event_id": ..., "story_id": ... (optional)}.
    """
    from storyline.eval.clusters import evaluate_clusters, load_gold

    with _errors():
        res = evaluate_clusters(obj.sl.store, load_gold(gold))
    if as_json:
        _json(res)
        return
    click.echo(
        f"{res['items']} gold items ({res['missing']} not in the store), "
        f"{res['gold_events']} gold events, {res['predicted_events']} predicted"
    )
    for level in ("events", "stories"):
        if level in res:
            for metric in ("bcubed", "pairwise"):
                m = res[level][metric]
                click.echo(
                    f"{level:8s} {metric:9s} P={m['precision']:.3f} "
                    f"R={m['recall']:.3f} F1={m['f1']:.3f}"
                )


@eval_group.command("pairs")
@click.option(
    "--data",
    type=click.Path(file_okay=False),
    default=str(Path("..") / "shared" / "data" / "semeval2022"),
    show_default=True,
    help="SemEval-2022 Task 8 folder (train_pairs.csv, articles.jsonl.gz).",
)
@click.option("--limit", type=int, help="Only the first N pairs.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def eval_pairs(obj: Ctx, data: str, limit: int | None, as_json: bool) -> None:
    """Pearson r and same-story F1 of pair similarities against SemEval-2022 Task 8 gold."""
    from storyline.encode.e5 import get_encoder
    from storyline.eval.pairs import evaluate_pairs, load_pairs

    with _errors():
        n = len(load_pairs(data, limit)[0])
        with click.progressbar(
            length=n * 2, label="embedding", file=sys.stderr, hidden=not sys.stderr.isatty()
        ) as bar:
            res = evaluate_pairs(data, get_encoder(obj.encoder), limit=limit, progress=bar.update)
    if as_json:
        _json(res)
        return
    s = res["same_story"]
    click.echo(f"{res['pairs']} pairs (both texts full originals)")
    click.echo(
        f"Pearson r (similarity vs gold Overall, sign flipped): {res['pearson']:.3f} "
        f"(dense only {res['pearson_dense_only']:.3f})"
    )
    click.echo(
        f"same-story (Overall<=2 vs >=3, {res['labelled_pairs']} pairs) at threshold "
        f"{res['threshold']:.2f}: P={s['precision']:.3f} R={s['recall']:.3f} "
        f"F1={s['f1']:.3f}; best F1 {res['best_threshold']['f1']:.3f} at "
        f"{res['best_threshold']['threshold']}"
    )


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option(
    "--token",
    default=lambda: os.environ.get("STORYLINE_TOKEN") or None,
    show_default="$STORYLINE_TOKEN",
    help="Bearer token the write endpoints (ingest) require. Needed to listen beyond "
    "localhost unless --read-only.",
)
@click.option("--read-only", is_flag=True, help="Disable the write endpoints.")
@click.option(
    "--max-body-mb",
    type=click.FloatRange(0.001, 4096),
    default=20.0,
    show_default=True,
    help="Largest request body (uploads); bigger ones get 413.",
)
@click.pass_obj
def serve(
    obj: Ctx, host: str, port: int, token: str | None, read_only: bool, max_body_mb: float
) -> None:
    """Serve the web UI, the REST API (/api, docs at /docs) and Atom feeds (/feeds).

    \b
    Examples:
      storyline serve                       # http://127.0.0.1:8000/
      STORYLINE_TOKEN=$(openssl rand -hex 24) storyline serve --host 0.0.0.0
      storyline serve --host 0.0.0.0 --read-only
    """
    from storyline.web import check_bind
    from storyline.web import serve as run_server

    level = logging.getLogger().getEffectiveLevel()
    with _errors():
        check_bind(host, token=token, read_only=read_only)
        sl = obj.sl
        shown = f"[{host}]" if ":" in host else host
        writes = "off" if read_only else "need the token" if token else "open to this machine"
        click.echo(
            f"storyline {__version__}: serving {obj.db} on http://{shown}:{port}/ "
            f"(API docs /docs; writes {writes}); Ctrl-C stops",
            err=True,
        )
        run_server(
            sl,
            host=host,
            port=port,
            token=token,
            read_only=read_only,
            max_body=int(max_body_mb * 1024 * 1024),
            log_level="debug" if level <= logging.DEBUG else "info",
        )


def main() -> None:
    cli(prog_name="storyline")


if __name__ == "__main__":
    main()
