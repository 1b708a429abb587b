"""Every piece of compiled code, in one home: Numba's versions of the rule and the engines built on it.

* :mod:`.rule`: the compiled primitives under :func:`rmsprop.rule.step.make_step`;
* :mod:`.numpy_semantics`: NumPy's scalar arithmetic (weak scalars, the C ``pow``, pairwise sums);
* :mod:`.array_kernel`: the fused kernel of one step over arrays (``update``, ``RMSprop.step``);
* :mod:`.objectives`: the catalogue's formulas (:mod:`rmsprop.objectives.formulas`), compiled from their own code;
* :mod:`.batch`: whole runs of ``minimize_many``, one per row, parallel over the cores;
* :mod:`.single`: one run of ``minimize``, a chunk of iterations per call, its path recorded;
* :mod:`.run_parts`: the pieces both are built from (scalars, stopping test, clipping factors);
* :mod:`.announce`: the message, once per kind, that a kernel compiles (a cache miss).

Nothing here is imported by ``import rmsprop``: the engines import these modules at their
first use, and kernels compile on first call and are cached on disk.
"""
