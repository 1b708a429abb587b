"""The package's documentation habit: numpydoc docstrings with examples, module by module.

For each module of :data:`CHECKED_MODULES`, every public function and class defined at its
top level (a name without a leading underscore; in a private module such as
``rmsprop.plot._grid`` too) has a docstring with

* a one-line summary;
* ``Parameters`` naming every argument (``name : type`` lines; ``*args``/``**kwargs`` by
  their names), when it takes any other than ``self``/``cls`` -- for a class, the
  arguments of its constructor;
* ``Returns`` when a function returns a value (a ``return`` with something other than
  ``None``), ``Yields`` when it yields (classes need neither);
* ``Examples`` with at least one ``>>>`` line and the output it checks
  (``tests/test_doctests.py`` runs them).

Each public method of such a class has a summary, and ``Parameters`` and ``Returns`` on the
same rules (a property needs only its summary). The check reads the source with :mod:`ast`
and the constructors' signatures with :mod:`inspect`: it checks that the sections are
there and name the arguments, not what they say. Extend :data:`CHECKED_MODULES` to bring
more of the package under it.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import textwrap
from pathlib import Path

import pytest

#: The modules whose public functions and classes must follow the habit.
CHECKED_MODULES = {
    # plotting
    "rmsprop.plot",
    "rmsprop.plot._animation",
    "rmsprop.plot._contour",
    "rmsprop.plot._figure",
    "rmsprop.plot._grid",
    "rmsprop.plot._labels",
    "rmsprop.plot._loss",
    "rmsprop.plot._panel",
    "rmsprop.plot._paths",
    "rmsprop.plot._runs",
    "rmsprop.plot._steps",
    "rmsprop.plot._style",
    "rmsprop.plot._surface",
    "rmsprop.plot._sweep_heatmap",
    # sweeps
    "rmsprop.sweep",
    "rmsprop.sweep._chunk",
    "rmsprop.sweep._engine",
    "rmsprop.sweep._executors",
    "rmsprop.sweep._folder",
    "rmsprop.sweep._grid",
    "rmsprop.sweep._messages",
    "rmsprop.sweep._plan",
    "rmsprop.sweep._ranges",
    "rmsprop.sweep._source",
    "rmsprop.sweep._sweep",
    "rmsprop.sweep._table",
    # objectives (the catalogue, objectives._catalogue, is not among them yet)
    "rmsprop.objectives",
    "rmsprop.objectives._objective",
    "rmsprop.objectives._coordinates",
    "rmsprop.objectives._expression",
    "rmsprop.objectives._expression.builder",
    "rmsprop.objectives._expression.positions",
    "rmsprop.objectives._expression.operations",
    "rmsprop.objectives._expression.gradient",
    "rmsprop.objectives._expression.grammar",
    "rmsprop.objectives._expression.limits",
    "rmsprop.objectives._expression.messages",
    "rmsprop.objectives._expression.numpy_code",
    "rmsprop.objectives._expression.objective",
    "rmsprop.objectives._expression.real_abs",
    "rmsprop.objectives._expression.text",
    # the rest
    "rmsprop.schedules",
    "rmsprop.baselines",
    "rmsprop.baselines._rules",
    "rmsprop.baselines._states",
    "rmsprop.baselines._elementwise",
    "rmsprop._base",
    "rmsprop._tree",
    "rmsprop._validate",
    "rmsprop._atomic",
    "rmsprop._checkpoint",
    "rmsprop.demo",
    # the playground (needs Dash)
    "rmsprop.playground",
    "rmsprop.playground._app",
    "rmsprop.playground._compute",
    "rmsprop.playground._figures",
    "rmsprop.playground._server",
    "rmsprop.playground._state",
}

#: Optional dependencies: a module that needs one that is not installed is skipped.
OPTIONAL = {"dash", "numba", "distributed", "dask", "pyarrow"}

_SECTION = re.compile(r"^([A-Z][A-Za-z ]+)\n-{3,}[ \t]*$", re.MULTILINE)
_PROPERTIES = {"property", "cached_property", "functools.cached_property"}


def _import(name: str):
    try:
        return importlib.import_module(name)
    except ImportError as error:
        missing = (getattr(error, "name", None) or "").split(".")[0]
        if missing in OPTIONAL:
            pytest.skip(f"{name} needs {missing}, which is not installed")
        raise


def sections(docstring: str) -> dict[str, str]:
    """The numpydoc sections of a docstring: title -> body ('' holds the text before the first)."""
    text = inspect.cleandoc(docstring)
    found = {}
    matches = list(_SECTION.finditer(text))
    found[""] = text[: matches[0].start()] if matches else text
    for match, following in zip(matches, matches[1:] + [None]):
        found[match.group(1)] = text[match.end(): following.start() if following else len(text)]
    return found


def documented_parameters(body: str) -> set[str]:
    """The names a ``Parameters`` section documents: the unindented ``name : type`` (or ``a, b : type``) lines."""
    names = set()
    for line in textwrap.dedent(body.strip("\n")).splitlines():
        if line and not line[0].isspace():
            for name in line.split(" : ")[0].split(","):
                names.add(name.strip().lstrip("*"))
    return names


def _arguments(node: ast.FunctionDef) -> list[str]:
    args = node.args
    names = [a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)]
    names += [a.arg for a in (args.vararg, args.kwarg) if a is not None]
    return [name for name in names if name not in ("self", "cls")]


def _own_nodes(node: ast.AST):
    """The nodes of a function's body, without those of the functions, lambdas and classes inside it."""
    stack = list(ast.iter_child_nodes(node))
    while stack:
        child = stack.pop()
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        yield child
        stack.extend(ast.iter_child_nodes(child))


def _gives(node: ast.FunctionDef) -> str | None:
    """``"Yields"`` for a generator, ``"Returns"`` when a ``return`` gives a value other than None, else None."""
    own = list(_own_nodes(node))
    if any(isinstance(n, (ast.Yield, ast.YieldFrom)) for n in own):
        return "Yields"
    for n in own:
        if isinstance(n, ast.Return) and n.value is not None:
            if not (isinstance(n.value, ast.Constant) and n.value.value is None):
                return "Returns"
    return None


def _decorators(node: ast.FunctionDef) -> set[str]:
    return {ast.unparse(d) for d in node.decorator_list}


def _has_example(body: str) -> bool:
    """At least one ``>>>`` line (with its ``...`` continuations) followed by the output it expects."""
    prompt = False
    for line in (line.strip() for line in body.splitlines()):
        if line.startswith(">>>") or (prompt and line.startswith("...")):
            prompt = True
        elif prompt and line:
            return True
        else:
            prompt = False
    return False


def _check(what: str, docstring: str | None, arguments: list[str], gives: str | None, example: bool) -> list[str]:
    if not docstring or not docstring.strip():
        return [f"{what}: no docstring"]
    found = sections(docstring)
    problems = []
    if not found[""].strip():
        problems.append(f"{what}: no summary line")
    if arguments:
        if "Parameters" not in found:
            problems.append(f"{what}: no Parameters section (it takes {', '.join(arguments)})")
        else:
            missing = [name for name in arguments if name not in documented_parameters(found["Parameters"])]
            if missing:
                problems.append(f"{what}: Parameters does not name {', '.join(missing)}")
    if gives and gives not in found:
        problems.append(f"{what}: no {gives} section")
    if example:
        if "Examples" not in found:
            problems.append(f"{what}: no Examples section")
        elif not _has_example(found["Examples"]):
            problems.append(f"{what}: Examples has no '>>>' line followed by the output it checks")
    return problems


def _constructor_arguments(cls: type) -> list[str]:
    try:
        signature = inspect.signature(cls)
    except (TypeError, ValueError):  # a class whose constructor is a builtin's (an exception): nothing of its own
        return []
    return [name for name in signature.parameters if name not in ("self", "cls")]


def problems_of(module) -> list[str]:
    """What the module's public functions, classes and methods lack, one line each."""
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    problems = []
    for node in tree.body:
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) or node.name.startswith("_"):
            continue
        what = f"{module.__name__}.{node.name}"
        if isinstance(node, ast.ClassDef):
            arguments = _constructor_arguments(getattr(module, node.name))
            problems += _check(what, ast.get_docstring(node), arguments, None, example=True)
            for method in node.body:
                if not isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)) or method.name.startswith("_"):
                    continue
                if _decorators(method) & _PROPERTIES:
                    problems += _check(f"{what}.{method.name}", ast.get_docstring(method), [], None, example=False)
                else:
                    problems += _check(f"{what}.{method.name}", ast.get_docstring(method), _arguments(method),
                                       _gives(method), example=False)
        else:
            problems += _check(what, ast.get_docstring(node), _arguments(node), _gives(node), example=True)
    return problems


@pytest.mark.parametrize("name", sorted(CHECKED_MODULES))
def test_public_names_have_numpydoc_docstrings_with_examples(name):
    problems = problems_of(_import(name))
    assert not problems, "\n".join(problems)


def test_the_check_finds_what_is_missing():
    """The check itself: a function without sections is reported, a documented one is not."""
    source = '''
def bare(x, *rest, flag=False):
    """Only a summary."""
    return x

def documented(x, *rest, flag=False):
    """A summary.

    Parameters
    ----------
    x, flag : float
        Two of them.
    *rest : float
        The others.

    Returns
    -------
    float

    Examples
    --------
    >>> documented(1.0)
    1.0
    """
    return x

def gen():
    """A generator.

    Examples
    --------
    >>> list(gen())
    [1]
    """
    yield 1
'''
    tree = ast.parse(source)
    bare, documented, gen = tree.body
    assert _check("bare", ast.get_docstring(bare), _arguments(bare), _gives(bare), True) == [
        "bare: no Parameters section (it takes x, flag, rest)", "bare: no Returns section",
        "bare: no Examples section"]
    assert _check("documented", ast.get_docstring(documented), _arguments(documented), _gives(documented), True) == []
    assert _check("gen", ast.get_docstring(gen), _arguments(gen), _gives(gen), True) == ["gen: no Yields section"]
