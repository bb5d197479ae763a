"""A small scenario with one of each thing a planner is briefed on, and its exact figures.

- M1 (budget US$20,000,000, women target 15%): R1, a battalion, is filled by AAA's P1 (800
  persons, 80 women: 40 persons below the 15% target of 120); R2, a French-speaking
  hospital, stays short because the only hospital pledged (P2, AAA) speaks English.
- M2 (budget US$5,000,000): R3 asks for 2 companies; CCC's P3 pledges 2 at US$300,000 a
  month (US$3,600,000 for the year each). One fits the budget; the second needs
  US$3,600,000 - US$1,400,000 left = US$2,200,000 more.
- F1, DDD's US$500,000 earmarked for M1, is not needed (no M1 line is short of money).

Weighted shortfall: R2 at priority 2 (weight 8) + R3 at priority 3 (weight 4) = 12.
Soft-goal slack: 40 persons. Cost: 800 x 1,448 x 12 = 13,900,800 + 3,600,000 = 17,500,800.
"""

from __future__ import annotations

from ..helpers import mission, pledge, req, scenario

STATES = [
    {"code": "AAA", "name": "Alphaland", "languages": "en"},
    {"code": "BBB", "name": "Betaland", "languages": "fr"},
    {"code": "CCC", "name": "Gammaland", "languages": "en;fr"},
    {"code": "DDD", "name": "Deltaland", "languages": "es"},
]

BRIEF = scenario(
    member_states=STATES,
    missions=[mission("M1", budget_usd=20_000_000, name="Mission One", women_target=0.15),
              mission("M2", budget_usd=5_000_000, name="Mission Two")],
    requirements=[req("R1", "INF_BN", 1, priority=1),
                  req("R2", "L2_HOSP", 1, priority=2, language="fr"),
                  req("R3", "INF_COY", 2, mission_id="M2", priority=3)],
    unit_pledges=[pledge("P1", "AAA", "INF_BN", 1, 800, women_per_unit=80),
                  pledge("P2", "AAA", "L2_HOSP", 1, 70),
                  pledge("P3", "CCC", "INF_COY", 2, 150, monthly_cost_usd=300_000)],
    funding_pledges=[{"funding_id": "F1", "donor": "DDD", "amount_usd": 500_000,
                      "earmarked_missions": "M1"}],
)

COST_USD = 17_500_800
EXTRA_USD = 2_200_000
