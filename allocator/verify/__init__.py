"""The independent verifier: every hard rule recomputed from the scenario and a plan, sharing no
code with the model builders (``allocator.model``) or the backends."""

from allocator.verify.verifier import VerificationReport, verify_plan

__all__ = ["VerificationReport", "verify_plan"]
