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
)

CORPUS = Path(__file__).with_name("immigration_corpus.txt")


def _corpus(sign: str) -> list[str]:
    return [line[2:].strip() for line in CORPUS.read_text("utf-8").splitlines() if line.startswith(sign + " ")]


POSITIVE, NEGATIVE = _corpus("+"), _corpus("-")


@pytest.mark.policy("P14")
def test_the_corpus_is_big_enough():
    assert len(POSITIVE) >= 40 and len(NEGATIVE) >= 40


@pytest.mark.policy("P14")
@pytest.mark.parametrize("sentence", POSITIVE)
def test_catches_sentences_that_record_immigration_citizenship_or_birthplace(sentence):
    found = find_immigration_text(sentence)
    assert found, f"missed: {sentence}"
    assert found[0].sentence == sentence and found[0].reason


@pytest.mark.policy("P14")
@pytest.mark.parametrize("sentence", NEGATIVE)
def test_leaves_ordinary_school_text_alone(sentence):
    assert find_immigration_text(sentence) == [], sentence


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
                        "id": "01ARZ3NDEKTSV4RRFFQ69G5FAV", "word": "Undocumented"})
    assert texts == {"a": "x y", "b[1].c": "born in Peru", "word": "Undocumented"}


@pytest.mark.policy("P14")
@given(st.lists(st.sampled_from(NEGATIVE), min_size=1, max_size=6),
       st.sampled_from(POSITIVE), st.integers(0, 6))
def test_one_forbidden_sentence_is_found_among_any_ordinary_ones(ordinary, forbidden, at):
    parts = list(ordinary)
    parts.insert(min(at, len(parts)), forbidden)
    found = find_immigration_text(" ".join(parts))
    assert [f.sentence for f in found] == [forbidden]
