"""The ``allocator`` command: validate, solve, explain, what-if and list backends.

Exit codes: 0 a verified plan (or a valid scenario), 1 no plan (infeasible, no solution in
time, invalid model), 2 bad input or an unavailable backend.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from allocator.backends import (
    DEFAULT_BACKEND,
    available_backends,
    backend_names,
    describe,
    unavailable_reason,
)
from allocator.cli import service
from allocator.cli.common import PathArg, console, errors, load_scenario
from allocator.cli.convert import convert_command
from allocator.cli.solve import explain_command, solve_command
from allocator.cli.sweep import sweep_app
from allocator.cli.whatif import whatif_command

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Match member states' pledges to UN peacekeeping mission requirements.")
app.command("solve")(solve_command)
app.command("explain")(explain_command)
app.command("whatif")(whatif_command)
app.command("convert")(convert_command)
app.command("serve")(service.serve)
app.command("worker")(service.worker)
app.add_typer(service.db_app, name="db")
app.add_typer(service.token_app, name="token")
app.add_typer(sweep_app, name="sweep")


@app.command()
def validate(path: PathArg) -> None:
    """Check a scenario and report every problem with its file, row and column; warnings
    (what loads but can never count) are listed too and never make it invalid."""
    scenario = load_scenario(path)
    count = len(scenario.warnings)
    noted = f" ({count} warning{'s' if count != 1 else ''} above)" if count else ""
    console.print(f"[green]valid[/]{noted}: {scenario.summary()}", soft_wrap=True)


@app.command()
def bench(
    suite: Annotated[str, typer.Option(help="smoke, gap, scale or all")] = "smoke",
    backends: Annotated[str, typer.Option(help="comma-separated backends")] = DEFAULT_BACKEND,
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
def backends() -> None:
    """List the solver backends and whether each is usable here."""
    table = Table("backend", "available", "solver")
    for name in backend_names():
        table.add_row(name, "no" if unavailable_reason(name) else "yes", describe(name))
    console.print(table)
    for name in backend_names():
        if unavailable_reason(name):
            console.print(f"{name}: {unavailable_reason(name)}", soft_wrap=True)
    if not available_backends():
        raise typer.Exit(1)


if __name__ == "__main__":
    app()
