"""The ``storyline`` command line: a thin layer that parses options and calls the library.

Commands live in submodules by topic; importing them registers them on :data:`cli`.
"""

from __future__ import annotations

from storyline.cli import admin, core, curate, live, more, people, scale, settings, watch  # noqa: F401
from storyline.cli.base import DEFAULT_DB, Ctx, cli

__all__ = ["DEFAULT_DB", "Ctx", "cli", "main"]


def main() -> None:
    cli(prog_name="storyline")
