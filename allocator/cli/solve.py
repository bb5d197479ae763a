"""``allocator solve`` and ``allocator explain``: a plan and its reasons, printed for an
80-column terminal, written to a file on request."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.table import Table

from allocator.backends import DEFAULT_BACKEND
from allocator.cli.common import (
    BackendOpt,
    PathArg,
    TimeLimitOpt,
    console,
    errors,
    load_scenario,
    solve_or_exit,
    write_or_exit,
)
from allocator.cli.sweep import save_chart
from allocator.insight.explain.words import line_reasons
from allocator.result.goals import mission_goals, slack_words
from allocator.result.result import AllocationResult
from allocator.result.workbook import contributors_table


def _print_no_plan(result: AllocationResult) -> None:
    """Why there is no plan: for an infeasible scenario, the conflict and least relaxation."""
    lines = result.summary().splitlines()[1:]
    console.print(lines[0], soft_wrap=True)
    if result.diagnosis is not None and not result.diagnosis.feasible:
        for line in lines[1:]:
            console.print(line, soft_wrap=True, markup=False, highlight=False)


def _share(value: float, missed: bool) -> str:
    """A share as a percentage; a missed target is rounded down, so 9.98% of a 10% target
    never prints as 10.0%."""
    if missed:
        return f"{math.floor(value * 1000) / 10:.1f}%"
    return f"{value:.1%}"


def _target(value: float | None) -> str:
    return "-" if value is None or value != value else f"{value:.0%}"


def _headline(result: AllocationResult) -> None:
    """The objective levels in words, one line each, with the period and verification."""
    obj, sc = result.objective, result.scenario
    req = result.requirements
    short = int((req.shortfall > 0).sum())
    verified = "plan verified" if result.is_feasible() else "PLAN NOT VERIFIED"
    gap = "n/a" if result.gap is None else f"{result.gap:.2%}"
    console.print(f"period {sc.policy.period_months} months; {verified}; gap {gap}",
                  soft_wrap=True)
    console.print(f"weighted shortfall {obj['weighted_shortfall']:,}: "
                  f"{int(req.filled.sum()):,} of {int(req.units.sum()):,} units filled, "
                  f"{short} line{'' if short == 1 else 's'} short", soft_wrap=True)
    if obj.get("units_changed") is not None:
        console.print(f"units changed {obj['units_changed']:,} from the current deployment",
                      soft_wrap=True)
    goals = mission_goals(sc, result.assignments)
    console.print(f"soft-goal slack {obj['soft_goal_slack']:,.1f} persons: "
                  f"{slack_words(goals)}", soft_wrap=True)
    if sc.preferences:
        console.print(f"preference penalty {obj['preference_penalty']:,.0f} points",
                      soft_wrap=True)
    console.print(f"cost US${obj['cost_usd']:,.0f} for the period", soft_wrap=True)


def _missions_table(result: AllocationResult) -> None:
    """Per mission: personnel against ceiling, women against target (misses marked *),
    units, cost against budget (contributors follow, in ``_contributors``)."""
    goals = {g.mission_id: g for g in mission_goals(result.scenario, result.assignments)}
    # Money in US$ millions and short headers, so the table fits an 80-column terminal or log.
    table = Table(title="Missions (budget includes the funding routed to it)",
                  box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("mission")
    for header in ("personnel", "ceiling", "women", "target", "units", "cost $M",
                   "budget $M"):
        table.add_column(header, justify="right")
    misses = 0
    for m in result.missions.itertuples():
        ceiling = m.personnel_ceiling
        missed = goals[m.mission_id].women_short > 0
        misses += missed
        table.add_row(
            m.mission_id, f"{m.personnel:,}",
            "-" if ceiling is None or ceiling != ceiling else f"{int(ceiling):,}",
            _share(m.women_share, missed) + ("*" if missed else " "), _target(m.women_target),
            f"{m.units_filled}/{m.units_asked}",
            f"{m.cost_usd / 1e6:,.1f}", f"{(m.budget_usd + m.funding_usd) / 1e6:,.1f}")
    console.print(table)
    if misses:
        console.print(f"* women below the mission's target ({misses} "
                      f"mission{'' if misses == 1 else 's'})", soft_wrap=True)


def _contributors(result: AllocationResult, top: int = 3) -> None:
    """The largest contributing states of each mission, by personnel."""
    table = contributors_table(result)
    if table.empty:
        return
    console.print("[bold]Contributors[/] (states, and the largest by personnel)")
    for mission_id, rows in table.groupby("mission_id", sort=False):
        names = [f"{r.state} {int(r.personnel):,}" for r in rows.head(top).itertuples()]
        console.print(f"  {mission_id:<8} {len(rows):>3}: " + ", ".join(names)
                      + (", ..." if len(rows) > top else ""), soft_wrap=True,
                      highlight=False)


def _short_lines(result: AllocationResult, most: int = 25) -> None:
    """Short lines, most important first, each with the reason that blocks it in words."""
    req = result.requirements
    short = req[req.shortfall > 0]
    if not len(short):
        return
    # The first (blocking) reason of each line; `allocator explain` gives them all.
    why = line_reasons(result.explain(), result.scenario, brief=True)
    gaps = Table("line", "prio", "filled", "why", box=box.SIMPLE_HEAD, pad_edge=False,
                 title=f"Requirements with a shortfall ({len(short)})")
    for r in short.sort_values(["priority", "requirement_id"]).head(most).itertuples():
        line = r.requirement_id if str(r.requirement_id).startswith(str(r.mission_id)) \
            else f"{r.requirement_id} ({r.mission_id})"
        gaps.add_row(f"{line}\n{r.capability}", str(r.priority), f"{r.filled}/{r.units}",
                     why.get(r.requirement_id, ""))
    console.print(gaps)
    if len(short) > most:
        console.print(f"... {len(short) - most} more short lines (allocator explain, or "
                      "--out plan.xlsx for all)")


def _print_result(result: AllocationResult) -> None:
    colour = "green" if result.status.has_plan else "red"
    console.print(f"[bold]{result.scenario.name}[/]: [{colour}]{result.status.value}[/] "
                  f"with {result.backend} in {result.runtime_s:.2f} s "
                  f"(model built in {result.build_s:.2f} s)", soft_wrap=True)
    if result.plan is None:
        _print_no_plan(result)
        return
    _headline(result)
    _missions_table(result)
    _contributors(result)
    _short_lines(result)


def solve_command(
    path: PathArg,
    backend: BackendOpt = DEFAULT_BACKEND,
    time_limit: TimeLimitOpt = None,
    out: Annotated[Path | None, typer.Option(
        help="write the plan: plan.json, plan.xlsx, or a folder for CSV files")] = None,
    objective: Annotated[str | None, typer.Option(
        help="lexicographic or weighted (default: the scenario's policy)")] = None,
    threads: Annotated[int | None, typer.Option(help="solver threads")] = None,
    log: Annotated[bool, typer.Option(help="show the solver's own log")] = False,
    plot: Annotated[Path | None, typer.Option(
        help="save a chart of coverage by mission as PNG")] = None,
) -> None:
    """Solve a scenario and print a summary; optionally write the plan and a chart."""
    scenario = load_scenario(path)
    result = solve_or_exit(scenario, backend=backend, time_limit=time_limit, objective=objective,
                    threads=threads, log=log)
    _print_result(result)
    if result.plan is not None:
        save_chart("coverage_by_mission", result.missions, plot)
    if out is not None:
        try:
            written = result.export(out)
        except (OSError, ValueError) as err:
            errors.print(f"[bold red]could not write {out}: {err}[/]")
            raise typer.Exit(2) from None
        console.print(f"plan written to {written}")
    raise typer.Exit(0 if result.status.has_plan else 1)


def _print_explanation(result: AllocationResult, limit: int) -> None:
    """Both explanation tables, 80-column friendly (the full text is in --out)."""
    from allocator.insight.explain import Explanation

    why: Explanation = result.explain()
    reqs = Table("line", "#", "reason", "rule", "why", title="Why each short line is "
                 f"short ({why.requirements.requirement_id.nunique()} lines)",
                 box=box.SIMPLE_HEAD)
    for r in why.requirements.itertuples():
        if r.reason == "excluded_by_rule":
            text = f"{len(r.pledges.split(';'))}: {r.pledges.replace(';', ', ')}"
        elif r.reason == "used_elsewhere":
            text = f"by {r.used_by.replace(';', ', ')}" + (
                f" (higher priority: {r.higher_priority.replace(';', ', ')})"
                if r.higher_priority else "")
        elif r.extra_usd is not None:
            text = f"US${r.extra_usd:,} more; {r.detail}"
        else:
            text = r.detail
        reqs.add_row(r.requirement_id if r.rank == 1 else "", str(r.rank), r.reason, r.rule,
                     _clip(text, 90))
    console.print(reqs)
    pledges = why.pledges
    counts = ", ".join(f"{n} {reason}" for reason, n in pledges.reason.value_counts().items())
    table = Table("pledge", "kind", "unused", "reason", "why",
                  title=f"Why pledges are unused ({len(pledges)}: {counts})",
                  box=box.SIMPLE_HEAD)
    # Pledges a short line could use come first, then the rest by reason.
    order = pledges.assign(_k=pledges.reason.isin(["demand_met", "not_needed"]))
    for p in order.sort_values(["_k", "reason", "pledge_id"]).head(limit).itertuples():
        unused = f"{p.unused:,.0f}"
        table.add_row(p.pledge_id, p.kind, unused, p.reason, _clip(p.detail, 90))
    console.print(table)
    if len(pledges) > limit:
        console.print(f"... {len(pledges) - limit} more pledges (--limit, or --out for all)")


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def explain_command(
    path: PathArg,
    backend: BackendOpt = DEFAULT_BACKEND,
    time_limit: TimeLimitOpt = None,
    out: Annotated[Path | None, typer.Option(
        help="write both tables: x.json, or x.csv (requirements) and x-pledges.csv")] = None,
    limit: Annotated[int, typer.Option(help="unused pledges to print")] = 40,
) -> None:
    """Solve a scenario and say why each short line is short and each pledge unused."""
    import json

    scenario = load_scenario(path)
    result = solve_or_exit(scenario, backend=backend, time_limit=time_limit)
    console.print(f"[bold]{scenario.name}[/]: {result.status.value} with {result.backend} in "
                  f"{result.runtime_s:.2f} s", soft_wrap=True)
    if result.plan is None:
        _print_no_plan(result)
        raise typer.Exit(1)
    _print_explanation(result, limit)
    if out is not None:
        why = result.explain()
        if out.suffix.lower() == ".json":
            written = {out: json.dumps(why.to_dict(), indent=2)}
        elif out.suffix.lower() == ".csv":
            written = {out: why.requirements.to_csv(index=False),
                       out.with_name(f"{out.stem}-pledges.csv"): why.pledges.to_csv(index=False)}
        else:
            errors.print(f"[bold red]could not write {out}: give a .json or .csv file name[/]")
            raise typer.Exit(2)
        for path, text in written.items():
            write_or_exit(path, text)
        console.print("explanations written to " + ", ".join(map(str, written)))


