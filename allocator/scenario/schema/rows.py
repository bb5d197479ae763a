"""Row models of the data contract (DESIGN §3): one pydantic class per table, plus the policy.

Cells arrive as strings (CSV), numbers (Excel, JSON) or lists (JSON/YAML); the validators here
accept all three so every reader loads into the same objects. Money is kept exact as
``Decimal`` with at most two decimals (whole cents), which is what lets the CP-SAT backend scale
money to integer cents without rounding anything.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    field_validator,
    model_validator,
)


class Readiness(StrEnum):
    """UN PCRS readiness levels, in increasing order of readiness."""

    L1 = "L1"
    L2 = "L2"
    L3 = "L3"
    RDL = "RDL"

    @property
    def rank(self) -> int:
        return _RANK[self]


READINESS_ORDER = [Readiness.L1, Readiness.L2, Readiness.L3, Readiness.RDL]
_RANK = {level: i for i, level in enumerate(READINESS_ORDER)}


def _blank_to_none(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, float) and value != value:  # NaN from pandas / Excel blanks
        return None
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _to_list(value: Any) -> list[str]:
    value = _blank_to_none(value)
    if value is None:
        return []
    if isinstance(value, str):
        items = value.split(";")
    elif isinstance(value, list | tuple | set):
        items = [str(v) for v in value]
    else:
        items = [str(value)]
    return [item.strip() for item in items if item.strip()]


def _to_money(value: Any) -> Any:
    value = _blank_to_none(value)
    if value is None or isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise ValueError("expected an amount in US dollars, got a true/false value")
    text = str(value).strip().replace(",", "").replace("_", "").removeprefix("$")
    try:
        amount = Decimal(repr(value) if isinstance(value, float) else text)
    except InvalidOperation:
        raise ValueError(f"expected an amount in US dollars, got {value!r}") from None
    if not amount.is_finite():
        raise ValueError(f"expected a finite amount in US dollars, got {value!r}")
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError(f"amount {value!r} has fractions of a cent; give whole cents at most")
    return amount


def _to_points(value: Any) -> Any:
    value = _blank_to_none(value)
    if value is None or isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise ValueError("expected a number of penalty points, got a true/false value")
    try:
        points = Decimal(repr(value) if isinstance(value, float) else str(value).strip())
    except InvalidOperation:
        raise ValueError(f"expected a number of penalty points, got {value!r}") from None
    if not points.is_finite():
        raise ValueError(f"expected a finite number of penalty points, got {value!r}")
    if points != points.quantize(Decimal("0.000001")):
        raise ValueError(f"penalty {value!r} has more than 6 decimals; round it")
    return points


def _to_bool(value: Any) -> Any:
    value = _blank_to_none(value)
    if value is None:
        return False
    if isinstance(value, str):
        text = value.strip().lower()
        if text in {"true", "yes", "y", "1", "x"}:
            return True
        if text in {"false", "no", "n", "0"}:
            return False
        raise ValueError(f"expected true or false, got {value!r}")
    return value


def _to_int(value: Any) -> Any:
    value = _blank_to_none(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        try:
            number = float(text)
        except ValueError:
            return text  # let pydantic report the type error in its own words
        return int(number) if number.is_integer() else text
    return value


def _to_readiness(value: Any) -> Any:
    value = _blank_to_none(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = f"L{int(value)}"
    if isinstance(value, str):
        text = value.strip().upper().replace("LEVEL", "L").replace(" ", "")
        if text in {"1", "2", "3"}:
            text = "L" + text
        return text
    return value


def _to_code(value: Any) -> Any:
    value = _blank_to_none(value)
    # JSON/YAML ids like `requirement_id: 7` arrive as ints; they are names, not quantities.
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value.strip() if isinstance(value, str) else value


def _serialize_money(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    if not isinstance(value, Decimal):  # set by an unvalidated model_copy(update=...)
        value = Decimal(str(value))
    return int(value) if value == value.to_integral_value() else float(value)


Money = Annotated[
    Decimal,
    BeforeValidator(_to_money),
    Field(ge=0),
    PlainSerializer(_serialize_money, return_type=int | float),
]
OptionalMoney = Annotated[
    Annotated[Decimal, Field(ge=0)] | None,
    BeforeValidator(_to_money),
    PlainSerializer(_serialize_money, return_type=int | float | None),
]
Points = Annotated[
    Decimal,
    BeforeValidator(_to_points),
    PlainSerializer(_serialize_money, return_type=int | float),
]
StrList = Annotated[list[str], BeforeValidator(_to_list)]
Flag = Annotated[bool, BeforeValidator(_to_bool)]
Count = Annotated[int, BeforeValidator(_to_int), Field(ge=0)]
PositiveCount = Annotated[int, BeforeValidator(_to_int), Field(ge=1)]
OptionalCount = Annotated[Annotated[int, Field(ge=0)] | None, BeforeValidator(_to_int)]
Id = Annotated[str, BeforeValidator(_to_code), Field(min_length=1)]
OptionalId = Annotated[str | None, BeforeValidator(_to_code)]
StateCode = Annotated[str, BeforeValidator(_to_code), Field(pattern=r"^[A-Z]{3}$")]
OptionalStateCode = Annotated[
    Annotated[str, Field(pattern=r"^[A-Z]{3}$")] | None, BeforeValidator(_to_code)
]
Fraction01 = Annotated[Annotated[float, Field(ge=0, le=1)] | None, BeforeValidator(_blank_to_none)]
OptionalReadiness = Annotated[Readiness | None, BeforeValidator(_to_readiness)]
OptionalText = Annotated[str | None, BeforeValidator(_blank_to_none)]


class Row(BaseModel):
    """A table row: unknown columns are errors, so a typo in a header is reported, not ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)


class MemberState(Row):
    code: StateCode
    name: str = ""
    region: str = ""
    languages: StrList = []

    @field_validator("languages")
    @classmethod
    def _lower(cls, v: list[str]) -> list[str]:
        return [lang.lower() for lang in v]

    @field_validator("name", "region", mode="before")
    @classmethod
    def _text(cls, v: Any) -> Any:
        v = _blank_to_none(v)
        return "" if v is None else str(v)


class Mission(Row):
    mission_id: Id
    name: str = ""
    host_state: OptionalStateCode = None
    budget_usd: Money
    personnel_ceiling: OptionalCount = None
    excluded_states: StrList = []
    women_target: Fraction01 = None
    max_state_share: Fraction01 = None

    @field_validator("name", mode="before")
    @classmethod
    def _text(cls, v: Any) -> Any:
        v = _blank_to_none(v)
        return "" if v is None else str(v)


class Requirement(Row):
    requirement_id: Id
    mission_id: Id
    capability: Id
    units: PositiveCount
    priority: Annotated[int, BeforeValidator(_to_int)] = 3
    mandatory: Flag = False
    deadline_days: OptionalCount = None
    min_readiness: OptionalReadiness = None
    language: OptionalText = None

    @field_validator("priority", mode="before")
    @classmethod
    def _default_priority(cls, v: Any) -> Any:
        return 3 if _blank_to_none(v) is None else v

    @field_validator("language")
    @classmethod
    def _lower(cls, v: str | None) -> str | None:
        return v.strip().lower() if v else None


class UnitPledge(Row):
    pledge_id: Id
    state: StateCode
    capability: Id
    units: PositiveCount
    personnel_per_unit: Count
    women_per_unit: Count = 0
    readiness: Annotated[Readiness, BeforeValidator(_to_readiness)] = Readiness.L2
    deploy_days: OptionalCount = None
    languages: StrList = []
    monthly_cost_usd: OptionalMoney = None
    equipment_monthly_cost_usd: Money = Decimal(0)
    allowed_missions: StrList = []
    excluded_missions: StrList = []
    must_deploy: Flag = False
    equipment_gap: dict[str, int] = {}

    @field_validator("readiness", "women_per_unit", "equipment_monthly_cost_usd", mode="before")
    @classmethod
    def _defaults(cls, v: Any, info: Any) -> Any:
        if _blank_to_none(v) is None:
            return cls.model_fields[info.field_name].default
        return v

    @field_validator("languages")
    @classmethod
    def _lower(cls, v: list[str]) -> list[str]:
        return [lang.lower() for lang in v]

    @field_validator("equipment_gap", mode="before")
    @classmethod
    def _parse_gap(cls, v: Any) -> Any:
        v = _blank_to_none(v)
        if v is None:
            return {}
        if isinstance(v, dict):
            return v
        gap: dict[str, int] = {}
        for part in _to_list(v):
            item, sep, qty = part.partition(":")
            if not sep or not item.strip():
                raise ValueError(f"expected 'ITEM:quantity;ITEM:quantity', got {part!r}")
            try:
                gap[item.strip()] = int(qty.strip())
            except ValueError:
                raise ValueError(f"quantity of {item.strip()!r} must be a whole number") from None
        return gap

    @field_validator("equipment_gap")
    @classmethod
    def _positive_gap(cls, v: dict[str, int]) -> dict[str, int]:
        for item, qty in v.items():
            if qty < 0:
                raise ValueError(f"gap quantity of {item!r} is negative; give 0 or more")
        return {item: qty for item, qty in v.items() if qty > 0}

    @model_validator(mode="after")
    def _women_within_personnel(self) -> UnitPledge:
        if self.women_per_unit > self.personnel_per_unit:
            raise ValueError(
                f"women_per_unit ({self.women_per_unit}) exceeds personnel_per_unit "
                f"({self.personnel_per_unit})"
            )
        return self


class EquipmentPledge(Row):
    equipment_id: Id
    state: StateCode
    item: Id
    quantity: PositiveCount
    monthly_cost_usd: Money = Decimal(0)
    available_days: Count = 0
    allowed_missions: StrList = []

    @field_validator("monthly_cost_usd", "available_days", mode="before")
    @classmethod
    def _defaults(cls, v: Any, info: Any) -> Any:
        if _blank_to_none(v) is None:
            return cls.model_fields[info.field_name].default
        return v


class TransportCost(Row):
    state: OptionalStateCode = None
    pledge_id: OptionalId = None
    mission_id: Id
    cost_usd_per_unit: Money

    @model_validator(mode="after")
    def _one_key(self) -> TransportCost:
        if (self.state is None) == (self.pledge_id is None):
            raise ValueError("give exactly one of 'state' or 'pledge_id'")
        return self


class Preference(Row):
    """A planner's preference for (or against) a pledge or a state in a mission.

    ``penalty_per_unit`` is in points per deployed unit: lower is preferred, a negative value
    is a bonus (regional experience, logistics fit). The ``preference`` objective level sums
    them; a pledge's own row overrides its state's, as in ``transport_costs``.
    """

    state: OptionalStateCode = None
    pledge_id: OptionalId = None
    mission_id: Id
    penalty_per_unit: Points

    @model_validator(mode="after")
    def _one_key(self) -> Preference:
        if (self.state is None) == (self.pledge_id is None):
            raise ValueError("give exactly one of 'state' or 'pledge_id'")
        return self


class FundingPledge(Row):
    funding_id: Id
    donor: Id
    amount_usd: Money
    earmarked_missions: StrList = []


class Capability(Row):
    capability: Id
    description: str = ""
    default_personnel: OptionalCount = None
    substitutes: StrList = []
    kind: Literal["unit", "equipment"] = "unit"

    @field_validator("description", "kind", mode="before")
    @classmethod
    def _defaults(cls, v: Any, info: Any) -> Any:
        v = _blank_to_none(v)
        if v is None:
            return cls.model_fields[info.field_name].default
        return v.strip().lower() if info.field_name == "kind" else str(v)


OBJECTIVE_LEVELS = ("shortfall", "soft_goals", "preference", "cost")


class ObjectiveWeights(BaseModel):
    """Weights of the single weighted objective, in US dollars per unit of each level."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    shortfall: Money = Decimal(100_000_000)
    soft_goals: Money = Decimal(1_000_000)
    preference: Money = Decimal(1_000)
    cost: Money = Decimal(1)


class Policy(BaseModel):
    """Scenario-wide rules and defaults (DESIGN §4); every field has the documented default."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    period_months: Annotated[int, Field(ge=1)] = 12
    reimbursement_rate_usd: Money = Decimal(1448)
    priority_weights: dict[int, Annotated[int, Field(ge=0)]] = {1: 16, 2: 8, 3: 4, 4: 2, 5: 1}
    objective: list[Literal["shortfall", "soft_goals", "preference", "cost"]] = list(
        OBJECTIVE_LEVELS)
    objective_mode: Literal["lexicographic", "weighted"] = "lexicographic"
    objective_weights: ObjectiveWeights = ObjectiveWeights()
    time_limit_s: Annotated[float, Field(gt=0)] = 60.0
    min_readiness: Annotated[Readiness, BeforeValidator(_to_readiness)] = Readiness.L2
    women_target: Fraction01 = None
    max_state_share: Fraction01 = None
    state_share_hard: bool = False
    deploy_days_by_readiness: dict[Readiness, Annotated[int, Field(ge=0)]] = {
        Readiness.L1: 180,
        Readiness.L2: 120,
        Readiness.L3: 90,
        Readiness.RDL: 60,
    }

    @field_validator("objective")
    @classmethod
    def _objective_levels_once(cls, v: list[str]) -> list[str]:
        # A level left out is not optimised at all (a pure assignment study may rank only
        # `preference`); listing one twice is a mistake.
        if not v or len(set(v)) != len(v):
            raise ValueError(
                f"objective must list some of {', '.join(OBJECTIVE_LEVELS)}, each at most once, "
                f"in the order they are optimised; got {v}"
            )
        return v

    @field_validator("deploy_days_by_readiness", mode="before")
    @classmethod
    def _fill_readiness_days(cls, v: Any) -> Any:
        defaults = {"L1": 180, "L2": 120, "L3": 90, "RDL": 60}
        if isinstance(v, dict):
            defaults.update({str(_to_readiness(k)): days for k, days in v.items()})
        return defaults

    def deploy_days_for(self, readiness: Readiness) -> int:
        return self.deploy_days_by_readiness[readiness]


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


def required_columns(table: str) -> list[str]:
    model = TABLE_ROWS[table]
    return [name for name, field in model.model_fields.items() if field.is_required()]


def all_columns(table: str) -> list[str]:
    return list(TABLE_ROWS[table].model_fields)
