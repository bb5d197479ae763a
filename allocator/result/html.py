"""The plan as HTML: what ``AllocationResult._repr_html_`` shows in a notebook and what the
service's page shows under "The plan", rendered from one Jinja2 template so the two never differ.

Every section is in the planner's words (the plan workbook's, ``allocator.result.workbook``):
the outcome, per mission personnel against the ceiling, women share against the target, cost
against budget plus funding and coverage by priority; the short lines with their reasons and
the money that would fill a budget-bound line; unused pledges and why; the contributors; the
diagnosis when there is no plan; the warnings. Every text from a scenario is escaped
(autoescape), so a mission named ``<script>`` shows as text.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape

from allocator.result.goals import mission_goals
from allocator.result.workbook import (
    STATUS_MEANING,
    Column,
    columns_of,
    contributors_table,
    summary_rows,
    why_table,
)

if TYPE_CHECKING:
    from allocator.result.result import AllocationResult


SHOWN_AS = {"share": "{:.1%}", "gap": "{:.2%}", "seconds": "{:.2f} s", "count": "{:,.0f}",
           "number": "{:,.1f}"}
"""How each kind of number is shown (money apart: its sign goes before the US$)."""


def shown(value: Any, kind: str = "text") -> str:
    """A value as a planner reads it: ``US$1,234``, ``12.3%``, ``1,234``, ``2.50 s``; blank for
    a missing value, yes/no for flags, a list as its items."""
    if isinstance(value, list | tuple):
        return ", ".join(shown(v, kind) for v in value)
    if hasattr(value, "item") and not isinstance(value, str):  # numpy scalars, numpy bools too
        value = value.item()
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if not isinstance(value, int | float) or kind == "text":
        if isinstance(value, float) and value.is_integer():
            return f"{int(value)}"
        return str(value)
    if kind == "money":
        return f"-US${-value:,.0f}" if value < 0 else f"US${value:,.0f}"
    return SHOWN_AS.get(kind, "{:,.2f}").format(value)


@dataclass(frozen=True)
class Table:
    """A table ready to render: its title, columns in words and rows of shown text, numbers
    right-aligned."""

    title: str
    columns: Sequence[Column]
    rows: list[list[str]]
    note: str = ""
    key: str = ""
    """An anchor id for the table (``table-<key>``), for links and tests."""

    @property
    def numeric(self) -> list[bool]:
        return [c.kind != "text" for c in self.columns]


def table(title: str, frame: pd.DataFrame, columns: Sequence[Column] | None = None, *,
          note: str = "", key: str = "") -> Table:
    """``frame`` as a ``Table``; ``columns`` default to headers in words from the column names
    (``columns_of``)."""
    columns = list(columns) if columns is not None else columns_of(frame)
    rows = [[shown(record.get(c.key), c.kind) for c in columns]
            for record in frame.to_dict(orient="records")]
    return Table(title, columns, rows, note,
                 key or title.lower().replace(" ", "-") or f"{len(columns)}-columns")


def _mission_rows(result: AllocationResult) -> pd.DataFrame:
    """Per mission, what a briefing puts side by side: personnel against the ceiling, women
    share against the target, cost against budget plus funding, coverage by priority."""
    sc = result.scenario
    missions = result.missions
    req = result.requirements
    goals = {g.mission_id: g for g in mission_goals(sc, result.assignments)}
    names = {m.mission_id: m.name for m in sc.missions}
    rows = []
    for m in missions.to_dict(orient="records"):
        lines = req[req.mission_id == m["mission_id"]]
        coverage = []
        for priority, group in lines.groupby("priority", sort=True):
            asked, filled = int(group.units.sum()), int(group.filled.sum())
            coverage.append(f"P{priority} {filled:,}/{asked:,}")
        goal = goals.get(m["mission_id"])
        rows.append({
            "mission_id": m["mission_id"], "mission_name": names.get(m["mission_id"], ""),
            "personnel": m["personnel"], "personnel_ceiling": m["personnel_ceiling"],
            "women_share": m["women_share"], "women_target": m["women_target"],
            "target_met": "" if goal is None or goal.women_target is None
            else "yes" if goal.women_short == 0 else "no",
            "cost_usd": m["cost_usd"], "budget_usd": m["budget_usd"],
            "funding_usd": m["funding_usd"], "budget_used": m["budget_used"],
            "coverage": "; ".join(coverage), "contributors": m["contributors"]})
    return pd.DataFrame(rows)


MISSION_COLUMNS = [
    Column("mission_id", "Mission"), Column("mission_name", "Name"),
    Column("personnel", "Personnel", "count"),
    Column("personnel_ceiling", "Ceiling", "count"),
    Column("women_share", "Women share", "share"), Column("women_target", "Women target", "share"),
    Column("target_met", "Target met"), Column("cost_usd", "Cost", "money"),
    Column("budget_usd", "Budget", "money"), Column("funding_usd", "Funding", "money"),
    Column("budget_used", "Budget used", "share"),
    Column("coverage", "Units filled by priority"),
    Column("contributors", "Contributors", "count")]
"""The missions table: units in the values (US$, %, persons), so headers stay short."""


SECTIONS = {"the requirements and why sheets": "the short lines below",
            "the unused_pledges and why sheets": "the unused pledges below",
            "the diagnosis sheet": "the rules in conflict below",
            "the warnings sheet": "the warnings below"}
"""The summary's pointers to the workbook's sheets, and the sections of the page they mean."""


def _here(meaning: str) -> str:
    for sheet, section in SECTIONS.items():
        meaning = meaning.replace(sheet, section)
    return meaning


def plan_tables(result: AllocationResult) -> list[Table]:
    """The plan's sections as tables, in briefing order (empty sections left out)."""
    # Each summary row has its own kind of value (money, persons, seconds); its pointers to
    # the workbook's sheets point to this page's sections instead.
    summary = [[shown(r.get("item")), shown(r.get("value"), r.get("kind") or "text"),
                shown(r.get("bound"), r.get("kind") or "text"), _here(shown(r.get("meaning")))]
               for r in summary_rows(result, len(result.warnings))]
    tables = [Table("Summary", [Column("item", "Item"), Column("value", "Value"),
                                Column("bound", "Best bound"), Column("meaning", "What it means")],
                    summary, key="summary")]
    if result.plan is not None:
        tables.append(table("Missions", _mission_rows(result), MISSION_COLUMNS, key="missions"))
        why = why_table(result)
        lines = why[(why.about == "requirement line")]
        if len(lines):
            tables.append(table(
                "Short lines and why", lines, [
                    Column("id", "Line"), Column("mission_id", "Mission"),
                    Column("what", "Capability"), Column("priority", "Priority", "count"),
                    Column("amount", "Units short", "count"), Column("rank", "Rank", "count"),
                    Column("words", "Why"), Column("extra_usd", "Money that fills it", "money")],
                note="rank 1 is the main reason; a budget-bound line names the money that "
                     "would fill it", key="short-lines"))
        pledges = why[why.about != "requirement line"].copy()
        if len(pledges):
            pledges["amount"] = [shown(a, "money" if k == "funding" else "count")
                                 for a, k in zip(pledges.amount, pledges._kind, strict=True)]
            tables.append(table(
                "Unused pledges and why", pledges, [
                    Column("about", "Kind"), Column("id", "Pledge"), Column("state", "State"),
                    Column("what", "Offer"), Column("amount", "Unused", "count"),
                    Column("words", "Why")], key="unused-pledges"))
        contributors = contributors_table(result)
        if len(contributors):
            names = {m.code: m.name for m in result.scenario.member_states}
            contributors["state_name"] = [names.get(c, "") for c in contributors.state]
            tables.append(table("Contributors", contributors, [
                Column("mission_id", "Mission"), Column("state", "State"),
                Column("state_name", "Name"),
                Column("units", "Units", "count"), Column("personnel", "Personnel", "count"),
                Column("women", "Women", "count"),
                Column("share", "Share of mission personnel", "share"),
                Column("cost_usd", "Cost", "money")], key="contributors"))
    elif result.diagnosis is not None and not result.diagnosis.feasible:
        d = result.diagnosis
        tables.append(table("Rules in conflict", d.conflict_table(), [
            Column("kind", "Rule kind"), Column("rule_id", "Rule"),
            Column("mission_id", "Mission"), Column("message", "In words")],
            note="together these rules cannot all hold", key="conflict"))
        relax = d.relaxation_table()
        relax["amount"] = [shown(a, "money" if u == "US$" else "count"
                                 if float(a).is_integer() else "number")
                           for a, u in zip(relax.amount, relax.unit, strict=True)]
        tables.append(table("Least relaxation", relax, [
            Column("kind", "Rule kind"), Column("rule_id", "Rule"),
            Column("mission_id", "Mission"), Column("amount", "Relax by", "count"),
            Column("unit", "Unit"), Column("message", "In words")],
            note="the smallest change to these rules that gives a plan", key="relaxation"))
    if result.warnings:
        tables.append(warnings_table(result.warnings))
    return tables


def warnings_table(warnings: Sequence[Mapping[str, Any]], title: str = "Warnings") -> Table:
    """Located warnings (or problems, by ``title``): file, table, row, column, message."""
    frame = pd.DataFrame(list(warnings), columns=["source", "table", "row", "column", "message"])
    return table(title, frame,
                 [Column("source", "File"), Column("table", "Table"),
                  Column("row", "Row", "count"), Column("column", "Column"),
                  Column("message", "Message")], key=title.lower())


@cache
def environment() -> Environment:
    """The Jinja2 environment of the library's templates, escaping every value."""
    env = Environment(loader=PackageLoader("allocator.result", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["shown"] = shown
    return env


def plan_html(result: AllocationResult, *, heading_level: int = 2, style: bool = True) -> str:
    """The plan as an HTML fragment (a ``<section>``), headings from ``<h{heading_level}>``;
    ``style`` adds its small stylesheet inline (notebooks), the service links it instead (its
    Content-Security-Policy allows no inline style)."""
    return environment().get_template("plan.html.j2").render(
        result=result, tables=plan_tables(result), status=result.status.value,
        meaning=STATUS_MEANING.get(result.status, ""), h=heading_level, style=style)


def stylesheet() -> str:
    """The tables' stylesheet, which the service serves as a file."""
    loader = environment().loader
    assert loader is not None
    return loader.get_source(environment(), "plan.css")[0]


COMPARED = [("status", "Status", "text"),
            ("weighted_shortfall", "Weighted shortfall (priority-weighted units short)",
             "count"),
            ("soft_goal_slack", "Soft-goal slack (persons)", "number"),
            ("units_filled", "Units filled", "count"), ("units_asked", "Units asked", "count"),
            ("coverage", "Coverage", "share"),
            *[(f"filled_p{p}", f"Priority {p} units filled", "count") for p in range(1, 6)],
            ("cost_usd", "Cost", "money"), ("women_share", "Women share", "share"),
            ("contributors", "Contributing states", "count"),
            ("assignments_changed", "Assignments changed from the base", "count")]
"""The what-if comparison's measures, in briefing order: (column, words, kind)."""


def _change(delta: Any, kind: str) -> str:
    """A variant's change from the base, signed: ``+3``, ``-US$1,200``, ``-2.9 pp`` (a share
    changes by percentage points)."""
    text = shown(delta, kind)
    if text and kind == "share":
        return "0.0 pp" if delta == 0 else f"{float(delta) * 100:+.1f} pp"
    if not text or delta == 0:
        return text
    return text if text.startswith("-") else "+" + text


def comparison_table(frame: pd.DataFrame) -> Table:
    """A what-if comparison (``allocator.compare``) turned for reading: one row per measure, a
    column per variant, each variant's change from the base beside it."""
    records = frame.to_dict(orient="records")
    columns = [Column("measure", "Measure")]
    for i, r in enumerate(records):
        columns.append(Column(f"v{i}", str(r["variant"]), "count"))
        if i:
            columns.append(Column(f"d{i}", "change", "count"))
    rows = []
    for key, words, kind in COMPARED:
        if key not in frame.columns:
            continue
        row = [words]
        for i, r in enumerate(records):
            row.append(shown(r.get(key), kind))
            if i:
                row.append(_change(r.get(f"d_{key}"), kind))
        rows.append(row)
    return Table("Comparison with the base plan", columns, rows, key="comparison",
                 note="each variant solved as the base is; a change is the variant minus the "
                      "base")


def comparison_html(frame: pd.DataFrame, *, style: bool = True) -> str:
    """A what-if comparison as the page and notebooks show it (``comparison_table``)."""
    return environment().get_template("table.html.j2").render(
        t=comparison_table(frame), h=3, style=style)


def frame_html(frame: pd.DataFrame, title: str = "", *, note: str = "", key: str = "",
               style: bool = True) -> str:
    """Any table (a what-if comparison, a sweep) as the page and notebooks show it: headers in
    words, US$ and percentages by column name."""
    return environment().get_template("table.html.j2").render(
        t=table(title, frame, note=note, key=key), h=3, style=style)
