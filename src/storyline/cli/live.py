"""``storyline follow`` and the options ``storyline ingest URL`` shares with it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from storyline.cli.base import Ctx, _errors, _json, cli

F = TypeVar("F", bound=Callable[..., Any])


def fetch_options(f: F) -> F:
    """The options that say how to fetch URLs (``ingest URL`` and ``follow``)."""
    options = [
        click.option("--allow-private/--no-allow-private", default=False,
                     help="Fetch from loopback, private and link-local addresses too "
                     "(refused by default: a URL could reach this machine or its network)."),
        click.option("--timeout", type=click.FloatRange(0.1, 600), default=20.0,
                     show_default=True, help="Seconds to connect and for each read."),
        click.option("--rate", type=click.FloatRange(0, 3600), default=1.0, show_default=True,
                     help="Seconds between two requests to one host (a robots.txt "
                     "Crawl-delay that asks for more wins)."),
        click.option("--max-redirects", type=click.IntRange(0, 20), default=5,
                     show_default=True, help="Redirects followed per URL."),
        click.option("--feed-text", is_flag=True,
                     help="For feeds: ingest each item's text from the feed; do not fetch "
                     "the item's page."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def make_fetcher(allow_private: bool, timeout: float, rate: float, max_redirects: int) -> Any:
    from storyline.live import Fetcher, FetchOptions

    return Fetcher(FetchOptions(timeout=timeout, deadline=max(timeout * 6, 60.0),
                                max_redirects=max_redirects, allow_private=allow_private,
                                rate=rate))


@cli.command("follow")
@click.argument("feeds_file", required=False, type=click.Path(dir_okay=False))
@click.option("--every", default="15m", show_default=True,
              help="How often to poll each feed (units s, m, h).")
@click.option("--once", is_flag=True, help="One round, then exit (for cron).")
@click.option("--status", "show_status", is_flag=True,
              help="Print each feed's saved state (last check, validators, items seen); "
              "fetch nothing.")
@fetch_options
@click.option("--json", "as_json", is_flag=True, help="One JSON line per round.")
@click.pass_obj
def follow_cmd(
    obj: Ctx, feeds_file: str | None, every: str, once: bool, show_status: bool,
    allow_private: bool, timeout: float, rate: float, max_redirects: int, feed_text: bool,
    as_json: bool,
) -> None:
    """Poll the RSS/Atom feeds listed in FEEDS_FILE (one URL per line, # comments), fetch
    their new items' pages and ingest them; Ctrl-C stops.

    \b
    Each round asks every feed with a conditional GET (ETag / Last-Modified), so an unchanged
    feed costs one short request. What was ingested and each feed's validators are kept in
    the store: a restart fetches nothing twice. Without FEEDS_FILE, the feeds listed under
    [follow] in storyline.toml are followed.

    \b
    Examples:
      storyline follow feeds.txt --every 15m
      storyline follow feeds.txt --once          # from cron
      storyline follow feeds.txt --status
    """
    import json

    from storyline.live import follow, parse_every, read_feed_list

    with _errors():
        urls = read_feed_list(feeds_file) if feeds_file else list(obj.config_feeds())
        if show_status:
            from storyline.live.follow import feed_states

            rows = feed_states(obj.sl.store, urls)
            if as_json:
                _json(rows)
                return
            for r in rows:
                click.echo(f"{r['url']}: {r['status'] or 'never polled'}; checked "
                           f"{r['checked_at'] or '-'}, changed {r['changed_at'] or '-'}, "
                           f"{r['seen']} items seen, {r['waiting']} waiting")
            return
        seconds = parse_every(every)
        fetcher = make_fetcher(allow_private, timeout, rate, max_redirects)

        def show(rounds: list[Any]) -> None:
            if as_json:
                click.echo(json.dumps([r.as_dict() for r in rounds], ensure_ascii=False))
                return
            for r in rounds:
                click.echo(r.line(), err=r.status == "error")
                for q in r.report.problems if r.report else []:
                    click.echo(f"  quarantined {q.source}: {q.reason}: {q.message}", err=True)

        try:
            follow(obj.sl, fetcher, urls, every=seconds, once=once, pages=not feed_text,
                   on_round=show)
        except KeyboardInterrupt:
            click.echo("stopped", err=True)
