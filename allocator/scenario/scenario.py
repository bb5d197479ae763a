"""The validated scenario: tables of rows plus policy, with lookups the rest of the library uses."""

from __future__ import annotations

from collections.abc import Collection
from functools import cached_property
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, PrivateAttr

from allocator.errors import Defect
from allocator.scenario.checks import check_tables
from allocator.scenario.schema import (
    TABLE_ROWS,
    Capability,
    EquipmentPledge,
    FundingPledge,
    MemberState,
    Mission,
    Policy,
    Preference,
    Requirement,
    TransportCost,
    UnitPledge,
)


class Scenario(BaseModel):
    """A force-generation scenario. Build it with ``read_scenario`` or ``Scenario.from_tables``.

    Constructing it directly (``Scenario(missions=[...], ...)``) validates each row but not the
    cross-references; ``from_tables`` and every reader check those too and report all problems.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", ignored_types=(cached_property,))

    name: str = "scenario"
    description: str = ""
    policy: Policy = Policy()
    member_states: list[MemberState] = []
    missions: list[Mission] = []
    requirements: list[Requirement] = []
    unit_pledges: list[UnitPledge] = []
    equipment_pledges: list[EquipmentPledge] = []
    funding_pledges: list[FundingPledge] = []
    transport_costs: list[TransportCost] = []
    preferences: list[Preference] = []
    capabilities: list[Capability] = []

    _warnings: list[Defect] = PrivateAttr(default_factory=list)

    @property
    def warnings(self) -> list[Defect]:
        """What validation noticed but did not block on (ignored columns, a pledged capability
        nothing asks for, a mission without requirement lines, ...), each located like an error.
        """
        return list(self._warnings)

    @classmethod
    def from_tables(
        cls,
        tables: dict[str, Any],
        *,
        name: str = "scenario",
        description: str = "",
        policy: dict[str, Any] | Policy | None = None,
        sources: dict[str, str] | None = None,
        row_numbers: dict[str, list[int]] | None = None,
        reported: Collection[tuple[str, str]] = (),
    ) -> Scenario:
        """Validate tables (lists of dicts or DataFrames) into a scenario, or raise ScenarioError.

        ``sources`` names where each table came from and ``row_numbers`` gives the user-visible
        number of each row, so that every problem points at the cell to fix. ``reported`` holds
        the (table, column) pairs a reader has already reported missing from a header: their
        cells are not reported again row by row.
        """
        checked_policy, rows, warnings = check_tables(
            tables, policy=policy, sources=sources or {}, row_numbers=row_numbers or {},
            reported=reported)
        scenario = cls(name=name, description=description, policy=checked_policy,
                       **{table: list(items) for table, items in rows.items()})
        scenario._warnings = warnings
        return scenario

    def revalidated(self) -> Scenario:
        """The same scenario validated again, rows and cross-references.

        ``model_copy(update=...)`` skips pydantic validation, so an edited copy may hold a
        float budget or an unknown mission id; this turns it back into a checked scenario (or
        raises ScenarioError listing every problem).
        """
        return type(self).from_tables(
            {table: [row.model_dump() for row in getattr(self, table)] for table in TABLE_ROWS},
            name=self.name, description=self.description, policy=self.policy.model_dump())

    # ----- lookups -------------------------------------------------------------------------
    @cached_property
    def mission_by_id(self) -> dict[str, Mission]:
        """Missions by ``mission_id``."""
        return {m.mission_id: m for m in self.missions}

    @cached_property
    def state_by_code(self) -> dict[str, MemberState]:
        """Member states by ``code``."""
        return {s.code: s for s in self.member_states}

    @cached_property
    def requirement_by_id(self) -> dict[str, Requirement]:
        """Requirements by ``requirement_id``."""
        return {r.requirement_id: r for r in self.requirements}

    @cached_property
    def pledge_by_id(self) -> dict[str, UnitPledge]:
        """Unit pledges by ``pledge_id``."""
        return {u.pledge_id: u for u in self.unit_pledges}

    @cached_property
    def equipment_by_id(self) -> dict[str, EquipmentPledge]:
        """Equipment pledges by ``equipment_id``."""
        return {q.equipment_id: q for q in self.equipment_pledges}

    @cached_property
    def funding_by_id(self) -> dict[str, FundingPledge]:
        """Funding pledges by ``funding_id``."""
        return {f.funding_id: f for f in self.funding_pledges}

    def table(self, name: str) -> pd.DataFrame:
        """One input table as a DataFrame (list cells as lists), for analysts."""
        if name not in TABLE_ROWS:
            raise KeyError(f"unknown table {name!r}; tables are {', '.join(TABLE_ROWS)}")
        rows = [row.model_dump(mode="json") for row in getattr(self, name)]
        return pd.DataFrame(rows, columns=list(TABLE_ROWS[name].model_fields))

    def to_document(self) -> dict[str, Any]:
        """The JSON/YAML document form: one key per table plus name, description and policy."""
        return self.model_dump(mode="json")

    def summary(self) -> str:
        """One line naming the scenario and counting the rows of every table."""
        counts = ", ".join(f"{len(getattr(self, t))} {t}" for t in TABLE_ROWS)
        return f"{self.name}: {counts}"
