"""Commands about people and organisations: entities, an entity's profile, who said what."""

from __future__ import annotations

import click

from storyline.api_people import entity_dict
from storyline.cli.base import Ctx, _errors, _json, cli
from storyline.render import echo_table


def _short(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


@cli.command()
@click.option(
    "--type",
    "etype",
    type=click.Choice(["PERSON", "ORG", "PLACE", "OTHER"], case_sensitive=False),
    help="Only this kind of entity.",
)
@click.option("--lang", help="Only entities mentioned in this language (ranked by it).")
@click.option("--limit", type=int, default=30, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def entities(obj: Ctx, etype: str | None, lang: str | None, limit: int, as_json: bool) -> None:
    """People, organisations and places, most mentioned first, with their names in each
    script (the same person in Devanagari and Latin script is one entity)."""
    with _errors():
        ents = obj.sl.entities(type=etype, lang=lang, limit=limit)
    if as_json:
        _json([entity_dict(e) for e in ents])
        return
    rows = []
    for e in ents:
        al = e.alias_lists()
        other = [f for sc, forms in al.items() for f in forms[:2] if f != e.name][:3]
        langs = " ".join(f"{k}:{v}" for k, v in sorted(e.langs.items(), key=lambda kv: -kv[1]))
        rows.append([e.id, e.type, str(e.mentions), langs, e.name, _short(", ".join(other), 40)])
    echo_table(["entity", "type", "mentions", "languages", "name", "also"], rows)


@cli.command()
@click.argument("ref")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def entity(obj: Ctx, ref: str, as_json: bool) -> None:
    """One entity by id, name or alias (any script): aliases by script, mentions per
    language, first/last seen, and the stories and events it appears in."""
    with _errors():
        p = obj.sl.entity(ref)
    if as_json:
        _json(p.to_dict())
        return
    e = p.entity
    click.echo(f"{e.id}  {e.name}  ({e.type})")
    click.echo(f"mentions {e.mentions} in {len(p.article_ids)} articles · quoted {p.quotes}×")
    click.echo(f"seen {p.first_seen or '?'} … {p.last_seen or '?'}")
    for script, forms in p.aliases.items():
        click.echo(f"  {script}: {', '.join(forms[:8])}")
    click.echo("  per language: " + ", ".join(f"{k} {v}" for k, v in p.mentions_by_lang.items()))
    if p.stories:
        click.echo("stories: " + ", ".join(f"{s} ({n})" for s, n in p.stories[:10]))
    if p.events:
        click.echo("events:  " + ", ".join(f"{ev} ({n})" for ev, n in p.events[:10]))


@cli.command()
@click.option("--story", "story_id", help="Only claims in this story's articles.")
@click.option("--event", "event_id", help="Only claims in this event's articles.")
@click.option("--article", "article_ref", help="Only claims in this article.")
@click.option("--entity", "entity_ref", help="Only claims by this entity (or sources of it).")
@click.option(
    "--anonymous/--named", default=None, help="Only anonymous sources / only named speakers."
)
@click.option(
    "--conflicts", is_flag=True, help="Show claims that disagree (needs --story or --event)."
)
@click.option("--limit", type=int, default=100, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def quotes(
    obj: Ctx,
    story_id: str | None,
    event_id: str | None,
    article_ref: str | None,
    entity_ref: str | None,
    anonymous: bool | None,
    conflicts: bool,
    limit: int,
    as_json: bool,
) -> None:
    """Who said what: direct quotes and reported claims with their sources, named or
    anonymous ("sources close to …"); with --conflicts, claims that disagree."""
    with _errors():
        if conflicts:
            found = obj.sl.conflicts(story=story_id, event=event_id)[:limit]
        else:
            qs = obj.sl.quotes(
                story=story_id,
                event=event_id,
                article=article_ref,
                entity=entity_ref,
                anonymous=anonymous,
                limit=limit,
            )
    if conflicts:
        if as_json:
            _json([c.to_dict() for c in found])
            return
        if not found:
            click.echo("no conflicting claims found")
        for i, c in enumerate(found, 1):
            click.echo(f"[{i}] {c.reason} (shared: {', '.join(c.shared[:6])})")
            for side, aid, cl, pol in (
                ("A", c.article_a, c.claim_a, c.polarity_a),
                ("B", c.article_b, c.claim_b, c.polarity_b),
            ):
                who = cl.source or cl.speaker or "?"
                click.echo(f"  {side} {pol:<8} {who} [{aid}]: {_short(cl.text, 110)}")
        return
    if as_json:
        _json([q.to_dict() for q in qs])
        return
    rows = [
        [
            q.date or "",
            q.claim.lang,
            "anon" if q.claim.anonymous else q.claim.kind,
            _short(q.who, 28),
            _short(q.claim.text, 80),
            q.article_id,
        ]
        for q in qs
    ]
    echo_table(["date", "lang", "kind", "who", "claim", "article"], rows)
