"""How likely each pledge is to be withdrawn or to arrive late, for Monte Carlo sweeps.

Defaults apply to every pledge; a table (DataFrame, or CSV file) overrides them by state or by
pledge, a pledge's own row winning over its state's. Columns: ``pledge_id`` or ``state`` (one
per row), and any of ``withdraw_probability``, ``delay_probability``, ``delay_days``; a blank
cell keeps the value from the level above. Funding is withdrawn or paid, never late.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field

import pandas as pd

from allocator.errors import Defect, ScenarioError, shown
from allocator.scenario.scenario import Scenario
from allocator.scenario.schema.bounds import MAX_DAYS

TABLE = "reliability"
"""The table's name in a defect."""
FIGURES = ("withdraw_probability", "delay_probability", "delay_days")
"""The columns that set a pledge's odds."""


@dataclass(frozen=True)
class Reliability:
    """One pledge's odds: withdrawn with ``withdraw_probability``; otherwise late by
    ``delay_days`` with ``delay_probability``."""

    withdraw_probability: float = 0.05
    delay_probability: float = 0.10
    delay_days: int = 30


def read_reliability(path: str | os.PathLike[str]) -> pd.DataFrame:
    """The reliability table in the CSV file at ``path`` (ids and states read as strings);
    ``ScenarioError`` if it cannot be read."""
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
    ok = (math.isfinite(figure) and 0 <= figure <= MAX_DAYS and figure == int(figure)) \
        if column == "delay_days" else 0 <= figure <= 1
    if not ok:
        wanted = f"a whole number of days from 0 to {MAX_DAYS:,}" if column == "delay_days" \
            else "a probability from 0 to 1"
        problems.append(Defect(TABLE, f"{shown(value)} is not {wanted}", number, column))
        return None
    return figure


@dataclass
class _Overrides:
    """The table's figures by state and by pledge, and the table row that set each (for
    blaming a row whose odds add up to more than 1)."""

    by_state: dict[str, dict[str, float]] = field(default_factory=dict)
    by_pledge: dict[str, dict[str, float]] = field(default_factory=dict)
    state_row: dict[str, int] = field(default_factory=dict)
    pledge_row: dict[str, int] = field(default_factory=dict)


def _pledge_states(scenario: Scenario) -> dict[str, str]:
    """Every pledge id -> its state: a unit's or equipment's state, a funding pledge's donor."""
    states = {u.pledge_id: u.state for u in scenario.unit_pledges}
    states |= {q.equipment_id: q.state for q in scenario.equipment_pledges}
    states |= {g.funding_id: g.donor for g in scenario.funding_pledges}
    return states


def _row_key(row: pd.Series, n: int, states: dict[str, str], problems: list[Defect]
             ) -> tuple[str | None, str | None] | None:
    """Row ``n``'s (pledge, state), exactly one of them given and known to the scenario;
    None, with the defect added to ``problems``, where not."""
    pledge = row.get("pledge_id")
    state = row.get("state")
    pledge = None if pledge is None or pd.isna(pledge) else str(pledge)
    state = None if state is None or pd.isna(state) else str(state)
    if (pledge is None) == (state is None):
        problems.append(Defect(TABLE, "give either a pledge_id or a state", n))
        return None
    if pledge is not None and pledge not in states:
        problems.append(Defect(TABLE, f"no pledge {pledge!r} in the scenario", n,
                                "pledge_id"))
        return None
    if state is not None and state not in states.values():
        problems.append(Defect(TABLE, f"no pledge of state {state!r} in the scenario",
                                n, "state"))
        return None
    return pledge, state


def _read_overrides(table: pd.DataFrame, states: dict[str, str], problems: list[Defect]
                    ) -> _Overrides:
    """The figures of every good row of ``table``; each bad column, row or cell is added to
    ``problems``. A later row for the same state or pledge updates the earlier one's."""
    overrides = _Overrides()
    known = {"pledge_id", "state", *FIGURES}
    for column in table.columns:
        if column not in known:
            problems.append(Defect(TABLE, f"unknown column; expected {sorted(known)}",
                                    column=str(column)))
    for n, (_, row) in enumerate(table.iterrows(), start=2):  # header is row 1
        key = _row_key(row, n, states, problems)
        if key is None:
            continue
        pledge, state = key
        figures = {c: v for c in FIGURES
                   if (v := _cell(row, c, n, problems)) is not None}
        if pledge is not None:
            target, rows, name = overrides.by_pledge, overrides.pledge_row, pledge
        else:
            target, rows, name = overrides.by_state, overrides.state_row, state
        target.setdefault(name, {}).update(figures)  # type: ignore[arg-type]
        rows[name] = n  # type: ignore[index]
    return overrides


def _merged_odds(states: dict[str, str], default: Reliability, overrides: _Overrides,
                 problems: list[Defect]) -> dict[str, Reliability]:
    """Every pledge's odds: the default, then its state's row, then its own. A pledge whose
    odds add up to more than 1 is left out and reported, once per row that set them."""
    odds: dict[str, Reliability] = {}
    too_likely: dict[int | None, list[str]] = {}
    for pledge, state in states.items():
        merged = {"withdraw_probability": default.withdraw_probability,
                  "delay_probability": default.delay_probability,
                  "delay_days": default.delay_days,
                  **overrides.by_state.get(state, {}), **overrides.by_pledge.get(pledge, {})}
        if merged["withdraw_probability"] + merged["delay_probability"] > 1:
            # Blame the row that set the pledge's odds last: its own, else its state's.
            row = overrides.pledge_row.get(pledge, overrides.state_row.get(state))
            too_likely.setdefault(row, []).append(pledge)
            continue
        odds[pledge] = Reliability(merged["withdraw_probability"],
                                   merged["delay_probability"], int(merged["delay_days"]))
    for n, pledges in too_likely.items():
        shown = ", ".join(pledges[:5]) + (f" and {len(pledges) - 5} more" if len(pledges) > 5
                                          else "")
        where = "" if n is not None else " (the default odds)"
        problems.append(Defect(TABLE, "withdraw_probability and delay_probability add up to "
                                f"more than 1 for {shown}{where}; lower one of them", n))
    return odds


def pledge_reliability(scenario: Scenario, default: Reliability,
                       table: pd.DataFrame | None = None) -> dict[str, Reliability]:
    """Every pledge id -> its odds; every bad row of ``table`` is reported at once."""
    states = _pledge_states(scenario)
    problems: list[Defect] = []
    overrides = _read_overrides(table, states, problems) if table is not None else _Overrides()
    odds = _merged_odds(states, default, overrides, problems)
    if problems:
        raise ScenarioError(problems)
    return odds
