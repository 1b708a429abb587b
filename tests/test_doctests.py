"""Every example in the package's docstrings runs, and prints what it says it prints.

One test per module under ``src/rmsprop`` (found with :func:`pkgutil.walk_packages`), each
collecting that module's doctests with :class:`doctest.DocTestFinder` and running them in a
fresh namespace (the module's own globals, copied) with ``ELLIPSIS`` and
``NORMALIZE_WHITESPACE``. A module whose optional dependency is missing (Dash for
:mod:`rmsprop.playground`, Numba for the compiled kernels, ...) is skipped, not failed, and
so is a docstring whose examples import one (``import distributed``).
"""

from __future__ import annotations

import doctest
import importlib
import importlib.util
import pkgutil
import re

import pytest

import rmsprop

OPTIONFLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE

#: Modules that cannot be imported as modules: ``python -m rmsprop`` would start the command line.
NOT_IMPORTED = {"rmsprop.__main__"}

#: The optional dependencies: a module that needs one that is not installed is skipped.
OPTIONAL = {
    "dash",
    "numba",
    "distributed",
    "dask",
    "pyarrow",
    "playwright",
    "torch",
    "triton",
    "jax",
    "optax",
    "keras",
    "sklearn",
}

#: Packages that are an extra of their own: every module in them needs its dependency, even where it imports it
#: lazily (the playground's examples start a Dash app).
EXTRAS = {"rmsprop.playground": "dash", "rmsprop.torch": "torch"}


def _module_names() -> list[str]:
    names = {rmsprop.__name__}

    def skip_broken_package(name: str) -> None:  # walk_packages imports packages; a missing extra is reported below
        names.add(name)

    for info in pkgutil.walk_packages(rmsprop.__path__, rmsprop.__name__ + ".", onerror=skip_broken_package):
        names.add(info.name)
    return sorted(names - NOT_IMPORTED)


def _import(name: str):
    """The module, or a skip when an optional dependency of it is missing."""
    for package, dependency in EXTRAS.items():
        if (name == package or name.startswith(package + ".")) and not _installed(dependency):
            pytest.skip(f"{name} needs {dependency}, which is not installed")
    try:
        return importlib.import_module(name)
    except ImportError as error:
        missing = (getattr(error, "name", None) or "").split(".")[0]
        if missing in OPTIONAL:
            pytest.skip(f"{name} needs {missing}, which is not installed")
        raise


def _installed(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):  # ValueError: a module blocked with sys.modules[name] = None
        return False


def _missing_dependency(test: doctest.DocTest) -> str | None:
    """The optional dependency that the docstring's examples import and that is not installed, if any."""
    for example in test.examples:
        for imported in re.findall(r"^\s*(?:from|import)\s+([A-Za-z_]\w*)", example.source, re.MULTILINE):
            if imported in OPTIONAL and not _installed(imported):
                return imported
    return None


@pytest.mark.parametrize("name", _module_names())
def test_doctests(name, tmp_path, monkeypatch):
    module = _import(name)
    monkeypatch.chdir(tmp_path)  # an example that forgets its temporary folder writes nothing in the checkout
    finder = doctest.DocTestFinder(exclude_empty=True)
    runner = doctest.DocTestRunner(optionflags=OPTIONFLAGS)
    tests = finder.find(module, name, globs=dict(vars(module)))  # a fresh copy of the globals per docstring
    missing = {test.name: _missing_dependency(test) for test in tests}
    for test in tests:
        if missing[test.name] is None:
            runner.run(test)
    results = runner.summarize(verbose=False)
    assert results.failed == 0, f"{results.failed} of {results.attempted} examples in {name} failed (see above)"
    if tests and all(missing.values()):
        pytest.skip(f"the examples of {name} need {', '.join(sorted(set(missing.values())))}, not installed")
