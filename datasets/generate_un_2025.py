#!/usr/bin/env python3
"""Generate the ``un_2025`` scenario: UN peacekeeping force generation for 2025-26.

Mission budgets, ceilings, the reimbursement rate, gender targets, exclusions and the top
contributors come from public figures (see ``datasets/README.md`` for each source and for the
figures that are estimates). Requirement lines and pledges are synthetic, drawn from a seeded
``random.Random(2025)``, so every run writes byte-identical files.

Run: ``python datasets/generate_un_2025.py``. It writes ``datasets/un_2025/`` next to itself.
Needs only the standard library.
"""

from __future__ import annotations

import csv
import math
import random
from pathlib import Path

SEED = 2025
OUT_DIR = Path(__file__).parent / "un_2025"

PERIOD_MONTHS = 12
REIMBURSEMENT_RATE_USD = 1448  # per person per month; see README on 1,428 vs 1,448
PRIORITY_WEIGHTS = {1: 16, 2: 8, 3: 4, 4: 2, 5: 1}
READINESS_ORDER = ("L1", "L2", "L3", "RDL")

# --------------------------------------------------------------------------------------------
# Member states: ISO 3166-1 alpha-3, name, UN geoscheme region, main languages (ISO 639-1).
# --------------------------------------------------------------------------------------------
MEMBER_STATES = [
    # Africa
    ("BDI", "Burundi", "Africa", "fr;rn"),
    ("BEN", "Benin", "Africa", "fr"),
    ("BFA", "Burkina Faso", "Africa", "fr"),
    ("BWA", "Botswana", "Africa", "en"),
    ("CAF", "Central African Republic", "Africa", "fr;sg"),
    ("CIV", "Côte d'Ivoire", "Africa", "fr"),
    ("CMR", "Cameroon", "Africa", "fr;en"),
    ("COD", "Democratic Republic of the Congo", "Africa", "fr"),
    ("COG", "Congo", "Africa", "fr"),
    ("DJI", "Djibouti", "Africa", "fr;ar"),
    ("DZA", "Algeria", "Africa", "ar;fr"),
    ("EGY", "Egypt", "Africa", "ar"),
    ("ETH", "Ethiopia", "Africa", "am;en"),
    ("GAB", "Gabon", "Africa", "fr"),
    ("GHA", "Ghana", "Africa", "en"),
    ("GIN", "Guinea", "Africa", "fr"),
    ("GMB", "Gambia", "Africa", "en"),
    ("KEN", "Kenya", "Africa", "en;sw"),
    ("LBR", "Liberia", "Africa", "en"),
    ("MAR", "Morocco", "Africa", "ar;fr"),
    ("MDG", "Madagascar", "Africa", "mg;fr"),
    ("MLI", "Mali", "Africa", "fr"),
    ("MOZ", "Mozambique", "Africa", "pt"),
    ("MRT", "Mauritania", "Africa", "ar;fr"),
    ("MWI", "Malawi", "Africa", "en"),
    ("NAM", "Namibia", "Africa", "en"),
    ("NER", "Niger", "Africa", "fr"),
    ("NGA", "Nigeria", "Africa", "en"),
    ("RWA", "Rwanda", "Africa", "en;fr;rw"),
    ("SDN", "Sudan", "Africa", "ar;en"),
    ("SEN", "Senegal", "Africa", "fr"),
    ("SLE", "Sierra Leone", "Africa", "en"),
    ("SOM", "Somalia", "Africa", "so;ar"),
    ("SSD", "South Sudan", "Africa", "en"),
    ("TCD", "Chad", "Africa", "fr;ar"),
    ("TGO", "Togo", "Africa", "fr"),
    ("TUN", "Tunisia", "Africa", "ar;fr"),
    ("TZA", "United Republic of Tanzania", "Africa", "sw;en"),
    ("UGA", "Uganda", "Africa", "en;sw"),
    ("ZAF", "South Africa", "Africa", "en"),
    ("ZMB", "Zambia", "Africa", "en"),
    ("ZWE", "Zimbabwe", "Africa", "en"),
    # Americas
    ("ARG", "Argentina", "Americas", "es"),
    ("BOL", "Bolivia (Plurinational State of)", "Americas", "es"),
    ("BRA", "Brazil", "Americas", "pt"),
    ("CAN", "Canada", "Americas", "en;fr"),
    ("CHL", "Chile", "Americas", "es"),
    ("GTM", "Guatemala", "Americas", "es"),
    ("MEX", "Mexico", "Americas", "es"),
    ("PER", "Peru", "Americas", "es"),
    ("PRY", "Paraguay", "Americas", "es"),
    ("SLV", "El Salvador", "Americas", "es"),
    ("URY", "Uruguay", "Americas", "es"),
    ("USA", "United States of America", "Americas", "en"),
    # Asia
    ("BGD", "Bangladesh", "Asia", "bn;en"),
    ("BTN", "Bhutan", "Asia", "dz;en"),
    ("CHN", "China", "Asia", "zh"),
    ("CYP", "Cyprus", "Asia", "el;tr"),
    ("IDN", "Indonesia", "Asia", "id"),
    ("IND", "India", "Asia", "hi;en"),
    ("ISR", "Israel", "Asia", "he;ar"),
    ("JOR", "Jordan", "Asia", "ar"),
    ("JPN", "Japan", "Asia", "ja"),
    ("KAZ", "Kazakhstan", "Asia", "kk;ru"),
    ("KHM", "Cambodia", "Asia", "km"),
    ("KOR", "Republic of Korea", "Asia", "ko"),
    ("LBN", "Lebanon", "Asia", "ar;fr"),
    ("LKA", "Sri Lanka", "Asia", "si;ta;en"),
    ("MNG", "Mongolia", "Asia", "mn"),
    ("MYS", "Malaysia", "Asia", "ms;en"),
    ("NPL", "Nepal", "Asia", "ne;en"),
    ("PAK", "Pakistan", "Asia", "ur;en"),
    ("PHL", "Philippines", "Asia", "en;tl"),
    ("SYR", "Syrian Arab Republic", "Asia", "ar"),
    ("THA", "Thailand", "Asia", "th"),
    ("TUR", "Türkiye", "Asia", "tr"),
    ("VNM", "Viet Nam", "Asia", "vi"),
    # Europe
    ("ALB", "Albania", "Europe", "sq"),
    ("AUT", "Austria", "Europe", "de"),
    ("BEL", "Belgium", "Europe", "nl;fr;de"),
    ("BIH", "Bosnia and Herzegovina", "Europe", "bs;hr;sr"),
    ("CHE", "Switzerland", "Europe", "de;fr;it"),
    ("CZE", "Czechia", "Europe", "cs"),
    ("DEU", "Germany", "Europe", "de"),
    ("DNK", "Denmark", "Europe", "da"),
    ("ESP", "Spain", "Europe", "es"),
    ("EST", "Estonia", "Europe", "et"),
    ("FIN", "Finland", "Europe", "fi;sv"),
    ("FRA", "France", "Europe", "fr"),
    ("GBR", "United Kingdom of Great Britain and Northern Ireland", "Europe", "en"),
    ("GRC", "Greece", "Europe", "el"),
    ("HRV", "Croatia", "Europe", "hr"),
    ("HUN", "Hungary", "Europe", "hu"),
    ("IRL", "Ireland", "Europe", "en;ga"),
    ("ITA", "Italy", "Europe", "it"),
    ("LTU", "Lithuania", "Europe", "lt"),
    ("MKD", "North Macedonia", "Europe", "mk;sq"),
    ("NLD", "Netherlands (Kingdom of the)", "Europe", "nl"),
    ("NOR", "Norway", "Europe", "no"),
    ("POL", "Poland", "Europe", "pl"),
    ("PRT", "Portugal", "Europe", "pt"),
    ("ROU", "Romania", "Europe", "ro"),
    ("RUS", "Russian Federation", "Europe", "ru"),
    ("SRB", "Serbia", "Europe", "sr"),
    ("SVK", "Slovakia", "Europe", "sk"),
    ("SVN", "Slovenia", "Europe", "sl"),
    ("SWE", "Sweden", "Europe", "sv"),
    ("UKR", "Ukraine", "Europe", "uk"),
    # Oceania
    ("AUS", "Australia", "Oceania", "en"),
    ("FJI", "Fiji", "Oceania", "en;fj"),
    ("NZL", "New Zealand", "Oceania", "en;mi"),
]
STATE_LANGUAGES = {code: langs.split(";") for code, _, _, langs in MEMBER_STATES}

# --------------------------------------------------------------------------------------------
# Capabilities (same codes, personnel and substitutes as the library's standard catalogue).
# --------------------------------------------------------------------------------------------
CAPABILITIES = [
    # capability, description, default personnel, substitutes, kind
    ("INF_BN", "Infantry battalion", 850, "", "unit"),
    ("INF_COY", "Infantry company", 150, "", "unit"),
    ("QRF_COY", "Quick reaction force company", 180, "", "unit"),
    ("RECCE_COY", "Reconnaissance company", 150, "QRF_COY", "unit"),
    ("ENG_COY", "Engineering company", 250, "", "unit"),
    ("L1_HOSP", "Level-1 hospital", 25, "L2_HOSP", "unit"),
    ("L2_HOSP", "Level-2 hospital", 70, "", "unit"),
    ("UTIL_HELO", "Utility helicopter unit (3 aircraft)", 110, "", "unit"),
    ("ATK_HELO", "Attack helicopter unit (3 aircraft)", 130, "", "unit"),
    ("FPU", "Formed police unit", 140, "", "unit"),
    ("SIG_COY", "Signals company", 120, "", "unit"),
    ("MP_COY", "Military police company", 100, "", "unit"),
    ("RIVERINE_COY", "Riverine company", 150, "", "unit"),
    ("UAS_UNIT", "Unmanned aerial systems unit", 60, "", "unit"),
    ("LOG_COY", "Logistics company", 200, "", "unit"),
    ("TPT_COY", "Transport company", 150, "LOG_COY", "unit"),
    ("DEMINING_COY", "Demining company", 100, "", "unit"),
    ("APC", "Armoured personnel carrier", None, "", "equipment"),
    ("MRAP", "Mine-resistant ambush-protected vehicle", None, "", "equipment"),
    ("UTIL_HELO_AIRFRAME", "Utility helicopter airframe", None, "", "equipment"),
    ("ENG_PLANT_SET", "Engineering plant set (earthmoving and construction)", None, "",
     "equipment"),
    ("UAS_SYSTEM", "Unmanned aerial system (air vehicles and ground station)", None, "",
     "equipment"),
    ("L2_HOSP_KIT", "Level-2 hospital equipment kit", None, "", "equipment"),
    ("TRUCK", "Utility truck", None, "", "equipment"),
    ("PATROL_BOAT", "Riverine or coastal patrol boat", None, "", "equipment"),
]
DEFAULT_PERSONNEL = {c[0]: c[2] for c in CAPABILITIES if c[4] == "unit"}
SUBSTITUTES = {c[0]: [s for s in c[3].split(";") if s] for c in CAPABILITIES}
EQUIPMENT_ITEMS = [c[0] for c in CAPABILITIES if c[4] == "equipment"]

# --------------------------------------------------------------------------------------------
# Missions. Budgets: see README. Confirmed figures are used as they are; the others are
# estimates scaled so that the ten budgets add up to the ~US$5.38 bn approved for 2025-26.
# --------------------------------------------------------------------------------------------
TOTAL_BUDGET_2025_26 = 5_380_000_000
FIXED_BUDGETS = {
    "UNIFIL": 582_630_000,  # approved 2024-25 (GA/12611)
    "MINURSO": 71_898_400,  # Secretary-General's proposal for 2025-26
    "UNISFA": 310_000_000,  # reported approved 2025-26 (rounded)
    "UNFICYP": 57_300_000,  # worked out from reported 2025 spending (estimate)
}
# Relative size of the other budgets (approximate 2024-25 levels, US$ millions); only their
# ratios matter: they share what is left of the total once FIXED_BUDGETS are taken out.
ESTIMATE_WEIGHTS = {
    "MINUSCA": 1180,
    "MONUSCO": 1020,
    "UNMISS": 1230,
    "UNSOS": 560,
    "UNDOF": 71,
    "UNMIK": 43,
}
# Share of each budget offered to the model (1.0 = the full approved budget). The model charges
# a budget only for uniformed units and equipment, a fraction of what the real budget pays for;
# lower a share here to study a mission whose unit costs bind.
BUDGET_SHARE: dict[str, float] = {}

MISSIONS = [
    # mission_id, name, host, ceiling, excluded states, women target, max state share
    ("MINUSCA", "UN Multidimensional Integrated Stabilization Mission in the Central African "
     "Republic", "CAF", 14_400 + 3_020, "CAF", 0.15, 0.35),
    ("MONUSCO", "UN Organization Stabilization Mission in the Democratic Republic of the Congo",
     "COD", 11_500 + 600 + 443 + 1_270, "COD;RWA;UGA", 0.15, 0.35),
    ("UNMISS", "UN Mission in South Sudan", "SSD", 17_000 + 2_101, "SSD;SDN", 0.15, 0.35),
    ("UNIFIL", "UN Interim Force in Lebanon", "LBN", 15_000, "LBN;ISR", 0.15, 0.35),
    ("UNISFA", "UN Interim Security Force for Abyei", "", 3_550 + 640, "SDN;SSD", 0.15, None),
    ("MINURSO", "UN Mission for the Referendum in Western Sahara", "", 245, "MAR;DZA", None,
     None),
    ("UNDOF", "UN Disengagement Observer Force", "SYR", 1_250, "SYR;ISR", 0.10, None),
    ("UNFICYP", "UN Peacekeeping Force in Cyprus", "CYP", 860, "CYP;GRC;TUR", 0.15, None),
    ("UNSOS", "UN Support Office in Somalia", "SOM", None, "SOM;ETH;KEN", 0.10, None),
    ("UNMIK", "UN Interim Administration Mission in Kosovo", "", None, "SRB", None, None),
]
MISSION_IDS = [m[0] for m in MISSIONS]

# Demand per mission: (capability, total units, base priority). Sized to stay under each
# personnel ceiling (UNISFA and UNFICYP come close to theirs on purpose).
DEMAND = {
    "MINUSCA": [("INF_BN", 12, 1), ("INF_COY", 4, 3), ("QRF_COY", 3, 2), ("ENG_COY", 4, 2),
                ("L2_HOSP", 2, 1), ("L1_HOSP", 4, 2), ("UTIL_HELO", 3, 2), ("ATK_HELO", 1, 3),
                ("FPU", 12, 2), ("SIG_COY", 2, 3), ("MP_COY", 2, 4), ("RECCE_COY", 2, 3),
                ("LOG_COY", 2, 3), ("TPT_COY", 3, 3), ("UAS_UNIT", 1, 3),
                ("DEMINING_COY", 1, 3), ("UAS_SYSTEM", 2, 3), ("APC", 12, 3)],
    "MONUSCO": [("INF_BN", 8, 1), ("INF_COY", 3, 3), ("QRF_COY", 2, 2), ("ENG_COY", 3, 2),
                ("RIVERINE_COY", 2, 2), ("UTIL_HELO", 4, 1), ("ATK_HELO", 2, 2),
                ("L2_HOSP", 2, 1), ("L1_HOSP", 3, 2), ("FPU", 9, 2), ("SIG_COY", 1, 3),
                ("MP_COY", 1, 4), ("UAS_UNIT", 1, 3), ("RECCE_COY", 1, 3), ("LOG_COY", 2, 3),
                ("TPT_COY", 2, 4), ("DEMINING_COY", 1, 3), ("UTIL_HELO_AIRFRAME", 2, 2)],
    "UNMISS": [("INF_BN", 13, 1), ("INF_COY", 4, 3), ("QRF_COY", 2, 2), ("ENG_COY", 5, 2),
               ("RIVERINE_COY", 1, 3), ("UTIL_HELO", 3, 2), ("L2_HOSP", 3, 1),
               ("L1_HOSP", 4, 2), ("FPU", 6, 2), ("SIG_COY", 2, 3), ("MP_COY", 2, 4),
               ("LOG_COY", 2, 3), ("TPT_COY", 3, 3), ("DEMINING_COY", 2, 3),
               ("RECCE_COY", 1, 4), ("UAS_UNIT", 1, 3), ("ENG_PLANT_SET", 3, 3)],
    "UNIFIL": [("INF_BN", 9, 1), ("INF_COY", 3, 3), ("QRF_COY", 1, 2), ("ENG_COY", 3, 2),
               ("L2_HOSP", 1, 2), ("L1_HOSP", 2, 2), ("UTIL_HELO", 1, 3), ("SIG_COY", 2, 3),
               ("MP_COY", 1, 4), ("LOG_COY", 2, 3), ("TPT_COY", 2, 4), ("DEMINING_COY", 2, 2),
               ("RECCE_COY", 2, 3), ("UAS_UNIT", 1, 3), ("PATROL_BOAT", 2, 3)],
    "UNISFA": [("INF_BN", 3, 1), ("QRF_COY", 1, 2), ("ENG_COY", 1, 2), ("L2_HOSP", 1, 1),
               ("L1_HOSP", 1, 2), ("UTIL_HELO", 1, 2), ("FPU", 3, 2), ("SIG_COY", 1, 3),
               ("LOG_COY", 1, 3), ("TPT_COY", 1, 3), ("APC", 8, 3)],
    "UNDOF": [("INF_BN", 1, 1), ("INF_COY", 1, 2), ("L1_HOSP", 1, 2), ("DEMINING_COY", 1, 3)],
    "UNFICYP": [("INF_COY", 4, 1), ("UTIL_HELO", 1, 3), ("MP_COY", 1, 3), ("L1_HOSP", 1, 2)],
    "MINURSO": [("L1_HOSP", 1, 1), ("UTIL_HELO_AIRFRAME", 2, 3)],
    "UNSOS": [("INF_COY", 2, 2), ("ENG_COY", 1, 3), ("L2_HOSP", 1, 1), ("LOG_COY", 2, 2),
              ("TPT_COY", 2, 3), ("DEMINING_COY", 1, 2), ("UTIL_HELO", 2, 2), ("MRAP", 20, 1),
              ("TRUCK", 30, 3)],
    "UNMIK": [("FPU", 1, 4)],
}

# Hand-written lines, carved out of DEMAND: the mandatory lines and the ones with a language,
# an urgent deadline or a readiness floor. (mission, capability, units, priority, mandatory,
# deadline_days, min_readiness, language)
SPECIAL_LINES = [
    ("MINUSCA", "INF_BN", 3, 1, True, None, None, None),
    ("MINUSCA", "FPU", 2, 1, True, None, None, "fr"),
    ("MINUSCA", "L2_HOSP", 1, 1, True, None, None, None),
    ("MINUSCA", "ENG_COY", 1, 2, True, None, None, None),
    ("MINUSCA", "INF_BN", 2, 2, False, None, None, "fr"),
    ("MINUSCA", "FPU", 3, 2, False, 150, None, "fr"),
    ("MINUSCA", "QRF_COY", 1, 1, False, 60, "RDL", None),
    ("MINUSCA", "UTIL_HELO", 1, 2, False, 120, None, None),
    ("MINUSCA", "L1_HOSP", 2, 2, False, None, None, "fr"),
    ("MONUSCO", "INF_BN", 2, 1, True, None, None, None),
    ("MONUSCO", "UTIL_HELO", 1, 1, True, None, None, None),
    ("MONUSCO", "FPU", 1, 1, True, None, None, "fr"),
    ("MONUSCO", "L1_HOSP", 1, 2, True, None, None, None),
    ("MONUSCO", "INF_BN", 1, 1, False, 90, "L3", None),
    ("MONUSCO", "FPU", 3, 2, False, None, None, "fr"),
    ("MONUSCO", "ENG_COY", 1, 2, False, None, None, "fr"),
    ("MONUSCO", "RIVERINE_COY", 2, 2, False, 150, None, None),
    ("UNMISS", "INF_BN", 3, 1, True, None, None, None),
    ("UNMISS", "L2_HOSP", 1, 1, True, None, None, None),
    ("UNMISS", "ENG_COY", 2, 2, True, None, None, None),
    ("UNMISS", "FPU", 1, 2, True, None, None, None),
    ("UNMISS", "ENG_COY", 1, 2, False, 90, None, None),
    ("UNMISS", "SIG_COY", 1, 3, False, None, None, "en"),
    ("UNIFIL", "INF_BN", 2, 1, True, None, None, None),
    ("UNIFIL", "DEMINING_COY", 1, 2, True, None, None, None),
    ("UNISFA", "INF_BN", 1, 1, True, None, None, None),
    ("UNISFA", "FPU", 1, 2, True, None, None, None),
    ("UNISFA", "LOG_COY", 1, 3, False, None, None, "en"),
    ("UNDOF", "INF_BN", 1, 1, True, None, None, None),
    ("UNFICYP", "INF_COY", 2, 1, True, None, None, None),
    ("MINURSO", "L1_HOSP", 1, 1, True, None, None, None),
    ("UNSOS", "MRAP", 20, 1, True, None, None, None),
    ("UNSOS", "L2_HOSP", 1, 1, True, None, None, None),
    ("UNMIK", "FPU", 1, 4, False, None, "L1", None),
]

# --------------------------------------------------------------------------------------------
# Unit pledges: who offers what. Weighted state lists; the top contributors weigh most.
# --------------------------------------------------------------------------------------------
TOP = "NPL:9 BGD:9 IND:8 RWA:8 PAK:7 IDN:5 GHA:6 CHN:4 MAR:4 EGY:4"
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
# Scarce capabilities: the exact list of offering states, one row each.
FIXED_PROVIDERS = {
    "UTIL_HELO": ["BGD", "BGD", "PAK", "PAK", "ETH", "ITA", "ARG", "SLV", "RWA", "ZAF", "IDN"],
    "ATK_HELO": ["ZAF", "PAK", "IND"],
    "L2_HOSP": ["CHN", "CHN", "BGD", "PAK", "IND", "EGY", "SRB", "KHM", "VNM"],
    "RIVERINE_COY": ["URY", "URY", "BGD", "IDN"],
    "UAS_UNIT": ["ITA", "IND", "BGD", "CHN", "KOR", "PAK"],
}
CAPABILITY_ORDER = [c[0] for c in CAPABILITIES if c[4] == "unit"]

# Caveats some states attach to most of their pledges (allowed missions).
STATE_CAVEATS = {
    "IRL": "UNIFIL;UNDOF", "FJI": "UNDOF;UNIFIL;UNMISS", "ARG": "UNFICYP;UNMISS",
    "GBR": "UNFICYP;UNMISS", "SVK": "UNFICYP", "AUT": "UNIFIL;UNDOF", "FIN": "UNIFIL",
    "KOR": "UNIFIL;UNMISS", "JPN": "UNMISS", "ITA": "UNIFIL", "ESP": "UNIFIL",
    "FRA": "UNIFIL;MINUSCA", "URY": "MONUSCO;UNDOF", "PRT": "MINUSCA", "HUN": "UNFICYP;UNIFIL",
    "EST": "UNIFIL", "LTU": "UNIFIL", "POL": "UNIFIL", "HRV": "UNIFIL", "SRB": "UNIFIL;MINUSCA",
    "CHL": "UNFICYP", "PRY": "UNFICYP", "BRA": "UNIFIL;MONUSCO", "MYS": "UNIFIL",
    "KAZ": "UNIFIL", "THA": "UNMISS", "PHL": "UNDOF",
}

# Share of women by state (0.09 when not listed); units add a capability offset below.
WOMEN_BASE = {
    "RWA": 0.14, "GHA": 0.15, "ZAF": 0.17, "NAM": 0.15, "ZMB": 0.14, "NGA": 0.13, "SEN": 0.12,
    "IRL": 0.12, "FIN": 0.13, "URY": 0.12, "ARG": 0.13, "GBR": 0.12, "NPL": 0.10, "BGD": 0.08,
    "IND": 0.07, "PAK": 0.06, "EGY": 0.05, "MAR": 0.06, "JOR": 0.06, "CHN": 0.10, "IDN": 0.11,
    "MNG": 0.12, "KHM": 0.12, "TZA": 0.12, "KEN": 0.11, "MWI": 0.12, "SLE": 0.11, "LBR": 0.12,
}
WOMEN_OFFSET = {"FPU": 0.04, "L1_HOSP": 0.08, "L2_HOSP": 0.08, "INF_BN": -0.01}

# States that often deploy troops-only and need partners' major equipment.
EQUIPMENT_POOR = {
    "GMB", "SLE", "LBR", "MWI", "BDI", "MDG", "NER", "TGO", "BEN", "BFA", "GIN", "MRT", "TCD",
    "KHM", "NPL", "FJI", "BTN", "LKA", "ZMB", "TZA", "SEN", "CMR", "DJI", "NAM", "MNG", "SLV",
    "GTM", "PER", "BOL", "PRY", "GAB", "COG", "CIV", "UGA", "ETH",
}
# What a troops-only unit lacks, per unit: its standard table of major equipment. Standard
# quantities (rather than random ones) are realistic and keep the model's LP bound tight.
GAP_TEMPLATES = {
    "INF_BN": "APC:10",
    "INF_COY": "APC:2",
    "QRF_COY": "MRAP:2",
    "RECCE_COY": "MRAP:2",
    "ENG_COY": "ENG_PLANT_SET:1",
    "L2_HOSP": "L2_HOSP_KIT:1",
    "UTIL_HELO": "UTIL_HELO_AIRFRAME:3",
    "UAS_UNIT": "UAS_SYSTEM:1",
    "LOG_COY": "TRUCK:20",
    "TPT_COY": "TRUCK:20",
    "RIVERINE_COY": "PATROL_BOAT:4",
    "FPU": "APC:5",
    "DEMINING_COY": "MRAP:2",
}
# Explicit monthly cost (US$ per unit) for units that bring expensive equipment of their own.
EXPLICIT_COST_RANGE = {
    "UTIL_HELO": (1_100_000, 1_600_000),
    "ATK_HELO": (1_400_000, 1_900_000),
    "L2_HOSP": (240_000, 340_000),
    "UAS_UNIT": (150_000, 180_000),
}
READINESS_MIX = (("L1", 15), ("L2", 45), ("L3", 30), ("RDL", 10))
DEPLOY_DAYS = {"L1": (151, 240), "L2": (91, 150), "L3": (61, 90), "RDL": (30, 60)}

# --------------------------------------------------------------------------------------------
# Equipment pledges, funding, transport.
# --------------------------------------------------------------------------------------------
# Monthly wet-lease rate per item (US$), one standard rate per category as in the COE system;
# the figures are assumptions of this dataset. Donated lots cost 0.
ITEM_MONTHLY_COST = {
    "APC": 5_500, "MRAP": 7_500, "TRUCK": 2_200, "ENG_PLANT_SET": 28_000, "UAS_SYSTEM": 65_000,
    "L2_HOSP_KIT": 85_000, "UTIL_HELO_AIRFRAME": 380_000, "PATROL_BOAT": 22_000,
}
# Typical size of one equipment pledge (items); the need is split into lots of about this size.
ITEM_LOT = {
    "APC": 10, "MRAP": 4, "TRUCK": 12, "ENG_PLANT_SET": 1, "UAS_SYSTEM": 1, "L2_HOSP_KIT": 1,
    "UTIL_HELO_AIRFRAME": 1, "PATROL_BOAT": 2,
}
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
# Pledged quantity as a share of what all troops-only units' gaps would need together: most
# but not all gaps can be covered.
ITEM_COVER = {
    "APC": 0.45, "MRAP": 0.6, "TRUCK": 0.6, "ENG_PLANT_SET": 0.7, "UAS_SYSTEM": 0.7,
    "L2_HOSP_KIT": 0.7, "UTIL_HELO_AIRFRAME": 0.7, "PATROL_BOAT": 0.7,
}
FUNDING_DONORS = ("USA:4 DEU:3 GBR:3 JPN:3 NLD:2 NOR:2 SWE:2 CAN:2 FRA:2 CHN:2 AUS:1 KOR:1 "
                  "DNK:1 FIN:1 IRL:1 CHE:1 ITA:1 ESP:1 BEL:1 NZL:1 AUT:1")
EARMARK_WEIGHTS = "UNISFA:4 UNDOF:3 UNFICYP:3 UNSOS:3 MINUSCA:2 UNMISS:2 MONUSCO:1 MINURSO:1"

# Far-away contributors pay emplacement and rotation by long-haul air and sea; approximate
# capitals and mission headquarters (latitude, longitude) drive a flat cost per unit.
FAR_STATES = {
    "URY": (-34.9, -56.2), "ARG": (-34.6, -58.4), "BRA": (-15.8, -47.9), "PER": (-12.0, -77.0),
    "SLV": (13.7, -89.2), "GTM": (14.6, -90.5), "CHL": (-33.4, -70.6), "BOL": (-16.5, -68.1),
    "PRY": (-25.3, -57.6), "CHN": (39.9, 116.4), "KOR": (37.6, 127.0), "JPN": (35.7, 139.7),
    "MNG": (47.9, 106.9), "IDN": (-6.2, 106.8), "KHM": (11.6, 104.9), "VNM": (21.0, 105.8),
    "MYS": (3.1, 101.7), "FJI": (-18.1, 178.4), "PHL": (14.6, 121.0),
}
MISSION_HQ = {
    "MINUSCA": (4.4, 18.6), "MONUSCO": (-1.7, 29.2), "UNMISS": (4.9, 31.6),
    "UNIFIL": (33.1, 35.1), "UNISFA": (9.6, 28.4), "MINURSO": (27.2, -13.2),
    "UNDOF": (33.3, 35.9), "UNFICYP": (35.2, 33.4), "UNSOS": (2.0, 45.3), "UNMIK": (42.7, 21.2),
}
TRANSPORT_BASE_USD = 120_000
TRANSPORT_USD_PER_KM = 45


# --------------------------------------------------------------------------------------------
def weighted(spec: str) -> tuple[list[str], list[int]]:
    """'A:3 B:1' -> (['A', 'B'], [3, 1]); repeated keys add up, first position kept."""
    totals: dict[str, int] = {}
    for part in spec.split():
        key, _, weight = part.partition(":")
        totals[key] = totals.get(key, 0) + int(weight)
    return list(totals), list(totals.values())


def round_to(value: float, step: int) -> int:
    return int(step * round(value / step))


def mission_budgets() -> dict[str, int]:
    rest = TOTAL_BUDGET_2025_26 - sum(FIXED_BUDGETS.values())
    weight_sum = sum(ESTIMATE_WEIGHTS.values())
    budgets = dict(FIXED_BUDGETS)
    for mission, weight in ESTIMATE_WEIGHTS.items():
        budgets[mission] = round_to(rest * weight / weight_sum, 100_000)
    return {m: round(b * BUDGET_SHARE.get(m, 1.0)) for m, b in budgets.items()}


def excluded(mission_id: str) -> set[str]:
    row = next(m for m in MISSIONS if m[0] == mission_id)
    return set(row[4].split(";")) | ({row[2]} if row[2] else set())


def build_requirements(rng: random.Random) -> list[dict]:
    rows = []
    for mission_id in MISSION_IDS:
        lines = []
        remaining = {cap: units for cap, units, _ in DEMAND[mission_id]}
        base_priority = {cap: p for cap, _, p in DEMAND[mission_id]}
        for m, cap, units, prio, mandatory, deadline, readiness, language in SPECIAL_LINES:
            if m != mission_id:
                continue
            remaining[cap] -= units
            if remaining[cap] < 0:
                raise ValueError(f"special lines of {m} ask more {cap} than its demand")
            lines.append(dict(capability=cap, units=units, priority=prio, mandatory=mandatory,
                              deadline_days=deadline, min_readiness=readiness,
                              language=language))
        for cap, _, _ in DEMAND[mission_id]:
            left = remaining[cap]
            while left > 0:
                if cap in EQUIPMENT_ITEMS:
                    units = left
                elif cap == "INF_BN":
                    units = min(left, rng.choices([1, 2, 3, 4], [2, 4, 3, 1])[0])
                else:
                    units = min(left, rng.choices([1, 2, 3], [4, 4, 1])[0])
                left -= units
                priority = min(5, max(1, base_priority[cap] + rng.choice([-1, 0, 0, 0, 1])))
                deadline = readiness = language = None
                draw = rng.random()
                if draw < 0.05 and cap not in EQUIPMENT_ITEMS:
                    readiness, deadline = "L3", 90
                elif draw < 0.25:
                    deadline = rng.choice([120, 150, 180])
                if (mission_id in ("MINUSCA", "MONUSCO") and cap not in EQUIPMENT_ITEMS
                        and cap not in ("UTIL_HELO", "ATK_HELO", "UAS_UNIT")
                        and rng.random() < (0.6 if cap == "FPU" else 0.3)):
                    language = "fr"
                if readiness is None and priority >= 4 and rng.random() < 0.3:
                    readiness = "L1"
                lines.append(dict(capability=cap, units=units, priority=priority,
                                  mandatory=False, deadline_days=deadline,
                                  min_readiness=readiness, language=language))
        cap_rank = {c[0]: i for i, c in enumerate(CAPABILITIES)}
        lines.sort(key=lambda r: (r["priority"], not r["mandatory"], cap_rank[r["capability"]]))
        for number, line in enumerate(lines, start=1):
            rows.append(dict(requirement_id=f"{mission_id}-R{number:02d}",
                             mission_id=mission_id, **line))
    return rows


def draw_readiness(rng: random.Random) -> str:
    levels, weights = zip(*READINESS_MIX, strict=True)
    return rng.choices(levels, weights)[0]


def build_unit_pledges(rng: random.Random) -> list[dict]:
    drafts = []  # (state, capability)
    for cap in CAPABILITY_ORDER:
        if cap in FIXED_PROVIDERS:
            drafts.extend((state, cap) for state in FIXED_PROVIDERS[cap])
        else:
            count, spec = PROVIDERS[cap]
            states, weights = weighted(spec)
            drafts.extend((state, cap) for state in rng.choices(states, weights, k=count))
    drafts.sort(key=lambda d: (d[0], CAPABILITY_ORDER.index(d[1])))

    rows = []
    per_state: dict[str, int] = {}
    for state, cap in drafts:
        per_state[state] = per_state.get(state, 0) + 1
        pledge_id = f"{state}-U{per_state[state]:02d}"
        if cap == "INF_BN":
            units = rng.choices([1, 2], [92, 8])[0]
            personnel = 5 * rng.randint(156, 176)
        else:
            units = rng.choices([1, 2, 3], [88, 9, 3])[0] if cap not in FIXED_PROVIDERS else 1
            base = DEFAULT_PERSONNEL[cap]
            personnel = max(10, round_to(base * rng.uniform(0.9, 1.08), 5 if base >= 50 else 1))
        share = WOMEN_BASE.get(state, 0.09) + WOMEN_OFFSET.get(cap, 0.0)
        share += rng.uniform(-0.02, 0.02)
        share = min(0.20 if cap not in ("L1_HOSP", "L2_HOSP") else 0.30, max(0.05, share))
        women = round(personnel * share)
        readiness = draw_readiness(rng)
        low, high = DEPLOY_DAYS[readiness]
        deploy_days = rng.randint(low, high)

        languages = ""
        langs = STATE_LANGUAGES[state]
        draw = rng.random()
        if draw < 0.06 and "fr" not in langs and state in {"EGY", "NPL", "BGD", "GHA", "JOR",
                                                           "PAK", "IND", "IDN", "CHN"}:
            languages = ";".join([*langs, "fr"])  # a unit with a French-speaking cadre
        elif draw < 0.25 and state in {"CAN", "CMR", "BEL", "CHE", "RWA"}:
            # a unit working in only one of the state's international languages
            languages = rng.choice([lang for lang in langs if lang in ("en", "fr", "nl", "de")])

        gap = ""
        gap_chance = 0.45 if state in EQUIPMENT_POOR else 0.04
        if cap in GAP_TEMPLATES and rng.random() < gap_chance:
            gap = GAP_TEMPLATES[cap]

        monthly_cost = ""
        if cap in EXPLICIT_COST_RANGE and not gap:
            lo, hi = EXPLICIT_COST_RANGE[cap]
            monthly_cost = str(max(round_to(rng.uniform(lo, hi), 1_000),
                                   personnel * REIMBURSEMENT_RATE_USD))

        allowed = excluded_missions = ""
        if state in STATE_CAVEATS and rng.random() < 0.85:
            allowed = STATE_CAVEATS[state]
        elif rng.random() < 0.05:
            open_missions = [m for m in MISSION_IDS if state not in excluded(m)]
            allowed = ";".join(sorted(rng.sample(open_missions, 2), key=MISSION_IDS.index))
        elif rng.random() < 0.04:
            excluded_missions = rng.choice(["UNMISS", "MINUSCA", "MONUSCO", "UNSOS"])

        rows.append(dict(pledge_id=pledge_id, state=state, capability=cap, units=units,
                         personnel_per_unit=personnel, women_per_unit=women,
                         readiness=readiness, deploy_days=deploy_days, languages=languages,
                         monthly_cost_usd=monthly_cost, allowed_missions=allowed,
                         excluded_missions=excluded_missions, must_deploy=False,
                         equipment_gap=gap))

    # A unit with mostly women: all-female formed police units have served before.
    for row in rows:
        if row["state"] == "BGD" and row["capability"] == "FPU":
            row["women_per_unit"] = round(row["personnel_per_unit"] * 0.85)
            break
    # A few pledges the contributor will only make if deployed (fillable everywhere).
    for state in ("NPL", "GHA", "IDN"):
        for row in rows:
            if (row["state"] == state and row["capability"] == "INF_BN" and row["units"] == 1
                    and row["readiness"] in ("L2", "L3") and not row["equipment_gap"]
                    and not row["allowed_missions"] and not row["excluded_missions"]
                    and not row["languages"]):
                row["must_deploy"] = True
                break
    return rows


def build_equipment_pledges(rng: random.Random, pledges: list[dict],
                            requirements: list[dict]) -> list[dict]:
    """Lots for the equipment requirement lines, then lots for troops-only units' gaps."""
    gap_need = dict.fromkeys(EQUIPMENT_ITEMS, 0)
    for p in pledges:
        for part in filter(None, p["equipment_gap"].split(";")):
            item, _, qty = part.partition(":")
            gap_need[item] += int(qty) * p["units"]
    # Missions where a troops-only unit needing the item could serve (for donors' caveats).
    gap_missions = {item: [] for item in EQUIPMENT_ITEMS}
    for mission_id in MISSION_IDS:
        caps = {cap for cap, _, _ in DEMAND[mission_id]}
        caps |= {sub for cap in caps for sub in SUBSTITUTES.get(cap, [])}
        for cap in sorted(caps & set(GAP_TEMPLATES)):
            for part in GAP_TEMPLATES[cap].split(";"):
                item = part.partition(":")[0]
                if mission_id not in gap_missions[item]:
                    gap_missions[item].append(mission_id)

    rows = []
    per_state: dict[str, int] = {}

    def add_lots(item: str, total: int, missions: list[str], restrict_chance: float,
                 for_mission: str | None = None) -> None:
        states, weights = weighted(ITEM_DONORS[item])
        if for_mission:  # lots meant for one mission come from donors it accepts
            states, weights = zip(*[(s, w) for s, w in zip(states, weights, strict=True)
                                    if s not in excluded(for_mission)], strict=True)
        lots = min(2 * len(states), math.ceil(total / ITEM_LOT[item]))
        for size in (total // lots + (1 if i < total % lots else 0) for i in range(lots)):
            state = rng.choices(states, weights)[0]
            per_state[state] = per_state.get(state, 0) + 1
            donated = item != "UTIL_HELO_AIRFRAME" and rng.random() < 0.3
            cost = 0 if donated else ITEM_MONTHLY_COST[item]
            allowed = ""
            open_missions = [m for m in missions if state not in excluded(m)]
            if open_missions and rng.random() < restrict_chance:
                k = rng.randint(1, min(3, len(open_missions)))
                allowed = ";".join(sorted(rng.sample(open_missions, k), key=MISSION_IDS.index))
            rows.append(dict(equipment_id=f"{state}-E{per_state[state]:02d}", state=state,
                             item=item, quantity=size, monthly_cost_usd=cost,
                             available_days=rng.choice([30, 45, 60, 60, 90, 90, 120, 150]),
                             allowed_missions=allowed))

    for r in requirements:
        if r["capability"] in EQUIPMENT_ITEMS:
            # Mandatory lines are met in full; the rest mostly.
            total = r["units"] if r["mandatory"] else math.ceil(r["units"] * 0.75)
            add_lots(r["capability"], total, [r["mission_id"]], 0.5, r["mission_id"])
    for item in EQUIPMENT_ITEMS:
        total = math.ceil(gap_need[item] * ITEM_COVER[item])
        if total:
            add_lots(item, total, gap_missions[item], 0.3)
    rows.sort(key=lambda r: (r["state"], int(r["equipment_id"].split("-E")[1])))
    return rows


def build_funding(rng: random.Random) -> list[dict]:
    rows = []
    per_state: dict[str, int] = {}
    missions, weights = weighted(EARMARK_WEIGHTS)
    donors, donor_weights = weighted(FUNDING_DONORS)
    for _ in range(30):
        donor = rng.choices(donors, donor_weights)[0]
        per_state[donor] = per_state.get(donor, 0) + 1
        amount = round_to(math.exp(rng.uniform(math.log(1e6), math.log(50e6))), 100_000)
        earmarks = ""
        if rng.random() < 0.5:
            chosen = []
            for _ in range(rng.choice([1, 1, 2])):
                m = rng.choices(missions, weights)[0]
                if m not in chosen:
                    chosen.append(m)
            earmarks = ";".join(sorted(chosen, key=MISSION_IDS.index))
        rows.append(dict(funding_id=f"{donor}-F{per_state[donor]:02d}", donor=donor,
                         amount_usd=amount, earmarked_missions=earmarks))
    rows.sort(key=lambda r: r["funding_id"])
    return rows


def great_circle_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * 6371 * math.asin(math.sqrt(h))


def build_transport(rng: random.Random, pledges: list[dict],
                    requirements: list[dict]) -> list[dict]:
    caps_needed = {m: set() for m in MISSION_IDS}
    for r in requirements:
        caps_needed[r["mission_id"]].add(r["capability"])
        caps_needed[r["mission_id"]].update(SUBSTITUTES.get(r["capability"], []))

    def may_serve(p: dict, mission_id: str) -> bool:
        return (p["capability"] in caps_needed[mission_id]
                and p["state"] not in excluded(mission_id)
                and (not p["allowed_missions"] or mission_id in p["allowed_missions"].split(";"))
                and mission_id not in p["excluded_missions"].split(";"))

    rows = []
    for state, home in FAR_STATES.items():
        for mission_id in MISSION_IDS:
            if sum(p["state"] == state and may_serve(p, mission_id) for p in pledges) >= 2:
                km = great_circle_km(home, MISSION_HQ[mission_id])
                cost = round_to(TRANSPORT_BASE_USD + TRANSPORT_USD_PER_KM * km, 1_000)
                rows.append(dict(state=state, pledge_id="", mission_id=mission_id,
                                 cost_usd_per_unit=cost))
    # Aircraft self-deploy or go by chartered heavy lift: a pledge-specific cost that overrides
    # the state's flat figure.
    for p in pledges:
        missions = [m for m in MISSION_IDS if may_serve(p, m)]
        if (p["capability"] in ("UTIL_HELO", "ATK_HELO") and not p["equipment_gap"] and missions
                and rng.random() < 0.6):
            rows.append(dict(state="", pledge_id=p["pledge_id"], mission_id=rng.choice(missions),
                             cost_usd_per_unit=round_to(rng.uniform(0.8e6, 2.2e6), 10_000)))
    return rows


# --------------------------------------------------------------------------------------------
def fmt(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def write_csv(name: str, columns: list[str], rows: list[dict]) -> None:
    with open(OUT_DIR / name, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([fmt(row[c]) for c in columns])


SCENARIO_YAML = """\
name: UN peacekeeping force generation 2025-26 (synthetic, public figures)
description: >-
  Ten UN peacekeeping operations of the 2025-26 budget year with their public budgets,
  personnel ceilings, exclusions and gender targets, and a synthetic but realistic set of
  unit, equipment and funding pledges from about a hundred member states. Generated by
  datasets/generate_un_2025.py (seed {seed}); see datasets/README.md for sources and
  assumptions.
period_months: {period}
policy:
  reimbursement_rate_usd: {rate}
  priority_weights: {{{weights}}}
  objective: [shortfall, soft_goals, cost]
  time_limit_s: 120
"""


def main() -> None:
    rng = random.Random(SEED)
    OUT_DIR.mkdir(parents=True, exist_ok=True)

    budgets = mission_budgets()
    missions = [dict(mission_id=m, name=name, host_state=host, budget_usd=budgets[m],
                     personnel_ceiling=ceiling, excluded_states=excl, women_target=women,
                     max_state_share=share)
                for m, name, host, ceiling, excl, women, share in MISSIONS]
    requirements = build_requirements(rng)
    pledges = build_unit_pledges(rng)
    equipment = build_equipment_pledges(rng, pledges, requirements)
    funding = build_funding(rng)
    transport = build_transport(rng, pledges, requirements)

    write_csv("member_states.csv", ["code", "name", "region", "languages"],
              [dict(code=c, name=n, region=r, languages=lang)
               for c, n, r, lang in sorted(MEMBER_STATES)])
    write_csv("missions.csv", ["mission_id", "name", "host_state", "budget_usd",
                               "personnel_ceiling", "excluded_states", "women_target",
                               "max_state_share"], missions)
    write_csv("requirements.csv", ["requirement_id", "mission_id", "capability", "units",
                                   "priority", "mandatory", "deadline_days", "min_readiness",
                                   "language"], requirements)
    write_csv("unit_pledges.csv", ["pledge_id", "state", "capability", "units",
                                   "personnel_per_unit", "women_per_unit", "readiness",
                                   "deploy_days", "languages", "monthly_cost_usd",
                                   "allowed_missions", "excluded_missions", "must_deploy",
                                   "equipment_gap"], pledges)
    write_csv("equipment_pledges.csv", ["equipment_id", "state", "item", "quantity",
                                        "monthly_cost_usd", "available_days",
                                        "allowed_missions"], equipment)
    write_csv("funding_pledges.csv", ["funding_id", "donor", "amount_usd",
                                      "earmarked_missions"], funding)
    write_csv("transport_costs.csv", ["state", "pledge_id", "mission_id", "cost_usd_per_unit"],
              transport)
    write_csv("capabilities.csv", ["capability", "description", "default_personnel",
                                   "substitutes", "kind"],
              [dict(capability=c, description=d, default_personnel=p, substitutes=s, kind=k)
               for c, d, p, s, k in CAPABILITIES])
    (OUT_DIR / "scenario.yaml").write_text(
        SCENARIO_YAML.format(seed=SEED, period=PERIOD_MONTHS, rate=REIMBURSEMENT_RATE_USD,
                             weights=", ".join(f"{k}: {v}" for k, v in PRIORITY_WEIGHTS.items())),
        encoding="utf-8")
    print(f"wrote {OUT_DIR.name}/: {len(missions)} missions, {len(requirements)} requirements, "
          f"{len(pledges)} unit pledges, {len(equipment)} equipment pledges, "
          f"{len(funding)} funding pledges, {len(transport)} transport costs")


if __name__ == "__main__":
    main()
