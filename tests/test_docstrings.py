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

Three kinds of names are read otherwise:

* a docstring or signature that the module makes at import (a top-level
  ``name.__doc__ = ...`` or ``name.__signature__ = ...``, as :func:`rmsprop.rmsprop`'s are
  made from :class:`rmsprop.Settings`' fields) is checked as it is at run time, the one that
  ``help()`` shows;
* an enumeration (an :class:`enum.Enum`) is looked up by value, not built: its
  constructor's arguments need no ``Parameters``;
* a function that a Typer app registers as a command (in :mod:`rmsprop.cli`) is documented
  for the command line: the first line of its docstring is the command's help, each of its
  options carries its own ``help=`` text (checked instead of ``Parameters``), and its
  sections, ``Examples`` at least, follow a ``\\f`` line, where Click ends the help, so
  that ``--help`` shows none of them (put it on the line right after the summary, with a
  blank line after it: Typer's list of commands shows the first paragraph whole, and
  its ``--help`` prints the blank lines it finds before the ``\\f``).
"""

from __future__ import annotations

import ast
import enum
import importlib
import importlib.util
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
    "rmsprop.plot._minibatch",
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
    # PyTorch (skipped without torch)
    "rmsprop.torch",
    "rmsprop.torch._optimizer",
    "rmsprop.torch._flavors",
    "rmsprop.torch._cpu",
    "rmsprop._compiled.list_kernel",
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
    "rmsprop._bounds",
    "rmsprop.objectives._online",
    "rmsprop.objectives._finite_sum",
    "rmsprop.objectives._models",
    "rmsprop.objectives._datasets",
    "rmsprop.reproduce",
    "rmsprop.reproduce._report",
    "rmsprop.reproduce.seed",
    "rmsprop.reproduce.d2l",
    "rmsprop.reproduce.reddi2018",
    "rmsprop.reproduce.shi2021",
    "rmsprop.cli._reproduce",
    "rmsprop.demo",
    # the package, the rule, minimize and its engines, the flavors
    "rmsprop",
    "rmsprop.rule",
    "rmsprop.rule.settings",
    "rmsprop.rule.step",
    "rmsprop.rule.arithmetic",
    "rmsprop.rule.primitives",
    "rmsprop._rmsprop",
    "rmsprop._fused",
    "rmsprop._clip",
    "rmsprop._fma",
    "rmsprop._status",
    "rmsprop._minimize",
    "rmsprop._stateful",
    "rmsprop._batch",
    "rmsprop._batch_inputs",
    "rmsprop._result",
    "rmsprop.compat",
    "rmsprop.compat._flavors",
    "rmsprop.compat._extras",
    # the command line
    "rmsprop.cli",
    "rmsprop.cli._animate",
    "rmsprop.cli._app",
    "rmsprop.cli._catalogue",
    "rmsprop.cli._compare",
    "rmsprop.cli._inputs",
    "rmsprop.cli._playground",
    "rmsprop.cli._rule_options",
    "rmsprop.cli._run",
    "rmsprop.cli._sweep",
    "rmsprop.cli._tables",
    # the compiled engines (need Numba; _compiled.objectives is not among them yet)
    "rmsprop._compiled",
    "rmsprop._compiled.announce",
    "rmsprop._compiled.array_kernel",
    "rmsprop._compiled.batch",
    "rmsprop._compiled.numpy_semantics",
    "rmsprop._compiled.rule",
    # the playground (needs Dash)
    "rmsprop.playground",
    "rmsprop.playground._app",
    "rmsprop.playground._compute",
    "rmsprop.playground._figures",
    "rmsprop.playground._server",
    "rmsprop.playground._state",
    "rmsprop.playground._limits",
    "rmsprop.playground._values",
    "rmsprop.playground._controls",
    "rmsprop.playground._layout",
    "rmsprop.playground._rule_controls",
    "rmsprop.playground._url",
}

#: Optional dependencies: a module that needs one that is not installed is skipped.
OPTIONAL = {"dash", "numba", "distributed", "dask", "pyarrow", "torch"}

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
        found[match.group(1)] = text[match.end() : following.start() if following else len(text)]
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
    if issubclass(cls, enum.Enum):  # Status(3) looks a member up; the members are the documentation
        return []
    try:
        signature = inspect.signature(cls)
    except (TypeError, ValueError):  # a class whose constructor is a builtin's (an exception): nothing of its own
        return []
    return [name for name in signature.parameters if name not in ("self", "cls")]


def set_at_import(tree: ast.Module, attribute: str) -> set[str]:
    """The names whose ``attribute`` (``__doc__``, ``__signature__``) the module's top level assigns."""
    names = set()
    for node in tree.body:
        targets = (
            node.targets
            if isinstance(node, ast.Assign)
            else [node.target]
            if isinstance(node, (ast.AugAssign, ast.AnnAssign))
            else []
        )
        for target in targets:
            if isinstance(target, ast.Attribute) and target.attr == attribute and isinstance(target.value, ast.Name):
                names.add(target.value.id)
    return names


def typer_commands(module) -> set[str]:
    """The names of the module's functions that a Typer app (one of its globals) registers as commands."""
    try:
        import typer
    except ImportError:
        return set()
    callbacks = [
        info.callback
        for app in vars(module).values()
        if isinstance(app, typer.Typer)
        for info in app.registered_commands
    ]
    return {name for name, value in vars(module).items() if any(value is callback for callback in callbacks)}


def _command_problems(what: str, command, docstring: str | None) -> list[str]:
    """A Typer command: every option has its help text, and the numpydoc sections are cut from ``--help``."""
    problems = [
        f"{what}: the option {name} has no help text"
        for name, parameter in inspect.signature(command).parameters.items()
        if not getattr(parameter.default, "help", None)
    ]
    text = inspect.cleandoc(docstring or "")
    first = _SECTION.search(text)
    if first and "\f" not in text[: first.start()]:
        problems.append(f"{what}: its sections must follow a '\\f' line, or --help shows them")
    return problems


def problems_of(module) -> list[str]:
    """What the module's public functions, classes and methods lack, one line each."""
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    generated_docs, generated_signatures = set_at_import(tree, "__doc__"), set_at_import(tree, "__signature__")
    commands = typer_commands(module)
    problems = []
    for node in tree.body:
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) or node.name.startswith("_"):
            continue
        if not isinstance(node, ast.ClassDef) and _decorators(node) & {"overload", "typing.overload"}:
            continue  # a typing stub: the implementation that follows carries the docstring
        what = f"{module.__name__}.{node.name}"
        value = getattr(module, node.name)
        docstring = inspect.getdoc(value) if node.name in generated_docs else ast.get_docstring(node)
        if isinstance(node, ast.ClassDef):
            arguments = _constructor_arguments(value)
            problems += _check(what, docstring, arguments, None, example=True)
            for method in node.body:
                if not isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)) or method.name.startswith("_"):
                    continue
                if _decorators(method) & _PROPERTIES:
                    problems += _check(f"{what}.{method.name}", ast.get_docstring(method), [], None, example=False)
                else:
                    problems += _check(
                        f"{what}.{method.name}",
                        ast.get_docstring(method),
                        _arguments(method),
                        _gives(method),
                        example=False,
                    )
        elif node.name in commands:
            problems += _check(what, docstring, [], _gives(node), example=True)
            problems += _command_problems(what, value, docstring)
        else:
            arguments = _arguments(node)
            if node.name in generated_signatures:
                arguments = [name for name in inspect.signature(value).parameters if name not in ("self", "cls")]
            problems += _check(what, docstring, arguments, _gives(node), example=True)
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
        "bare: no Parameters section (it takes x, flag, rest)",
        "bare: no Returns section",
        "bare: no Examples section",
    ]
    assert _check("documented", ast.get_docstring(documented), _arguments(documented), _gives(documented), True) == []
    assert _check("gen", ast.get_docstring(gen), _arguments(gen), _gives(gen), True) == ["gen: no Yields section"]


def test_the_check_reads_generated_docstrings_enums_and_commands(tmp_path):
    """A docstring and signature made at import are read as they run; an enum needs no Parameters; a Typer
    command needs a help text per option and its sections after a form feed."""
    pytest.importorskip("typer")
    path = tmp_path / "made_at_import.py"
    path.write_text(
        textwrap.dedent('''
        import enum
        import inspect

        import typer

        app = typer.Typer()


        def made(**options):
            return 1


        made.__signature__ = inspect.Signature([inspect.Parameter("rate", inspect.Parameter.KEYWORD_ONLY)])
        made.__doc__ = """Made at import.

            Parameters
            ----------
            rate : float
                A rate.

            Returns
            -------
            int

            Examples
            --------
            >>> made()
            1
            """


        class Colour(enum.IntEnum):
            """A colour.

            Examples
            --------
            >>> Colour(1).name
            'RED'
            """

            RED = 1


        @app.command()
        def shout(loud: bool = typer.Option(False, "--loud"), word: str = typer.Option("hi", help="The word.")):
            """Shout a word.

            Examples
            --------
            >>> shout(False, "hi") is None
            True
            """
    ''')
    )
    spec = importlib.util.spec_from_file_location("made_at_import", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert problems_of(module) == [
        "made_at_import.shout: the option loud has no help text",
        "made_at_import.shout: its sections must follow a '\\f' line, or --help shows them",
    ]
