"""Tests for storyline.text.dates: publication dates (given/estimated) and time expressions."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from storyline.errors import InputError
from storyline.model import DateInfo, TimeExpression
from storyline.text.clean import clean_text
from storyline.text.dates import find_time_expressions, publication_date, validate_date

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "seeds"
TODAY = dt.date(2025, 1, 1)
_HEADER = re.compile(r"^\s*date\s+\d{4}-\d{2}-\d{2}")


def _raw(prefix: str) -> str:
    if not SEEDS.is_dir():
        pytest.skip("../shared/data/seeds not present (seed articles are read at test time)")
    files = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    if not files:
        pytest.skip(f"../shared/data/seeds/{prefix}_*.txt not present")
    return files[0].read_text(encoding="utf-8")


def _body(raw: str) -> str:
    return clean_text(re.sub(r"^\s*date\s+\d{4}-\d{2}-\d{2}\s*", "", raw)).text


def _bounds_ok(info: DateInfo) -> None:
    """The estimate's value lies inside [earliest, latest]."""
    if info.value is None:
        return
    first = info.value + "-01-01"[len(info.value) - 4 :] if len(info.value) < 10 else info.value
    if info.earliest:
        assert info.earliest[: len(info.value)] <= info.value
    if info.latest:
        assert first <= info.latest


def _values(exprs: list[TimeExpression]) -> dict[str, str | None]:
    return {e.text: e.value for e in exprs}


# --------------------------------------------------------------------------- seeds


@pytest.mark.shared
def test_seed_000_header_date() -> None:
    raw = _raw("000")
    header = _HEADER.match(raw)
    assert header is not None
    info = publication_date(
        _body(raw), hint=header.group(0), hint_origin="header line", today=TODAY
    )
    assert info.value == "2020-06-26"
    assert not info.is_estimate
    assert info.granularity == "day"
    assert info.confidence >= 0.95
    assert info.evidence == 'header line " date 2020-06-26"'


@pytest.mark.shared
def test_seed_000_weekdays_resolved() -> None:
    text = _body(_raw("000"))
    exprs = find_time_expressions(text, pub_date="2020-06-26", lang="en")
    for e in exprs:
        assert text[e.start : e.end] == e.text
    vals = _values(exprs)
    assert vals["on Wednesday"] == "2020-06-24"
    assert vals["on Thursday"] == "2020-06-25"  # he left on Thursday; published Friday
    assert vals["2017"] == "2017"


@pytest.mark.shared
def test_seed_001_estimate() -> None:
    info = publication_date(_body(_raw("001")), lang="en", today=TODAY)
    assert info.is_estimate
    assert info.granularity == "month"
    assert info.value == "2022-04"  # latest past year 2021 + "last year"; "April 25"
    assert info.earliest == "2021-01-01"
    assert info.latest == "2024-12-31"  # "the 2024 Lok Sabha elections" lie ahead
    assert info.confidence <= 0.6
    assert "last year" in info.evidence and "April 25" in info.evidence
    _bounds_ok(info)


@pytest.mark.shared
def test_seed_001_expressions() -> None:
    text = _body(_raw("001"))
    vals = _values(find_time_expressions(text, pub_date="2022-04-26", lang="en"))
    assert vals["April 25"] == "2022-04-25"
    assert vals["early April"] == "2022-04"
    assert vals["last week"] == "2022-04"
    assert vals["last year"] == "2021"


@pytest.mark.shared
def test_seed_002_estimate() -> None:
    info = publication_date(_body(_raw("002")), lang="hi", today=TODAY)
    assert info.is_estimate
    assert info.granularity != "day"
    assert info.value is None  # no past year in the text: only an upper bound
    assert info.granularity == "none"
    assert info.latest == "2024-12-31"  # "2024 के लोकसभा चुनावों से पहले"
    assert info.confidence <= 0.6
    _bounds_ok(info)


@pytest.mark.shared
def test_seed_002_hindi_expressions() -> None:
    text = _body(_raw("002"))
    exprs = find_time_expressions(text, pub_date="2022-05-03", lang="hi")
    for e in exprs:
        assert text[e.start : e.end] == e.text
    vals = _values(exprs)
    assert vals["पिछले साल सितंबर"] == "2021-09"
    assert vals["इस साल"] == "2022"
    assert vals["पिछले साल"] == "2021"
    assert vals["मंगलवार"] == "2022-05-03"  # published on a Tuesday
    assert all(e.relative for e in exprs if e.text != "2024")


# --------------------------------------------------------------------------- hints


@pytest.mark.parametrize(
    ("hint", "value"),
    [
        ("2020-06-26", "2020-06-26"),
        (" date 2020-06-26", "2020-06-26"),
        ("2020-06-26T09:47:00+05:30", "2020-06-26"),
        ("Fri, 26 Jun 2020 09:47:00 +0530", "2020-06-26"),
        ("26 June 2020", "2020-06-26"),
        ("June 26, 2020", "2020-06-26"),
        ("20200626", "2020-06-26"),
        ("26 जून 2020", "2020-06-26"),
        ("२६ जून २०२०", "2020-06-26"),
        ("26/06/2020", "2020-06-26"),
        ("2020.06.26", "2020-06-26"),
        ("2020-06", "2020-06"),
        ("2020", "2020"),
    ],
)
def test_hints(hint: str, value: str) -> None:
    info = publication_date("Nothing dated here.", hint=hint, hint_origin="jsonl field 'date'",
                            today=TODAY)
    assert info.value == value
    assert not info.is_estimate
    assert info.confidence >= 0.95
    assert info.granularity == {4: "year", 7: "month", 10: "day"}[len(value)]
    assert info.evidence.startswith("jsonl field 'date' \"")


def test_unparseable_or_relative_hint_falls_back_to_text() -> None:
    for hint in ("not a date", "yesterday"):
        info = publication_date("Nothing dated here.", hint=hint, today=TODAY)
        assert info.is_estimate
        assert info.value is None
        assert info.granularity == "none"
        assert info.evidence == "no date in input or text"


@pytest.mark.parametrize("hint", ["1850-01-01", "2099-05-01", "2025-01-04"])
def test_absurd_hint_raises(hint: str) -> None:
    with pytest.raises(InputError) as err:
        publication_date("text", hint=hint, today=TODAY)
    assert err.value.reason == "bad-date"


def test_validate_date() -> None:
    assert validate_date("2020-6-5", TODAY) == "2020-06-05"
    assert validate_date("2020-06", TODAY) == "2020-06"
    assert validate_date("2025-01-03", TODAY) == "2025-01-03"  # today + 2 days is tolerated
    for bad in ("2020-13-01", "2021-02-30", "abc", "1899-12-31", "2025-01-04", ""):
        with pytest.raises(InputError) as err:
            validate_date(bad, TODAY)
        assert err.value.reason == "bad-date"
        assert "\n" not in err.value.message


# --------------------------------------------------------------------------- estimates


def test_self_dated_text_gives_day() -> None:
    info = publication_date(
        "NEW DELHI, Monday, April 25, 2022: The committee met again.", today=TODAY
    )
    assert (info.value, info.granularity, info.is_estimate) == ("2022-04-25", "day", True)
    assert info.confidence <= 0.6
    info = publication_date("Published on 3 March 2021\nThe fair opened.", today=TODAY)
    assert (info.value, info.granularity) == ("2021-03-03", "day")


def test_wrong_weekday_is_not_self_dating() -> None:
    info = publication_date("The vote was held on Friday, April 25, 2022.", today=TODAY)
    assert info.granularity == "month"
    assert info.value == "2022-04"


def test_estimate_year_and_last_year_rule() -> None:
    # a bare past year only says "in or after": a range, no value
    info = publication_date("The firm was founded in 2015 and expanded in 2018.", today=TODAY)
    assert (info.value, info.granularity, info.earliest) == (None, "none", "2018-01-01")
    assert info.is_estimate and info.confidence <= 0.6
    assert "in or after 2018" in info.evidence
    # "most recently ... in 2019" + "last year": written the year after 2019
    info = publication_date(
        "The firm most recently cut jobs in 2019. Last year it hired again.", today=TODAY
    )
    assert (info.value, info.granularity) == ("2020", "year")
    _bounds_ok(info)
    # "last year" alone does not move a year that the text dates to the month
    info = publication_date("Sales rose in January 2020, most recently. Last year they fell.",
                            today=TODAY)
    assert info.value == "2020-01"


def test_estimate_future_years_bound_only() -> None:
    info = publication_date(
        "Ahead of the 2024 Olympics, the federation named a new coach.", today=TODAY
    )
    assert info.value is None
    assert info.latest == "2024-12-31"
    later = publication_date("Ahead of the 2030 World Cup, a new coach.", today=TODAY)
    assert later.latest == "2025-01-01"  # never after today
    assert info.is_estimate and info.granularity == "none"


def test_estimate_hindi_and_native_digits() -> None:
    info = publication_date("मंत्री ने २५ अप्रैल २०२२ को बैठक बुलाई थी।", lang="hi", today=TODAY)
    assert info.value == "2022-04"
    assert info.granularity == "month"
    assert info.earliest == "2022-04-25"


def test_no_date_at_all() -> None:
    info = publication_date("The council met and discussed the budget.", today=TODAY)
    assert info == DateInfo(None, 0.0, True, "no date in input or text", "none")


def test_title_is_used() -> None:
    info = publication_date("No dates in the body.", title="Budget 2021: what changed",
                            today=TODAY)
    assert info.earliest == "2021-01-01"
    assert "Budget 2021" in info.evidence


# --------------------------------------------------------------------------- expressions

EN = (
    "Yesterday the council met. The mayor spoke today. Two days ago police arrived. "
    "Talks broke down last September and resumed earlier this month. Prices rose last "
    "month and may rise next year. The minister left on Wednesday and will return next "
    "Wednesday. The flood of December 20 is remembered. Leaders will meet on November 2. "
    "The vote on April 25 and the rally on Sept. 3 passed. India Today reported it."
)


def test_english_relative_expressions() -> None:
    exprs = find_time_expressions(EN, pub_date="2022-10-15", lang="en")  # a Saturday
    for e in exprs:
        assert EN[e.start : e.end] == e.text
    vals = _values(exprs)
    assert vals["Yesterday"] == "2022-10-14"
    assert vals["today"] == "2022-10-15"
    assert vals["Two days ago"] == "2022-10-13"
    assert vals["last September"] == "2022-09"
    assert vals["earlier this month"] == "2022-10"
    assert vals["last month"] == "2022-09"
    assert vals["next year"] == "2023"
    assert vals["on Wednesday"] == "2022-10-12"
    assert vals["next Wednesday"] == "2022-10-19"
    assert vals["December 20"] == "2021-12-20"  # far ahead of publication: last year's
    assert vals["November 2"] == "2022-11-02"  # "will meet": ahead
    assert vals["April 25"] == "2022-04-25"
    assert vals["Sept. 3"] == "2022-09-03"
    assert "Today" not in vals  # "India Today" is a name
    assert "may" not in " ".join(vals)


def test_unresolved_without_pub_date() -> None:
    exprs = find_time_expressions("He left on Monday, in 2021, and on 3 May 2020.", pub_date=None)
    vals = _values(exprs)
    assert vals == {"on Monday": None, "2021": "2021", "3 May 2020": "2020-05-03"}
    assert [e.relative for e in exprs] == [True, False, False]


def test_coarse_pub_date() -> None:
    vals = _values(find_time_expressions("last year and on Monday", pub_date="2022-04"))
    assert vals == {"last year": "2021", "on Monday": None}


def test_numeric_dates() -> None:
    text = "Filed on 3/4/2022, heard on 25/12/2021 and on 12/25/2021, signed 25.04.2022."
    vals = _values(find_time_expressions(text, pub_date=None, lang="en"))
    assert vals == {
        "3/4/2022": "2022",  # day-first or month-first? only the year is certain
        "25/12/2021": "2021-12-25",
        "12/25/2021": "2021-12-25",
        "25.04.2022": "2022-04-25",
    }
    assert _values(find_time_expressions("3/4/2022", pub_date=None, lang="hi")) == {
        "3/4/2022": "2022-04-03"
    }


def test_hindi_relative_expressions() -> None:
    text = (
        "कल मंत्री ने बैठक की थी। कल मंत्री फिर बैठक करेंगे। कल और आज का फर्क। "
        "पिछले साल सितंबर में बात हुई। 2 दिन पहले फैसला हुआ। २५ अप्रैल को रैली थी। "
        "अगले साल चुनाव होंगे। कलाकार आए।"
    )
    exprs = find_time_expressions(text, pub_date="2022-05-03", lang="hi")
    got = [(e.text, e.value) for e in exprs]
    assert got == [
        ("कल", "2022-05-02"),  # past tense: yesterday
        ("कल", "2022-05-04"),  # future tense: tomorrow
        ("कल", None),  # no verb: ambiguous, left unresolved
        ("आज", "2022-05-03"),
        ("पिछले साल सितंबर", "2021-09"),
        ("2 दिन पहले", "2022-05-01"),
        ("२५ अप्रैल", "2022-04-25"),
        ("अगले साल", "2023"),
    ]
    for e in exprs:
        assert text[e.start : e.end] == e.text


def test_other_languages_simple() -> None:
    vals = _values(find_time_expressions(
        "Ayer el 25 de abril de 2022. Hier, le 3 mai. Gestern, am 4. Mai 2021.",
        pub_date="2022-05-10",
    ))
    assert vals["Ayer"] == "2022-05-09"
    assert vals["25 de abril de 2022"] == "2022-04-25"
    assert vals["3 mai"] == "2022-05-03"
    assert vals["4. Mai 2021"] == "2021-05-04"
    assert vals["Gestern"] == "2022-05-09"

