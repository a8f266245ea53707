from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

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


# -- `storyline check` after every ingest-heavy test ------------------------------------------
_INGESTED: list[object] = []  # stores that took an ingest of HEAVY+ documents, not yet checked
HEAVY = 10


@pytest.fixture(scope="session", autouse=True)
def _record_ingests() -> Iterator[None]:
    from storyline.engine import Engine

    real = Engine.ingest

    def ingest(self: Engine, docs: Any, **kw: Any) -> Any:
        report = real(self, docs, **kw)
        if report.read >= HEAVY and all(s is not self.store for s in _INGESTED):
            _INGESTED.append(self.store)
        return report

    Engine.ingest = ingest  # type: ignore[method-assign]
    yield
    Engine.ingest = real  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def _check_stores_after_ingest() -> Iterator[None]:
    """Every store that an ingest of 10+ documents wrote to passes `storyline check`."""
    yield
    from storyline.check import check

    stores, _INGESTED[:] = list(_INGESTED), []
    for store in stores:
        if getattr(store, "_closed", False):
            continue
        report = check(store)  # type: ignore[arg-type]
        assert report.ok, f"store inconsistent after ingest: {report.as_dict()['details'][:5]}"


@pytest.fixture
def pg_url() -> str:
    """A fresh PostgreSQL database (server started once per session from the wheel)."""
    from pg_fixture import fresh_database

    try:
        return fresh_database()
    except (RuntimeError, ImportError) as exc:
        pytest.skip(str(exc))
