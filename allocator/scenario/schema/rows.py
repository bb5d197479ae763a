"""Row models of the data contract (DESIGN §3): one pydantic class per table.

Cells arrive as strings (CSV), numbers (Excel, JSON) or lists (JSON/YAML); the field types and
validators here accept all three so every reader loads into the same objects.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
)

from allocator.errors import shown
from allocator.scenario.schema.bounds import MAX_PRIORITY, MAX_QUANTITY
from allocator.scenario.schema.cells import (
    at_most,
    blank_to_none,
    to_int,
    to_list,
    to_readiness,
    to_text,
)
from allocator.scenario.schema.fields import (
    Days,
    Flag,
    Fraction01,
    Id,
    Money,
    OptionalDays,
    OptionalId,
    OptionalMoney,
    OptionalPersons,
    OptionalReadiness,
    OptionalStateCode,
    OptionalText,
    Persons,
    Points,
    Quantity,
    StateCode,
    StateList,
    StrList,
    Units,
)
from allocator.scenario.schema.readiness import Readiness


class Row(BaseModel):
    """A table row: unknown columns are errors, so a typo in a header is reported, not ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)


def _blank_to_default(cls: type[Row], v: Any, info: ValidationInfo) -> Any:
    """A blank cell takes its field's default, which pydantic gives only to an absent cell."""
    if blank_to_none(v) is None:
        return cls.model_fields[info.field_name].default
    return v


def _lowered(v: list[str]) -> list[str]:
    return [lang.lower() for lang in v]


class MemberState(Row):
    """A member state: its code, name, region and working languages (lower case)."""

    code: StateCode
    name: str = ""
    region: str = ""
    languages: StrList = []

    _lower = field_validator("languages")(_lowered)
    _text = field_validator("name", "region", mode="before")(to_text)


class Mission(Row):
    """A mission: its budget for the period, personnel ceiling and deployment rules."""

    mission_id: Id
    name: str = ""
    host_state: OptionalStateCode = None
    budget_usd: Money
    personnel_ceiling: OptionalPersons = None
    excluded_states: StateList = []
    women_target: Fraction01 = None
    max_state_share: Fraction01 = None

    _text = field_validator("name", mode="before")(to_text)


class Requirement(Row):
    """Units of one capability a mission needs, with its priority and conditions."""

    requirement_id: Id
    mission_id: Id
    capability: Id
    units: Units
    priority: Annotated[int, BeforeValidator(to_int),
                        AfterValidator(at_most(MAX_PRIORITY, "as a priority"))] = 3
    mandatory: Flag = False
    deadline_days: OptionalDays = None
    min_readiness: OptionalReadiness = None
    language: OptionalText = None

    @field_validator("priority", mode="before")
    @classmethod
    def _default_priority(cls, v: Any) -> Any:
        return 3 if blank_to_none(v) is None else v

    @field_validator("language")
    @classmethod
    def _lower(cls, v: str | None) -> str | None:
        return v.strip().lower() if v else None


class UnitPledge(Row):
    """Units of one capability a member state offers, with their size, readiness and costs."""

    pledge_id: Id
    state: StateCode
    capability: Id
    units: Units
    personnel_per_unit: Persons
    women_per_unit: Persons = 0
    readiness: Annotated[Readiness, BeforeValidator(to_readiness)] = Readiness.L2
    deploy_days: OptionalDays = None
    languages: StrList = []
    monthly_cost_usd: OptionalMoney = None
    equipment_monthly_cost_usd: Money = Decimal(0)
    allowed_missions: StrList = []
    excluded_missions: StrList = []
    must_deploy: Flag = False
    equipment_gap: dict[str, int] = {}

    _defaults = field_validator(
        "readiness", "women_per_unit", "equipment_monthly_cost_usd", mode="before"
    )(_blank_to_default)
    _lower = field_validator("languages")(_lowered)

    @field_validator("equipment_gap", mode="before")
    @classmethod
    def _parse_gap(cls, v: Any) -> Any:
        # ``ITEM:qty;ITEM:qty`` text or a JSON/YAML mapping; each quantity is read like any
        # whole-number cell and bounded like a pledge's, and every problem is reported at
        # this column, not at an item key inside it.
        v = blank_to_none(v)
        if v is None:
            return {}
        if isinstance(v, dict):
            written = list(v.items())
        else:
            written = []
            for part in to_list(v):
                item, sep, qty = part.partition(":")
                if not sep or not item.strip():
                    raise ValueError("expected 'ITEM:quantity;ITEM:quantity', got "
                                     f"{shown(part)}")
                written.append((item.strip(), qty.strip()))
        gap: dict[str, int] = {}
        for item, qty in written:
            try:
                number = to_int(qty)
            except ValueError:
                number = None
            if not isinstance(number, int) or isinstance(number, bool):
                raise ValueError(f"quantity of {shown(item)} must be a whole number, got "
                                 f"{shown(qty)}")
            if number < 0:
                raise ValueError(f"gap quantity of {shown(item)} is negative; give 0 or more")
            at_most(MAX_QUANTITY, f"items of {shown(item)}")(number)
            if number > 0:
                gap[str(item)] = number
        return gap

    @field_validator("women_per_unit")
    @classmethod
    def _women_within_personnel(cls, v: int, info: ValidationInfo) -> int:
        # A field validator, not a model one, so the problem names the women_per_unit cell.
        personnel = info.data.get("personnel_per_unit")
        if personnel is not None and v > personnel:
            # Either cell may be the wrong one: the message names both, so a planner (and the
            # fuzzer's locating rule) finds the other column too.
            raise ValueError(f"women_per_unit ({v}) exceeds 'personnel_per_unit' ({personnel}) "
                             "of the same row; lower women_per_unit or correct "
                             "personnel_per_unit")
        return v


class EquipmentPledge(Row):
    """Major equipment a member state offers: a quantity of one item, its lease and lead time."""

    equipment_id: Id
    state: StateCode
    item: Id
    quantity: Quantity
    monthly_cost_usd: Money = Decimal(0)
    available_days: Days = 0
    allowed_missions: StrList = []

    _defaults = field_validator("monthly_cost_usd", "available_days", mode="before")(
        _blank_to_default)


class _StateOrPledgeRow(Row):
    """A row about one mission and either a state or one of its pledges, never both."""

    state: OptionalStateCode = None
    pledge_id: Annotated[OptionalId, Field(validate_default=True)] = None
    mission_id: Id

    @field_validator("pledge_id")
    @classmethod
    def _one_key(cls, v: str | None, info: ValidationInfo) -> str | None:
        # On the pledge_id column (validated after state), so the problem names a cell.
        if "state" in info.data and (info.data["state"] is None) == (v is None):
            raise ValueError("give exactly one of 'state' or 'pledge_id'")
        return v


class TransportCost(_StateOrPledgeRow):
    """The cost of moving one unit of a state (or of one pledge) to a mission.

    A pledge's own row overrides its state's; the cost is charged to the mission's budget.
    """

    cost_usd_per_unit: Money


class Preference(_StateOrPledgeRow):
    """A planner's preference for (or against) a pledge or a state in a mission.

    ``penalty_per_unit`` is in points per deployed unit: lower is preferred, a negative value
    is a bonus (regional experience, logistics fit). The ``preference`` objective level sums
    them; a pledge's own row overrides its state's, as in ``transport_costs``.
    """

    penalty_per_unit: Points


class FundingPledge(Row):
    """Money a donor gives, for any mission or earmarked for some."""

    funding_id: Id
    donor: Id
    amount_usd: Money
    earmarked_missions: StrList = []


class Capability(Row):
    """A capability of the catalogue: a kind of unit, or an equipment item, and its substitutes."""

    capability: Id
    description: str = ""
    default_personnel: OptionalPersons = None
    substitutes: StrList = []
    kind: Literal["unit", "equipment"] = "unit"

    @field_validator("description", "kind", mode="before")
    @classmethod
    def _defaults(cls, v: Any, info: Any) -> Any:
        v = blank_to_none(v)
        if v is None:
            return cls.model_fields[info.field_name].default
        return str(v).strip().lower() if info.field_name == "kind" else str(v)


TABLE_ROWS: dict[str, type[Row]] = {
    "member_states": MemberState,
    "missions": Mission,
    "requirements": Requirement,
    "unit_pledges": UnitPledge,
    "equipment_pledges": EquipmentPledge,
    "funding_pledges": FundingPledge,
    "transport_costs": TransportCost,
    "preferences": Preference,
    "capabilities": Capability,
}
"""Every table of the contract, in the order readers and writers present them."""

REQUIRED_TABLES = ("member_states", "missions", "requirements", "unit_pledges")
"""Tables a scenario must have; the others may be absent (then empty)."""

ID_COLUMN = {
    "member_states": "code",
    "missions": "mission_id",
    "requirements": "requirement_id",
    "unit_pledges": "pledge_id",
    "equipment_pledges": "equipment_id",
    "funding_pledges": "funding_id",
    "capabilities": "capability",
}
"""The column holding each table's row id, for the tables whose rows have one."""


def required_columns(table: str) -> list[str]:
    """The columns of ``table`` that every row must fill, in table order."""
    model = TABLE_ROWS[table]
    return [name for name, field in model.model_fields.items() if field.is_required()]


def all_columns(table: str) -> list[str]:
    """Every column of ``table``, in the order readers and writers present them."""
    return list(TABLE_ROWS[table].model_fields)
