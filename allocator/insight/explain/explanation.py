"""The two reason tables (``Explanation``), their columns, and their JSON form."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pandas as pd

REQUIREMENT_COLUMNS = ["requirement_id", "mission_id", "capability", "priority", "shortfall",
                       "rank", "reason", "rule", "pledges", "used_by", "higher_priority",
                       "detail", "extra_usd"]
"""Columns of ``Explanation.requirements``: one row per short line and reason."""
PLEDGE_COLUMNS = ["kind", "pledge_id", "state", "offer", "unused", "reason", "rule",
                  "requirements", "detail"]
"""Columns of ``Explanation.pledges``: one row per unused pledge."""

Row = dict[str, Any]
"""One row of a reason table, column -> value."""


def join_ids(ids: list[str]) -> str:
    """Ids as one table cell: ``;``-separated."""
    return ";".join(ids)


@dataclass
class Explanation:
    """Reasons for every short requirement line and every unused pledge (see the package doc
    of ``allocator.insight.explain``)."""

    requirements: pd.DataFrame
    pledges: pd.DataFrame

    @classmethod
    def empty(cls) -> Explanation:
        """No short line and no unused pledge: the explanation of a result without a plan."""
        return cls(pd.DataFrame(columns=REQUIREMENT_COLUMNS), pd.DataFrame(columns=PLEDGE_COLUMNS))

    def first_reasons(self) -> dict[str, str]:
        """requirement_id -> its rank-1 reason."""
        top = self.requirements[self.requirements["rank"] == 1]
        return dict(zip(top.requirement_id, top.reason, strict=True))

    def to_dict(self) -> dict[str, list[dict[str, Any]]]:
        """JSON-ready records; ``extra_usd`` as a number (whole dollars as int)."""
        return {"requirements": _records(self.requirements), "pledges": _records(self.pledges)}

    @classmethod
    def from_dict(cls, doc: dict[str, list[dict[str, Any]]]) -> Explanation:
        """Read back ``to_dict``'s form (a result JSON's ``explanations``), money as Decimal."""
        requirements = pd.DataFrame(doc.get("requirements", []), columns=REQUIREMENT_COLUMNS)
        requirements["extra_usd"] = [None if v is None else Decimal(str(v))
                                     for v in requirements["extra_usd"]]
        return cls(requirements, pd.DataFrame(doc.get("pledges", []), columns=PLEDGE_COLUMNS))


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A table's rows with JSON values: Decimal as int or float, NaN as None, no numpy."""
    out = []
    for row in frame.to_dict(orient="records"):
        for key, value in row.items():
            if isinstance(value, Decimal):
                row[key] = int(value) if value == value.to_integral_value() else float(value)
            elif value is None or (isinstance(value, float) and value != value):
                row[key] = None
            elif hasattr(value, "item"):  # numpy scalars
                row[key] = value.item()
        out.append(row)
    return out
