"""What every ``allocator`` command shares: consoles, argument types, loading and solving
with the command-line's exit codes (2 for bad input or an unavailable backend)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console

from allocator.backends import backend_names
from allocator.errors import BackendUnavailableError, Defect, ScenarioError
from allocator.result.result import AllocationResult
from allocator.scenario.scenario import Scenario

console = Console()
errors = Console(stderr=True)

PathArg = Annotated[Path, typer.Argument(help="CSV folder, .zip, .xlsx, .json or .yaml scenario")]
BackendOpt = Annotated[str, typer.Option(help=", ".join(backend_names()))]
TimeLimitOpt = Annotated[float | None, typer.Option(
    help="seconds for each solve (default: the scenario's policy.time_limit_s)")]


def load_scenario(path: Path) -> Scenario:
    """Read a scenario, or exit 2 listing every defect with its file, row and column."""
    from allocator.scenario.readers import read_scenario

    try:
        scenario = read_scenario(path)
    except ScenarioError as err:
        exit_with_problems(path, err, "nothing was loaded")
    print_warnings(path, scenario.warnings)
    return scenario


def print_warnings(source: Path, warnings: list[Defect]) -> None:
    """Print what validation noticed without blocking, one line each, to standard error."""
    if not warnings:
        return
    noun = "warning" if len(warnings) == 1 else "warnings"
    errors.print(f"[bold yellow]{source}: {len(warnings)} {noun} (the scenario loaded)[/]",
                 soft_wrap=True)
    for warning in warnings:
        errors.print(f"  - {warning}", soft_wrap=True, markup=False, highlight=False)


def exit_with_problems(source: Path, err: ScenarioError, outcome: str) -> NoReturn:
    """Print every defect of ``err``, one per line, and exit 2."""
    errors.print(f"[bold red]{source}: {len(err.problems)} problem(s); {outcome}[/]",
                 soft_wrap=True)
    # One line per problem, never wrapped into a table, so it can be grepped and copied.
    for problem in err.problems:
        errors.print(f"  - {problem}", soft_wrap=True, markup=False, highlight=False)
    raise typer.Exit(2) from None


def solve_or_exit(scenario: Scenario, **options: Any) -> AllocationResult:
    """``solve()``, turning an unusable backend or option into exit code 2."""
    from allocator.solve import solve

    try:
        return solve(scenario, **options)
    except (BackendUnavailableError, ValueError) as err:
        errors.print(f"[bold red]{err}[/]")
        raise typer.Exit(2) from None


def write_or_exit(path: Path, text: str) -> None:
    """Write a text file atomically; a file that cannot be written is exit code 2."""
    from allocator.result.exports import write_text_atomic

    try:
        write_text_atomic(path, text)
    except OSError as err:
        errors.print(f"[bold red]could not write {path}: {err}[/]")
        raise typer.Exit(2) from None
