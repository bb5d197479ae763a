"""Peak memory of one benchmark run: this process and every process it starts (CBC runs as a
child process), sampled while the run lasts."""

from __future__ import annotations

import threading
from types import TracebackType

import psutil

SAMPLE_EVERY_S = 0.05
"""How often the resident set is read: a peak shorter than this can be missed."""


def _resident_bytes(process: psutil.Process) -> int:
    total = 0
    try:
        family = [process, *process.children(recursive=True)]
    except psutil.Error:
        return 0
    for member in family:
        try:
            total += member.memory_info().rss
        except psutil.Error:  # a child that ended between the listing and the read
            continue
    return total


class PeakMemory:
    """``with PeakMemory() as peak: ...`` then ``peak.mib``: the largest resident set (MiB) of
    this process and its children seen while the block ran, read every ``SAMPLE_EVERY_S``."""

    def __init__(self) -> None:
        self._process = psutil.Process()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, name="peak-memory", daemon=True)
        self.peak_bytes = 0

    def _sample(self) -> None:
        while True:
            self.peak_bytes = max(self.peak_bytes, _resident_bytes(self._process))
            if self._stop.wait(SAMPLE_EVERY_S):
                return

    @property
    def mib(self) -> float:
        """The peak in MiB, to one decimal."""
        return round(self.peak_bytes / 2**20, 1)

    def __enter__(self) -> PeakMemory:
        self.peak_bytes = _resident_bytes(self._process)
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._stop.set()
        self._thread.join()
        self.peak_bytes = max(self.peak_bytes, _resident_bytes(self._process))
