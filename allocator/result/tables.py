"""The result's tables, derived from the scenario and the plan alone (so a result read back
from JSON has the same tables): assignments, equipment flows, funding flows, requirement fill,
the per-mission summary and unused pledges, each a pandas DataFrame with fixed columns."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from functools import cached_property
from typing import Any

import pandas as pd

from allocator.model.compatibility import transport_costs, unit_monthly_cost
from allocator.plan.plan import Assignment, Plan
from allocator.scenario.scenario import Scenario

TABLES = ("assignments", "equipment_flows", "funding_flows", "requirements", "missions",
          "unused_pledges")
"""The result's tables in the order exports write them."""


class PlanTables:
    """The six tables of one plan in one scenario, each computed once on first use."""

    def __init__(self, scenario: Scenario, plan: Plan | None) -> None:
        self.scenario = scenario
        self.plan = plan

    @cached_property
    def _lookups(self) -> dict[str, Any]:
        sc = self.scenario
        return {"pledge": sc.pledge_by_id, "req": sc.requirement_by_id,
                "kit": sc.equipment_by_id, "fund": sc.funding_by_id,
                "mission": sc.mission_by_id}

    @cached_property
    def _transport(self) -> dict[tuple[str, str], Decimal]:
        return transport_costs(self.scenario)

    def _unit_cost(self, a: Assignment) -> Decimal:
        """Cost of one unit of the assignment for the period, transport included (US$)."""
        sc = self.scenario
        u = sc.pledge_by_id[a.pledge_id]
        mission_id = sc.requirement_by_id[a.requirement_id].mission_id
        move = self._transport.get((u.pledge_id, mission_id), Decimal(0))
        return sc.policy.period_months * unit_monthly_cost(sc, u) + move

    @cached_property
    def assignments(self) -> pd.DataFrame:
        """One row per (pledge, requirement) with units, personnel, women and cost."""
        rows = []
        for a in self.plan.assignments if self.plan else ():
            u = self._lookups["pledge"][a.pledge_id]
            r = self._lookups["req"][a.requirement_id]
            rows.append({
                "pledge_id": a.pledge_id, "state": u.state, "capability": u.capability,
                "requirement_id": a.requirement_id, "mission_id": r.mission_id,
                "requirement_capability": r.capability, "units": a.units,
                "personnel": a.units * u.personnel_per_unit,
                "women": a.units * u.women_per_unit,
                "cost_usd": float(a.units * self._unit_cost(a)),
            })
        return pd.DataFrame(rows, columns=[
            "pledge_id", "state", "capability", "requirement_id", "mission_id",
            "requirement_capability", "units", "personnel", "women", "cost_usd"])

    @cached_property
    def equipment_flows(self) -> pd.DataFrame:
        """One row per (equipment pledge, requirement): items, cost and the pledges equipped."""
        months = self.scenario.policy.period_months
        used_on: dict[str, list[str]] = {}
        for a in self.plan.assignments if self.plan else ():
            used_on.setdefault(a.requirement_id, []).append(a.pledge_id)
        rows = []
        for e in self.plan.equipment_flows if self.plan else ():
            q = self._lookups["kit"][e.equipment_id]
            r = self._lookups["req"][e.requirement_id]
            equips = [p for p in used_on.get(e.requirement_id, [])
                      if q.item in self._lookups["pledge"][p].equipment_gap]
            rows.append({
                "equipment_id": e.equipment_id, "donor": q.state, "item": q.item,
                "requirement_id": e.requirement_id, "mission_id": r.mission_id,
                "items": e.items, "cost_usd": float(e.items * months * q.monthly_cost_usd),
                "equips_pledges": ";".join(equips),
            })
        return pd.DataFrame(rows, columns=["equipment_id", "donor", "item", "requirement_id",
                                           "mission_id", "items", "cost_usd", "equips_pledges"])

    @cached_property
    def funding_flows(self) -> pd.DataFrame:
        """One row per (funding pledge, mission): the US$ routed."""
        rows = [{"funding_id": f.funding_id, "donor": self._lookups["fund"][f.funding_id].donor,
                 "mission_id": f.mission_id, "amount_usd": float(f.amount_usd)}
                for f in (self.plan.funding_flows if self.plan else ())]
        return pd.DataFrame(rows, columns=["funding_id", "donor", "mission_id", "amount_usd"])

    @cached_property
    def requirements(self) -> pd.DataFrame:
        """Fill and shortfall of every requirement line."""
        plan = self.plan or Plan()
        filled: Counter[str] = Counter()
        for a in plan.assignments:
            filled[a.requirement_id] += a.units
        for e in plan.equipment_flows:
            # Equipment fills a line that asks for its item; on a unit line it equips units.
            if self._lookups["kit"][e.equipment_id].item == \
                    self._lookups["req"][e.requirement_id].capability:
                filled[e.requirement_id] += e.items
        weights = self.scenario.policy.priority_weights
        rows = []
        for r in self.scenario.requirements:
            got = filled.get(r.requirement_id, 0)
            rows.append({
                "requirement_id": r.requirement_id, "mission_id": r.mission_id,
                "capability": r.capability, "priority": r.priority, "mandatory": r.mandatory,
                "units": r.units, "filled": got, "shortfall": r.units - got,
                "weighted_shortfall": weights[r.priority] * (r.units - got),
            })
        return pd.DataFrame(rows, columns=[
            "requirement_id", "mission_id", "capability", "priority", "mandatory", "units",
            "filled", "shortfall", "weighted_shortfall"])

    @cached_property
    def missions(self) -> pd.DataFrame:
        """Per mission: personnel, women share, contributors, cost against budget and funding."""
        a, e, f, req = self.assignments, self.equipment_flows, self.funding_flows, self.requirements
        policy = self.scenario.policy
        rows = []
        for m in self.scenario.missions:
            mine = a[a.mission_id == m.mission_id]
            people = int(mine.personnel.sum())
            women = int(mine.women.sum())
            kit = e[e.mission_id == m.mission_id]
            cost = float(mine.cost_usd.sum()) + float(kit.cost_usd.sum())
            funding = float(f[f.mission_id == m.mission_id].amount_usd.sum())
            lines = req[req.mission_id == m.mission_id]
            rows.append({
                "mission_id": m.mission_id, "personnel": people,
                "personnel_ceiling": m.personnel_ceiling, "women": women,
                "women_share": women / people if people else 0.0,
                "women_target": m.women_target if m.women_target is not None
                else policy.women_target,
                "contributors": int(mine.state.nunique()),
                "units_asked": int(lines.units.sum()), "units_filled": int(lines.filled.sum()),
                "cost_usd": cost, "budget_usd": float(m.budget_usd), "funding_usd": funding,
                "budget_used": cost / float(m.budget_usd + Decimal(str(funding)))
                if m.budget_usd or funding else 0.0,
            })
        return pd.DataFrame(rows, columns=[
            "mission_id", "personnel", "personnel_ceiling", "women", "women_share",
            "women_target", "contributors", "units_asked", "units_filled", "cost_usd",
            "budget_usd", "funding_usd", "budget_used"])

    @cached_property
    def unused_pledges(self) -> pd.DataFrame:
        """Unit, equipment and funding pledges not used in full."""
        plan = self.plan or Plan()
        used: Counter[str] = Counter()
        for x in plan.assignments:
            used[x.pledge_id] += x.units
        for y in plan.equipment_flows:
            used[y.equipment_id] += y.items
        for z in plan.funding_flows:
            used[z.funding_id] += float(z.amount_usd)
        sc = self.scenario
        offers = ([("unit", u.pledge_id, u.state, u.capability, u.units)
                   for u in sc.unit_pledges]
                  + [("equipment", q.equipment_id, q.state, q.item, q.quantity)
                     for q in sc.equipment_pledges]
                  + [("funding", f.funding_id, f.donor, "USD", float(f.amount_usd))
                     for f in sc.funding_pledges])
        rows = [{"kind": kind, "pledge_id": pid, "state": state, "offer": what,
                 "offered": offered, "used": used.get(pid, 0),
                 "unused": offered - used.get(pid, 0)}
                for kind, pid, state, what, offered in offers if used.get(pid, 0) < offered]
        return pd.DataFrame(rows, columns=["kind", "pledge_id", "state", "offer", "offered",
                                           "used", "unused"])

    def all(self) -> dict[str, pd.DataFrame]:
        """Every table by name, in export order."""
        return {name: getattr(self, name) for name in TABLES}
