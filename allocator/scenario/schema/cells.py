"""Cell coercers: what a CSV string, an Excel number or a JSON value in a cell means.

Each turns one raw cell into what its field's type expects, or raises ``ValueError`` with
the message the planner sees; a value they cannot judge is passed on for pydantic to report.
Blank cells (None, NaN, whitespace) become None first, so defaults apply to them.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any


def blank_to_none(value: Any) -> Any:
    """None for a blank cell (None, NaN from pandas or Excel, whitespace); else the value."""
    if value is None:
        return None
    if isinstance(value, float) and value != value:  # NaN from pandas / Excel blanks
        return None
    if isinstance(value, str) and not value.strip():
        return None
    return value


def to_list(value: Any) -> list[str]:
    """A list cell: ``a;b`` text or a JSON/YAML list, items stripped, empty items dropped."""
    value = blank_to_none(value)
    if value is None:
        return []
    if isinstance(value, str):
        items = value.split(";")
    elif isinstance(value, list | tuple | set):
        items = [str(v) for v in value]
    else:
        items = [str(value)]
    return [item.strip() for item in items if item.strip()]


def to_money(value: Any) -> Any:
    """An exact amount in US dollars (``$1,000.50`` allowed), in whole cents at most."""
    value = blank_to_none(value)
    if value is None or isinstance(value, Decimal):
        return value
    amount = _exact_decimal(value, "an amount in US dollars", "a finite amount in US dollars",
                            _amount_text)
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError(f"amount {value!r} has fractions of a cent; give whole cents at most")
    return amount


def to_points(value: Any) -> Any:
    """An exact number of penalty points, with at most 6 decimals."""
    value = blank_to_none(value)
    if value is None or isinstance(value, Decimal):
        return value
    points = _exact_decimal(value, "a number of penalty points",
                            "a finite number of penalty points", str.strip)
    if points != points.quantize(Decimal("0.000001")):
        raise ValueError(f"penalty {value!r} has more than 6 decimals; round it")
    return points


def _amount_text(text: str) -> str:
    """An amount as written by hand: ``$1,000_000.50`` means 1000000.50."""
    return text.strip().replace(",", "").replace("_", "").removeprefix("$")


def _exact_decimal(value: Any, what: str, finite: str, clean: Callable[[str], str]) -> Decimal:
    """The exact number in a cell: a float by its shortest repr, text once ``clean``ed.

    ``what`` and ``finite`` name what was expected, in the messages for a flag, for text that
    is not a number and for infinity.
    """
    if isinstance(value, bool):
        raise ValueError(f"expected {what}, got a true/false value")
    try:
        number = Decimal(repr(value) if isinstance(value, float) else clean(str(value)))
    except InvalidOperation:
        raise ValueError(f"expected {what}, got {value!r}") from None
    if not number.is_finite():
        raise ValueError(f"expected {finite}, got {value!r}")
    return number


def to_bool(value: Any) -> Any:
    """A flag: true/yes/y/1/x or false/no/n/0 in any case; a blank cell is False."""
    value = blank_to_none(value)
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


def to_int(value: Any) -> Any:
    """A whole number from ``3``, ``3.0`` or ``"3"``; anything else is left for pydantic."""
    value = blank_to_none(value)
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


def to_readiness(value: Any) -> Any:
    """A readiness level's name from ``L2``, ``level 2``, ``2`` or ``rdl``."""
    value = blank_to_none(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = f"L{int(value)}"
    if isinstance(value, str):
        text = value.strip().upper().replace("LEVEL", "L").replace(" ", "")
        if text in {"1", "2", "3"}:
            text = "L" + text
        return text
    return value


def to_code(value: Any) -> Any:
    """An id or code: stripped text; a whole number (``requirement_id: 7``) as its digits."""
    value = blank_to_none(value)
    # JSON/YAML ids like `requirement_id: 7` arrive as ints; they are names, not quantities.
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value.strip() if isinstance(value, str) else value


def to_text(value: Any) -> Any:
    """A free-text cell: its text, or ``""`` when blank."""
    value = blank_to_none(value)
    return "" if value is None else str(value)


def serialize_money(value: Decimal | None) -> int | float | None:
    """An amount for JSON: a whole amount as an int, else a float; None stays None."""
    if value is None:
        return None
    if not isinstance(value, Decimal):  # set by an unvalidated model_copy(update=...)
        value = Decimal(str(value))
    return int(value) if value == value.to_integral_value() else float(value)
