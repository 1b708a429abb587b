"""``abs`` for real arguments, as SymPy functions: ``RealAbs`` and its derivative ``RealSign``."""

from __future__ import annotations

import functools


@functools.cache
def real_functions():
    """Return ``abs`` and its derivative ``sign`` for real arguments, as SymPy functions (created lazily).

    SymPy's ``Abs(u)`` differentiates through ``re(u)`` and ``im(u)`` (and a
    slow rewrite) whenever it cannot prove u real -- e.g. ``abs(acosh(x1))`` --
    which is slow on nested expressions and leaves ``im`` terms in the
    gradient.  Everything here is real arithmetic (NumPy gives ``nan`` outside
    a function's real domain), so ``d|u|/dx = sign(u) du/dx``, with sign(0) = 0:
    a subgradient, as in the catalogue's ``ackley``.

    Returns
    -------
    RealAbs, RealSign : type
        Two subclasses of ``sympy.Function`` of one argument: ``RealAbs(u)``, whose
        derivative is ``RealSign(u)``, and ``RealSign(u)``, whose derivative is 0.
        On a number they evaluate (``abs``, ``sympy.sign``). The same two classes on
        every call.

    Examples
    --------
    >>> import sympy
    >>> RealAbs, RealSign = real_functions()
    >>> x = sympy.Symbol("x")
    >>> RealAbs(sympy.sin(x)).diff(x)
    cos(x)*RealSign(sin(x))
    >>> RealAbs(sympy.Integer(-3)), RealSign(sympy.Integer(-3)), RealSign(sympy.Integer(0))
    (3, -1, 0)
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
