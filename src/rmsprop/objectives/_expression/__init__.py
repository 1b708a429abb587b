"""Objectives typed as text: ``from_expression("(1 - x)**2 + 100*(y - x**2)**2")``.

A user's formula is turned into an :class:`~rmsprop.objectives.Objective` whose
gradient is worked out symbolically by SymPy.  The text is untrusted, so it is
read by a small whitelist grammar and never executed.

How the text is read
--------------------
1. Up-front checks on the raw text: at most ``MAX_LENGTH`` (1000) characters;
   printable ASCII plus tab, newline and carriage return only (Python's parser
   NFKC-normalises identifiers, so a full-width ``ｘ1`` would silently become
   ``x1``; a zero-width space could hide in a name); not empty; brackets nested
   at most ``MAX_DEPTH`` (50) deep, counted before the parser sees the text
   (very deep brackets make CPython's parser fail or recurse).
2. ``ast.parse(text, mode="eval")`` -- the only thing ever done with the text
   by Python's machinery.  Leading whitespace is dropped first (the parser
   would call it an indent); columns in messages are those of the text as typed.
3. An iterative pass over the tree caps the node count (``MAX_NODES``, 400) and
   the nesting depth (``MAX_DEPTH``, 50; a chain ``a + b - c + ...`` or
   ``a * b / c * ...`` counts as one level however long it is).
4. A recursive walk that accepts only the grammar below and builds SymPy
   expressions node by node from SymPy objects (``Symbol``, ``Integer``,
   ``Float``, ``Add``, ``Mul``, ``Pow``, ``sin``, ...).  The user's text never
   reaches Python's code-evaluating builtins, nor SymPy's string parsers: the
   only string handed to a parser is the user's text to ``ast.parse``.

Grammar
-------
* numbers: ``int`` and ``float`` literals (``3``, ``2.5``, ``1e-3``, ``1_000``,
  ``0x10``) of absolute value at most ``MAX_LITERAL`` (1e100); no ``bool``,
  complex, string or bytes literals;
* variables, one of two styles (mixing them is an error):

  - ``x1, x2, ..., xn`` with n <= ``MAX_DIM`` (100): ``dim`` is the highest
    index used, and every index below it is a coordinate even if unused
    (``"x3**2"`` is a 3-D objective, flat in x1 and x2);
  - ``x, y, z``, coordinates 1, 2, 3: ``dim`` is again the highest coordinate
    used, so ``"x**2"`` is 1-D, ``"y**2"`` and ``"(1 - x)**2 + 100*(y - x**2)**2"``
    are 2-D and ``"z"`` is 3-D;

  a text without any variable is rejected (it has no dimension);
* constants ``pi`` and ``e`` (the doubles ``math.pi`` and ``math.e``);
* binary ``+ - * / **``, unary ``-`` and ``+``, parentheses;
* calls of these functions by plain name, with exactly this many positional
  arguments: ``sin cos tan asin/arcsin acos/arccos atan/arctan sinh cosh tanh
  asinh/arcsinh acosh/arccosh atanh/arctanh exp log (natural) log2 log10 sqrt
  abs`` (one argument) and ``atan2/arctan2(y, x)`` (two).

Everything else -- attributes, subscripts, calls of anything else, keyword or
starred arguments, lambdas, comprehensions, displays (tuples, lists, sets,
dicts), comparisons, boolean operators, conditional expressions, f-strings,
``:=``, ``await``/``yield``, the operators ``// % @ ^ & | << >> ~ not`` -- is
rejected with a :class:`ValueError` whose message is one line that starts
``expression rejected:``, names the offending piece and where it is, and says
what is allowed.

Constants and caps
------------------
Sub-expressions without a variable are folded while walking, in Python
``int``/``float`` arithmetic and the ``math`` module -- what NumPy would
compute from the same doubles, up to the last bit of a library function -- so
that SymPy never sees (or evaluates) a tower of constants.  A folded constant
must be a finite real double: ``1/0``, ``0**-1``, ``log(0)``, ``sqrt(-1)``,
``(-8)**(1/3)``, ``exp(1000)`` and ``1e100**4`` are rejected, naming the piece.
Division by a constant zero (``x1/0``) is rejected too.  A constant exponent
must satisfy |p| <= ``MAX_EXPONENT`` (100): ``x1**1000`` is rejected, and
``9**9**9`` is rejected after folding the cheap inner ``9**9`` --
``9**387420489`` is never computed.  Division by a constant c is SymPy's
multiplication by 1/c (``x1**6/6`` is ``(1/6)*x1**6``), which may differ from
the division in the last bit.  Integer powers of integers are computed
exactly only when the result is known to fit a double.  Every number in the
generated code must be a finite double (integers above 2**53 are written as
doubles).  With variables inside, overflow is not an error:
``exp(exp(exp(exp(x1))))`` is accepted and evaluates to ``inf`` where the
double range ends, with NumPy's usual ``inf``/``nan`` results and no warnings.

Growth guard: the work of differentiating is estimated before it is done
(:func:`.gradient.chain_rule_work`, about linear in the size of the formula times the
number of coordinates) and an expression over ``MAX_WORK`` units is rejected, so
that, with the caps above, the time any accepted expression takes to differentiate
and compile is bounded.

The variables carry no SymPy assumptions (in particular they are not declared
real), so SymPy makes only identity-preserving simplifications such as
``x1 - x1`` -> 0 or ``x1*x1`` -> ``x1**2`` and does not turn ``exp(log(x))``
into ``x``.  A sub-expression that SymPy finds to be non-real or infinite
(``log(x1 - x1)``, ``(x1 - x1)**-1``, ``(-2)**(x1 - x1 + 0.5)``) is rejected, and so
is a function whose gradient is (``0**x1``, ``(-2)**x1``: d/dx (-2)**x involves
log(-2)).  Outside a function's real domain f is ``nan``, as in NumPy
(``sqrt(-exp(x1))`` is accepted and is ``nan`` everywhere).  SymPy has one
zero, so a typed ``-0.0`` is ``0.0`` (``atan2(-0.0, -1)`` is pi, not -pi).

The program and its gradient
----------------------------
A non-atomic argument of a function, a power or a division, and a sum that is
a factor of a product, becomes an intermediate symbol ``_t1, _t2, ...``; f is
the straight-line program ``_t1 = ...; _t2 = ...; return ...`` in which each
SymPy expression is shallow.  The gradient is forward-mode chain rule over that
program (:func:`.gradient.chain_rule`): each local partial derivative is ``sympy.diff``
of a shallow expression (sums term by term and products by the product rule,
see ``gradient._partial``).  ``sympy.diff`` of the whole nested expression gives the
same derivative, but its cost is unpredictable -- the fuzzer found
40-deep nestings of functions on which its time and memory grew out of all
proportion -- while the program form costs about linear time and names every
subexpression once in the generated code.  It also keeps the typed structure:
``0.26*(x1**2 + x2**2)`` is computed as written, not distributed.

Evaluation
----------
f and the gradient are compiled with ``sympy.lambdify(symbols, outputs,
modules="numpy", cse=...)``, the intermediates passed as lambdify's
common-subexpression statements.  Lambdify writes Python source from the SymPy
objects that were built here (not from the user's text) and runs it through
``exec``; a printer subclass writes every float with ``repr(float(...))`` so
that constants such as ``pi`` keep all 17 digits (the stock printer writes 15).
The compiled functions are called with the coordinates as 1-D arrays (``x``
reshaped to ``(dim, -1)``), never as NumPy scalars: NumPy computes
``array**2`` as ``x*x``, but ``float64_scalar**2`` calls libm ``pow``, which is
not correctly rounded for squares on this machine.  This makes
``from_expression("5*x1**2 + 7*x2**2")`` bit-identical to the catalogue's
``seed`` (and its RMSprop run to the seed's).  Constant gradient components
(``d/dx1 (x1 + x2**2)`` is ``1``) and constant functions (``"x1 - x1"`` is
``0``) are broadcast to the right shape.  The output dtype is the input's
floating dtype (float32 stays float32; integer input becomes float64); the
generated code keeps float32 arithmetic in float32 because its numbers are
Python numbers, except where SymPy writes a NumPy constant such as
``numpy.log(2)``, which computes in float64 before the result is stored as
float32.  ``abs`` is a small SymPy function of our own (``RealAbs``, derivative
``sign``, printed ``numpy.absolute``): SymPy's ``Abs`` differentiates through
``re`` and ``im``.

Modules
-------
``limits``       the caps (``MAX_LENGTH``, ``MAX_DEPTH``, ..., ``MAX_WORK``)
``messages``     the one-line ``expression rejected: ...`` error and its pieces
``grammar``      the whitelist: functions, constants, variables; names of refused syntax
``text``         the raw text to a checked tree: text checks, ``ast.parse``, size caps
``builder``      the walk: the tree to a SymPy program, constants folded in Python
``real_abs``     ``abs`` and its derivative ``sign`` as real SymPy functions
``gradient``     the chain rule over the program, and the estimate of its work
``numpy_code``   the checks on what reaches the generated code, ``lambdify``, f and grad
``objective``    :func:`from_expression`, the entry point

SymPy is imported on the first call, not with :mod:`rmsprop`.
"""

from .objective import from_expression

__all__ = ["from_expression"]
