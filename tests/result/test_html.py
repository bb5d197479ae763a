"""The plan as HTML (``allocator.result.html``): what a notebook and the service's page show.

Values are checked as shown text, against figures known by reasoning (a hand-built scenario),
against the result's own tables (datasets/families/small) and against the library's own
explanation and diagnosis, so the page can never say something the plan does not.
"""

from __future__ import annotations

import dataclasses
import math
import re
from typing import Any

import numpy as np
import pandas as pd
import pytest

import allocator
from allocator import AllocationResult, Scenario, SolveStatus, read_scenario
from allocator.insight.whatif import assignment_changes
from allocator.insight.whatif.compare import Comparison
from allocator.result.html import (
    Table,
    comparison_html,
    comparison_table,
    frame_html,
    plan_html,
    plan_tables,
    shown,
    stylesheet,
    warnings_table,
)
from allocator.result.workbook import columns_of, header_words, why_table

from ..conftest import DATASETS
from ..helpers import mission, pledge, req, scenario, solved

SMALL = DATASETS / "families" / "small"


def by_key(result: AllocationResult) -> dict[str, Table]:
    return {t.key: t for t in plan_tables(result)}


def records(t: Table) -> list[dict[str, str]]:
    """A table's rows keyed by header."""
    headers = [c.header for c in t.columns]
    return [dict(zip(headers, row, strict=True)) for row in t.rows]


def pinned(result: AllocationResult) -> AllocationResult:
    """``result`` with its shown times at whole hundredths, so a JSON round trip cannot move
    them (see test_json_round_trip_keeps_the_shown_solve_time)."""
    return dataclasses.replace(result, runtime_s=1.25, build_s=0.5)


# ----- shown --------------------------------------------------------------------------------------
@pytest.mark.parametrize(("value", "kind", "text"), [
    (1234567.6, "money", "US$1,234,568"),
    (-5, "money", "-US$5"),
    (0, "money", "US$0"),
    (0.1234, "share", "12.3%"),
    (0.0034, "gap", "0.34%"),
    (1234, "count", "1,234"),
    (1234.0, "count", "1,234"),
    (2.5, "seconds", "2.50 s"),
    (26.75, "number", "26.8"),
    (1234.5678, "decimal", "1,234.57"),
    (None, "money", ""),
    (float("nan"), "share", ""),
    (pd.NA, "count", ""),
    (np.nan, "text", ""),
    (True, "text", "yes"),
    (False, "count", "no"),
    (["a", "b", 3], "text", "a, b, 3"),
    ((1000, 2000), "money", "US$1,000, US$2,000"),
    (12.0, "text", "12"),
    (12.5, "text", "12.5"),
    ("12", "money", "12"),  # text stays text, whatever the column's kind
    (np.int64(1234), "count", "1,234"),
    (np.float64(0.5), "share", "50.0%"),
])
def test_shown(value: Any, kind: str, text: str) -> None:
    assert shown(value, kind) == text


def test_shown_defaults_to_text() -> None:
    assert shown(1234567) == "1234567"
    assert shown(3.0) == "3"


def test_shown_numpy_flags_as_yes_no() -> None:
    assert shown(np.bool_(True)) == "yes"
    assert shown(np.bool_(False), "count") == "no"


def test_table_numeric_follows_column_kinds() -> None:
    frame = pd.DataFrame({"mission_id": ["M1"], "cost_usd": [1.0], "units": [2],
                          "flag": [True], "women_share": [0.5]})
    t = Table("t", columns_of(frame), [])
    assert [c.kind for c in t.columns] == ["text", "money", "count", "text", "share"]
    assert t.numeric == [False, True, True, False, True]


# ----- a plan known by reasoning ------------------------------------------------------------------
# M1 (budget US$20,000,000, ceiling 1,000, women target 10%) asks for a battalion (R1, priority 1)
# and a French-speaking hospital (R2, priority 2). AAA pledges a battalion of 800 with 80 women
# (P1: fills R1, women share exactly 10%) and an English-speaking hospital (P2: ruled out of R2
# by language, so R2 stays short and P2 unused). DDD's US$500,000 for M1 (F1) is not needed.
# Cost: 800 x US$1,448 x 12 months = US$13,900,800, 69.5% of the budget. Weighted shortfall:
# R2 at priority 2 (weight 8).
KNOWN = scenario(
    missions=[mission("M1", budget_usd=20_000_000, name="Mission One", personnel_ceiling=1000,
                      women_target=0.1)],
    requirements=[req("R1", "INF_BN", 1, priority=1),
                  req("R2", "L2_HOSP", 1, priority=2, language="fr")],
    unit_pledges=[pledge("P1", "AAA", "INF_BN", 1, 800, women_per_unit=80),
                  pledge("P2", "AAA", "L2_HOSP", 1, 70)],
    funding_pledges=[{"funding_id": "F1", "donor": "DDD", "amount_usd": 500_000,
                      "earmarked_missions": "M1"}],
)
COST = "US$13,900,800"


@pytest.fixture(scope="module")
def known() -> AllocationResult:
    return solved(KNOWN, backend="cbc")


def test_known_plan_sections(known: AllocationResult) -> None:
    tables = plan_tables(known)
    assert [(t.key, t.title) for t in tables] == [
        ("summary", "Summary"), ("missions", "Missions"),
        ("short-lines", "Short lines and why"), ("unused-pledges", "Unused pledges and why"),
        ("contributors", "Contributors")]


def test_known_summary(known: AllocationResult) -> None:
    rows = {r[0]: r[1:] for r in by_key(known)["summary"].rows}
    assert rows["Scenario"] == ["scenario", "", ""]
    assert rows["Status"][0] == "optimal" and "proven optimal" in rows["Status"][2]
    assert rows["Weighted shortfall (priority-weighted units short)"][:2] == ["8", "8"]
    assert rows["Cost (US$)"][:2] == [COST, COST]
    assert rows["Units asked"][0] == "2"
    assert rows["Units filled"][0] == "1"
    assert rows["Requirement lines short"][0] == "1"
    assert rows["Personnel deployed"][0] == "800"
    assert rows["Unused pledges"][0] == "2"
    assert rows["Period (months)"][0] == "12"
    assert rows["Backend"][0] == "cbc"
    assert rows["Verified"][0] == "yes"
    assert rows["Gap"][0] == "0.00%"
    assert rows["Solve time"][0] == f"{round(known.runtime_s, 2):.2f} s"


def test_known_missions(known: AllocationResult) -> None:
    assert records(by_key(known)["missions"]) == [{
        "Mission": "M1", "Name": "Mission One", "Personnel": "800", "Ceiling": "1,000",
        "Women share": "10.0%", "Women target": "10.0%", "Target met": "yes", "Cost": COST,
        "Budget": "US$20,000,000", "Funding": "US$0", "Budget used": "69.5%",
        "Units filled by priority": "P1 1/1; P2 0/1", "Contributors": "1"}]


def test_known_short_line_says_why_as_the_library_does(known: AllocationResult) -> None:
    why = known.explain().requirements
    assert why.requirement_id.tolist() == ["R2"]
    assert (why.reason.item(), why.rule.item()) == ("excluded_by_rule", "language")
    words = why_table(known).set_index("id").words
    assert records(by_key(known)["short-lines"]) == [{
        "Line": "R2", "Mission": "M1", "Capability": "L2_HOSP", "Priority": "2",
        "Units short": "1", "Rank": "1", "Why": words["R2"], "Money that fills it": ""}]
    assert "language (fr)" in words["R2"]


def test_known_unused_pledges(known: AllocationResult) -> None:
    pledges = known.explain().pledges.set_index("pledge_id")
    assert pledges.reason.to_dict() == {"P2": "excluded_by_rule", "F1": "not_needed"}
    words = why_table(known).set_index("id").words
    assert records(by_key(known)["unused-pledges"]) == [
        {"Kind": "unit pledge", "Pledge": "P2", "State": "AAA", "Offer": "L2_HOSP",
         "Unused": "1", "Why": words["P2"]},
        {"Kind": "funding pledge", "Pledge": "F1", "State": "DDD", "Offer": "USD",
         "Unused": "US$500,000", "Why": words["F1"]}]
    assert "en, not fr" in words["P2"]


def test_known_contributors(known: AllocationResult) -> None:
    assert records(by_key(known)["contributors"]) == [{
        "Mission": "M1", "State": "AAA", "Name": "", "Units": "1", "Personnel": "800",
        "Women": "80",
        "Share of mission personnel": "100.0%", "Cost": COST}]


def test_known_html(known: AllocationResult) -> None:
    html = plan_html(known, style=False)
    assert '<span class="pa-status pa-status-optimal">optimal</span>' in html
    assert re.findall(r'id="table-([a-z-]+)"', html) == [
        "summary", "missions", "short-lines", "unused-pledges", "contributors"]
    assert "<h2>scenario</h2>" in html and "<h3>Missions</h3>" in html
    assert '<th scope="col" class="num">Personnel</th>' in html
    assert f'<td class="num">{COST}</td>' in html
    assert "<td>P1 1/1; P2 0/1</td>" in html
    deeper = plan_html(known, heading_level=3, style=False)
    assert "<h3>scenario</h3>" in deeper and "<h4>Missions</h4>" in deeper
    assert "<h2>" not in deeper


# ----- a dataset: the missions table is the result's ----------------------------------------------
@pytest.fixture(scope="module")
def small() -> AllocationResult:
    result = solved(read_scenario(SMALL), backend="cbc", time_limit=120)
    assert result.status is SolveStatus.OPTIMAL
    return result


def test_missions_table_is_the_results(small: AllocationResult) -> None:
    t = by_key(small)["missions"]
    expected = []
    for m in small.missions.to_dict(orient="records"):
        lines = small.requirements[small.requirements.mission_id == m["mission_id"]]
        coverage = "; ".join(f"P{p} {int(g.filled.sum())}/{int(g.units.sum())}"
                             for p, g in lines.groupby("priority"))
        target = m["women_target"]
        expected.append({
            "Mission": m["mission_id"],
            "Name": small.scenario.mission_by_id[m["mission_id"]].name,
            "Personnel": f"{m['personnel']:,}", "Ceiling": f"{m['personnel_ceiling']:,}",
            "Women share": f"{round(m['women_share'] * 100, 1)}%",
            "Women target": "" if target is None or math.isnan(target)
            else f"{round(target * 100, 1)}%",
            "Cost": f"US${round(m['cost_usd']):,}", "Budget": f"US${round(m['budget_usd']):,}",
            "Funding": f"US${round(m['funding_usd']):,}",
            "Budget used": f"{round(m['budget_used'] * 100, 1)}%",
            "Units filled by priority": coverage, "Contributors": str(m["contributors"])})
    got = [{k: v for k, v in r.items() if k != "Target met"} for r in records(t)]
    assert got == expected
    assert [r["Mission"] for r in got] == ["OP-CAF", "OP-SSD", "OP-LBN"]
    assert all("," in r["Personnel"] for r in got)  # every mission deploys over a thousand
    numbers = {"Personnel", "Ceiling", "Women share", "Women target", "Cost", "Budget",
               "Funding", "Budget used", "Contributors"}
    assert dict(zip([c.header for c in t.columns], t.numeric, strict=True)) == {
        c.header: c.header in numbers for c in t.columns}


def test_every_section_of_a_dataset_plan(small: AllocationResult) -> None:
    t = by_key(small)
    assert list(t) == ["summary", "missions", "short-lines", "unused-pledges", "contributors"]
    short = small.requirements[small.requirements.shortfall > 0]
    assert {r[0] for r in t["short-lines"].rows} == set(short.requirement_id)
    assert {r[1] for r in t["unused-pledges"].rows} == set(small.unused_pledges.pledge_id)
    names = {m.code: m.name for m in small.scenario.member_states}
    assert all(r[2] == names[r[1]] for r in t["contributors"].rows)
    assert any(r[2] for r in t["contributors"].rows)  # the family's states have names
    persons = sum(int(r[4].replace(",", "")) for r in t["contributors"].rows)
    assert persons == int(small.missions.personnel.sum())


# ----- no plan: the diagnosis ---------------------------------------------------------------------
# The only battalion pledged costs 800 x US$1,448 x 12 = US$13,900,800 against a budget of
# US$1,000,000, and the line is mandatory.
INFEASIBLE = scenario(missions=[mission("M1", budget_usd=1_000_000)],
                      requirements=[req("R1", "INF_BN", 1, mandatory=True)],
                      unit_pledges=[pledge("P1", personnel_per_unit=800)])


@pytest.fixture(scope="module")
def infeasible() -> AllocationResult:
    result = solved(INFEASIBLE, backend="cbc")
    assert result.status is SolveStatus.INFEASIBLE and result.plan is None
    assert result.diagnosis is not None and not result.diagnosis.feasible
    return result


def test_infeasible_shows_the_diagnosis(infeasible: AllocationResult) -> None:
    t = by_key(infeasible)
    assert list(t) == ["summary", "conflict", "relaxation"]
    assert (t["conflict"].title, t["relaxation"].title) == ("Rules in conflict",
                                                             "Least relaxation")
    d = infeasible.diagnosis
    assert d is not None
    conflict = d.conflict_table()
    assert t["conflict"].rows == [[r["kind"], r["rule_id"], r["mission_id"], r["message"]]
                                  for r in conflict.to_dict(orient="records")]
    assert {(r[0], r[1]) for r in t["conflict"].rows} == {("mandatory", "R1"), ("budget", "M1")}
    relax = d.relaxation_table()
    assert t["relaxation"].rows == [
        [r["kind"], r["rule_id"], r["mission_id"],
         f"US${r['amount']:,.0f}" if r["unit"] == "US$" else f"{r['amount']:,.0f}"
         if float(r["amount"]).is_integer() else f"{r['amount']:,.1f}",
         r["unit"], r["message"]] for r in relax.to_dict(orient="records")]
    assert t["relaxation"].rows[0][:2] == ["mandatory", "R1"]
    summary = {r[0]: r[1:] for r in t["summary"].rows}
    assert summary["Status"][0] == "infeasible"
    assert summary["Verified"][0] == "no"
    assert summary["Diagnosis"][0].startswith(f"{len(d.conflict)} rules in conflict")
    assert "Units filled" not in summary


def test_infeasible_html(infeasible: AllocationResult) -> None:
    html = plan_html(infeasible, style=False)
    assert '<span class="pa-status pa-status-infeasible">infeasible</span>' in html
    assert 'id="table-missions"' not in html
    assert 'id="table-conflict"' in html and 'id="table-relaxation"' in html
    # An apostrophe in the library's own words is escaped too.
    assert "M1&#39;s budget of US$1,000,000" in html


# ----- escaping -----------------------------------------------------------------------------------
SCRIPT = "<script>alert(1)</script>"
QUOTE = '"onerror=alert(1) x="'
HOSTILE = Scenario.from_tables({
    "member_states": [{"code": "AAA", "name": QUOTE, "languages": "en"},
                      {"code": "BBB", "name": SCRIPT, "languages": "fr"}],
    "missions": [mission("M1", name=SCRIPT), mission("M2", name=QUOTE)],
    "requirements": [req("R1"), req("R2", mission_id="M2")],
    "unit_pledges": [pledge("P1", "AAA"), pledge("P2", "BBB")]},
    name=SCRIPT, description=QUOTE)


@pytest.fixture(scope="module")
def hostile() -> AllocationResult:
    return solved(HOSTILE, backend="cbc")


def test_scenario_text_is_escaped(hostile: AllocationResult) -> None:
    html = plan_html(hostile)
    assert "<h2>&lt;script&gt;alert(1)&lt;/script&gt;</h2>" in html
    assert "<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>" in html  # the mission's name
    assert "<script>alert(1)" not in html and "<script" not in html
    assert QUOTE not in html
    assert "&#34;onerror=alert(1) x=&#34;" in html or "&quot;onerror=alert(1) x=&quot;" in html


def test_state_names_are_escaped_where_shown(hostile: AllocationResult) -> None:
    # The plan shows states by code; the service's scenario page shows the member_states table.
    states = pd.DataFrame([s.model_dump() for s in hostile.scenario.member_states])
    html = frame_html(states, QUOTE, key="member-states", style=False)
    assert QUOTE not in html and "<script" not in html
    assert html.count("&#34;onerror=alert(1) x=&#34;") == 3  # heading, aria-label, the cell
    assert "<td>&lt;script&gt;alert(1)&lt;/script&gt;</td>" in html


# ----- notebooks and JSON -------------------------------------------------------------------------
def test_repr_html_is_the_plan(known: AllocationResult) -> None:
    html = known._repr_html_()
    assert html == plan_html(known)
    assert html.startswith("<style>")
    assert stylesheet().strip() in html
    assert html.count("<style>") == 1
    plain = plan_html(known, style=False)
    assert "<style" not in plain and plain.lstrip().startswith('<section class="pa-plan"')
    assert plain in html  # the same section, with or without the stylesheet


@pytest.mark.parametrize("name", ["known", "small", "infeasible", "hostile"])
def test_json_round_trip_renders_the_same(name: str, request: pytest.FixtureRequest) -> None:
    result = pinned(request.getfixturevalue(name))
    back = AllocationResult.from_json(result.to_json())
    assert plan_html(back) == plan_html(result)
    assert plan_tables(back) == plan_tables(result)


def test_json_round_trip_keeps_the_shown_solve_time(known: AllocationResult) -> None:
    result = dataclasses.replace(known, runtime_s=0.134996)
    back = AllocationResult.from_json(result.to_json())
    assert plan_html(back) == plan_html(result)


def test_warnings_section_and_its_round_trip() -> None:
    sc = scenario(missions=[mission("M1"), mission("M2")], requirements=[req("R1")],
                  unit_pledges=[pledge("P1")])
    result = pinned(solved(sc, backend="cbc"))
    t = plan_tables(result)[-1]
    assert (t.key, t.title) == ("warnings", "Warnings")
    assert [c.header for c in t.columns] == ["File", "Table", "Row", "Column", "Message"]
    assert t.rows == [["", "missions", "2", "mission_id", result.warnings[0]["message"]]]
    assert "'M2' has no requirement lines" in t.rows[0][4]
    summary = {r[0]: r[1] for r in plan_tables(result)[0].rows}
    assert summary["Warnings"] == "1"
    back = AllocationResult.from_json(result.to_json())
    assert back.warnings == result.warnings
    assert plan_html(back) == plan_html(result)


def test_warnings_table_as_problems() -> None:
    t = warnings_table([{"source": "missions.csv", "table": "missions", "row": 1234,
                         "column": "budget_usd", "message": "not a number"}], "Problems")
    assert (t.title, t.key) == ("Problems", "problems")
    assert t.rows == [["missions.csv", "missions", "1,234", "budget_usd", "not a number"]]
    assert t.numeric == [False, False, True, False, False]


# ----- the what-if comparison ---------------------------------------------------------------------
MEASURES = ["Status", "Weighted shortfall (priority-weighted units short)",
            "Soft-goal slack (persons)", "Units filled", "Units asked", "Coverage",
            *[f"Priority {p} units filled" for p in range(1, 6)], "Cost", "Women share",
            "Contributing states", "Assignments changed from the base"]


@pytest.fixture(scope="module")
def comparison() -> tuple[Comparison, dict[str, AllocationResult]]:
    results: dict[str, AllocationResult] = {}
    frame = allocator.compare(read_scenario(SMALL), {"cut": [{"scale_budgets": {"factor": 0.8}}]},
                              backend="cbc", results=results)
    return frame, results


def test_comparison_is_still_a_dataframe(comparison: tuple[Comparison, Any]) -> None:
    frame, _ = comparison
    assert type(frame) is Comparison and isinstance(frame, pd.DataFrame)
    assert frame.variant.tolist() == ["base", "cut"]
    assert type(frame.iloc[1:]) is Comparison
    assert type(frame.copy()) is Comparison
    assert type(frame[frame.variant == "cut"]) is Comparison
    indexed = frame.set_index("variant")
    assert indexed.loc["cut", "d_cost_usd"] == pytest.approx(
        indexed.loc["cut", "cost_usd"] - indexed.loc["base", "cost_usd"])
    assert frame.cost_usd.diff().iloc[1] == pytest.approx(frame.d_cost_usd.iloc[1])
    assert frame.loc[0, ["d_units_filled", "d_cost_usd"]].tolist() == [0, 0.0]
    assert pd.DataFrame(frame).equals(frame)
    # Budgets cut by a fifth: it costs less and fills no more.
    cut = frame.iloc[1]
    assert cut.d_cost_usd < 0 and cut.d_units_filled <= 0


def signed(delta: Any, kind: str) -> str:
    """A change as the comparison shows it, written out independently of ``_change``."""
    if delta is None or delta is pd.NA:
        return ""
    if kind == "share":
        return f"{delta * 100:+.1f} pp"
    if delta == 0:
        return {"money": "US$0", "number": "0.0"}.get(kind, "0")
    if kind == "money":
        return f"+US${delta:,.0f}" if delta > 0 else f"-US${-delta:,.0f}"
    if kind == "number":
        return f"{delta:+,.1f}"
    return f"{int(delta):+,}"


def test_comparison_table_a_row_per_measure(comparison: tuple[Comparison, Any]) -> None:
    frame, _ = comparison
    t = comparison_table(frame)
    assert [c.header for c in t.columns] == ["Measure", "base", "cut", "change"]
    rows = {r[0]: r[1:] for r in t.rows}
    assert [r[0] for r in t.rows] == MEASURES
    base, cut = frame.iloc[0], frame.iloc[1]
    kinds = {"Weighted shortfall (priority-weighted units short)": ("weighted_shortfall",
                                                                      "count"),
             "Soft-goal slack (persons)": ("soft_goal_slack", "number"),
             "Units filled": ("units_filled", "count"), "Units asked": ("units_asked", "count"),
             "Coverage": ("coverage", "share"), "Cost": ("cost_usd", "money"),
             "Women share": ("women_share", "share"),
             "Contributing states": ("contributors", "count"),
             **{f"Priority {p} units filled": (f"filled_p{p}", "count") for p in range(1, 6)}}
    for words, (key, kind) in kinds.items():
        assert rows[words][2] == signed(cut[f"d_{key}"], kind), words
    assert rows["Status"] == ["optimal", "optimal", ""]
    assert rows["Cost"][:2] == [f"US${round(base.cost_usd):,}", f"US${round(cut.cost_usd):,}"]
    assert rows["Cost"][2].startswith("-US$")
    assert rows["Units asked"] == [f"{base.units_asked:,}", f"{cut.units_asked:,}", "0"]
    # Coverage changes by the units filled over the units asked, in percentage points.
    points = cut.d_units_filled / cut.units_asked * 100
    assert rows["Coverage"][2] == f"{points:+.1f} pp"
    assert rows["Coverage"][:2] == [f"{base.coverage:.1%}", f"{cut.coverage:.1%}"]
    assert rows["Assignments changed from the base"] == [
        "0", f"{cut.assignments_changed:,}", ""]


def test_comparison_repr_html(comparison: tuple[Comparison, Any]) -> None:
    frame, _ = comparison
    html = frame._repr_html_()
    assert html == comparison_html(pd.DataFrame(frame))
    assert html.startswith("<style>")
    assert 'id="table-comparison"' in html
    assert re.findall(r"<th[^>]*>([^<]*)</th>", html) == ["Measure", "base", "cut", "change"]
    for row in comparison_table(frame).rows:
        for cell in row:
            assert f">{cell}</td>" in html
    assert "<style" not in comparison_html(frame, style=False)


def test_comparison_without_a_change(small: AllocationResult) -> None:
    # Already solved results are used as they are: nothing is solved again.
    frame = allocator.compare(small, {"same": small})
    rows = {r[0]: r[1:] for r in comparison_table(frame).rows}
    assert rows["Units filled"][2] == "0"
    assert rows["Cost"][2] == "US$0"
    assert rows["Assignments changed from the base"][1] == "0"


def test_comparison_zero_share_change_in_points(small: AllocationResult) -> None:
    rows = {r[0]: r[1:] for r in comparison_table(allocator.compare(small, {"same": small})).rows}
    assert rows["Coverage"][2].endswith(" pp")
    assert rows["Women share"][2].endswith(" pp")


def test_comparison_reshaped_still_renders(comparison: tuple[Comparison, Any]) -> None:
    frame, _ = comparison
    indexed = frame.set_index("variant")
    assert type(indexed) is Comparison
    assert "cut" in indexed._repr_html_()


# ----- any frame ----------------------------------------------------------------------------------
def test_frame_html_of_assignment_changes(comparison: tuple[Comparison, Any]) -> None:
    _, results = comparison
    changes = assignment_changes(results["base"], results["cut"])
    assert len(changes) == comparison[0].assignments_changed.iloc[1]
    html = frame_html(changes, "Changed assignments", key="assignment_changes", style=False)
    headers = re.findall(r"<th[^>]*>([^<]*)</th>", html)
    assert headers == [header_words(c) for c in changes.columns] == [
        "Kind", "Pledge", "Requirement", "Mission", "Before", "After", "Change"]
    assert '<th scope="col" class="num">Change</th>' in html
    assert 'id="table-assignment_changes"' in html and "<h3>Changed assignments</h3>" in html
    first = changes.iloc[0]
    assert (f"<tr><td>{first.kind}</td><td>{first.pledge_id}</td><td>{first.requirement_id}"
            f"</td><td>{first.mission_id}</td><td class=\"num\">{first.before}</td>"
            f"<td class=\"num\">{first.after}</td><td class=\"num\">{first.change}</td></tr>"
            ) in html
    assert html.count("<tr>") == len(changes) + 1


def test_frame_html_headers_in_words(comparison: tuple[Comparison, Any]) -> None:
    frame, _ = comparison
    assert header_words("d_cost_usd") == "Change in cost (US$)"
    assert header_words("mission_id") == "Mission"
    html = frame_html(pd.DataFrame(frame), "Comparison", style=False)
    headers = re.findall(r"<th[^>]*>([^<]*)</th>", html)
    assert headers == [header_words(c) for c in frame.columns]
    assert "Change in cost (US$)" in headers and "Variant" in headers
    assert all("_" not in h for h in headers)
    cut = frame.iloc[1]
    assert f'<td class="num">-US${-cut.d_cost_usd:,.0f}</td>' in html
    assert f'<td class="num">{cut.women_share:.1%}</td>' in html
