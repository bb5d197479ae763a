"""Sweeps over many variants of one scenario: N-1 analysis, budget sensitivity and Monte Carlo
of pledge reliability, on a local process pool or a Dask cluster (``runner``)."""

from allocator.sweeps.budget import budget_sensitivity
from allocator.sweeps.monte_carlo import monte_carlo, summarise
from allocator.sweeps.n_minus_1 import n_minus_1
from allocator.sweeps.reliability import Reliability, read_reliability

__all__ = ["Reliability", "budget_sensitivity", "monte_carlo", "n_minus_1", "read_reliability",
           "summarise"]
