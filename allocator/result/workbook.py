"""The plan workbook a planner can brief from (``AllocationResult.export("plan.xlsx")``).

Sheets, in order: ``summary`` (the outcome in words: status and what it means, each objective
level the policy uses with its unit, value and bound, the period, backend, times, verified,
gap); one sheet per result table (``assignments`` ... ``unused_pledges``) with names beside
ids and, on short lines and unused pledges, the reason in words; ``contributors`` (personnel
and units by contributing state and mission); ``why`` (both explanation tables as one
filterable table); ``diagnosis`` when the scenario is infeasible; ``warnings`` when
validation noticed something.

Every table sheet has a bold, frozen header row in words, an auto-filter, fitted column widths,
money as US$ with thousands separators and shares as percentages (``write_table``, which the
service's what-if and sweep workbooks use too). The raw tables (``result.tables()``) are left
as they are: snake_case and floats, for analysts and for the JSON and CSV forms.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from allocator.insight.explain.words import line_reasons, pledge_reason, reason_words
from allocator.levels import LEVEL_BY_KEY, LEVEL_BY_NAME
from allocator.result.goals import mission_goals, slack_words
from allocator.status import SolveStatus

if TYPE_CHECKING:
    from allocator.result.result import AllocationResult

MONEY_FORMAT = '"US$"#,##0'
"""Whole US$ with thousands separators (the plan's money is whole dollars or near it)."""
SHARE_FORMAT = "0.0%"
COUNT_FORMAT = "#,##0"
NUMBER_FORMAT = "#,##0.0"
"""Fractions of a person (soft-goal slack) and other measured quantities."""
DECIMAL_FORMAT = "#,##0.00"
SECONDS_FORMAT = '0.00" s"'
GAP_FORMAT = "0.00%"

FORMATS = {"money": MONEY_FORMAT, "share": SHARE_FORMAT, "count": COUNT_FORMAT,
           "number": NUMBER_FORMAT, "decimal": DECIMAL_FORMAT, "seconds": SECONDS_FORMAT,
           "gap": GAP_FORMAT, "text": "General"}
"""Number format of each column kind."""

MAX_WIDTH = 70
"""Widest a column is fitted to; longer text wraps."""

STATUS_MEANING = {
    SolveStatus.OPTIMAL: "every objective level is proven optimal: no better plan exists "
                         "under this policy",
    SolveStatus.FEASIBLE: "a verified plan, but the time limit ran out before it was proven "
                          "optimal (see the gap)",
    SolveStatus.INFEASIBLE: "no plan exists: the mandatory lines, must-deploy pledges and hard "
                            "limits cannot all hold (see the diagnosis sheet)",
    SolveStatus.NO_SOLUTION: "no plan was found within the time limit; raise it",
    SolveStatus.INVALID: "the solver rejected the model or the input",
}


@dataclass(frozen=True)
class Column:
    """One column of a sheet: the frame's column, its header in words and its kind."""

    key: str
    header: str
    kind: str = "text"
    """text, count, number, decimal, money, share, seconds or gap (``FORMATS``)."""


# ----- the generic table writer ---------------------------------------------------------------
_WORDS = {"usd": "", "id": "", "pct": "%", "p1": "P1", "p2": "P2", "p3": "P3", "p4": "P4",
          "p5": "P5", "n": "N"}


def header_words(name: str) -> str:
    """A snake_case column name as a header: ``cost_usd`` -> ``Cost (US$)``, ``mission_id``
    -> ``Mission``, ``units_filled`` -> ``Units filled``, ``d_cost_usd`` -> ``Change in cost
    (US$)``."""
    parts = name.split("_")
    money_column = "usd" in parts
    words = [_WORDS.get(p, p) for p in parts]
    if len(parts) > 1 and parts[0] == "d":  # a what-if delta: d_cost_usd -> Change in cost
        words[0] = "change in"
    text = " ".join(w for w in words if w) or name
    text = text[:1].upper() + text[1:]
    return f"{text} (US$)" if money_column else text


def column_kind(name: str, values: pd.Series) -> str:
    """A column's kind from its name and values, for tables without a column list."""
    parts = name.split("_")
    if "usd" in parts:
        return "money"
    if name in {"coverage", "budget_used"} or "share" in parts or "probability" in parts:
        return "share"
    if name in {"seconds", "runtime_s", "build_s"}:
        return "seconds"
    if pd.api.types.is_bool_dtype(values):
        return "text"
    if pd.api.types.is_integer_dtype(values):
        return "count"
    if pd.api.types.is_float_dtype(values):
        finite = values.dropna()
        whole = bool(len(finite)) and bool((finite == finite.round()).all())
        return "count" if whole else "decimal"
    return "text"


def columns_of(frame: pd.DataFrame) -> list[Column]:
    """Columns for a frame that has no column list: headers in words, kinds from the names."""
    return [Column(str(c), header_words(str(c)), column_kind(str(c), frame[c]))
            for c in frame.columns]


def _cell(value: Any) -> Any:
    """A value openpyxl writes: None for NaN, plain Python numbers, yes/no for flags."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars
        value = value.item()
        if isinstance(value, bool):
            return "yes" if value else "no"
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (Decimal, Fraction)):
        return float(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(map(str, value))
    return value


def _shown_width(value: Any, kind: str) -> int:
    """About how many characters a cell shows, for fitting its column."""
    if value is None:
        return 0
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if kind in {"share", "gap"}:
            return 7
        text = f"{value:,.0f}" if kind in {"money", "count"} else f"{value:,.2f}"
        return len(text) + (3 if kind == "money" else 0)
    return max(len(line) for line in str(value).splitlines() or [""])


def write_table(ws: Worksheet, frame: pd.DataFrame, columns: Sequence[Column] | None = None,
                *, cell_kinds: Callable[[Mapping[str, Any]], Mapping[str, str]] | None = None
                ) -> Worksheet:
    """Write ``frame`` to ``ws`` as a planner's table: a bold frozen header row in words, an
    auto-filter over the table, number formats by column kind and fitted widths.

    ``columns`` picks and names the frame's columns (default: all, headers from the names);
    ``cell_kinds(row)`` may change the kind of some cells of a row (money in a mixed column).
    """
    columns = list(columns) if columns is not None else columns_of(frame)
    header_font = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="DDE5F0")
    widths = [len(c.header) for c in columns]
    for j, column in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=j, value=column.header)
        cell.font = header_font
        cell.fill = header_fill
    records = frame.to_dict(orient="records")
    for i, record in enumerate(records, start=2):
        kinds = cell_kinds(record) if cell_kinds is not None else {}
        for j, column in enumerate(columns, start=1):
            value = _cell(record.get(column.key))
            kind = kinds.get(column.key, column.kind)
            cell = ws.cell(row=i, column=j, value=value)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                cell.number_format = FORMATS[kind]
            widths[j - 1] = max(widths[j - 1], _shown_width(value, kind))
    for j, width in enumerate(widths, start=1):
        letter = get_column_letter(j)
        ws.column_dimensions[letter].width = min(width + 2, MAX_WIDTH)
        if width + 2 > MAX_WIDTH:  # long reasons wrap instead of running off the screen
            for row in range(2, len(records) + 2):
                ws.cell(row=row, column=j).alignment = Alignment(wrap_text=True,
                                                                 vertical="top")
    ws.freeze_panes = "A2"
    last = get_column_letter(max(len(columns), 1))
    ws.auto_filter.ref = f"A1:{last}{len(records) + 1}"
    return ws


def add_table(book: Workbook, title: str, frame: pd.DataFrame,
              columns: Sequence[Column] | None = None, **options: Any) -> Worksheet:
    """A new sheet ``title`` (cut to Excel's 31 characters) holding ``write_table``'s table."""
    return write_table(book.create_sheet(title[:31]), frame, columns, **options)


def workbook_bytes(book: Workbook) -> bytes:
    """The workbook as the bytes of an ``.xlsx`` file."""
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def tables_workbook(tables: Mapping[str, pd.DataFrame]) -> bytes:
    """An ``.xlsx`` of named tables, a formatted sheet each (the service's what-if and sweep
    results)."""
    book = Workbook()
    book.remove(book.active)
    for name, frame in tables.items():
        add_table(book, name, frame)
    if not book.sheetnames:
        book.create_sheet("empty")
    return workbook_bytes(book)


# ----- the plan's sheets -----------------------------------------------------------------------
def _names(result: AllocationResult) -> tuple[dict[str, str], dict[str, str]]:
    sc = result.scenario
    missions = {m.mission_id: m.name for m in sc.missions}
    states = {s.code: s.name for s in sc.member_states}
    return missions, states


def _with_names(frame: pd.DataFrame, result: AllocationResult,
                pairs: Sequence[tuple[str, str, str]]) -> pd.DataFrame:
    """``frame`` with a name column after each id column: (id column, name column, kind)."""
    missions, states = _names(result)
    out = frame.copy()
    for id_column, name_column, kind in pairs:
        lookup = missions if kind == "mission" else states
        out.insert(out.columns.get_loc(id_column) + 1, name_column,
                   [lookup.get(v, "") if isinstance(v, str) else "" for v in out[id_column]])
    return out


MISSION = Column("mission_id", "Mission")
MISSION_NAME = Column("mission_name", "Mission name")
STATE = Column("state", "State")
STATE_NAME = Column("state_name", "State name")


def _assignments(book: Workbook, result: AllocationResult) -> None:
    frame = _with_names(result.assignments, result,
                        [("state", "state_name", "state"), ("mission_id", "mission_name",
                                                              "mission")])
    add_table(book, "assignments", frame, [
        Column("pledge_id", "Pledge"), STATE, STATE_NAME, Column("capability", "Capability"),
        Column("requirement_id", "Requirement"), MISSION, MISSION_NAME,
        Column("requirement_capability", "Line capability"), Column("units", "Units", "count"),
        Column("personnel", "Personnel", "count"), Column("women", "Women", "count"),
        Column("cost_usd", "Cost (US$)", "money")])


def _equipment_flows(book: Workbook, result: AllocationResult) -> None:
    frame = _with_names(result.equipment_flows, result,
                        [("donor", "donor_name", "state"), ("mission_id", "mission_name",
                                                            "mission")])
    frame["equips_pledges"] = frame["equips_pledges"].str.replace(";", ", ")
    add_table(book, "equipment_flows", frame, [
        Column("equipment_id", "Equipment pledge"), Column("donor", "Donor"),
        Column("donor_name", "Donor name"), Column("item", "Item"),
        Column("requirement_id", "Requirement"), MISSION, MISSION_NAME,
        Column("items", "Items", "count"), Column("cost_usd", "Cost (US$)", "money"),
        Column("equips_pledges", "Equips pledges")])


def _funding_flows(book: Workbook, result: AllocationResult) -> None:
    frame = _with_names(result.funding_flows, result,
                        [("donor", "donor_name", "state"), ("mission_id", "mission_name",
                                                            "mission")])
    add_table(book, "funding_flows", frame, [
        Column("funding_id", "Funding pledge"), Column("donor", "Donor"),
        Column("donor_name", "Donor name"), MISSION, MISSION_NAME,
        Column("amount_usd", "Amount (US$)", "money")])


def _requirements(book: Workbook, result: AllocationResult, why: dict[str, str]) -> None:
    frame = _with_names(result.requirements, result, [("mission_id", "mission_name", "mission")])
    frame["reason"] = [why.get(r, "") if short > 0 else ""
                       for r, short in zip(frame.requirement_id, frame.shortfall, strict=True)]
    add_table(book, "requirements", frame, [
        Column("requirement_id", "Requirement"), MISSION, MISSION_NAME,
        Column("capability", "Capability"), Column("priority", "Priority", "count"),
        Column("mandatory", "Mandatory"), Column("units", "Units asked", "count"),
        Column("filled", "Filled", "count"), Column("shortfall", "Short", "count"),
        Column("weighted_shortfall", "Weighted shortfall", "count"),
        Column("reason", "Why short")])


def _missions(book: Workbook, result: AllocationResult) -> None:
    frame = _with_names(result.missions, result, [("mission_id", "mission_name", "mission")])
    goals = {g.mission_id: g for g in mission_goals(result.scenario, result.assignments)}
    frame["women_short"] = [float(goals[m].women_short) for m in frame.mission_id]
    frame["target_met"] = ["" if goals[m].women_target is None
                           else "yes" if goals[m].women_short == 0 else "no"
                           for m in frame.mission_id]
    add_table(book, "missions", frame, [
        MISSION, MISSION_NAME, Column("personnel", "Personnel", "count"),
        Column("personnel_ceiling", "Personnel ceiling", "count"),
        Column("women", "Women", "count"), Column("women_share", "Women share", "share"),
        Column("women_target", "Women target", "share"),
        Column("target_met", "Women target met"),
        Column("women_short", "Women below target (persons)", "number"),
        Column("contributors", "Contributing states", "count"),
        Column("units_asked", "Units asked", "count"),
        Column("units_filled", "Units filled", "count"),
        Column("cost_usd", "Cost (US$)", "money"), Column("budget_usd", "Budget (US$)", "money"),
        Column("funding_usd", "Funding routed (US$)", "money"),
        Column("budget_used", "Budget used", "share")])


def _unused_pledges(book: Workbook, result: AllocationResult) -> None:
    frame = _with_names(result.unused_pledges, result, [("state", "state_name", "state")])
    reasons = {row["pledge_id"]: pledge_reason(row, result.scenario)
               for row in result.explain().pledges.to_dict(orient="records")}
    frame["reason"] = [reasons.get(p, "") for p in frame.pledge_id]
    quantity = ("offered", "used", "unused")
    add_table(book, "unused_pledges", frame, [
        Column("kind", "Kind"), Column("pledge_id", "Pledge"), STATE, STATE_NAME,
        Column("offer", "Offer"), Column("offered", "Offered", "count"),
        Column("used", "Used", "count"), Column("unused", "Unused", "count"),
        Column("reason", "Why unused")],
        # A funding pledge offers dollars; the others offer units or items.
        cell_kinds=lambda row: dict.fromkeys(quantity, "money") if row["kind"] == "funding"
        else {})


def contributors_table(result: AllocationResult) -> pd.DataFrame:
    """Personnel, women, units and cost by mission and contributing state, largest first."""
    a = result.assignments
    columns = ["mission_id", "state", "units", "personnel", "women", "cost_usd"]
    if a.empty:
        return pd.DataFrame(columns=[*columns, "share"])
    grouped = (a.groupby(["mission_id", "state"], sort=False)[["units", "personnel", "women",
                                                              "cost_usd"]]
               .sum().reset_index())
    order = {m.mission_id: i for i, m in enumerate(result.scenario.missions)}
    grouped["_m"] = grouped.mission_id.map(order)
    grouped = grouped.sort_values(["_m", "personnel", "state"],
                                  ascending=[True, False, True]).drop(columns="_m")
    totals = grouped.groupby("mission_id")["personnel"].transform("sum")
    grouped["share"] = (grouped.personnel / totals.where(totals > 0)).fillna(0.0)
    return grouped.reset_index(drop=True)


def _contributors(book: Workbook, result: AllocationResult) -> None:
    frame = _with_names(contributors_table(result), result,
                        [("mission_id", "mission_name", "mission"), ("state", "state_name",
                                                                     "state")])
    add_table(book, "contributors", frame, [
        MISSION, MISSION_NAME, STATE, STATE_NAME, Column("units", "Units", "count"),
        Column("personnel", "Personnel", "count"), Column("women", "Women", "count"),
        Column("share", "Share of mission personnel", "share"),
        Column("cost_usd", "Cost (US$)", "money")])


KIND_WORDS = {"unit": "unit pledge", "equipment": "equipment pledge",
              "funding": "funding pledge"}


def why_table(result: AllocationResult) -> pd.DataFrame:
    """Both explanation tables as one: short lines (each reason ranked) then unused pledges,
    codes beside the words."""
    why = result.explain()
    sc = result.scenario
    lines = why.requirements.to_dict(orient="records")
    # A line whose first reason is a rule has no usable pledge: each rule row can then say
    # how many of all its pledges the rule rules out.
    blocked = {r["requirement_id"] for r in lines
               if r["rank"] == 1 and r["reason"] == "excluded_by_rule"}
    candidates: dict[str, set[str]] = {}
    for r in lines:
        if r["reason"] == "excluded_by_rule":
            candidates.setdefault(r["requirement_id"], set()).update(
                p for p in (r["pledges"] or "").split(";") if p)
    rows = []
    for r in lines:
        n = len(candidates.get(r["requirement_id"], ())) \
            if r["requirement_id"] in blocked else None
        rows.append({"about": "requirement line", "id": r["requirement_id"],
                     "mission_id": r["mission_id"], "state": "", "what": r["capability"],
                     "priority": r["priority"], "amount": r["shortfall"], "rank": r["rank"],
                     "words": reason_words(r, sc, candidates=n), "reason": r["reason"],
                     "rule": r["rule"],
                     "extra_usd": r["extra_usd"],
                     "concerns": (r["pledges"] or "").replace(";", ", "),
                     "used_by": (r["used_by"] or "").replace(";", ", "),
                     "detail": r["detail"]})
    for p in why.pledges.to_dict(orient="records"):
        rows.append({"about": KIND_WORDS.get(p["kind"], p["kind"]), "id": p["pledge_id"],
                     "mission_id": "", "state": p["state"], "what": p["offer"],
                     "priority": None, "amount": p["unused"], "rank": 1,
                     "words": pledge_reason(p, sc), "reason": p["reason"],
                     "rule": (p["rule"] or "").replace(";", ", "), "extra_usd": None,
                     "concerns": (p["requirements"] or "").replace(";", ", "), "used_by": "",
                     "detail": p["detail"], "_kind": p["kind"]})
    return pd.DataFrame(rows, columns=["about", "id", "mission_id", "state", "what", "priority",
                                       "amount", "rank", "words", "reason", "rule", "extra_usd",
                                       "concerns", "used_by", "detail", "_kind"])


def _why(book: Workbook, result: AllocationResult) -> None:
    add_table(book, "why", why_table(result), [
        Column("about", "About"), Column("id", "Line or pledge"), MISSION, STATE,
        Column("what", "Capability or offer"), Column("priority", "Priority", "count"),
        Column("amount", "Short or unused", "count"), Column("rank", "Rank", "count"),
        Column("words", "Why"), Column("reason", "Reason code"), Column("rule", "Rule"),
        Column("extra_usd", "Money needed (US$)", "money"),
        Column("concerns", "Pledges or lines concerned"), Column("used_by", "Used by"),
        Column("detail", "Detail")],
        cell_kinds=lambda row: {"amount": "money"} if row.get("_kind") == "funding" else {})


def _diagnosis(book: Workbook, result: AllocationResult) -> None:
    d = result.diagnosis
    assert d is not None
    rows = [{"part": "conflict", "kind": r.kind, "rule_id": r.rule_id,
             "mission_id": r.mission_id or "", "amount": None, "unit": "", "words": r.message}
            for r in d.conflict]
    rows += [{"part": "least relaxation", "kind": r.rule.kind, "rule_id": r.rule.rule_id,
              "mission_id": r.rule.mission_id or "", "amount": r.amount, "unit": r.unit,
              "words": r.message} for r in d.relaxation]
    frame = pd.DataFrame(rows, columns=["part", "kind", "rule_id", "mission_id", "amount",
                                        "unit", "words"])
    add_table(book, "diagnosis", frame, [
        Column("part", "Part"), Column("kind", "Rule kind"), Column("rule_id", "Rule"),
        MISSION, Column("amount", "Least relaxation", "number"), Column("unit", "Unit"),
        Column("words", "In words")],
        cell_kinds=lambda row: {"amount": "money"} if row["unit"] == "US$" else {})


def _warnings(book: Workbook, warnings: list[dict[str, Any]]) -> None:
    frame = pd.DataFrame(warnings, columns=["table", "row", "column", "source", "message"])
    add_table(book, "warnings", frame, [
        Column("table", "Table"), Column("row", "Row", "count"), Column("column", "Column"),
        Column("source", "Source"), Column("message", "Warning")])


# ----- summary ---------------------------------------------------------------------------------
def _level_keys(result: AllocationResult) -> list[str]:
    """Result keys of the levels the policy uses, in its order (units changed after the
    shortfall when re-planning); the preference level only when the scenario states
    preferences (without any it is 0 by construction)."""
    sc = result.scenario
    keys = [LEVEL_BY_NAME[name].key for name in sc.policy.objective
            if name != "preference" or sc.preferences]
    if result.objective.get("units_changed") is not None:
        at = keys.index("weighted_shortfall") + 1 if "weighted_shortfall" in keys else 0
        keys.insert(at, "units_changed")
    return keys


def summary_rows(result: AllocationResult, warnings: int) -> list[dict[str, Any]]:
    """The summary sheet's rows: item, value, bound, what it means; value kinds in ``kind``."""
    sc, obj, bound = result.scenario, result.objective, result.bound
    rows: list[dict[str, Any]] = [
        {"item": "Scenario", "value": sc.name},
        {"item": "Status", "value": result.status.value,
         "meaning": STATUS_MEANING.get(result.status, "")},
    ]
    if sc.description:
        rows.insert(1, {"item": "Description", "value": sc.description})
    for key in _level_keys(result):
        level = LEVEL_BY_KEY[key]
        kind = "money" if key == "cost_usd" else "count" if key in {
            "weighted_shortfall", "units_changed"} else "number"
        meaning = level.unit if level.short_unit else ""
        if key == "soft_goal_slack" and result.plan is not None:
            meaning = slack_words(mission_goals(sc, result.assignments))
        rows.append({"item": level.heading, "value": obj.get(key), "bound": bound.get(key),
                     "meaning": meaning, "kind": kind})
    from allocator.result.result import WEIGHTED_LEVEL  # result.py imports this module

    for lv in result.levels:
        if lv.level == WEIGHTED_LEVEL:
            rows.append({"item": "Weighted objective (US$ with the policy's weights)",
                         "value": lv.value, "bound": lv.bound, "kind": "money",
                         "meaning": "the single objective a weighted solve minimises"})
    if result.plan is not None:
        req, missions = result.requirements, result.missions
        short = int((req.shortfall > 0).sum())
        rows += [
            {"item": "Units asked", "value": int(req.units.sum()), "kind": "count"},
            {"item": "Units filled", "value": int(req.filled.sum()), "kind": "count"},
            {"item": "Requirement lines short", "value": short, "kind": "count",
             "meaning": "why: the requirements and why sheets" if short else ""},
            {"item": "Personnel deployed", "value": int(missions.personnel.sum()),
             "kind": "count"},
            {"item": "Unused pledges", "value": len(result.unused_pledges), "kind": "count",
             "meaning": "why: the unused_pledges and why sheets"
             if len(result.unused_pledges) else ""},
        ]
    elif result.diagnosis is not None and not result.diagnosis.feasible:
        conflict, relax = len(result.diagnosis.conflict), len(result.diagnosis.relaxation)
        rows.append({"item": "Diagnosis", "value": f"{conflict} rule{'' if conflict == 1 else 's'}"
                     f" in conflict; least relaxation: {relax} rule{'' if relax == 1 else 's'}",
                     "meaning": "see the diagnosis sheet"})
    gap = result.gap
    rows += [
        {"item": "Period (months)", "value": sc.policy.period_months, "kind": "count"},
        {"item": "Objective mode", "value": result.objective_mode},
        {"item": "Backend", "value": result.backend},
        # From the 4 decimals the JSON keeps, so a result read back shows the same figure.
        {"item": "Solve time", "value": round(round(result.runtime_s, 4), 2), "kind": "seconds",
         "meaning": "from the call to the verified result"},
        {"item": "Model build time", "value": round(round(result.build_s, 4), 2),
         "kind": "seconds"},
        {"item": "Verified", "value": "yes" if result.is_feasible() else "no",
         "meaning": "the independent verifier rechecked every hard rule of the plan"
         if result.is_feasible() else ("no plan to verify" if result.plan is None
                                       else "the verifier found violations")},
        {"item": "Gap", "value": gap if gap is not None else "not known", "kind": "gap",
         "meaning": "relative distance to the best proven bound of the first level not "
                    "proven optimal"},
    ]
    if warnings:
        rows.append({"item": "Warnings", "value": warnings, "kind": "count",
                     "meaning": "see the warnings sheet"})
    return rows


def _summary(book: Workbook, result: AllocationResult, warnings: int) -> None:
    frame = pd.DataFrame(summary_rows(result, warnings),
                         columns=["item", "value", "bound", "meaning", "kind"])
    add_table(book, "summary", frame, [
        Column("item", "Item"), Column("value", "Value"), Column("bound", "Best bound"),
        Column("meaning", "What it means")],
        # Each row has its own kind of value (money, persons, seconds, a share).
        cell_kinds=lambda row: dict.fromkeys(("value", "bound"), row["kind"])
        if isinstance(row["kind"], str) else {})


def plan_workbook(result: AllocationResult, warnings: list[dict[str, Any]] | None = None
                  ) -> bytes:
    """The plan workbook of ``result`` as ``.xlsx`` bytes (see the module doc); ``warnings``
    are the result document's (``to_dict()["warnings"]``)."""
    warnings = warnings or []
    book = Workbook()
    book.remove(book.active)
    _summary(book, result, len(warnings))
    why = line_reasons(result.explain(), result.scenario)
    _assignments(book, result)
    _equipment_flows(book, result)
    _funding_flows(book, result)
    _requirements(book, result, why)
    _missions(book, result)
    _unused_pledges(book, result)
    _contributors(book, result)
    _why(book, result)
    if result.status is SolveStatus.INFEASIBLE and result.diagnosis is not None \
            and not result.diagnosis.feasible:
        _diagnosis(book, result)
    if warnings:
        _warnings(book, warnings)
    return workbook_bytes(book)


__all__ = ["COUNT_FORMAT", "MONEY_FORMAT", "SHARE_FORMAT", "Column", "add_table",
           "columns_of", "contributors_table", "header_words", "plan_workbook",
           "summary_rows", "tables_workbook", "why_table", "write_table"]
