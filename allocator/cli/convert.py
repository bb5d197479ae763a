"""``allocator convert SRC DST``: one scenario form to another (CSV folder, .zip, .xlsx, .json,
.yaml), e.g. a workbook for planners from the CSV folder a generator wrote."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from allocator.cli.common import PathArg, console, errors, load_scenario
from allocator.scenario.writers import FILE_SUFFIXES, write_scenario


def _form(path: Path) -> str:
    """The form ``path`` names, in words; a path without a suffix (or an existing folder) is a
    CSV folder."""
    suffix = path.suffix.lower()
    if suffix in FILE_SUFFIXES:
        return FILE_SUFFIXES[suffix]
    return "CSV folder"


def _refuse(message: str) -> None:
    errors.print(f"[bold red]{message}[/]", soft_wrap=True)
    raise typer.Exit(2)


def convert_command(
    src: PathArg,
    dst: Annotated[Path, typer.Argument(
        help="where to write: a .xlsx, .json, .yaml/.yml or .zip file, or a name without "
             "suffix for a CSV folder")],
    force: Annotated[bool, typer.Option(
        "--force", help="replace DST if it exists")] = False,
) -> None:
    """Convert a scenario between its forms; the form of DST follows its suffix."""
    suffix = dst.suffix.lower()
    # A suffix the writers do not know is most likely a typo (plan.xslx) or a wish they cannot
    # meet (.csv is one table, not a scenario): refuse before anything is read or written.
    if suffix and suffix not in FILE_SUFFIXES and not dst.is_dir():
        _refuse(f"{dst}: cannot write a {suffix} scenario; give a name ending in "
                f"{', '.join(FILE_SUFFIXES)}, or a name without suffix for a CSV folder")
    if (dst.exists() or dst.is_symlink()) and not force:
        _refuse(f"{dst} exists; pass --force to replace it")
    scenario = load_scenario(src)
    try:
        dst.parent.mkdir(parents=True, exist_ok=True)
        written = write_scenario(scenario, dst)
    except OSError as err:
        _refuse(f"could not write {dst}: {err}")
    console.print(f"wrote {written} ({_form(written)}) from {src}: {scenario.summary()}",
                  soft_wrap=True, highlight=False)
