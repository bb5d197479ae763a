"""The ``allocator`` command: validate, solve, explain, what-if and list backends.

Exit codes: 0 a verified plan (or a valid scenario), 1 no plan (infeasible, no solution in
time, invalid model), 2 bad input or an unavailable backend.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich import box
from rich.table import Table

from allocator.backends import available_backends, backend_names, describe, is_available
from allocator.cli.common import (
    BackendOpt,
    PathArg,
    TimeLimitOpt,
    console,
    errors,
    exit_with_problems,
    load_scenario,
    solve_or_exit,
)
from allocator.cli.sweep import save_chart, sweep_app
from allocator.errors import BackendUnavailableError, ScenarioError
from allocator.result.result import AllocationResult

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Match member states' pledges to UN peacekeeping mission requirements.")
@app.command()
def validate(path: PathArg) -> None:
    """Check a scenario and report every problem with its file, row and column."""
    scenario = load_scenario(path)
    console.print(f"[green]valid[/]: {scenario.summary()}")


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


@app.command("solve")
def solve_command(
    path: PathArg,
    backend: BackendOpt = "cpsat",
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


@app.command("explain")
def explain_command(
    path: PathArg,
    backend: BackendOpt = "cpsat",
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
        from allocator.result.exports import write_text_atomic

        why = result.explain()
        try:
            if out.suffix.lower() == ".json":
                write_text_atomic(out, json.dumps(why.to_dict(), indent=2))
                written = [out]
            elif out.suffix.lower() == ".csv":
                second = out.with_name(f"{out.stem}-pledges.csv")
                write_text_atomic(out, why.requirements.to_csv(index=False))
                write_text_atomic(second, why.pledges.to_csv(index=False))
                written = [out, second]
            else:
                raise ValueError("give a .json or .csv file name")
        except (OSError, ValueError) as err:
            errors.print(f"[bold red]could not write {out}: {err}[/]")
            raise typer.Exit(2) from None
        console.print("explanations written to " + ", ".join(map(str, written)))


def _variants(path: Path) -> dict[str, list]:
    """The named variants of a changes file; a plain list is one variant named after the file."""
    from allocator.insight.whatif import read_changes

    try:
        changes = read_changes(path)
    except ScenarioError as err:
        for problem in err.problems:
            errors.print(f"  - {problem}", soft_wrap=True, markup=False, highlight=False)
        raise typer.Exit(2) from None
    return changes if isinstance(changes, dict) else {path.stem: changes}


def _figure(value: float, column: str, signed: bool = False) -> str:
    sign = "+" if signed and value > 0 else ""
    if column == "cost_usd":
        return f"{sign}{value / 1e6:,.1f}"
    if column in ("coverage", "women_share"):
        return f"{sign}{value * 100:.1f} pt" if signed else f"{value:.1%}"
    return sign + f"{value:,.2f}".rstrip("0").rstrip(".")


def _whatif_cell(row: dict, column: str, base: bool) -> str:
    """A figure, and for a variant its change against the base in parentheses."""
    value, delta = row[column], row.get(f"d_{column}")
    if value is None or value != value:
        return "-"
    if base or delta is None or delta != delta or delta == 0:
        return _figure(value, column)
    return f"{_figure(value, column)} ({_figure(delta, column, signed=True)})"


@app.command("whatif")
def whatif_command(
    path: PathArg,
    changes: Annotated[Path, typer.Argument(
        help="YAML/JSON list of changes, or a mapping {variant name: [changes...]}")],
    backend: BackendOpt = "cpsat",
    time_limit: TimeLimitOpt = None,
    out: Annotated[Path | None, typer.Option(help="write the comparison as CSV")] = None,
) -> None:
    """Solve a scenario and its what-if variants and print what changes."""
    from allocator.insight.whatif import assignment_changes, compare

    scenario = load_scenario(path)
    variants = _variants(changes)
    solved: dict[str, AllocationResult] = {}
    try:
        table = compare(scenario, variants, backend=backend, time_limit=time_limit,
                        results=solved)
    except ScenarioError as err:
        exit_with_problems(changes, err, "nothing was solved")
    except (BackendUnavailableError, ValueError) as err:
        errors.print(f"[bold red]{err}[/]")
        raise typer.Exit(2) from None
    rows = [{k: (None if v is pd.NA else v) for k, v in r.items()}
            for r in table.astype(object).to_dict(orient="records")]
    # Figures down, variants across, so several variants still fit an 80-column terminal.
    view = Table("", *(r["variant"] for r in rows), box=box.SIMPLE_HEAD,
                 title="What if?")
    priorities = [c.removeprefix("filled_p") for c in table.columns if c.startswith("filled_p")]
    view.add_row("status", *(r["status"] for r in rows))
    labels = {"weighted_shortfall": "weighted shortfall", "soft_goal_slack": "soft-goal slack",
              **{f"filled_p{p}": f"filled P{p}" for p in priorities},
              "units_filled": "units filled", "coverage": "coverage", "cost_usd": "cost $M",
              "women_share": "women", "contributors": "contributors"}
    for column, label in labels.items():
        asked = f" of {rows[0]['asked_p' + column[8:]]}" if column.startswith("filled_p") else ""
        view.add_row(label + asked, *(_whatif_cell(r, column, i == 0)
                                      for i, r in enumerate(rows)))
    view.add_row("assignments changed", *("" if i == 0 else str(r["assignments_changed"] or 0)
                                          for i, r in enumerate(rows)))
    console.print(f"[bold]{scenario.name}[/]: the base and {len(variants)} variant(s), "
                  f"solved with {backend}", soft_wrap=True)
    console.print(view)
    for name in variants:
        moved = assignment_changes(solved["base"], solved[name])
        if not len(moved):
            continue
        listing = Table("pledge", "kind", "requirement", "mission", "before", "after",
                        title=f"{name}: changed assignments ({len(moved)}"
                              f"{', first 25' if len(moved) > 25 else ''})",
                        box=box.SIMPLE_HEAD)
        for m in moved.head(25).itertuples():
            listing.add_row(m.pledge_id, m.kind, m.requirement_id, str(m.mission_id),
                            str(m.before), str(m.after))
        console.print(listing)
    if out is not None:
        from allocator.result.exports import write_text_atomic

        try:
            write_text_atomic(out, table.to_csv(index=False))
        except OSError as err:
            errors.print(f"[bold red]could not write {out}: {err}[/]")
            raise typer.Exit(2) from None
        console.print(f"comparison written to {out}")


@app.command()
def bench(
    suite: Annotated[str, typer.Option(help="smoke, gap, scale or all")] = "smoke",
    backends: Annotated[str, typer.Option(help="comma-separated backends")] = "cpsat",
    time_limit: Annotated[float | None, typer.Option(
        help="seconds per instance (default: each instance's own, e.g. 60 for GAP A-E)")] = None,
    gap_dir: Annotated[Path | None, typer.Option(
        help="folder of the public GAP files (default: $ALLOCATOR_GAP_DIR or "
             "../shared/benchmarks/gap)")] = None,
    out: Annotated[Path, typer.Option(help="folder for bench-SUITE.csv and .json")] = Path(
        "bench-results"),
    only: Annotated[str | None, typer.Option(
        help="comma-separated name patterns, e.g. 'gap1-*,small'")] = None,
    compare_baseline: Annotated[bool, typer.Option(
        help="also solve GAP instances with the plain peer models "
        "(allocator.bench.baselines) and report the ratio")
    ] = False,
    threads: Annotated[int | None, typer.Option(help="solver threads")] = None,
) -> None:
    """Run a benchmark suite; exit 1 if any result is wrong (see the README)."""
    from allocator.cli.bench import run_bench

    raise typer.Exit(run_bench(suite=suite, backends=backends, time_limit=time_limit,
                               gap_dir=gap_dir, out=out, only=only,
                               compare_baseline=compare_baseline, threads=threads,
                               console=console, errors=errors))


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8000,
) -> None:
    """Run the HTTP service (settings from ALLOCATOR_* variables and DATABASE_URL)."""
    from api.cli import serve as run_server

    run_server(host, port)


token_app = typer.Typer(no_args_is_help=True, help="API tokens of the HTTP service.")
app.add_typer(token_app, name="token")


@token_app.command("create")
def token_create(
    role: Annotated[str, typer.Option(help="admin, planner or analyst")] = "admin",
    workspace: Annotated[str, typer.Option(help="the workspace the token reads and writes")
                         ] = "default",
    name: Annotated[str, typer.Option(help="who or what holds the token")] = "first admin",
) -> None:
    """Create a token in the service's database and print its secret (shown once only)."""
    from api.auth import Role
    from api.cli import new_token

    if role not in {r.value for r in Role}:
        errors.print(f"role must be admin, planner or analyst, not {role!r}")
        raise typer.Exit(2)
    token_id, secret, url = new_token(name, Role(role), workspace)
    errors.print(f"created {role} token {token_id} for workspace {workspace!r} in {url}; "
                 "store the secret now, it is not shown again:", soft_wrap=True)
    print(secret)


@app.command()
def backends() -> None:
    """List the solver backends and whether each is usable here."""
    table = Table("backend", "available", "solver")
    for name in backend_names():
        table.add_row(name, "yes" if is_available(name) else "no", describe(name))
    console.print(table)
    if not available_backends():
        raise typer.Exit(1)


app.add_typer(sweep_app, name="sweep")

if __name__ == "__main__":
    app()
