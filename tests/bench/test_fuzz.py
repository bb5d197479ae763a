"""Property tests: every mutated scenario is a located ScenarioError or a verified result.

Hypothesis chooses the container, the kind of mutation, the table, row and column and the value;
the mutators are the fuzz script's own (``allocator.bench.fuzz_mutations``) and the judge is its
classifier (``allocator.bench.fuzz.run_case``). Only the small bases, which solve in well under
a second, and a bounded, derandomized number of examples, so the file runs in well under a
minute; ``python scripts/fuzz.py`` runs the same at volume. Shrinking is left out for the same
reason: a failure reports the first failing input as drawn.
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path
from random import Random
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from allocator.bench.fuzz import Outcome, check_problems, run_case
from allocator.bench.fuzz_mutations import (
    CONTAINERS,
    POLICY_SETTINGS,
    ROW_ACTIONS,
    SMALL_BASES,
    STRANGE_VALUES,
    SUFFIX,
    Mutation,
    Written,
    build_case,
    change_header,
    change_row,
    load_base,
    set_cell,
    set_policy,
    write,
)
from allocator.errors import Defect

from ..conftest import ROOT


def bounded(examples: int) -> settings:
    """Bounded, repeatable and quick: no deadline (a solve may take a second on a loaded
    machine), the same examples on every run, no shrinking."""
    return settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                    phases=(Phase.explicit, Phase.generate),
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def judged(written: Written, mutation: Mutation) -> tuple[Outcome, Mutation]:
    """Write the mutated grid in its container and run it through the classifier."""
    with tempfile.TemporaryDirectory(prefix="fuzz-test-") as folder:
        path = Path(folder) / f"case{SUFFIX[mutation.container]}"
        write(Random(0), written, mutation, path)
        return run_case(path, mutation, time_limit=2), mutation


def assert_sound(outcome: Outcome, mutation: Mutation) -> None:
    """A ScenarioError with located problems (at the cell, for one cell), or a verified
    result."""
    assert outcome.result in ("solved", "rejected"), (
        f"{mutation.describe()}\n{', '.join(outcome.defects)}\n{outcome.detail}")


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:40]}... ({len(text)} chars)"


scalars = st.one_of(
    st.sampled_from([v for v, _ in STRANGE_VALUES]),
    st.text(max_size=40),
    st.integers(),
    st.floats(),
    st.none(),
    st.booleans(),
)
"""Cell values: the fuzzer's strange ones, and any text, integer (unbounded) or float."""

structures = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                          | st.dictionaries(st.text(max_size=8), inner, max_size=3),
                          max_leaves=6)
"""Values a JSON or YAML document can hold where a cell goes: lists and mappings too."""

bases = st.sampled_from(SMALL_BASES)
containers = st.sampled_from(CONTAINERS)


@bounded(40)
@given(data=st.data(), base=bases, container=containers)
def test_a_strange_cell_is_reported_at_its_row_and_column_or_loads(data: st.DataObject,
                                                                   base: str,
                                                                   container: str) -> None:
    written = Written(grid=load_base(base, ROOT))
    tables = sorted(t for t, tab in written.grid.tables.items() if tab.rows and tab.header)
    table = data.draw(st.sampled_from(tables), label="table")
    tab = written.grid.tables[table]
    index = data.draw(st.integers(0, len(tab.rows) - 1), label="row index")
    column = data.draw(st.integers(0, len(tab.header) - 1), label="column index")
    values = structures if container in ("json", "yaml") else scalars
    value = data.draw(values, label="value")
    mutation = Mutation(base=base, container=container, kind="cell", action="replace")
    set_cell(written.grid, mutation, table, index, column, value, _short(value))
    assert_sound(*judged(written, mutation))


headers = st.one_of(st.text(max_size=30), st.sampled_from(["", " ", "9" * 5000, "h" * 100_000,
                                                           "col\x00\x07", "ÜñíçødÉ"]))


@bounded(25)
@given(data=st.data(), base=bases, container=containers,
       family=st.sampled_from(["rename", "drop", "duplicate", *ROW_ACTIONS]))
def test_a_changed_header_or_row_is_reported_or_loads(data: st.DataObject, base: str,
                                                      container: str, family: str) -> None:
    written = Written(grid=load_base(base, ROOT))
    grid = written.grid
    mutation = Mutation(base=base, container=container, kind="header", action=family)
    if family in ("rename", "drop", "duplicate"):
        table = data.draw(st.sampled_from(sorted(t for t, tab in grid.tables.items()
                                                 if tab.header)), label="table")
        column = data.draw(st.integers(0, len(grid.tables[table].header) - 1), label="column")
        new = data.draw(headers, label="new header") if family == "rename" else ""
        other = family == "duplicate" and data.draw(st.booleans(), label="other values")
        change_header(grid, mutation, table, column, family, new, _short(new),
                      other_values=(lambda: data.draw(scalars)) if other else None)
    else:
        mutation.kind = "row"
        table = data.draw(st.sampled_from(sorted(t for t, tab in grid.tables.items()
                                                 if tab.rows and tab.header)), label="table")
        tab = grid.tables[table]
        index = data.draw(st.integers(0, len(tab.rows) - 1), label="row index")
        amount = (data.draw(st.integers(0, len(tab.header)), label="cells kept")
                  if family == "truncate" else
                  data.draw(st.sampled_from([1, 100, 2_000]), label="copies")
                  if family == "many" else 0)
        change_row(grid, mutation, table, index, family, amount)
    assert_sound(*judged(written, mutation))


policy_values = st.one_of(
    structures,
    st.sampled_from([2**70, 2**62, math.inf, -math.inf, math.nan, 1e-300, 1e30, -1, 0]),
    st.dictionaries(st.integers(-2, 7), st.one_of(st.integers(), st.floats()), max_size=6),
    st.dictionaries(st.sampled_from(["L1", "L2", "L3", "RDL", "L9"]),
                    st.one_of(st.integers(), st.floats()), max_size=4),
    st.dictionaries(st.sampled_from(["shortfall", "soft_goals", "preference", "cost", "x"]),
                    st.one_of(st.integers(), st.floats()), max_size=4),
    st.lists(st.sampled_from(["shortfall", "soft_goals", "preference", "cost", "nope"]),
             max_size=5),
)
"""Policy values: scalars and structures, extremes, and mappings shaped like the settings'."""


@bounded(30)
# The settings that once reached the solver unchecked (issue 15), then whatever is drawn.
@example(base="small_document", container="json", setting="period_months", value=2**70)
@example(base="small", container="yaml", setting="min_readiness", value=math.inf)
@example(base="small", container="xlsx", setting="women_target", value=1e-300)
@example(base="small", container="folder", setting="reimbursement_rate_usd", value=1e30)
@given(base=bases, container=containers,
       setting=st.one_of(st.sampled_from(POLICY_SETTINGS), st.text(min_size=1, max_size=20)),
       value=policy_values)
def test_an_extreme_policy_value_is_reported_or_loads(base: str, container: str, setting: str,
                                                      value: Any) -> None:
    written = Written(grid=load_base(base, ROOT))
    mutation = Mutation(base=base, container=container, kind="policy", action="set")
    set_policy(written, mutation, setting, value, _short(value))
    assert_sound(*judged(written, mutation))


@bounded(30)
@given(base=bases, container=containers,
       kind=st.sampled_from(["encoding", "container", "structure"]),
       rng=st.randoms(use_true_random=False))
def test_a_damaged_file_or_document_is_reported_or_loads(base: str, container: str, kind: str,
                                                         rng: Random) -> None:
    # The byte-level mutators (encodings, zip and workbook damage, deep and huge documents)
    # draw their choices from ``rng``, which hypothesis controls.
    if kind == "encoding" and container == "xlsx":
        kind = "container"  # a workbook has no text encoding of its own to damage
    with tempfile.TemporaryDirectory(prefix="fuzz-test-") as folder:
        case = build_case(rng, 0, base, container, kind, folder, ROOT)
        assert_sound(run_case(case.path, case.mutation, time_limit=2), case.mutation)


@pytest.mark.parametrize("container", CONTAINERS)
@pytest.mark.parametrize("base", SMALL_BASES)
def test_the_bases_load_and_solve_in_every_container(base: str, container: str) -> None:
    written = Written(grid=load_base(base, ROOT))
    outcome, _ = judged(written, Mutation(base=base, container=container, kind="none",
                                          action="none"))
    assert outcome.result == "solved", outcome.detail
    assert outcome.status in ("optimal", "feasible")


def test_the_classifier_judges_locations() -> None:
    cell = Mutation(base="small", container="folder", kind="cell", action="replace",
                    table="missions", row=3, column="budget_usd", single_cell=True)
    at_cell = Defect(table="missions", row=3, column="budget_usd", message="not a number")
    assert check_problems([at_cell], cell) == ([], "")
    no_column = Defect(table="missions", row=3, message="not a number")
    assert check_problems([no_column], cell)[0] == ["row without column", "wrong column"]
    # A Defect cuts its own message under the classifier's 500 characters, so "message too
    # long" can only come from text that bypasses Defect.
    elsewhere = Defect(table="missions", message="x" * 501)
    assert len(elsewhere.message) < 500
    assert check_problems([elsewhere], cell)[0] == ["wrong row"]
    naming = Defect(table="missions", row=3, column="name", message="give 'budget_usd' or x")
    assert check_problems([naming], cell) == ([], "")
    document = Mutation(base="small", container="json", kind="cell", action="replace",
                        table="missions", row=2, column="budget_usd", single_cell=True)
    refused = Defect(table="scenario", source="s.json", message="nested more than 32 levels")
    assert check_problems([refused], document) == ([], "")
    unlocated = Defect(table="", message="?")
    assert check_problems([unlocated], None)[0] == ["unlocated problem"]
