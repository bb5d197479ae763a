"""GAP data layer and the two peer baselines.

The public instances are read from outside the repository; tests that need them skip (saying
where they looked) when the directory is absent, so the suite still runs on a bare checkout.
"""

from __future__ import annotations

import ast
import math
import os
from dataclasses import replace
from pathlib import Path
from types import ModuleType

import pytest

from allocator.bench.baselines import cpsat as gap_cpsat
from allocator.bench.baselines import pulp as gap_pulp
from allocator.bench.gap import (
    GAP_MAX_OPTIMA,
    MIN_BEST_KNOWN,
    MIN_OPEN_LOWER_BOUNDS,
    MIN_SIZES,
    PUBLIC_SETS,
    GapInstance,
    default_gap_dir,
    generate,
    load_public,
    published,
    read_orlib,
    solve_exact_small,
)

# Two instances: 2 agents x 3 jobs, then 1 agent x 2 jobs (m n, c rows, a rows, b).
TWO_INSTANCES = """2
2 3
 1 2 3
 4 5 6
 7 8 9
 1 1 1
 10 11
1 2
 5 6
 2 3
 5
"""
# A single instance without the leading count (Yagiura's layout), line breaks anywhere.
ONE_INSTANCE = "2 3 1 2 3 4 5 6\n7 8 9 1 1 1\n10 11\n"


def _public_dir() -> Path:
    """``default_gap_dir`` semantics, but anchored at the repository root, not the cwd."""
    env = os.environ.get("ALLOCATOR_GAP_DIR")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / ".." / "shared" / "benchmarks" / "gap"


GAP_DIR = _public_dir()
needs_public = pytest.mark.skipif(
    not GAP_DIR.is_dir(),
    reason=f"public GAP instances not found at {GAP_DIR} (set ALLOCATOR_GAP_DIR to run these)")


# ---------------------------------------------------------------------------------- reading


def test_read_with_count(tmp_path: Path) -> None:
    path = tmp_path / "tiny.txt"
    path.write_text(TWO_INSTANCES)
    first, second = read_orlib(path, "min")
    assert (first.name, first.sense, first.agents, first.jobs) == ("tiny-1", "min", 2, 3)
    assert first.value == ((1, 2, 3), (4, 5, 6))
    assert first.resource == ((7, 8, 9), (1, 1, 1))
    assert first.capacity == (10, 11)
    assert (second.name, second.agents, second.jobs) == ("tiny-2", 1, 2)
    assert second.value == ((5, 6),) and second.resource == ((2, 3),) and second.capacity == (5,)
    assert first.known is None and not first.proven
    assert first.source == "tiny.txt #1"


def test_read_without_count(tmp_path: Path) -> None:
    path = tmp_path / "e02003"
    path.write_text(ONE_INSTANCE)
    (inst,) = read_orlib(path, "min", has_count=False)
    assert inst.name == "e02003"
    assert inst.value == ((1, 2, 3), (4, 5, 6)) and inst.capacity == (10, 11)


def test_names_follow_the_literature(tmp_path: Path) -> None:
    (tmp_path / "gap3.txt").write_text(TWO_INSTANCES)
    (tmp_path / "gapb.txt").write_text(TWO_INSTANCES)
    assert [i.name for i in read_orlib(tmp_path / "gap3.txt", "max")] == ["gap3-1", "gap3-2"]
    assert [i.name for i in read_orlib(tmp_path / "gapb.txt", "min")] == ["b02003", "b01002"]


@pytest.mark.parametrize("cut", [1, 5, 20])
def test_truncated_file_names_the_file(tmp_path: Path, cut: int) -> None:
    tokens = TWO_INSTANCES.split()
    path = tmp_path / "short.txt"
    path.write_text(" ".join(tokens[:-cut]))
    with pytest.raises(ValueError, match=r"short\.txt.*ends early"):
        read_orlib(path, "min")


def test_left_over_numbers_and_wrong_count_flag(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_text(TWO_INSTANCES + " 99")
    with pytest.raises(ValueError, match=r"long\.txt.*1 number\(s\) left over"):
        read_orlib(path, "min")
    single = tmp_path / "single"
    single.write_text(ONE_INSTANCE)
    with pytest.raises(ValueError, match="single"):
        read_orlib(single, "min")  # has_count=True reads "2" as P and runs out


def test_non_integer_token(tmp_path: Path) -> None:
    path = tmp_path / "bad.txt"
    path.write_text(TWO_INSTANCES.replace("10 11", "10 x"))
    with pytest.raises(ValueError, match=r"bad\.txt"):
        read_orlib(path, "min")


def test_instance_rejects_bad_shapes() -> None:
    with pytest.raises(ValueError, match="sense"):
        GapInstance("x", "maximise", 1, 1, ((1,),), ((1,),), (1,))
    with pytest.raises(ValueError, match="resource"):
        GapInstance("x", "min", 1, 2, ((1, 2),), ((1,),), (1,))
    with pytest.raises(ValueError, match=">= 0"):
        GapInstance("x", "min", 1, 1, ((1,),), ((-1,),), (1,))


# ------------------------------------------------------------------------- published values


def test_published_table_sizes() -> None:
    assert list(GAP_MAX_OPTIMA) == [f"gap{k}" for k in range(1, 13)]
    assert sum(len(v) for v in GAP_MAX_OPTIMA.values()) == 60
    assert list(MIN_BEST_KNOWN) == ["a", "b", "c", "d", "e"]
    assert sum(len(v) for v in MIN_BEST_KNOWN.values()) == 30
    assert all(len(v) == len(MIN_SIZES) for v in MIN_BEST_KNOWN.values())


def test_published_lookup() -> None:
    assert published("gap1-1", "max") == (336.0, 336.0, True)
    assert published("gap12-5", "max") == (1446.0, 1446.0, True)
    assert published("gap1-1", "min") is None  # the max optimum is not the min optimum
    assert published("gap1-6", "max") is None
    assert published("a05100", "min") == (1698.0, 1698.0, True)
    assert published("e20200", "min") == (22379.0, 22379.0, True)
    # The one open instance: best-known 12238 is an upper bound, 12235 the proven lower bound.
    assert published("d20200", "min") == (12238.0, 12235.0, False)
    assert MIN_OPEN_LOWER_BOUNDS == {"d20200": 12235}
    assert published("d20300", "min") is None
    assert published("gen-d-05x040-s1", "min") is None


def test_default_gap_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ALLOCATOR_GAP_DIR", raising=False)
    assert default_gap_dir() == Path("../shared/benchmarks/gap")
    monkeypatch.setenv("ALLOCATOR_GAP_DIR", "/somewhere/else")
    assert default_gap_dir() == Path("/somewhere/else")


def test_load_public_errors(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="ALLOCATOR_GAP_DIR"):
        load_public(tmp_path / "missing", ["gap1"])
    with pytest.raises(FileNotFoundError, match=r"gapd\.txt"):
        load_public(tmp_path, ["d"])
    with pytest.raises(ValueError, match="unknown GAP set"):
        load_public(tmp_path, ["gap13"])


# -------------------------------------------------------------------------------- generator


@pytest.mark.parametrize("kind", ["C", "D", "E"])
def test_generator_is_deterministic_per_seed(kind: str) -> None:
    assert generate(kind, 5, 40, seed=1) == generate(kind, 5, 40, seed=1)
    other = generate(kind, 5, 40, seed=2)
    assert other.value != generate(kind, 5, 40, seed=1).value
    inst = generate(kind, 5, 40, seed=1)
    assert inst.name == f"gen-{kind.lower()}-05x040-s1"
    assert (inst.sense, inst.agents, inst.jobs, inst.known, inst.proven) == (
        "min", 5, 40, None, False)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_generator_type_rules(seed: int) -> None:
    m, n = 5, 60
    c = generate("c", m, n, seed)
    assert all(5 <= a <= 25 for row in c.resource for a in row)
    assert all(10 <= v <= 50 for row in c.value for v in row)
    d = generate("d", m, n, seed)
    assert all(1 <= a <= 100 for row in d.resource for a in row)
    for a_row, c_row in zip(d.resource, d.value, strict=True):
        assert all(-10 <= cost - (111 - a) <= 10 for a, cost in zip(a_row, c_row, strict=True))
    for inst in (c, d):
        assert inst.capacity == tuple(math.floor(0.8 * sum(row) / m) for row in inst.resource)
    e = generate("e", m, n, seed)
    for a_row, c_row in zip(e.resource, e.value, strict=True):
        for a, cost in zip(a_row, c_row, strict=True):
            assert a >= 1 and cost >= 1
            assert max(1, math.floor(1000 / a) - 10) <= cost <= 1000 // a
    assert e.capacity == tuple(max(math.floor(0.8 * sum(row) / m), max(row))
                               for row in e.resource)


def test_generator_type_e_distribution() -> None:
    # a = floor(1 - 10 ln u) is 1 + a geometric variable: mean about 10.5, P(a = 1) about 9.5%.
    inst = generate("e", 20, 200, seed=7)
    uses = [a for row in inst.resource for a in row]
    assert 9.5 < sum(uses) / len(uses) < 11.5
    assert 0.07 < uses.count(1) / len(uses) < 0.12


def test_generator_rejects_unknown_type() -> None:
    with pytest.raises(ValueError, match="type"):
        generate("a", 3, 7, 1)


# ------------------------------------------------------------------- oracle and baselines


def test_brute_force_on_a_hand_solved_instance() -> None:
    # Every job uses 2: agent 0 (capacity 4) takes exactly two jobs, agent 1 (capacity 2) one.
    # Moving job j to agent 1 changes the value by c1[j] - c0[j] = 3, 7, 8 for jobs 0, 1, 2.
    # Min moves job 0: 4 + 2 + 1 = 7. Max moves job 2: 1 + 2 + 9 = 12.
    inst = GapInstance("hand", "min", 2, 3, ((1, 2, 1), (4, 9, 9)), ((2, 2, 2), (2, 2, 2)),
                       (4, 2))
    assert solve_exact_small(inst) == 7
    assert solve_exact_small(replace(inst, sense="max")) == 12
    # Room for only two of the three jobs.
    assert solve_exact_small(replace(inst, capacity=(2, 2))) is None
    with pytest.raises(ValueError, match="too many"):
        solve_exact_small(generate("c", 5, 20, 1))


@pytest.mark.parametrize("baseline", [gap_cpsat, gap_pulp], ids=["cpsat", "pulp"])
@pytest.mark.parametrize("kind", ["C", "D", "E"])
def test_baselines_reach_the_brute_force_optimum(baseline: ModuleType, kind: str) -> None:
    feasible = 0
    for seed in range(1, 5):
        for sense in ("min", "max"):
            inst = replace(generate(kind, 3, 7, seed), sense=sense)
            expected = solve_exact_small(inst)
            got = baseline.solve(inst.value, inst.resource, inst.capacity, sense, 10.0)
            assert got.seconds > 0
            if expected is None:
                assert got.objective is None and not got.proven, (inst.name, sense, got)
                continue
            feasible += 1
            assert got.proven, (inst.name, sense, got)
            assert got.objective == pytest.approx(expected), (inst.name, sense, got)
    assert feasible >= 6  # the check must not pass vacuously on infeasible instances


def test_baselines_do_not_import_the_allocator() -> None:
    # They are independent peers: sharing the allocator's code would share its mistakes.
    for module in (gap_cpsat, gap_pulp):
        tree = ast.parse(Path(module.__file__).read_text())
        imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                    for alias in node.names}
        imported |= {node.module or "" for node in ast.walk(tree)
                     if isinstance(node, ast.ImportFrom)}
        assert not any(name.split(".")[0] == "allocator" for name in imported), imported


# ------------------------------------------------------------------------ public instances


@needs_public
def test_load_public_counts_and_values() -> None:
    gap1 = load_public(GAP_DIR, ["gap1"])
    assert len(gap1) == 5
    assert all((i.agents, i.jobs, i.sense, i.proven) == (5, 15, "max", True) for i in gap1)
    assert [i.known for i in gap1] == [336, 327, 339, 341, 326]
    d = load_public(GAP_DIR, ["d"])
    assert [i.name for i in d] == ["d05100", "d05200", "d10100", "d10200", "d20100", "d20200"]
    assert (d[-1].known, d[-1].known_bound, d[-1].proven) == (12238, 12235, False)
    e = load_public(GAP_DIR, ["e"])
    assert [(i.agents, i.jobs) for i in e] == list(MIN_SIZES)
    assert all(i.known is not None and i.proven and i.sense == "min" for i in e)


@needs_public
def test_every_public_set_loads_with_its_published_value() -> None:
    instances = load_public(GAP_DIR, PUBLIC_SETS)
    assert len(instances) == 60 + 30
    assert all(i.known is not None and i.known_bound is not None for i in instances)
    assert sum(not i.proven for i in instances) == 1


@needs_public
def test_cpsat_baseline_reproduces_published_optima() -> None:
    gap1_1 = load_public(GAP_DIR, ["gap1"])[0]
    gap4_1 = load_public(GAP_DIR, ["gap4"])[0]
    assert (gap1_1.name, gap4_1.name) == ("gap1-1", "gap4-1")
    for inst, optimum in ((gap1_1, 336), (gap4_1, 656)):
        got = gap_cpsat.solve(inst.value, inst.resource, inst.capacity, inst.sense, 20.0)
        assert got.proven and got.objective == optimum, (inst.name, got)
