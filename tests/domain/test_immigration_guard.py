"""P14: the free-text guard catches paraphrases and leaves ordinary school text alone."""

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from safetydesk.domain.immigration_guard import (
    ImmigrationDataWarning,
    find_immigration_text,
    free_texts,
    guard,
    is_free_text,
    sentences,
)
from support import count

CORPUS = Path(__file__).with_name("immigration_corpus.txt")
HOLDOUT = Path(__file__).with_name("immigration_holdout.txt")
HOLDOUT2 = Path(__file__).with_name("immigration_holdout2.txt")


def _corpus(sign: str, path: Path = CORPUS) -> list[str]:
    return [line[2:].strip() for line in path.read_text("utf-8").splitlines() if line.startswith(sign + " ")]


POSITIVE, NEGATIVE = _corpus("+"), _corpus("-")
HELD_POSITIVE, HELD_NEGATIVE = _corpus("+", HOLDOUT), _corpus("-", HOLDOUT)
HELD2_POSITIVE, HELD2_NEGATIVE = _corpus("+", HOLDOUT2), _corpus("-", HOLDOUT2)
SPANISH = {"el", "la", "los", "las", "su", "sus", "que", "dijo", "tiene", "tienen", "mi", "del", "al", "se", "lo",
           "es", "una", "por", "con", "y", "está", "son", "vino", "le", "papá", "mamá"}


def _spanish(sentence: str) -> bool:
    words = [w.strip("¿?¡!.,;:\"'") for w in sentence.lower().split()]
    return sum(w in SPANISH for w in words) >= 2


@pytest.mark.policy("P14")
def test_the_corpus_is_big_enough_in_english_and_spanish():
    assert len(POSITIVE) >= 200 and len(NEGATIVE) >= 200
    assert sum(map(_spanish, POSITIVE)) >= 40 and sum(map(_spanish, NEGATIVE)) >= 30
    assert not set(HELD_POSITIVE + HELD_NEGATIVE) & set(POSITIVE + NEGATIVE), "the held-out part is apart"
    assert not set(HELD2_POSITIVE + HELD2_NEGATIVE) & set(POSITIVE + NEGATIVE), "the second held-out part is apart"


@pytest.mark.policy("P14")
def test_every_corpus_sentence_is_decided_as_written_and_the_figures_are_printed():
    caught = sum(1 for s in POSITIVE if find_immigration_text(s))
    alarms = sum(1 for s in NEGATIVE if find_immigration_text(s))
    count("p14-corpus", flag=len(POSITIVE), caught=caught, **{"pass": len(NEGATIVE)}, **{"false-alarms": alarms})
    assert caught == len(POSITIVE) and alarms == 0


@pytest.mark.policy("P14")
def test_the_held_out_sentences_never_tuned_on():
    # Written before the detector was tuned; reported, and held to a floor rather than to 100 %.
    caught = sum(1 for s in HELD_POSITIVE if find_immigration_text(s))
    alarms = sum(1 for s in HELD_NEGATIVE if find_immigration_text(s))
    count("p14-holdout", flag=len(HELD_POSITIVE), caught=caught, **{"pass": len(HELD_NEGATIVE)},
          **{"false-alarms": alarms})
    assert caught >= 0.8 * len(HELD_POSITIVE) and alarms <= 0.05 * len(HELD_NEGATIVE)


@pytest.mark.policy("P14")
def test_the_second_held_out_sentences_never_tuned_on():
    # Written before the second round of tuning (kinds, not examples); same floor as the first.
    assert len(HELD2_POSITIVE) >= 50 and len(HELD2_NEGATIVE) >= 50
    caught = sum(1 for s in HELD2_POSITIVE if find_immigration_text(s))
    alarms = sum(1 for s in HELD2_NEGATIVE if find_immigration_text(s))
    count("p14-holdout2", flag=len(HELD2_POSITIVE), caught=caught, **{"pass": len(HELD2_NEGATIVE)},
          **{"false-alarms": alarms})
    assert caught >= 0.8 * len(HELD2_POSITIVE) and alarms <= 0.05 * len(HELD2_NEGATIVE)


@pytest.mark.policy("P14")
@pytest.mark.parametrize("sentence", POSITIVE)
def test_catches_sentences_that_record_immigration_citizenship_or_birthplace(sentence):
    found = find_immigration_text(sentence)
    assert found, f"missed: {sentence}"
    assert all(f.sentence in sentence and f.reason for f in found)


@pytest.mark.policy("P14")
@pytest.mark.parametrize("sentence", NEGATIVE)
def test_leaves_ordinary_school_text_alone(sentence):
    assert find_immigration_text(sentence) == [], sentence


@pytest.mark.policy("P14")
@pytest.mark.parametrize("text", [
    "undocumented", "deported", "daca", "green-card", "un\u200bdocumented", "undo\u0441umented",
    "\uff35\uff4e\uff44\uff4f\uff43\uff55\uff4d\uff45\uff4e\uff54\uff45\uff44", "de-ported", "d.a.c.a",
    "UNDOCUMENTED", "und\u00f6cumented", "in\u00addocumentado", "gr\u0435en card", "illegal_alien",
    "place_of_birth", "sin\u00a0papeles", "undocumented\u202e", "deport\u00e9",
])
def test_a_word_is_caught_however_it_is_written(text):
    assert find_immigration_text(text), repr(text)
    assert is_free_text(text)
    assert free_texts({"narrative": text}) == {"narrative": text}


@pytest.mark.policy("P14")
def test_only_safetydesk_own_codes_ids_and_dates_are_not_free_text():
    for code in ("detainer", "search_locker", "01ARZ3NDEKTSV4RRFFQ69G5FAV", "a" * 64, "2025-10-03",
                 "2025-10-03T10:15", ""):
        assert not is_free_text(code), code
    for text in ("undocumented", "deported", "daca", "refugee", "born_in_mexico", "x"):
        assert is_free_text(text), text


def test_sentences_do_not_break_at_initials_and_abbreviations():
    assert sentences("Mom is a U.S. citizen; dad is not. Mr. Tran called.") == [
        "Mom is a U.S. citizen;", "dad is not.", "Mr. Tran called."]
    assert sentences("She is a D.A.C.A. recipient.") == ["She is a D.A.C.A. recipient."]


@pytest.mark.policy("P14")
def test_names_only_the_offending_sentence_of_a_narrative():
    text = ("Two students argued in the cafeteria. One said his family came over from Honduras "
            "without papers. Staff separated them and called the assistant principal.")
    found = find_immigration_text(text)
    assert [f.sentence for f in found] == ["One said his family came over from Honduras without papers."]


@pytest.mark.policy("P14")
def test_guard_raises_with_every_sentence_and_field():
    with pytest.raises(ImmigrationDataWarning) as info:
        guard({"narrative": "Calm talk. She is undocumented.", "outcome": "Returned to class.",
               "note": "He has a green card."})
    assert info.value.sentences == ["She is undocumented.", "He has a green card."]
    assert info.value.fields == ["narrative", "note"]
    assert "Nothing was saved" in info.value.message and "She is undocumented." in info.value.message


def test_free_texts_walks_nested_values():
    texts = free_texts({"a": "x y", "b": [{"c": "born in Peru"}], "n": 3, "f": True, "code": "detainer",
                        "id": "01ARZ3NDEKTSV4RRFFQ69G5FAV", "word": "Undocumented", "one": "undocumented"})
    assert texts == {"a": "x y", "b[1].c": "born in Peru", "word": "Undocumented", "one": "undocumented"}


@pytest.mark.policy("P14")
@given(st.lists(st.sampled_from(NEGATIVE), min_size=1, max_size=6),
       st.sampled_from(POSITIVE), st.integers(0, 6))
def test_one_forbidden_sentence_is_found_among_any_ordinary_ones(ordinary, forbidden, at):
    parts = list(ordinary)
    parts.insert(min(at, len(parts)), forbidden)
    found = find_immigration_text(" ".join(parts))
    assert found and all(f.sentence in forbidden for f in found), (found, forbidden)


# Kinds, not examples: each forbidden kind is a verb family crossed with an object family, and the
# same verbs with school objects are ordinary.
_PERSON = st.sampled_from(["his dad", "her mom", "my tío", "their uncle", "the student's brother", "grandma"])
_AGENT = st.sampled_from(["ICE", "immigration", "la migra", "Border Patrol"])
_TAKE = st.sampled_from(["took", "was going to take", "tried to take", "picked up", "came for", "arrested",
                         "is looking for", "might take", "detained", "grabbed"])
_COUNTRY = st.sampled_from(["Mexico", "Honduras", "El Salvador", "Guatemala", "Somalia", "Ukraine", "Haiti"])
_STAFF = st.sampled_from(["The nurse", "The AP", "SRO", "The counselor", "Staff"])
_SCHOOL_PLACE = st.sampled_from(["class", "the office", "the gym", "the bus", "the classroom", "the cafeteria"])


@pytest.mark.policy("P14")
@given(_AGENT, _TAKE, _PERSON)
def test_any_agent_taking_any_family_member_is_caught(agent, take, person):
    assert find_immigration_text(f"Student said {agent} {take} {person}.")


@pytest.mark.policy("P14")
@given(st.sampled_from(["removed to", "deported to", "sent back to", "deported back to", "shipped back to"]),
       _PERSON, _COUNTRY)
def test_a_family_member_removed_to_any_country_is_caught(verb, person, country):
    assert find_immigration_text(f"Stu said {person} was {verb} {country} last year.")


@pytest.mark.policy("P14")
@given(_PERSON, st.sampled_from(["{p}'s visa ran out", "{p}'s visa expired", "{p}'s papers are not in order",
                                  "{p}'s documents aren't in order", "{p} has to see immigration",
                                  "{p} has an appt with ICE", "{p} entered the country illegally",
                                  "{p} crossed without papers", "{p} is not legal", "{p} overstayed a visa"]))
def test_each_missed_kind_is_caught_for_any_family_member(person, kind):
    sentence = "Per the student, " + kind.format(p=person) + "."
    assert find_immigration_text(sentence), sentence


@pytest.mark.policy("P14")
@given(_STAFF, st.sampled_from(["removed", "sent back", "took", "picked up", "walked"]), _PERSON, _SCHOOL_PLACE)
def test_the_same_verbs_with_school_places_are_ordinary(staff, verb, person, place):
    sentence = (f"{staff} {verb} the student to {place}." if verb != "removed"
                else f"{staff} removed the student from {place}.")
    assert find_immigration_text(sentence) == [], sentence
