"""A plan and its neighbours: the solution data every backend returns (``Plan``), a current
deployment to re-plan from (``Deployment``), and exact funding routing for a fixed plan."""

from allocator.plan.deployment import Deployment
from allocator.plan.plan import Assignment, EquipmentFlow, FundingFlow, Plan

__all__ = ["Assignment", "Deployment", "EquipmentFlow", "FundingFlow", "Plan"]
