"""``abs`` for real arguments, as SymPy functions: ``RealAbs`` and its derivative ``RealSign``."""

from __future__ import annotations

import functools


@functools.cache
def real_functions():
    """``abs`` and its derivative ``sign`` for real arguments, as SymPy functions (created lazily).

    SymPy's ``Abs(u)`` differentiates through ``re(u)`` and ``im(u)`` (and a
    slow rewrite) whenever it cannot prove u real -- e.g. ``abs(acosh(x1))`` --
    which costs seconds on nested expressions and leaves ``im`` terms in the
    gradient.  Everything here is real arithmetic (NumPy gives ``nan`` outside
    a function's real domain), so ``d|u|/dx = sign(u) du/dx``, with sign(0) = 0:
    a subgradient, as in the catalogue's ``ackley``.
    """
    import sympy

    # ``eval`` below is SymPy's hook for simplifying a call on a number (a SymPy object, never text),
    # not Python's builtin.
    class RealSign(sympy.Function):
        nargs = 1

        @classmethod
        def eval(cls, arg):
            if arg.is_Number:
                return sympy.sign(arg)

        def fdiff(self, argindex=1):
            return sympy.Integer(0)

        def _eval_is_extended_real(self):
            return True

    class RealAbs(sympy.Function):
        nargs = 1

        @classmethod
        def eval(cls, arg):
            if arg.is_Number:
                return abs(arg)

        def fdiff(self, argindex=1):
            return RealSign(self.args[0])

        def _eval_is_extended_real(self):
            return True

        def _eval_is_extended_nonnegative(self):
            return True

    return RealAbs, RealSign
