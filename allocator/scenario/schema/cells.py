"""Cell coercers: what a CSV string, an Excel number or a JSON value in a cell means.

Each turns one raw cell into what its field's type expects, or raises ``ValueError`` with
the message the planner sees; a value they cannot judge is passed on for pydantic to report.
Blank cells (None, NaN, whitespace) become None first, so defaults apply to them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from allocator.errors import shown
from allocator.scenario.schema.bounds import (
    MAX_LIST_ITEMS,
    MAX_POINTS,
    MAX_USD,
    SHARE_DECIMALS,
)


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
    """A list cell: ``a;b`` text or a JSON/YAML list, items stripped, empty items and repeats
    dropped (first kept); more than ``MAX_LIST_ITEMS`` distinct items is refused."""
    value = blank_to_none(value)
    if value is None:
        return []
    if isinstance(value, str):
        items = value.split(";")
    elif isinstance(value, list | tuple | set):
        items = [str(v) for v in value]
    else:
        items = [str(value)]
    # A repeat says nothing new; dropped here, it is not checked (and reported) once per copy.
    kept = list(dict.fromkeys(item.strip() for item in items if item.strip()))
    if len(kept) > MAX_LIST_ITEMS:
        raise ValueError(f"a list of {len(kept):,} different names; a list cell holds at most "
                         f"{MAX_LIST_ITEMS:,} (the UN has 193 member states): check for a "
                         "slipped or repeated paste")
    return kept


def to_money(value: Any) -> Any:
    """An exact amount in US dollars (``$1,000.50``, ``US$ 1.2e6`` allowed), in whole cents."""
    value = blank_to_none(value)
    if value is None:
        return value
    amount = _exact_decimal(value, "an amount in US dollars", "a finite amount in US dollars")
    if abs(amount) > MAX_USD:
        raise ValueError(f"amount {shown(value)} is above US${MAX_USD:,}, the largest amount "
                         "the data contract accepts; check for a slipped digit")
    if amount != amount.quantize(Decimal("0.01")):
        raise ValueError(f"amount {shown(value)} has fractions of a cent; give whole cents at most")
    return amount


def to_points(value: Any) -> Any:
    """An exact number of penalty points, with at most 6 decimals."""
    value = blank_to_none(value)
    if value is None:
        return value
    points = _exact_decimal(value, "a number of penalty points",
                            "a finite number of penalty points")
    if abs(points) > MAX_POINTS:
        raise ValueError(f"penalty {shown(value)} is beyond {MAX_POINTS:,} points either way, "
                         "the most the data contract accepts; check for a slipped digit")
    if points != points.quantize(Decimal("0.000001")):
        raise ValueError(f"penalty {shown(value)} has more than 6 decimals; round it")
    return points


def to_share(value: Any) -> Any:
    """A share from 0 to 1: ``0.15``, ``15%`` or ``0,15``, read to ``SHARE_DECIMALS``
    decimals; blank is None (no target)."""
    value = blank_to_none(value)
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        try:
            number, percent = number_text(value)
        except ValueError:
            raise ValueError(f"expected a share such as 0.15 or 15%, got {shown(value)}"
                             ) from None
        share = number / 100 if percent else number
        if not percent and 1 < share <= 100:
            raise ValueError(f"share {shown(value)} is above 1; write {share}% or "
                             f"{share / 100} for {share} per cent")
        return _six_decimals(float(share), value)
    if isinstance(value, int | float):
        if isinstance(value, int) and not 0 <= value <= 100:
            raise ValueError(f"expected a share from 0 to 1, got {shown(value)}")
        if not math.isfinite(value):
            raise ValueError(f"expected a share from 0 to 1, got {shown(value)}")
        if 1 < value <= 100:
            raise ValueError(f"share {shown(value)} is above 1; write {value}% or "
                             f"{value / 100} for {value} per cent")
        return _six_decimals(float(value), value)
    return value


def _six_decimals(share: float, written: Any) -> float:
    """``share`` rounded to ``SHARE_DECIMALS`` decimals; a positive share that would round to
    0 is refused, since 0 means something else (no woman, no state at all)."""
    if not math.isfinite(share) or not 0 <= share <= 1:
        return share  # pydantic reports it, with the field's bounds
    rounded = round(share, SHARE_DECIMALS)
    if share > 0 and rounded == 0:
        raise ValueError(f"share {shown(written)} is below {10.0 ** -SHARE_DECIMALS:.6f}, the "
                         "smallest share the data contract reads; write 0 or a larger share")
    return rounded


MAX_EXPONENT = 18
"""Text numbers of 10**19 or more are refused by ``number_text``, beyond every contract bound."""

_CURRENCY = re.compile(r"^(?:US\$|USD|\$)\s*|\s*(?:USD|US\$|\$)$", re.IGNORECASE)
_GROUPED = {",": re.compile(r"^\d{1,3}(,\d{3})+$"), ".": re.compile(r"^\d{1,3}(\.\d{3})+$")}


def number_text(text: str) -> tuple[Decimal, bool]:
    """The number in a cell as written by hand or by any spreadsheet, and whether it had ``%``.

    Accepted: ``1200000``, ``1,200,000``, ``1 200 000``, ``1.200.000,50`` (the last separator of
    two kinds is the decimal one), ``0,15`` (a lone comma not followed by three digits is a
    decimal comma), ``1.2e6``, ``$1,200``, ``US$ 1,200``, ``1_200``, ``15%``. Commas that group
    digits in threes (``1,200``) are thousands, as in English; a lone dot (``1.200``) is a
    decimal point, as in every program; two or more dots in threes (``1.200.000``) are
    thousands. Raises ``ValueError`` for anything else.
    """
    body = text.strip().replace("\u00a0", " ").replace("\u202f", " ")
    percent = body.endswith("%")
    body = _CURRENCY.sub("", body.removesuffix("%").strip())
    sign = ""
    if body[:1] in "+-":
        sign, body = body[:1], body[1:].strip()
    body = body.replace("_", "").replace(" ", "").replace("'", "")
    if "," in body and "." in body:
        decimal_mark = "," if body.rfind(",") > body.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
        whole, _, fraction = body.rpartition(decimal_mark)
        if not _GROUPED[thousands].match(whole) and thousands in whole:
            raise ValueError(text)
        body = whole.replace(thousands, "") + "." + fraction
    elif "," in body:
        if _GROUPED[","].match(body):
            body = body.replace(",", "")
        elif body.count(",") == 1:
            body = body.replace(",", ".")  # 0,15: a decimal comma
        else:
            raise ValueError(text)
    elif body.count(".") > 1:
        if not _GROUPED["."].match(body):
            raise ValueError(text)
        body = body.replace(".", "")  # 1.200.000: dots group thousands
    try:
        number = Decimal(sign + body)
    except InvalidOperation:
        raise ValueError(text) from None
    if not body or not number.is_finite():
        raise ValueError(text)
    if number and number.adjusted() > MAX_EXPONENT:
        # No column holds a figure near 10**18; refusing here keeps int() and quantize() from
        # building numbers of millions of digits out of a cell like 1e999999999.
        raise ValueError(text)
    return number, percent


def _exact_decimal(value: Any, what: str, finite: str) -> Decimal:
    """The exact number in a cell: a float by its shortest repr, text by ``number_text``.

    ``what`` and ``finite`` name what was expected, in the messages for a flag, for text that
    is not a number, for a percentage and for infinity.
    """
    if isinstance(value, bool):
        raise ValueError(f"expected {what}, got a true/false value")
    if isinstance(value, Decimal):
        number = value  # a row already read, checked again (a what-if edit, revalidated())
    elif isinstance(value, float | int):
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    else:
        try:
            number, percent = number_text(str(value))
        except ValueError:
            raise ValueError(f"expected {what}, got {shown(value)}") from None
        if percent:
            raise ValueError(f"expected {what}, got a percentage {shown(value)}")
    if not number.is_finite():
        raise ValueError(f"expected {finite}, got {shown(value)}")
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
        raise ValueError(f"expected true or false, got {shown(value)}")
    return value


def to_int(value: Any) -> Any:
    """A whole number from ``3``, ``3.0``, ``"3"``, ``"1,200"`` or ``"1.2e3"``.

    Text that is not a number at all is left for pydantic, whose message names the type.
    """
    value = blank_to_none(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            number, percent = number_text(value)
        except ValueError:
            raise ValueError(f"expected a whole number, got {shown(value)}") from None
        if percent or number != number.to_integral_value():
            raise ValueError(f"expected a whole number, got {shown(value)}")
        return int(number)
    return value


def to_readiness(value: Any) -> Any:
    """A readiness level's name from ``L2``, ``level 2``, ``2`` or ``rdl``."""
    value = blank_to_none(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not (1 <= value <= 3 and float(value).is_integer()):  # False for NaN too
            raise ValueError(f"expected a readiness level L1, L2, L3 or RDL, got "
                             f"{shown(value)}")
        value = f"L{int(value)}"
    if isinstance(value, str):
        text = value.strip().upper().replace("LEVEL", "L").replace(" ", "")
        if text in {"1", "2", "3"}:
            text = "L" + text
        return text
    return value


def at_most(high: int, what: str) -> Callable[[int], int]:
    """An after-validator refusing a whole number above ``high`` (``what`` names its unit)."""

    def check(value: int) -> int:
        if value > high:
            raise ValueError(f"{shown(value)} {what} is above {high:,}, the most the data "
                             "contract accepts here; check for a slipped digit")
        return value

    return check


def to_code(value: Any) -> Any:
    """An id or code: stripped text; a whole number (``requirement_id: 7``) as its digits."""
    value = blank_to_none(value)
    # JSON/YAML ids like `requirement_id: 7` arrive as ints; they are names, not quantities.
    # A number too long to be an id (over 60 digits) is left for pydantic to refuse as text.
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() <= 200:
        return str(value)
    return value.strip() if isinstance(value, str) else value


def to_state_code(value: Any) -> Any:
    """A member state's code, upper-cased (``sen`` is ``SEN``): three letters, ISO 3166-1."""
    value = to_code(value)
    if not isinstance(value, str):
        return value
    code = value.upper()
    if not re.fullmatch(r"[A-Z]{3}", code):
        raise ValueError(f"state code {shown(value)} is not three letters; use the ISO 3166-1 "
                         "alpha-3 code, e.g. SEN for Senegal")
    return code


def to_state_list(value: Any) -> list[str]:
    """A list of state codes (``COD;rwa``), upper-cased like ``to_state_code``."""
    return list(dict.fromkeys(code.upper() for code in to_list(value)))


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
