"""Entity rules for real news: titles are not people, names after role phrases, places
inside organisation names, place-shaped Hindi words, religious terms (one test per rule)."""

from __future__ import annotations

from storyline.entities.mentions import extract_mentions
from storyline.entities.tokens import tokenize


def _ents(text: str, lang: str = "en") -> dict[str, str]:
    return {m.surface: m.type for m in extract_mentions(text, lang)}


def test_name_after_a_role_phrase_with_a_place_before_it() -> None:
    got = _ents("An order issued by Udhampur Deputy Commissioner Piyush Singla was read. "
                "Traders met UT’s Lt Governor G C Murmu on Monday.")
    assert got.get("Piyush Singla") == "PERSON" and got.get("G C Murmu") == "PERSON", got
    assert got.get("Udhampur") == "PLACE"


def test_titles_and_portfolios_are_not_people() -> None:
    ms = extract_mentions("The Lt Governor met the Principal Secretary Planning and the "
                          "Commissioner/Secretary Industries & Commerce on Monday. Gen spoke "
                          "later.", "en")
    people = [m.surface for m in ms if m.type == "PERSON" and not m.is_role]
    assert not people, people


def test_honorifics_before_a_name_are_stripped() -> None:
    got = _ents("Touching upon the incident, Akal Takht Jathedar Giani Harpreet Singh said so.")
    assert got == {"Harpreet Singh": "PERSON"}, got


def test_organisation_of_a_place_is_one_name_and_person_of_an_organisation_is_not() -> None:
    got = _ents("The Fasteners Suppliers Association of Ludhiana met. The Government of India "
                "will act. Sunil Kumar Aledia of Centre for Holistic Development said so.")
    assert got.get("Fasteners Suppliers Association of Ludhiana") == "ORG", got
    assert got.get("Government of India") == "ORG" and "India" not in got
    assert got.get("Sunil Kumar Aledia") == "PERSON"


def test_acronym_before_a_place_or_organisation_is_one_organisation() -> None:
    got = _ents("Samples go to AIIMS Rishikesh and to MJP Rohilkhand University for tests.")
    assert got.get("AIIMS Rishikesh") == "ORG" and got.get("MJP Rohilkhand University") == "ORG"


def test_compass_word_is_part_of_a_region() -> None:
    got = _ents("More labs are needed in North Karnataka, as in South Asia.")
    assert got.get("North Karnataka") == "PLACE" and got.get("South Asia") == "PLACE", got


def test_generic_bodies_and_religious_terms_are_not_entities() -> None:
    got = _ents("Activity resumes in the Union Territory, a challenge for the UT Administration. "
                "Devotees read the Guru Granth Sahib; the Khalsa Panth and Raagi Jatha sang.")
    assert not got, got


def test_two_initials_start_a_name() -> None:
    assert _ents("The trucks are stuck, said Y V Eswar Rao, general secretary.") == {
        "Y V Eswar Rao": "PERSON"}


def test_hindi_place_shapes_and_female_names() -> None:
    got = _ents("बसंत विहार की मनोरमा देवी, शिकोहाबाद की सावित्री \u200cदेवी और कमलागंज (फर्रुखाबाद) "
                "की रुबीना की मौत हुई।", "hi")
    for w in ("शिकोहाबाद", "कमलागंज", "फर्रुखाबाद"):
        assert got.get(w) == "PLACE", got
    assert got.get("मनोरमा देवी") == "PERSON" and got.get("सावित्री \u200cदेवी") == "PERSON"
    assert "देवी" not in got


def test_hindi_role_cues_and_abbreviated_titles() -> None:
    got = _ents("उपायुक्त पंकज कुमार, पुलिस अधीक्षक नरेंद्र बिजारनिया व सिविल सर्जन डॉ. वीरेंद्र यादव "
                "भी पहुंचे। पल्मोनोलॉजिस्ट नावेद नजीर शाह ने कहा कि सब ठीक है।", "hi")
    for name in ("नरेंद्र बिजारनिया", "वीरेंद्र यादव", "नावेद नजीर शाह"):
        assert got.get(name) == "PERSON", got


def test_zero_width_joiner_stays_inside_a_hindi_word() -> None:
    assert [t.text for t in tokenize("कोरोना ग्रस्\u200dत जिलों")] == [
        "कोरोना", "ग्रस्\u200dत", "जिलों"]
    assert not _ents("प्रदेश के सबसे कोरोना ग्रस्\u200dत जिलों में चिंता है।", "hi")
