"""Run many coverage questions on one scenario: in this process, a local process pool, or any
``concurrent.futures.Executor`` (a Dask ``distributed.Client``'s executor among them).

Questions travel in chunks, a few per worker, and each worker process builds the scenario's
``CoverageModel`` once and keeps it for the chunks that follow (the latest scenario only, so a
long-lived Dask worker does not pile models up). Answers come back in question order whatever
the order chunks finish in; with CP-SAT's single deterministic worker the same questions give
the same answers on any executor.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Hashable, Iterator, Mapping, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field

from allocator.scenario.scenario import Scenario
from allocator.sweeps.coverage import CoverageModel, CoverageOutcome

CHUNKS_PER_WORKER = 4
"""Enough chunks that a worker finishing early picks up another; few enough that shipping
the scenario with each stays cheap."""


@dataclass(frozen=True)
class Question:
    """Withdraw ``withdrawn`` and delay pledges by ``delays`` (pledge id -> extra days)."""

    key: Hashable
    withdrawn: tuple[str, ...] = ()
    delays: Mapping[str, int] = field(default_factory=dict)


# One model per thread: solving edits the model's domains in place, and a Dask worker may run
# several chunks at once in its threads.
_cache = threading.local()


def scenario_token(scenario: Scenario, time_limit: float | None) -> str:
    """A digest of ``scenario`` and ``time_limit``: which cached model a chunk may reuse."""
    text = scenario.model_dump_json() + f"|{time_limit}"
    return hashlib.sha256(text.encode()).hexdigest()


def _model(token: str, scenario: Scenario, time_limit: float | None) -> CoverageModel:
    """This thread's model of ``scenario``, built anew when ``token`` changes."""
    if getattr(_cache, "token", None) != token:
        _cache.model = CoverageModel(scenario, time_limit=time_limit)
        _cache.token = token
    return _cache.model


def answer_chunk(token: str, scenario: Scenario, time_limit: float | None,
                 questions: Sequence[Question]) -> list[CoverageOutcome]:
    """What a worker runs: one chunk of questions on the (cached) model of ``scenario``."""
    model = _model(token, scenario, time_limit)
    return [model.solve(q.withdrawn, q.delays) for q in questions]


def answer(scenario: Scenario, questions: Sequence[Question], *,
           time_limit: float | None = None, workers: int = 1,
           executor: Executor | None = None,
           progress: Callable[[int], None] | None = None,
           model: CoverageModel | None = None) -> list[CoverageOutcome]:
    """Every question's outcome, in order. ``progress(done)`` is called as answers arrive.

    ``workers`` is the number of processes of the local pool, or, with an ``executor``, how
    many it runs at once (used only to size the chunks). With neither, the questions are
    answered here, on ``model`` if given (it must be of ``scenario``).
    """
    if executor is None and workers <= 1:
        model = model or CoverageModel(scenario, time_limit=time_limit)
        outcomes = []
        for question in questions:
            outcomes.append(model.solve(question.withdrawn, question.delays))
            if progress is not None:
                progress(len(outcomes))
        return outcomes
    token = scenario_token(scenario, time_limit)
    size = max(1, -(-len(questions) // (CHUNKS_PER_WORKER * max(workers, 1))))
    chunks = [questions[i:i + size] for i in range(0, len(questions), size)]
    with pool_of(executor, workers) as pool:
        futures: dict[Future[list[CoverageOutcome]], int] = {
            pool.submit(answer_chunk, token, scenario, time_limit, chunk): n
            for n, chunk in enumerate(chunks)}
        answers: dict[int, list[CoverageOutcome]] = {}
        done = 0
        for future in as_completed(futures):
            answers[futures[future]] = future.result()
            done += len(answers[futures[future]])
            if progress is not None:
                progress(done)
    return [outcome for n in range(len(chunks)) for outcome in answers[n]]


@contextmanager
def pool_of(executor: Executor | None, workers: int) -> Iterator[Executor]:
    """``executor`` as given (left running: it is the caller's), or a pool of ``workers``
    processes shut down on exit."""
    if executor is not None:
        yield executor
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield pool


@contextmanager
def dask_executor(address: str) -> Iterator[tuple[Executor, int]]:
    """An executor on the Dask scheduler at ``address`` (e.g. ``tcp://host:8786``), with the
    number of worker threads it has; needs the ``dask`` extra."""
    try:
        from distributed import Client
    except ImportError as err:
        raise ImportError("running sweeps on Dask needs the dask extra: "
                          "pip install 'pledge-allocator[dask]'") from err
    with Client(address, timeout="10s") as client:
        yield client.get_executor(), max(1, sum(client.nthreads().values()))
