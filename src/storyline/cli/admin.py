"""Store maintenance: ``storyline check [--repair]``, ``storyline digests``."""

from __future__ import annotations

import sys

import click
import numpy as np

from storyline.cli.base import Ctx, _errors, _json, cli
from storyline.model import Article


@cli.command("check")
@click.option("--repair", is_flag=True, help="Fix what is found (see `storyline check -h`).")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--details", default=20, show_default=True, help="Problems listed (0: all).")
@click.pass_obj
def check_cmd(obj: Ctx, repair: bool, as_json: bool, details: int) -> None:
    """Verify the store's invariants; exit 1 when a problem remains.

    Checked: every article is in a live event that lists it, and in that event's story;
    events and stories list exactly their members; nothing merged away is alive; entity
    counters equal their mention rows; the full-text index and the embeddings match the
    articles. --repair fixes these (articles' own events are the ground truth, merges are
    followed to their survivors) and logs what it changed in the merge log as "repair".
    """
    from storyline.check import check
    from storyline.check import repair as repair_store

    with _errors():
        store = obj.sl.store
        if repair:
            report = repair_store(store, embed=lambda arts: _embed(obj, arts))
            if report.repaired:  # the repaired stories' pages: their digests again
                obj.sl.refresh_digests()
        else:
            report = check(store)
    if as_json:
        _json(report.as_dict())
    else:
        counts = ", ".join(f"{v} {k}" for k, v in report.counts.items())
        for line in report.repaired:
            click.echo(f"repaired: {line}")
        shown = report.problems if details == 0 else report.problems[:details]
        for p in shown:
            click.echo(f"{p.code}: {p.subject}: {p.message}")
        if len(shown) < len(report.problems):
            click.echo(f"... and {len(report.problems) - len(shown)} more (--details 0)")
        by_code = ", ".join(f"{k} {v}" for k, v in sorted(report.by_code().items()))
        click.echo(f"checked {counts}: {len(report.problems)} problems"
                   + (f" ({by_code})" if by_code else "")
                   + ("" if report.ok or repair else "; `storyline check --repair` fixes them"))
    sys.exit(0 if report.ok else 1)


@cli.command("digests")
@click.option("--force", is_flag=True, help="Compute every story's digest again.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_obj
def digests_cmd(obj: Ctx, force: bool, as_json: bool) -> None:
    """Store the summaries and claim conflicts of stories changed since the last time.

    A story page reads them instead of computing them (tens to hundreds of milliseconds for
    a big story). Every ingest does this for the stories it changed; run it once on a store
    built by an older storyline. A stale digest is never shown: pages check it against the
    story and compute what changed.
    """
    with _errors():
        report = obj.sl.refresh_digests(force=force)
    if as_json:
        _json(report.as_dict())
    else:
        click.echo(f"{report.stories} live stories: {report.summaries} summaries and "
                   f"{report.events} events' conflicts computed, {report.removed} digests "
                   f"of dead stories or events removed, in {report.seconds:.1f} s")


def _embed(obj: Ctx, arts: list[Article]) -> dict[str, np.ndarray]:
    """Embeddings of *arts* with the encoder the store was built with."""
    from storyline.encode.e5 import get_encoder
    from storyline.ingest.screen import embed_articles

    name = obj.sl.store.get_meta("encoder") or obj.encoder
    return embed_articles(get_encoder(name), list(arts), {})
