"""AllocationResult: status, objective per level, the verified plan and its tables.

Tables are derived from the scenario and the plan on demand, so the JSON form (which carries
both) round-trips to an equal result.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from allocator.levels import OBJECTIVE_KEYS
from allocator.model.problem import transport_costs, unit_monthly_cost
from allocator.plan.plan import Assignment, EquipmentFlow, FundingFlow, Plan
from allocator.scenario.scenario import Scenario
from allocator.status import SolveStatus
from allocator.verify.verifier import VerificationReport, verify_plan

if TYPE_CHECKING:
    from allocator.insight.diagnose import Diagnosis
    from allocator.insight.explain import Explanation

TABLES = ("assignments", "equipment_flows", "funding_flows", "requirements", "missions",
          "unused_pledges")


@dataclass
class LevelResult:
    """One objective level as its solver left it (values in USD for money levels)."""

    level: str
    status: SolveStatus
    value: float | None
    bound: float | None
    runtime_s: float

    def to_dict(self) -> dict[str, Any]:
        return {"level": self.level, "status": self.status.value, "value": self.value,
                "bound": self.bound, "runtime_s": round(self.runtime_s, 4)}


@dataclass
class AllocationResult:
    scenario: Scenario
    backend: str
    status: SolveStatus
    plan: Plan | None
    levels: list[LevelResult] = field(default_factory=list)
    build_s: float = 0.0
    runtime_s: float = 0.0
    objective_mode: str = "lexicographic"
    verification: VerificationReport | None = None
    first_plan_s: float | None = None
    """Seconds from the call to the first plan any level found (solver-reported where the
    backend has solution callbacks, CP-SAT; otherwise when the solver returned)."""
    best_plan_s: float | None = None
    model_size: dict[str, int] = field(default_factory=dict)
    """variables, rows and nonzeros of the compiled model."""
    diagnosis: Diagnosis | None = None
    """For an infeasible scenario: the conflicting rules and the least relaxation."""
    """Seconds from the call to the moment the returned plan was found, on the same basis."""

    # ----- figures ------------------------------------------------------------------------
    @property
    def objective(self) -> dict[str, float | int | None]:
        """Each lexicographic level recomputed from the verified plan (None without a plan)."""
        v = self.verification
        if v is None:
            return dict.fromkeys(OBJECTIVE_KEYS)
        figures: dict[str, float | int | None] = {
            "weighted_shortfall": v.weighted_shortfall,
            "soft_goal_slack": float(v.soft_goal_slack),
            "preference_penalty": float(v.preference_penalty),
            "cost_usd": float(v.cost_usd)}
        if v.units_changed is not None:  # re-planned from a current deployment
            figures["units_changed"] = v.units_changed
        return figures

    @property
    def bound(self) -> dict[str, float | None]:
        """Best proven lower bound per level; a level proven optimal has bound = value."""
        bounds: dict[str, float | None] = dict.fromkeys(OBJECTIVE_KEYS)
        for lv in self.levels:
            if lv.level in bounds:
                bounds[lv.level] = lv.bound
        return bounds

    @property
    def gap(self) -> float | None:
        """Relative gap of the first level not proven optimal; 0.0 when all are optimal."""
        for lv in self.levels:
            if lv.status is SolveStatus.OPTIMAL:
                continue
            if lv.value is None or lv.bound is None:
                return None
            return abs(lv.value - lv.bound) / max(abs(lv.value), 1.0)
        return 0.0 if self.levels else None

    def is_feasible(self) -> bool:
        return self.status.has_plan and self.verification is not None and self.verification.ok

    # ----- tables -------------------------------------------------------------------------
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

    def tables(self) -> dict[str, pd.DataFrame]:
        return {name: getattr(self, name) for name in TABLES}

    @cached_property
    def _explanation(self) -> Explanation:
        from allocator.insight.explain import explain

        return explain(self)

    def explain(self) -> Explanation:
        """Why each short line is short and each unused pledge unused (see
        ``allocator.insight.explain``)."""
        return self._explanation

    # ----- text ---------------------------------------------------------------------------
    def summary(self) -> str:
        obj = self.objective
        lines = [
            f"{self.scenario.name}: {self.status.value} ({self.backend}, "
            f"{self.runtime_s:.2f} s, model built in {self.build_s:.2f} s)",
        ]
        if self.plan is None:
            lines.append("no plan: " + {
                SolveStatus.INFEASIBLE: "the mandatory lines, must-deploy pledges and hard "
                                        "limits cannot all hold",
                SolveStatus.NO_SOLUTION: "no plan was found within the time limit; raise it",
            }.get(self.status, "the solver rejected the model"))
            if self.diagnosis is not None:
                lines.append(self.diagnosis.summary())
            return "\n".join(lines)
        req = self.requirements
        lines.append(
            f"filled {int(req.filled.sum())} of {int(req.units.sum())} units asked; weighted "
            f"shortfall {obj['weighted_shortfall']}, soft-goal slack {obj['soft_goal_slack']}, "
            + (f"preference penalty {obj['preference_penalty']}, "
               if self.scenario.preferences else "")
            + f"cost US${obj['cost_usd']:,.2f}; gap {self.gap if self.gap is not None else 'n/a'}")
        table = self.missions[["mission_id", "personnel", "women_share", "contributors",
                               "units_filled", "units_asked", "cost_usd", "budget_usd",
                               "funding_usd"]]
        lines.append(table.to_string(index=False, float_format=lambda v: f"{v:,.2f}"))
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.summary()

    # ----- JSON and files -----------------------------------------------------------------
    def to_dict(self, *, include_scenario: bool = True) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "status": self.status.value,
            "objective": self.objective,
            "bound": self.bound,
            "gap": self.gap,
            "runtime_s": round(self.runtime_s, 4),
            "build_s": round(self.build_s, 4),
            "first_plan_s": None if self.first_plan_s is None else round(self.first_plan_s, 4),
            "best_plan_s": None if self.best_plan_s is None else round(self.best_plan_s, 4),
            "model_size": self.model_size,
            "backend": self.backend,
            "objective_mode": self.objective_mode,
            "levels": [lv.to_dict() for lv in self.levels],
            "verified": self.verification is not None and self.verification.ok,
            "plan": None if self.plan is None else {
                "assignments": [vars(a) for a in self.plan.assignments],
                "equipment_flows": [vars(e) for e in self.plan.equipment_flows],
                "funding_flows": [{"funding_id": f.funding_id, "mission_id": f.mission_id,
                                   "amount_usd": str(f.amount_usd)}
                                  for f in self.plan.funding_flows],
            },
            "tables": {name: json.loads(t.to_json(orient="records"))
                       for name, t in self.tables().items()},
            # Derived from the plan like the tables, so from_dict need not read it back.
            "explanations": self.explain().to_dict(),
            # A diagnosis took solves to find, so it is read back.
            "diagnosis": None if self.diagnosis is None else self.diagnosis.to_dict(),
        }
        if include_scenario:
            doc["scenario"] = self.scenario.to_document()
        return doc

    def to_json(self, path: str | os.PathLike[str] | None = None, *, indent: int = 2) -> str:
        text = json.dumps(self.to_dict(), indent=indent)
        if path is not None:
            from allocator.result.exports import write_text_atomic

            write_text_atomic(Path(path), text)
        return text

    @classmethod
    def from_dict(cls, doc: dict[str, Any], scenario: Scenario | None = None) -> AllocationResult:
        """Rebuild a result from its JSON form; the plan is verified again on the way in."""
        if scenario is None:
            if "scenario" not in doc:
                raise ValueError("this result JSON carries no scenario; pass scenario=...")
            scenario = Scenario.model_validate(doc["scenario"])
        plan = None
        if doc.get("plan") is not None:
            p = doc["plan"]
            plan = Plan(
                tuple(Assignment(**a) for a in p["assignments"]),
                tuple(EquipmentFlow(**e) for e in p["equipment_flows"]),
                tuple(FundingFlow(f["funding_id"], f["mission_id"], Decimal(f["amount_usd"]))
                      for f in p["funding_flows"]),
            )
        result = cls(
            scenario=scenario, backend=doc["backend"], status=SolveStatus(doc["status"]),
            plan=plan, build_s=doc.get("build_s", 0.0), runtime_s=doc.get("runtime_s", 0.0),
            objective_mode=doc.get("objective_mode", "lexicographic"),
            first_plan_s=doc.get("first_plan_s"), best_plan_s=doc.get("best_plan_s"),
            model_size=doc.get("model_size", {}),
            levels=[LevelResult(lv["level"], SolveStatus(lv["status"]), lv["value"], lv["bound"],
                                lv["runtime_s"]) for lv in doc.get("levels", [])],
        )
        if plan is not None:
            result.verification = verify_plan(scenario, plan)
        if doc.get("diagnosis"):
            from allocator.insight.diagnose import Diagnosis

            result.diagnosis = Diagnosis.from_dict(doc["diagnosis"])
        return result

    @classmethod
    def from_json(cls, text_or_path: str | os.PathLike[str],
                  scenario: Scenario | None = None) -> AllocationResult:
        text = str(text_or_path)
        if not text.lstrip().startswith("{"):
            text = Path(text_or_path).read_text(encoding="utf-8")
        return cls.from_dict(json.loads(text), scenario)

    def export(self, path: str | os.PathLike[str]) -> Path:
        """Write the result: ``.json``, ``.xlsx``, or a directory of CSV files (any other)."""
        from allocator.result.exports import export_result

        return export_result(self, Path(path))
