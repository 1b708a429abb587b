"""The caps on what a typed formula may ask for (the package docstring says why each is what it is).

The other modules read them as ``limits.NAME`` when they run, so that a test
can lower one with ``monkeypatch.setattr(limits, "MAX_WORK", ...)``.
"""

MAX_LENGTH = 1000
MAX_DEPTH = 50
MAX_NODES = 400
MAX_EXPONENT = 100
MAX_LITERAL = 1e100
MAX_DIM = 100
MAX_WORK = 15_000  # units of gradient.chain_rule_work

EXACT_INT = 2**53  # larger integers become floats
