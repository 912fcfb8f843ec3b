"""Independent tasks on a Dask scheduler: the one execution engine of sweeps and studies.

``run_tasks(function, items, shared=(...), scheduler=...)`` returns
``[function(*shared, item) for item in items]`` computed on

- ``synchronous``: in this process, in order (tiny jobs, debugging);
- ``local``: a ``distributed.LocalCluster`` of single-threaded worker processes (one per
  core unless ``workers`` says otherwise), started and closed around the call;
- ``tcp://HOST:PORT``: an existing Dask cluster.

The shared arguments (a model, a dataset) are scattered to the workers once, and so are
large items (a walk's models), each copy on every worker so a dead one loses nothing. A task whose
worker dies is run again elsewhere (``RETRIES``), so a killed worker costs time, not results;
results come back in the order of ``items`` whatever finished first. The functions must be
deterministic given their arguments (each task carries its own seed), so the results are
the same on every scheduler and with any number of workers.
"""

from __future__ import annotations

import logging
import os
import pickle
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

SCHEDULERS = ("synchronous", "local")  # or tcp://HOST:PORT
RETRIES = 3
LARGE_ITEMS_BYTES = 1 << 20  # items larger than this (models, paths of models) are scattered to the workers


@dataclass
class TaskRun:
    """Results in item order, and how the run went."""

    results: list[Any]
    tasks: int
    workers: int
    seconds: float


def check_scheduler(scheduler: str) -> str:
    if scheduler not in SCHEDULERS and not scheduler.startswith("tcp://"):
        raise ValueError(f"scheduler {scheduler!r}: expected one of {SCHEDULERS} or tcp://HOST:PORT")
    return scheduler


def parallel_tasks(scheduler: str, workers: int | None = None) -> int:
    """How many tasks ``run_tasks`` runs at once on ``scheduler``: 1 in this process, else
    ``workers`` (a local cluster's worker count; default one per core)."""
    return 1 if check_scheduler(scheduler) == "synchronous" else workers or os.cpu_count() or 1


def run_tasks(
    function: Callable[..., Any],
    items: Sequence[Any],
    *,
    shared: tuple = (),
    scheduler: str = "synchronous",
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> TaskRun:
    """``[function(*shared, item) for item in items]`` on ``scheduler`` (module docstring);
    ``progress(i)`` with the index of every item as it finishes."""
    check_scheduler(scheduler)
    started = time.perf_counter()
    if scheduler == "synchronous":
        results = []
        for i, item in enumerate(items):
            results.append(function(*shared, item))
            if progress:
                progress(i)
        return TaskRun(results, len(items), 1, time.perf_counter() - started)
    from distributed import Client, LocalCluster, as_completed

    cluster = None
    if scheduler == "local":
        count = parallel_tasks(scheduler, workers)
        # the workers' own logs stay quiet (a heartbeat that meets the closing scheduler logs an
        # ERROR); a task's failure reaches the caller through its future, a dead worker is retried.
        # The scheduler's HTTP server (health routes) runs even without a dashboard: on a free
        # port, so that two runs at once do not warn that 8787 is taken.
        cluster = LocalCluster(
            n_workers=count,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            scheduler_kwargs={"dashboard": False, "dashboard_address": ":0"},
            silence_logs=logging.CRITICAL,
        )
        client = Client(cluster)
    else:
        client = Client(scheduler, timeout="10s")
    try:
        scattered = [client.scatter(value, broadcast=True) for value in shared]
        work = list(items)
        if len(pickle.dumps(work)) > LARGE_ITEMS_BYTES:  # large items travel as data, not in the task graph
            work = client.scatter(work, broadcast=True)
        repeated = [[value] * len(items) for value in scattered]
        futures = client.map(function, *repeated, work, retries=RETRIES, pure=False)
        index = {future.key: i for i, future in enumerate(futures)}
        done: list[Any] = [None] * len(items)
        for future in as_completed(futures):
            i = index[future.key]
            done[i] = future.result()
            if progress:
                progress(i)
        n_workers = len(client.scheduler_info()["workers"])
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return TaskRun(done, len(items), n_workers, time.perf_counter() - started)


__all__ = ["RETRIES", "SCHEDULERS", "TaskRun", "check_scheduler", "parallel_tasks", "run_tasks"]
