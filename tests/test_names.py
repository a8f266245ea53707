"""Cross-script name keys: the same name in Latin and Devanagari gives the same key."""

from __future__ import annotations

import pytest

from storyline.text.names import deva_to_latin, name_keys, skeleton


@pytest.mark.parametrize(
    ("latin", "deva"),
    [
        ("Kishor", "किशोर"),
        ("Prashant", "प्रशांत"),
        ("Congress", "कांग्रेस"),
        ("Gandhi", "गांधी"),
        ("Rahul", "राहुल"),
        ("Sonia", "सोनिया"),
        ("Priyanka", "प्रियंका"),
        ("Vadra", "वाड्रा"),
        ("Gujarat", "गुजरात"),
        ("Punjab", "पंजाब"),
        ("Chandigarh", "चंडीगढ़"),
        ("Amarinder", "अमरिंदर"),
        ("Singh", "सिंह"),
        ("Surjewala", "सुरजेवाला"),
        ("Modi", "मोदी"),
        ("Delhi", "दिल्ली"),
        ("Banerjee", "बनर्जी"),
        ("NDTV", "एनडीटीवी"),
        ("Odisha", "ओडिशा"),
    ],
)
def test_same_key_across_scripts(latin: str, deva: str) -> None:
    assert skeleton(latin) == skeleton(deva) != ""


def test_different_names_differ() -> None:
    assert skeleton("Kishor") != skeleton("Kumar")
    assert skeleton("Gujarat") != skeleton("Punjab")


def test_transliteration_schwa_and_nukta() -> None:
    assert deva_to_latin("किशोर") == "kishor"
    assert deva_to_latin("ज़िला").startswith("z")


def test_name_keys_skip_function_words_and_short_numbers() -> None:
    keys = name_keys(
        "The Congress met on Monday. He said Rahul Gandhi will visit Gujarat in 2024 with 12 MPs."
    )
    assert {"kngrs", "rhl", "gnd", "gjrt", "2024"} <= set(keys)
    assert skeleton("Monday") not in keys and "12" not in keys and skeleton("The") not in keys


def test_name_keys_hindi_drops_postpositions() -> None:
    keys = name_keys("राहुल गांधी ने गुजरात में प्रशांत किशोर से मुलाकात की थी")
    assert {"prsnt", "ksr", "gjrt", "rhl", "gnd"} <= set(keys)
    assert skeleton("के") not in keys or skeleton("के") == ""
