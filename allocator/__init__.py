"""Pledge allocator: match member states' pledges to UN peacekeeping mission requirements.

    >>> from allocator import read_scenario, solve
    >>> result = solve(read_scenario("datasets/un_2025"))
    >>> result.status, result.objective
"""

from allocator.backends import available_backends
from allocator.errors import (
    AllocatorError,
    BackendUnavailableError,
    ScenarioError,
    VerificationError,
)
from allocator.insight.explain import Explanation
from allocator.insight.whatif import apply_changes, assignment_changes, compare, read_changes
from allocator.plan.deployment import Deployment
from allocator.plan.plan import Assignment, EquipmentFlow, FundingFlow, Plan
from allocator.progress import Progress
from allocator.result.result import AllocationResult
from allocator.scenario import Scenario
from allocator.scenario.readers import ReadLimits, read_scenario
from allocator.scenario.writers import write_scenario
from allocator.solve import solve
from allocator.status import SolveStatus
from allocator.verify.verifier import VerificationReport, verify_plan

__all__ = [
    "AllocationResult",
    "AllocatorError",
    "Assignment",
    "BackendUnavailableError",
    "Deployment",
    "EquipmentFlow",
    "Explanation",
    "FundingFlow",
    "Plan",
    "Progress",
    "ReadLimits",
    "Scenario",
    "ScenarioError",
    "SolveStatus",
    "VerificationError",
    "VerificationReport",
    "apply_changes",
    "assignment_changes",
    "available_backends",
    "compare",
    "read_changes",
    "read_scenario",
    "solve",
    "verify_plan",
    "write_scenario",
]

