"""AllocationResult: status, objective per level, the verified plan, its tables, its
explanations, and its JSON form.

A result is complete when ``solve()`` returns it: the plan (if any) has passed the independent
verifier, and the invariants below are checked on construction. Tables are derived from the
scenario and the plan (``allocator.result.tables``), so the JSON form (which carries both)
round-trips to an equal result. Explanations are computed once, on first use, and stored; a
result read back from JSON reads them back instead of recomputing them.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from allocator.insight.diagnose import Diagnosis
from allocator.insight.explain import Explanation, explain
from allocator.levels import LEVEL_BY_KEY, OBJECTIVE_KEYS
from allocator.plan.plan import Plan
from allocator.result.exports import export_result, write_text_atomic
from allocator.result.html import plan_html
from allocator.result.tables import PlanTables
from allocator.result.workbook import plan_workbook
from allocator.scenario.scenario import Scenario
from allocator.status import SolveStatus
from allocator.verify.verifier import VerificationReport, verify_plan

OBJECTIVE_MODES = ("lexicographic", "weighted")
WEIGHTED_LEVEL = "weighted_usd"
"""The one level of a weighted solve: the combined objective in US$."""


@dataclass
class LevelResult:
    """One objective level as its solver left it (values in USD for money levels)."""

    level: str
    status: SolveStatus
    value: float | None
    bound: float | None
    runtime_s: float

    def to_dict(self) -> dict[str, Any]:
        """The level's JSON form."""
        return {"level": self.level, "status": self.status.value, "value": self.value,
                "bound": self.bound, "runtime_s": round(self.runtime_s, 4)}

    @classmethod
    def from_dict(cls, doc: dict[str, Any]) -> LevelResult:
        """Read back ``to_dict``'s form."""
        return cls(doc["level"], SolveStatus(doc["status"]), doc["value"], doc["bound"],
                   doc["runtime_s"])


def _table(name: str, doc: str) -> property:
    """A read-only view of one of the plan's tables (``allocator.result.tables``)."""
    return property(lambda self: getattr(self._tables, name), doc=doc)


def _rounded(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds, 4)


@dataclass
class AllocationResult:
    """What ``solve()`` returns: the outcome, the verified plan and everything derived from it.

    Invariants, checked on construction: a plan exists exactly when the status has one
    (``optimal`` or ``feasible``); a plan always carries its verification report (computed
    here when not given); every level is a known objective level; the mode is
    ``lexicographic`` or ``weighted``.
    """

    scenario: Scenario
    backend: str
    status: SolveStatus
    plan: Plan | None
    levels: list[LevelResult] = field(default_factory=list)
    build_s: float = 0.0
    """Seconds to read, compile and translate the model."""
    runtime_s: float = 0.0
    """Seconds for the whole solve, from the call to the verified result."""
    objective_mode: str = "lexicographic"
    verification: VerificationReport | None = None
    first_plan_s: float | None = None
    """Seconds from the call to the first plan any level found (solver-reported where the
    backend has solution callbacks, CP-SAT; otherwise when the solver returned)."""
    best_plan_s: float | None = None
    """Seconds from the call to the moment the returned plan was found, on the same basis."""
    model_size: dict[str, int] = field(default_factory=dict)
    """variables, rows and nonzeros of the compiled model."""
    diagnosis: Diagnosis | None = None
    """For an infeasible scenario: the conflicting rules and the least relaxation."""
    explanation: Explanation | None = field(default=None, repr=False)
    """Why lines are short and pledges unused; computed on first use (``explain()``)."""
    stored_warnings: list[dict[str, Any]] | None = field(default=None, repr=False)
    """The warnings a result JSON carried, read back with it: a scenario rebuilt from its
    document has lost what validation noticed when it was first read. None: the scenario's."""

    def __post_init__(self) -> None:
        if self.status.has_plan != (self.plan is not None):
            raise ValueError(f"a result with status {self.status.value!r} must "
                             f"{'' if self.status.has_plan else 'not '}carry a plan")
        if self.objective_mode not in OBJECTIVE_MODES:
            raise ValueError(f"objective_mode must be one of {OBJECTIVE_MODES}, "
                             f"got {self.objective_mode!r}")
        unknown = [lv.level for lv in self.levels
                   if lv.level not in LEVEL_BY_KEY and lv.level != WEIGHTED_LEVEL]
        if unknown:
            raise ValueError(f"unknown objective level(s) {unknown}")
        if self.plan is not None and self.verification is None:
            self.verification = verify_plan(self.scenario, self.plan)
        self._tables = PlanTables(self.scenario, self.plan)

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
        """Whether there is a plan and the independent verifier accepted it."""
        return self.status.has_plan and self.verification is not None and self.verification.ok

    # ----- tables -------------------------------------------------------------------------
    assignments = _table("assignments", "Units of each pledge on each requirement line.")
    equipment_flows = _table("equipment_flows",
                             "Items of each equipment pledge on each line, and the pledges "
                             "they equip.")
    funding_flows = _table("funding_flows", "US$ of each funding pledge routed to each mission.")
    requirements = _table("requirements", "Fill and shortfall of every requirement line.")
    missions = _table("missions", "Per mission: personnel, women share, contributors, cost "
                                  "against budget and funding.")
    unused_pledges = _table("unused_pledges",
                            "Unit, equipment and funding pledges not used in full.")

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table by name, in export order."""
        return self._tables.all()

    def explain(self) -> Explanation:
        """Why each short line is short and each unused pledge unused (see
        ``allocator.insight.explain``); computed once and stored in ``explanation``."""
        if self.explanation is None:
            self.explanation = explain(self)
        return self.explanation

    @property
    def warnings(self) -> list[dict[str, Any]]:
        """What validation noticed in the scenario without blocking, each a dict with
        ``table``, ``message``, ``row``, ``column`` and ``source``."""
        if self.stored_warnings is not None:
            return list(self.stored_warnings)
        return [w.to_dict() for w in self.scenario.warnings]

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

    def _repr_html_(self) -> str:
        """The plan as a notebook shows it, the same rendering as the service's page
        (``allocator.result.html``)."""
        return plan_html(self)

    # ----- JSON and files -----------------------------------------------------------------
    def to_dict(self, *, include_scenario: bool = True) -> dict[str, Any]:
        """The result's JSON form (the service's result body, ``to_json``'s document)."""
        doc: dict[str, Any] = {
            "status": self.status.value,
            "objective": self.objective,
            "bound": self.bound,
            "gap": self.gap,
            "runtime_s": round(self.runtime_s, 4),
            "build_s": round(self.build_s, 4),
            "first_plan_s": _rounded(self.first_plan_s),
            "best_plan_s": _rounded(self.best_plan_s),
            "model_size": self.model_size,
            "backend": self.backend,
            "objective_mode": self.objective_mode,
            "levels": [lv.to_dict() for lv in self.levels],
            "verified": self.verification is not None and self.verification.ok,
            "plan": None if self.plan is None else self.plan.to_dict(),
            "tables": {name: json.loads(t.to_json(orient="records"))
                       for name, t in self.tables().items()},
            "explanations": self.explain().to_dict(),
            # A diagnosis took solves to find, so it is read back.
            "diagnosis": None if self.diagnosis is None else self.diagnosis.to_dict(),
            "warnings": self.warnings,
        }
        if include_scenario:
            doc["scenario"] = self.scenario.to_document()
        return doc

    def to_json(self, path: str | os.PathLike[str] | None = None, *, indent: int = 2) -> str:
        """The JSON text of ``to_dict()``; written atomically to ``path`` when given."""
        text = json.dumps(self.to_dict(), indent=indent)
        if path is not None:
            write_text_atomic(Path(path), text)
        return text

    @classmethod
    def from_dict(cls, doc: dict[str, Any], scenario: Scenario | None = None) -> AllocationResult:
        """Rebuild a result from its JSON form; the plan is verified again on the way in, and
        stored explanations are read back (a document without them has them recomputed)."""
        if scenario is None:
            if "scenario" not in doc:
                raise ValueError("this result JSON carries no scenario; pass scenario=...")
            scenario = Scenario.model_validate(doc["scenario"])
        plan = None if doc.get("plan") is None else Plan.from_dict(doc["plan"])
        return cls(
            scenario=scenario, backend=doc["backend"], status=SolveStatus(doc["status"]),
            plan=plan, build_s=doc.get("build_s", 0.0), runtime_s=doc.get("runtime_s", 0.0),
            objective_mode=doc.get("objective_mode", "lexicographic"),
            first_plan_s=doc.get("first_plan_s"), best_plan_s=doc.get("best_plan_s"),
            model_size=doc.get("model_size", {}),
            levels=[LevelResult.from_dict(lv) for lv in doc.get("levels", [])],
            diagnosis=Diagnosis.from_dict(doc["diagnosis"]) if doc.get("diagnosis") else None,
            explanation=(Explanation.from_dict(doc["explanations"])
                         if doc.get("explanations") is not None else None),
            stored_warnings=doc.get("warnings") or None,
        )

    @classmethod
    def from_json(cls, text_or_path: str | os.PathLike[str],
                  scenario: Scenario | None = None) -> AllocationResult:
        """``from_dict`` of a JSON text or of a JSON file's path."""
        text = str(text_or_path)
        if not text.lstrip().startswith("{"):
            text = Path(text_or_path).read_text(encoding="utf-8")
        return cls.from_dict(json.loads(text), scenario)

    def export(self, path: str | os.PathLike[str]) -> Path:
        """Write the result: ``.json``, ``.xlsx`` (the planner's workbook,
        ``allocator.result.workbook``), or a directory of CSV files (any other name); files
        get ordinary permissions (``0o666``/``0o777`` less the umask)."""
        return export_result(Path(path), document=self.to_dict(), tables=self.tables(),
                             workbook=lambda: plan_workbook(self, self.warnings))
