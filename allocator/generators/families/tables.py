"""The families' own tables: mission hosts, line mixes, who offers what, and their figures.

Shared facts (member states, the capability catalogue, unit strengths, equipment tables, lease
rates) come from ``allocator.generators.reference``; this module keeps what only the families
use, keyed by the catalogue's names and checked against it when imported.
"""

from __future__ import annotations

import math

from allocator.generators import reference as ref

LINE_LANGUAGES = ("fr", "en", "ar", "es", "pt")
"""Languages a requirement line may ask for."""
STATES = tuple(s for s in ref.MEMBER_STATES if s.code != "RUS")
"""The families' 132 member states, in the reference table's order."""

# ------------------------------------------------------------------------------------------
# Capabilities: the catalogue's, with the families' strengths and one more substitute.
# ------------------------------------------------------------------------------------------
SUBSTITUTES = ref.SUBSTITUTES | {"INF_COY": ("QRF_COY",)}
"""The catalogue's substitutes, and a quick reaction force company for an infantry company."""
DEFAULT_PERSONNEL = {cap: (low + high) // 2 for cap, (low, high) in ref.PERSONNEL_RANGE.items()}
"""Default strength written to the capabilities table: the middle of the strength range."""
DESCRIPTIONS = ref.DESCRIPTIONS | {"UAS_SYSTEM": "Unmanned aerial system with ground station"}
"""Capability descriptions the families write."""
LEASE_USD = ref.FAMILIES_LEASE_USD
"""Standard monthly lease per equipment item; its order is the capabilities table's order."""
GAP_TABLE = ref.STANDARD_GAP | {"QRF_COY": {"MRAP": 4}}
"""What a troops-only unit needs from a partner: the standard table, a heavier QRF company."""
ITEM_SET = {item: math.lcm(*(q[item] for q in GAP_TABLE.values() if item in q))
            for item in LEASE_USD}
"""Items per set. Lots and equipment lines are whole sets (10 APCs equip one battalion, two FPUs
or five companies), so partners' equipment never leaves a unit equipped by halves, which a
fractional relaxation would exploit."""
ALL_IN_MONTHLY = ref.FAMILIES_ALL_IN_MONTHLY
"""All-in monthly cost range (US$ per unit) of units whose aircraft or kit dominate the bill."""
BASE_PRIORITY = {
    "INF_BN": 1, "INF_COY": 3, "QRF_COY": 2, "RECCE_COY": 3, "ENG_COY": 2, "L1_HOSP": 2,
    "L2_HOSP": 1, "UTIL_HELO": 2, "ATK_HELO": 3, "FPU": 2, "SIG_COY": 3, "MP_COY": 4,
    "RIVERINE_COY": 3, "UAS_UNIT": 3, "LOG_COY": 3, "TPT_COY": 4, "DEMINING_COY": 3,
    "APC": 3, "MRAP": 2, "TRUCK": 4, "ENG_PLANT_SET": 3, "UAS_SYSTEM": 3, "L2_HOSP_KIT": 2,
    "UTIL_HELO_AIRFRAME": 3, "PATROL_BOAT": 4,
}
"""Base priority of each capability's lines; each line varies it by one either way."""
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
"""Line mix by mission class: capability weights (units per line are drawn per line)."""
CLASS_WEIGHT = {"big": 3.0, "mid": 1.8, "obs": 0.8}
"""Share of the requirement lines by mission class."""
SUPPLY_RATIO = {"UTIL_HELO": 0.75, "ATK_HELO": 0.7, "L2_HOSP": 1.0, "RIVERINE_COY": 0.8,
                "UAS_UNIT": 1.1}
"""Supply per unit of demand, before scaling to the size's pledge count: aviation, level-2
hospitals and riverine units are scarce, as in real force generation."""
DEFAULT_SUPPLY_RATIO = 1.9
"""Supply per unit of demand of the capabilities not in ``SUPPLY_RATIO``."""

# ------------------------------------------------------------------------------------------
# Missions: hypothetical operations named after their host; parties excluded per DESIGN §2.
# ------------------------------------------------------------------------------------------
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
"""host: (class, line languages, parties excluded besides the host, mission women target)."""
HOST_ORDER = list(HOSTS)
"""Hosts in the order missions are made (the list repeats at ``xl``)."""
POLICY_WOMEN_TARGET: float | None = None
"""The policy's women target: none, so only the missions' own targets apply."""
TIGHT_BUDGET_SHARE = 0.15
"""Share of missions whose budget is set below a cheapest full fill."""
TIGHT_CEILING_SHARE = 0.1
"""Share of missions whose personnel ceiling is set just above their lightest full fill."""
GAP_COVER = (1.0, 1.3)
"""Donors' equipment for troops-only units, as a share of what all their gaps need (theatre)."""
DONATED_SHARE = 0.2
"""Share of equipment lots donated (no cost to the mission)."""
LEASE_PREMIUM = (1.2, 1.5)
"""A partner's lease relative to the standard rate: it includes maintenance and transport."""
FUNDING_MARGIN = 0.08
"""Funding beyond the tight missions' deficits, as a share of their cheapest full fill."""

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
"""Who offers each unit capability: weighted state lists; the main contributors weigh most."""
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
"""Who donates or leases each equipment item: weighted state lists."""
FUNDING_DONORS = ref.FUNDING_DONORS + " QAT:1 ARE:1 SAU:1"
"""Funding donors: the reference list and three Gulf donors."""
WOMEN_SHARE = {
    "RWA": 0.14, "GHA": 0.15, "ZAF": 0.17, "NAM": 0.16, "ZMB": 0.14, "NGA": 0.13, "SEN": 0.12,
    "IRL": 0.12, "FIN": 0.14, "URY": 0.12, "ARG": 0.13, "GBR": 0.12, "NPL": 0.10, "BGD": 0.08,
    "IND": 0.07, "PAK": 0.06, "EGY": 0.05, "MAR": 0.06, "JOR": 0.07, "CHN": 0.10, "IDN": 0.11,
    "MNG": 0.12, "KHM": 0.12, "TZA": 0.12, "KEN": 0.11, "MWI": 0.13, "SLE": 0.11, "LBR": 0.12,
    "NOR": 0.16, "SWE": 0.16, "CAN": 0.15, "FRA": 0.12, "BRA": 0.10, "PRT": 0.11,
}
"""Share of women in a contributor's units (0.08 where not listed)."""
WOMEN_SHIFT = {"FPU": 0.05, "L1_HOSP": 0.09, "L2_HOSP": 0.10, "INF_BN": -0.01, "SIG_COY": 0.02,
               "MP_COY": 0.03, "UTIL_HELO": -0.02, "ATK_HELO": -0.03}
"""Change to the share of women by capability."""
FAR_STATES = {
    "URY": 560, "ARG": 580, "BRA": 470, "PER": 600, "SLV": 540, "GTM": 550, "CHL": 620,
    "BOL": 590, "PRY": 570, "ECU": 560, "DOM": 480, "HND": 550, "JAM": 470, "CHN": 430,
    "KOR": 470, "JPN": 490, "MNG": 450, "IDN": 400, "KHM": 390, "VNM": 400, "MYS": 380,
    "PHL": 440, "THA": 380, "TLS": 450, "FJI": 690, "TON": 700, "PNG": 640, "KAZ": 330,
    "KGZ": 340,
}
"""Emplacement and rotation by long-haul air and sea (US$ thousands per unit, to Africa)."""
FAR_FACTOR = {"Africa": 1.0, "Asia": 0.8, "Americas": 0.9, "Europe": 0.7, "Oceania": 1.0}
"""Factor on ``FAR_STATES`` by the mission's region (Middle East hosts are Asia)."""
READINESS_MIX = (("L1", 15), ("L2", 45), ("L3", 28), ("RDL", 12))
"""Readiness levels of the pledges, weighted."""
DEPLOY_DAYS = {"L1": (150, 240), "L2": (90, 150), "L3": (60, 90), "RDL": (25, 60)}
"""Days to deploy by readiness level, shortest to longest."""


def _check() -> None:
    """Every capability and state named above is in the catalogue and the families' states."""
    codes = [s.code for s in STATES]
    units = ref.UNIT_CAPABILITIES
    ref.check_complete(PROVIDERS, units, "PROVIDERS")
    ref.check_complete(LEASE_USD, ref.EQUIPMENT_ITEMS, "LEASE_USD")
    ref.check_complete(BASE_PRIORITY, ref.CATALOGUE, "BASE_PRIORITY")
    ref.check_complete(ITEM_DONORS, ref.EQUIPMENT_ITEMS, "ITEM_DONORS")
    for name, table in (("SUBSTITUTES", SUBSTITUTES), ("DESCRIPTIONS", DESCRIPTIONS),
                        ("BASE_PRIORITY", BASE_PRIORITY)):
        ref.check_capabilities(table, name)
    for name, table in (("PROVIDERS", PROVIDERS), ("SUPPLY_RATIO", SUPPLY_RATIO),
                        ("WOMEN_SHIFT", WOMEN_SHIFT), ("ALL_IN_MONTHLY", ALL_IN_MONTHLY)):
        ref.check_capabilities(table, name, "unit")
    ref.check_capabilities(ITEM_DONORS, "ITEM_DONORS", "equipment")
    ref.check_capabilities([c for subs in SUBSTITUTES.values() for c in subs], "SUBSTITUTES")
    ref.check_gap_table(GAP_TABLE, "GAP_TABLE")
    for kind, spec in MIX.items():
        ref.check_capabilities(ref.spec_keys(spec), f"MIX[{kind}]")
    for name, specs in (("PROVIDERS", PROVIDERS), ("ITEM_DONORS", ITEM_DONORS)):
        for cap, spec in specs.items():
            ref.check_states(ref.spec_keys(spec), f"{name}[{cap}]", codes)
    hosts = [*HOSTS, *(p for _, _, parties, _ in HOSTS.values() for p in parties.split())]
    for name, states in (("HOSTS", hosts), ("FUNDING_DONORS", ref.spec_keys(FUNDING_DONORS)),
                         ("WOMEN_SHARE", WOMEN_SHARE), ("FAR_STATES", FAR_STATES)):
        ref.check_states(states, name, codes)


_check()
