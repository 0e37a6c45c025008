"""P25: workstations that exchange history entries in any order converge (issue: a history
that several workstations can merge). Prints the history-convergence and history-mutants
counters."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis.errors import Flaky
from hypothesis.stateful import run_state_machine_as_test
from merge_machine import MergeMachine

from safetydesk.store import history as history_mod
from safetydesk.store import projections
from support import Frac, count, examples

# Shrinking a failing run of five data files is slow; the failing steps are printed anyway.
SETTINGS = dict(deadline=None, suppress_health_check=list(HealthCheck), stateful_step_count=6,
                database=None, phases=[Phase.explicit, Phase.reuse, Phase.generate], print_blob=False)


def _machine(stats: dict[str, int]):
    class Machine(MergeMachine):
        pass

    Machine.stats = stats
    return Machine


@pytest.mark.policy("P25")
def test_five_workstations_converge_whatever_they_exchange():
    stats: dict[str, int] = {}
    run_state_machine_as_test(_machine(stats), settings=settings(max_examples=examples(ci=1000, dev=30), **SETTINGS))
    count("history-convergence", **{k: stats.get(k, 0) for k in (
        "examples", "ops", "out-of-order", "duplicates", "held", "diverged", "lost", "conflicts-missed",
        "verify-failures")})
    assert stats["examples"] > 0 and stats["ops"] > 0


MUTANTS = {
    "fold in arrival order": ("history", "arrival-order"),
    "chain link taken from the local seq": ("history", "chain-local-seq"),
    "bases ignored": ("history", "bases-ignored"),
    "today's date in a projection": ("today", ""),
    "steps merged field by field": ("history", "steps-merged"),
    "accounts projected by name with replace": ("users", ""),
    "signatures not checked": ("history", "signatures-unchecked"),
    "list additions replace the list": ("history", "lists-replace"),
    "permission not checked": ("history", "permission-unchecked"),
}


@pytest.mark.policy("P25")
@pytest.mark.parametrize("name", sorted(MUTANTS))
def test_the_machine_catches_each_mutant(name, monkeypatch):
    where, flag = MUTANTS[name]
    if where == "history":
        monkeypatch.setattr(history_mod, "MUTANT", flag)
    elif where == "today":
        monkeypatch.setattr(projections, "MUTANT_TODAY", [True])
    else:
        monkeypatch.setattr(projections, "MUTANT_USERS_BY_NAME", [True])
    caught = 0
    try:
        # derandomize: the same examples on every run, so whether a mutant is caught never depends on luck
        run_state_machine_as_test(_machine({}), settings=settings(max_examples=examples(ci=200, dev=60),
                                                                  derandomize=True, **SETTINGS))
    except (AssertionError, Flaky):  # Flaky: a check failed once, then not again (clocks, random ids)
        caught = 1
    count("history-mutants", caught=Frac(caught, 1))
    assert caught, f"the merge machine did not catch the mutant: {name}"
