"""Hyperparameter sweeps: every combination of a grid of settings, from every start, as one table.

>>> from rmsprop.sweep import sweep, parse_range
>>> table = sweep("(1 - x)**2 + 100*(y - x**2)**2", {"learning_rate": parse_range("1e-3:1e-1:5:log"),
...                                                  "decay": parse_range("0.5,0.9,0.99")}, starts=20, maxiter=200)
>>> len(table), table.names
(300, ('learning_rate', 'decay'))
>>> best = table.best()
>>> best["learning_rate"], best["decay"], round(best["fun"], 6)
(0.03162277660168379, 0.5, 0.426515)

Run ``combination * N + start`` of the table is :func:`rmsprop.minimize` from start
``start`` (of ``N``) with the settings of combination ``combination`` (the Cartesian product
of the grid, in the order ``learning_rate, decay, eps, flavor``, then the other keys sorted;
the first key varies slowest), ``maxiter`` and ``gtol``: bit for bit where
:func:`rmsprop.minimize_many`'s table says its rows are (the seed objective, Rosenbrock,
and on the compiled engine every catalogue objective it compiles). A library flavor
(``grid["flavor"]``, a name of :data:`rmsprop.compat.FLAVORS`) is
``minimize(..., optimizer=compat.configure(flavor, learning_rate=..., decay=..., eps=...,
**options))``: every flavor is the rule with some settings, so its rows are
``minimize_many(..., flavor=flavor)``'s, on the same engines and as exact as the rule's;
Keras's clipping (``clip_norm``, ``clip_value`` or ``global_clip_norm`` with the ``keras``
flavor), which is not the rule's (its own formulas, in float32), runs by that very call, one
per run, and is exact everywhere.

How the work is split
---------------------
The runs are cut into *chunks*: a chunk belongs to one *group* (one flavor and one value of
each option other than ``learning_rate``, ``decay`` and ``eps``) and is a contiguous range of
the group's ``(combination, start)`` pairs, combination-major; at most ``chunk_size`` runs
(default :data:`DEFAULT_CHUNK_SIZE` for a group that ``minimize_many`` runs, the rule and
the flavors, :data:`DEFAULT_FLAVOR_CHUNK_SIZE` for Keras's clipping, which runs one
``minimize`` per run). The cut depends on the sweep's
spec alone, never on the machine, so a chunk saved by one machine is the chunk another would
compute. A chunk is computed by ``_chunk.run_chunk``, one pure top-level function of picklable
arguments (a ``_chunk.ChunkTask``: the objective as its catalogue name and dimension or its
formula, or the object itself when it is neither; the starts and per-run settings of the
chunk's rows) returning plain arrays, so it runs the same in this process, in a spawned
process or on a Dask worker, and gives the same numbers wherever it runs.

Where the chunks run (``executor``)
-----------------------------------
* ``None``: on this machine. Chunks on the compiled engine of :func:`rmsprop.minimize_many`
  run here one after the other: its kernel is parallel over all cores already (Numba's
  ``prange``, and it releases the GIL), and running two at once from threads would
  oversubscribe the cores, and abort the process under Numba's ``workqueue`` threading
  layer, which refuses concurrent launches. The other chunks (the NumPy engine, Keras's
  clipping one ``minimize`` per run), which hold the GIL most of the time, go to a pool of spawned processes, one per
  core, when there are two or more of them and enough work to repay starting the processes
  (about :data:`POOL_MIN_SECONDS` by a rough estimate); otherwise they too run here. As with
  any use of ``multiprocessing``, a script that starts a sweep must guard it with
  ``if __name__ == "__main__":``.
* a ``dask.distributed.Client``, or a scheduler address such as ``"tcp://host:8786"`` (a
  client is then opened and closed here): one task per chunk (``client.submit``), gathered
  with ``distributed.as_completed``. Results are written to ``out`` here, on the client side,
  one per chunk, so a task that Dask runs again (its worker died) can never add rows twice.
  The workers need this package (and Numba, for the compiled engine: a worker without it
  runs the NumPy engine, whose rows differ in the last bit for a few objectives).

Saving and restarting (``out``)
-------------------------------
``out/sweep.json`` holds the spec (objective, grid, the starts' count, dimension, seed and
SHA-256, ``maxiter``, ``gtol``, the chunk sizes, the format's version). Each finished chunk
is ``out/chunks/chunk-000012.npz`` (written atomically, read with ``allow_pickle=False``):
``meta`` (JSON: the spec's SHA-256, the chunk's index and runs, a SHA-256 of its arrays),
``runs``, ``x``, ``fun``, ``nit``, ``status``. A sweep started again with the same folder and
spec loads every chunk that reads back whole and matches, and computes the others (a damaged
file is recomputed, not trusted); another spec in the folder is refused. At the end the table
is written to ``out/sweep.csv`` (and ``out/sweep.parquet`` when pyarrow can be imported).
One sweep at a time per folder. A folder saved before ``tol`` was renamed ``gtol`` (its
``sweep.json`` says ``tol``) holds the same sweep as the spec with ``gtol``: it goes on where
it stopped, its chunks load as they are, and its ``sweep.json`` is written again with ``gtol``.

The modules
-----------
``_plan`` (the checks, the starts, the groups and chunks, the spec), ``_grid`` (the grid's keys
and values), ``_source`` (the objective and how to build it again elsewhere), ``_chunk`` (one
chunk's rows), ``_executors`` (this machine, a process pool, Dask), ``_folder`` (``out``),
``_table`` (:class:`SweepTable`), ``_ranges`` (:func:`parse_range`), ``_sweep`` (:func:`sweep`),
and ``_engine``, every call into :mod:`rmsprop._batch`'s internals.
"""

from ._executors import POOL_MIN_SECONDS
from ._grid import RULE
from ._plan import DEFAULT_CHUNK_SIZE, DEFAULT_FLAVOR_CHUNK_SIZE
from ._ranges import parse_range
from ._sweep import sweep
from ._table import AGGREGATES, SweepTable

__all__ = [
    "sweep",
    "SweepTable",
    "parse_range",
    "DEFAULT_CHUNK_SIZE",
    "DEFAULT_FLAVOR_CHUNK_SIZE",
    "POOL_MIN_SECONDS",
    "RULE",
    "AGGREGATES",
]
