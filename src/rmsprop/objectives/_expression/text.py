"""From the raw text to a checked syntax tree: the checks on the text, ``ast.parse``, the size caps."""

from __future__ import annotations

import ast
import warnings

from . import limits
from .grammar import CHAIN_GROUP
from .messages import EXAMPLE, location, reject, show


def check_text(text: str) -> None:
    """Check the raw text, before the parser sees it.

    Parameters
    ----------
    text : str
        The formula as typed (line breaks already made ``\\n``).

    Raises
    ------
    ValueError
        ``expression rejected: ...`` if the text is longer than ``MAX_LENGTH``, holds a
        non-ASCII or control character (tab, newline and carriage return are allowed),
        is blank, or nests brackets deeper than ``MAX_DEPTH``.

    Examples
    --------
    >>> check_text("(1 - x)**2 + 100*(y - x**2)**2")
    >>> check_text("x1 + \uff58\u2082")
    Traceback (most recent call last):
    ...
    ValueError: expression rejected: non-ASCII character '\uff58' (U+FF58) at column 6; write the expression in
    plain ASCII (e.g. x1, not a full-width or accented letter)
    """
    if len(text) > limits.MAX_LENGTH:
        reject(f"the expression is {len(text)} characters long; at most {limits.MAX_LENGTH} are allowed")
    for index, char in enumerate(text):
        code = ord(char)
        if code > 127:
            reject(
                f"non-ASCII character {char!r} (U+{code:04X}) {location(text, index)}; "
                "write the expression in plain ASCII (e.g. x1, not a full-width or accented letter)"
            )
        if (code < 32 and char not in "\t\n\r") or code == 127:
            reject(f"control character {char!r} {location(text, index)} is not allowed")
    if not text.strip():
        reject(f"the expression is empty; write a formula such as {EXAMPLE}")
    depth = 0
    for index, char in enumerate(text):
        if char in "([{":
            depth += 1
            if depth > limits.MAX_DEPTH:
                reject(f"brackets nested deeper than {limits.MAX_DEPTH} levels {location(text, index)}")
        elif char in ")]}":
            depth -= 1


def parse(text: str) -> tuple[ast.expr, str, int]:
    """Parse ``text`` (checked) into its expression node.

    Parameters
    ----------
    text : str
        The formula, checked by :func:`check_text`.

    Returns
    -------
    body : ast.expr
        The expression node (``ast.parse(..., mode="eval").body``).
    source : str
        The text the parser saw: ``text`` without leading whitespace.
    shift : int
        The number of characters dropped from the front of ``text``.

    Raises
    ------
    ValueError
        ``expression rejected: ...`` on a syntax error (naming the line and column in
        ``text`` and the text near it), or when the parser fails otherwise.

    Examples
    --------
    >>> import ast
    >>> body, source, shift = parse("  x1 + 2")
    >>> type(body).__name__, source, shift
    ('BinOp', 'x1 + 2', 2)
    >>> parse("x1 +")
    Traceback (most recent call last):
    ...
    ValueError: expression rejected: invalid syntax at column 5 near 'x1 +' (write a formula such as 5*x1**2 + 7*x2**2)
    """
    source = text.lstrip()
    shift = len(text) - len(source)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. invalid escapes in a (rejected) string literal
            tree = ast.parse(source, mode="eval")
    except SyntaxError as error:
        message = (error.msg or "invalid syntax").split("\n")[0]
        if message.startswith("invalid syntax"):
            message = "invalid syntax"  # drop Python's hints ("Perhaps you forgot a comma?")
        lines = source.split("\n")
        lineno = min(max(error.lineno or 1, 1), len(lines))
        line = lines[lineno - 1]
        offset = error.offset if error.offset is not None and error.offset >= 1 else len(line) + 1  # 0: at the end
        index = sum(len(before) + 1 for before in lines[: lineno - 1]) + min(offset - 1, len(line))
        near = source[max(index - 10, 0) : index + 10].strip() or source.strip()
        reject(f"{message} {location(text, index + shift)} near {show(near)} (write a formula such as {EXAMPLE})")
    except (ValueError, RecursionError, MemoryError, OverflowError) as error:
        reject(f"the expression could not be parsed ({type(error).__name__}); write a formula such as {EXAMPLE}")
    return tree.body, source, shift


def check_size(body: ast.expr, locate) -> None:
    """Cap the node count and the nesting depth, without recursion.

    A left-associative chain of one precedence level (``a + b - c + ...``,
    ``a * b / c * ...``) counts as one level however long it is.

    Parameters
    ----------
    body : ast.expr
        The expression node from :func:`parse`.
    locate : callable
        ``locate(node) -> str``, where a node is, for the message (``Builder.where``).

    Raises
    ------
    ValueError
        ``expression rejected: ...`` if the tree has more than ``MAX_NODES`` nodes or
        nests deeper than ``MAX_DEPTH`` levels.

    Examples
    --------
    >>> check_size(parse(" + ".join(["x1"] * 200))[0], lambda node: "")
    >>> check_size(parse(" + ".join(["x1"] * 401))[0], lambda node: "")
    Traceback (most recent call last):
    ...
    ValueError: expression rejected: the expression has more than 400 parts; simplify it
    """
    count = 0
    stack: list[tuple[ast.AST, int]] = [(body, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, (ast.expr_context, ast.operator, ast.unaryop, ast.cmpop, ast.boolop)):
            continue
        count += 1
        if count > limits.MAX_NODES:
            reject(f"the expression has more than {limits.MAX_NODES} parts; simplify it")
        if depth > limits.MAX_DEPTH:
            reject(f"the expression is nested deeper than {limits.MAX_DEPTH} levels {locate(node)}")
        group = CHAIN_GROUP.get(type(node.op)) if isinstance(node, ast.BinOp) else None
        for child in ast.iter_child_nodes(node):
            same_chain = (
                group is not None
                and isinstance(node, ast.BinOp)
                and child is node.left
                and isinstance(child, ast.BinOp)
                and CHAIN_GROUP.get(type(child.op)) == group
            )
            stack.append((child, depth if same_chain else depth + 1))
