"""Corrections: merge events or stories, move an article, rename a story, undo."""

from __future__ import annotations

import click

from storyline.cli.base import Ctx, _errors, _json, cli
from storyline.render import event_dict, story_dict


@cli.command("merge")
@click.argument("target")
@click.argument("source")
@click.option("--reason", default="", help="Why (kept in the merge log).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def merge_cmd(obj: Ctx, target: str, source: str, reason: str, as_json: bool) -> None:
    """Merge SOURCE into TARGET: two events (e…) or two stories (s…).

    Logged in the merge log (`storyline log TARGET`), kept by later ingests, undone with
    `storyline undo SEQ`.
    """
    with _errors():
        if obj.sl.store.get_story(target) is not None:
            st = obj.sl.merge_stories(target, source, reason=reason)
            out, text = story_dict(st), f"merged story {source} into {target}"
        else:
            ev = obj.sl.merge_events(target, source, reason=reason)
            out, text = event_dict(ev), f"merged event {source} into {target}"
    _json(out) if as_json else click.echo(text)


@cli.command("move")
@click.argument("article")
@click.argument("event_id")
@click.option("--reason", default="", help="Why (kept in the merge log).")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def move_cmd(obj: Ctx, article: str, event_id: str, reason: str, as_json: bool) -> None:
    """Move ARTICLE (storyline or input id) into event EVENT_ID, for good."""
    with _errors():
        ev = obj.sl.move_article(article, event_id, reason=reason)
    _json(event_dict(ev)) if as_json else click.echo(f"moved {article} into {ev.id}")


@cli.command("rename")
@click.argument("story_id")
@click.argument("title")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def rename_cmd(obj: Ctx, story_id: str, title: str, as_json: bool) -> None:
    """Give story STORY_ID the title TITLE (later ingests keep it)."""
    with _errors():
        st = obj.sl.rename_story(story_id, title)
    _json(story_dict(st)) if as_json else click.echo(f"{st.id}: {st.title}")


@cli.command("undo")
@click.argument("seq", type=int)
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def undo_cmd(obj: Ctx, seq: int, as_json: bool) -> None:
    """Undo the correction with merge-log number SEQ (`storyline log` shows them)."""
    with _errors():
        entry = obj.sl.undo(seq)
    if as_json:
        _json(entry.__dict__)
        return
    click.echo(f"undid {entry.detail.get('kind')} #{seq} (logged as #{entry.seq})")
