"""``un_2025``'s supply: who offers what, caveats, women, readiness, equipment and transport.

Shared facts (member states, the capability catalogue, equipment tables, lease rates) come
from ``allocator.generators.reference``; this module keeps what only ``un_2025`` draws from,
keyed by the catalogue's names and checked against it when imported.
"""

from __future__ import annotations

from allocator.generators import reference as ref
from allocator.generators.un_2025.tables import MISSION_IDS, STATES

# --------------------------------------------------------------------------------------------
# Unit pledges: who offers what. Weighted state lists; the top contributors weigh most.
# --------------------------------------------------------------------------------------------
TOP = "NPL:9 BGD:9 IND:8 RWA:8 PAK:7 IDN:5 GHA:6 CHN:4 MAR:4 EGY:4"
"""The top troop and police contributors, weighted: they lead most lists below."""
PROVIDERS = {
    "INF_BN": (105, TOP + " TZA:4 SEN:3 ZMB:3 ETH:4 BFA:2 TCD:2 TUN:2 CMR:2 KEN:2 MYS:1 KOR:1 "
               "ITA:2 FRA:1 ESP:1 IRL:1 NGA:2 NER:1 TGO:1 BEN:1 MNG:2 KHM:1 JOR:1 URY:1 BRA:1 "
               "GAB:1 MRT:1 BDI:1 UGA:1 FJI:1 LKA:1 MWI:1 SLE:1 ZAF:1"),
    "INF_COY": (70, TOP + " FJI:2 IRL:2 AUT:1 FIN:1 POL:1 SVK:2 ARG:2 GBR:2 HUN:1 SRB:1 BTN:2 "
                "LKA:2 SLV:2 GTM:2 PER:2 URY:2 PRY:1 CHL:1 BOL:1 MDG:1 GIN:2 SLE:2 LBR:1 MWI:2 "
                "NAM:1 BWA:1 GMB:1 DJI:1 MRT:1 TZA:2 SEN:2 ZMB:2 KEN:1 MYS:1 THA:1 PHL:1 VNM:1 "
                "KHM:1 MNG:2 KAZ:1 HRV:1 EST:1 LTU:1 CIV:1 BEN:1 TGO:1"),
    "QRF_COY": (16, "NPL:3 BGD:2 IND:2 PAK:3 RWA:3 SEN:2 IDN:1 KEN:1 PRT:2 FRA:1 ZMB:1 MAR:1"),
    "RECCE_COY": (11, "NPL:2 BGD:2 IND:1 PAK:2 IDN:1 GHA:1 EGY:1 ITA:1 ESP:1 ZMB:1 TZA:1"),
    "ENG_COY": (34, "BGD:4 CHN:4 PAK:3 IND:3 NPL:2 IDN:2 EGY:2 RWA:2 JPN:1 KOR:2 IDN:1 MAR:1 "
                "TZA:1 ZMB:1 GHA:2 SEN:1 CMR:1 BFA:1 KHM:2 VNM:1 MNG:1 THA:1 ITA:1 FRA:1 "
                "ESP:1"),
    "L1_HOSP": (30, "BGD:2 PAK:2 IND:2 NPL:2 EGY:2 MAR:2 GHA:2 RWA:2 IDN:1 CHN:1 SEN:1 "
                "CMR:1 TZA:1 ZMB:1 KEN:1 JOR:1 MNG:1 VNM:1 KHM:1 LKA:1 BFA:1 TUN:1 URY:1 "
                "ITA:1 SLV:1 PER:1 GTM:1 MYS:1 BRA:1"),
    "FPU": (62, "RWA:4 SEN:4 EGY:3 JOR:4 BGD:5 NPL:4 IND:4 PAK:2 CMR:3 BFA:2 TGO:2 NER:2 "
            "BEN:2 COG:2 GHA:3 NGA:2 IDN:2 CHN:1 ZMB:1 MRT:2 GAB:1 TUN:1 MAR:1 TZA:1 KEN:1 "
            "MYS:1 GIN:1 CIV:1 MDG:1 DJI:1"),
    "SIG_COY": (16, "IND:2 BGD:2 PAK:2 NPL:1 CHN:1 GHA:2 EGY:1 IDN:1 KOR:1 MYS:1 ITA:1 "
                "FRA:1 RWA:1 NGA:1"),
    "MP_COY": (14, "NPL:2 BGD:2 IND:1 PAK:1 GHA:1 RWA:1 SEN:1 IDN:1 MAR:1 GBR:1 SVK:1 "
               "IRL:1 ARG:1"),
    "LOG_COY": (21, "BGD:3 PAK:2 IND:2 NPL:2 CHN:2 EGY:1 IDN:1 GHA:1 TZA:1 ZMB:1 KEN:1 "
                "ETH:1 RWA:1 MAR:1 VNM:1 KOR:1 ITA:1 ESP:1"),
    "TPT_COY": (19, "BGD:2 PAK:2 IND:2 NPL:2 CHN:1 EGY:1 GHA:1 TZA:1 ZMB:1 RWA:1 NGA:1 "
                "MAR:1 IDN:1 MNG:1 KHM:1"),
    "DEMINING_COY": (14, "CHN:2 KHM:3 PAK:2 BGD:1 EGY:1 IND:1 NPL:1 ZMB:1 RWA:1 SEN:1 "
                     "MAR:1 SRB:1"),
}
"""(rows, weighted states) of each capability with a drawn list of offering states."""
FIXED_PROVIDERS = {
    "UTIL_HELO": ["BGD", "BGD", "PAK", "PAK", "ETH", "ITA", "ARG", "SLV", "RWA", "ZAF", "IDN"],
    "ATK_HELO": ["ZAF", "PAK", "IND"],
    "L2_HOSP": ["CHN", "CHN", "BGD", "PAK", "IND", "EGY", "SRB", "KHM", "VNM"],
    "RIVERINE_COY": ["URY", "URY", "BGD", "IDN"],
    "UAS_UNIT": ["ITA", "IND", "BGD", "CHN", "KOR", "PAK"],
}
"""Scarce capabilities: the exact list of offering states, one row each."""

STATE_CAVEATS = {
    "IRL": "UNIFIL;UNDOF", "FJI": "UNDOF;UNIFIL;UNMISS", "ARG": "UNFICYP;UNMISS",
    "GBR": "UNFICYP;UNMISS", "SVK": "UNFICYP", "AUT": "UNIFIL;UNDOF", "FIN": "UNIFIL",
    "KOR": "UNIFIL;UNMISS", "JPN": "UNMISS", "ITA": "UNIFIL", "ESP": "UNIFIL",
    "FRA": "UNIFIL;MINUSCA", "URY": "MONUSCO;UNDOF", "PRT": "MINUSCA", "HUN": "UNFICYP;UNIFIL",
    "EST": "UNIFIL", "LTU": "UNIFIL", "POL": "UNIFIL", "HRV": "UNIFIL", "SRB": "UNIFIL;MINUSCA",
    "CHL": "UNFICYP", "PRY": "UNFICYP", "BRA": "UNIFIL;MONUSCO", "MYS": "UNIFIL",
    "KAZ": "UNIFIL", "THA": "UNMISS", "PHL": "UNDOF",
}
"""Caveats (allowed missions) some states attach to most of their pledges."""

WOMEN_BASE = {
    "RWA": 0.14, "GHA": 0.15, "ZAF": 0.17, "NAM": 0.15, "ZMB": 0.14, "NGA": 0.13, "SEN": 0.12,
    "IRL": 0.12, "FIN": 0.13, "URY": 0.12, "ARG": 0.13, "GBR": 0.12, "NPL": 0.10, "BGD": 0.08,
    "IND": 0.07, "PAK": 0.06, "EGY": 0.05, "MAR": 0.06, "JOR": 0.06, "CHN": 0.10, "IDN": 0.11,
    "MNG": 0.12, "KHM": 0.12, "TZA": 0.12, "KEN": 0.11, "MWI": 0.12, "SLE": 0.11, "LBR": 0.12,
}
"""Share of women by state (0.09 where not listed)."""
WOMEN_OFFSET = {"FPU": 0.04, "L1_HOSP": 0.08, "L2_HOSP": 0.08, "INF_BN": -0.01}
"""Change to the share of women by capability."""
READINESS_MIX = (("L1", 15), ("L2", 45), ("L3", 30), ("RDL", 10))
"""Readiness levels of the pledges, weighted."""
DEPLOY_DAYS = {"L1": (151, 240), "L2": (91, 150), "L3": (61, 90), "RDL": (30, 60)}
"""Days to deploy by readiness level, shortest to longest."""
EXPLICIT_COST_RANGE = ref.UN_2025_ALL_IN_MONTHLY
"""Explicit monthly cost range (US$ per unit) of units that bring costly equipment of their
own (aviation, level-2 hospitals, UAS)."""

# --------------------------------------------------------------------------------------------
# Equipment pledges, funding, transport.
# --------------------------------------------------------------------------------------------
ITEM_MONTHLY_COST = ref.UN_2025_LEASE_USD
"""Monthly wet-lease rate per item (US$), one standard rate per category as in the COE system;
assumptions of this dataset. Donated lots cost 0."""
ITEM_LOT = {
    "APC": 10, "MRAP": 4, "TRUCK": 12, "ENG_PLANT_SET": 1, "UAS_SYSTEM": 1, "L2_HOSP_KIT": 1,
    "UTIL_HELO_AIRFRAME": 1, "PATROL_BOAT": 2,
}
"""Typical size of one equipment pledge (items); the need is split into lots about so big."""
ITEM_DONORS = {
    "APC": "USA:3 GBR:2 FRA:2 DEU:2 CAN:1 NLD:1 ITA:1 ESP:1 KOR:1 CHN:2 TUR:1 AUS:1",
    "MRAP": "USA:3 GBR:1 CAN:1 AUS:1 DEU:1 KOR:1",
    "TRUCK": "JPN:2 DEU:2 CHN:2 NOR:1 SWE:1 NLD:1 USA:1 DNK:1",
    "ENG_PLANT_SET": "JPN:3 CHN:2 KOR:1 DEU:1 NOR:1",
    "UAS_SYSTEM": "USA:1 NLD:1 GBR:1 FRA:1",
    "L2_HOSP_KIT": "CHN:1 NOR:1 DEU:1 SWE:1 CHE:1",
    "UTIL_HELO_AIRFRAME": "RUS:1 USA:1 CAN:1",
    "PATROL_BOAT": "NLD:1 ITA:1 FRA:1 USA:1",
}
"""Who donates or leases each equipment item: weighted state lists."""
ITEM_COVER = {
    "APC": 0.45, "MRAP": 0.6, "TRUCK": 0.6, "ENG_PLANT_SET": 0.7, "UAS_SYSTEM": 0.7,
    "L2_HOSP_KIT": 0.7, "UTIL_HELO_AIRFRAME": 0.7, "PATROL_BOAT": 0.7,
}
"""Pledged quantity as a share of what all troops-only units' gaps would need together: most
but not all gaps can be covered."""
FUNDING_DONORS = ref.FUNDING_DONORS
"""Funding donors, weighted."""
EARMARK_WEIGHTS = "UNISFA:4 UNDOF:3 UNFICYP:3 UNSOS:3 MINUSCA:2 UNMISS:2 MONUSCO:1 MINURSO:1"
"""Where earmarked funding goes, weighted."""

# Far-away contributors pay emplacement and rotation by long-haul air and sea; approximate
# capitals and mission headquarters (latitude, longitude) drive a flat cost per unit.
FAR_STATES = {
    "URY": (-34.9, -56.2), "ARG": (-34.6, -58.4), "BRA": (-15.8, -47.9), "PER": (-12.0, -77.0),
    "SLV": (13.7, -89.2), "GTM": (14.6, -90.5), "CHL": (-33.4, -70.6), "BOL": (-16.5, -68.1),
    "PRY": (-25.3, -57.6), "CHN": (39.9, 116.4), "KOR": (37.6, 127.0), "JPN": (35.7, 139.7),
    "MNG": (47.9, 106.9), "IDN": (-6.2, 106.8), "KHM": (11.6, 104.9), "VNM": (21.0, 105.8),
    "MYS": (3.1, 101.7), "FJI": (-18.1, 178.4), "PHL": (14.6, 121.0),
}
"""Capitals (latitude, longitude) of far-away contributors, which pay long-haul transport."""
MISSION_HQ = {
    "MINUSCA": (4.4, 18.6), "MONUSCO": (-1.7, 29.2), "UNMISS": (4.9, 31.6),
    "UNIFIL": (33.1, 35.1), "UNISFA": (9.6, 28.4), "MINURSO": (27.2, -13.2),
    "UNDOF": (33.3, 35.9), "UNFICYP": (35.2, 33.4), "UNSOS": (2.0, 45.3), "UNMIK": (42.7, 21.2),
}
"""Mission headquarters (latitude, longitude)."""
TRANSPORT_BASE_USD = 120_000
"""Flat part of a far contributor's transport cost per unit (US$)."""
TRANSPORT_USD_PER_KM = 45
"""Transport cost per great-circle km from the capital to the headquarters (US$)."""


def _check() -> None:
    """Every capability and state named above is in the catalogue and the dataset's states."""
    codes = [s.code for s in STATES]
    for name, table in (("PROVIDERS", PROVIDERS), ("FIXED_PROVIDERS", FIXED_PROVIDERS),
                        ("WOMEN_OFFSET", WOMEN_OFFSET)):
        ref.check_capabilities(table, name, "unit")
    ref.check_complete([*PROVIDERS, *FIXED_PROVIDERS], ref.UNIT_CAPABILITIES, "PROVIDERS")
    for name, table in (("ITEM_LOT", ITEM_LOT), ("ITEM_DONORS", ITEM_DONORS),
                        ("ITEM_COVER", ITEM_COVER)):
        ref.check_capabilities(table, name, "equipment")
        ref.check_complete(table, ref.EQUIPMENT_ITEMS, name)
    lists = [ref.spec_keys(spec) for _, spec in PROVIDERS.values()]
    lists += [*FIXED_PROVIDERS.values(), *(ref.spec_keys(s) for s in ITEM_DONORS.values())]
    lists += [STATE_CAVEATS, WOMEN_BASE, FAR_STATES, ref.spec_keys(FUNDING_DONORS)]
    for states in lists:
        ref.check_states(states, "un_2025 supply tables", codes)
    missions = [*MISSION_HQ, *ref.spec_keys(EARMARK_WEIGHTS)]
    missions += [m for caveat in STATE_CAVEATS.values() for m in caveat.split(";")]
    unknown = sorted(set(missions) - set(MISSION_IDS))
    if unknown:
        raise ValueError(f"un_2025 supply tables: unknown missions: {', '.join(unknown)}")


_check()
