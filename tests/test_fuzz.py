"""The quick fuzz run of `make test`: 2,000 malformed inputs of every format (the long run is
benchmarks/fuzz.py). No crash, no hang, no lost following record, a consistent store, and a
peak memory under 512 MB."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


@pytest.mark.slow
def test_quick_fuzz() -> None:
    cmd = [sys.executable, "-m", "storyline.fuzz", "--n", "2000", "--seed", "7",
           "--engine-share", "0.04", "--timeout", "60"]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=900, check=False)
    report = json.loads(out.stdout)
    assert report["cases"] == 2000 and report["engine_cases"] > 40
    assert report["ok"], report["failures"]
    assert report["crashes"] == report["hangs"] == report["lost"] == 0
    assert report["inconsistent"] == 0
    assert report["peak_rss_mb"] <= 512
    assert len(report["by_format"]) == 7  # every format was fuzzed
