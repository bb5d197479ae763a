"""HiGHS in a child process, so that a race can stop it.

HiGHS through MathOpt can only end at its time limit: OR-Tools 9.15 passes it neither a
``SolveInterrupter`` nor callbacks (measured: on GAP d20100, an interrupt after 3 s and a
callback asking to terminate both left it running to its 30 s limit, the callback never
called). A race's loser that cannot be stopped holds a core for the rest of its level, so
``auto`` runs each HiGHS solve in a process of its own (``highs_child.py``) and kills it when
the other engine proves first. Everything else, the model, the tolerances and the exact
integer check of each plan, is ``HighsBackend``'s, in this process.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path

from ortools.math_opt.python import mathopt
from ortools.math_opt.python import result as mathopt_result

from allocator.backends.base import LevelOutcome
from allocator.backends.mathopt import HighsBackend
from allocator.model.linear import LinearModel

CHILD = Path(__file__).with_name("highs_child.py")


class HighsProcessBackend(HighsBackend):
    """HiGHS (through MathOpt) solving in a child process that ``stop`` kills."""

    lazy_rows = False  # the race states every row up front for all its engines

    def __init__(self, model: LinearModel, *, threads: int | None = None, log: bool = False):
        self._child: subprocess.Popen[bytes] | None = None
        self._stopped = False
        super().__init__(model, threads=threads, log=log)

    def stop(self) -> None:
        self._stopped = True
        child = self._child
        if child is not None:
            child.kill()

    def optimize(self, objective: dict[int, int], *, scale: float, time_limit_s: float,
                 hint: list[int] | None = None) -> LevelOutcome:
        self._stopped = False  # a stop meant for an earlier level
        return super().optimize(objective, scale=scale, time_limit_s=time_limit_s, hint=hint)

    def _run(self, params: mathopt.SolveParameters,
             model_params: mathopt.ModelSolveParameters) -> mathopt.SolveResult | None:
        arguments = (self.mo.export_model(), self.solver_type.value,
                     mathopt.StreamableSolverInitArguments().to_proto(), params.to_proto(),
                     model_params.to_proto(), mathopt.CallbackRegistration().to_proto())
        child = subprocess.Popen([sys.executable, str(CHILD)], stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE,
                                 stderr=None if self.log else subprocess.DEVNULL)
        self._child = child
        if self.on_launch is not None:
            self.on_launch()
        if self._stopped:  # stopped while the child was starting
            child.kill()
        try:
            out, _ = child.communicate(pickle.dumps(arguments))
        except BrokenPipeError:  # killed before it read its input
            out = b""
            child.wait()
        finally:
            self._child = None
        if self._stopped:
            return None
        if child.returncode != 0 or not out:
            raise RuntimeError(f"HiGHS's process ended with code {child.returncode}")
        return mathopt_result.parse_solve_result(pickle.loads(out), self.mo, validate=False)
