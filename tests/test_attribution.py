"""Attribution rules for real news: typewriter quotes, participles, institutions, "it said",
plural pronouns, role synonyms and titles inside name runs (one test per rule)."""

from __future__ import annotations

from storyline.quotes import extract_claims
from storyline.quotes.spans import find_quotes


def _one(text: str, lang: str = "en"):  # type: ignore[no-untyped-def]
    claims = extract_claims(text, lang)
    assert len(claims) == 1, claims
    return claims[0]


def test_two_apostrophes_close_a_double_quote() -> None:
    text = "“We will formulate a policy for the rural economy,’’ Yediyurappa said."
    (q,) = find_quotes(text)
    assert text[q.inner_start : q.inner_end] == "We will formulate a policy for the rural economy,"
    assert _one(text).speaker == "Yediyurappa"


def test_inverted_source_cut_at_relative_clause() -> None:
    c = _one("“Our luck seems to be holding,’’ tweeted UT government spokesperson Rohit Kansal "
             "who also is Principal Secretary Planning.")
    assert c.speaker == "Rohit Kansal"


def test_participle_takes_a_bare_clause_and_the_sentence_subject() -> None:
    c = _one("Chief Minister Yogi Adityanath on Tuesday welcomed the extension by Prime Minister "
             "Narendra Modi, saying it is in the interest of the country’s health.")
    assert c.speaker == "Yogi Adityanath" and c.text.startswith("it is in the interest")
    claims = extract_claims("“It will act as a barrier to the virus,” Muliyil said, adding this "
                            "will make it difficult for the virus to spread.", "en")
    assert [c.speaker for c in claims] == ["Muliyil", "Muliyil"]
    assert claims[1].kind == "reported" and claims[1].text.startswith("this will make")


def test_participle_with_an_object_is_not_a_claim() -> None:
    assert extract_claims("The minister spoke at length, insisting on the need for masks.",
                          "en") == []


def test_institutions_speak_as_themselves_not_as_a_person() -> None:
    c = _one("The Uttar Pradesh government on Monday announced that migrant labourers in "
             "shelters will be allowed to travel home.")
    assert c.speaker == "Uttar Pradesh government" and not c.anonymous
    text = ("The toll rose to 353, according to the Union Health Ministry. Minister Harsh "
            "Vardhan visited AIIMS. “State-wise distribution is subject to verification,” the "
            "ministry said.")
    assert extract_claims(text, "en")[-1].speaker == "Union Health Ministry"
    c = _one("Police said the accused had fled to Delhi before the raid.")
    assert c.speaker == "Police" and not c.anonymous


def test_hindi_institutions_and_unnamed_information() -> None:
    c = _one("उच्च न्यायालय ने कहा है कि ऐसे में लोगों को डॉक्टर को सम्मान देना चाहिए।", "hi")
    assert c.speaker == "उच्च न्यायालय" and not c.anonymous
    c = _one("पुलिस ने कहा कि आरोपी ने डॉक्टरों से मारपीट की है।", "hi")
    assert c.speaker == "पुलिस" and not c.anonymous
    c = _one("मिली जानकारी के अनुसार, युवक को एक अप्रैल से होम क्वारंटाइन किया गया था।", "hi")
    assert c.anonymous and c.speaker is None


def test_it_said_is_the_organisation_just_quoted() -> None:
    text = ("The death toll rose to 353 on Tuesday, according to the Union Health Ministry. "
            "The number of active cases stands at 9,272, it said.")
    claims = extract_claims(text, "en")
    assert [c.speaker for c in claims] == ["Union Health Ministry"] * 2
    # with no claim before, "it" stays unresolved rather than taking a person's name
    c = _one("Ravi Mehra visited the site on Monday. The plant will reopen next week, it said.")
    assert c.speaker != "Ravi Mehra" and c.source == "it"


def test_they_never_resolves_to_one_person() -> None:
    text = ("Representatives of the associations met Lt Governor G C Murmu on Monday. They "
            "also apprised him of the stranded labourers, saying that the brick kilns must be "
            "allowed to resume work.")
    for c in extract_claims(text, "en"):
        assert c.speaker != "G C Murmu", c


def test_title_inside_a_capitalised_run_leaves_the_name() -> None:
    text = ("Traders met UT’s Lt Governor G C Murmu on Monday. The Lt Governor assured them "
            "that all genuine demands would be looked into.")
    assert _one(text).speaker == "G C Murmu"


def test_role_synonyms_in_hindi() -> None:
    text = ("मुख्यमंत्री योगी आदित्यनाथ ने कहा है कि लॉकडाउन को सख्ती से लागू किया जाएगा। सीएम ने "
            "कहा कि सभी अस्पतालों में आपातकालीन सेवाएं शुरू की जाएं।")
    assert [c.speaker for c in extract_claims(text, "hi")] == ["योगी आदित्यनाथ"] * 2


def test_full_name_from_a_title_before_the_name() -> None:
    text = ("Akal Takht Jathedar Giani Harpreet Singh on Monday said the community was "
            "targeted. Touching upon the incident, the Jathedar said, “We also felt pain.”")
    assert extract_claims(text, "en")[-1].speaker == "Akal Takht Jathedar Giani Harpreet Singh"
    text = ("Streets are empty in Nuh. But DC Pankaj said that 34 villages are sealed.\n"
            "“There is complete restriction on public movement,” Pankaj said.")
    assert all(c.speaker == "Pankaj" for c in extract_claims(text, "en"))


def test_apposition_after_a_long_name_phrase() -> None:
    c = _one("Shiromani Gurdwara Prabandhak Committee (SGPC) member Amarjeet Singh Chawla, also "
             "present at the gurdwara, said that the devotees had stayed home.")
    assert c.speaker == "Amarjeet Singh Chawla"


def test_according_to_in_the_middle_of_a_sentence() -> None:
    c = _one("The Committee, according to the order, will also develop a package for industry.")
    assert c.source == "the order" and c.text.startswith("The Committee")


def test_accusations_are_claims_of_the_accuser() -> None:
    c = _one("Congress leader Adhir Ranjan Chowdhury accused the Centre of wasting precious "
             "time in January and February.")
    assert c.speaker == "Adhir Ranjan Chowdhury" and c.text.startswith("wasting precious")
    c = _one("The Congress slammed PM Modi for not spelling out a roadmap for the economy.")
    assert c.speaker == "Congress" and c.text.startswith("not spelling out")
    assert extract_claims("He was accused of hiding facts from the public.", "en") == []
    assert extract_claims("The party blamed the rain for the low turnout.", "en") == []
    c = _one("El presidente Pedro Sánchez acusó al Gobierno de mentir sobre las cifras.", "es")
    assert c.speaker == "Pedro Sánchez" and c.text.startswith("mentir")


def test_verb_ending_its_sentence_takes_the_next_quotation() -> None:
    text = ("Arvind Gaikwad, nodal officer for media interaction GMCH, said. “The man was tested "
            "as he had symptoms like fever.”")
    c = _one(text)
    assert c.speaker == "Arvind Gaikwad" and c.kind == "direct"


def test_hindi_converb_before_the_speech_verb() -> None:
    c = _one("सीएम ने प्रधानमंत्री नरेन्द्र मोदी द्वारा लॉकडाउन को तीन मई 2020 तक बढ़ाने का स्वागत करते "
             "हुए कहा है कि यह अत्यन्त महत्वपूर्ण कदम है।", "hi")
    assert c.text.startswith("यह अत्यन्त") and c.source == "सीएम"


def test_headline_claim_colon_name() -> None:
    text = ("लॉकडाउन को पूरी सख्ती से लागू करेंगे : योगी\nमुख्यमंत्री योगी आदित्यनाथ ने कहा है कि "
            "यूपी में लॉकडाउन को सख्ती से लागू किया जाएगा।")
    claims = extract_claims(text, "hi")
    assert claims[0].text == "लॉकडाउन को पूरी सख्ती से लागू करेंगे"
    assert claims[0].speaker == "योगी आदित्यनाथ" and claims[0].source == "योगी"
    # a dateline is not a speaker
    text = ("Nashik: Guardian minister Chhagan Bhujbal on Monday asked residents to stay home.\n"
            "Bhujbal said the district would get more doctors.")
    assert all(c.source != "Nashik" for c in extract_claims(text, "en"))
