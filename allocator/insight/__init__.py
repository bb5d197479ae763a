"""Insight read off results: explanations (why short, why unused), the diagnosis of an
infeasible scenario, and what-if comparisons.

Import the modules themselves: ``explain`` and ``diagnose`` sit below ``allocator.solve`` (it
calls them), ``whatif`` above it (it calls ``solve``), so this package imports none of them.
"""
