"""Reference tables shared by the generators: member states, capabilities, policy figures.

Both generators (``allocator.generators.families`` and ``allocator.generators.un_2025``) draw
from these tables. The capability codes, kinds, default sizes, substitutes and descriptions
come from the library's standard catalogue (``allocator.scenario.catalogue``), never from a
copy. The per-capability figures the catalogue does not hold (unit strengths, major equipment
tables, lease rates, all-in costs) are kept here keyed by the catalogue's names;
``check_capabilities`` refuses a table with a name the catalogue lacks, and every table below is
checked when this module is imported.

The two generators were calibrated separately, and some of their figures differ (lease rates,
all-in costs, one equipment table). Those figures are kept side by side under each
generator's name, so that both datasets regenerate byte for byte. Change one only when you
also mean to regenerate and re-solve that dataset.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from allocator.scenario.catalogue import STANDARD_CAPABILITIES

RATE_USD = 1448
"""Reimbursement rate, US$ per person per month: the policy default (DESIGN §2)."""
PERIOD_MONTHS = 12
"""Length of the planning period both generators use."""
READINESS = ("L1", "L2", "L3", "RDL")
"""Readiness levels of the PCRS, from the least ready to the most ready."""

# ------------------------------------------------------------------------------------------
# Member states: ISO 3166-1 alpha-3, languages (ISO 639-1), short UN name; grouped by region.
# ------------------------------------------------------------------------------------------
_STATE_TEXT = {
    "Africa": """
        AGO pt Angola | BDI fr,rn Burundi | BEN fr Benin | BFA fr Burkina Faso
        BWA en Botswana | CAF fr,sg Central African Republic | CIV fr Côte d'Ivoire
        CMR fr,en Cameroon | COD fr Democratic Republic of the Congo | COG fr Congo
        CPV pt Cabo Verde | DJI fr,ar Djibouti | DZA ar,fr Algeria | EGY ar Egypt
        ERI ti,ar,en Eritrea | ETH am,en Ethiopia | GAB fr Gabon | GHA en Ghana
        GIN fr Guinea | GMB en Gambia | GNB pt Guinea-Bissau | KEN en,sw Kenya
        LBR en Liberia | LBY ar Libya | MAR ar,fr Morocco | MDG mg,fr Madagascar
        MLI fr Mali | MOZ pt Mozambique | MRT ar,fr Mauritania | MWI en Malawi
        NAM en Namibia | NER fr Niger | NGA en Nigeria | RWA rw,en,fr Rwanda
        SDN ar,en Sudan | SEN fr Senegal | SLE en Sierra Leone | SOM so,ar Somalia
        SSD en South Sudan | TCD fr,ar Chad | TGO fr Togo | TUN ar,fr Tunisia
        TZA sw,en United Republic of Tanzania | UGA en,sw Uganda | ZAF en South Africa
        ZMB en Zambia | ZWE en Zimbabwe
    """,
    "Americas": """
        ARG es Argentina | BOL es Bolivia (Plurinational State of) | BRA pt Brazil
        CAN en,fr Canada | CHL es Chile | COL es Colombia | DOM es Dominican Republic
        ECU es Ecuador | GTM es Guatemala | HND es Honduras | HTI fr,ht Haiti
        JAM en Jamaica | MEX es Mexico | PER es Peru | PRY es Paraguay | SLV es El Salvador
        URY es Uruguay | USA en United States of America
        VEN es Venezuela (Bolivarian Republic of)
    """,
    "Asia": """
        ARE ar United Arab Emirates | BGD bn,en Bangladesh | BTN dz,en Bhutan | CHN zh China
        CYP el,tr Cyprus | IDN id Indonesia | IND hi,en India | IRQ ar Iraq | ISR he,ar Israel
        JOR ar Jordan | JPN ja Japan | KAZ kk,ru Kazakhstan | KGZ ky,ru Kyrgyzstan
        KHM km Cambodia | KOR ko Republic of Korea | LBN ar,fr Lebanon | LKA si,ta,en Sri Lanka
        MMR my Myanmar | MNG mn Mongolia | MYS ms,en Malaysia | NPL ne,en Nepal
        PAK ur,en Pakistan | PHL en,tl Philippines | QAT ar Qatar | SAU ar Saudi Arabia
        SYR ar Syrian Arab Republic | THA th Thailand | TLS pt,en Timor-Leste | TUR tr Türkiye
        VNM vi Viet Nam | YEM ar Yemen
    """,
    "Europe": """
        ALB sq Albania | AUT de Austria | BEL nl,fr,de Belgium | BIH bs,hr,sr Bosnia and Herzegovina
        CHE de,fr,it Switzerland | CZE cs Czechia | DEU de Germany | DNK da Denmark | ESP es Spain
        EST et Estonia | FIN fi,sv Finland | FRA fr France | GRC el Greece | HRV hr Croatia
        GBR en United Kingdom of Great Britain and Northern Ireland | HUN hu Hungary
        IRL en,ga Ireland | ITA it Italy | LTU lt Lithuania | MKD mk,sq North Macedonia
        NLD nl Netherlands (Kingdom of the) | NOR no Norway | POL pl Poland | PRT pt Portugal
        ROU ro Romania | RUS ru Russian Federation | SRB sr Serbia | SVK sk Slovakia
        SVN sl Slovenia | SWE sv Sweden | UKR uk Ukraine
    """,
    "Oceania": """
        AUS en Australia | FJI en,fj Fiji | NZL en,mi New Zealand | PNG en Papua New Guinea
        TON en,to Tonga
    """,
}


@dataclass(frozen=True)
class MemberState:
    """One member state: ISO alpha-3 code, short name, UN geoscheme region, languages."""

    code: str
    name: str
    region: str
    languages: tuple[str, ...]


def _parse_states() -> tuple[MemberState, ...]:
    """The states in the order written above."""
    states = []
    for region, text in _STATE_TEXT.items():
        for entry in text.replace("\n", "|").split("|"):
            parts = entry.split()
            if parts:
                states.append(MemberState(parts[0], " ".join(parts[2:]), region,
                                          tuple(parts[1].split(","))))
    return tuple(states)


MEMBER_STATES = _parse_states()
"""Every member state either generator uses (each picks its own subset), by region."""
STATE_BY_CODE = {state.code: state for state in MEMBER_STATES}
"""Member states by ISO code."""
STATE_REGION = {state.code: state.region for state in MEMBER_STATES}
"""UN geoscheme region of each state."""
STATE_LANGUAGES = {state.code: list(state.languages) for state in MEMBER_STATES}
"""Main languages of each state, as a list (the contract's form)."""

EQUIPMENT_POOR = frozenset([
    "GMB", "SLE", "LBR", "MWI", "BDI", "MDG", "NER", "TGO", "BEN", "BFA", "GIN", "MRT", "TCD",
    "KHM", "NPL", "FJI", "BTN", "LKA", "ZMB", "TZA", "SEN", "CMR", "DJI", "NAM", "MNG", "SLV",
    "GTM", "PER", "BOL", "PRY", "GAB", "COG", "CIV", "UGA", "ETH", "TON", "PNG", "HND", "AGO",
    "MOZ", "TLS",
])
"""Contributors that often deploy troops-only and need a partner's major equipment."""
FUNDING_DONORS = ("USA:4 DEU:3 GBR:3 JPN:3 NLD:2 NOR:2 SWE:2 CAN:2 FRA:2 CHN:2 AUS:1 KOR:1 "
                  "DNK:1 FIN:1 IRL:1 CHE:1 ITA:1 ESP:1 BEL:1 NZL:1 AUT:1")
"""Funding donors, weighted (``weighted`` reads the form): the largest donors weigh most."""

# ------------------------------------------------------------------------------------------
# Capabilities: from the standard catalogue, plus the figures it does not hold.
# ------------------------------------------------------------------------------------------
CATALOGUE = {c.capability: c for c in STANDARD_CAPABILITIES}
"""The standard catalogue's capabilities by code."""
UNIT_CAPABILITIES = tuple(c.capability for c in STANDARD_CAPABILITIES if c.kind == "unit")
"""Unit capabilities in the catalogue's order."""
EQUIPMENT_ITEMS = tuple(c.capability for c in STANDARD_CAPABILITIES if c.kind == "equipment")
"""Equipment items in the catalogue's order."""
DEFAULT_PERSONNEL = {c.capability: c.default_personnel for c in STANDARD_CAPABILITIES
                     if c.kind == "unit"}
"""The catalogue's default strength of each unit capability."""
SUBSTITUTES = {c.capability: tuple(c.substitutes) for c in STANDARD_CAPABILITIES}
"""Capabilities whose pledges may fill a requirement for each capability (the catalogue's)."""
DESCRIPTIONS = {c.capability: c.description for c in STANDARD_CAPABILITIES} | {
    "UTIL_HELO": "Utility helicopter unit (3 aircraft)",
    "ATK_HELO": "Attack helicopter unit (3 aircraft)",
}
"""Descriptions the datasets write: the catalogue's, saying how many aircraft a unit has."""

PERSONNEL_RANGE: dict[str, tuple[int, int]] = {
    "INF_BN": (780, 880), "INF_COY": (150, 195), "QRF_COY": (165, 200),
    "RECCE_COY": (140, 170), "ENG_COY": (200, 270), "L1_HOSP": (20, 35), "L2_HOSP": (55, 75),
    "UTIL_HELO": (105, 135), "ATK_HELO": (120, 145), "FPU": (140, 160), "SIG_COY": (100, 130),
    "MP_COY": (90, 115), "RIVERINE_COY": (140, 160), "UAS_UNIT": (50, 70),
    "LOG_COY": (180, 220), "TPT_COY": (140, 170), "DEMINING_COY": (90, 110),
}
"""Strength of one unit of each capability, lowest to highest (persons)."""
STANDARD_GAP: dict[str, dict[str, int]] = {
    "INF_BN": {"APC": 10}, "INF_COY": {"APC": 2}, "FPU": {"APC": 5},
    "QRF_COY": {"MRAP": 2}, "RECCE_COY": {"MRAP": 2}, "DEMINING_COY": {"MRAP": 2},
    "ENG_COY": {"ENG_PLANT_SET": 1}, "L2_HOSP": {"L2_HOSP_KIT": 1},
    "UTIL_HELO": {"UTIL_HELO_AIRFRAME": 3}, "UAS_UNIT": {"UAS_SYSTEM": 1},
    "LOG_COY": {"TRUCK": 20}, "TPT_COY": {"TRUCK": 20}, "RIVERINE_COY": {"PATROL_BOAT": 4},
}
"""Major equipment of a unit's standard table, per unit: what a troops-only unit lacks.
(The families give a quick reaction force company ``MRAP:4``; see their tables.)"""

# Monthly wet-lease rates, US$ per item: order-of-magnitude assumptions in the spirit of the
# COE Manual, not rates from it. The families' dict order is the order of their table.
FAMILIES_LEASE_USD = {
    "APC": 5_600, "MRAP": 7_400, "TRUCK": 2_300, "ENG_PLANT_SET": 27_000,
    "UAS_SYSTEM": 64_000, "L2_HOSP_KIT": 83_000, "UTIL_HELO_AIRFRAME": 370_000,
    "PATROL_BOAT": 21_000,
}
"""The families' standard lease rate of each equipment item (US$ per item per month)."""
UN_2025_LEASE_USD = {
    "APC": 5_500, "MRAP": 7_500, "TRUCK": 2_200, "ENG_PLANT_SET": 28_000, "UAS_SYSTEM": 65_000,
    "L2_HOSP_KIT": 85_000, "UTIL_HELO_AIRFRAME": 380_000, "PATROL_BOAT": 22_000,
}
"""``un_2025``'s lease rate of each equipment item (US$ per item per month; donated: 0)."""
# All-in monthly cost (US$ per unit, lowest to highest) of units whose aircraft or kit
# dominate the bill.
FAMILIES_ALL_IN_MONTHLY = {
    "UTIL_HELO": (1_050_000, 1_550_000), "ATK_HELO": (1_350_000, 1_850_000),
    "L2_HOSP": (230_000, 330_000), "UAS_UNIT": (140_000, 185_000),
}
"""The families' all-in monthly cost range of aviation, hospital and UAS units."""
UN_2025_ALL_IN_MONTHLY = {
    "UTIL_HELO": (1_100_000, 1_600_000), "ATK_HELO": (1_400_000, 1_900_000),
    "L2_HOSP": (240_000, 340_000), "UAS_UNIT": (150_000, 180_000),
}
"""``un_2025``'s all-in monthly cost range of aviation, hospital and UAS units."""


# ------------------------------------------------------------------------------------------
# Helpers and checks.
# ------------------------------------------------------------------------------------------
def weighted(spec: str) -> tuple[list[str], list[int]]:
    """'A:3 B:1' -> (['A', 'B'], [3, 1]); a key given twice adds up at its first position."""
    totals: dict[str, int] = {}
    for part in spec.split():
        key, _, weight = part.partition(":")
        totals[key] = totals.get(key, 0) + int(weight)
    return list(totals), list(totals.values())


def round_to(value: float, step: int) -> int:
    """``value`` rounded to a whole multiple of ``step``."""
    return int(step * round(value / step))


def split(total: int, weights: list[float]) -> list[int]:
    """Whole numbers proportional to ``weights`` that add up to ``total`` (largest remainder)."""
    mass = sum(weights)
    if total <= 0 or mass <= 0:
        return [0] * len(weights)
    exact = [total * w / mass for w in weights]
    counts = [math.floor(e) for e in exact]
    order = sorted(range(len(weights)), key=lambda i: (counts[i] - exact[i], i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def check_capabilities(names: Iterable[str], table: str, kind: str | None = None) -> None:
    """Refuse capability names the standard catalogue lacks (or of another ``kind``)."""
    wrong = [n for n in names if n not in CATALOGUE
             or (kind is not None and CATALOGUE[n].kind != kind)]
    if wrong:
        what = f"{kind} capabilities" if kind else "capabilities"
        raise ValueError(f"{table}: not {what} of allocator.scenario.catalogue: "
                         f"{', '.join(sorted(set(wrong)))}")


def check_complete(names: Iterable[str], expected: Iterable[str], table: str) -> None:
    """Refuse a table that leaves out some of ``expected`` (a catalogue grew, a table did not)."""
    missing = sorted(set(expected) - set(names))
    if missing:
        raise ValueError(f"{table}: no entry for {', '.join(missing)}")


def check_states(names: Iterable[str], table: str, known: Iterable[str] = STATE_BY_CODE) -> None:
    """Refuse state codes that are not in ``known`` (by default, every member state here)."""
    allowed = set(known)
    wrong = sorted({n for n in names if n not in allowed})
    if wrong:
        raise ValueError(f"{table}: unknown member states: {', '.join(wrong)}")


def spec_keys(spec: str) -> list[str]:
    """The keys of a weighted list ('A:3 B:1' -> ['A', 'B'])."""
    return weighted(spec)[0]


def check_gap_table(table: Mapping[str, Mapping[str, int]], name: str) -> None:
    """An equipment table: unit capabilities that need equipment items."""
    check_capabilities(table, name, "unit")
    check_capabilities([item for need in table.values() for item in need], name, "equipment")


def _check() -> None:
    """Every table above names catalogue capabilities and member states of this module."""
    check_capabilities(DESCRIPTIONS, "DESCRIPTIONS")
    check_capabilities(PERSONNEL_RANGE, "PERSONNEL_RANGE", "unit")
    check_complete(PERSONNEL_RANGE, UNIT_CAPABILITIES, "PERSONNEL_RANGE")
    check_gap_table(STANDARD_GAP, "STANDARD_GAP")
    for name, table in (("FAMILIES_LEASE_USD", FAMILIES_LEASE_USD),
                       ("UN_2025_LEASE_USD", UN_2025_LEASE_USD)):
        check_capabilities(table, name, "equipment")
        check_complete(table, EQUIPMENT_ITEMS, name)
    for name, table in (("FAMILIES_ALL_IN_MONTHLY", FAMILIES_ALL_IN_MONTHLY),
                       ("UN_2025_ALL_IN_MONTHLY", UN_2025_ALL_IN_MONTHLY)):
        check_capabilities(table, name, "unit")
    check_states(EQUIPMENT_POOR, "EQUIPMENT_POOR")
    check_states(spec_keys(FUNDING_DONORS), "FUNDING_DONORS")


_check()
