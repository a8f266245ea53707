from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
SAMPLE = ROOT / "src" / "storyline" / "sample"


@pytest.fixture
def seeds_dir() -> Path:
    d = SHARED / "seeds"
    if not d.is_dir():
        pytest.skip(f"{d} not present (CI has ../shared beside the checkout; a clone may not)")
    return d


@pytest.fixture
def pg_url() -> str:
    """A fresh PostgreSQL database (server started once per session from the wheel)."""
    from pg_fixture import fresh_database

    try:
        return fresh_database()
    except (RuntimeError, ImportError) as exc:
        pytest.skip(str(exc))
