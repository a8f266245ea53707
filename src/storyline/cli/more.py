"""Commands to search, export, evaluate and serve."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import click

from storyline import __version__
from storyline.cli.base import Ctx, _errors, _json, cli
from storyline.export import ExportError


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
    type=click.Choice(["jsonl", "csv", "parquet"]),
    default="jsonl",
    show_default=True,
    help="CSV: one kind of row (articles, or --what events|stories). Parquet: needs -o; "
    "with --what all, -o is a folder that gets articles/events/stories.parquet.",
)
@click.option(
    "--what",
    type=click.Choice(["all", "articles", "events", "stories"]),
    default="all",
    show_default=True,
)
@click.option(
    "--with",
    "with_",
    default="",
    metavar="FIELDS",
    help="Extra fields, comma-separated: text (cleaned text), entities (with offsets), "
    "claims (who said what), summary (events and stories: cited summaries); or all.",
)
@click.option("-o", "--output", type=click.Path(), help="File (default stdout).")
@click.pass_obj
def export_cmd(obj: Ctx, fmt: str, what: str, with_: str, output: str | None) -> None:
    """Export articles (with event and story ids), events and stories.

    \b
    Examples:
      storyline export --format jsonl > all.jsonl
      storyline export --what articles --with text,entities,claims -o articles.jsonl
      storyline export --format parquet --with all -o export/     # three .parquet files
      storyline export --what events --with summary --format csv -o events.csv
    """
    from storyline.export import export, export_parquet, parse_with

    with _errors():
        fields = parse_with(with_)
        sl = obj.sl

        def summarize(ref: str) -> dict[str, object]:
            return sl.summary(ref).as_dict()

        if fmt == "parquet":
            if not output:
                raise ExportError("--format parquet writes files: give -o FILE (or -o FOLDER "
                                  "with --what all)")
            counts = export_parquet(sl.store, output, what=what, with_=fields,
                                    summarize=summarize)
            for path, n in counts.items():
                click.echo(f"wrote {n} rows to {path}", err=True)
        elif output:
            with Path(output).open("w", encoding="utf-8", newline="") as fh:
                n = export(sl.store, fh, fmt=fmt, what=what, with_=fields, summarize=summarize)
            click.echo(f"wrote {n} lines to {output}", err=True)
        else:
            export(sl.store, sys.stdout, fmt=fmt, what=what, with_=fields, summarize=summarize)


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
@click.option("--read-only/--read-write", default=False, help="Disable the write endpoints.")
@click.option(
    "--max-body-mb",
    type=click.FloatRange(0.001, 4096),
    default=20.0,
    show_default=True,
    help="Largest request body (uploads); bigger ones get 413.",
)
@click.option(
    "--watch-every",
    type=click.FloatRange(min=0),
    default=300.0,
    show_default=True,
    help="Run the watchlists every so many seconds (0: only after ingests).",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Server processes (each serves requests side by side; a file or PostgreSQL store).",
)
@click.pass_obj
def serve(
    obj: Ctx, host: str, port: int, token: str | None, read_only: bool, max_body_mb: float,
    watch_every: float, workers: int,
) -> None:
    """Serve the web UI, the REST API (/api, docs at /docs) and Atom feeds (/feeds).

    \b
    Examples:
      storyline serve                       # http://127.0.0.1:8000/
      STORYLINE_TOKEN=$(openssl rand -hex 24) storyline serve --host 0.0.0.0
      storyline serve --host 0.0.0.0 --read-only
      storyline serve --workers 2           # two processes: both cores serve requests
    """
    from storyline.web import check_bind
    from storyline.web import serve as run_server

    level = logging.getLogger().getEffectiveLevel()
    with _errors():
        check_bind(host, token=token, read_only=read_only)
        sl = obj.sl  # opened (and migrated) once here, before any worker opens it
        shown = f"[{host}]" if ":" in host else host
        writes = "off" if read_only else "need the token" if token else "open to this machine"
        procs = f", {workers} worker processes" if workers > 1 else ""
        click.echo(
            f"storyline {__version__}: serving {obj.db} on http://{shown}:{port}/ "
            f"(API docs /docs; writes {writes}{procs}); Ctrl-C stops",
            err=True,
        )
        if workers > 1:
            from storyline.web.multi import serve_workers

            serve_workers(
                str(obj.db), obj.encoder, workers=workers,
                config_path=str(obj.config.path) if obj.config.path else None, host=host,
                port=port, token=token, read_only=read_only,
                max_body=int(max_body_mb * 1024 * 1024),
                log_level="debug" if level <= logging.DEBUG else "info",
                watch_every=watch_every,
            )  # fmt: skip
            return
        run_server(
            sl,
            host=host,
            port=port,
            token=token,
            read_only=read_only,
            max_body=int(max_body_mb * 1024 * 1024),
            log_level="debug" if level <= logging.DEBUG else "info",
            watch_every=watch_every,
        )
