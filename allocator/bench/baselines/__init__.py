"""Peer baselines for the GAP benchmark: plain CP-SAT and plain CBC models written the way a
practitioner would, with no allocator code, so ``--compare-baseline`` measures the library
against the simplest peers."""
