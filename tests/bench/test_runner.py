"""The benchmark runner: judging rules, GAP instances through the scenario model, the CLI."""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from allocator.bench.cases import BenchCase, Reference, Suite, build_suite, generated_gap_cases
from allocator.bench.gap import generate, solve_exact_small
from allocator.bench.gap_scenario import gap_scenario, gap_value
from allocator.bench.runner import OK, OVER_TARGET, WRONG, judge, run_case, run_cases
from allocator.cli import app
from allocator.cli import bench as bench_cli

from ..helpers import solved

ROOT = Path(__file__).resolve().parents[2]
GAP_DIR = Path(os.environ.get("ALLOCATOR_GAP_DIR", ROOT.parent / "shared" / "benchmarks" / "gap"))

MIN = Reference(values=(100.0,), sense="min")
MAX = Reference(values=(100.0,), sense="max")
LEX = Reference(values=(8.0, 2.5, 1000.0))


# ----- judging ------------------------------------------------------------------------------
@pytest.mark.parametrize(("status", "values", "reference", "tolerance", "verdict"), [
    ("optimal", (100.0,), MIN, 0.0, OK),
    ("feasible", (100.0,), MIN, 0.0, OK),  # the optimum, not proven in time: still right
    ("feasible", (100.4,), MIN, 0.5, OK),  # within tolerance
    ("feasible", (100.6,), MIN, 0.5, WRONG),  # beyond it
    ("optimal", (100.4,), MIN, 0.5, WRONG),  # "optimal" but worse than the proven optimum
    ("optimal", (99.0,), MIN, 0.0, WRONG),  # better than a proven minimum
    ("optimal", (101.0,), MAX, 0.0, WRONG),  # better than a proven maximum
    ("feasible", (99.0,), MAX, 1.0, OK),  # 1% below a maximum, tolerance 1%
    ("feasible", (98.0,), MAX, 1.0, WRONG),
    ("no_solution", None, MIN, 50.0, WRONG),  # no plan where one is known
    ("infeasible", None, MIN, 0.0, WRONG),
    ("optimal", (8.0, 2.5, 1000.0), LEX, 0.0, OK),
    ("optimal", (8.0, 2.5, 1001.0), LEX, 0.0, WRONG),  # worse at the last level
    ("optimal", (7.0, 9.0, 9999.0), LEX, 0.0, WRONG),  # better at the first: impossible
    ("feasible", (8.0, 2.5, 1000.5), LEX, 0.1, OK),
])
def test_judge_rules(status, values, reference, tolerance, verdict) -> None:
    assert judge(status, values, reference, tolerance)[0] == verdict


def test_judge_open_instance_and_infeasible_reference() -> None:
    open_min = Reference(values=(12238.0,), proven=False, bound=12235.0)
    assert judge("feasible", (12236.0,), open_min, 0.5)[0] == OK  # a new best known
    assert judge("feasible", (12234.0,), open_min, 0.5)[0] == WRONG  # below the proven bound
    assert judge("feasible", (12290.0,), open_min, 0.5)[0] == OK  # 0.42% above best known
    assert judge("feasible", (12310.0,), open_min, 0.5)[0] == WRONG  # 0.59% above
    infeasible = Reference(values=(), status="infeasible")
    assert judge("infeasible", None, infeasible, 0.0)[0] == OK
    assert judge("optimal", (1.0,), infeasible, 0.0)[0] == WRONG


def test_judge_without_reference_uses_the_target_gap() -> None:
    assert judge("feasible", (5.0,), None, 0.0, own_gap=0.01, target_gap_pct=2.0)[0] == OK
    verdict, gap, _ = judge("feasible", (5.0,), None, 0.0, own_gap=0.03, target_gap_pct=2.0)
    assert (verdict, gap) == (OVER_TARGET, pytest.approx(3.0))


# ----- GAP through the scenario model -------------------------------------------------------
@pytest.mark.parametrize("kind", ["c", "d", "e"])
@pytest.mark.parametrize("sense", ["min", "max"])
def test_generated_gap_matches_brute_force(backend: str, kind: str, sense: str) -> None:
    inst = generate(kind, 3, 8, seed=7)
    if sense == "max":
        from dataclasses import replace

        inst = replace(inst, sense="max")
    best = solve_exact_small(inst)
    result = solved(gap_scenario(inst), backend)
    if best is None:
        assert result.status.value == "infeasible"
        return
    assert result.status.value == "optimal"
    assert gap_value(inst, result) == best
    # The plan is a GAP assignment: each job once, each agent within its capacity.
    jobs = Counter(a.pledge_id for a in result.plan.assignments)
    assert sorted(jobs) == [f"J{j + 1:03d}" for j in range(inst.jobs)]
    assert set(jobs.values()) == {1}
    load = Counter()
    for a in result.plan.assignments:
        i, j = int(a.requirement_id.removeprefix("R-A")) - 1, int(a.pledge_id[1:]) - 1
        load[i] += inst.resource[i][j]
    assert all(load[i] <= inst.capacity[i] for i in range(inst.agents))


def test_every_backend_gets_the_generated_smoke_instances_right(backend: str) -> None:
    report = run_cases(generated_gap_cases(), [backend])
    assert [row.verdict for row in report.rows] == [OK] * 3, report.rows
    assert all(row.status == "optimal" for row in report.rows)


# ----- the smoke suite, as CI runs it -------------------------------------------------------
def test_smoke_suite_is_right_with_the_default_backend() -> None:
    suite = build_suite("smoke", GAP_DIR)
    names = [case.name for case in suite.cases]
    assert {"gen-c-03x010-s1", "gen-d-03x010-s1", "gen-e-03x010-s1"} <= set(names)
    if GAP_DIR.is_dir():
        assert sum(name.startswith("gap") for name in names) == 20  # gap1-4, 5 each
    else:
        assert any("public GAP sets skipped" in reason for reason in suite.skipped)
    report = run_cases(suite.cases, ["cpsat"], suite="smoke")
    assert report.wrong == []
    assert all(row.verdict == OK for row in report.rows), [
        (row.instance, row.verdict, row.note) for row in report.rows]


def test_public_gap_optima_are_reproduced() -> None:
    if not GAP_DIR.is_dir():
        pytest.skip(f"public GAP instances not found at {GAP_DIR}; set ALLOCATOR_GAP_DIR")
    suite = build_suite("gap", GAP_DIR)
    first = next(case for case in suite.cases if case.name == "gap1-1")
    row = run_case(first, "cpsat")
    assert (row.objective, row.verdict, row.status) == ("336", OK, "optimal")
    assert len([c for c in suite.cases if c.group == "gap1-12"]) == 60
    assert len([c for c in suite.cases if c.group == "gapA-E"]) == 30


# ----- the command --------------------------------------------------------------------------
def test_bench_command_writes_csv_and_json(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["bench", "--suite", "smoke", "--only", "gen-*",
                                      "--backends", "auto,cbc", "--out", str(tmp_path),
                                      "--compare-baseline"])
    assert result.exit_code == 0, result.output
    assert "6 runs, 0 wrong" in result.output
    doc = json.loads((tmp_path / "bench-smoke.json").read_text())
    assert doc["wrong"] == 0 and len(doc["rows"]) == 6
    assert {row["backend"] for row in doc["rows"]} == {"auto", "cbc"}
    assert all(row["baseline_objective"] is not None for row in doc["rows"])
    assert all(row["peak_mib"] > 0 for row in doc["rows"])
    # Both backends prove each generated instance: the same plan values, level by level.
    comparisons = doc["default_vs_best"]
    assert [c["instance"] for c in comparisons] == [row["instance"] for row in doc["rows"]
                                                    if row["backend"] == "auto"]
    for c in comparisons:
        assert (c["default"], c["peer"]) == ("auto", "cbc")
        assert all(d == 0 for d in c["level_differences"]), c
        assert c["verdict"] in ("level", "behind") and c["time_ratio"] > 0
    assert "default (auto) vs the best single backend" in result.output
    assert f"on {sum(c['verdict'] == 'behind' for c in comparisons)} of 3 cases" in result.output
    header = (tmp_path / "bench-smoke.csv").read_text().splitlines()[0]
    assert header.startswith("instance,group,size,backend,status,objective,reference,gap_pct")


def test_bench_command_exits_1_on_a_wrong_result(tmp_path: Path, monkeypatch) -> None:
    inst = generate("c", 3, 6, seed=4)
    best = solve_exact_small(inst)
    assert best is not None
    lie = BenchCase(name="lying-reference", group="test", size="3x6",
                    load=lambda: gap_scenario(inst), time_limit_s=10, tolerance_pct=0.0,
                    reference=Reference(values=(best - 1.0,)), gap=inst)
    monkeypatch.setattr(bench_cli, "build_suite", lambda name, gap_dir: Suite([lie], []))
    result = CliRunner().invoke(app, ["bench", "--out", str(tmp_path)])
    assert result.exit_code == 1, result.output
    assert "1 wrong" in result.output
    assert "claims optimal, but objective 1 is worse than proven" in result.output


@pytest.mark.parametrize(("args", "message"), [
    (["--suite", "nightly"], "unknown suite"),
    (["--backends", "gurobi"], "unknown backend"),
    (["--time-limit", "0"], "--time-limit must be a positive"),
    (["--only", "no-such-instance"], "no instances to run"),
])
def test_bench_command_rejects_bad_options(tmp_path: Path, args, message: str) -> None:
    result = CliRunner().invoke(app, ["bench", "--out", str(tmp_path), *args])
    assert result.exit_code == 2
    assert message in result.output
