"""Where validation problems are collected, and the table rows they are found in."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

import pandas as pd

from allocator.errors import MAX_PROBLEMS, MAX_SUGGESTIONS, Defect, did_you_mean
from allocator.scenario.schema import Row


def records(table: Any) -> list[dict[str, Any]]:
    """The rows of a table given as a DataFrame, dicts or row models, as plain dicts."""
    if table is None:
        return []
    if isinstance(table, pd.DataFrame):
        return table.to_dict(orient="records")
    return [dict(row) if not isinstance(row, Row) else row.model_dump() for row in table]


class Collector:
    """The problems found so far, each located by its table's source and user-visible row.

    At most ``MAX_PROBLEMS`` problems are kept; the others are counted
    in ``unlisted``, so a file that repeats one mistake a million times costs a count, not a
    million messages. ``reported`` (table, column) pairs are already reported from a header:
    their cells are not reported again row by row.
    """

    def __init__(self, sources: dict[str, str], row_numbers: dict[str, list[int]], *,
                 reported: Collection[tuple[str, str]] = ()):
        self.sources = sources
        self.row_numbers = row_numbers
        self.reported = set(reported)
        self.problems: list[Defect] = []
        self.warnings: list[Defect] = []
        self.unlisted = 0
        self.already_reported = 0
        self._suggestions_left = MAX_SUGGESTIONS

    def row_of(self, table: str, index: int) -> int:
        """The number the user sees for row ``index`` of ``table`` (1-based if none given)."""
        numbers = self.row_numbers.get(table)
        return numbers[index] if numbers and index < len(numbers) else index + 1

    def add(self, table: str, message: str, index: int | None = None,
            column: str | None = None) -> None:
        """Record a problem of ``table``, at row ``index`` and ``column`` when given."""
        self._record(self._defect(table, message, index, column))

    @property
    def failed(self) -> bool:
        """Whether any problem was found: listed, counted, or already reported by a reader."""
        return bool(self.problems or self.unlisted or self.already_reported)

    def extend(self, problems: Iterable[Defect]) -> None:
        """Record problems already located (a row model's validation error)."""
        for problem in problems:
            self._record(problem)

    def _record(self, problem: Defect) -> None:
        """Keep ``problem``, count it past ``MAX_PROBLEMS``, or skip a reported column's cell."""
        if problem.row is not None and (problem.table, problem.column) in self.reported:
            self.already_reported += 1
        elif len(self.problems) >= MAX_PROBLEMS:
            self.unlisted += 1
        else:
            self.problems.append(problem)

    def did_you_mean(self, value: str, known: Iterable[str], cutoff: float = 0.7) -> str:
        """``errors.did_you_mean``, for the first ``MAX_SUGGESTIONS`` calls; then ``""``.

        Each call compares ``value`` with every known name: thousands of unknown names in a
        damaged file would take minutes to suggest for, and the first ones show the cause.
        """
        if self._suggestions_left <= 0 or len(self.problems) >= MAX_PROBLEMS:
            return ""
        self._suggestions_left -= 1
        return did_you_mean(value, known, cutoff)

    def warn(self, table: str, message: str, index: int | None = None,
             column: str | None = None) -> None:
        """Record a warning about ``table``: noted and shown, never blocking."""
        self.warnings.append(self._defect(table, message, index, column))

    def _defect(self, table: str, message: str, index: int | None,
                column: str | None) -> Defect:
        row = None if index is None else self.row_of(table, index)
        return Defect(table=table, row=row, column=column, message=message,
                      source=self.sources.get(table))
