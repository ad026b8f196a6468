"""Where tasks run: in this process, on local processes, or on Dask (a ``LocalCluster`` by default,
an existing cluster with ``scheduler="tcp://host:8786"``).

Every engine yields (task, results) as tasks finish, in any order; the sweep's table does not
depend on the order. A worker that dies loses only the task it was running: Dask's scheduler runs
it again on another worker (a task whose workers die ``allowed-failures`` times, 3 by default, is
given up and reported as an error, never retried forever); the local process pool is restarted
and its unfinished tasks submitted again, at most ``MAX_ATTEMPTS`` times each.
"""

from __future__ import annotations

import hashlib
import logging
import multiprocessing
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Protocol

from hemicycle.sweep.tasks import Payload, Task, timed_task

MAX_ATTEMPTS = 3
PRE_SPAWN = "distributed.nanny.pre-spawn-environ"

Results = list[tuple[str, Payload]]
Done = tuple[Results, float]  # the results of a task, and the CPU seconds it took (0 when lost)


class EngineError(Exception):
    """The engine cannot start (Dask missing, a scheduler that does not answer)."""


class Engine(Protocol):
    name: str

    def run(self, tasks: Sequence[Task]) -> Iterator[tuple[Task, Done]]: ...

    def close(self) -> None: ...


def lost(task: Task, why: str) -> Done:
    """Results for a task that could not be run: each unit an error that says why."""
    return [(key, {"error": why, "status": "error", "detail": why, "lost": True}) for key, _, _ in task.units()], 0.0


class InlineEngine:
    """In this process, one task after the other (for debugging and small sweeps)."""

    name = "inline"

    def run(self, tasks: Sequence[Task]) -> Iterator[tuple[Task, Done]]:
        for task in tasks:
            yield task, timed_task(task)

    def close(self) -> None:
        pass


class ProcessEngine:
    """A pool of local processes (started afresh: 'spawn'), without Dask."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.name = f"{workers} local processes"
        self.pool: ProcessPoolExecutor | None = None

    def _pool(self) -> ProcessPoolExecutor:
        if self.pool is None:
            self.pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"))
        return self.pool

    def run(self, tasks: Sequence[Task]) -> Iterator[tuple[Task, Done]]:
        attempts = dict.fromkeys(range(len(tasks)), 0)
        pending: dict[Future[Done], int] = {}
        todo = list(range(len(tasks)))
        while todo or pending:
            for i in todo:
                attempts[i] += 1
                pending[self._pool().submit(timed_task, tasks[i])] = i
            todo = []
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            broken = False
            for fut in done:
                i = pending.pop(fut)
                try:
                    yield tasks[i], fut.result()
                except BrokenProcessPool:
                    broken = True
                    if attempts[i] >= MAX_ATTEMPTS:
                        yield tasks[i], lost(tasks[i], f"the worker process running it died {MAX_ATTEMPTS} times")
                    else:
                        todo.append(i)
            if broken:  # every task still in the pool is lost with it: submit them again
                todo += [i for i in pending.values() if attempts[i] < MAX_ATTEMPTS]
                for i in pending.values():
                    if attempts[i] >= MAX_ATTEMPTS:
                        yield tasks[i], lost(tasks[i], f"the worker process running it died {MAX_ATTEMPTS} times")
                pending = {}
                self.close()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


class DaskEngine:
    """Tasks on a Dask cluster: a ``LocalCluster`` of ``workers`` single-threaded processes, or the
    cluster whose scheduler is at ``scheduler``. Workers need hemicycle installed; the tasks carry
    the rule texts and the elections, and every model and Z3 object is built in the worker."""

    def __init__(self, workers: int = 2, scheduler: str | None = None) -> None:
        try:
            import dask
            from dask.distributed import Client, LocalCluster
        except ImportError:
            raise EngineError("the Dask engine needs the [dask] extra: pip install 'hemicycle[dask]'") from None
        self.cluster: Any = None
        try:
            if scheduler is None:
                # Dask's nanny sets MALLOC_TRIM_THRESHOLD_ in its workers, which also switches off
                # glibc's adaptive mmap threshold: every large NumPy temporary of the batch path is
                # then mapped and unmapped afresh, and the batch path takes twice the CPU time.
                with dask.config.set({f"{PRE_SPAWN}.MALLOC_TRIM_THRESHOLD_": None}):
                    self.cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                                dashboard_address=None, silence_logs=logging.ERROR)
                self.client = Client(self.cluster)
                self.name = f"Dask LocalCluster, {workers} workers"
            else:
                self.client = Client(scheduler, timeout="20s")
                n = len(self.client.scheduler_info().get("workers", {}))
                self.name = f"Dask scheduler {scheduler} ({n} workers)"
        except (OSError, TimeoutError) as e:
            self.close()
            raise EngineError(f"cannot reach the Dask scheduler {scheduler}: {e}") from None

    def run(self, tasks: Sequence[Task]) -> Iterator[tuple[Task, Done]]:
        from dask.distributed import as_completed
        from distributed.scheduler import KilledWorker

        futures = {}
        for task in tasks:
            key = "hemicycle-" + task.kind + "-" + hashlib.sha256(
                "|".join(k for k, _, _ in task.units()).encode()).hexdigest()[:24]
            futures[self.client.submit(timed_task, task, key=key, pure=False, retries=1)] = task
        for fut in as_completed(list(futures)):
            task = futures[fut]
            try:
                yield task, fut.result()
            except KilledWorker:
                yield task, lost(task, "every worker that ran it died (Dask gave it up after its allowed failures)")
            fut.release()

    def close(self) -> None:
        client = getattr(self, "client", None)
        if client is not None:
            client.close()
        if self.cluster is not None:
            self.cluster.close()


def make_engine(kind: str = "auto", workers: int = 2, scheduler: str | None = None) -> Engine:
    """``auto``: Dask when it is installed (or a scheduler is given), else local processes;
    ``dask``, ``processes``, ``inline``."""
    if scheduler is not None and kind not in ("auto", "dask"):
        raise EngineError(f"--scheduler needs the Dask engine, not {kind!r}")
    if kind == "auto":
        try:
            import dask.distributed  # noqa: F401
            kind = "dask"
        except ImportError:
            kind = "processes"
    if kind == "dask":
        return DaskEngine(workers, scheduler)
    if kind == "processes":
        return ProcessEngine(workers) if workers > 1 else InlineEngine()
    if kind == "inline":
        return InlineEngine()
    raise EngineError(f"unknown engine {kind!r}: auto, dask, processes or inline")
