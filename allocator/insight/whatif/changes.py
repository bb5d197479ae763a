"""The change language: one-key mappings applied in order to a copy of a base scenario (see
``allocator.insight.whatif``), every bad change reported at once as a located ``Defect``."""

from __future__ import annotations

import difflib
import math
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from allocator.errors import Defect, ScenarioError, close_matches, shown
from allocator.scenario.readers.parsing import check_size, parse_json, parse_yaml
from allocator.scenario.scenario import Scenario
from allocator.scenario.schema import TABLE_ROWS, Mission, Policy, Requirement

Change = Mapping[str, Any]
Tables = dict[str, list[dict[str, Any]]]


class _Bad(Exception):
    """A change that cannot be applied; ``messages`` say why, each one a problem."""

    def __init__(self, *messages: str):
        super().__init__("; ".join(messages))
        self.messages = list(messages)


class _Draft:
    """The scenario being edited, as plain rows, so edits never reach the base's objects."""

    def __init__(self, base: Scenario):
        self.tables: Tables = {t: [row.model_dump() for row in getattr(base, t)]
                               for t in TABLE_ROWS}
        self.policy: dict[str, Any] = base.policy.model_dump()

    def ids(self, table: str, column: str) -> list[str]:
        return [str(row[column]) for row in self.tables[table]]


# ----- helpers shared by the change kinds ------------------------------------------------------
def _unknown(kind: str, value: str, known: Iterable[str]) -> str:
    """'unknown pledge 'XYZ'; pledge ids look like A, B', with a likely fix when one is close."""
    known = sorted(set(known))
    close = close_matches(value, known)
    if close:
        return f"unknown {kind} {shown(value)}; did you mean {' or '.join(map(repr, close))}?"
    if not known:
        return f"unknown {kind} {shown(value)}; the scenario has none"
    word = "codes" if kind == "state" else "ids"
    return f"unknown {kind} {shown(value)}; {kind} {word} look like {', '.join(known[:3])}"


def _an_id(value: Any, kind: str) -> str:
    # YAML reads `remove_requirement: 7` as an int; ids are names, so accept it as text.
    if isinstance(value, str) and value.strip():
        return value.strip()
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise _Bad(f"expected a {kind} id, got {shown(value)}")


def _fields(value: Any, required: Sequence[str], optional: Sequence[str] = ()) -> dict[str, Any]:
    """The change's mapping, after checking every required field is there and none unknown."""
    if not isinstance(value, Mapping):
        raise _Bad(f"expected a mapping with {', '.join(required)}, got {shown(value)}")
    missing = [f"missing field {shown(name)}" for name in required if name not in value]
    allowed = [*required, *optional]
    unknown = [f"unknown field {shown(name)}; expected {', '.join(allowed)}"
               for name in value if name not in allowed]
    if missing or unknown:
        raise _Bad(*missing, *unknown)
    return dict(value)


def _validated(model: type[BaseModel], row: Mapping[str, Any]) -> dict[str, Any]:
    """The row checked by its table's own row model, so a change obeys the data contract."""
    try:
        return model.model_validate(dict(row)).model_dump()
    except ValidationError as err:
        messages = []
        for item in err.errors():
            field = ".".join(str(p) for p in item["loc"]) or "row"
            text = item["msg"].removeprefix("Value error, ")
            if item["type"] == "missing":
                text = "required value is missing"
            elif item["type"] == "extra_forbidden":
                text = f"unknown column; expected one of: {', '.join(model.model_fields)}"
            elif item.get("input") is not None and item["type"] != "value_error":
                text = f"{text} (got {shown(item['input'])})"
            messages.append(f"{field}: {text}")
        raise _Bad(*messages) from None


def _find(draft: _Draft, table: str, column: str, key: Any, kind: str) -> int:
    key = _an_id(key, kind)
    ids = draft.ids(table, column)
    if key not in ids:
        raise _Bad(_unknown(kind, key, ids))
    return ids.index(key)


def _mission_problems(draft: _Draft, row: Mapping[str, Any]) -> list[str]:
    # Located here rather than by the scenario's cross-check, which could only point at a row.
    mission_id = row.get("mission_id")
    if mission_id is None or str(mission_id) in draft.ids("missions", "mission_id"):
        return []
    return [_unknown("mission", str(mission_id), draft.ids("missions", "mission_id"))]


def _checked(draft: _Draft, table: str, model: type[BaseModel], row: Mapping[str, Any]
             ) -> dict[str, Any]:
    """The row validated, with an unknown mission of a requirement reported beside the rest."""
    messages = _mission_problems(draft, row) if table == "requirements" else []
    try:
        checked = _validated(model, row)
    except _Bad as bad:
        messages += bad.messages
    if messages:
        raise _Bad(*messages)
    return checked


def _edit(draft: _Draft, table: str, model: type[BaseModel], column: str, kind: str,
          value: Any) -> None:
    fields = _fields(value, [column], [c for c in value if c != column]
                     if isinstance(value, Mapping) else [])
    at = _find(draft, table, column, fields.pop(column), kind)
    # Unknown fields are left to the row model, which names them with the allowed columns.
    draft.tables[table][at] = _checked(draft, table, model, {**draft.tables[table][at],
                                                             **fields})


def _add(draft: _Draft, table: str, model: type[BaseModel], column: str, kind: str,
         value: Any) -> None:
    if not isinstance(value, Mapping):
        raise _Bad(f"expected the new {kind}'s row as a mapping, got {shown(value)}")
    if str(value.get(column)) in draft.ids(table, column):
        raise _Bad(f"{kind} {shown(value[column])} exists already; use edit_{kind} to change it")
    draft.tables[table].append(_checked(draft, table, model, value))


def _drop_pledges(draft: _Draft, keep: Callable[[str, dict[str, Any]], bool]) -> list[str]:
    """Remove the pledges ``keep`` rejects, and the transport and preference rows of them."""
    dropped: list[str] = []
    for table, column in (("unit_pledges", "pledge_id"), ("equipment_pledges", "equipment_id"),
                          ("funding_pledges", "funding_id")):
        rows = draft.tables[table]
        dropped += [row[column] for row in rows if not keep(table, row)]
        draft.tables[table] = [row for row in rows if keep(table, row)]
    # A pledge's own transport cost or preference would otherwise name an unknown pledge.
    for table in ("transport_costs", "preferences"):
        draft.tables[table] = [row for row in draft.tables[table]
                               if row.get("pledge_id") not in dropped]
    return dropped


MAX_FACTOR = 1_000_000
"""The largest factor ``scale_budgets`` takes: budgets stay within the contract's bounds and
exact to the cent."""


def _money(value: Any, what: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise _Bad(f"{what} must be a number, got {shown(value)}") from None
    if isinstance(value, bool) or not number.is_finite() or number < 0:
        raise _Bad(f"{what} must be a number of 0 or more, got {shown(value)}")
    if number > MAX_FACTOR:
        raise _Bad(f"{what} must be at most {MAX_FACTOR:,}, got {shown(value)}")
    return number


# ----- the change kinds ------------------------------------------------------------------------
def _withdraw_pledge(draft: _Draft, value: Any) -> None:
    pid = _an_id(value, "pledge")
    known = (draft.ids("unit_pledges", "pledge_id") + draft.ids("equipment_pledges",
             "equipment_id") + draft.ids("funding_pledges", "funding_id"))
    if pid not in known:
        raise _Bad(_unknown("pledge", pid, known))
    _drop_pledges(draft, lambda table, row: pid not in (
        row.get("pledge_id"), row.get("equipment_id"), row.get("funding_id")))


def _withdraw_state(draft: _Draft, value: Any) -> None:
    code = _an_id(value, "state")
    states = draft.ids("member_states", "code")
    if code not in states:
        raise _Bad(_unknown("state", code, states))
    # The state stays a member state (it may still host a mission); only its offers go.
    dropped = _drop_pledges(draft, lambda table, row: (
        row["donor"] if table == "funding_pledges" else row["state"]) != code)
    if not dropped:
        raise _Bad(f"state {shown(code)} has no pledges to withdraw; check the code")


def _set_budget(draft: _Draft, value: Any) -> None:
    fields = _fields(value, ["mission", "budget_usd"])
    _edit(draft, "missions", Mission, "mission_id", "mission",
          {"mission_id": fields["mission"], "budget_usd": fields["budget_usd"]})


def _scale_budgets(draft: _Draft, value: Any) -> None:
    fields = _fields(value, ["factor"], ["mission"])
    factor = _money(fields["factor"], "factor")
    rows = draft.tables["missions"]
    if fields.get("mission") is not None:
        rows = [rows[_find(draft, "missions", "mission_id", fields["mission"], "mission")]]
    for row in rows:
        # Whole cents, rounded half up: the contract keeps money to cents (schema._to_money).
        row["budget_usd"] = (Decimal(row["budget_usd"]) * factor).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP)


def _set_ceiling(draft: _Draft, value: Any) -> None:
    fields = _fields(value, ["mission", "personnel_ceiling"])
    _edit(draft, "missions", Mission, "mission_id", "mission",
          {"mission_id": fields["mission"], "personnel_ceiling": fields["personnel_ceiling"]})


def _remove_requirement(draft: _Draft, value: Any) -> None:
    at = _find(draft, "requirements", "requirement_id", value, "requirement")
    del draft.tables["requirements"][at]


def _set_policy(draft: _Draft, value: Any) -> None:
    if not isinstance(value, Mapping) or not value:
        raise _Bad(f"expected a mapping of policy settings, got {shown(value)}")
    draft.policy = _validated(Policy, {**draft.policy, **value})


CHANGE_KINDS: dict[str, Callable[[_Draft, Any], None]] = {
    "withdraw_pledge": _withdraw_pledge,
    "withdraw_state": _withdraw_state,
    "set_budget": _set_budget,
    "scale_budgets": _scale_budgets,
    "set_ceiling": _set_ceiling,
    "add_requirement": lambda d, v: _add(d, "requirements", Requirement, "requirement_id",
                                         "requirement", v),
    "edit_requirement": lambda d, v: _edit(d, "requirements", Requirement, "requirement_id",
                                           "requirement", v),
    "remove_requirement": _remove_requirement,
    "add_mission": lambda d, v: _add(d, "missions", Mission, "mission_id", "mission", v),
    "edit_mission": lambda d, v: _edit(d, "missions", Mission, "mission_id", "mission", v),
    "set_policy": _set_policy,
}


def _finite(value: Any, field: str = "") -> None:
    """Refuse NaN and infinity anywhere in a change: in a table a NaN cell means "blank", so a
    NaN ceiling or target would silently remove it rather than set it."""
    if isinstance(value, float) and not math.isfinite(value):
        where = f"{field}: " if field else ""
        raise _Bad(f"{where}{shown(value)} is not a number; give a finite number")
    if isinstance(value, Mapping):
        for name, item in value.items():
            _finite(item, str(name))
    elif isinstance(value, list | tuple):
        for item in value:
            _finite(item, field)


def apply_changes(base: Scenario, changes: Sequence[Change], *,
                  source: str | None = None) -> Scenario:
    """A new validated scenario: ``base`` with ``changes`` applied in order (base untouched).

    Raises ScenarioError listing every bad change (table ``changes``, row = the change's
    1-based number, column = its key; ``source`` names the file or variant), or, when every
    change applies, every problem the scenario's own validation finds in the result.
    """
    if isinstance(changes, Mapping | str) or not isinstance(changes, Sequence):
        raise ScenarioError([Defect("changes", "expected a list of changes, each a one-key "
                                     "mapping such as {withdraw_pledge: ID}; got "
                                     f"{shown(changes)}",
                                     source=source)])
    draft = _Draft(base)
    problems: list[Defect] = []
    for number, change in enumerate(changes, start=1):
        if not isinstance(change, Mapping) or len(change) != 1:
            problems.append(Defect("changes", "each change is a mapping with one key, one of "
                                    f"{', '.join(CHANGE_KINDS)}; got {shown(change)}", number,
                                    source=source))
            continue
        ((key, value),) = change.items()
        if key not in CHANGE_KINDS:
            hint = difflib.get_close_matches(str(key), CHANGE_KINDS, n=1)
            problems.append(Defect("changes", f"unknown change {shown(key)}; " + (
                f"did you mean {shown(hint[0])}?" if hint else
                f"expected one of {', '.join(CHANGE_KINDS)}"), number, str(key), source))
            continue
        try:
            _finite(value)
            # Later changes see earlier ones, so a new mission can get new requirements.
            CHANGE_KINDS[key](draft, value)
        except _Bad as bad:
            problems += [Defect("changes", m, number, key, source) for m in bad.messages]
    if problems:
        raise ScenarioError(problems)
    return Scenario.from_tables(draft.tables, name=base.name, description=base.description,
                                policy=draft.policy)


def read_changes(path: str | os.PathLike[str]) -> list[Change] | dict[str, list[Change]]:
    """A change list, or a mapping {variant name: change list}, from a .yaml/.yml/.json file."""
    path = Path(path)
    try:
        check_size(path.stat().st_size, path.name)
        text = path.read_text(encoding="utf-8")
        # The scenario readers' parsers: the same depth, digit and size limits apply.
        doc = (parse_json(text, path.name) if path.suffix.lower() == ".json"
               else parse_yaml(text, path.name))
    except (OSError, UnicodeDecodeError) as err:
        raise ScenarioError([Defect("changes", f"cannot read the changes: {err}",
                                     source=str(path))]) from None
    except ScenarioError as err:
        raise ScenarioError([replace(p, table="changes", source=str(path))
                             for p in err.problems]) from None
    if isinstance(doc, list):
        return doc
    if isinstance(doc, Mapping) and doc and all(isinstance(v, list) for v in doc.values()):
        return {str(name): changes for name, changes in doc.items()}
    raise ScenarioError([Defect("changes", "expected a list of changes, or a mapping of "
                                 "variant names to lists of changes", source=str(path))])
