"""Benchmark suite: instance families, public GAP sets and the runner."""
