"""Reasons in the planner's words: the reason codes of an ``Explanation`` turned into sentences.

The explanation tables hold codes (``excluded_by_rule`` with ``rule`` ``language``, ``budget``
with ``extra_usd``, ...), which suit filters and programs. A planner briefing from a plan needs
the sentence instead: "no L2_HOSP pledge speaks the required language (fr)", "budget:
US$12,300,000 more would fill it". These functions write that sentence from a reason row and
the scenario (for the line's language, readiness, deadline, mission ceiling); the workbook and
``allocator solve`` both use them, so the terminal and the file say the same thing.

Nothing here changes the explanation tables; it only reads them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from allocator.model.compatibility import pledge_deploy_days, pledge_languages

if TYPE_CHECKING:
    import pandas as pd

    from allocator.insight.explain.explanation import Explanation
    from allocator.scenario.scenario import Scenario

__all__ = ["line_reason", "line_reasons", "money", "pledge_reason", "pledge_reasons",
           "reason_words"]

Row = Mapping[str, Any]

# ``_budget_detail`` (requirements.py) starts its detail with these figures; read back here so
# the words can say whether the money fills the whole shortfall or only part of it.
_FILL = re.compile(r"^filling (\d+) of (\d+) unit")

LIMIT_WORDS = {
    "budget": "{mission}'s budget (with the funding that can reach it)",
    "ceiling": "{mission}'s personnel ceiling",
    "equipment": "missing partner equipment for its units",
    "state_share": "{state}'s hard share limit in {mission}",
}
"""What holds back one more unit of an unused pledge, by reason code (``{mission}`` is the
mission of the short line that decides, ``{state}`` the pledge's state)."""


def money(amount: Decimal | float | int | None) -> str:
    """US$ with thousands separators; cents only when the amount has them."""
    if amount is None:
        return "US$?"
    value = Decimal(str(amount))
    if value == value.to_integral_value():
        return f"US${value:,.0f}"
    return f"US${value:,.2f}"


def _ids(cell: Any) -> list[str]:
    """A ``;``-separated id cell as a list (empty for a blank or missing cell)."""
    if not isinstance(cell, str) or not cell:
        return []
    return cell.split(";")


def _few(ids: list[str], most: int = 3) -> str:
    """A few ids and how many more, for a sentence."""
    if len(ids) <= most:
        return ", ".join(ids)
    return f"{', '.join(ids[:most])} and {len(ids) - most} more"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


class _Line:
    """What the words need of a requirement line: its rules' parameters and its mission."""

    def __init__(self, scenario: Scenario, row: Row) -> None:
        req = scenario.requirement_by_id.get(row["requirement_id"])
        self.capability = row.get("capability") or (req.capability if req else "")
        self.mission_id = row.get("mission_id") or (req.mission_id if req else "")
        mission = scenario.mission_by_id.get(self.mission_id)
        self.language = req.language if req else None
        readiness = (req.min_readiness if req else None) or scenario.policy.min_readiness
        self.readiness = str(getattr(readiness, "value", readiness))
        self.deadline = req.deadline_days if req else None
        self.ceiling = mission.personnel_ceiling if mission else None

    def fail(self, rule: str, n: int, total: int | None = None) -> str:
        """What ``n`` of ``total`` pledges fail, e.g. '8 do not speak the required language
        (fr)' or 'all 4 are below readiness L3'."""
        one = n == 1
        count = f"all {n}" if total is not None and n == total and n > 1 else str(n)
        phrases = {
            "readiness": f"{'is' if one else 'are'} below readiness {self.readiness}",
            "deadline": f"cannot deploy within the {self.deadline}-day deadline",
            "language": f"{'does' if one else 'do'} not speak the required language "
                        f"({self.language})",
            "caveat": f"{'has caveats that exclude' if one else 'have caveats that exclude'} "
                      f"{self.mission_id}",
            "impartiality": f"{'comes' if one else 'come'} from a state barred from "
                            f"{self.mission_id}",
            "ceiling": f"{'has a unit' if one else 'have units'} larger than "
                       f"{self.mission_id}'s whole ceiling"
                       + (f" ({self.ceiling:,} persons)" if self.ceiling is not None else ""),
        }
        return f"{count} " + phrases.get(rule, f"{'fails' if one else 'fail'} a "
                                               "compatibility rule")

    def none(self, rule: str) -> str:
        """The sentence when every pledge of the capability fails ``rule``."""
        cap, mission = self.capability, self.mission_id
        phrases = {
            "readiness": f"no {cap} pledge is at readiness {self.readiness} or above",
            "deadline": f"no {cap} pledge can deploy within the {self.deadline}-day deadline",
            "language": f"no {cap} pledge speaks the required language ({self.language})",
            "caveat": f"every {cap} pledge's caveats exclude {mission}",
            "impartiality": f"every {cap} pledge comes from a state barred from {mission}",
            "ceiling": f"every {cap} pledge has units larger than {mission}'s whole ceiling",
        }
        return phrases.get(rule, f"no {cap} pledge passes the compatibility rules")


def reason_words(row: Row, scenario: Scenario, *, candidates: int | None = None) -> str:
    """One row of ``Explanation.requirements`` as a sentence.

    ``candidates`` is the number of pledges of the line's capability, when known: with it an
    ``excluded_by_rule`` row can say "no pledge ..." when all of them fail the rule.
    """
    reason, detail = row["reason"], row.get("detail") or ""
    line = _Line(scenario, row)
    if reason == "no_pledge":
        return f"nothing pledged: {detail}" if detail else "nothing pledged"
    if reason == "excluded_by_rule":
        n = len(_ids(row.get("pledges")))
        if candidates is not None and n == candidates:
            return line.none(row["rule"])
        if candidates is not None:
            return f"no usable {line.capability} pledge: {n} of {candidates} " + \
                line.fail(row["rule"], n)[len(str(n)) + 1:]
        count, _, phrase = line.fail(row["rule"], n).partition(" ")
        return f"{count} {line.capability} pledge{'' if n == 1 else 's'} {phrase}"
    if reason == "used_elsewhere":
        used_by, higher = _ids(row.get("used_by")), _ids(row.get("higher_priority"))
        if higher:
            rest = len(used_by) - len(higher)
            return (f"compatible units are used on higher-priority "
                    f"{'line' if len(higher) == 1 else 'lines'} {_few(higher)}"
                    + (f" (and {_plural(rest, 'other line')})" if rest else ""))
        return (f"compatible units are used on {'line' if len(used_by) == 1 else 'lines'} "
                f"{_few(used_by)}, of equal or lower priority")
    if reason == "too_few_pledges":
        return f"too few pledged: {detail}"
    if reason == "budget":
        extra = row.get("extra_usd")
        fill = _FILL.match(detail)
        filled, short = (int(fill[1]), int(fill[2])) if fill else (None, None)
        what = "would fill it" if filled is None or filled == short else \
            f"would fill {filled} of the {short} units short"
        text = f"budget: {money(extra)} more {what}"
        if "other limits" in detail:
            text += " (other limits bind too)"
        return text
    if reason == "ceiling":
        return f"personnel ceiling: {detail}"
    if reason == "equipment":
        return f"equipment: {detail}"
    if reason == "state_share":
        return f"state share (hard): {detail}"
    return f"other: {detail}" if detail else "other"


def line_reason(rows: Iterable[Row], scenario: Scenario, *, brief: bool = False) -> str:
    """Why one short line is short, from its reason rows (any order), as one sentence.

    The rank-1 reason comes first. When every pledge is ruled out, the rules that rule them
    out are listed together ("no usable pledge: 8 of 10 ... , 1 of 10 ..."). Without
    ``brief`` the secondary reasons follow ("also: ..."); ``brief`` keeps only the first.
    """
    ranked = sorted(rows, key=lambda row: int(row["rank"]))
    if not ranked:
        return ""
    excluded = [row for row in ranked if row["reason"] == "excluded_by_rule"]
    # Every pledge the line could use appears in some excluded_by_rule row when none is usable.
    candidates = len({p for row in excluded for p in _ids(row.get("pledges"))}) or None
    first = ranked[0]
    line = _Line(scenario, first)
    if first["reason"] == "excluded_by_rule":
        if brief:
            return reason_words(first, scenario, candidates=candidates)
        parts = [line.fail(row["rule"], len(_ids(row.get("pledges"))), candidates)
                 for row in excluded]
        if len(_ids(first.get("pledges"))) == candidates:
            # One rule rules out every pledge: it is the headline, the others follow.
            return line.none(first["rule"]) + ("; also " + "; ".join(parts[1:])
                                               if parts[1:] else "")
        return (f"no usable {line.capability} pledge ({candidates} pledged): "
                + "; ".join(parts))
    text = reason_words(first, scenario)
    if brief:
        return text
    rest = [reason_words(row, scenario) for row in ranked[1:]
            if row["reason"] != "excluded_by_rule"]
    if excluded:
        rest.append("ruled out: " + "; ".join(reason_words(row, scenario) for row in excluded))
    return text + ("; also " + "; ".join(rest) if rest else "")


def line_reasons(explanation: Explanation, scenario: Scenario, *,
                 brief: bool = False) -> dict[str, str]:
    """requirement_id -> why the line is short, in words (``line_reason``), per short line."""
    table: pd.DataFrame = explanation.requirements
    out: dict[str, str] = {}
    for requirement_id, rows in table.groupby("requirement_id", sort=False):
        out[str(requirement_id)] = line_reason(rows.to_dict(orient="records"), scenario,
                                               brief=brief)
    return out


def _pledge_rule(rule: str, row: Row, scenario: Scenario) -> str:
    """What keeps a unit or equipment pledge off its lines, for one rule (short: the rule
    may hold on some of the lines only)."""
    unit = scenario.pledge_by_id.get(row["pledge_id"])
    kit = scenario.equipment_by_id.get(row["pledge_id"])
    if rule == "readiness" and unit is not None:
        return f"readiness {unit.readiness.value} too low"
    if rule == "deadline":
        if unit is not None:
            return f"deploys in {pledge_deploy_days(scenario, unit)} days, too late"
        if kit is not None:
            return f"available in {kit.available_days} days, too late"
    if rule == "language" and unit is not None:
        asked = sorted({req.language for rid in _ids(row.get("requirements"))
                        if (req := scenario.requirement_by_id.get(rid)) is not None
                        and req.language})
        spoken = sorted(pledge_languages(scenario, unit))
        return (f"speaks {', '.join(spoken) or 'no listed language'}"
                + (f", not {' or '.join(asked)}" if asked else ""))
    if rule == "caveat":
        return "its own caveats (allowed or excluded missions)"
    if rule == "impartiality":
        return f"{row.get('state') or 'its state'} barred (host or excluded state)"
    if rule == "ceiling":
        return "one unit is larger than the mission's whole ceiling"
    return "a compatibility rule"


def pledge_reason(row: Row, scenario: Scenario) -> str:
    """One row of ``Explanation.pledges`` (an unused pledge) as a sentence."""
    reason, detail = row["reason"], row.get("detail") or ""
    lines = _ids(row.get("requirements"))
    if reason == "no_requirement":
        return f"no line asks for {row.get('offer')}" + (
            " or has units lacking it" if row.get("kind") == "equipment" else "")
    if reason == "excluded_by_rule":
        rules = _ids(row.get("rule"))
        where = f"{lines[0]}, the only line for {row.get('offer')}" if len(lines) == 1 \
            else f"all {len(lines)} lines for {row.get('offer')}"
        return f"ruled out of {where}: " + "; ".join(_pledge_rule(rule, row, scenario)
                                                     for rule in rules)
    if reason == "demand_met":
        return "not needed: every line it may serve is filled"
    if reason == "no_units_to_equip":
        return (f"the short lines it could equip ({_few(lines)}) have no idle unit lacking "
                f"{row.get('offer')}")
    if row.get("kind") == "funding":
        if reason == "budget":
            return "too little to fill a short line, even with all other money: " + \
                detail.split(": ", 1)[-1]
        if reason == "not_needed":
            return "not needed: " + detail
    if reason in LIMIT_WORDS and lines:
        req = scenario.requirement_by_id.get(lines[0])
        limit = LIMIT_WORDS[reason].format(mission=req.mission_id if req else "the mission",
                                           state=row.get("state") or "its state")
        return f"{limit} stops it filling {_few(lines)}"
    return f"other: {detail}" if detail else "other"


def pledge_reasons(explanation: Explanation, scenario: Scenario) -> dict[str, str]:
    """pledge_id -> why the pledge is unused, in words (``pledge_reason``)."""
    return {str(row["pledge_id"]): pledge_reason(row, scenario)
            for row in explanation.pledges.to_dict(orient="records")}
