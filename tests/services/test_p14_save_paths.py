"""P14 through the real save paths: every corpus sentence is refused (or saved) by the services
that write records, not only by the detector: a new interaction in each of its free-text fields
(every string of a full record, whatever it looks like), an amendment, its reason, a follow-up,
a retraction reason and `import records`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from everyday_helpers import law_enforcement_draft
from safetydesk.domain.immigration_guard import ImmigrationDataWarning, is_free_text
from safetydesk.domain.records import InteractionDraft
from safetydesk.services import interactions, records_io
from support import count

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "domain"))
from test_immigration_guard import NEGATIVE, POSITIVE

pytestmark = pytest.mark.policy("P14")


def _paths(value, prefix=()):
    """Every string leaf of a record state, as a path of keys and indexes."""
    if isinstance(value, str):
        yield prefix
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, (*prefix, i))


def _with(state, path, text):
    state = json.loads(json.dumps(state))
    target = state
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = text
    return state


def _full(world):
    """A law enforcement interaction with every block filled in."""
    return law_enforcement_draft(world, alternatives_considered=["other"], alternatives_note="Talked first.",
                                 responsible_admin="Dr. Lena Ortiz",
                                 notification_deferred_reason="")


def _refused(world, call) -> bool:
    before = world.session.store.history_count()
    try:
        call()
    except ImmigrationDataWarning:
        assert world.session.store.history_count() == before, "nothing is saved"
        return True
    return False


def test_every_field_of_a_new_interaction_is_checked_whatever_its_value_looks_like(world):
    state = _full(world).to_state()
    paths = list(_paths(state))
    assert len(paths) >= 25
    caught = 0
    for i, path in enumerate(paths):
        sentence = POSITIVE[i % len(POSITIVE)]
        draft = InteractionDraft.from_state(_with(state, path, sentence))
        caught += _refused(world, lambda d=draft: interactions.log_interaction(world.session, d))
    # One-word values that look like codes are free text too.
    for word in ("undocumented", "deported", "daca", "green-card"):
        draft = InteractionDraft.from_state(_with(state, ("le_activities", 0, "agency"), word))
        caught += _refused(world, lambda d=draft: interactions.log_interaction(world.session, d))
    count("p14-save-paths", tried=len(paths) + 4, refused=caught)
    assert caught == len(paths) + 4


def test_every_forbidden_sentence_is_refused_by_a_save_path(world):
    s = world.session
    base = world.draft()
    iid = interactions.log_interaction(s, base)
    version = s.store.record_info("interaction", iid)["version"]
    fields = ("narrative", "location", "responsible_admin")
    ways = []
    for i, sentence in enumerate(POSITIVE):
        kind = i % 5
        if kind == 0:
            d = InteractionDraft.from_state(base.to_state() | {fields[i % 3]: sentence})
            ways.append(lambda d=d: interactions.log_interaction(s, d))
        elif kind == 1:
            d = InteractionDraft.from_state(base.to_state() | {"narrative": f"Corrected. {sentence}"})
            ways.append(lambda d=d: interactions.amend_interaction(s, iid, d, "Typo", version))
        elif kind == 2:
            d = InteractionDraft.from_state(base.to_state() | {"location": "Gym"})
            ways.append(lambda d=d, r=sentence: interactions.amend_interaction(s, iid, d, r, version))
        elif kind == 3:
            ways.append(lambda t=sentence: interactions.add_follow_up(s, iid, t))
        else:
            ways.append(lambda t=sentence: interactions.retract_interaction(s, iid, t))
    refused = sum(_refused(world, w) for w in ways)
    count("p14-save-paths", tried=len(ways), refused=refused)
    assert refused == len(POSITIVE)
    assert not s.store.state("interaction", iid)["retracted"]


def test_ordinary_sentences_save_through_the_same_paths(world):
    s = world.session
    iid = interactions.log_interaction(s, world.draft())
    saved = 0
    for i, sentence in enumerate(NEGATIVE):
        kind = i % 3
        if kind == 0:
            interactions.log_interaction(s, world.draft(narrative=sentence, location="Office"))
        elif kind == 1:
            current = interactions.get_interaction(s, iid)["draft"]
            interactions.amend_interaction(s, iid, InteractionDraft.from_state(
                current.to_state() | {"narrative": sentence}), sentence)
        else:
            interactions.add_follow_up(s, iid, sentence)
        saved += 1
    count("p14-save-paths", saved=saved)
    assert saved == len(NEGATIVE)


def _rows(world, tmp_path, narratives):
    """JSON Lines rows of SafetyDesk's own export, one per narrative."""
    s = world.session
    template = tmp_path / "one.jsonl"
    interactions.log_interaction(s, world.draft(occurred_at="2025-09-30T08:00"))
    records_io.export_records(s, "interaction", "jsonl", template)
    row = json.loads(template.read_text().splitlines()[-1])
    lines = []
    for text in narratives:
        lines.append(json.dumps(row | {"id": "", "narrative": text}))
    path = tmp_path / "import.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_import_records_refuses_every_forbidden_row_and_keeps_every_ordinary_one(world, tmp_path):
    s = world.session
    path = _rows(world, tmp_path, POSITIVE)
    before = s.store.history_count()
    with pytest.raises(records_io.ImportRefused) as info:
        records_io.import_records(s, path)
    assert s.store.history_count() == before
    rows = {p.row for p in info.value.problems if "(P14)" in p.message}
    count("p14-save-paths", imported_tried=len(POSITIVE), import_refused=len(rows))
    assert rows == set(range(1, len(POSITIVE) + 1))
    ok = _rows(world, tmp_path, NEGATIVE)
    result = records_io.import_records(s, ok, dry_run=True)
    assert result.created == {"interaction": len(NEGATIVE)}


def test_codes_ids_and_dates_of_a_saved_record_are_the_only_strings_not_checked(world):
    state = _full(world).to_state()
    skipped = {p for p in _paths(state) if not is_free_text(_value(state, p)) and _value(state, p)}
    # Vocabulary codes, record ids, dates: SafetyDesk's own, never a person's words.
    for p in skipped:
        v = _value(state, p)
        assert v in {"law_enforcement", "counselor_referral", "other", "interview_interrogation", "consent",
                     "subject", "lead", "phone", "reached"} or len(v) == 26 or v[:2] == "20", (p, v)


def _value(state, path):
    for key in path:
        state = state[key]
    return state
