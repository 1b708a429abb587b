"""The documentation site: the tutorial's numbers, the tables' numbers, the build, its links and its pages.

The tutorial (``examples/rmsprop_from_scratch.py``) prints the seed's three numbers, bit for bit; the
performance tables are the benchmarks' JSON, number for number. The build (``python -m sphinx -W -b
html``, every gallery example run) is made once, from a copy of the working tree's files that git
tracks or would track (what a clean clone has, no earlier build output), into a temporary folder;
every internal link of the built pages must lead to a file; the pages open in headless Chromium
(Debian's ``/usr/bin/chromium``, driven by Playwright, served by a local ``http.server``) with no
console error and no missing image, and the search page finds a term offline.

The build needs the ``docs`` extra and the browser test Playwright and Chromium: without them those
tests are skipped, except where the environment variable ``CI`` is set (there they fail).
"""

from __future__ import annotations

import functools
import http.server
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

REPO = Path(__file__).resolve().parents[1]
TUTORIAL = REPO / "examples" / "rmsprop_from_scratch.py"
#: The seed document's output (its own code's, the independent reference), to the last digit.
SEED_LINES = [
    "The optimal value of x1 is: -0.10352260359924752",
    "The optimal value of x2 is: 0.0025296212056016548",
    "The optimal value of y is: 0.05362944016394148",
]
DOCS_PACKAGES = ("sphinx", "furo", "numpydoc", "myst_parser", "sphinx_gallery", "torch", "sklearn")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
#: Pages the browser opens (besides the search page), relative to the built site.
PAGES = [
    "index.html",
    "gallery/rmsprop_from_scratch.html",
    "gallery/flavors_compared.html",
    "gallery/many_runs_and_sweeps.html",
    "gallery/minibatches.html",
    "gallery/reproduce_papers.html",
    "gallery/noise_and_online.html",
    "gallery/digits.html",
    "gallery/train_char_model.html",
    "gallery/playground_screenshot.html",
    "gallery/index.html",
    "choosing-a-flavor.html",
    "many-runs.html",
    "noise-minibatches-online.html",
    "reproducing.html",
    "pytorch.html",
    "playground.html",
    "performance.html",
    "flavors.html",
    "architecture.html",
    "security.html",
    "api/index.html",
    "api/generated/rmsprop.minimize.html",
    "api/generated/rmsprop.torch.RMSprop.html",
    "api/generated/rmsprop.reproduce.html",
    "api/generated/rmsprop.reproduce.shi2021.html",
    "api/generated/rmsprop.objectives.FiniteSum.html",
]


def _skip_or_fail(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must run it", pytrace=False)
    pytest.skip(reason)


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO / "src"), "MPLBACKEND": "Agg"}


# ----------------------------------------------------------------------------------------------
# quick: the numbers the pages print


def test_the_tutorial_prints_the_seeds_numbers_bit_for_bit(tmp_path):
    result = subprocess.run(
        [sys.executable, "-W", "error", str(TUTORIAL)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
        env=_env(),
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[-3:] == SEED_LINES, result.stdout
    assert "first step: [ 0.31622777 -0.31622777]" in lines  # the text's claim: both coordinates move lr/sqrt(0.1)
    assert list(tmp_path.iterdir()) == []  # it writes nothing


def _benchmark_tables():
    spec = importlib.util.spec_from_file_location("benchmark_tables", REPO / "docs" / "_ext" / "benchmark_tables.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_performance_table_is_its_json(tmp_path):
    """Each committed JSON file has a table, and each timing in it is the JSON's, rounded as the table rounds."""
    tables = _benchmark_tables()
    written = {path.stem: path.read_text() for path in tables.write_tables(out=tmp_path)}
    assert sorted(written) == sorted(tables.RENDERERS)
    for name, text in written.items():
        assert text != "(no measurements yet)\n", f"docs/_data/{name}.json is missing"
    step = json.loads((REPO / "docs" / "_data" / "step.json").read_text())
    for r in step["results"]:
        assert tables._number(r["median_s"] * 1e6) in written["step"]
    single = json.loads((REPO / "docs" / "_data" / "single.json").read_text())
    for name, seconds in single["per_iteration_s"].items():
        assert f"| {name} | {tables._number(seconds * 1e6)} |" in written["single"]
    batch = json.loads((REPO / "docs" / "_data" / "batch.json").read_text())
    for r in batch["results"]:
        assert tables._number(r["us_per_run"]) in written["batch"]
    sweep = json.loads((REPO / "docs" / "_data" / "sweep.json").read_text())
    for r in sweep["results"]:
        assert f"| {r['contender']} | {r['runs']:,} | {tables._number(r['median_s'])} |" in written["sweep"]


# ----------------------------------------------------------------------------------------------
# slow: the build, from the files a clean clone has


def _tracked_files() -> list[str]:
    """The working tree's files that git tracks or would track (not ignored): what a clean clone holds."""
    out = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [name for name in out.split("\0") if name and (REPO / name).is_file()]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The built site's folder: ``python -m sphinx -W -b html docs docs/_build/html`` in a clean copy."""
    missing = [name for name in DOCS_PACKAGES if importlib.util.find_spec(name) is None]
    if missing:
        _skip_or_fail(f"the documentation's build needs the docs extra (missing: {', '.join(missing)})")
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("the clean copy is made with git ls-files, in a git checkout")
    clone = tmp_path_factory.mktemp("clone") / "rmsprop"
    for name in _tracked_files():
        (clone / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, clone / name)
    env = {**_env(), "PYTHONPATH": str(clone / "src")}
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "-b", "html", "docs", "docs/_build/html"],
        cwd=clone,
        capture_output=True,
        text=True,
        timeout=900,
        env=env,
    )
    seconds = time.perf_counter() - start
    assert result.returncode == 0, f"the build failed after {seconds:.0f} s:\n{result.stderr[-6000:]}"
    return clone / "docs" / "_build" / "html"


def test_the_build_prints_the_seeds_numbers_on_the_tutorial(site):
    text = re.sub(r"<[^>]+>", "", (site / "gallery" / "rmsprop_from_scratch.html").read_text())
    for line in SEED_LINES:
        assert line in text


def test_every_figure_of_the_pages_is_made_by_the_build(site):
    """Every image is one the gallery drew in this build (or the theme's): none is taken from docs/images."""
    images = set()
    for page in site.rglob("*.html"):
        images.update(re.findall(r'<img [^>]*src="([^"]+)"', page.read_text()))
    assert images, "no image on any page"
    for src in images:
        assert "sphx_glr_" in src or "_static/" in src or src.startswith("data:"), src  # _static: the theme's


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        for key, value in attrs:
            if key in ("href", "src") and value:
                self.links.append(value)


def test_every_internal_link_leads_to_a_file(site):
    broken = []
    for page in site.rglob("*.html"):
        parser = _Links()
        parser.feed(page.read_text())
        for link in parser.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc or not parts.path:  # external (never fetched) or a link into the page
                continue
            if not (page.parent / unquote(parts.path)).resolve().exists():
                broken.append(f"{page.relative_to(site)} -> {link}")
    assert not broken, "\n".join(broken[:50])


# ----------------------------------------------------------------------------------------------
# slow: the pages in Chromium


@pytest.fixture(scope="module")
def served(site):
    """The site on a local http.server on a free port: its base URL."""
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *args: None  # type: ignore[method-assign]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def browser(served):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _skip_or_fail("the pages' browser test needs Playwright")
    if not os.path.exists(CHROMIUM):
        _skip_or_fail(f"the pages' browser test needs Debian's chromium at {CHROMIUM}")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def _open(browser, url: str):
    """A page at ``url`` with its console errors and failed requests collected into ``page.problems``."""
    page = browser.new_page()
    problems: list[str] = []
    page.on("console", lambda message: message.type == "error" and problems.append(f"console: {message.text}"))
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on("requestfailed", lambda request: problems.append(f"request failed: {request.url}"))
    page.route(
        re.compile(r"^(?!http://127\.0\.0\.1:).*"),
        lambda route: (problems.append(f"external request: {route.request.url}"), route.abort()),
    )
    page.problems = problems
    page.goto(url, wait_until="load")
    return page


@pytest.mark.parametrize("path", PAGES)
def test_the_page_opens_with_no_console_error_and_no_missing_image(browser, served, site, path):
    assert (site / path).is_file(), path
    page = _open(browser, served + path)
    try:
        page.wait_for_load_state("networkidle")
        missing = page.evaluate(
            "() => Array.from(document.images).filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src)"
        )
        assert missing == [], missing
        assert page.problems == [], page.problems
        assert page.title()
    finally:
        page.close()


def test_the_search_page_finds_a_term_offline(browser, served):
    page = _open(browser, served + "search.html?q=minimize_many")
    try:
        page.wait_for_function(
            "() => document.querySelectorAll('#search-results li a, ul.search li a').length > 0", timeout=30_000
        )
        hrefs = page.evaluate(
            "() => Array.from(document.querySelectorAll('#search-results li a, ul.search li a')).map(a => a.href)"
        )
        assert any("rmsprop.minimize_many" in href for href in hrefs), hrefs
        assert page.problems == [], page.problems
    finally:
        page.close()
