"""Why a scenario has no plan: a minimal set of conflicting rules, and the least relaxation.

When mandatory lines, must-deploy pledges and hard limits cannot all hold, ``diagnose`` finds

- a **conflict**: rules that cannot hold together, none of which can be left out (an
  irreducible infeasible subset). CP-SAT proves infeasibility under assumptions, one per rule,
  and returns a sufficient set; a deletion filter then drops every rule the conflict does not
  need, so relaxing any one rule of it resolves that conflict;
- the **least relaxation**: the fewest rules to relax so that a plan exists (a minimum-
  cardinality correction set, from an elastic model), each with the least amount that then
  suffices (units short, units left home, US$, persons).

The rules that can conflict are the ones that force something: a mandatory line must be filled
in full, a must-deploy pledge deployed in full, and a budget (with the funding that can reach
it), a personnel ceiling or, when ``policy.state_share_hard``, a state-share limit must hold.
With all of them relaxed the empty plan is feasible, so every infeasible scenario has both.
Compatibility rules (readiness, deadlines, languages, caveats, exclusions) decide which pairs
exist at all; a conflict names them in its message where they leave a line short of supply.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

import pandas as pd
from ortools.sat.python import cp_model

from allocator.backends.cpsat import CpSatBackend
from allocator.model.formulation import (
    Formulation,
    build_formulation,
    mission_cost_terms,
    personnel_terms,
)
from allocator.model.linear import LinearModel, Row
from allocator.model.problem import (
    CENTS_PER_USD,
    broken_rules,
    compile_problem,
    need_of,
    offer_of,
    substitutes,
)
from allocator.scenario.scenario import Scenario

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
    rule: Rule
    amount: float  # in ``unit``
    unit: str
    message: str


@dataclass
class Diagnosis:
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


@dataclass
class _Elastic:
    """The model with one 0-1 ``relax`` variable per rule and a slack it switches on."""

    model: LinearModel
    relax: list[int]  # variable index per rule
    slack: list[int]  # variable index per rule
    size: list[int]  # the rule's own size in its slack's units, to weigh amounts alike
    rules: list[tuple[str, str, int]]  # (family, label, requirement, pledge or mission index)
    most: list[int] = field(default_factory=list)  # the slack's upper bound


def _elastic(f: Formulation) -> _Elastic:
    """Rows that force something get a slack that only their relax flag allows.

    Budget, ceiling and must-deploy rows are stated again from the formulation's terms in
    their own units (persons, money units): ``LinearModel.add_row`` divides a row by the gcd
    of its coefficients, after which a slack would count in multiples of a whole unit's
    personnel and the least relaxation could not be measured in persons.
    """
    p, src = f.problem, f.model
    sc = p.scenario
    model = LinearModel(vars=list(src.vars), rows=[], objectives={},
                        money_unit_cents=src.money_unit_cents)
    e = _Elastic(model, [], [], [], [])

    def rule(family: str, label: str, index: int, slack: int, most: int, size: int) -> None:
        flag = model.add_var(f"relax[{family}:{label}]", 0, 1)
        model.rows.append(Row("relax", label, ((slack, 1), (flag, -max(1, most))), None, 0))
        e.relax.append(flag)
        e.slack.append(slack)
        e.size.append(max(1, size))
        e.most.append(max(1, most))
        e.rules.append((family, label, index))

    def slack_var(name: str, most: int, money: bool = False) -> int:
        return model.add_var(f"slack[{name}]", 0, max(1, most), money=money)

    replaced = {"must_deploy", "budget", "ceiling"}
    model.rows = [row for row in src.rows if row.family not in replaced
                  and not (row.family == "state_share" and p.state_share_hard)]
    for r, req in enumerate(sc.requirements):
        if req.mandatory:  # its shortfall may rise from 0 only when relaxed
            model.vars[f.s[r]] = replace(model.vars[f.s[r]], ub=req.units)
            rule("mandatory", req.requirement_id, r, f.s[r], req.units, req.units)
    for u, pledge in enumerate(sc.unit_pledges):
        terms = tuple((f.x[i], 1) for i in p.pairs_of_pledge.get(u, []))
        if not pledge.must_deploy:
            continue
        home = slack_var(f"home:{pledge.pledge_id}", pledge.units)
        model.rows.append(Row("must_deploy", pledge.pledge_id, (*terms, (home, 1)),
                              pledge.units, pledge.units))
        rule("must_deploy", pledge.pledge_id, u, home, pledge.units, pledge.units)
    cost = mission_cost_terms(f)
    for mi, mission in enumerate(sc.missions):
        if cost.get(mi):
            funds = [(v, -1) for (_, m), v in f.y.items() if m == mi]
            most = sum(c * src.vars[v].ub for v, c in cost[mi])
            extra = slack_var(f"budget:{mission.mission_id}", most, money=True)
            model.rows.append(Row("budget", mission.mission_id,
                                  (*cost[mi], *funds, (extra, -1)), None, p.budget[mi],
                                  money=True))
            rule("budget", mission.mission_id, mi, extra, most, p.budget[mi])
        if mission.personnel_ceiling is not None:
            terms = personnel_terms(f, mi)
            most = sum(c * src.vars[v].ub for v, c in terms)
            over = slack_var(f"ceiling:{mission.mission_id}", most)
            model.rows.append(Row("ceiling", mission.mission_id, (*terms, (over, -1)), None,
                                  mission.personnel_ceiling))
            rule("ceiling", mission.mission_id, mi, over, most, mission.personnel_ceiling)
    if p.state_share_hard:
        # A share row has no size of its own; its slack counts 1/den of a person (at most
        # the mission's personnel), weighed against the mission's largest possible force.
        for row in src.rows:
            if row.family != "state_share":
                continue
            most = sum(abs(c) * src.vars[v].ub for v, c in row.terms)
            over = slack_var(f"share:{row.label}", most)
            model.rows.append(Row(row.family, row.label, (*row.terms, (over, -1)), row.lb,
                                  row.ub))
            mi = next(i for i, m in enumerate(sc.missions)
                      if m.mission_id == row.label.split(":", 1)[0])
            rule("state_share", row.label, mi, over, most, most)
    return e


class _Checker:
    """CP-SAT on the elastic model: feasibility with a chosen set of rules enforced."""

    def __init__(self, elastic: _Elastic, deadline: float):
        self.elastic = elastic
        self.deadline = deadline
        self.backend = CpSatBackend(elastic.model, threads=1)
        self.cp = self.backend.cp
        self.flags = [self.backend.vars[i] for i in elastic.relax]

    def _solver(self) -> cp_model.CpSolver:
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1  # cores from assumptions need one worker
        solver.parameters.max_time_in_seconds = max(0.05, self.deadline - time.perf_counter())
        # As in the CP-SAT backend: the full LP relaxation proves these money levels fast.
        solver.parameters.linearization_level = 2
        return solver

    def infeasible(self, enforced: list[int]) -> tuple[bool | None, list[int]]:
        """(True, a sufficient subset) if the rules ``enforced`` cannot all hold; (False, [])
        if they can; (None, []) if time ran out."""
        self.cp.clear_objective()
        self.cp.clear_assumptions()
        self.cp.add_assumptions([~self.flags[k] for k in enforced])
        solver = self._solver()
        status = solver.solve(self.cp)
        self.cp.clear_assumptions()
        if status == cp_model.INFEASIBLE:
            core = set(solver.sufficient_assumptions_for_infeasibility())
            index = {(~self.flags[k]).index: k for k in enforced}
            return True, sorted(index[i] for i in core if i in index) or list(enforced)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return False, []
        return None, []

    def least_relaxation(self) -> list[int] | None:
        """Values of the elastic model: fewest rules relaxed, then the least amounts."""
        e = self.elastic
        flags = self.flags
        self.cp.minimize(sum(flags))
        solver = self._solver()
        status = solver.solve(self.cp)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return None
        # Among the sets of the fewest rules, the least amounts; the first set found starts
        # the search (as a hint) and stands if time runs out.
        self.cp.add(sum(flags) <= int(solver.objective_value))
        self.cp.clear_hints()
        for var in self.backend.vars:
            self.cp.add_hint(var, solver.value(var))
        # Amounts weigh alike across rules: a slack counts relative to its rule's own size
        # (1 unit short of 2 weighs as US$1 M over a US$2 M budget). The scale keeps the
        # integer objective below 2^60 whatever the slacks' ranges (a US$1 budget has size 1
        # and a slack of billions of money units).
        reach = sum(e.most[k] / size for k, size in enumerate(e.size)) or 1
        scale = min(10**9, int(2**60 / reach))
        weights = [max(1, scale // size) for size in e.size]
        self.cp.minimize(sum(w * self.backend.vars[v] for w, v in zip(weights, e.slack,
                                                                        strict=True)))
        second = self._solver()
        status = second.solve(self.cp)
        best = second if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) else solver
        return [best.value(v) for v in self.backend.vars]


def diagnose(scenario: Scenario, time_limit: float = 30.0) -> Diagnosis:
    """Explain why ``scenario`` has no plan, or say that it has one (``feasible``)."""
    started = time.perf_counter()
    deadline = started + time_limit
    f = build_formulation(compile_problem(scenario))
    elastic = _elastic(f)
    checker = _Checker(elastic, deadline)
    everything = list(range(len(elastic.rules)))
    infeasible, core = checker.infeasible(everything)
    if not infeasible:
        return Diagnosis(feasible=infeasible is False, runtime_s=time.perf_counter() - started)
    # Deletion filter: a rule whose removal leaves the rest infeasible is not needed.
    needed = list(core)
    for k in list(core):
        trial = [j for j in needed if j != k]
        still, smaller = checker.infeasible(trial)
        if still:
            needed = [j for j in trial if j in set(smaller)] or trial
    words = _Words(f)
    conflict = [words.rule(elastic.rules[k]) for k in needed]
    values = checker.least_relaxation()
    relaxation = []
    if values is not None:
        for k, flag in enumerate(elastic.relax):
            if values[flag]:
                relaxation.append(words.relaxation(elastic.rules[k], values))
    return Diagnosis(False, conflict, relaxation, time.perf_counter() - started)


class _Words:
    """Rules and relaxations in the planner's words, with the figures that matter."""

    def __init__(self, f: Formulation):
        self.f = f
        self.p = f.problem
        self.sc = f.problem.scenario
        self.mission_index = {m.mission_id: i for i, m in enumerate(self.sc.missions)}

    def _usd(self, money_units: int) -> Decimal:
        return Decimal(money_units * self.p.money_unit_cents) / CENTS_PER_USD

    def rule(self, key: tuple[str, str, int]) -> Rule:
        family, label, index = key
        if family == "mandatory":
            req = self.sc.requirements[index]
            pairs = self.p.pairs_of_requirement.get(index, []) \
                if not self.p.requirement_is_equipment[index] \
                else self.p.equipment_pairs_of_requirement.get(index, [])
            if self.p.requirement_is_equipment[index]:
                supply = sum(self.sc.equipment_pledges[self.p.equipment_pairs[i].q].quantity
                             for i in pairs)
                ruled_out = ""
            else:
                supply = sum(self.sc.unit_pledges[self.p.unit_pairs[i].u].units for i in pairs)
                ruled_out = self._ruled_out(index)
            return Rule(family, label, req.mission_id,
                        f"{req.mission_id} {label} is mandatory: {req.units} x {req.capability}, "
                        f"and {supply} compatible unit(s) are pledged for it in all{ruled_out}")
        if family == "must_deploy":
            pledge = self.sc.pledge_by_id[label]
            where = ", ".join(pledge.allowed_missions) or "any mission its rules allow"
            return Rule(family, label, None,
                        f"{label} ({pledge.state}, {pledge.units} x {pledge.capability}) must "
                        f"deploy in full, to {where}")
        if family == "budget":
            mission = self.sc.mission_by_id[label]
            return Rule(family, label, label,
                        f"{label}'s budget of US${mission.budget_usd:,.0f} plus the funding "
                        "that can reach it must cover what it deploys")
        if family == "ceiling":
            mission = self.sc.mission_by_id[label]
            return Rule(family, label, label,
                        f"{label}'s personnel ceiling of {mission.personnel_ceiling:,} persons")
        mission_id, state = label.split(":", 1)
        share = self.p.max_state_share[self.mission_index[mission_id]]
        return Rule(family, label, mission_id,
                    f"{state} may provide at most {float(share or 0):.0%} of {mission_id}'s "
                    "personnel (hard limit)")

    def _ruled_out(self, r: int) -> str:
        """'; others are ruled out by deadline (P2), ...': what a planner could relax."""
        req = self.sc.requirements[r]
        fillers = substitutes(self.sc).get(req.capability, set()) | {req.capability}
        need = need_of(self.sc, req)
        by_rule: dict[str, list[str]] = {}
        for pledge in self.sc.unit_pledges:
            if pledge.capability in fillers:
                for name in broken_rules(offer_of(self.sc, pledge), need):
                    by_rule.setdefault(name, []).append(pledge.pledge_id)
        if not by_rule:
            return ""
        listed = "; ".join(f"{name} ({', '.join(ids[:5])}{', ...' if len(ids) > 5 else ''})"
                           for name, ids in sorted(by_rule.items()))
        return f"; other {req.capability} pledges are ruled out by {listed}"

    def relaxation(self, key: tuple[str, str, int], values: list[int]) -> Relaxation:
        family, label, index = key
        rule = self.rule(key)
        f, p = self.f, self.p
        if family == "mandatory":
            short = values[f.s[index]]
            return Relaxation(rule, short, UNITS[family],
                              f"let {label} be {short} unit(s) short (drop its mandatory flag) "
                              "or make more compatible pledges reach it")
        if family == "must_deploy":
            u = next(k for k, pl in enumerate(self.sc.unit_pledges) if pl.pledge_id == label)
            deployed = sum(values[f.x[i]] for i in p.pairs_of_pledge.get(u, []))
            home = self.sc.unit_pledges[u].units - deployed
            return Relaxation(rule, home, UNITS[family],
                              f"let {home} unit(s) of {label} stay home (release its "
                              "must-deploy commitment) or widen its caveats")
        mi = self.mission_index[label.split(":", 1)[0]]
        if family == "budget":
            spent = sum(values[f.x[i]] * pair.cost for i, pair in enumerate(p.unit_pairs)
                        if p.pair_mission(pair) == mi)
            spent += sum(values[f.e[i]] * pair.cost for i, pair in enumerate(p.equipment_pairs)
                         if p.pair_mission(pair) == mi)
            funded = sum(values[v] for (_, m), v in f.y.items() if m == mi)
            extra = self._usd(max(0, spent - funded - p.budget[mi]))
            return Relaxation(rule, float(extra), UNITS[family],
                              f"raise {label}'s budget by US${extra:,.2f} (or pledge that much "
                              "funding it can use)")
        persons = [(i, self.sc.unit_pledges[p.unit_pairs[i].u])
                   for i in p.pairs_of_mission.get(mi, [])]
        if family == "ceiling":
            deployed = sum(values[f.x[i]] * pl.personnel_per_unit for i, pl in persons)
            ceiling = self.sc.missions[mi].personnel_ceiling or 0
            over = max(0, deployed - ceiling)
            return Relaxation(rule, over, UNITS[family],
                              f"raise {label}'s personnel ceiling by {over:,} persons")
        state = label.split(":", 1)[1]
        total = sum(values[f.x[i]] * pl.personnel_per_unit for i, pl in persons)
        theirs = sum(values[f.x[i]] * pl.personnel_per_unit for i, pl in persons
                     if pl.state == state)
        share = p.max_state_share[mi] or 0
        over = float(max(0, theirs - share * total))
        return Relaxation(rule, over, UNITS[family],
                          f"let {state} exceed its share of {self.sc.missions[mi].mission_id} "
                          f"by {over:,.1f} persons (or make the share limit soft)")
