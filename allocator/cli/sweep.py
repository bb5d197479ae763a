"""``allocator sweep {n-1,budget,monte-carlo}``: many variants of one scenario, with a progress
bar, the most telling rows printed, every row to CSV (``--out``) and a chart to PNG
(``--plot``), on local processes (``--workers``) or a Dask scheduler (``--dask``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Executor
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich import box
from rich.progress import Progress
from rich.table import Table

from allocator.backends import DEFAULT_BACKEND
from allocator.cli.common import (
    BackendOpt,
    PathArg,
    TimeLimitOpt,
    console,
    errors,
    exit_with_problems,
    load_scenario,
    solve_or_exit,
    write_or_exit,
)
from allocator.errors import ScenarioError

sweep_app = typer.Typer(no_args_is_help=True, help="Sweeps over many variants of a scenario.")

WorkersOpt = Annotated[int, typer.Option(help="solver processes on this machine")]
DaskOpt = Annotated[str | None, typer.Option(
    help="run on the Dask scheduler at this address, e.g. tcp://host:8786")]
OutOpt = Annotated[Path | None, typer.Option(help="write every row as CSV")]
PlotOpt = Annotated[Path | None, typer.Option(help="save a chart as PNG")]


@contextmanager
def _executor(dask: str | None, workers: int) -> Iterator[tuple[Executor | None, int]]:
    if dask is None:
        yield None, workers
        return
    from allocator.sweeps.runner import dask_executor

    try:
        with dask_executor(dask) as (executor, threads):
            errors.print(f"running on the Dask cluster at {dask} ({threads} worker threads)")
            yield executor, threads
    except ImportError as err:
        errors.print(f"[bold red]{err}[/]")
        raise typer.Exit(2) from None
    except (OSError, TimeoutError) as err:
        errors.print(f"[bold red]cannot reach the Dask scheduler at {dask}: {err}[/]")
        raise typer.Exit(2) from None


@contextmanager
def _bar(label: str) -> Iterator[Callable[[int, int], None]]:
    with Progress(console=errors, transient=True) as bar:
        task = bar.add_task(label, total=None)
        yield lambda done, total: bar.update(task, completed=done, total=total)


def _write(table: pd.DataFrame, out: Path | None, what: str) -> None:
    if out is None:
        return
    write_or_exit(out, table.to_csv(index=False))
    console.print(f"{what} written to {out}")


def save_chart(chart: str, data: pd.DataFrame, path: Path | None, **options: Any) -> None:
    """Save ``allocator.plotting.<chart>(data)`` as PNG; the CSV is written before, so a
    missing matplotlib loses nothing."""
    if path is None:
        return
    from allocator.plotting import charts as plots

    try:
        # matplotlib is imported when the first figure is made: its absence shows up here.
        plots.save_png(getattr(plots, chart)(data, **options), path)
    except ImportError as err:
        # No markup: rich would take "[plot]" in the message for a style and drop it.
        errors.print(str(err), style="bold red", soft_wrap=True, markup=False)
        raise typer.Exit(2) from None
    except OSError as err:
        errors.print(f"[bold red]could not write {path}: {err}[/]")
        raise typer.Exit(2) from None
    console.print(f"chart saved to {path}")


def _delta(value: float) -> str:
    return "no plan" if value != value else f"{value:+,.0f}"


@sweep_app.command("n-1")
def sweep_n_minus_1(
    path: PathArg,
    by: Annotated[str, typer.Option(help="withdraw each 'pledge' or each 'state'")] = "pledge",
    backend: Annotated[str, typer.Option(
        help="backend of the base plan (variants use CP-SAT)")] = DEFAULT_BACKEND,
    time_limit: TimeLimitOpt = None,
    workers: WorkersOpt = 1,
    dask: DaskOpt = None,
    top: Annotated[int, typer.Option(help="rows to print")] = 20,
    out: OutOpt = None,
    plot: Annotated[Path | None, typer.Option(
        help="save a tornado chart of the most critical as PNG")] = None,
) -> None:
    """Withdraw each pledge (or state) in turn and rank them by the coverage lost."""
    from allocator.sweeps import n_minus_1

    scenario = load_scenario(path)
    base = solve_or_exit(scenario, backend=backend, time_limit=time_limit)
    with _executor(dask, workers) as (executor, width), _bar("N-1") as progress:
        try:
            table = n_minus_1(base, by=by, time_limit=time_limit, workers=width,
                              executor=executor, progress=progress)
        except ValueError as err:
            errors.print(f"[bold red]{err}[/]")
            raise typer.Exit(2) from None
    view = Table("withdrawn", "kind", "state", "used", "weighted short +", "units lost",
                 title=f"N-1 by {by}: the {min(top, len(table))} most critical of "
                       f"{len(table)} ({int(table.solved.sum())} solved)",
                 box=box.SIMPLE_HEAD)
    for row in table.head(top).itertuples():
        view.add_row(row.withdrawn, row.kind, row.state, f"{row.used_in_base:,.0f}",
                     _delta(row.d_weighted_shortfall),
                     "-" if row.d_units_filled != row.d_units_filled
                     else f"{-row.d_units_filled:,.0f}")
    console.print(view)
    _write(table, out, f"all {len(table)} rows")
    save_chart("tornado", table, plot, top=top)


def _scales(text: str) -> list[float]:
    """'0.5:1.5:0.1' (from, to, step) or '0.8,1,1.2'."""
    try:
        if ":" in text:
            start, stop, step = (float(x) for x in text.split(":"))
            if step <= 0:
                raise ValueError
            count = round((stop - start) / step) + 1
            return [round(start + k * step, 6) for k in range(count)]
        return [float(x) for x in text.split(",") if x.strip()]
    except ValueError:
        errors.print(f"[bold red]--scales {text!r}: give FROM:TO:STEP (e.g. 0.5:1.5:0.1) or "
                     "a comma-separated list (e.g. 0.8,1,1.2)[/]")
        raise typer.Exit(2) from None


@sweep_app.command("budget")
def sweep_budget(
    path: PathArg,
    scales: Annotated[str, typer.Option(
        help="budget factors: FROM:TO:STEP or a comma-separated list")] = "0.5:1.5:0.1",
    backend: BackendOpt = DEFAULT_BACKEND,
    time_limit: TimeLimitOpt = None,
    workers: WorkersOpt = 1,
    dask: DaskOpt = None,
    out: OutOpt = None,
    plot: Annotated[Path | None, typer.Option(
        help="save cost against budget and coverage against scale as PNG")] = None,
) -> None:
    """Scale every mission budget (50% to 150% by default) and solve each: coverage and cost."""
    from allocator.sweeps import budget_sensitivity

    scenario = load_scenario(path)
    factors = _scales(scales)
    with _executor(dask, workers) as (executor, width), _bar("budgets") as progress:
        try:
            table = budget_sensitivity(scenario, scales=factors, backend=backend,
                                       time_limit=time_limit, workers=width, executor=executor,
                                       progress=progress)
        except ValueError as err:
            errors.print(f"[bold red]{err}[/]")
            raise typer.Exit(2) from None
    view = Table("scale", "budget $M", "spent $M", "units", "coverage", "weighted short",
                 "status", title="Budget sensitivity (every mission's budget scaled)",
                 box=box.SIMPLE_HEAD)
    for scale, rows in table.groupby("scale", sort=True):
        has_plan = rows.units_filled.notna().all()
        filled = int(rows.units_filled.sum()) if has_plan else None
        asked = int(rows.units_asked.sum())
        view.add_row(f"{scale:.0%}", f"{rows.budget_usd.sum() / 1e6:,.1f}",
                     f"{rows.spent_usd.sum() / 1e6:,.1f}" if has_plan else "-",
                     f"{filled}/{asked}" if has_plan else "-",
                     f"{filled / asked:.1%}" if has_plan and asked else "-",
                     f"{rows.weighted_shortfall.iloc[0]:,.0f}" if has_plan else "-",
                     rows.status.iloc[0])
    console.print(view)
    _write(table, out, f"all {len(table)} rows")
    save_chart("cost_vs_budget", table, plot)


@sweep_app.command("monte-carlo")
def sweep_monte_carlo(
    path: PathArg,
    draws: Annotated[int, typer.Option(help="how many random draws")] = 1000,
    seed: Annotated[int, typer.Option(help="the same seed gives the same draws")] = 0,
    withdraw: Annotated[float, typer.Option(
        help="chance each pledge is withdrawn")] = 0.05,
    delay: Annotated[float, typer.Option(
        help="chance each unit or equipment pledge arrives late")] = 0.10,
    delay_days: Annotated[int, typer.Option(help="how late, in days")] = 30,
    reliability: Annotated[Path | None, typer.Option(
        help="CSV of odds by state or pledge_id (columns withdraw_probability, "
             "delay_probability, delay_days)")] = None,
    time_limit: TimeLimitOpt = None,
    workers: WorkersOpt = 1,
    dask: DaskOpt = None,
    out: OutOpt = None,
    plot: Annotated[Path | None, typer.Option(
        help="save the coverage distribution per mission as PNG")] = None,
) -> None:
    """Withdraw and delay pledges at random; the distribution of each mission's coverage."""
    from allocator.sweeps import Reliability, monte_carlo, read_reliability, summarise

    scenario = load_scenario(path)
    try:
        odds = read_reliability(reliability) if reliability is not None else None
        default = Reliability(withdraw, delay, delay_days)
        if not (0 <= withdraw <= 1 and 0 <= delay <= 1 and withdraw + delay <= 1
                and delay_days >= 0):
            raise ValueError("--withdraw and --delay are probabilities adding up to at most "
                             "1, and --delay-days is 0 or more")
        with _executor(dask, workers) as (executor, width), _bar("draws") as progress:
            table = monte_carlo(scenario, draws=draws, seed=seed, default=default,
                                reliability=odds, time_limit=time_limit, workers=width,
                                executor=executor, progress=progress)
    except ScenarioError as err:
        exit_with_problems(reliability or path, err, "nothing was run")
    except ValueError as err:
        errors.print(f"[bold red]{err}[/]")
        raise typer.Exit(2) from None
    summary = summarise(table)
    no_plan = int(table[table.coverage.isna()].draw.nunique())
    view = Table("mission", "mean", "5%", "median", "95%", "full in",
                 title=f"Coverage over {draws} draws, seed {seed} ({no_plan} without a plan)",
                 box=box.SIMPLE_HEAD)
    for row in summary.itertuples():
        view.add_row(row.mission_id, f"{row.mean:.1%}", f"{row.p5:.1%}", f"{row.p50:.1%}",
                     f"{row.p95:.1%}", f"{row.full_share:.0%}")
    console.print(view)
    _write(table, out, f"all {len(table)} rows (one per draw and mission)")
    save_chart("coverage_distribution", table, plot)
