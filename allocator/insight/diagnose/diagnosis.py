"""What a diagnosis says: the rules in conflict and the least relaxation, in the planner's
words (``Diagnosis``, stored in the result and its JSON)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

# Row families a planner can relax, in the order conflicts are listed.
RELAXABLE = ("mandatory", "must_deploy", "budget", "ceiling", "state_share")
UNITS = {"mandatory": "units short", "must_deploy": "units left home", "budget": "US$",
         "ceiling": "persons", "state_share": "persons"}


@dataclass(frozen=True)
class Rule:
    """One rule of the scenario that forces something, in the planner's words."""

    kind: str  # mandatory, must_deploy, budget, ceiling or state_share
    rule_id: str  # requirement, pledge or mission id (mission:state for a share)
    mission_id: str | None
    message: str


@dataclass(frozen=True)
class Relaxation:
    """How far one rule must give for a plan to exist, in its own unit."""

    rule: Rule
    amount: float  # in ``unit``
    unit: str
    message: str


@dataclass
class Diagnosis:
    """Why a scenario has no plan: the rules in conflict and the least relaxation."""

    feasible: bool
    conflict: list[Rule] = field(default_factory=list)
    relaxation: list[Relaxation] = field(default_factory=list)
    runtime_s: float = 0.0

    def conflict_table(self) -> pd.DataFrame:
        return pd.DataFrame([vars(r) for r in self.conflict],
                            columns=["kind", "rule_id", "mission_id", "message"])

    def relaxation_table(self) -> pd.DataFrame:
        rows = [{"kind": r.rule.kind, "rule_id": r.rule.rule_id,
                 "mission_id": r.rule.mission_id, "amount": r.amount, "unit": r.unit,
                 "message": r.message} for r in self.relaxation]
        return pd.DataFrame(rows, columns=["kind", "rule_id", "mission_id", "amount", "unit",
                                           "message"])

    def to_dict(self) -> dict[str, Any]:
        return {"feasible": self.feasible,
                "conflict": [vars(r) for r in self.conflict],
                "relaxation": [{**vars(r.rule), "amount": r.amount, "unit": r.unit,
                                "relax": r.message} for r in self.relaxation],
                "runtime_s": round(self.runtime_s, 4)}

    @classmethod
    def from_dict(cls, doc: dict[str, Any]) -> Diagnosis:
        """Read back ``to_dict``'s form (a result JSON's ``diagnosis``)."""
        conflict = [Rule(r["kind"], r["rule_id"], r["mission_id"], r["message"])
                    for r in doc.get("conflict", [])]
        relaxation = [Relaxation(Rule(r["kind"], r["rule_id"], r["mission_id"], r["message"]),
                                 r["amount"], r["unit"], r["relax"])
                      for r in doc.get("relaxation", [])]
        return cls(doc["feasible"], conflict, relaxation, doc.get("runtime_s", 0.0))

    def summary(self) -> str:
        if self.feasible:
            return "feasible: every mandatory line, must-deploy pledge and hard limit can hold"
        lines = ["these rules cannot all hold (relaxing any one of them resolves this "
                 "conflict):"]
        lines += [f"  - {r.message}" for r in self.conflict]
        lines.append("least relaxation that gives a plan:")
        lines += [f"  - {r.message}" for r in self.relaxation]
        return "\n".join(lines)
