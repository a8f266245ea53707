"""Tests for storyline.text.clean: seed articles (read from ../shared/data) and synthetic texts.

The seed texts are never copied here: expectations are short prefixes (a few words) of the
boilerplate lines, and "everything else is kept" is checked by comparing line sets.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from storyline.text.clean import CleanResult, clean_text, normalize_unicode

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
SEEDS = SHARED / "seeds"
_HEADER = re.compile(r"^\s*date\s+\d{4}-\d{2}-\d{2}\s*")
_SENT = re.compile(r"(?<=[.!?।])\s+")


def _seed(prefix: str) -> str:
    if not SEEDS.is_dir():
        pytest.skip("../shared/data/seeds not present (seed articles are read at test time)")
    files = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    if not files:
        pytest.skip(f"../shared/data/seeds/{prefix}_*.txt not present")
    return _HEADER.sub("", files[0].read_text(encoding="utf-8"))


def _check_removed(res: CleanResult, expected: list[tuple[str, str]]) -> None:
    got = [(r.rule, r.text) for r in res.removed]
    assert len(got) == len(expected), got
    for (rule, text), (want_rule, prefix) in zip(got, expected, strict=True):
        assert rule == want_rule, (rule, text)
        assert text.startswith(prefix), (rule, text, prefix)


def _check_kept(raw: str, res: CleanResult) -> None:
    """Every non-empty line not removed is kept verbatim; nothing else appears."""
    orig = [ln for ln in normalize_unicode(raw).split("\n") if ln]
    removed = Counter(r.text for r in res.removed)
    kept = [ln for ln in res.text.split("\n") if ln]
    expected_kept = []
    for ln in orig:
        if removed[ln] > 0:
            removed[ln] -= 1
        else:
            expected_kept.append(ln)
    assert kept == expected_kept
    # duplicates removed from the lead must survive in the body
    body = res.text
    body_words = set(body.split())
    for r in res.removed:
        if r.rule in ("lead-duplicate", "repeated-caption"):
            sents = [s for s in _SENT.split(re.sub(r"\((?:File)\)", "", r.text)) if s.strip()]
            assert any(s.strip() in body for s in sents), r.text
            assert set(r.text.replace("(File)", "").split()) <= body_words


# --------------------------------------------------------------------------- seeds


@pytest.mark.shared
def test_seed_000_caption_and_footer() -> None:
    raw = _seed("000")
    res = clean_text(raw, "en")
    _check_removed(
        res,
        [
            ("repeated-caption", "The CM has also made"),
            ("social-prompt", "📣 The Indian Express is"),
            ("app-prompt", "For all the latest"),
            ("copyright", "© The Indian Express"),
        ],
    )
    _check_kept(raw, res)
    assert "Telegram" not in res.text
    assert "(File)" not in res.text
    assert res.text.startswith("A few days after")


@pytest.mark.shared
def test_seed_001_nothing_removed() -> None:
    raw = _seed("001")
    res = clean_text(raw, "en")
    assert res.removed == []
    _check_kept(raw, res)
    assert res.text == normalize_unicode(raw)
    assert "\n\n\n" not in res.text


@pytest.mark.shared
def test_seed_002_hindi_boilerplate() -> None:
    raw = _seed("002")
    res = clean_text(raw, "hi")
    _check_removed(
        res,
        [
            ("lead-duplicate", "पिछले साल सितंबर में"),
            ("advertisement", "विज्ञापन"),
            ("read-time", "Read Time:"),
            ("lead-duplicate", "सूत्रों ने एनडीटीवी को"),
            ("advertisement", "Advertisement"),
            ("also-read", "यह भी पढ़ें:"),
            ("also-read", "प्रशांत किशोर के साथ"),
            ("also-read", '"असली लड़ाई 2024 में'),
            ("also-read", "प्रशांत किशोर के पूर्व"),
            ("advertisement", "Advertisement"),
            ("related-headline", "तृणमूल में शामिल होने"),
            ("video-promo", "Featured Video Of The"),
            ("video-promo", "Supreme Court का"),
            ("topic-footer", "Topics mentioned in this"),
        ],
    )
    _check_kept(raw, res)
    lines = res.text.split("\n")
    assert "नई दिल्ली:" in lines  # dateline kept
    assert lines[0].startswith("प्रशांत किशोर ने")  # title kept
    assert "Advertisement" not in res.text and "Read Time" not in res.text


# --------------------------------------------------------------------------- unicode


def test_normalize_unicode_spaces_and_invisibles() -> None:
    text = "Hello\u00a0world\u200b!\r\nSecond\u2009line  with   spaces\r\n\r\n\r\n\r\nThird\ufeff"
    assert normalize_unicode(text) == "Hello world!\nSecond line with spaces\n\nThird"


def test_normalize_unicode_keeps_joiners_inside_words() -> None:
    deva = "क्\u200dष"  # ZWJ after virama inside a Devanagari word: meaningful
    persian = "می\u200cخواهم"  # ZWNJ inside a Persian word
    assert normalize_unicode(deva) == deva
    assert normalize_unicode(persian) == persian
    assert normalize_unicode("\u200dword \u200cnext\u200d") == "word next"


def test_normalize_unicode_nfc() -> None:
    assert normalize_unicode("Cafe\u0301") == "Café"


# --------------------------------------------------------------------------- synthetic

EN = """Officials said on Monday that the bridge would reopen next month.
(Photo: PTI)
Advertisement
The river rose by two metres overnight, the agency reported.

Also Read:
Flood warnings issued for three districts
Rescue teams reach stranded villagers

The advertisement campaign drew criticism from rival parties.
A video of the incident went viral on social media.
The minister is now on Telegram, where he posts daily updates.
Copyright lawyers argued the case for three days.
Watch the video of the rally, the party said on its website.
Join the protest on Facebook, the organisers urged.
Subscribers to the service complained about outages.
Also read by millions, the magazine closed in 2019.
Tags on the luggage were checked at the border.

Follow us on Twitter and Facebook
Join our WhatsApp channel for the latest updates
READ ALSO | Heavy rain lashes coastal towns
3 min read
ADVERTISEMENT
Watch video
Rain batters the coast as rivers swell
Copyright 2023 Example News. All rights reserved.
Subscribe to our newsletter
Get the day's top stories in your inbox.
Tags: floods, monsoon, rescue"""

EN_KEEP = [
    "Officials said on Monday",
    "The river rose by two metres",
    "The advertisement campaign drew",
    "A video of the incident",
    "The minister is now on Telegram",
    "Copyright lawyers argued the case",
    "Watch the video of the rally",
    "Join the protest on Facebook",
    "Subscribers to the service complained",
    "Also read by millions",
    "Tags on the luggage",
]


def test_english_boilerplate_and_false_positives() -> None:
    res = clean_text(EN, "en")
    rules = Counter(r.rule for r in res.removed)
    assert rules == Counter(
        {
            "photo-credit": 1,
            "advertisement": 2,
            "also-read": 4,
            "social-prompt": 2,
            "read-time": 1,
            "video-promo": 2,
            "copyright": 1,
            "subscription": 2,
            "topic-footer": 1,
        }
    ), res.removed
    kept = res.text.split("\n")
    for start in EN_KEEP:
        assert any(ln.startswith(start) for ln in kept), start
    assert len([ln for ln in kept if ln]) == len(EN_KEEP)


def test_inline_photo_credit_removed_sentence_kept() -> None:
    text = "Farmers protest near the assembly. (Express Photo)\n\nMore text follows here."
    res = clean_text(text)
    assert res.text.startswith("Farmers protest near the assembly.\n")
    assert [(r.rule, r.text) for r in res.removed] == [("photo-credit", "(Express Photo)")]
    res = clean_text("Representative image\nThe fair opened on Sunday.\n(File)")
    assert res.text == "The fair opened on Sunday."


HI = """नई दिल्ली:
सरकार ने सोमवार को नई योजना की घोषणा की।
विज्ञापन
ये भी पढ़ें
बाढ़ से कई गांव प्रभावित
राहत कार्य तेज हुआ

मंत्री ने कहा कि वीडियो कॉन्फ्रेंस के जरिए बैठक हुई।
विज्ञापन पर खर्च बढ़ाने का फैसला भी लिया गया।
वीडियो
मंत्री का बयान यहां सुनें
हमें फेसबुक पर फॉलो करें
पढ़ने का समय: 4 मिनट"""


def test_hindi_boilerplate_and_false_positives() -> None:
    res = clean_text(HI, "hi")
    assert [r.rule for r in res.removed] == [
        "advertisement",
        "also-read",
        "also-read",
        "also-read",
        "video-promo",
        "video-promo",
        "social-prompt",
        "read-time",
    ]
    assert res.text.split("\n") == [
        "नई दिल्ली:",
        "सरकार ने सोमवार को नई योजना की घोषणा की।",
        "",
        "मंत्री ने कहा कि वीडियो कॉन्फ्रेंस के जरिए बैठक हुई।",
        "विज्ञापन पर खर्च बढ़ाने का फैसला भी लिया गया।",
    ]


ES = """El gobierno aprobó ayer la reforma laboral.
Publicidad
Lee también: La oposición critica la medida
Síguenos en Twitter
La publicidad institucional creció un 20 % el año pasado.
Todos los derechos reservados"""

FR = """Le Premier ministre a annoncé mardi un nouveau plan.
Publicité
Lire aussi : Les syndicats appellent à la grève
Suivez-nous sur Facebook
La publicité en ligne a beaucoup progressé cette année.
Temps de lecture : 3 min
Tous droits réservés."""

DE = """Die Regierung hat gestern ein neues Gesetz beschlossen.
Anzeige
Lesen Sie auch: Opposition kritisiert den Plan
Die Anzeige gegen den Minister wurde zurückgezogen.
Alle Rechte vorbehalten"""


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        (ES, ["El gobierno aprobó ayer", "La publicidad institucional creció"]),
        (FR, ["Le Premier ministre a annoncé", "La publicité en ligne a"]),
        (DE, ["Die Regierung hat gestern", "Die Anzeige gegen den"]),
    ],
)
def test_other_languages(text: str, kept: list[str]) -> None:
    res = clean_text(text)
    lines = [ln for ln in res.text.split("\n") if ln]
    assert len(lines) == len(kept), res.removed
    for ln, start in zip(lines, kept, strict=True):
        assert ln.startswith(start)


def test_lead_duplicate_summary_removed_title_and_dateline_kept() -> None:
    text = (
        "Heavy rain floods the city centre\n\n"
        "Schools were closed after heavy rain flooded the city centre on Tuesday.\n"
        "MUMBAI:\n\n"
        "Schools were closed after heavy rain flooded the city centre on Tuesday. "
        "The weather office warned of more rain over the weekend."
    )
    res = clean_text(text, "en")
    assert [r.rule for r in res.removed] == ["lead-duplicate"]
    assert res.text.split("\n") == [
        "Heavy rain floods the city centre",
        "",
        "MUMBAI:",
        "",
        text.split("\n")[-1],
    ]


def test_abridged_highlight_removed() -> None:
    text = (
        "The council approved the new budget for the coming financial year.\n\n"
        "After a long debate, the council on Friday approved the new municipal budget for the "
        "coming financial year, officials said."
    )
    # the highlight's words appear, in order, inside one body sentence
    res = clean_text(text)
    assert [r.rule for r in res.removed] == ["lead-duplicate"]


def test_repeats_inside_body_are_kept() -> None:
    text = (
        "The leader rejected the offer after two rounds of talks with the party.\n\n"
        "We will not step back. The talks are over.\n\n"
        '"We will not step back. The talks are over," the leader said in a statement.'
    )
    res = clean_text(text)
    assert res.removed == []
    assert res.text == text


def test_caption_written_twice() -> None:
    in_body = (
        "A farmer works in a field near the river. (File) "
        "A farmer works in a field near the river. (File)\n\n"
        "Officials visited the area. A farmer works in a field near the river."
    )
    res = clean_text(in_body)
    assert [r.rule for r in res.removed] == ["repeated-caption"]
    assert res.text == "Officials visited the area. A farmer works in a field near the river."
    not_in_body = "Crowds gather at the station. Crowds gather at the station.\n\nOther text here."
    res = clean_text(not_in_body)
    assert res.text.split("\n")[0] == "Crowds gather at the station."
    assert [r.rule for r in res.removed] == ["repeated-caption"]


def test_topic_footer_swallows_short_tail_only() -> None:
    res = clean_text("Body sentence one is here.\nTopics\nfloods\nmonsoon rains")
    assert res.text == "Body sentence one is here."
    assert [r.rule for r in res.removed] == ["topic-footer"] * 3
    long_tail = "A long paragraph follows the footer and it is a real sentence of the story."
    res = clean_text(f"Body sentence one is here.\nTags:\n{long_tail}")
    assert res.text == f"Body sentence one is here.\n{long_tail}"


def test_orphan_related_headline_needs_boilerplate_around() -> None:
    text = "Body sentence here.\n\nAdvertisement\n\nPolice arrest two men in city raid\n\n© Example"
    res = clean_text(text)
    assert [r.rule for r in res.removed] == ["advertisement", "related-headline", "copyright"]
    # the last line of the story itself (preceded by text, not by boilerplate) stays
    text = "Body sentence here.\n\nOfficials expect more arrests in the coming days\n\n© Example"
    assert clean_text(text).text == (
        "Body sentence here.\n\nOfficials expect more arrests in the coming days"
    )


def test_support_and_subscribe_blocks() -> None:
    text = (
        "The budget was passed on Friday.\n\n"
        "Support our journalism\n"
        "Independent reporting needs your support. Contribute or subscribe today.\n\n"
        "Subscribe to the channel, the minister told his followers at the rally."
    )
    res = clean_text(text)
    assert [r.rule for r in res.removed] == ["subscription", "subscription"]
    assert res.text.split("\n")[-1].startswith("Subscribe to the channel, the minister")


def test_empty_and_blank() -> None:
    assert clean_text("") == CleanResult("", [])
    assert clean_text(" \n\u200b\n ").text == ""


def test_reader_comments_after_a_closing_subscribe_box_are_dropped() -> None:
    raw = "\n".join(
        [
            "The municipal council approved the new water plan on Tuesday.",
            "The plan covers 40 wards and will cost Rs 120 crore over three years.",
            "Officials said work would begin in June.",
            "Quality journalism costs money and needs readers to pay for it.",
            "SUBSCRIBE NOW",
            "Sir, this article is biased and one-sided.",
            "The Paper Stop your propaganda.",
        ]
    )
    res = clean_text(raw)
    assert res.text.endswith("begin in June.")
    rules = {r.rule for r in res.removed}
    assert "comments-after-subscribe-box" in rules
    # a box near the top is a banner or a mid-story box: the story below it stays
    top = clean_text("SUBSCRIBE NOW\n" + raw.split("\nQuality")[0])
    assert "approved the new water plan" in top.text and "begin in June" in top.text
    # "Support our journalism" closes the story even when the comments are very long
    long = raw.replace("SUBSCRIBE NOW", "Support Our Journalism") + "\nGreat piece." * 50
    assert clean_text(long).text.endswith("begin in June.")
