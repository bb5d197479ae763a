"""Pledge allocator: match member states' pledges to UN peacekeeping mission requirements.

    >>> from allocator import read_scenario, solve
    >>> result = solve(read_scenario("datasets/un_2025"))
    >>> result.status, result.objective
"""

from .backends import available_backends
from .deployment import Deployment
from .errors import AllocatorError, BackendUnavailableError, ScenarioError, VerificationError
from .explain import Explanation
from .plan import Assignment, EquipmentFlow, FundingFlow, Plan
from .progress import Progress
from .result import AllocationResult
from .scenario import Scenario
from .scenario.readers import read_scenario
from .scenario.writers import write_scenario
from .solve import solve
from .status import SolveStatus
from .verify import VerificationReport, verify_plan
from .whatif import apply_changes, assignment_changes, compare, read_changes

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

