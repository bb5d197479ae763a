"""How likely each pledge is to be withdrawn or to arrive late, for Monte Carlo sweeps.

Defaults apply to every pledge; a table (DataFrame, or CSV file) overrides them by state or by
pledge, a pledge's own row winning over its state's. Columns: ``pledge_id`` or ``state`` (one
per row), and any of ``withdraw_probability``, ``delay_probability``, ``delay_days``; a blank
cell keeps the value from the level above. Funding is withdrawn or paid, never late.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

import pandas as pd

from allocator.errors import Defect, ScenarioError
from allocator.scenario.scenario import Scenario

TABLE = "reliability"
FIGURES = ("withdraw_probability", "delay_probability", "delay_days")


@dataclass(frozen=True)
class Reliability:
    """One pledge's odds: withdrawn with ``withdraw_probability``; otherwise late by
    ``delay_days`` with ``delay_probability``."""

    withdraw_probability: float = 0.05
    delay_probability: float = 0.10
    delay_days: int = 30


def read_reliability(path: str | os.PathLike[str]) -> pd.DataFrame:
    try:
        return pd.read_csv(path, dtype={"pledge_id": "string", "state": "string"})
    except (OSError, ValueError) as err:
        raise ScenarioError([Defect(TABLE, f"cannot read the file: {err}",
                                     source=os.fspath(path))]) from None


def _cell(row: pd.Series, column: str, number: int, problems: list[Defect]
          ) -> float | None:
    value = row.get(column)
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return None
    try:
        figure = float(value)
    except (TypeError, ValueError):
        figure = math.nan
    ok = (math.isfinite(figure) and figure >= 0 and figure == int(figure)) \
        if column == "delay_days" else 0 <= figure <= 1
    if not ok:
        wanted = "a whole number of days, 0 or more" if column == "delay_days" \
            else "a probability from 0 to 1"
        problems.append(Defect(TABLE, f"{value!r} is not {wanted}", number, column))
        return None
    return figure


def pledge_reliability(scenario: Scenario, default: Reliability,
                       table: pd.DataFrame | None = None) -> dict[str, Reliability]:
    """Every pledge id -> its odds; every bad row of ``table`` is reported at once."""
    states = {u.pledge_id: u.state for u in scenario.unit_pledges}
    states |= {q.equipment_id: q.state for q in scenario.equipment_pledges}
    states |= {g.funding_id: g.donor for g in scenario.funding_pledges}
    by_state: dict[str, dict[str, float]] = {}
    by_pledge: dict[str, dict[str, float]] = {}
    state_row: dict[str, int] = {}  # the table row that set a state's (or pledge's) odds
    pledge_row: dict[str, int] = {}
    problems: list[Defect] = []
    if table is not None:
        known = {"pledge_id", "state", *FIGURES}
        for column in table.columns:
            if column not in known:
                problems.append(Defect(TABLE, f"unknown column; expected {sorted(known)}",
                                        column=str(column)))
        for n, (_, row) in enumerate(table.iterrows(), start=2):  # header is row 1
            pledge = row.get("pledge_id")
            state = row.get("state")
            pledge = None if pledge is None or pd.isna(pledge) else str(pledge)
            state = None if state is None or pd.isna(state) else str(state)
            if (pledge is None) == (state is None):
                problems.append(Defect(TABLE, "give either a pledge_id or a state", n))
                continue
            if pledge is not None and pledge not in states:
                problems.append(Defect(TABLE, f"no pledge {pledge!r} in the scenario", n,
                                        "pledge_id"))
                continue
            if state is not None and state not in states.values():
                problems.append(Defect(TABLE, f"no pledge of state {state!r} in the scenario",
                                        n, "state"))
                continue
            figures = {c: v for c in FIGURES
                       if (v := _cell(row, c, n, problems)) is not None}
            key = pledge if pledge is not None else state
            target, rows = (by_pledge, pledge_row) if pledge is not None else (by_state,
                                                                                state_row)
            target.setdefault(key, {}).update(figures)  # type: ignore[arg-type]
            rows[key] = n  # type: ignore[index]
    odds: dict[str, Reliability] = {}
    too_likely: dict[int | None, list[str]] = {}
    for pledge, state in states.items():
        merged = {"withdraw_probability": default.withdraw_probability,
                  "delay_probability": default.delay_probability,
                  "delay_days": default.delay_days,
                  **by_state.get(state, {}), **by_pledge.get(pledge, {})}
        if merged["withdraw_probability"] + merged["delay_probability"] > 1:
            # Blame the row that set the pledge's odds last: its own, else its state's.
            too_likely.setdefault(pledge_row.get(pledge, state_row.get(state)), []).append(
                pledge)
            continue
        odds[pledge] = Reliability(merged["withdraw_probability"],
                                   merged["delay_probability"], int(merged["delay_days"]))
    for n, pledges in too_likely.items():
        shown = ", ".join(pledges[:5]) + (f" and {len(pledges) - 5} more" if len(pledges) > 5
                                          else "")
        where = "" if n is not None else " (the default odds)"
        problems.append(Defect(TABLE, "withdraw_probability and delay_probability add up to "
                                f"more than 1 for {shown}{where}; lower one of them", n))
    if problems:
        raise ScenarioError(problems)
    return odds
