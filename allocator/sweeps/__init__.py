"""Sweeps over many variants of one scenario: N-1 analysis, budget sensitivity and Monte Carlo
of pledge reliability, on a local process pool or a Dask cluster (``runner``)."""

from .n_minus_1 import n_minus_1

__all__ = ["n_minus_1"]
