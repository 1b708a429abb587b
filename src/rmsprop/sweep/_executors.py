"""Where the chunks run: this machine (here, or a pool of spawned processes) or a Dask cluster.

* ``None``: on this machine. Chunks on the compiled engine of :func:`rmsprop.minimize_many`
  run here one after the other: its kernel is parallel over all cores already (Numba's
  ``prange``, and it releases the GIL), and running two at once from threads would
  oversubscribe the cores, and abort the process under Numba's ``workqueue`` threading
  layer, which refuses concurrent launches. The other chunks (the NumPy engine, Keras's
  clipping one ``minimize`` per run), which hold the GIL most of the time, go to a pool of spawned processes, one per
  core, when there are two or more of them and enough work to repay starting the processes
  (about :data:`POOL_MIN_SECONDS` by a rough estimate); otherwise they too run here.
* a ``dask.distributed.Client``, or a scheduler address: one task per chunk
  (``client.submit``), gathered with ``distributed.as_completed``; each result is handed to
  ``done`` here, on the client side, once per chunk.

Dask is imported only where a cluster is used.
"""

from __future__ import annotations

import itertools
import os
import uuid
from collections.abc import Callable
from typing import Any

from ._chunk import run_chunk
from ._engine import compiled_engine
from ._messages import one_line
from ._plan import Chunk, Plan

__all__ = ["POOL_MIN_SECONDS", "executor_kind", "import_distributed", "connect", "cpu_count", "run_local", "run_dask"]

#: Local chunks off the compiled engine go to a process pool when they add up to this many seconds (a rough guess).
POOL_MIN_SECONDS = 3.0

_INSTALL_DASK = 'running a sweep on a Dask cluster needs dask.distributed: pip install "rmsprop[cluster]"'


def executor_kind(executor: Any) -> str:
    """Tell what kind of executor ``executor`` is; dask is imported only where needed.

    Parameters
    ----------
    executor : None or distributed.Client or str
        ``None`` (this machine), a Dask client, or a scheduler address.

    Returns
    -------
    str
        ``"local"``, ``"client"`` or ``"address"``.

    Raises
    ------
    TypeError
        If ``executor`` is none of those (one line).
    ValueError
        If the address is blank.
    ImportError
        If a client or an address is given and dask.distributed is not installed.

    Examples
    --------
    >>> executor_kind(None)
    'local'
    >>> executor_kind(4)
    Traceback (most recent call last):
    ...
    TypeError: executor must be None (this machine), a dask.distributed.Client or a scheduler address such as
    'tcp://host:8786'; got int
    """
    if executor is None:
        return "local"
    if isinstance(executor, str):
        if not executor.strip():
            raise ValueError("executor: the scheduler address is empty; give e.g. 'tcp://host:8786'")
        import_distributed()
        return "address"
    if type(executor).__module__.split(".")[0] == "distributed":
        distributed = import_distributed()
        if isinstance(executor, distributed.Client):
            return "client"
    raise TypeError(
        f"executor must be None (this machine), a dask.distributed.Client or a scheduler address "
        f"such as 'tcp://host:8786'; got {type(executor).__name__}"
    )


def import_distributed() -> Any:
    """Import and return the module ``distributed``, or an ImportError that says how to install it.

    Returns
    -------
    module
        ``distributed``.

    Raises
    ------
    ImportError
        If dask.distributed is not installed: ``pip install "rmsprop[cluster]"``.

    Examples
    --------
    >>> import distributed
    >>> import_distributed() is distributed
    True
    """
    try:
        import distributed
    except ImportError:
        raise ImportError(_INSTALL_DASK) from None
    return distributed


def cpu_count() -> int:
    """Return the cores this process may use.

    Returns
    -------
    int
        ``os.process_cpu_count()`` (Python 3.13), else the size of the process's CPU
        affinity, else ``os.cpu_count()``; at least 1.

    Examples
    --------
    >>> cpu_count() >= 1
    True
    """
    if hasattr(os, "process_cpu_count"):  # Python 3.13
        return os.process_cpu_count() or 1
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def run_local(plan: Plan, pending: list[Chunk], done: Callable[[Chunk, dict], None]) -> None:
    """Run the chunks on this machine: compiled ones here (each uses every core), the others in spawned processes.

    The others go to a pool of spawned processes only when there are two or more cores
    for them, their estimated cost reaches :data:`POOL_MIN_SECONDS` and the objective
    can be pickled; else they too run here, in order.

    Parameters
    ----------
    plan : Plan
        The sweep.
    pending : list of Chunk
        The chunks to compute.
    done : callable
        ``done(chunk, rows)``, called here for each chunk once, with the dict of
        :func:`run_chunk`.

    Examples
    --------
    >>> from rmsprop.sweep._plan import make_plan
    >>> plan = make_plan("5*x1**2 + 7*x2**2", {"learning_rate": [0.01, 0.1], "decay": [0.5, 0.9]},
    ...                  starts=3, maxiter=20, gtol=1e-5, seed=0, chunk_size=5)
    >>> finished = []
    >>> run_local(plan, plan.chunks, lambda chunk, rows: finished.append((chunk.index, rows["fun"].shape)))
    >>> finished
    [(0, (5,)), (1, (5,)), (2, (2,))]
    """
    here: list[Chunk] = []
    elsewhere: list[Chunk] = []
    for chunk in pending:
        group = plan.groups[chunk.group]
        compiled = compiled_engine(plan.objective, group.batch)
        (here if compiled else elsewhere).append(chunk)
    workers = min(cpu_count(), len(elsewhere))
    if workers < 2 or sum(plan.cost(chunk) for chunk in elsewhere) < POOL_MIN_SECONDS or not _picklable(plan):
        here, elsewhere = here + elsewhere, []
    for chunk in here:
        done(chunk, run_chunk(plan.task(chunk, portable=False)))
    if not elsewhere:
        return
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))
    queue = iter(elsewhere)  # a few chunks ahead of the workers, not every task in memory at once
    running: dict = {}
    finished = False
    try:
        for chunk in itertools.islice(queue, 2 * workers):
            running[pool.submit(run_chunk, plan.task(chunk, portable=True))] = chunk
        while running:
            ready, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in sorted(ready, key=lambda future: running[future].index):
                chunk = running.pop(future)
                done(chunk, future.result())
                following = next(queue, None)
                if following is not None:
                    running[pool.submit(run_chunk, plan.task(following, portable=True))] = following
        finished = True
    finally:
        pool.shutdown(wait=finished, cancel_futures=True)


def _picklable(plan: Plan) -> bool:
    """Whether the objective can go to a spawned process (a source always can; a custom object perhaps)."""
    if plan.source is not None:
        return True
    import pickle

    try:
        pickle.dumps(plan.objective)
    except Exception:  # noqa: BLE001 - lambdas, closures, ...: such an objective runs here
        return False
    return True


def run_dask(client: Any, plan: Plan, pending: list[Chunk], done: Callable[[Chunk, dict], None]) -> None:
    """Run one task per chunk on the cluster, gathered as they complete; written here, so each chunk lands once.

    A few chunks more than the cluster has threads are in flight at a time; when the
    run fails or is interrupted, the chunks still queued or running are cancelled.

    Parameters
    ----------
    client : distributed.Client
        The client of the cluster.
    plan : Plan
        The sweep.
    pending : list of Chunk
        The chunks to compute.
    done : callable
        ``done(chunk, rows)``, called here for each chunk once, as they complete.

    Raises
    ------
    TypeError
        If the objective has no :class:`Source` and cannot be pickled to be sent.
    ImportError
        If dask.distributed is not installed.

    Examples
    --------
    >>> from rmsprop.sweep._plan import make_plan
    >>> plan = make_plan("5*x1**2 + 7*x2**2", {"learning_rate": [0.01, 0.1], "decay": [0.5, 0.9]},
    ...                  starts=3, maxiter=20, gtol=1e-5, seed=0, chunk_size=5)
    >>> import distributed
    >>> cluster = distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
    ...                                    dashboard_address=":0")
    >>> finished = []
    >>> with cluster, distributed.Client(cluster, set_as_default=False) as client:
    ...     run_dask(client, plan, plan.chunks, lambda chunk, rows: finished.append(chunk.index))
    >>> sorted(finished)
    [0, 1, 2]
    """
    distributed = import_distributed()
    if plan.source is None:
        try:
            import cloudpickle

            cloudpickle.dumps(plan.objective)
        except Exception as error:  # noqa: BLE001 - whatever cloudpickle raises
            raise TypeError(
                f"objective {plan.objective.name!r} cannot be sent to the cluster "
                f"({one_line(error)}); give a catalogue name or a formula"
            ) from None
    queue = iter(pending)  # a few chunks ahead of the workers: the scheduler never holds them all
    futures: dict = {}

    def submit(chunk: Chunk) -> Any:
        key = f"rmsprop-sweep-chunk-{chunk.index:06d}-{uuid.uuid4().hex}"
        future = client.submit(run_chunk, plan.task(chunk, portable=True), key=key, pure=False)
        futures[future] = chunk
        return future

    try:
        window = max(8, 2 * sum(client.nthreads().values()))
        for chunk in itertools.islice(queue, window):
            submit(chunk)
        completed = distributed.as_completed(list(futures), loop=client.loop)  # not only with the default client
        for future in completed:
            result = future.result()
            chunk = futures.pop(future)
            future.release()
            done(chunk, result)
            following = next(queue, None)
            if following is not None:
                completed.add(submit(following))
    finally:
        if futures:  # interrupted or failed: take back what is still queued or running
            client.cancel(list(futures))


def connect(address: str) -> Any:
    """Connect a client to the scheduler at ``address`` (not the default client), or raise a one-line ConnectionError.

    Parameters
    ----------
    address : str
        The scheduler's address, e.g. ``"tcp://host:8786"``.

    Returns
    -------
    distributed.Client
        A client that is not made the default one; the caller closes it.

    Raises
    ------
    ConnectionError
        If the scheduler cannot be reached.
    ImportError
        If dask.distributed is not installed.

    Examples
    --------
    >>> import distributed
    >>> cluster = distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
    ...                                    dashboard_address=":0")
    >>> with cluster, connect(cluster.scheduler_address) as client:
    ...     print(executor_kind(client), len(client.nthreads()))
    client 1
    """
    distributed = import_distributed()
    try:
        return distributed.Client(address, set_as_default=False)
    except (OSError, TimeoutError) as error:
        raise ConnectionError(f"cannot reach the Dask scheduler at {address!r}: {one_line(error)}") from None
