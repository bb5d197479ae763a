"""Explanations: hand-built scenarios where each reason is known by reasoning, and the datasets.

Costs are set with ``monthly_cost_usd`` so the arithmetic is plain: a unit at 1,000 a month
costs 12,000 for the default 12-month period.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from allocator import AllocationResult, Explanation, read_scenario, write_scenario
from allocator.cli import app

from ..conftest import DATASETS
from ..helpers import mission, pledge, req, scenario, solved


def reasons(result: AllocationResult, requirement_id: str) -> list[dict]:
    """The reason rows of one line, in rank order."""
    table = result.explain().requirements
    rows = table[table.requirement_id == requirement_id].sort_values("rank")
    return rows.to_dict(orient="records")


def pledge_reason(result: AllocationResult, pledge_id: str) -> dict:
    table = result.explain().pledges
    rows = table[table.pledge_id == pledge_id].to_dict(orient="records")
    assert len(rows) == 1, rows
    return rows[0]


def short(result: AllocationResult, requirement_id: str) -> int:
    table = result.requirements
    return int(table[table.requirement_id == requirement_id].shortfall.iloc[0])


# ----- no_pledge / no_requirement / not_needed ---------------------------------------------
def test_no_pledge_is_alone_and_unasked_pledges_are_no_requirement() -> None:
    sc = scenario(missions=[mission("M1")],
                  requirements=[req("R1", "INF_BN"), req("R2", "APC", 2)],
                  unit_pledges=[pledge("P1", capability="ENG_COY")],
                  equipment_pledges=[{"equipment_id": "Q1", "state": "AAA", "item": "MRAP",
                                      "quantity": 1}],
                  funding_pledges=[{"funding_id": "F1", "donor": "AAA", "amount_usd": 5000}])
    result = solved(sc)
    (r1,) = reasons(result, "R1")
    assert (r1["reason"], r1["rank"], r1["shortfall"]) == ("no_pledge", 1, 1)
    (r2,) = reasons(result, "R2")
    assert r2["reason"] == "no_pledge" and "equipment pledge of APC" in r2["detail"]
    assert pledge_reason(result, "P1")["reason"] == "no_requirement"
    assert pledge_reason(result, "Q1")["reason"] == "no_requirement"
    fund = pledge_reason(result, "F1")
    assert fund["reason"] == "not_needed" and fund["kind"] == "funding"


# ----- excluded_by_rule ---------------------------------------------------------------------
def test_excluded_by_rule_lists_pledges_under_each_rule_they_fail() -> None:
    # R1 wants L3, in 90 days, in French, in a mission hosted by BBB with a 500-person ceiling.
    # Each pledge below breaks exactly the rule in its name; P_multi breaks two.
    ok = {"readiness": "L3", "deploy_days": 30}
    sc = scenario(
        missions=[mission("M1", host_state="BBB", personnel_ceiling=500)],
        requirements=[req("R1", "INF_BN", min_readiness="L3", deadline_days=90, language="fr")],
        unit_pledges=[
            pledge("P_ready", "CCC", readiness="L2", deploy_days=30),
            pledge("P_late", "CCC", readiness="L3", deploy_days=150),
            pledge("P_lang", "AAA", **ok),
            pledge("P_cav", "CCC", excluded_missions="M1", **ok),
            pledge("P_imp", "BBB", **ok),
            pledge("P_multi", "AAA", readiness="L2", deploy_days=30),
            pledge("P_big", "CCC", personnel_per_unit=600, **ok),
        ])
    result = solved(sc)
    rows = reasons(result, "R1")
    assert {r["reason"] for r in rows} == {"excluded_by_rule"}
    # readiness and language each keep two pledges off (one of them alone), so they lead.
    assert [(r["rule"], r["pledges"]) for r in rows] == [
        ("readiness", "P_ready;P_multi"),
        ("language", "P_lang;P_multi"),
        ("deadline", "P_late"),
        ("caveat", "P_cav"),
        ("impartiality", "P_imp"),
        ("ceiling", "P_big"),
    ]
    assert [r["rank"] for r in rows] == [1, 2, 3, 4, 5, 6]
    assert rows[0]["detail"].endswith("only this rule: P_ready")
    multi = pledge_reason(result, "P_multi")
    assert (multi["reason"], multi["rule"], multi["requirements"]) == (
        "excluded_by_rule", "readiness;language", "R1")
    assert pledge_reason(result, "P_big")["rule"] == "ceiling"


def test_equipment_line_excluded_by_rule() -> None:
    sc = scenario(missions=[mission("M1", host_state="BBB"), mission("M2")],
                  requirements=[req("R1", "APC", 1, deadline_days=30)],
                  equipment_pledges=[
                      {"equipment_id": "Q_late", "state": "AAA", "item": "APC", "quantity": 1,
                       "available_days": 60},
                      {"equipment_id": "Q_cav", "state": "AAA", "item": "APC", "quantity": 1,
                       "allowed_missions": "M2"},
                      {"equipment_id": "Q_imp", "state": "BBB", "item": "APC", "quantity": 1}])
    result = solved(sc)
    assert [(r["reason"], r["rule"], r["pledges"]) for r in reasons(result, "R1")] == [
        ("excluded_by_rule", "deadline", "Q_late"),
        ("excluded_by_rule", "caveat", "Q_cav"),
        ("excluded_by_rule", "impartiality", "Q_imp"),
    ]


# ----- used_elsewhere / too_few_pledges / demand_met ----------------------------------------
def test_used_elsewhere_names_the_higher_priority_lines() -> None:
    sc = scenario(missions=[mission("M1"), mission("M2")],
                  requirements=[req("R_hi", "INF_BN", priority=1, mission_id="M2"),
                                req("R_lo", "INF_BN", priority=3),
                                req("R_eng", "ENG_COY", 3, priority=2)],
                  unit_pledges=[pledge("P1"), pledge("P_eng", capability="ENG_COY"),
                                pledge("P_spare", capability="INF_COY")])
    result = solved(sc)
    (lo,) = reasons(result, "R_lo")
    assert (lo["reason"], lo["pledges"], lo["used_by"], lo["higher_priority"]) == (
        "used_elsewhere", "P1", "R_hi", "R_hi")
    assert lo["detail"] == "R_hi (priority 1): P1 x1"
    (eng,) = reasons(result, "R_eng")
    assert (eng["reason"], eng["pledges"], eng["shortfall"]) == ("too_few_pledges", "P_eng", 2)
    assert eng["detail"] == "all 1 compatible unit(s) pledged are on this line"
    assert pledge_reason(result, "P_spare")["reason"] == "no_requirement"


def test_demand_met_when_every_line_it_may_serve_is_full() -> None:
    sc = scenario(missions=[mission("M1")], requirements=[req("R1", "INF_BN")],
                  unit_pledges=[pledge("P1", monthly_cost_usd=1000),
                                pledge("P2", monthly_cost_usd=2000)])
    result = solved(sc)
    assert result.explain().requirements.empty
    row = pledge_reason(result, "P2")
    assert (row["reason"], row["requirements"]) == ("demand_met", "R1")


# ----- budget, with the exact extra money -----------------------------------------------------
BUDGET_TABLES = dict(
    missions=[mission("M1", budget_usd=10_000), mission("M2", budget_usd=0)],
    requirements=[req("R1", "INF_BN", priority=1), req("R2", "ENG_COY", mission_id="M2")],
    unit_pledges=[
        # 12 x 1,000 + 500 transport + 2 APC at the cheaper partner's 12 x 100 = 14,900.
        pledge("P1", monthly_cost_usd=1000, equipment_gap="APC:2"),
        pledge("P2", capability="ENG_COY", monthly_cost_usd=200),  # 2,400 in M2
    ],
    equipment_pledges=[
        {"equipment_id": "Q_cheap", "state": "CCC", "item": "APC", "quantity": 2,
         "monthly_cost_usd": 100},
        {"equipment_id": "Q_dear", "state": "CCC", "item": "APC", "quantity": 5,
         "monthly_cost_usd": 300},
    ],
    transport_costs=[{"pledge_id": "P1", "mission_id": "M1", "cost_usd_per_unit": 500}],
    funding_pledges=[
        {"funding_id": "F_m1", "donor": "DDD", "amount_usd": 1000, "earmarked_missions": "M1"},
        # M2 draws 2,400 from one of these two; either way 2,400 can still reach M1, because
        # the earmarked one can take M2's draw over (an exact max-flow finds that).
        {"funding_id": "F_any", "donor": "DDD", "amount_usd": 2400},
        {"funding_id": "F_m2", "donor": "DDD", "amount_usd": 2400, "earmarked_missions": "M2"},
        {"funding_id": "F_far", "donor": "DDD", "amount_usd": 50, "earmarked_missions": "M2"},
    ],
)


def _with_budget(extra: Decimal) -> AllocationResult:
    tables = dict(BUDGET_TABLES)
    tables["missions"] = [mission("M1", budget_usd=10_000 + extra), mission("M2", budget_usd=0)]
    return solved(scenario(**tables))


def test_budget_gives_the_exact_extra_money() -> None:
    result = solved(scenario(**BUDGET_TABLES))
    assert short(result, "R1") == 1 and short(result, "R2") == 0
    (row,) = reasons(result, "R1")
    # 14,900 - 10,000 unspent budget - 1,000 earmarked - 2,400 reroutable = 1,500.
    assert (row["reason"], row["pledges"], row["extra_usd"]) == ("budget", "P1", Decimal(1500))
    assert "costs US$14,900" in row["detail"]
    assert pledge_reason(result, "P1")["reason"] == "budget"
    # The idle APCs would equip P1, which the budget holds back.
    assert pledge_reason(result, "Q_cheap")["reason"] == "budget"
    assert pledge_reason(result, "F_m1")["reason"] == "budget"
    # The extra money is exactly enough, and a dollar less is not.
    assert short(_with_budget(row["extra_usd"]), "R1") == 0
    assert short(_with_budget(row["extra_usd"] - 1), "R1") == 1


# ----- ceiling, equipment, state_share ------------------------------------------------------
def test_ceiling_says_how_many_persons_short() -> None:
    sc = scenario(missions=[mission("M1", personnel_ceiling=1000)],
                  requirements=[req("R_a", "INF_BN", priority=1), req("R_b", "ENG_COY",
                                                                     priority=2)],
                  unit_pledges=[pledge("P1", personnel_per_unit=800),
                                pledge("P2", capability="ENG_COY", personnel_per_unit=250)])
    result = solved(sc)
    (row,) = reasons(result, "R_b")
    assert (row["reason"], row["pledges"]) == ("ceiling", "P2")
    assert "deploys 800 of its ceiling 1,000" in row["detail"]
    assert "(250 persons) is 50 person(s) over" in row["detail"]
    assert pledge_reason(result, "P2")["reason"] == "ceiling"


def test_equipment_gap_no_one_covers() -> None:
    sc = scenario(missions=[mission("M1"), mission("M2")],
                  requirements=[req("R1", "UTIL_HELO"), req("R2", "INF_BN", 2)],
                  unit_pledges=[pledge("P1", capability="UTIL_HELO", personnel_per_unit=110,
                                       equipment_gap="UTIL_HELO_AIRFRAME:1"),
                                pledge("P3", equipment_gap="APC:1")],
                  equipment_pledges=[
                      {"equipment_id": "Q1", "state": "AAA", "item": "UTIL_HELO_AIRFRAME",
                       "quantity": 1, "allowed_missions": "M2"},
                      {"equipment_id": "Q2", "state": "AAA", "item": "APC", "quantity": 3}])
    result = solved(sc)
    (row,) = reasons(result, "R1")
    assert (row["reason"], row["pledges"]) == ("equipment", "P1")
    assert "UTIL_HELO_AIRFRAME (needs 1, 0 spare or idle)" in row["detail"]
    assert pledge_reason(result, "P1")["reason"] == "equipment"
    q1 = pledge_reason(result, "Q1")
    assert (q1["reason"], q1["rule"], q1["requirements"]) == ("excluded_by_rule", "caveat", "R1")
    # R2 has its one pledged unit (equipped by one APC); the other two APCs have no one to equip.
    assert reasons(result, "R2")[0]["reason"] == "too_few_pledges"
    assert pledge_reason(result, "Q2")["reason"] == "no_units_to_equip"


def test_hard_state_share() -> None:
    # 3 companies asked; AAA offers 2, BBB 1; with a hard 50% share AAA may send only 1.
    sc = scenario(missions=[mission("M1")], requirements=[req("R1", "INF_COY", 3)],
                  unit_pledges=[pledge("P_a", "AAA", "INF_COY", 2),
                                pledge("P_b", "BBB", "INF_COY", 1)],
                  policy={"max_state_share": 0.5, "state_share_hard": True})
    result = solved(sc)
    assert short(result, "R1") == 1
    (row,) = reasons(result, "R1")
    assert (row["reason"], row["pledges"]) == ("state_share", "P_a")
    assert "AAA at the 1/2 share limit of M1" in row["detail"]
    assert pledge_reason(result, "P_a")["reason"] == "state_share"


def test_other_only_when_shortfall_is_not_optimised() -> None:
    # With cost as the only objective level nothing is deployed: nothing blocks the line.
    sc = scenario(missions=[mission("M1")], requirements=[req("R1", "INF_BN")],
                  unit_pledges=[pledge("P1")], policy={"objective": ["cost"]})
    result = solved(sc)
    (row,) = reasons(result, "R1")
    assert row["reason"] == "other" and "not the first objective level" in row["detail"]


# ----- datasets, JSON, CLI ------------------------------------------------------------------
@pytest.fixture(scope="module")
def un_2025() -> AllocationResult:
    return solved(read_scenario(DATASETS / "un_2025"), time_limit=120)


@pytest.mark.parametrize("name", ["un_2025", "families/small"])
def test_every_short_line_of_the_datasets_has_a_reason(name: str, request) -> None:
    result = (request.getfixturevalue("un_2025") if name == "un_2025"
              else solved(read_scenario(DATASETS / name)))
    why = result.explain()
    short_lines = set(result.requirements.query("shortfall > 0").requirement_id)
    assert set(why.requirements.requirement_id) == short_lines
    assert (why.requirements["rank"] == 1).sum() == len(short_lines)
    assert "other" not in set(why.requirements.reason)
    assert "other" not in set(why.pledges.reason)
    assert list(why.pledges.pledge_id) == list(result.unused_pledges.pledge_id)
    assert why.pledges.reason.notna().all()


def test_json_round_trip(un_2025: AllocationResult) -> None:
    doc = json.loads(un_2025.to_json())
    mine = un_2025.explain()
    assert doc["explanations"] == mine.to_dict()
    again = AllocationResult.from_dict(doc)
    assert again.explain().to_dict() == doc["explanations"]
    old = {k: v for k, v in doc.items() if k != "explanations"}  # a result from before
    assert AllocationResult.from_dict(old).explain().to_dict() == doc["explanations"]
    assert isinstance(mine, Explanation)
    assert isinstance(mine.requirements, pd.DataFrame)


def test_cli_explain_and_solve_show_reasons(tmp_path: Path) -> None:
    sc = scenario(**BUDGET_TABLES)
    folder = write_scenario(sc, tmp_path / "scenario")
    runner = CliRunner()
    out = runner.invoke(app, ["explain", str(folder), "--time-limit", "20",
                              "--out", str(tmp_path / "why.json")])
    assert out.exit_code == 0, out.output
    assert "budget" in out.output and "US$1,500 more" in out.output
    doc = json.loads((tmp_path / "why.json").read_text())
    assert doc["requirements"][0]["extra_usd"] == 1500
    out = runner.invoke(app, ["explain", str(folder), "--time-limit", "20",
                              "--out", str(tmp_path / "why.csv")])
    assert out.exit_code == 0, out.output
    assert pd.read_csv(tmp_path / "why.csv").reason.tolist() == ["budget"]
    assert "F_m1" in pd.read_csv(tmp_path / "why-pledges.csv").pledge_id.tolist()
    out = runner.invoke(app, ["solve", str(folder), "--time-limit", "20"])
    assert out.exit_code == 0, out.output
    assert "R1" in out.output and "budget" in out.output
