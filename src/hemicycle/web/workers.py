"""Worker processes: the server never computes seats or proofs in its own process.

* ``WorkerPool``: a few warm processes for short jobs (an allocation, a comparison). A job that
  overruns its time limit is killed with its process, and a fresh process takes its place.
* ``Verifications``: each verification in a process of its own, started for it, reporting one
  message per property (the progress), killed on cancel or when it overruns its time limit.

Every worker caps its own address space (``RLIMIT_AS``), so a computation that would need more
memory fails with a message instead of taking the machine. Processes are started by the
``forkserver`` method where the platform has it (a fork of a clean process, not of the server
and its threads), else ``spawn``.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import secrets
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

import anyio

DEFAULT_MEMORY = 2 * 1024**3  # bytes of address space per worker


class JobFailed(Exception):
    """A job did not give a result: it overran its limits, or its process died."""


def _context() -> Any:
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    if "forkserver" in methods:
        ctx.set_forkserver_preload(["hemicycle.web.tasks"])
    return ctx


def _limit_memory(limit: int | None) -> None:
    if not limit:
        return
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):  # not on this platform: the time limit still holds
        pass


def _memory_message(limit: int | None) -> str:
    return f"the computation needs more memory than a worker may use ({(limit or 0) // 1024**2} MiB)"


def _serve(conn: Connection, memory_limit: int | None) -> None:
    """A pool worker's loop: ``(function, args)`` in, ``("ok", value)`` or ``("error", text)`` out."""
    _limit_memory(memory_limit)
    while True:
        try:
            fn, args = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        try:
            reply: tuple[str, Any] = ("ok", fn(*args))
        except MemoryError:
            reply = ("error", _memory_message(memory_limit))
        except Exception as e:  # a bug: reported to the page as one line, never a traceback
            reply = ("error", f"internal error: {type(e).__name__}: {e}")
        try:
            conn.send(reply)
        except (OSError, ValueError):
            return


class _Worker:
    def __init__(self, ctx: Any, memory_limit: int | None) -> None:
        self.ctx, self.memory_limit = ctx, memory_limit
        self._start()

    def _start(self) -> None:
        self.conn, child = self.ctx.Pipe()
        self.process = self.ctx.Process(target=_serve, args=(child, self.memory_limit), daemon=True)
        self.process.start()
        child.close()

    def _restart(self) -> None:
        self.close()
        self._start()

    def close(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)
        self.conn.close()

    def call(self, fn: Callable[..., Any], args: tuple[Any, ...], timeout: float) -> Any:
        """Run ``fn(*args)`` in the worker (blocking: call it from a thread)."""
        try:
            self.conn.send((fn, args))
            if not self.conn.poll(timeout):
                self._restart()
                raise JobFailed(f"the computation took longer than {timeout:g} s and was stopped")
            status, value = self.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            self._restart()
            raise JobFailed("the worker process ended during the computation (out of memory?); "
                            "it was restarted") from None
        if status == "error":
            raise JobFailed(value)
        return value


class WorkerPool:
    """``size`` warm worker processes; ``await pool.run(fn, *args, timeout=s)``."""

    def __init__(self, size: int = 2, memory_limit: int | None = DEFAULT_MEMORY) -> None:
        self.size, self.memory_limit = size, memory_limit
        self._idle: asyncio.Queue[_Worker] | None = None
        self._workers: list[_Worker] = []

    def start(self) -> None:
        ctx = _context()
        self._idle = asyncio.Queue()
        for _ in range(self.size):
            worker = _Worker(ctx, self.memory_limit)
            self._workers.append(worker)
            self._idle.put_nowait(worker)

    def close(self) -> None:
        for worker in self._workers:
            worker.close()
        self._workers.clear()

    async def run(self, fn: Callable[..., Any], *args: Any, timeout: float) -> Any:
        if self._idle is None:
            raise RuntimeError("the worker pool is not started")
        worker = await self._idle.get()
        try:
            return await anyio.to_thread.run_sync(worker.call, fn, args, timeout)
        finally:
            self._idle.put_nowait(worker)


# --- verifications ------------------------------------------------------------------------------------


def _verify_main(conn: Connection, memory_limit: int | None, task: Callable[..., dict[str, Any]],
                 names: list[str], args: tuple[Any, ...]) -> None:
    """A verification process: one ``("start", name)`` and one ``("result", name, dict)`` per property.
    It leads a process group of its own, so that stopping it also stops the processes the verifier
    forks for each property."""
    if hasattr(os, "setpgrp"):
        os.setpgrp()
    _limit_memory(memory_limit)
    try:
        for name in names:
            conn.send(("start", name))
            try:
                result = task(*args[:2], name, *args[2:])
            except MemoryError:
                result = {"error": _memory_message(memory_limit)}
            except Exception as e:  # a bug: one line, no traceback
                result = {"error": f"internal error: {type(e).__name__}: {e}"}
            conn.send(("result", name, result))
            if "error" in result:
                break
        conn.send(("done",))
    except (OSError, ValueError, KeyboardInterrupt):
        pass


@dataclass
class VerifyJob:
    id: str
    properties: list[str]
    state: str = "starting"  # starting | running | done | cancelled | failed
    current: str | None = None
    current_since: float = 0.0
    results: list[dict[str, Any]] = field(default_factory=list)  # one entry per finished property
    error: str | None = None
    started: float = field(default_factory=time.monotonic)
    finished: float | None = None
    process: Any = None

    def to_json(self) -> dict[str, Any]:
        now = time.monotonic()
        return {"id": self.id, "state": self.state, "total": len(self.properties), "done": len(self.results),
                "current": self.current, "results": list(self.results), "error": self.error,
                "seconds": round((self.finished or now) - self.started, 1)}


class Verifications:
    """Verification jobs, each in its own killable process, found by an unguessable id."""

    def __init__(self, *, max_running: int = 2, memory_limit: int | None = DEFAULT_MEMORY,
                 grace: float = 20.0, keep: float = 600.0, max_jobs: int = 64) -> None:
        self.max_running, self.memory_limit, self.grace, self.keep = max_running, memory_limit, grace, keep
        self.max_jobs = max_jobs
        self._jobs: dict[str, VerifyJob] = {}
        self._lock = threading.Lock()
        self._ctx: Any = None

    def running(self) -> int:
        return sum(j.state in ("starting", "running") for j in self._jobs.values())

    def start(self, task: Callable[..., dict[str, Any]], names: list[str], args: tuple[Any, ...],
              timeout: float) -> VerifyJob:
        """Run ``task(args[0], args[1], name, *args[2:])`` for each property name; ``timeout`` is
        the solver's time for one property (in all tiers), to which the time limit adds ``grace``."""
        with self._lock:
            self._forget_old()
            if self.running() >= self.max_running:
                raise JobFailed(f"the server is already running {self.max_running} verifications; "
                                "try again when one has finished")
            if self._ctx is None:
                self._ctx = _context()
            job = VerifyJob(id=secrets.token_urlsafe(18), properties=list(names))
            conn, child = self._ctx.Pipe()
            # not a daemon: the verifier forks a child for each property (killed with its group)
            job.process = self._ctx.Process(target=_verify_main, daemon=False,
                                            args=(child, self.memory_limit, task, list(names), args))
            job.process.start()
            child.close()
            self._jobs[job.id] = job
        threading.Thread(target=self._follow, args=(job, conn, timeout + self.grace), daemon=True).start()
        return job

    def _follow(self, job: VerifyJob, conn: Connection, limit: float) -> None:
        """Read the job's messages until it ends; kill it when a property overruns ``limit``."""
        deadline = time.monotonic() + limit + 30.0  # starting the process counts once
        try:
            while True:
                if not conn.poll(max(0.0, deadline - time.monotonic())):
                    self._stop(job, "failed", f"stopped: {job.current or 'the verifier'} took longer than "
                                              f"the server's limit of {limit:g} s")
                    return
                message = conn.recv()
                with self._lock:
                    if job.state in ("cancelled", "failed"):
                        return
                    if message[0] == "start":
                        job.state, job.current, job.current_since = "running", message[1], time.monotonic()
                        deadline = job.current_since + limit
                    elif message[0] == "result":
                        result = message[2]
                        if "error" in result:
                            job.error = result["error"]
                        else:
                            job.results.extend(result["results"])
                    else:
                        job.state = "failed" if job.error else "done"
                        job.current, job.finished = None, time.monotonic()
                        return
        except (EOFError, OSError):
            if job.state != "cancelled":
                self._stop(job, "failed", "the verifier process ended unexpectedly (out of memory?)")
        finally:
            conn.close()
            job.process.join(5)

    def _stop(self, job: VerifyJob, state: str, error: str | None = None) -> None:
        with self._lock:
            if job.state in ("done", "cancelled", "failed"):
                return
            job.state, job.error, job.finished = state, error, time.monotonic()
            job.current = None
        _kill_group(job.process)


    def get(self, job_id: str) -> VerifyJob | None:
        return self._jobs.get(job_id)

    def cancel(self, job_id: str) -> VerifyJob | None:
        job = self._jobs.get(job_id)
        if job is not None:
            self._stop(job, "cancelled")
        return job

    def _forget_old(self) -> None:
        now = time.monotonic()
        for key, job in list(self._jobs.items()):
            if job.finished is not None and (now - job.finished > self.keep or len(self._jobs) > self.max_jobs):
                del self._jobs[key]

    def close(self) -> None:
        for job in list(self._jobs.values()):
            self._stop(job, "cancelled")


def _kill_group(process: Any) -> None:
    """Kill a verification process and whatever it started."""
    if process is None or process.pid is None:
        return
    if hasattr(os, "killpg"):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
    if process.is_alive():
        process.kill()
