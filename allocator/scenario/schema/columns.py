"""Column names as planners write them, and what a column outside the contract means.

A header is matched ignoring case, surrounding spaces, and spaces or hyphens in place of
underscores (``Budget USD`` is ``budget_usd``). A column the table does not have is ignored
with a warning (a ``notes`` column is common and harmless), unless it is most likely a
misspelling of a column the file lacks: then ignoring it would silently drop the planner's
figures (a misspelt ``excluded_states`` would drop a rule), so it stays an error.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

from allocator.errors import shown
from allocator.scenario.schema.rows import TABLE_ROWS, all_columns, required_columns

REQUIRED_TYPO_CUTOFF = 0.6
"""How close (difflib ratio) an unknown column must be to a missing required one to be its typo."""

OPTIONAL_TYPO_CUTOFF = 0.8
"""The same for a missing optional column: stricter, since ignoring is the safe default there."""


def header_name(text: object) -> str:
    """The contract's spelling of a header cell: ``" Budget USD "`` is ``budget_usd``."""
    return re.sub(r"[\s\-]+", "_", str(text).strip().lower())


def likely_typo(table: str, name: str, present: Iterable[str]) -> str | None:
    """The column of ``table`` that ``name`` most likely misspells, if that one is absent."""
    present = set(present)
    required = [c for c in required_columns(table) if c not in present]
    optional = [c for c in all_columns(table) if c not in present and c not in required]
    for choices, cutoff in ((required, REQUIRED_TYPO_CUTOFF), (optional, OPTIONAL_TYPO_CUTOFF)):
        close = difflib.get_close_matches(name, choices, n=1, cutoff=cutoff)
        if close:
            return close[0]
    return None


def outside_contract(table: str, used: Iterable[str]) -> list[tuple[str, str | None]]:
    """Each column of ``used`` that ``table`` does not have, with the column it most likely
    misspells (an error) or None (ignored with a warning)."""
    used = list(used)
    columns = TABLE_ROWS[table].model_fields
    return [(name, likely_typo(table, name, used)) for name in used if name not in columns]


def typo_message(table: str, name: str, meant: str) -> str:
    """The error for a column that misspells ``meant``."""
    need = "required" if meant in required_columns(table) else "optional"
    return (f"unknown column {shown(name)}; did you mean {shown(meant)}? ({meant} is a {need} "
            f"column of {table} and is missing from this table; rename the column)")


def ignored_message(table: str, name: str) -> str:
    """The warning for a column outside the contract, which is left out of the model."""
    return (f"column {shown(name)} is not part of {table} and was ignored; the columns of {table} "
            f"are {', '.join(TABLE_ROWS[table].model_fields)}")
