"""The child process of ``highs_process``: one MathOpt solve, protocol buffers in and out.

Run as a script (``python highs_child.py``), never imported by the package: it imports only
the standard library and OR-Tools, so it starts in about 0.4 s where importing ``allocator``
takes twice that. Its standard input is a pickle of ``ortools.math_opt.core.python.solver.solve``'s
arguments (model, solver type, initialiser, parameters, model parameters, callback
registration); its standard output, the pickled result proto. The solver's log goes to
standard error, so it cannot mix with the result.
"""

import os
import pickle
import sys
import threading
import time

from ortools.math_opt.core.python import solver

PARENT_CHECK_S = 0.5


def _end_with_parent(parent: int) -> None:
    # A parent killed outright (a cancelled service job) cannot stop this solve, and HiGHS
    # would run on to its time limit: end as soon as the parent is gone (the solver releases
    # the GIL, so this thread runs while it solves).
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_S)
    os._exit(1)


def main() -> None:
    threading.Thread(target=_end_with_parent, args=(os.getppid(),), daemon=True).start()
    model, solver_type, initializer, parameters, model_parameters, registration = pickle.load(
        sys.stdin.buffer)
    result_out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # the solver writes its log to file descriptor 1
    # No log callback (the log goes to standard error), no user callback, no interrupter.
    result = solver.solve(model, solver_type, initializer, parameters, model_parameters, None,
                          registration, None, None)
    pickle.dump(result, result_out)
    result_out.close()


if __name__ == "__main__":
    main()
