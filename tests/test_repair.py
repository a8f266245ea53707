"""Text repair (mojibake, HTML entities) and outlet furniture, on made-up text and real news."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from storyline.model import Provenance, RawDoc
from storyline.pipeline.stages import article_from_raw, default_pipeline
from storyline.text.clean import clean_text
from storyline.text.furniture import strip_inline_furniture
from storyline.text.repair import MOJIBAKE_MARKERS, has_mojibake, repair_text

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


def _mojibake(s: str) -> str:
    """What UTF-8 text looks like when read as Windows-1252 (the usual accident)."""
    return s.encode("utf-8").decode("cp1252", errors="replace")


def test_mojibake_repaired_and_recorded() -> None:
    good = "The minister’s “plan” costs €5 — café owners agree."
    broken = _mojibake(good)
    assert has_mojibake(broken)
    fixed, rep = repair_text(broken)
    assert fixed == good
    assert rep.lines == 1 and any("mojibake" in f for f in rep.fixes)
    assert rep.examples and rep.examples[0][1] in good


def test_lost_closing_quote_and_stray_a_circumflex() -> None:
    # 0x9D is undefined in Windows-1252: the closing quote's last byte came out as U+FFFD
    fixed, rep = repair_text("He said â€œstay homeâ€\ufffd. Done.Â Â")
    assert fixed.startswith("He said “stay home”. Done.")
    assert not has_mojibake(fixed)
    assert "lost closing quote" in rep.fixes


def test_html_entities_repaired() -> None:
    fixed, rep = repair_text("AT&amp;T and the caf&eacute; &#8217;s owner")
    assert fixed == "AT&T and the café ’s owner"
    assert "html entities" in rep.fixes


def test_correct_text_untouched() -> None:
    samples = ("voilà à Paris, ÂNCORA", "पिछले साल सितंबर में", "“Quoted” — it’s fine", "<b>&amp;</b>")
    for s in samples:
        fixed, rep = repair_text(s)
        assert fixed == s and not rep


def test_clean_text_and_pipeline_record_the_repair() -> None:
    raw = _mojibake("Modi’s address.\nThe PM’s speech on Tuesday was watched by millions.")
    res = clean_text(raw)
    assert "Modi’s" in res.text and res.repair.lines == 2
    doc = RawDoc(
        text=raw, provenance=Provenance(source="t", kind="text"), doc_id="d",
        title=_mojibake("Modi’s speech"),
    )
    a = default_pipeline().run(article_from_raw(doc))
    assert a.title == "Modi’s speech"
    assert a.extra["text_repair"]["lines"] == 2
    assert not has_mojibake(a.text)


def test_furniture_lines_removed_with_rules() -> None:
    text = "\n".join([
        "NEW DELHI: The council met on Monday and approved the plan for the city.",
        "More on Covid-19",
        "",
        "How to stay safe at home",
        "What is open and what is not",
        "",
        "The plan takes effect next week, officials said in a statement.",
        "Also read: Ten things to know about the plan. Experts Weigh In.",
        "By Asha Rao, journalist at ThePrint",
        "(With PTI inputs)",
        "By arrangement with Business Standard.",
        "The author is a retired civil servant. Views are personal.",
        "News media is in a crisis & only you can fix it",
        "We thank you for your time and your trust in our journalism.",
        "Your support will define our newsroom, we need readers like you.",
    ])
    res = clean_text(text)
    assert res.text.split("\n") == [
        "NEW DELHI: The council met on Monday and approved the plan for the city.",
        "",
        "The plan takes effect next week, officials said in a statement.",
    ]
    rules = {r.rule for r in res.removed}
    assert {"link-widget", "also-read", "byline", "agency-credit", "syndication-note",
            "author-note", "reader-appeal"} <= rules


def test_furniture_keeps_sentences() -> None:
    text = "\n".join([
        "By Monday, more than 300 people had been tested in the district.",
        "By evening the crowd had thinned out near the station.",
        "The author was arrested on Monday over the book, police said.",
        "Officials expect more arrests in the coming days.",
        "The court will hear the case again next week.",
    ])
    assert clean_text(text).text == text


def test_photo_credit_cut_from_caption() -> None:
    caption = "A man walks past a shop in Kolkata, March 24. Photo: PTI/A. Das"
    line, cut = strip_inline_furniture(caption)
    assert line == "A man walks past a shop in Kolkata, March 24."
    assert [c.rule for c in cut] == ["photo-credit"]
    same, cut = strip_inline_furniture("The photo: a crowd outside the station")
    assert same == "The photo: a crowd outside the station" and not cut


@pytest.mark.shared
@pytest.mark.slow
def test_window_has_no_mojibake_in_text_or_entity_names() -> None:
    """The 553-article window: no mojibake sequence survives cleaning or entity linking."""
    path = SHARED / "india-news-2020" / "window_2020-03-24_25_docs.jsonl.gz"
    if not path.is_file():
        pytest.skip(f"{path} not present (CI has ../shared beside the checkout)")
    from storyline.entities.linker import EntityLinker

    linker = EntityLinker()
    bad_lines: list[str] = []
    also_read = 0
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        docs = [json.loads(line) for line in fh]
    assert len(docs) == 553
    repaired = 0
    for d in docs:
        res = clean_text(d["text"], d["lang"])
        title, _ = repair_text(d["title"])
        repaired += res.repair.lines
        bad_lines += [ln for ln in res.text.split("\n") if has_mojibake(ln)]
        also_read += sum(ln.lower().startswith("also read") for ln in res.text.split("\n"))
        linker.link_article(d["id"], f"{title}\n\n{res.text}", d["lang"], d["date"])
    assert repaired >= 100  # the window does hold mojibake: the repair did the work
    assert bad_lines == []
    assert also_read == 0
    names = [f for e in linker.entities() for f in (e.name, *e.forms())]
    assert [n for n in names if any(m in n for m in MOJIBAKE_MARKERS)] == []
