"""The verified result of a solve: ``AllocationResult``, its tables, its JSON form and exports."""

from allocator.result.result import AllocationResult, LevelResult

__all__ = ["AllocationResult", "LevelResult"]
