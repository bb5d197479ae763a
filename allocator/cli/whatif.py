"""``allocator whatif``: the base and its variants side by side, and what moved."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
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
    exit_with_problems,
    load_scenario,
    write_or_exit,
)
from allocator.errors import BackendUnavailableError, ScenarioError
from allocator.levels import LEVEL_BY_KEY
from allocator.result.result import AllocationResult


def _variants(path: Path) -> dict[str, list]:
    """The named variants of a changes file; a plain list is one variant named after the file."""
    from allocator.insight.whatif import read_changes

    try:
        changes = read_changes(path)
    except ScenarioError as err:
        exit_with_problems(path, err, "nothing was solved")
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


def whatif_command(
    path: PathArg,
    changes: Annotated[Path, typer.Argument(
        help="YAML/JSON list of changes, or a mapping {variant name: [changes...]}")],
    backend: BackendOpt = DEFAULT_BACKEND,
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
    console.print(f"[bold]{scenario.name}[/]: the base and {len(variants)} variant(s), "
                  f"solved with {backend}", soft_wrap=True)
    console.print(_comparison(table))
    for name in variants:
        _print_moves(name, assignment_changes(solved["base"], solved[name]))
    if out is not None:
        write_or_exit(out, table.to_csv(index=False))
        console.print(f"comparison written to {out}")


def _comparison(table: pd.DataFrame) -> Table:
    """Figures down, variants across, so several variants still fit an 80-column terminal."""
    rows = [{k: (None if v is pd.NA else v) for k, v in r.items()}
            for r in table.astype(object).to_dict(orient="records")]
    view = Table("", *(r["variant"] for r in rows), box=box.SIMPLE_HEAD, title="What if?")
    priorities = [c.removeprefix("filled_p") for c in table.columns if c.startswith("filled_p")]
    view.add_row("status", *(r["status"] for r in rows))
    labels = {"weighted_shortfall": LEVEL_BY_KEY["weighted_shortfall"].label,
              "soft_goal_slack": LEVEL_BY_KEY["soft_goal_slack"].label,
              **{f"filled_p{p}": f"filled P{p}" for p in priorities},
              "units_filled": "units filled", "coverage": "coverage", "cost_usd": "cost $M",
              "women_share": "women", "contributors": "contributors"}
    for column, label in labels.items():
        asked = f" of {rows[0]['asked_p' + column[8:]]}" if column.startswith("filled_p") else ""
        view.add_row(label + asked, *(_whatif_cell(r, column, i == 0)
                                      for i, r in enumerate(rows)))
    view.add_row("assignments changed", *("" if i == 0 else str(r["assignments_changed"] or 0)
                                          for i, r in enumerate(rows)))
    return view


def _print_moves(name: str, moved: pd.DataFrame) -> None:
    """A variant's changed assignments, the first 25."""
    if not len(moved):
        return
    listing = Table("pledge", "kind", "requirement", "mission", "before", "after",
                    title=f"{name}: changed assignments ({len(moved)}"
                          f"{', first 25' if len(moved) > 25 else ''})",
                    box=box.SIMPLE_HEAD)
    for m in moved.head(25).itertuples():
        listing.add_row(m.pledge_id, m.kind, m.requirement_id, str(m.mission_id),
                        str(m.before), str(m.after))
    console.print(listing)
