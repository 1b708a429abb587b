"""The whitelist: the functions, constants and variables a formula may name, and the syntax it refuses.

Also the sentence that every refusal ends with (``ALLOWED``), and how refused
syntax is named in the messages.
"""

from __future__ import annotations

import ast
import math

# name -> (number of arguments, SymPy function name, function on Python floats)
FUNCTIONS: dict[str, tuple[int, str, object]] = {
    "sin": (1, "sin", math.sin),
    "cos": (1, "cos", math.cos),
    "tan": (1, "tan", math.tan),
    "asin": (1, "asin", math.asin),
    "arcsin": (1, "asin", math.asin),
    "acos": (1, "acos", math.acos),
    "arccos": (1, "acos", math.acos),
    "atan": (1, "atan", math.atan),
    "arctan": (1, "atan", math.atan),
    "sinh": (1, "sinh", math.sinh),
    "cosh": (1, "cosh", math.cosh),
    "tanh": (1, "tanh", math.tanh),
    "asinh": (1, "asinh", math.asinh),
    "arcsinh": (1, "asinh", math.asinh),
    "acosh": (1, "acosh", math.acosh),
    "arccosh": (1, "acosh", math.acosh),
    "atanh": (1, "atanh", math.atanh),
    "arctanh": (1, "atanh", math.atanh),
    "exp": (1, "exp", math.exp),
    "log": (1, "log", math.log),
    "log2": (1, "log2", math.log2),
    "log10": (1, "log10", math.log10),
    "sqrt": (1, "sqrt", math.sqrt),
    "abs": (1, "Abs", abs),  # built as RealAbs, see real_abs.real_functions
    "atan2": (2, "atan2", math.atan2),
    "arctan2": (2, "atan2", math.atan2),
}
CONSTANTS = {"pi": math.pi, "e": math.e}
XYZ = {"x": 1, "y": 2, "z": 3}


def indexed(ident: str) -> str | None:
    """Return the digits of a name ``x<digits>`` (ASCII, checked up front), else None.

    Parameters
    ----------
    ident : str
        A name from the formula.

    Returns
    -------
    str or None
        The digits after the ``x`` (``"12"`` for ``x12``; leading zeros kept, so that
        the caller can refuse them), or None when ``ident`` is not ``x`` followed by
        digits.

    Examples
    --------
    >>> indexed("x12"), indexed("x07"), indexed("x"), indexed("y2")
    ('12', '07', None, None)
    """
    return ident[1:] if len(ident) > 1 and ident[0] == "x" and ident[1:].isdigit() else None


_FUNCTION_LIST = ", ".join(FUNCTIONS)
ALLOWED = (
    "allowed: numbers, variables x1..xn or x, y, z, constants pi and e, "
    f"operators + - * / ** and unary -, and the functions {_FUNCTION_LIST}"
)

OPERATOR_TEXT = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.Pow: "**",
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.MatMult: "@",
    ast.BitXor: "^",
    ast.BitAnd: "&",
    ast.BitOr: "|",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.USub: "-",
    ast.UAdd: "+",
    ast.Not: "not",
    ast.Invert: "~",
}
# Left-associative chains of one precedence level count as one nesting level.
CHAIN_GROUP = {ast.Add: "additive", ast.Sub: "additive", ast.Mult: "multiplicative", ast.Div: "multiplicative"}

NODE_KINDS = {
    ast.Attribute: "attribute access",
    ast.Subscript: "subscript",
    ast.Slice: "slice",
    ast.Lambda: "lambda",
    ast.ListComp: "list comprehension",
    ast.SetComp: "set comprehension",
    ast.DictComp: "dict comprehension",
    ast.GeneratorExp: "generator expression",
    ast.List: "list",
    ast.Tuple: "tuple",
    ast.Set: "set",
    ast.Dict: "dict",
    ast.Compare: "comparison",
    ast.BoolOp: "boolean operator",
    ast.IfExp: "conditional expression",
    ast.JoinedStr: "f-string",
    ast.FormattedValue: "f-string field",
    ast.NamedExpr: "assignment expression",
    ast.Starred: "starred expression",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield from",
}
