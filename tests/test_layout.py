"""The shape of the package: files of one idea, no private names across modules, no import cycles.

Read from the source with ``ast``: every module under ``src/rmsprop``, with the imports inside
functions (the lazy ones) as well as those at the top.
"""

import ast
import pathlib

import pytest

SOURCE = pathlib.Path(__file__).resolve().parent.parent / "src"
PACKAGE = SOURCE / "rmsprop"
MAX_LINES = 600


def modules():
    """``{dotted name: path}`` of every module of the package."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(SOURCE).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


MODULES = modules()


def is_package(name):
    return MODULES[name].name == "__init__.py"


def imports(name):
    """``(module imported, names taken from it, line)`` for every import in module ``name``."""
    tree = ast.parse(MODULES[name].read_text())
    package = name if is_package(name) else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("rmsprop"):
                    yield alias.name, (), node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.startswith("rmsprop"):
                yield target, tuple(alias.name for alias in node.names), node.lineno


def edges(name):
    """The package's modules that module ``name`` imports (a name that is a submodule counts as it)."""
    for target, names, _ in imports(name):
        submodules = [f"{target}.{n}" for n in names if f"{target}.{n}" in MODULES]
        if submodules:
            yield from submodules
        if target in MODULES and len(submodules) < len(names) or not names:
            yield target


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_is_over_600_lines(name):
    lines = len(MODULES[name].read_text().splitlines())
    assert lines <= MAX_LINES, f"{MODULES[name]} has {lines} lines; split it into modules of one idea each"


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_imports_another_modules_private_names(name):
    for target, names, line in imports(name):
        for imported in names:
            if f"{target}.{imported}" in MODULES:
                continue  # a (private) module itself: a proper internal home
            assert not imported.startswith("_"), (
                f"{MODULES[name]}:{line} imports {imported} from {target}; give it a public name in its module"
            )


def test_no_import_cycles_lazy_ones_included():
    graph = {name: set(edges(name)) - {name, "rmsprop"} for name in MODULES}
    state, stack = {}, []

    def visit(node):
        state[node] = "open"
        stack.append(node)
        for child in sorted(graph.get(node, ())):
            if state.get(child) == "open":
                cycle = stack[stack.index(child) :] + [child]
                pytest.fail("import cycle: " + " -> ".join(cycle))
            if child not in state:
                visit(child)
        stack.pop()
        state[node] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name)
