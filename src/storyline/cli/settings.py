"""``storyline config``: the settings in force and where each one comes from."""

from __future__ import annotations

import json

import click

from storyline.cli.base import Ctx, _json, cli
from storyline.render import echo_table


@cli.group("config")
def config_group() -> None:
    """Configuration: storyline.toml (or [tool.storyline] in pyproject.toml) in the current
    folder, or --config PATH. Command-line flags win over environment variables, which win
    over the file, which wins over the defaults."""


@config_group.command("show")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def config_show(obj: Ctx, as_json: bool) -> None:
    """Print every setting's effective value and its source (default, file, environment or
    command line). Secrets are never printed: only the names of the environment variables
    that hold them, and whether they are set."""
    cfg = obj.config
    rows = cfg.rows()
    if as_json:
        _json({"file": str(cfg.path) if cfg.path else None, "settings": rows})
        return
    click.echo(f"config file: {cfg.path or '(none: no ./storyline.toml, no [tool.storyline] in '}"
               + ("" if cfg.path else "./pyproject.toml)"))
    echo_table(
        ["setting", "value", "source"],
        [[r["key"], r["value"] if isinstance(r["value"], str)
          else json.dumps(r["value"], ensure_ascii=False), r["source"]] for r in rows],
    )
