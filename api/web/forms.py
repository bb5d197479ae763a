"""The page's forms as the API's request bodies: a what-if form becomes a ``WhatIfRequest`` in
the change language, a sweep form an ``NMinus1Request`` or ``MonteCarloRequest``. A field that
cannot be read is a located problem (the form, the field, what to change), like any other."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from allocator.errors import Defect, ScenarioError

from ..schemas import (
    BudgetSweepRequest,
    MonteCarloRequest,
    NMinus1Request,
    SolveOptions,
    WhatIfRequest,
)

Form = Mapping[str, Any]


def _text(form: Form, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _number(form: Form, name: str, label: str, problems: list[Defect], *,
            form_name: str) -> float | None:
    text = _text(form, name).replace(",", "")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):  # float() takes "nan" and "inf"
        problems.append(Defect(table=form_name, column=name, source="page",
                               message=f"{label}: {text[:40]!r} is not a number; type digits, "
                                       "e.g. 1.2"))
        return None
    return value


def _validated(model: type[BaseModel], data: dict[str, Any], form_name: str) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as err:
        raise ScenarioError([Defect(table=form_name, source="page",
                                    column=".".join(str(p) for p in e["loc"]) or None,
                                    message=e["msg"]) for e in err.errors()]) from None


def solve_options(form: Form) -> SolveOptions:
    """The solve form: backend and time limit (blank: the service's default)."""
    problems: list[Defect] = []
    limit = _number(form, "time_limit_s", "Time limit", problems, form_name="solve")
    if problems:
        raise ScenarioError(problems)
    data: dict[str, Any] = {"backend": _text(form, "backend") or SolveOptions().backend}
    if limit is not None:
        data["time_limit_s"] = limit
    return _validated(SolveOptions, data, "solve")


def whatif_request(form: Form) -> WhatIfRequest:
    """The what-if form: each filled field is one change of one variant, in the change
    language of ``allocator whatif``."""
    problems: list[Defect] = []

    def number(name: str, label: str) -> float | None:
        return _number(form, name, label, problems, form_name="what-if")

    changes: list[dict[str, Any]] = []
    if state := _text(form, "withdraw_state"):
        changes.append({"withdraw_state": state})
    if pledge := _text(form, "withdraw_pledge"):
        changes.append({"withdraw_pledge": pledge})
    factor = number("budget_factor", "Scale budgets by")
    if factor is not None:
        change: dict[str, Any] = {"factor": factor}
        if mission := _text(form, "budget_factor_mission"):
            change["mission"] = mission
        changes.append({"scale_budgets": change})
    def on_mission(kind: str, field: str, label: str, needs: str) -> None:
        """A change of one mission's value: both its mission and its value, or neither."""
        value, mission = number(field, label), _text(form, f"{kind}_mission")
        if value is None and not mission:
            return
        if value is None or not mission:
            problems.append(Defect(table="what-if", column=field, source="page",
                                   message=f"to set a {kind}, choose its mission and type "
                                           f"{needs}"))
            return
        whole = int(value) if field == "personnel_ceiling" and value.is_integer() else value
        changes.append({f"set_{kind}": {"mission": mission, field: whole}})

    on_mission("budget", "budget_usd", "Set the budget to", "the amount in US$")
    on_mission("ceiling", "personnel_ceiling", "Set the ceiling to", "the number of personnel")
    target = number("women_target_pct", "Women target")
    if target is not None:
        changes.append({"set_policy": {"women_target": round(target / 100, 6)}})
    if problems:
        raise ScenarioError(problems)
    if not changes:
        raise ScenarioError([Defect(table="what-if", source="page", message=(
            "choose at least one change: withdraw a state or a pledge, scale or set a budget, "
            "set a ceiling or the women target"))])
    name = _text(form, "variant") or "what-if"
    data: dict[str, Any] = {"variants": {name: changes},
                            "minimise_changes": bool(form.get("minimise_changes")),
                            "backend": _text(form, "backend") or SolveOptions().backend}
    limit = number("time_limit_s", "Time limit per solve")
    if problems:
        raise ScenarioError(problems)
    if limit is not None:
        data["time_limit_s"] = limit
    return _validated(WhatIfRequest, data, "what-if")


def n_minus_1_request(form: Form) -> NMinus1Request:
    """The N-1 form: withdraw each pledge or each state in turn."""
    problems: list[Defect] = []
    limit = _number(form, "time_limit_s", "Time limit per solve", problems, form_name="n-1")
    if problems:
        raise ScenarioError(problems)
    data: dict[str, Any] = {"by": _text(form, "by") or "state"}
    if limit is not None:
        data["time_limit_s"] = limit
    return _validated(NMinus1Request, data, "n-1")


def monte_carlo_request(form: Form) -> MonteCarloRequest:
    """The Monte Carlo form: draws, seed, and the odds (in %) that a pledge is withdrawn or late."""
    problems: list[Defect] = []
    fields = {"draws": "Draws", "seed": "Seed", "withdraw_pct": "Chance a pledge is withdrawn",
              "delay_pct": "Chance a pledge is late", "delay_days": "Days late",
              "time_limit_s": "Time limit per solve"}
    values = {name: _number(form, name, label, problems, form_name="monte-carlo")
              for name, label in fields.items()}
    if problems:
        raise ScenarioError(problems)
    data: dict[str, Any] = {}
    for name, key in (("draws", "draws"), ("seed", "seed"), ("delay_days", "delay_days")):
        if values[name] is not None:
            value = values[name]
            data[key] = int(value) if float(value).is_integer() else value
    for name, key in (("withdraw_pct", "withdraw_probability"),
                      ("delay_pct", "delay_probability")):
        if values[name] is not None:
            data[key] = round(values[name] / 100, 6)
    if values["time_limit_s"] is not None:
        data["time_limit_s"] = values["time_limit_s"]
    return _validated(MonteCarloRequest, data, "monte-carlo")


def budget_request(form: Form) -> BudgetSweepRequest:
    """The budget sweep form: the factors every budget is scaled by, e.g. ``0.5, 0.75, 1``."""
    problems: list[Defect] = []
    scales: list[float] = []
    for part in _text(form, "scales").replace(";", ",").split(","):
        if not part.strip():
            continue
        try:
            value = float(part)
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            problems.append(Defect(table="budget", column="scales", source="page",
                                   message=f"Scale budgets by: {part.strip()[:40]!r} is not a "
                                           "number; type factors such as 0.8, 1, 1.2"))
        scales.append(value)
    limit = _number(form, "time_limit_s", "Time limit per solve", problems, form_name="budget")
    if problems:
        raise ScenarioError(problems)
    data: dict[str, Any] = {"backend": _text(form, "backend") or SolveOptions().backend}
    if scales:
        data["scales"] = scales
    if limit is not None:
        data["time_limit_s"] = limit
    return _validated(BudgetSweepRequest, data, "budget")
