"""The elastic model: every rule that forces something gets a slack that only its own 0-1
relax flag allows, so CP-SAT can prove a set of rules infeasible (assumptions on the flags) and
find the fewest rules, then the least amounts, that give a plan."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from allocator.model.formulation import Formulation, mission_cost_terms, personnel_terms
from allocator.model.linear import LinearModel, Row

Key = tuple[str, str, int]
"""(family, label, requirement, pledge or mission index) of a rule."""


@dataclass
class Elastic:
    """The model with one 0-1 ``relax`` variable per rule and a slack it switches on."""

    model: LinearModel
    relax: list[int] = field(default_factory=list)  # variable index per rule
    slack: list[int] = field(default_factory=list)  # variable index per rule
    size: list[int] = field(default_factory=list)  # the rule's size in its slack's units
    rules: list[Key] = field(default_factory=list)
    most: list[int] = field(default_factory=list)  # the slack's upper bound

    def rule(self, family: str, label: str, index: int, slack: int, most: int,
             size: int) -> None:
        """Register a rule: its slack may leave 0 only when its relax flag is 1."""
        flag = self.model.add_var(f"relax[{family}:{label}]", 0, 1)
        self.model.rows.append(Row("relax", label, ((slack, 1), (flag, -max(1, most))), None,
                                   0))
        self.relax.append(flag)
        self.slack.append(slack)
        self.size.append(max(1, size))
        self.most.append(max(1, most))
        self.rules.append((family, label, index))

    def slack_var(self, name: str, most: int, money: bool = False) -> int:
        """A new slack variable in [0, most]."""
        return self.model.add_var(f"slack[{name}]", 0, max(1, most), money=money)


_REPLACED = {"must_deploy", "budget", "ceiling"}


def build_elastic(f: Formulation) -> Elastic:
    """Rows that force something get a slack that only their relax flag allows.

    Budget, ceiling and must-deploy rows are stated again from the formulation's terms in
    their own units (persons, money units): ``LinearModel.add_row`` divides a row by the gcd
    of its coefficients, after which a slack would count in multiples of a whole unit's
    personnel and the least relaxation could not be measured in persons.
    """
    p, src = f.problem, f.model
    model = LinearModel(vars=list(src.vars), rows=[], objectives={},
                        money_unit_cents=src.money_unit_cents)
    model.rows = [row for row in src.rows if row.family not in _REPLACED
                  and not (row.family == "state_share" and p.state_share_hard)]
    e = Elastic(model)
    _mandatory_lines(e, f)
    _must_deploy_pledges(e, f)
    _budgets_and_ceilings(e, f)
    if p.state_share_hard:
        _state_shares(e, f)
    return e


def _mandatory_lines(e: Elastic, f: Formulation) -> None:
    """A mandatory line's shortfall may rise from 0 only when relaxed."""
    for r, req in enumerate(f.problem.scenario.requirements):
        if req.mandatory:
            e.model.vars[f.s[r]] = replace(e.model.vars[f.s[r]], ub=req.units)
            e.rule("mandatory", req.requirement_id, r, f.s[r], req.units, req.units)


def _must_deploy_pledges(e: Elastic, f: Formulation) -> None:
    """A must-deploy pledge may leave units at home only when relaxed."""
    p = f.problem
    for u, pledge in enumerate(p.scenario.unit_pledges):
        if not pledge.must_deploy:
            continue
        terms = tuple((f.x[i], 1) for i in p.pairs_of_pledge.get(u, []))
        home = e.slack_var(f"home:{pledge.pledge_id}", pledge.units)
        e.model.rows.append(Row("must_deploy", pledge.pledge_id, (*terms, (home, 1)),
                                pledge.units, pledge.units))
        e.rule("must_deploy", pledge.pledge_id, u, home, pledge.units, pledge.units)


def _budgets_and_ceilings(e: Elastic, f: Formulation) -> None:
    """A mission may spend over its budget (with funding) or its ceiling only when relaxed."""
    p, src = f.problem, f.model
    cost = mission_cost_terms(f)
    for mi, mission in enumerate(p.scenario.missions):
        if cost.get(mi):
            funds = [(v, -1) for (_, m), v in f.y.items() if m == mi]
            most = sum(c * src.vars[v].ub for v, c in cost[mi])
            extra = e.slack_var(f"budget:{mission.mission_id}", most, money=True)
            e.model.rows.append(Row("budget", mission.mission_id,
                                    (*cost[mi], *funds, (extra, -1)), None, p.budget[mi],
                                    money=True))
            e.rule("budget", mission.mission_id, mi, extra, most, p.budget[mi])
        if mission.personnel_ceiling is not None:
            terms = personnel_terms(f, mi)
            most = sum(c * src.vars[v].ub for v, c in terms)
            over = e.slack_var(f"ceiling:{mission.mission_id}", most)
            e.model.rows.append(Row("ceiling", mission.mission_id, (*terms, (over, -1)), None,
                                    mission.personnel_ceiling))
            e.rule("ceiling", mission.mission_id, mi, over, most, mission.personnel_ceiling)


def _state_shares(e: Elastic, f: Formulation) -> None:
    """A hard state-share limit may be exceeded only when relaxed.

    A share row has no size of its own; its slack counts 1/den of a person (at most the
    mission's personnel), weighed against the mission's largest possible force.
    """
    src, missions = f.model, f.problem.scenario.missions
    for row in src.rows:
        if row.family != "state_share":
            continue
        most = sum(abs(c) * src.vars[v].ub for v, c in row.terms)
        over = e.slack_var(f"share:{row.label}", most)
        e.model.rows.append(Row(row.family, row.label, (*row.terms, (over, -1)), row.lb,
                                row.ub))
        mi = next(i for i, m in enumerate(missions)
                  if m.mission_id == row.label.split(":", 1)[0])
        e.rule("state_share", row.label, mi, over, most, most)
