"""``allocator solve`` and ``allocator explain``: a plan and its reasons, printed for an
80-column terminal, written to a file on request."""

from __future__ import annotations

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
from allocator.result.result import AllocationResult


def _print_no_plan(result: AllocationResult) -> None:
    """Why there is no plan: for an infeasible scenario, the conflict and least relaxation."""
    lines = result.summary().splitlines()[1:]
    console.print(lines[0], soft_wrap=True)
    if result.diagnosis is not None and not result.diagnosis.feasible:
        for line in lines[1:]:
            console.print(line, soft_wrap=True, markup=False, highlight=False)


def _print_result(result: AllocationResult) -> None:
    obj = result.objective
    colour = "green" if result.status.has_plan else "red"
    console.print(f"[bold]{result.scenario.name}[/]: [{colour}]{result.status.value}[/] "
                  f"with {result.backend} in {result.runtime_s:.2f} s "
                  f"(model built in {result.build_s:.2f} s)", soft_wrap=True)
    if result.plan is None:
        _print_no_plan(result)
        return
    verified = "verified" if result.is_feasible() else "NOT VERIFIED"
    gap = "n/a" if result.gap is None else f"{result.gap:.4%}"
    preference = (f"preference penalty {obj['preference_penalty']}, "
                  if result.scenario.preferences else "")
    console.print(f"weighted shortfall {obj['weighted_shortfall']}, soft-goal slack "
                  f"{obj['soft_goal_slack']}, {preference}cost US${obj['cost_usd']:,.0f}; "
                  f"gap {gap}; plan {verified}", soft_wrap=True)
    # Money in US$ millions and short headers, so the table fits an 80-column terminal or log.
    table = Table(title="Missions (budget includes the funding routed to it)",
                  box=box.SIMPLE_HEAD)
    table.add_column("mission")
    for header in ("personnel", "ceiling", "women", "states", "units", "cost $M", "budget $M"):
        table.add_column(header, justify="right")
    for m in result.missions.itertuples():
        ceiling = m.personnel_ceiling
        table.add_row(
            m.mission_id, f"{m.personnel:,}",
            "-" if ceiling is None or ceiling != ceiling else f"{int(ceiling):,}",
            f"{m.women_share:.1%}", str(m.contributors), f"{m.units_filled}/{m.units_asked}",
            f"{m.cost_usd / 1e6:,.1f}", f"{(m.budget_usd + m.funding_usd) / 1e6:,.1f}")
    console.print(table)
    short = result.requirements[result.requirements.shortfall > 0]
    if len(short):
        # The first (blocking) reason of each line; `allocator explain` gives them all.
        why = result.explain().first_reasons()
        gaps = Table("requirement", "mission", "capability", "prio", "filled", "reason",
                     title=f"Requirements with a shortfall ({len(short)})", box=box.SIMPLE_HEAD)
        for r in short.sort_values(["priority", "requirement_id"]).head(25).itertuples():
            gaps.add_row(r.requirement_id, r.mission_id, r.capability, str(r.priority),
                         f"{r.filled}/{r.units}", why.get(r.requirement_id, ""))
        console.print(gaps)


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


