"""Sphinx configuration of the rmsprop documentation.

Build it from the repository's root (``pip install -e ".[docs]"`` first)::

    python -m sphinx -W -b html docs docs/_build/html

Every figure is made by the build: sphinx-gallery runs ``examples/`` (the long ones small, see
``docs/_ext/gallery_settings.py``) into ``docs/gallery/``, and the performance tables are written
from the benchmarks' JSON in ``docs/_data/`` (``docs/_ext/benchmark_tables.py``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS / "_ext"))
if (DOCS.parent / "src" / "rmsprop").is_dir():  # a checkout documents its own source, not an installed copy
    sys.path.insert(0, str(DOCS.parent / "src"))
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(DOCS.parent / "src"), os.environ.get("PYTHONPATH")]))

import rmsprop  # noqa: E402

project = "rmsprop"
author = "The rmsprop developers"
copyright = "The rmsprop developers"
release = version = rmsprop.__version__

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "benchmark_tables",
]

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = [
    "_build",
    "_data",
    "_ext",
    "_generated",
    "_templates",
    "gallery/*.ipynb",
    "gallery/*.py",
    "gallery/*.zip",
]
suppress_warnings: list[str] = []

# Every reference must resolve: a broken internal link is an error under -W. Types written in the
# docstrings' prose (numpydoc's parameter types) are not cross-referenced, and there is no intersphinx
# (the build must work offline), so references to other projects' objects are not made at all.
nitpicky = True
nitpick_ignore_regex = [
    ("py:.*", r"(numpy|np|torch|scipy|matplotlib|dask|distributed|typing|collections|pathlib|os)\..*"),
    ("py:class", r"(Any|Callable|Sequence|Mapping|Iterable|Iterator|NamedTuple|ArrayLike|NDArray)(\[.*\])?"),
    # The docstrings name the modules where each idea lives (rmsprop.rule.step, rmsprop._compiled, ...),
    # for contributors; the reference documents the public modules only (the map is architecture.md).
    ("py:mod", r"_?[a-z_]+|rmsprop(\.[a-z_]+)*\._[a-z_.]+|rmsprop\.(rule|objectives)\.[a-z_]+"),
    ("py:.*", r"rmsprop\.rule\.(arithmetic|step)\..*"),  # the rule's own modules: architecture.md's map
]
# Internal names that public docstrings mention (limits, helpers, a NamedTuple's state), not documented
# on their own. Every other reference must resolve.
nitpick_ignore = (
    [("py:func", name) for name in ("parameters_doc", "as_runs", "evaluate", "step", "rmsprop.rule.step.make_step")]
    + [
        ("py:data", name)
        for name in ("SETTING_ALIASES", "MAX_DIM", "MAX_PIXELS", "LOG_LEVELS_DECADES", "MAX_LEVELS", "FIELD_NAMES")
    ]
    + [("py:class", "ChainState"), ("py:attr", "GradientTransformation.rule")]
    # the projection onto a box and the seeds of a batch's rows: helpers of the private rmsprop._bounds and _noise
    + [("py:func", "rmsprop._bounds.box_of"), ("py:func", "rmsprop._noise.run_seeds")]
)
nitpick_ignore += [("py:attr", name) for name in ("e", "m", "b")]  # RMSpropState's fields, named by its aliases

# MyST for the narrative pages: ``{directive}`` fences, heading anchors for ``[text](page.md#anchor)``.
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

# The API reference: autosummary writes a page per object into api/generated/ (ignored by git).
autosummary_generate = True
autosummary_imported_members = True
autosummary_ignore_module_all = False  # a module's members are its __all__
templates_path = ["_templates"]
autodoc_typehints = "none"  # numpydoc's Parameters give the types
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# sphinx-gallery: every script of examples/ runs at build time, except the playground's screenshot
# (it starts a server and drives Chromium through Playwright: shown, not run). Its images: pyplot's
# figures, and the PNG files the examples that draw with rmsprop.plot's own figures write
# (gallery_settings.written_figures).
sphinx_gallery_conf = {
    "examples_dirs": str(DOCS.parent / "examples"),
    "gallery_dirs": str(DOCS / "gallery"),
    "filename_pattern": r"^((?!playground_screenshot).)*\.py$",
    "ignore_pattern": r"__init__\.py",
    "reset_argv": "gallery_settings.argv",
    "within_subsection_order": "gallery_settings.Order",
    "download_all_examples": False,
    "remove_config_comments": True,
    "show_memory": False,
    "plot_gallery": "True",
    "abort_on_example_error": True,
    "only_warn_on_example_error": False,
    "matplotlib_animations": False,
    "image_scrapers": ("matplotlib", "gallery_settings.written_figures"),
    "first_notebook_cell": None,
    "capture_repr": (),
}

html_theme = "furo"
html_title = f"rmsprop {release}"
html_static_path: list[str] = []
html_show_sourcelink = False
html_copy_source = False
