"""``storyline watch``: watchlists on a query, an entity or a story, and their alerts."""

from __future__ import annotations

import click

from storyline.cli.base import Ctx, _errors, _json, cli
from storyline.render import echo_table
from storyline.watch import DEFAULT_SECRET_ENV


@cli.group("watch")
def watch_group() -> None:
    """Watchlists: be alerted when new articles match a query, name an entity or join a
    story. Alerts go to an Atom feed (/feeds/watch/NAME.atom under `storyline serve`) and,
    when configured, to a webhook (signed JSON POST). Watchlists run after every ingest."""


@watch_group.command("add")
@click.argument("name")
@click.option("--query", help="Full-text query (same syntax as `storyline search --mode text`).")
@click.option("--entity", help="An entity name in any script, or an entity id.")
@click.option("--story", help="A story id.")
@click.option("--webhook", help="POST new alerts to this http(s) URL (and to no other).")
@click.option(
    "--secret-env",
    default=None,
    help=f"Environment variable holding the webhook's HMAC secret [default: {DEFAULT_SECRET_ENV}].",
)
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def watch_add(
    obj: Ctx, name: str, query: str | None, entity: str | None, story: str | None,
    webhook: str | None, secret_env: str | None, as_json: bool,
) -> None:
    """Create watchlist NAME; it alerts on articles ingested from now on."""
    with _errors():
        row = obj.sl.add_watch(
            name, query=query, entity=entity, story=story, webhook=webhook, secret_env=secret_env
        )
    if as_json:
        _json(row)
        return
    hook = f", webhook {row['config']['webhook']}" if row["config"].get("webhook") else ""
    click.echo(f"watching {row['kind']} {row['value']!r} as {name}{hook}")


@watch_group.command("list")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def watch_list(obj: Ctx, as_json: bool) -> None:
    """Watchlists with their last alert."""
    with _errors():
        rows = obj.sl.watches()
        last = {w["name"]: obj.sl.alerts(w["name"], limit=1) for w in rows}
    if as_json:
        _json(rows)
        return
    echo_table(
        ["name", "kind", "webhook", "last alert", "value"],
        [
            [
                w["name"],
                w["kind"],
                "yes" if w["config"].get("webhook") else "",
                last[w["name"]][0]["at"] if last[w["name"]] else "",
                w["value"],
            ]
            for w in rows
        ],
    )


@watch_group.command("remove")
@click.argument("name")
@click.pass_obj
def watch_remove(obj: Ctx, name: str) -> None:
    """Delete watchlist NAME and its alerts."""
    with _errors():
        obj.sl.remove_watch(name)
    click.echo(f"removed watchlist {name}")


@watch_group.command("run")
@click.argument("names", nargs=-1)
@click.option("--no-deliver", is_flag=True, help="Store alerts but do not call webhooks.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def watch_run(obj: Ctx, names: tuple[str, ...], no_deliver: bool, as_json: bool) -> None:
    """Check watchlists (all, or NAMES) against the articles that arrived since their last
    run. Ingest runs them too; this is for a cron job or after `--no-deliver`."""
    with _errors():
        results = obj.sl.run_watches(list(names) or None, deliver=not no_deliver)
    if as_json:
        _json([r.as_dict() for r in results])
        return
    for r in results:
        hook = f" · webhook {r.delivery['status']}" if r.delivery else ""
        click.echo(f"{r.watch}: {r.read} new article(s), {len(r.alerts)} alert(s){hook}")
        for a in r.alerts:
            click.echo(f"  {a['article_id']}  {a['data'].get('title', '')[:70]}")


@watch_group.command("alerts")
@click.argument("name")
@click.option("--limit", type=int, default=20, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def watch_alerts(obj: Ctx, name: str, limit: int, as_json: bool) -> None:
    """Alerts of watchlist NAME, newest first, with their webhook delivery log."""
    with _errors():
        rows = obj.sl.alerts(name, limit=limit)
    if as_json:
        _json(rows)
        return
    echo_table(
        ["seq", "at", "article", "delivery", "title"],
        [
            [str(a["seq"]), a["at"], a["article_id"], a["delivery"].get("status", ""),
             str(a["data"].get("title", ""))]
            for a in rows
        ],
    )
