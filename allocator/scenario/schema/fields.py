"""The field types of the row models: a Python type, its cell coercer and its bounds.

Money is kept exact as ``Decimal`` with at most two decimals (whole cents), which is what lets
the CP-SAT backend scale money to integer cents without rounding anything. Every numeric type
is bounded by the data contract (``bounds``), so a slipped digit is reported at its cell.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field, PlainSerializer

from allocator.scenario.schema.bounds import (
    MAX_DAYS,
    MAX_PERSONNEL,
    MAX_QUANTITY,
    MAX_UNITS,
)
from allocator.scenario.schema.cells import (
    at_most,
    blank_to_none,
    serialize_money,
    to_bool,
    to_code,
    to_int,
    to_list,
    to_money,
    to_points,
    to_readiness,
    to_share,
    to_state_code,
    to_state_list,
)
from allocator.scenario.schema.readiness import Readiness

Money = Annotated[
    Decimal,
    BeforeValidator(to_money),
    Field(ge=0),
    PlainSerializer(serialize_money, return_type=int | float),
]
"""An amount in US dollars, 0 or more, in whole cents; written to JSON as a number."""

OptionalMoney = Annotated[
    Annotated[Decimal, Field(ge=0)] | None,
    BeforeValidator(to_money),
    PlainSerializer(serialize_money, return_type=int | float | None),
]
"""``Money`` that may be left blank (None)."""

Points = Annotated[
    Decimal,
    BeforeValidator(to_points),
    PlainSerializer(serialize_money, return_type=int | float),
]
"""Penalty points, negative for a bonus, with at most 6 decimals."""

StrList = Annotated[list[str], BeforeValidator(to_list)]
"""A list of names, written ``a;b`` in a cell."""

StateList = Annotated[list[str], BeforeValidator(to_state_list)]
"""A list of state codes, written ``COD;RWA`` in a cell, upper-cased."""

Flag = Annotated[bool, BeforeValidator(to_bool)]
"""A true/false cell; blank is false."""

Count = Annotated[int, BeforeValidator(to_int), Field(ge=0)]
"""A whole number, 0 or more (unbounded: for figures that never reach a solver)."""

PositiveCount = Annotated[int, BeforeValidator(to_int), Field(ge=1)]
"""A whole number, 1 or more (unbounded: for figures that never reach a solver)."""

OptionalCount = Annotated[Annotated[int, Field(ge=0)] | None, BeforeValidator(to_int)]
"""A ``Count`` that may be left blank (None)."""

Units = Annotated[int, BeforeValidator(to_int), Field(ge=1),
                  AfterValidator(at_most(MAX_UNITS, "units"))]
"""Units of a requirement line or a pledge: 1 to ``MAX_UNITS``."""

Quantity = Annotated[int, BeforeValidator(to_int), Field(ge=1),
                     AfterValidator(at_most(MAX_QUANTITY, "items"))]
"""Items of an equipment pledge: 1 to ``MAX_QUANTITY``."""

Persons = Annotated[int, BeforeValidator(to_int), Field(ge=0),
                    AfterValidator(at_most(MAX_PERSONNEL, "persons"))]
"""A number of persons: 0 to ``MAX_PERSONNEL``."""

OptionalPersons = Annotated[
    Annotated[int, Field(ge=0), AfterValidator(at_most(MAX_PERSONNEL, "persons"))] | None,
    BeforeValidator(to_int)]
"""``Persons`` that may be left blank (None): no limit."""

Days = Annotated[int, BeforeValidator(to_int), Field(ge=0),
                 AfterValidator(at_most(MAX_DAYS, "days"))]
"""A number of days: 0 to ``MAX_DAYS``."""

OptionalDays = Annotated[
    Annotated[int, Field(ge=0), AfterValidator(at_most(MAX_DAYS, "days"))] | None,
    BeforeValidator(to_int)]
"""``Days`` that may be left blank (None)."""

Id = Annotated[str, BeforeValidator(to_code), Field(min_length=1)]
"""An identifier: non-empty text, surrounding spaces dropped."""

OptionalId = Annotated[str | None, BeforeValidator(to_code)]
"""An ``Id`` that may be left blank (None)."""

StateCode = Annotated[str, BeforeValidator(to_state_code)]
"""A member state's three-letter code (ISO 3166-1 alpha-3), upper-cased: ``sen`` is ``SEN``."""

OptionalStateCode = Annotated[str | None, BeforeValidator(to_state_code)]
"""A ``StateCode`` that may be left blank (None)."""

Fraction01 = Annotated[Annotated[float, Field(ge=0, le=1)] | None, BeforeValidator(to_share)]
"""A share from 0 to 1 (``0.15`` or ``15%``), or blank (None) for no target or limit."""

OptionalReadiness = Annotated[Readiness | None, BeforeValidator(to_readiness)]
"""A readiness level, or blank (None)."""

OptionalText = Annotated[str | None, BeforeValidator(blank_to_none)]
"""Free text, or blank (None)."""
