"""Where validation problems are collected, and the table rows they are found in."""

from __future__ import annotations

from typing import Any

import pandas as pd

from allocator.errors import Defect
from allocator.scenario.schema import Row


def records(table: Any) -> list[dict[str, Any]]:
    """The rows of a table given as a DataFrame, dicts or row models, as plain dicts."""
    if table is None:
        return []
    if isinstance(table, pd.DataFrame):
        return table.to_dict(orient="records")
    return [dict(row) if not isinstance(row, Row) else row.model_dump() for row in table]


class Collector:
    """The problems found so far, each located by its table's source and user-visible row."""

    def __init__(self, sources: dict[str, str], row_numbers: dict[str, list[int]]):
        self.sources = sources
        self.row_numbers = row_numbers
        self.problems: list[Defect] = []
        self.warnings: list[Defect] = []

    def row_of(self, table: str, index: int) -> int:
        """The number the user sees for row ``index`` of ``table`` (1-based if none given)."""
        numbers = self.row_numbers.get(table)
        return numbers[index] if numbers and index < len(numbers) else index + 1

    def add(self, table: str, message: str, index: int | None = None,
            column: str | None = None) -> None:
        """Record a problem of ``table``, at row ``index`` and ``column`` when given."""
        self.problems.append(self._defect(table, message, index, column))

    def warn(self, table: str, message: str, index: int | None = None,
             column: str | None = None) -> None:
        """Record a warning about ``table``: noted and shown, never blocking."""
        self.warnings.append(self._defect(table, message, index, column))

    def _defect(self, table: str, message: str, index: int | None,
                column: str | None) -> Defect:
        row = None if index is None else self.row_of(table, index)
        return Defect(table=table, row=row, column=column, message=message,
                      source=self.sources.get(table))
