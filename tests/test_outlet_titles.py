"""Story titles name what a storyline is about, never the outlet that publishes it."""

from __future__ import annotations

import json
from pathlib import Path

import storyline
from storyline.engine_write import OUTLETS_META, fold_outlet

TEXT = (
    "Mayor Lois Lane announced on Monday that the old river bridge will close for repairs, "
    "Gotham News Agency reported. Lois Lane told Gotham News Agency the bridge is unsafe. "
    "According to Gotham News Agency, traffic will move to the ferry. {n}"
)


def test_fold_outlet() -> None:
    assert fold_outlet("The Times of India") == fold_outlet("times of india.") == "times of india"
    assert fold_outlet("") == ""


def test_outlets_are_not_story_title_entities(tmp_path: Path) -> None:
    docs = tmp_path / "a.jsonl"
    with docs.open("w") as fh:
        for n in range(3):
            row = {
                "id": f"d{n}",
                "title": f"Bridge to close, says Mayor Lois Lane ({n})",
                "text": TEXT.format(n=f"Update {n}."),
                "date": "2024-05-06",
                "source": "Gotham News Agency",
            }
            fh.write(json.dumps(row) + "\n")
    db = tmp_path / "s.db"
    with storyline.open(db, encoder="hashing") as sl:
        sl.ingest([docs])
        names = {e["name"] for e in sl.store.list_entities()}
        assert "Gotham News Agency" in names  # found as an entity, so the title had to skip it
        assert sl.store.get_meta(OUTLETS_META) == ["gotham news agency"]
        story = max(sl.stories(), key=lambda s: sum(s.languages.values()))
        assert sum(story.languages.values()) == 3
        assert "Gotham News Agency" not in story.title
        assert "Lois Lane" in story.title
