"""What one ingest run did: counts, timings and the quarantined inputs."""

from __future__ import annotations

from dataclasses import dataclass, field

from storyline.model import Quarantined

_COUNTS = ("read", "accepted", "duplicates", "near_duplicates", "quarantined", "new_events",
           "new_stories", "merges")


@dataclass
class IngestReport:
    read: int = 0
    accepted: int = 0
    duplicates: int = 0
    near_duplicates: int = 0
    quarantined: int = 0
    new_events: int = 0
    new_stories: int = 0
    merges: int = 0
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    problems: list[Quarantined] = field(default_factory=list)

    def add(self, other: IngestReport) -> None:
        """Count *other* (a part of this run) in."""
        for k in _COUNTS:
            setattr(self, k, getattr(self, k) + getattr(other, k))
        for k, v in other.timings.items():
            self.timings[k] = self.timings.get(k, 0.0) + v
        self.problems.extend(other.problems)

    def as_dict(self) -> dict[str, object]:
        d = {k: v for k, v in self.__dict__.items() if k != "problems"}
        d["problems"] = [
            {"source": q.source, "line": q.line, "reason": q.reason, "message": q.message}
            for q in self.problems
        ]
        return d
