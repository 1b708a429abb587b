"""Where a node of a formula stands in its text: the positions and excerpts that messages quote."""

from __future__ import annotations

import ast

from .messages import location, show


class Positions:
    """The text of a formula and where each node of its tree stands in it (a part of the walk's ``Builder``).

    Examples
    --------
    >>> import sympy
    >>> from rmsprop.objectives._expression.builder import Builder
    >>> from rmsprop.objectives._expression.text import parse
    >>> text = "x + sin(y)"
    >>> builder = Builder(text, text, 0, sympy)
    >>> builder.segment(parse(text)[0].right)
    'sin(y)'
    """

    text: str
    source: str
    shift: int

    # -- positions and messages --------------------------------------------------------

    def index(self, lineno: int, col_offset: int) -> int:
        """Index in the user's text of a parser position (ASCII: bytes are characters).

        Parameters
        ----------
        lineno : int
            The parser's line (1-based).
        col_offset : int
            The parser's column (0-based).

        Returns
        -------
        int
            The position in ``text`` (0-based), counting the characters dropped from its
            front.
        """
        lines = self.source.split("\n")
        return self.shift + sum(len(line) + 1 for line in lines[: lineno - 1]) + col_offset

    def where(self, node) -> str:
        """Say where ``node`` is in the user's text, for a message.

        Parameters
        ----------
        node : ast.AST
            The syntax-tree node.

        Returns
        -------
        str
            ``"at column c"`` (or ``"at line l, column c"``), or ``"in the expression"``
            for a node without a position.
        """
        lineno = getattr(node, "lineno", None)
        if lineno is None:
            return "in the expression"
        return location(self.text, self.index(lineno, node.col_offset))

    def segment(self, node) -> str:
        """The source text of ``node``.

        Parameters
        ----------
        node : ast.AST
            The syntax-tree node.

        Returns
        -------
        str
            Its text in ``source``, or its node type's name where the parser kept none.
        """
        piece = ast.get_source_segment(self.source, node)
        return piece if piece is not None else type(node).__name__

    def piece(self, node) -> str:
        """The text of ``node``, quoted, and where it is: ``'x1/0' at column 1``.

        Parameters
        ----------
        node : ast.AST
            The syntax-tree node.

        Returns
        -------
        str
            :func:`.messages.show` of :meth:`segment`, then :meth:`where`.
        """
        return f"{show(self.segment(node))} {self.where(node)}"
