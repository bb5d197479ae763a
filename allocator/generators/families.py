"""Seeded benchmark families: realistic force-generation scenarios at four sizes.

``generate_family("medium", seed=0)`` returns a validated Scenario in which every constraint
family of DESIGN §4 is active: tight budgets topped up by earmarked and unearmarked funding,
triangular partnerships (troops-only units and donors' equipment), equipment-item lines,
caveats, host and party exclusions, language, deadline and readiness rules, women targets,
state-share limits, binding personnel ceilings, mandatory lines, substitutes, transport costs
and must-deploy pledges. The pledges and missions are invented; the unit sizes, reimbursement
rate, readiness levels and language mix follow public figures (see ``datasets/README.md``).

Why a generator and not only files: benchmarks need the same realistic structure at 50 and at
20,000 pledges, and the same seed must give the same scenario on every machine. Everything is
drawn from one ``random.Random(seed)`` in a fixed order over lists (never over sets or dict
orders that depend on hashing), so the output is byte-identical across runs and platforms.

Feasibility is built in, not hoped for: each mandatory line gets dedicated compatible supply
(restricted to its mission, no equipment gap) and each must-deploy pledge a line of its own,
and budgets and ceilings are set above what those forced choices cost, so every instance has a
plan that meets every hard rule. Budgets and ceilings of some missions are set below what the
cheapest full fill would need, so they bind.

At ``large`` and ``xl`` the missions are grouped in theatres of about five and each pledge is
offered to the missions of one theatre (as at a regional force-generation conference). That
keeps the model sparse, as DESIGN §4 asks, instead of pairing every pledge with every mission.
"""

from __future__ import annotations

import itertools
import math
import os
import random
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from allocator.scenario.scenario import Scenario
from allocator.scenario.writers import write_scenario

__all__ = ["SIZES", "FamilySize", "generate_family", "write_family"]


@dataclass(frozen=True)
class FamilySize:
    """Target counts of one size. Unit pledges are exact; the others are close targets."""

    missions: int
    requirement_lines: int
    unit_pledges: int
    equipment_pledges: int
    funding_pledges: int
    theatre_missions: int
    """Missions per theatre; pledges are scoped to one theatre when there is more than one."""
    time_limit_s: float


SIZES: dict[str, FamilySize] = {
    "small": FamilySize(3, 18, 50, 8, 6, 3, 30.0),
    "medium": FamilySize(12, 200, 500, 50, 30, 12, 60.0),
    "large": FamilySize(40, 700, 5_000, 400, 100, 5, 120.0),
    "xl": FamilySize(100, 2_000, 20_000, 1_500, 250, 5, 300.0),
}
"""The four family sizes: ``medium`` is real-world scale (a dozen missions, ~500 pledges)."""

RATE_USD = 1448  # per person per month, the policy default (DESIGN §2)
PERIOD_MONTHS = 12
READINESS = ("L1", "L2", "L3", "RDL")
LINE_LANGUAGES = ("fr", "en", "ar", "es", "pt")

# ------------------------------------------------------------------------------------------
# Member states: ISO 3166-1 alpha-3, languages (ISO 639-1), short name; grouped by region.
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
        ROU ro Romania | SRB sr Serbia | SVK sk Slovakia | SVN sl Slovenia | SWE sv Sweden
        UKR uk Ukraine
    """,
    "Oceania": """
        AUS en Australia | FJI en,fj Fiji | NZL en,mi New Zealand | PNG en Papua New Guinea
        TON en,to Tonga
    """,
}


def _parse_states() -> list[tuple[str, str, str, list[str]]]:
    """(code, name, region, languages) in the order written above."""
    states = []
    for region, text in _STATE_TEXT.items():
        for entry in text.replace("\n", "|").split("|"):
            parts = entry.split()
            if parts:
                states.append((parts[0], " ".join(parts[2:]), region, parts[1].split(",")))
    return states


STATES = _parse_states()
STATE_REGION = {code: region for code, _, region, _ in STATES}
STATE_LANGUAGES = {code: langs for code, _, _, langs in STATES}

# ------------------------------------------------------------------------------------------
# Capabilities: personnel range per unit, substitutes and kind (the contract's catalogue).
# ------------------------------------------------------------------------------------------
# capability: (description, personnel low, personnel high, substitutes)
UNIT_CAPABILITIES: dict[str, tuple[str, int, int, tuple[str, ...]]] = {
    "INF_BN": ("Infantry battalion", 780, 880, ()),
    "INF_COY": ("Infantry company", 150, 195, ("QRF_COY",)),
    "QRF_COY": ("Quick reaction force company", 165, 200, ()),
    "RECCE_COY": ("Reconnaissance company", 140, 170, ("QRF_COY",)),
    "ENG_COY": ("Engineering company", 200, 270, ()),
    "L1_HOSP": ("Level-1 hospital", 20, 35, ("L2_HOSP",)),
    "L2_HOSP": ("Level-2 hospital", 55, 75, ()),
    "UTIL_HELO": ("Utility helicopter unit (3 aircraft)", 105, 135, ()),
    "ATK_HELO": ("Attack helicopter unit (3 aircraft)", 120, 145, ()),
    "FPU": ("Formed police unit", 140, 160, ()),
    "SIG_COY": ("Signals company", 100, 130, ()),
    "MP_COY": ("Military police company", 90, 115, ()),
    "RIVERINE_COY": ("Riverine company", 140, 160, ()),
    "UAS_UNIT": ("Unmanned aerial systems unit", 50, 70, ()),
    "LOG_COY": ("Logistics company", 180, 220, ()),
    "TPT_COY": ("Transport company", 140, 170, ("LOG_COY",)),
    "DEMINING_COY": ("Demining company", 90, 110, ()),
}
EQUIPMENT_ITEMS: dict[str, tuple[str, int]] = {
    # item: (description, monthly wet-lease US$ per item; an order-of-magnitude assumption)
    "APC": ("Armoured personnel carrier", 5_600),
    "MRAP": ("Mine-resistant ambush-protected vehicle", 7_400),
    "TRUCK": ("Utility truck", 2_300),
    "ENG_PLANT_SET": ("Engineering plant set", 27_000),
    "UAS_SYSTEM": ("Unmanned aerial system with ground station", 64_000),
    "L2_HOSP_KIT": ("Level-2 hospital equipment kit", 83_000),
    "UTIL_HELO_AIRFRAME": ("Utility helicopter airframe", 370_000),
    "PATROL_BOAT": ("Riverine patrol boat", 21_000),
}
# Major equipment of a unit's standard table: what a troops-only unit needs from a partner.
GAP_TABLE: dict[str, dict[str, int]] = {
    "INF_BN": {"APC": 10}, "INF_COY": {"APC": 2}, "FPU": {"APC": 5},
    "QRF_COY": {"MRAP": 4}, "RECCE_COY": {"MRAP": 2}, "DEMINING_COY": {"MRAP": 2},
    "ENG_COY": {"ENG_PLANT_SET": 1}, "L2_HOSP": {"L2_HOSP_KIT": 1},
    "UTIL_HELO": {"UTIL_HELO_AIRFRAME": 3}, "UAS_UNIT": {"UAS_SYSTEM": 1},
    "LOG_COY": {"TRUCK": 20}, "TPT_COY": {"TRUCK": 20}, "RIVERINE_COY": {"PATROL_BOAT": 4},
}
# Items come in sets that equip whole units (10 APCs equip one battalion, two FPUs or five
# companies): lots and equipment lines are whole sets, so partners' equipment never leaves a
# unit equipped by halves, which a fractional relaxation would exploit.
ITEM_SET = {item: math.lcm(*(q[item] for q in GAP_TABLE.values() if item in q))
            for item in EQUIPMENT_ITEMS}
# All-in monthly cost (US$ per unit) of units whose aircraft or kit dominate the bill.
ALL_IN_MONTHLY = {
    "UTIL_HELO": (1_050_000, 1_550_000), "ATK_HELO": (1_350_000, 1_850_000),
    "L2_HOSP": (230_000, 330_000), "UAS_UNIT": (140_000, 185_000),
}
# Base priority of each capability's lines; each line varies it by one either way.
BASE_PRIORITY = {
    "INF_BN": 1, "INF_COY": 3, "QRF_COY": 2, "RECCE_COY": 3, "ENG_COY": 2, "L1_HOSP": 2,
    "L2_HOSP": 1, "UTIL_HELO": 2, "ATK_HELO": 3, "FPU": 2, "SIG_COY": 3, "MP_COY": 4,
    "RIVERINE_COY": 3, "UAS_UNIT": 3, "LOG_COY": 3, "TPT_COY": 4, "DEMINING_COY": 3,
    "APC": 3, "MRAP": 2, "TRUCK": 4, "ENG_PLANT_SET": 3, "UAS_SYSTEM": 3, "L2_HOSP_KIT": 2,
    "UTIL_HELO_AIRFRAME": 3, "PATROL_BOAT": 4,
}
# Line mix by mission class: capability weights; units per line are drawn below.
MIX = {
    "big": "INF_BN:14 INF_COY:7 QRF_COY:4 RECCE_COY:3 ENG_COY:7 L1_HOSP:5 L2_HOSP:3 UTIL_HELO:4 "
           "ATK_HELO:1 FPU:8 SIG_COY:4 MP_COY:3 RIVERINE_COY:1 UAS_UNIT:2 LOG_COY:4 TPT_COY:4 "
           "DEMINING_COY:3 APC:2 MRAP:1 TRUCK:1 UTIL_HELO_AIRFRAME:1 ENG_PLANT_SET:1",
    "mid": "INF_BN:8 INF_COY:8 QRF_COY:3 RECCE_COY:2 ENG_COY:5 L1_HOSP:5 L2_HOSP:2 UTIL_HELO:3 "
           "FPU:6 SIG_COY:3 MP_COY:3 UAS_UNIT:1 LOG_COY:3 TPT_COY:3 DEMINING_COY:2 APC:1 "
           "MRAP:1 TRUCK:1 L2_HOSP_KIT:1",
    "obs": "INF_BN:2 INF_COY:8 L1_HOSP:5 UTIL_HELO:2 MP_COY:3 SIG_COY:2 ENG_COY:2 LOG_COY:2 "
           "DEMINING_COY:2 MRAP:1 UAS_SYSTEM:1",
}
CLASS_WEIGHT = {"big": 3.0, "mid": 1.8, "obs": 0.8}
# Supply per unit of demand, before scaling to the size's pledge count: aviation, level-2
# hospitals and riverine units are scarce, as in real force generation.
SUPPLY_RATIO = {"UTIL_HELO": 0.75, "ATK_HELO": 0.7, "L2_HOSP": 1.0, "RIVERINE_COY": 0.8,
                "UAS_UNIT": 1.1}
DEFAULT_SUPPLY_RATIO = 1.9

# ------------------------------------------------------------------------------------------
# Missions: hypothetical operations named after their host; parties excluded per DESIGN §2.
# ------------------------------------------------------------------------------------------
# host: (class, line languages, parties excluded besides the host, mission women target)
HOSTS: dict[str, tuple[str, str, str, float | None]] = {
    "CAF": ("big", "fr pt", "", 0.11), "SSD": ("big", "en ar", "SDN", None),
    "LBN": ("big", "ar fr es", "ISR", None), "COD": ("big", "fr", "RWA UGA", None),
    "SDN": ("mid", "ar en", "SSD", None), "SYR": ("obs", "ar", "ISR", None),
    "CYP": ("obs", "en", "GRC TUR", 0.12), "SOM": ("mid", "en ar", "ETH KEN", None),
    "MLI": ("big", "fr", "", None), "HTI": ("mid", "fr", "", 0.11),
    "MOZ": ("mid", "pt en", "", None), "COL": ("obs", "es", "VEN", None),
    "LBY": ("mid", "ar", "EGY", None), "YEM": ("mid", "ar", "SAU ARE", None),
    "TCD": ("mid", "fr ar", "SDN", None), "BFA": ("mid", "fr", "", None),
    "NER": ("mid", "fr", "", 0.1), "GNB": ("obs", "pt", "", None),
    "TLS": ("obs", "pt en", "", 0.12), "IRQ": ("obs", "ar", "", None),
    "ETH": ("big", "en", "ERI", None), "CMR": ("mid", "fr en", "", None),
    "BDI": ("obs", "fr", "RWA", None), "LBR": ("obs", "en", "", 0.11),
    "SLE": ("obs", "en", "", None), "CIV": ("mid", "fr", "", None),
    "GIN": ("obs", "fr", "", None), "AGO": ("mid", "pt", "", None),
    "MMR": ("mid", "en", "", None), "ERI": ("obs", "ar en", "ETH", None),
    "MRT": ("obs", "ar fr", "", None), "DJI": ("obs", "fr ar", "", None),
    "NGA": ("big", "en", "", None), "BIH": ("obs", "en", "SRB HRV", 0.12),
    "VEN": ("mid", "es", "COL", None),
}
HOST_ORDER = list(HOSTS)
POLICY_WOMEN_TARGET: float | None = None
# Shares of missions whose budget or personnel ceiling is set below a cheapest full fill.
TIGHT_BUDGET_SHARE = 0.15
TIGHT_CEILING_SHARE = 0.1
# Donors' equipment for troops-only units, as a share of what all their gaps need (per theatre).
GAP_COVER = (1.0, 1.3)
# Share of equipment lots donated (no cost to the mission), and the lease rate of the others
# relative to the standard rate: a partner's lease includes its maintenance and transport.
DONATED_SHARE = 0.2
# Funding beyond the tight missions' deficits, as a share of their cheapest full fill.
FUNDING_MARGIN = 0.08
LEASE_PREMIUM = (1.2, 1.5)

# ------------------------------------------------------------------------------------------
# Who offers what: weighted state lists ("CODE:weight"); the main contributors weigh most.
# ------------------------------------------------------------------------------------------
_MAIN = ("NPL:9 BGD:9 IND:8 RWA:8 PAK:7 GHA:6 IDN:5 EGY:4 CHN:4 MAR:4 TZA:4 ETH:4 SEN:3 ZMB:3 "
         "TCD:2 TUN:2 CMR:2 KEN:2 NGA:2 BFA:2 MNG:2 NER:1 TGO:1 BEN:1 KHM:1 JOR:1 URY:1 BRA:1 "
         "GAB:1 MRT:1 BDI:1 UGA:1 FJI:1 LKA:1 MWI:1 SLE:1 ZAF:1 MYS:1 KOR:1 ITA:1 FRA:1 ESP:1 "
         "IRL:1 GIN:1 CIV:1 MDG:1 NAM:1 BWA:1 LBR:1 GMB:1 DJI:1 PER:1 SLV:1 GTM:1 ARG:1 CHL:1 "
         "POL:1 AUT:1 FIN:1 SRB:1 HUN:1 SVK:1 BTN:1 THA:1 VNM:1 PHL:1 KAZ:1 ZWE:1 AGO:1 MOZ:1 "
         "PRT:1 BRA:1 TLS:1 ECU:1 BOL:1 PRY:1 DOM:1 HND:1 JAM:1 KGZ:1 TON:1 PNG:1")
PROVIDERS: dict[str, str] = {
    "INF_BN": _MAIN, "INF_COY": _MAIN,
    "QRF_COY": "NPL:3 BGD:2 IND:2 PAK:3 RWA:3 SEN:2 IDN:1 KEN:1 PRT:2 FRA:1 ZMB:1 MAR:1 BRA:1",
    "RECCE_COY": "NPL:2 BGD:2 IND:1 PAK:2 IDN:1 GHA:1 EGY:1 ITA:1 ESP:1 ZMB:1 TZA:1 CHL:1",
    "ENG_COY": "BGD:4 CHN:4 PAK:3 IND:3 NPL:2 IDN:2 EGY:2 RWA:2 JPN:1 KOR:2 MAR:1 TZA:1 "
               "GHA:2 SEN:1 CMR:1 BFA:1 KHM:2 VNM:1 MNG:1 THA:1 ITA:1 FRA:1 BRA:1 URY:1",
    "L1_HOSP": "BGD:2 PAK:2 IND:2 NPL:2 EGY:2 MAR:2 GHA:2 RWA:2 IDN:1 CHN:1 SEN:1 CMR:1 "
               "TZA:1 JOR:1 MNG:1 VNM:1 KHM:1 LKA:1 TUN:1 URY:1 ITA:1 PER:1 MYS:1 BRA:1 MOZ:1",
    "L2_HOSP": "CHN:3 BGD:2 PAK:2 IND:2 EGY:1 SRB:1 KHM:1 VNM:1 NOR:1 JOR:1 MAR:1 PRT:1",
    "UTIL_HELO": "BGD:3 PAK:3 ETH:2 ITA:1 ARG:1 SLV:1 RWA:1 ZAF:1 IDN:1 IND:2 UKR:1 CHL:1 "
                 "SEN:1 BRA:1",
    "ATK_HELO": "ZAF:1 PAK:1 IND:1 BGD:1",
    "FPU": "RWA:4 SEN:4 EGY:3 JOR:4 BGD:5 NPL:4 IND:4 PAK:2 CMR:3 BFA:2 TGO:2 NER:2 BEN:2 "
           "COG:2 GHA:3 NGA:2 IDN:2 CHN:1 ZMB:1 MRT:2 GAB:1 TUN:1 MAR:1 MDG:1 DJI:1 BRA:1 "
           "PRT:1 ARG:1 MOZ:1 AGO:1 TLS:1",
    "SIG_COY": "IND:2 BGD:2 PAK:2 NPL:1 CHN:1 GHA:2 EGY:1 IDN:1 KOR:1 MYS:1 ITA:1 FRA:1 "
               "RWA:1 NGA:1 BRA:1 CHL:1",
    "MP_COY": "NPL:2 BGD:2 IND:1 PAK:1 GHA:1 RWA:1 SEN:1 IDN:1 MAR:1 GBR:1 SVK:1 IRL:1 "
              "ARG:1 URY:1 PRT:1",
    "RIVERINE_COY": "URY:2 BGD:1 IDN:1 BRA:1 PAK:1",
    "UAS_UNIT": "ITA:1 IND:1 BGD:1 CHN:1 KOR:1 PAK:1 NLD:1",
    "LOG_COY": "BGD:3 PAK:2 IND:2 NPL:2 CHN:2 EGY:1 IDN:1 GHA:1 TZA:1 ZMB:1 KEN:1 ETH:1 "
               "RWA:1 MAR:1 VNM:1 KOR:1 ESP:1 ARG:1",
    "TPT_COY": "BGD:2 PAK:2 IND:2 NPL:2 CHN:1 EGY:1 GHA:1 TZA:1 ZMB:1 RWA:1 NGA:1 MAR:1 "
               "IDN:1 MNG:1 KHM:1 URY:1",
    "DEMINING_COY": "CHN:2 KHM:3 PAK:2 BGD:1 EGY:1 IND:1 NPL:1 ZMB:1 RWA:1 SEN:1 MAR:1 "
                    "SRB:1 COL:1",
}
ITEM_DONORS: dict[str, str] = {
    "APC": "USA:3 GBR:2 FRA:2 DEU:2 CAN:1 NLD:1 ITA:1 ESP:1 KOR:1 CHN:2 TUR:1 AUS:1",
    "MRAP": "USA:3 GBR:1 CAN:1 AUS:1 DEU:1 KOR:1 ZAF:1",
    "TRUCK": "JPN:2 DEU:2 CHN:2 NOR:1 SWE:1 NLD:1 USA:1 DNK:1 IND:1",
    "ENG_PLANT_SET": "JPN:3 CHN:2 KOR:1 DEU:1 NOR:1 TUR:1",
    "UAS_SYSTEM": "USA:1 NLD:1 GBR:1 FRA:1 ISR:1",
    "L2_HOSP_KIT": "CHN:1 NOR:1 DEU:1 SWE:1 CHE:1 JPN:1",
    "UTIL_HELO_AIRFRAME": "USA:1 CAN:1 ITA:1 GBR:1",
    "PATROL_BOAT": "NLD:1 ITA:1 FRA:1 USA:1 BRA:1",
}
FUNDING_DONORS = ("USA:4 DEU:3 GBR:3 JPN:3 NLD:2 NOR:2 SWE:2 CAN:2 FRA:2 CHN:2 AUS:1 KOR:1 "
                  "DNK:1 FIN:1 IRL:1 CHE:1 ITA:1 ESP:1 BEL:1 NZL:1 AUT:1 QAT:1 ARE:1 SAU:1")
# Contributors that often deploy troops-only and need a partner's major equipment.
EQUIPMENT_POOR = frozenset([
    "GMB", "SLE", "LBR", "MWI", "BDI", "MDG", "NER", "TGO", "BEN", "BFA", "GIN", "MRT", "TCD",
    "KHM", "NPL", "FJI", "BTN", "LKA", "ZMB", "TZA", "SEN", "CMR", "DJI", "NAM", "MNG", "SLV",
    "GTM", "PER", "BOL", "PRY", "GAB", "COG", "CIV", "UGA", "ETH", "TON", "PNG", "HND", "AGO",
    "MOZ", "TLS"
])
# Share of women by contributor (0.08 where not listed), then per capability.
WOMEN_SHARE = {
    "RWA": 0.14, "GHA": 0.15, "ZAF": 0.17, "NAM": 0.16, "ZMB": 0.14, "NGA": 0.13, "SEN": 0.12,
    "IRL": 0.12, "FIN": 0.14, "URY": 0.12, "ARG": 0.13, "GBR": 0.12, "NPL": 0.10, "BGD": 0.08,
    "IND": 0.07, "PAK": 0.06, "EGY": 0.05, "MAR": 0.06, "JOR": 0.07, "CHN": 0.10, "IDN": 0.11,
    "MNG": 0.12, "KHM": 0.12, "TZA": 0.12, "KEN": 0.11, "MWI": 0.13, "SLE": 0.11, "LBR": 0.12,
    "NOR": 0.16, "SWE": 0.16, "CAN": 0.15, "FRA": 0.12, "BRA": 0.10, "PRT": 0.11,
}
WOMEN_SHIFT = {"FPU": 0.05, "L1_HOSP": 0.09, "L2_HOSP": 0.10, "INF_BN": -0.01, "SIG_COY": 0.02,
               "MP_COY": 0.03, "UTIL_HELO": -0.02, "ATK_HELO": -0.03}
# Emplacement and rotation by long-haul air and sea (US$ thousands per unit, to Africa).
FAR_STATES = {
    "URY": 560, "ARG": 580, "BRA": 470, "PER": 600, "SLV": 540, "GTM": 550, "CHL": 620,
    "BOL": 590, "PRY": 570, "ECU": 560, "DOM": 480, "HND": 550, "JAM": 470, "CHN": 430,
    "KOR": 470, "JPN": 490, "MNG": 450, "IDN": 400, "KHM": 390, "VNM": 400, "MYS": 380,
    "PHL": 440, "THA": 380, "TLS": 450, "FJI": 690, "TON": 700, "PNG": 640, "KAZ": 330,
    "KGZ": 340,
}
# Factor on FAR_STATES by the mission's region (Middle East hosts are Asia in the geoscheme).
FAR_FACTOR = {"Africa": 1.0, "Asia": 0.8, "Americas": 0.9, "Europe": 0.7, "Oceania": 1.0}
READINESS_MIX = (("L1", 15), ("L2", 45), ("L3", 28), ("RDL", 12))
DEPLOY_DAYS = {"L1": (150, 240), "L2": (90, 150), "L3": (60, 90), "RDL": (25, 60)}


def _weighted(spec: str) -> tuple[list[str], list[int]]:
    """'A:3 B:1' -> (['A', 'B'], [3, 1]); a key given twice adds up at its first position."""
    totals: dict[str, int] = {}
    for part in spec.split():
        key, _, weight = part.partition(":")
        totals[key] = totals.get(key, 0) + int(weight)
    return list(totals), list(totals.values())


def _round_to(value: float, step: int) -> int:
    return int(step * round(value / step))


def _split(total: int, weights: list[float]) -> list[int]:
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


# ------------------------------------------------------------------------------------------
# The generator.
# ------------------------------------------------------------------------------------------
@dataclass
class _Estimate:
    """US$ and personnel of filling one mission's lines (see ``_Builder._estimates``)."""

    low_cost: int = 0
    low_people: int = 0
    high_cost: int = 0
    high_people: int = 0
    forced_cost: int = 0
    forced_people: int = 0


@dataclass
class _Mission:
    mission_id: str
    host: str
    kind: str
    languages: list[str]
    barred: set[str]
    women_target: float | None
    theatre: int = 0


class _Builder:
    """One family instance: draws tables in a fixed order from one ``random.Random``."""

    def __init__(self, size: str, seed: int):
        self.size_name = size
        self.size = SIZES[size]
        self.rng = random.Random(f"{size}:{seed}")
        self.missions: list[_Mission] = []
        self.lines: list[dict[str, Any]] = []
        self.pledges: list[dict[str, Any]] = []
        self.kit: list[dict[str, Any]] = []
        self.funding: list[dict[str, Any]] = []
        self.transport: list[dict[str, Any]] = []
        self.counters: dict[str, int] = {}
        self.theatres: list[list[str]] = []
        self.transport_of: dict[tuple[str, str], int] = {}  # (state or pledge, mission) -> US$
        self.reserved: set[int] = set()  # id() of lines kept for a must-deploy pledge
        self.dedicated: dict[int, list[dict[str, Any]]] = {}  # id() of a mandatory line -> supply
        self._pools: dict[tuple[str, frozenset[str], str | None], tuple[Any, list[int]]] = {}
        self._mission_of: dict[str, _Mission] = {}

    # ----- ids -----------------------------------------------------------------------------
    def _next_id(self, owner: str, tag: str) -> str:
        key = f"{owner}-{tag}"
        self.counters[key] = self.counters.get(key, 0) + 1
        return f"{key}{self.counters[key]:04d}"

    @property
    def zoned(self) -> bool:
        return len(self.theatres) > 1

    # ----- missions and requirement lines ---------------------------------------------------
    def build_missions(self) -> None:
        seen: dict[str, int] = {}
        for k in range(self.size.missions):
            host = HOST_ORDER[k % len(HOST_ORDER)]
            seen[host] = seen.get(host, 0) + 1
            kind, langs, parties, women = HOSTS[host]
            mission_id = f"OP-{host}" + (f"-{seen[host]}" if seen[host] > 1 else "")
            self.missions.append(_Mission(mission_id, host, kind, langs.split(),
                                          {host, *parties.split()}, women))
            self._mission_of[mission_id] = self.missions[-1]
        # Theatres group missions of one region, as a regional conference would.
        order = sorted(range(len(self.missions)),
                       key=lambda i: (STATE_REGION[self.missions[i].host], i))
        per = self.size.theatre_missions
        n_theatres = max(1, round(len(order) / per))
        start = 0
        for t, chunk in enumerate(_split(len(order), [1.0] * n_theatres)):
            members = order[start:start + chunk]
            start += chunk
            for i in members:
                self.missions[i].theatre = t
            self.theatres.append([self.missions[i].mission_id for i in sorted(members)])

    def build_lines(self) -> None:
        rng = self.rng
        weights = [CLASS_WEIGHT[m.kind] for m in self.missions]
        counts = _split(self.size.requirement_lines, weights)
        for mission, count in zip(self.missions, counts, strict=True):
            caps, cap_weights = _weighted(MIX[mission.kind])
            drawn = [rng.choices(caps, cap_weights)[0] for _ in range(max(3, count))]
            # Every mission has infantry; keep the first line an infantry line.
            drawn[0] = "INF_BN" if mission.kind == "big" else "INF_COY"
            self.lines.extend(self._line(mission, cap) for cap in drawn)

    def ensure_variety(self) -> None:
        """Make every rule appear at least once, even in the 18 lines of ``small``: an
        equipment line, each mission language, RDL, L3 and L1-accepting lines, and all five
        priorities. Only lines that no forced supply was built for are changed."""
        rng = self.rng
        free = [r for r in self.lines
                if not r["mandatory"] and id(r) not in self.reserved
                and r["capability"] in UNIT_CAPABILITIES]
        if not any(r["capability"] in EQUIPMENT_ITEMS for r in self.lines):
            line = free.pop(rng.randrange(len(free)))
            line.update(capability="MRAP", units=2 * ITEM_SET["MRAP"],
                        priority=BASE_PRIORITY["MRAP"], deadline_days=None,
                        min_readiness=None, language=None)
        wanted = [lang for lang in LINE_LANGUAGES
                  if any(lang in m.languages for m in self.missions)]
        for lang in wanted:
            if any(r["language"] == lang for r in self.lines):
                continue
            options = [r for r in free if r["language"] is None
                       and lang in self._mission(r["mission_id"]).languages]
            if options:
                rng.choice(options)["language"] = lang
        for floor, deadline in (("RDL", 60), ("L3", 90), ("L1", None)):
            if not any(r["min_readiness"] == floor for r in self.lines):
                options = [r for r in free if r["min_readiness"] is None]
                rng.choice(options).update(min_readiness=floor, deadline_days=deadline)
        for priority in range(1, 6):
            if not any(r["priority"] == priority for r in self.lines):
                counts = {p: sum(r["priority"] == p for r in self.lines) for p in range(1, 6)}
                options = [r for r in free if counts[r["priority"]] > 1]
                rng.choice(options)["priority"] = priority

    def number_lines(self) -> None:
        """Requirement ids ``<mission>-Rnn``, numbered by priority within each mission."""
        numbered = []
        for mission in self.missions:
            mine = [(r["priority"], r["capability"], k, r) for k, r in enumerate(self.lines)
                    if r["mission_id"] == mission.mission_id]
            for number, (*_, line) in enumerate(sorted(mine, key=lambda t: t[:3]), start=1):
                line["requirement_id"] = f"{mission.mission_id}-R{number:02d}"
                numbered.append(line)
        self.lines = numbered

    def _line(self, mission: _Mission, cap: str) -> dict[str, Any]:
        rng = self.rng
        if cap in EQUIPMENT_ITEMS:
            units = ITEM_SET[cap] * rng.choice([1, 1, 2, 2, 3])
        else:
            units = rng.choices([1, 2, 3], [5, 4, 1])[0]
        priority = min(5, max(1, BASE_PRIORITY[cap] + rng.choice([-1, 0, 0, 0, 1])))
        deadline = readiness = language = None
        draw = rng.random()
        if cap not in EQUIPMENT_ITEMS:
            if draw < 0.07:
                readiness, deadline = "RDL", 60
            elif draw < 0.14:
                readiness, deadline = "L3", 90
            elif draw < 0.30:
                deadline = rng.choice([120, 150, 180])
            if rng.random() < (0.45 if cap == "FPU" else 0.2):
                language = rng.choice(mission.languages)
            if readiness is None and priority >= 4 and rng.random() < 0.35:
                readiness = "L1"  # a low-priority line that accepts any registered unit
        elif draw < 0.3:
            deadline = rng.choice([90, 120, 150])
        return {"requirement_id": "", "mission_id": mission.mission_id, "capability": cap,
                "units": units, "priority": priority, "mandatory": False,
                "deadline_days": deadline, "min_readiness": readiness, "language": language}

    # ----- unit pledges --------------------------------------------------------------------
    def _state_for(self, spec: str, barred: set[str], language: str | None = None) -> str:
        """A state drawn from a weighted list, never a barred one; a speaker of ``language``
        when the list has one."""
        key = (spec, frozenset(barred), language)
        if key not in self._pools:
            states, weights = _weighted(spec)
            pool = [(s, w) for s, w in zip(states, weights, strict=True) if s not in barred]
            if language:
                speakers = [(s, w) for s, w in pool if language in STATE_LANGUAGES[s]]
                pool = speakers or pool
            names, ws = zip(*pool, strict=True)
            self._pools[key] = (names, list(itertools.accumulate(ws)))
        names, cumulative = self._pools[key]
        return self.rng.choices(names, cum_weights=cumulative)[0]

    def _pledge(self, state: str, cap: str, *, readiness: str | None = None,
                gap_allowed: bool = True) -> dict[str, Any]:
        """A unit pledge with realistic size, women, readiness and cost; no caveats yet."""
        rng = self.rng
        _, low, high, _ = UNIT_CAPABILITIES[cap]
        step = 5 if low >= 100 else 1
        personnel = _round_to(rng.uniform(low, high), step)
        share = WOMEN_SHARE.get(state, 0.08) + WOMEN_SHIFT.get(cap, 0.0) + rng.uniform(-0.03, 0.03)
        share = min(0.32 if cap.endswith("HOSP") else 0.22, max(0.03, share))
        women = round(personnel * share)
        if readiness is None:
            levels, level_weights = zip(*READINESS_MIX, strict=True)
            readiness = rng.choices(levels, level_weights)[0]
        low_days, high_days = DEPLOY_DAYS[readiness]
        gap: dict[str, int] = {}
        gap_chance = 0.45 if state in EQUIPMENT_POOR else 0.04
        if gap_allowed and cap in GAP_TABLE and rng.random() < gap_chance:
            gap = dict(GAP_TABLE[cap])
        monthly: int | None = None
        # Self-sustainment and minor equipment, reimbursed per person at rates that differ by
        # contributor and unit; it also keeps two units of equal strength from costing the same.
        own_kit = _round_to(personnel * rng.uniform(60, 140), 10)
        if not gap and cap in ALL_IN_MONTHLY:
            lo, hi = ALL_IN_MONTHLY[cap]
            monthly = max(_round_to(rng.uniform(lo, hi), 1_000), personnel * RATE_USD)
        elif not gap and cap in GAP_TABLE:
            # Units that bring their own major equipment are reimbursed for it (COE).
            table = sum(q * EQUIPMENT_ITEMS[i][1] for i, q in GAP_TABLE[cap].items())
            own_kit += _round_to(table * rng.uniform(0.85, 1.25), 100)
        return {
            "pledge_id": self._next_id(state, "U"), "state": state, "capability": cap,
            "units": 1, "personnel_per_unit": personnel, "women_per_unit": women,
            "readiness": readiness, "deploy_days": rng.randint(low_days, high_days),
            "languages": [], "monthly_cost_usd": monthly, "equipment_monthly_cost_usd": own_kit,
            "allowed_missions": [], "excluded_missions": [], "must_deploy": False,
            "equipment_gap": gap,
        }

    def build_forced_supply(self) -> None:
        """Mandatory lines with dedicated supply, and must-deploy pledges with lines of their own.

        Dedicated supply is restricted to the line's mission, has no equipment gap and meets
        every rule of the line, so the mandatory lines can always be filled.
        """
        rng = self.rng
        by_mission: dict[str, list[dict[str, Any]]] = {}
        for line in self.lines:
            by_mission.setdefault(line["mission_id"], []).append(line)
        common = ("INF_BN", "INF_COY", "ENG_COY", "L1_HOSP", "FPU", "SIG_COY", "MP_COY")
        for mission in self.missions:
            lines = by_mission[mission.mission_id]
            candidates = [r for r in lines if r["capability"] in common and r["priority"] <= 2]
            candidates = candidates or [r for r in lines if r["capability"] in common]
            wanted = 2 if mission.kind == "big" else 1
            for line in rng.sample(candidates, min(wanted, len(candidates))):
                line["mandatory"] = True
                line["priority"] = min(line["priority"], 2)
                self._dedicate(mission, line)
            items = [r for r in lines if r["capability"] in EQUIPMENT_ITEMS]
            if items and rng.random() < 0.35:
                line = items[0]
                line["mandatory"] = True
                self._dedicate_kit(mission, line, line["units"])
        # Must-deploy: a contributor offers a unit only if it is deployed; each gets a line of
        # its own (not mandatory, so it does not compete with the dedicated supply).
        wanted_md = max(1, self.size.missions // 3)
        open_lines = [r for r in self.lines
                      if not r["mandatory"] and r["capability"] in common
                      and r["min_readiness"] != "L1"]
        for line in rng.sample(open_lines, min(wanted_md, len(open_lines))):
            mission = self._mission(line["mission_id"])
            state = self._state_for(PROVIDERS[line["capability"]], mission.barred,
                                    line["language"])
            pledge = self._pledge(state, line["capability"],
                                  readiness=self._readiness_for(line), gap_allowed=False)
            self._fit(pledge, line)
            pledge["must_deploy"] = True
            pledge["allowed_missions"] = [mission.mission_id]
            self.pledges.append(pledge)
            self.reserved.add(id(line))

    def _readiness_for(self, line: dict[str, Any]) -> str:
        floor = line["min_readiness"] or "L2"
        options = [r for r in READINESS if READINESS.index(r) >= READINESS.index(floor)]
        if line["deadline_days"] is not None and line["deadline_days"] < 90:
            options = ["RDL"]
        return self.rng.choice(options)

    def _fit(self, pledge: dict[str, Any], line: dict[str, Any]) -> None:
        """Make a pledge meet the line's deadline and language (a unit with a language cadre)."""
        deadline = line["deadline_days"]
        if deadline is not None and pledge["deploy_days"] > deadline:
            pledge["deploy_days"] = deadline - self.rng.randint(0, 10)
        language = line["language"]
        if language and language not in STATE_LANGUAGES[pledge["state"]]:
            pledge["languages"] = [*STATE_LANGUAGES[pledge["state"]], language]

    def _dedicate(self, mission: _Mission, line: dict[str, Any]) -> None:
        cap = line["capability"]
        supply = line["units"] + max(1, line["units"] // 2)
        while supply > 0:
            state = self._state_for(PROVIDERS[cap], mission.barred, line["language"])
            pledge = self._pledge(state, cap, readiness=self._readiness_for(line),
                                  gap_allowed=False)
            pledge["units"] = min(supply, self.rng.choice([1, 1, 2]))
            supply -= pledge["units"]
            self._fit(pledge, line)
            pledge["allowed_missions"] = [mission.mission_id]
            self.pledges.append(pledge)
            self.dedicated.setdefault(id(line), []).append(pledge)

    def _dedicate_kit(self, mission: _Mission, line: dict[str, Any], quantity: int) -> None:
        item = line["capability"]
        sets = quantity // ITEM_SET[item] + 1
        lots = 1 if sets < 3 else 2
        for size in _split(sets, [1.0] * lots):
            size *= ITEM_SET[item]
            lot = self._lot(item, size, mission.barred)
            if line["deadline_days"] is not None:
                lot["available_days"] = min(lot["available_days"], line["deadline_days"])
            lot["allowed_missions"] = [mission.mission_id]
            self.kit.append(lot)
            self.dedicated.setdefault(id(line), []).append(lot)

    def build_general_supply(self) -> None:
        """The bulk of the pledges, per theatre and capability in proportion to demand."""
        rng = self.rng
        demand: dict[tuple[int, str], int] = {}
        for line in self.lines:
            cap = line["capability"]
            if cap in UNIT_CAPABILITIES:
                key = (self._mission(line["mission_id"]).theatre, cap)
                demand[key] = demand.get(key, 0) + line["units"]
        keys = sorted(demand, key=lambda k: (k[0], list(UNIT_CAPABILITIES).index(k[1])))
        weights = [demand[k] * SUPPLY_RATIO.get(k[1], DEFAULT_SUPPLY_RATIO) for k in keys]
        target = self.size.unit_pledges - len(self.pledges)
        counts = _split(target, weights)
        for (theatre, cap), count in zip(keys, counts, strict=True):
            members = self.theatres[theatre]
            barred_everywhere = set.intersection(*(self._mission(m).barred for m in members))
            for _ in range(count):
                state = self._state_for(PROVIDERS[cap], barred_everywhere)
                pledge = self._pledge(state, cap)
                pledge["units"] = rng.choices([1, 2, 3], [86, 11, 3])[0]
                self._caveats(pledge, members)
                self._languages(pledge)
                self.pledges.append(pledge)
        self._ensure_caveats()

    def _caveats(self, pledge: dict[str, Any], members: list[str]) -> None:
        rng = self.rng
        open_missions = [m for m in members if pledge["state"] not in self._mission(m).barred]
        if self.zoned:
            pledge["allowed_missions"] = list(members)
        draw = rng.random()
        if draw < 0.1 and len(open_missions) > 1:
            k = rng.randint(1, min(3, len(open_missions) - 1))
            chosen = rng.sample(open_missions, k)
            pledge["allowed_missions"] = [m for m in members if m in chosen]
        elif draw < 0.15 and len(open_missions) > 1:
            pledge["excluded_missions"] = [rng.choice(open_missions)]

    def _ensure_caveats(self) -> None:
        """Small families still show both kinds of caveat (a rare draw could miss one)."""
        general = [p for p in self.pledges if not p["must_deploy"]
                   and len(p["allowed_missions"]) != 1]
        missions = [m.mission_id for m in self.missions]
        if not any(p["excluded_missions"] for p in general):
            pledge = general[0]
            open_m = [m for m in (pledge["allowed_missions"] or missions)
                      if pledge["state"] not in self._mission(m).barred]
            pledge["excluded_missions"] = open_m[-1:]
        restricted = [p for p in general if p["allowed_missions"]
                      and len(p["allowed_missions"]) < len(self.theatres[0])]
        if not restricted and len(missions) > 1:
            pledge = general[1]
            open_m = [m for m in missions if pledge["state"] not in self._mission(m).barred]
            pledge["allowed_missions"] = open_m[:1]
        self._ensure_barred_offer(general)

    def _ensure_barred_offer(self, general: list[dict[str, Any]]) -> None:
        """Some pledge comes from a state barred from a mission that asks for its capability
        (a host or party offering a unit for other operations), so exclusions remove a
        candidate; the draws above only guarantee that at the larger sizes."""
        asked = {(r["mission_id"], r["capability"]) for r in self.lines}
        for pledge in general:
            for mission_id in self._reach_by_caveats(pledge):
                if (pledge["state"] in self._mission(mission_id).barred
                        and (mission_id, pledge["capability"]) in asked):
                    return
        for mission in self.missions:
            for pledge in general:
                scope = self._reach_by_caveats(pledge)
                if mission.mission_id in scope and len(scope) > 1 \
                        and (mission.mission_id, pledge["capability"]) in asked:
                    parties = sorted(mission.barred - {mission.host}) or [mission.host]
                    pledge["state"] = parties[0]
                    pledge["pledge_id"] = self._next_id(parties[0], "U")
                    pledge["languages"] = []
                    return

    def _reach_by_caveats(self, pledge: dict[str, Any]) -> list[str]:
        members = pledge["allowed_missions"] or self.theatres[self._theatre_of(pledge)]
        return [m for m in members if m not in pledge["excluded_missions"]]

    def _languages(self, pledge: dict[str, Any]) -> None:
        rng = self.rng
        langs = STATE_LANGUAGES[pledge["state"]]
        draw = rng.random()
        if draw < 0.06 and "fr" not in langs:
            pledge["languages"] = [*langs, "fr"]  # a unit with a French-speaking cadre
        elif draw < 0.09 and "en" not in langs:
            pledge["languages"] = [*langs, "en"]
        elif draw < 0.2 and len([x for x in langs if x in LINE_LANGUAGES]) > 1:
            # A unit of a bilingual state that works in one of its languages only.
            pledge["languages"] = [rng.choice([x for x in langs if x in LINE_LANGUAGES])]

    def build_special_pledges(self) -> None:
        """One formed police unit with mostly women: all-female FPUs have served before."""
        for pledge in self.pledges:
            if pledge["capability"] == "FPU" and not pledge["must_deploy"] \
                    and pledge["state"] in ("BGD", "RWA", "GHA", "SEN", "NPL"):
                pledge["women_per_unit"] = round(pledge["personnel_per_unit"] * 0.85)
                break

    # ----- equipment -----------------------------------------------------------------------
    def _lot(self, item: str, quantity: int, barred: set[str]) -> dict[str, Any]:
        rng = self.rng
        donor = self._state_for(ITEM_DONORS[item], barred)
        donated = item != "UTIL_HELO_AIRFRAME" and rng.random() < DONATED_SHARE
        rate = EQUIPMENT_ITEMS[item][1]
        cost = 0 if donated else _round_to(rate * rng.uniform(*LEASE_PREMIUM), 100)
        return {"equipment_id": self._next_id(donor, "E"), "state": donor, "item": item,
                "quantity": max(1, quantity), "monthly_cost_usd": cost,
                "available_days": rng.choice([30, 45, 60, 60, 90, 90, 120, 150]),
                "allowed_missions": []}

    def build_equipment(self) -> None:
        """Lots for the equipment lines (most of them), then lots for troops-only units' gaps."""
        rng = self.rng
        pools: list[tuple[str, int, list[str], set[str]]] = []  # item, sets, missions, barred
        for line in self.lines:
            item = line["capability"]
            if item in EQUIPMENT_ITEMS and not line["mandatory"]:
                mission = self._mission(line["mission_id"])
                qty = math.ceil(line["units"] * rng.uniform(0.6, 1.0) / ITEM_SET[item])
                pools.append((item, qty, [mission.mission_id], mission.barred))
        need: dict[tuple[int, str], int] = {}
        for pledge in self.pledges:
            theatre = self._theatre_of(pledge)
            for item, qty in pledge["equipment_gap"].items():
                need[theatre, item] = need.get((theatre, item), 0) + qty * pledge["units"]
        for (theatre, item), qty in sorted(need.items()):
            members = self.theatres[theatre]
            barred = set.intersection(*(self._mission(m).barred for m in members))
            sets = math.ceil(qty * rng.uniform(GAP_COVER[0], GAP_COVER[1]) / ITEM_SET[item])
            pools.append((item, sets, members, barred))
        target = max(len(pools), self.size.equipment_pledges - len(self.kit))
        lots = [max(1, n) for n in _split(target, [math.sqrt(p[1]) for p in pools])]
        for (item, sets, members, barred), n in zip(pools, lots, strict=True):
            n = min(n, sets)
            for extra in _split(sets - n, [rng.uniform(0.6, 1.4) for _ in range(n)]):
                lot = self._lot(item, (1 + extra) * ITEM_SET[item], barred)
                if self.zoned or len(members) == 1:
                    lot["allowed_missions"] = list(members)
                if len(members) > 1 and rng.random() < 0.25:
                    open_m = [m for m in members if lot["state"] not in self._mission(m).barred]
                    if len(open_m) > 1:
                        chosen = rng.sample(open_m, rng.randint(1, len(open_m) - 1))
                        lot["allowed_missions"] = [m for m in members if m in chosen]
                self.kit.append(lot)

    # ----- transport -----------------------------------------------------------------------
    def build_transport(self) -> None:
        """Far contributors pay long-haul emplacement; helicopter units pay a ferry or heavy-lift
        cost of their own, which overrides their state's row."""
        rng = self.rng
        theatres_of: dict[str, set[int]] = {}
        for pledge in self.pledges:
            theatres_of.setdefault(pledge["state"], set()).add(self._theatre_of(pledge))
        for state in sorted(theatres_of):
            if state not in FAR_STATES:
                continue
            for theatre in sorted(theatres_of[state]):
                for mission_id in self.theatres[theatre]:
                    mission = self._mission(mission_id)
                    if state in mission.barred:
                        continue
                    host_region = STATE_REGION[mission.host]
                    factor = 0.4 if host_region == STATE_REGION[state] else 1.0
                    usd = _round_to(FAR_STATES[state] * 1000 * factor
                                    * FAR_FACTOR[host_region] * rng.uniform(0.92, 1.08), 1000)
                    self.transport.append({"state": state, "pledge_id": None,
                                           "mission_id": mission_id, "cost_usd_per_unit": usd})
                    self.transport_of[state, mission_id] = usd
        lifted = [p for p in self.pledges
                  if p["capability"] in ("UTIL_HELO", "ATK_HELO") and rng.random() < 0.6]
        if not lifted:  # a family without aircraft still has one pledge-level row
            lifted = [next(p for p in self.pledges if not p["must_deploy"])]
        for pledge in lifted:
            for mission_id in self._reach(pledge):
                usd = _round_to(rng.uniform(800_000, 1_800_000), 1000)
                self.transport.append({"state": None, "pledge_id": pledge["pledge_id"],
                                       "mission_id": mission_id, "cost_usd_per_unit": usd})
                self.transport_of[pledge["pledge_id"], mission_id] = usd

    # ----- budgets, ceilings, funding ------------------------------------------------------
    def _unit_cost(self, pledge: dict[str, Any], mission_id: str) -> int:
        """US$ per unit for the period, transport included, as the model charges it."""
        monthly = pledge["monthly_cost_usd"]
        if monthly is None:
            monthly = pledge["personnel_per_unit"] * RATE_USD + pledge["equipment_monthly_cost_usd"]
        move = self.transport_of.get((pledge["pledge_id"], mission_id),
                                     self.transport_of.get((pledge["state"], mission_id), 0))
        return PERIOD_MONTHS * monthly + move

    def _fits(self, pledge: dict[str, Any], line: dict[str, Any], mission: _Mission) -> bool:
        """The compatibility rules of DESIGN §4, for the generator's own estimates."""
        subs = UNIT_CAPABILITIES[line["capability"]][3]
        floor = READINESS.index(line["min_readiness"] or "L2")
        langs = pledge["languages"] or STATE_LANGUAGES[pledge["state"]]
        return ((pledge["capability"] == line["capability"] or pledge["capability"] in subs)
                and READINESS.index(pledge["readiness"]) >= floor
                and (line["deadline_days"] is None
                     or pledge["deploy_days"] <= line["deadline_days"])
                and (line["language"] is None or line["language"] in langs)
                and pledge["state"] not in mission.barred
                and (not pledge["allowed_missions"]
                     or mission.mission_id in pledge["allowed_missions"])
                and mission.mission_id not in pledge["excluded_missions"])

    def _estimates(self) -> dict[str, _Estimate]:
        """Per mission, what filling its lines would cost and take, line by line (contention
        ignored): with the cheapest or the smallest compatible pledges (low), with the dearest or
        the largest (high), and for the forced part (mandatory lines filled by the dearest and
        largest of their dedicated supply, and the must-deploy pledges)."""
        by_key: dict[tuple[int, str], list[dict[str, Any]]] = {}
        for pledge in self.pledges:
            by_key.setdefault((self._theatre_of(pledge), pledge["capability"]), []).append(pledge)
        lease = {item: rate * PERIOD_MONTHS for item, (_, rate) in EQUIPMENT_ITEMS.items()}
        est = {m.mission_id: _Estimate() for m in self.missions}
        for line in self.lines:
            mission = self._mission(line["mission_id"])
            e = est[mission.mission_id]
            cap = line["capability"]
            if cap in EQUIPMENT_ITEMS:
                spend = line["units"] * lease[cap]
                e.low_cost += int(spend * 0.6)
                e.high_cost += int(spend * 1.15)
                if line["mandatory"]:
                    dearest_lot = max(q["monthly_cost_usd"] for q in self.dedicated[id(line)])
                    e.forced_cost += line["units"] * dearest_lot * PERIOD_MONTHS
                continue
            options = []
            for c in (cap, *UNIT_CAPABILITIES[cap][3]):
                for pledge in by_key.get((mission.theatre, c), []):
                    if pledge["must_deploy"] or not self._fits(pledge, line, mission):
                        continue
                    kit = sum(q * lease[i] * 0.6 for i, q in pledge["equipment_gap"].items())
                    options.append((self._unit_cost(pledge, mission.mission_id) + int(kit),
                                    pledge["pledge_id"], pledge))
            if not options:
                continue
            options.sort(key=lambda o: (o[0], o[1]))
            dearest = options[-1][0]
            biggest = max(o[2]["personnel_per_unit"] for o in options)
            e.high_cost += line["units"] * dearest
            e.high_people += line["units"] * biggest
            if line["mandatory"]:
                # Its dedicated supply always fills it: the dearest and largest of those units.
                own = self.dedicated[id(line)]
                costs = sorted((self._unit_cost(p, mission.mission_id) for p in own
                                for _ in range(p["units"])), reverse=True)
                sizes = sorted((p["personnel_per_unit"] for p in own for _ in range(p["units"])),
                               reverse=True)
                e.forced_cost += sum(costs[:line["units"]])
                e.forced_people += sum(sizes[:line["units"]])
            left = line["units"]
            for unit_cost, _, pledge in options:
                take = min(left, pledge["units"])
                e.low_cost += take * unit_cost
                left -= take
                if not left:
                    break
            left = line["units"]
            for pledge in sorted((o[2] for o in options),
                                 key=lambda p: (p["personnel_per_unit"], p["pledge_id"])):
                take = min(left, pledge["units"])
                e.low_people += take * pledge["personnel_per_unit"]
                left -= take
                if not left:
                    break
        for pledge in self.pledges:
            if pledge["must_deploy"]:
                e = est[pledge["allowed_missions"][0]]
                e.forced_cost += pledge["units"] * self._unit_cost(pledge,
                                                                   pledge["allowed_missions"][0])
                e.forced_people += pledge["units"] * pledge["personnel_per_unit"]
        return est

    def build_budgets(self) -> list[dict[str, Any]]:
        """Missions with budgets and ceilings. A few small missions get a budget or a ceiling
        below a cheapest full fill (never below the forced part), so they bind; the others get
        more than the dearest full fill, so they bind nowhere by accident. Funding pledges then
        cover part of the tight budgets' deficits."""
        rng = self.rng
        est = self._estimates()
        ids = [m.mission_id for m in self.missions]
        n = len(ids)
        # Tight missions are small ones (larger ones only when there are none): a binding
        # budget or ceiling makes a knapsack of the mission's lines, and a realistic benchmark
        # should not hinge on one huge knapsack.
        small = [m.mission_id for m in self.missions if m.kind == "obs"]
        small = small or [m.mission_id for m in self.missions if m.kind != "big"] or ids
        # ... and ones whose forced part leaves room to bind.
        room = [m for m in small if est[m].forced_cost * 1.1 < est[m].low_cost * 0.8] or small
        tight_budget = set(rng.sample(room, min(len(room),
                                                max(1, round(n * TIGHT_BUDGET_SHARE)))))
        room = [m for m in small if est[m].forced_people * 1.1 < est[m].low_people] or small
        tight_ceiling = set(rng.sample(room, min(len(room),
                                                 max(1, round(n * TIGHT_CEILING_SHARE)))))
        deficits: dict[str, int] = {}
        rows = []
        for mission in self.missions:
            mid = mission.mission_id
            e = est[mid]
            if mid in tight_budget:
                # Below a cheapest full fill: the mission needs the funding pledges.
                budget = max(e.low_cost * rng.uniform(0.8, 0.9), e.forced_cost * 1.1)
                deficits[mid] = max(0, int(e.low_cost - budget))
            else:
                budget = max(e.high_cost * rng.uniform(1.1, 1.6), e.forced_cost * 1.25)
            ceiling: int | None = None
            if mid in tight_ceiling:
                # Just above the lightest full fill: the ceiling forces smaller units.
                ceiling = _round_to(max(e.low_people * rng.uniform(1.02, 1.05),
                                        e.forced_people * 1.1), 10)
            elif rng.random() < 0.8:
                ceiling = _round_to(e.high_people * rng.uniform(1.05, 1.3) + 100, 10)
            # Force-mix limits: no contributor above a quarter of a large mission, or 30% of a
            # mid-sized one where one is set; small missions have too few units for a share.
            share = None
            if mission.kind == "big":
                share = 0.25
            elif mission.kind == "mid" and rng.random() < 0.4:
                share = 0.3
            rows.append({
                "mission_id": mid, "name": f"Hypothetical operation in "
                f"{next(s[1] for s in STATES if s[0] == mission.host)}"
                + (f" ({mid.rsplit('-', 1)[1]})" if mid.count("-") > 1 else ""),
                "host_state": mission.host,
                "budget_usd": _round_to(max(budget, 1_000_000), 100_000),
                "personnel_ceiling": ceiling,
                "excluded_states": sorted(mission.barred - {mission.host}),
                "women_target": mission.women_target,
                "max_state_share": share,
            })
        self._build_funding(deficits, {m: est[m].low_cost for m in deficits})
        return rows

    def _build_funding(self, deficits: dict[str, int], fills: dict[str, int]) -> None:
        """Earmarked pledges cover part of each tight mission's deficit and unearmarked ones
        the rest, with a margin: the tight missions spend beyond their budgets on funding from
        both kinds, and a plan that fills them is affordable, so budgets shape the plan's
        choices rather than leave lines unfilled."""
        rng = self.rng
        donors, weights = _weighted(FUNDING_DONORS)
        tight = [m.mission_id for m in self.missions if deficits.get(m.mission_id)]

        def pledge(amount: float, earmarks: list[str]) -> None:
            donor = rng.choices(donors, weights)[0]
            self.funding.append({"funding_id": self._next_id(donor, "F"), "donor": donor,
                                 "amount_usd": _round_to(max(amount, 500_000), 100_000),
                                 "earmarked_missions": earmarks})

        pool = 0.0
        for mid in tight:
            earmarked = deficits[mid] * rng.uniform(0.5, 0.8)
            pledge(earmarked, [mid])
            pool += deficits[mid] - earmarked + fills[mid] * FUNDING_MARGIN
        n_pool = max(1, min(len(tight), self.size.funding_pledges // 4))
        for part in _split(100, [rng.uniform(0.5, 1.5) for _ in range(n_pool)]):
            pledge(pool * part / 100, [])
        # The rest is earmarked for missions within their budgets, so it goes unused: donors
        # often earmark for their own priorities rather than where the money is short.
        loose = [m.mission_id for m in self.missions if m.mission_id not in deficits]
        loose = loose or [m.mission_id for m in self.missions]
        while len(self.funding) < self.size.funding_pledges:
            amount = math.exp(rng.uniform(math.log(1e6), math.log(2.5e7)))
            k = rng.choice([1, 1, 2])
            chosen = rng.sample(loose, min(k, len(loose)))
            pledge(amount, [m for m in loose if m in chosen])

    # ----- helpers -------------------------------------------------------------------------
    def _mission(self, mission_id: str) -> _Mission:
        return self._mission_of[mission_id]

    def _theatre_of(self, pledge: dict[str, Any]) -> int:
        allowed = pledge.get("allowed_missions") or []
        return self._mission(allowed[0]).theatre if allowed else 0

    def _reach(self, pledge: dict[str, Any]) -> list[str]:
        """Missions a pledge could serve by caveats and exclusions (for transport rows)."""
        members = pledge["allowed_missions"] or self.theatres[self._theatre_of(pledge)]
        return [m for m in members if m not in pledge["excluded_missions"]
                and pledge["state"] not in self._mission(m).barred]

    # ----- the scenario --------------------------------------------------------------------
    def build(self, seed: int) -> Scenario:
        self.build_missions()
        self.build_lines()
        self.build_forced_supply()
        self.ensure_variety()
        self.number_lines()
        self.build_general_supply()
        self.build_special_pledges()
        self.build_equipment()
        self.build_transport()
        missions = self.build_budgets()
        self.pledges.sort(key=lambda p: p["pledge_id"])
        self.kit.sort(key=lambda q: q["equipment_id"])
        self.funding.sort(key=lambda f: f["funding_id"])
        states = [{"code": code, "name": name, "region": region, "languages": langs}
                  for code, name, region, langs in STATES]
        capabilities = [
            {"capability": cap, "description": desc, "default_personnel": (lo + hi) // 2,
             "substitutes": list(subs), "kind": "unit"}
            for cap, (desc, lo, hi, subs) in UNIT_CAPABILITIES.items()
        ] + [{"capability": item, "description": desc, "default_personnel": None,
              "substitutes": [], "kind": "equipment"}
             for item, (desc, _) in EQUIPMENT_ITEMS.items()]
        tables = {
            "member_states": states, "missions": missions, "requirements": self.lines,
            "unit_pledges": self.pledges, "equipment_pledges": self.kit,
            "funding_pledges": self.funding, "transport_costs": self.transport,
            "capabilities": capabilities,
        }
        policy = {"period_months": PERIOD_MONTHS, "reimbursement_rate_usd": RATE_USD,
                  "women_target": POLICY_WOMEN_TARGET, "time_limit_s": self.size.time_limit_s}
        description = (
            f"Benchmark family '{self.size_name}', seed {seed}: {len(self.missions)} hypothetical "
            f"operations and {len(self.pledges)} invented unit pledges, generated by "
            "allocator.generators.families with every constraint family of the model active. "
            "See datasets/README.md.")
        return Scenario.from_tables(tables, name=f"family-{self.size_name}-{seed}",
                                    description=description, policy=policy)


def generate_family(size: str, seed: int = 0) -> Scenario:
    """A validated benchmark scenario of the given size; the same (size, seed) gives the same
    scenario on every run and platform."""
    if size not in SIZES:
        raise ValueError(f"unknown family size {size!r}; choose one of {', '.join(SIZES)}")
    return _Builder(size, seed).build(seed)


def write_family(size: str, seed: int = 0,
                 out_dir: str | os.PathLike[str] = Path("datasets") / "families") -> Path:
    """Write the family as a CSV folder ``out_dir/<size>`` and return that folder.

    Files the generator does not own (``expected.json``, notes) are kept: the scenario is
    written to a staging folder and its files are moved over the old ones.
    """
    scenario = generate_family(size, seed)
    parent = Path(out_dir)
    parent.mkdir(parents=True, exist_ok=True)
    target = parent / size
    with tempfile.TemporaryDirectory(dir=parent, prefix=f".{size}.") as staging:
        written = write_scenario(scenario, Path(staging) / size)
        target.mkdir(exist_ok=True)
        fresh = {p.name for p in written.iterdir()}
        for old in sorted(target.iterdir()):
            owned = old.suffix == ".csv" or old.name == "scenario.yaml"
            if old.is_file() and owned and old.name not in fresh:
                old.unlink()
        for new in sorted(written.iterdir()):
            os.replace(new, target / new.name)
        shutil.rmtree(written, ignore_errors=True)
    return target
