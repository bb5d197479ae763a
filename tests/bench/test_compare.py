"""The default-vs-best comparison of ``allocator bench``: each rule on hand-made rows."""

from __future__ import annotations

import pytest

from allocator.bench.compare import AHEAD, BEHIND, LEVEL, best_row, compare_default, compare_rows
from allocator.bench.runner import OK, BenchRow


def row(backend: str, values: tuple[float, ...] | None, total_s: float,
        status: str = "optimal", instance: str = "case", sense: str = "min") -> BenchRow:
    return BenchRow(instance, "group", "size", backend, status, "-", "-", None, None, None,
                    0.0, 0.0, total_s, OK, values=values, sense=sense)


def test_a_worse_second_level_is_behind_whatever_the_time() -> None:
    c = compare_rows(row("cpsat", (238, 3266.72, 5.99e9), 30, "feasible"),
                     row("cbc", (238, 0, 5.71e9), 30, "feasible"))
    assert c.verdict == BEHIND and c.note == "worse at level 2"
    assert c.level_differences == (0, 3266.72, 5.99e9 - 5.71e9)
    assert c.time_ratio == 1.0


def test_a_better_first_level_is_ahead_even_if_later_levels_are_worse() -> None:
    c = compare_rows(row("cpsat", (10, 9, 9), 5, "feasible"), row("cbc", (11, 0, 0), 1))
    assert c.verdict == AHEAD and c.note == "better at level 1"


def test_equal_plans_slower_to_a_proof_are_behind() -> None:
    c = compare_rows(row("cpsat", (0, 0, 100), 5.04), row("cbc", (0, 0, 100), 2.52))
    assert c.verdict == BEHIND and c.time_ratio == pytest.approx(2.0)
    assert c.note == "slower to the proven optimum (2.00x)"


def test_equal_plans_faster_to_a_proof_are_level() -> None:
    c = compare_rows(row("cpsat", (0, 0, 100), 1.0), row("cbc", (0, 0, 100), 2.0))
    assert c.verdict == LEVEL and c.time_ratio == 0.5


def test_equal_plans_proven_only_by_the_peer_are_behind() -> None:
    c = compare_rows(row("cpsat", (0, 0, 100), 1.0, "feasible"), row("cbc", (0, 0, 100), 9.0))
    assert c.verdict == BEHIND and "only the peer proved" in c.note


def test_maximising_cases_compare_in_their_own_sense() -> None:
    more = compare_rows(row("cpsat", (120,), 1, sense="max"), row("cbc", (100,), 1, sense="max"))
    assert more.verdict == AHEAD and more.level_differences == (-20,)
    less = compare_rows(row("cpsat", (90,), 1, sense="max"), row("cbc", (100,), 1, sense="max"))
    assert less.verdict == BEHIND and less.level_differences == (10,)


def test_no_plan_from_the_default_is_behind_a_peer_with_one() -> None:
    c = compare_rows(row("cpsat", None, 30, "no_solution"), row("cbc", (1,), 30, "feasible"))
    assert c.verdict == BEHIND and c.level_differences is None
    assert compare_rows(row("cpsat", (1,), 30), row("cbc", None, 30, "no_solution")).verdict \
        == AHEAD


def test_the_best_peer_is_the_best_plan_then_a_proof_then_the_fastest() -> None:
    rows = [row("scip", (0, 5), 1), row("highs", (0, 2), 40, "feasible"),
            row("cbc", (0, 2), 9), row("other", (0, 2), 3, "feasible")]
    assert best_row(rows).backend == "cbc"  # proven beats faster-but-unproven at equal plans
    assert best_row([row("a", None, 1, "no_solution"), row("b", (7,), 9)]).backend == "b"
    assert best_row([]) is None


def test_compare_default_takes_each_case_with_the_default_and_a_peer() -> None:
    rows = [row("cpsat", (0, 1), 2, instance="x"), row("cbc", (0, 1), 1, instance="x"),
            row("scip", (0, 1), 4, instance="x"), row("cpsat", (3,), 1, instance="alone"),
            row("cbc", (5,), 1, instance="no default")]
    [only] = compare_default(rows, "cpsat")
    assert (only.instance, only.peer, only.verdict) == ("x", "cbc", BEHIND)
    assert only.time_ratio == 2.0
