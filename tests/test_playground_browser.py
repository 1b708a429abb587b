"""End-to-end tests of ``rmsprop playground`` in headless Chromium (Playwright's sync API).

The real server runs as a subprocess (``python -m rmsprop playground --port 0``) for the
whole module; each test drives a fresh browser context against it. Every test waits on a
condition of the page (``wait_for_function``), never on a fixed delay, and keeps a
screenshot of its final state in ``test-artifacts/playground/<test name>.png`` (or under
``$RMSPROP_TEST_ARTIFACTS/playground/``).

Without Playwright, Dash or Debian's chromium (``/usr/bin/chromium``) the module is
skipped, except where the environment variable ``CI`` is set: there it fails.
"""

from __future__ import annotations

import math
import os
import queue
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
REPO = Path(__file__).resolve().parents[1]
START_TIMEOUT = 60  # seconds for the server's first line (imports numba, scipy, dash on 2 slow cores)
TIMEOUT_MS = 30_000  # for every wait in the page
VIEWPORT = {"width": 1400, "height": 1000}

#: The seed experiment's result (the seed document's independent reference), to the last digit.
SEED_X1 = "-0.10352260359924752"
SEED_X2 = "0.0025296212056016548"
SEED_F = "0.05362944016394148"
SHARED = "?f=rosenbrock&x0=-1.5,2&lr=0.01&maxiter=300&vs=adam,sgd&momentum=0.5"


def _missing() -> str | None:
    """Why these tests cannot run here, or None."""
    try:
        import dash  # noqa: F401
        import playwright.sync_api  # noqa: F401
    except ImportError as error:
        return f"the playground's browser tests need Dash and Playwright ({error})"
    if not os.path.exists(CHROMIUM):
        return f"the playground's browser tests need Debian's chromium at {CHROMIUM}"
    return None


_REASON = _missing()
if _REASON:
    if os.environ.get("CI"):
        pytest.fail(f"{_REASON}; CI must run them", pytrace=False)
    pytest.skip(_REASON, allow_module_level=True)

from playwright.sync_api import sync_playwright  # noqa: E402

# ----------------------------------------------------------------------------------------------
# in-page probes (JavaScript)

GD = "document.querySelector('#contour .js-plotly-plot')"

#: Every path trace of the contour ({k: {x, y}}), or null before the first figure.
PATHS_JS = f"""() => {{
    const gd = {GD};
    if (!gd || !gd.data) return null;
    const out = {{}};
    for (const t of gd.data) {{
        if (t.meta && t.meta.path !== undefined) out[t.meta.path] = {{x: Array.from(t.x), y: Array.from(t.y)}};
    }}
    return Object.keys(out).length ? out : null;
}}"""

#: RMSprop's path (meta.path == 0) as {x, y}, or null.
PATH0_JS = f"() => ({PATHS_JS})()?.[0] ?? null"

#: The result table's body as rows of cell texts.
TABLE_JS = """() => Array.from(document.querySelectorAll('#result-table tbody tr'))
                     .map(tr => Array.from(tr.cells).map(td => td.textContent.trim()))"""


def paths(page) -> dict:
    return page.evaluate(PATHS_JS)


def path0(page) -> dict:
    return page.evaluate(PATH0_JS)


def table(page) -> list[list[str]]:
    return page.evaluate(TABLE_JS)


def title(page) -> str:
    """The contour's title as drawn."""
    return page.locator("#contour .gtitle").text_content()


def query(page) -> dict[str, str]:
    return {key: values[-1] for key, values in parse_qs(urlsplit(page.url).query, keep_blank_values=True).items()}


def computed(url: str) -> tuple[list[list[str]], dict]:
    """The table and the paths the server computes for the view at ``url`` (computed here, in-process)."""
    from rmsprop.playground._compute import compute
    from rmsprop.playground._figures import table_rows
    from rmsprop.playground._url import from_query

    view, problems = from_query("?" + urlsplit(url).query)
    assert not problems, problems
    picture = compute(view)
    return (
        [list(row) for row in table_rows(picture)],
        {str(k): {"x": run.x[:, 0].tolist(), "y": run.x[:, 1].tolist()} for k, run in enumerate(picture.runs)},
    )


def wait_drawn(page, runs: int = 1) -> None:
    """Until the contour holds RMSprop's path and the table has ``runs`` rows."""
    page.wait_for_function(
        f"""(runs) => {{
            const p = ({PATHS_JS})();
            const rows = document.querySelectorAll('#result-table tbody tr').length;
            return p !== null && Object.keys(p).length === runs && rows === runs;
        }}""",
        arg=runs,
    )


def wait_path_changed(page, before: dict) -> dict:
    """Until RMSprop's path differs from ``before``; returns the new path."""
    page.wait_for_function(
        f"(before) => {{ const p = ({PATH0_JS})(); return p !== null && "
        "JSON.stringify(p) !== JSON.stringify(before); }",
        arg=before,
    )
    return path0(page)


def wait_query(page, key: str, predicate) -> dict[str, str]:
    """Until the URL's ``key`` satisfies ``predicate`` (checked in Python on each URL change)."""

    def ok(url) -> bool:
        values = parse_qs(urlsplit(url).query).get(key)
        return bool(values) and predicate(values[-1])

    page.wait_for_url(ok)
    return query(page)


def slider_value(page, id_: str) -> float:
    return float(page.get_attribute(f"#{id_} [role=slider]", "aria-valuenow"))


def plot_point(page, fx: float, fy: float) -> dict:
    """The whole-pixel page coordinates of the point at fractions (fx, fy) of the contour's plot area
    (fy from the top), and the data coordinates there as the page's own click handler computes them."""
    return page.evaluate(
        f"""([fx, fy]) => {{
        const gd = {GD};
        const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
        const box = gd.getBoundingClientRect();
        const px = Math.round(box.left + xa._offset + fx * xa._length);
        const py = Math.round(box.top + ya._offset + fy * ya._length);
        return {{px, py, x: xa.p2d(px - box.left - xa._offset), y: ya.p2d(py - box.top - ya._offset),
                 width: Math.abs(xa.range[1] - xa.range[0]),
                 drag: (() => {{ const r = gd.querySelector('.nsewdrag').getBoundingClientRect();
                                 return [r.left, r.top, r.right, r.bottom]; }})()}};
    }}""",
        [fx, fy],
    )


# ----------------------------------------------------------------------------------------------
# fixtures: the server, the browser, fresh pages


class Server:
    def __init__(self):
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "rmsprop", "playground", "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        self.stdout: list[str] = []
        self.stderr: list[str] = []
        self._lines: queue.Queue = queue.Queue()
        self._readers = [
            threading.Thread(target=self._read, args=(stream, lines, announce), daemon=True)
            for stream, lines, announce in (
                (self.process.stdout, self.stdout, True),
                (self.process.stderr, self.stderr, False),
            )
        ]
        for reader in self._readers:
            reader.start()

    def _read(self, stream, lines, announce):
        for line in stream:
            lines.append(line)
            if announce:
                self._lines.put(line)
        if announce:
            self._lines.put(None)

    def address(self) -> str:
        try:
            line = self._lines.get(timeout=START_TIMEOUT)
        except queue.Empty:
            line = None
        match = re.fullmatch(r"RMSprop playground on (http://127\.0\.0\.1:\d+/) \(Ctrl-C to stop\)\n", line or "")
        if not match:
            self.process.kill()
            self.wait()
            pytest.fail(
                f"the server did not announce its address: first line {line!r}, "
                f"stderr {''.join(self.stderr)[-2000:]!r}",
                pytrace=False,
            )
        return match.group(1)

    def wait(self, timeout: float = 30) -> int:
        try:
            rc = self.process.wait(timeout=timeout)
        finally:
            for reader in self._readers:
                reader.join(timeout=5)
            self.process.stdout.close()
            self.process.stderr.close()
        return rc

    def stop(self) -> int:
        self.process.send_signal(signal.SIGINT)
        try:
            return self.wait()
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.wait()
            raise


@pytest.fixture(scope="module")
def server():
    """The playground's address (``http://127.0.0.1:PORT/``); stopped with Ctrl-C (SIGINT) at the end."""
    process = Server()
    try:
        url = process.address()
    except BaseException:
        if process.process.poll() is None:
            process.process.kill()
            process.wait()
        raise
    yield url
    rc = process.stop()
    output = "".join(process.stdout) + "".join(process.stderr)
    assert rc == 0, f"the server exited with {rc}: {output[-3000:]}"
    assert "Traceback" not in output, output[-3000:]
    assert process.stdout[-1] == "Stopped.\n", process.stdout[-3:]


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def _artifacts() -> Path:
    root = os.environ.get("RMSPROP_TEST_ARTIFACTS")  # the folder CI keeps (see conftest.artifacts_dir)
    return (Path(root) if root else REPO / "test-artifacts") / "playground"


@pytest.fixture
def open_page(browser, server, request):
    """``open_page(query="")``: a new page in a fresh browser context at the server's ``query``, loaded.

    Each page records its requests (``page.requests``) and its console errors and uncaught
    exceptions (``page.errors``). At the end each page's screenshot is kept: ``<test>.png``
    for the first, ``<test>-2.png`` ... for the others.
    """
    contexts, pages = [], []

    def open_(query: str = ""):
        context = browser.new_context(viewport=VIEWPORT)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.requests, page.errors = [], []
        page.on("request", lambda r: page.requests.append(r.url))
        page.on("console", lambda m: page.errors.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: page.errors.append(f"uncaught: {e}"))
        pages.append(page)
        page.goto(server + query)
        return page

    yield open_
    folder = _artifacts()
    folder.mkdir(parents=True, exist_ok=True)
    for k, page in enumerate(pages):
        name = re.sub(r"[^\w.-]", "_", request.node.name) + ("" if k == 0 else f"-{k + 1}")
        try:
            page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
        except Exception as error:  # a screenshot must not hide the test's own result
            print(f"no screenshot {name}: {error}", file=sys.stderr)
    for context in contexts:
        context.close()


# ----------------------------------------------------------------------------------------------
# the tests


def test_load_draws_the_seed_experiment_from_this_server_only(open_page, server):
    page = open_page()
    wait_drawn(page)
    page.wait_for_function(f"() => ({TABLE_JS})()[0]?.[1] === {SEED_X1!r}")
    header = page.evaluate("() => Array.from(document.querySelectorAll('#result-table th')).map(th => th.textContent)")
    row = dict(zip(header, table(page)[0]))
    assert (row["x1"], row["x2"], row["f(x)"]) == (SEED_X1, SEED_X2, SEED_F)
    assert row["nit"] == "50"
    path = path0(page)
    assert len(path["x"]) == 51 and (path["x"][0], path["y"][0]) == (-4, 3)
    assert (repr(path["x"][-1]), repr(path["y"][-1])) == (SEED_X1, SEED_X2)
    assert page.locator("#contour .contour").count() >= 1  # Plotly drew the contour trace
    assert page.inner_text("#message") == "" and page.inner_text("#url-message") == ""
    own = urlsplit(server).netloc
    elsewhere = [
        url for url in page.requests if urlsplit(url).scheme not in ("data", "blob") and urlsplit(url).netloc != own
    ]
    assert page.requests and not elsewhere, elsewhere
    assert not page.errors, page.errors


def test_click_on_the_contour_starts_there(open_page):
    page = open_page()
    wait_drawn(page)
    before = path0(page)
    assert (before["x"][0], before["y"][0]) == (-4, 3)
    # Right and below the centre: away from the legend (top left), the path and the start marker.
    where = plot_point(page, 0.73, 0.71)
    left, top, right, bottom = where["drag"]
    assert left < where["px"] < right and top < where["py"] < bottom, where  # inside the plot area
    page.mouse.click(where["px"], where["py"])
    after = wait_path_changed(page, before)
    tolerance = 1e-3 * where["width"] + 1e-9  # the start is rounded to a thousandth of the window's width
    start = after["x"][0], after["y"][0]
    assert abs(start[0] - where["x"]) <= tolerance and abs(start[1] - where["y"]) <= tolerance, (start, where)
    url = wait_query(page, "x0", lambda x0: x0 != "-4.0,3.0")
    assert tuple(float(v) for v in url["x0"].split(",")) == start
    assert (float(page.input_value("#x1")), float(page.input_value("#x2"))) == start
    assert url["f"] == "seed" and float(url["lr"]) == 0.1 and url["maxiter"] == "50"
    assert len(after["x"]) == 51
    assert not page.errors, page.errors


def test_learning_rate_slider_changes_the_path_and_the_url(open_page):
    page = open_page()
    wait_drawn(page)
    before, seed_table = path0(page), table(page)
    handle = page.locator("#lr [role=slider]")
    assert slider_value(page, "lr") == -1.0
    handle.focus()
    handle.press("ArrowLeft")  # one step of 0.1 in log10(lr): 0.1 -> 10 ** -1.1
    slower = wait_path_changed(page, before)
    url = wait_query(page, "lr", lambda lr: lr != "0.1")
    assert float(url["lr"]) == float(f"{10**-1.1:.6g}") == 0.0794328
    assert slider_value(page, "lr") == pytest.approx(-1.1)
    assert page.inner_text("#lr-value") == "0.0794"
    assert slower["x"][0] == -4 and slower["x"] != before["x"]
    # Smaller steps: the end is farther from the minimum at (0, 0).
    assert math.hypot(slower["x"][-1], slower["y"][-1]) > math.hypot(before["x"][-1], before["y"][-1])
    assert table(page) != seed_table
    handle.press("ArrowRight")  # back to 0.1: the seed's path and numbers again, exactly
    wait_query(page, "lr", lambda lr: lr == "0.1")
    page.wait_for_function(f"(before) => JSON.stringify(({PATH0_JS})()) === JSON.stringify(before)", arg=before)
    page.wait_for_function(f"() => ({TABLE_JS})()[0]?.[1] === {SEED_X1!r}")
    assert table(page) == seed_table
    assert not page.errors, page.errors


def test_bad_formula_shows_a_message_and_keeps_the_figure(open_page):
    page = open_page()
    wait_drawn(page)
    before, before_table, before_url = paths(page), table(page), page.url
    formula = page.locator("#formula")
    for bad in ("x**", "sin("):
        previous = page.inner_text("#message")
        formula.fill(bad)
        formula.press("Enter")
        page.wait_for_function(
            "(previous) => { const t = document.querySelector('#message').innerText.trim();"
            " return t !== '' && t !== previous; }",
            arg=previous,
        )
        message = page.inner_text("#message").strip()
        assert "\n" not in message and 0 < len(message) <= 300, message
        assert page.get_attribute("#message", "role") == "alert"
        assert paths(page) == before  # the last good figure stays
        assert table(page) == before_table
        assert page.url == before_url  # the address keeps the last good view
    good = "x**2 + 3*y**2"
    formula.fill(good)
    formula.press("Enter")
    page.wait_for_function("() => document.querySelector('#message').innerText.trim() === ''")
    after = wait_path_changed(page, before["0"])
    url = wait_query(page, "f", lambda f: f == good)
    assert url["x0"] == "-4.0,3.0"
    assert "formula" in page.inner_text("#objective")  # the dropdown shows the formula entry
    assert good in title(page)
    # x**2 + 3*y**2 from (-4, 3): RMSprop heads to (0, 0) along the sign of the gradient.
    assert after["x"][0] == -4 and after["y"][0] == 3 and len(after["x"]) == 51
    assert math.hypot(after["x"][-1], after["y"][-1]) < 1
    assert not page.errors, page.errors


def test_shared_url_shows_the_same_view_in_a_fresh_context(open_page):
    first = open_page(SHARED)
    wait_drawn(first, runs=3)
    second = open_page(SHARED)
    wait_drawn(second, runs=3)
    for page in (first, second):
        rows = table(page)
        assert [row[0].split()[0] for row in rows] == ["rmsprop", "sgd", "adam"], rows
        assert rows[0][4] == rows[2][4] == "300" and "diverged" in rows[1][5], rows  # sgd blows up here
        assert page.inner_text("#url-message") == "" and page.inner_text("#message") == ""
        assert "rosenbrock" in page.inner_text("#objective")
        checked = page.evaluate(
            "() => Array.from(document.querySelectorAll('#baselines input:checked')).map(i => i.value)"
        )
        assert sorted(checked) == ["adam", "sgd"]
        assert page.input_value("#maxiter") == "300"
        assert (page.input_value("#x1"), page.input_value("#x2")) == ("-1.5", "2")
        assert slider_value(page, "lr") == pytest.approx(-2.0)
        assert slider_value(page, "momentum") == pytest.approx(0.5)
        assert page.inner_text("#lr-value") == "0.01" and page.inner_text("#momentum-value") == "0.5"
        assert "rosenbrock" in title(page)
        assert urlsplit(page.url).query == SHARED[1:]  # loading a view does not rewrite its address
    assert table(second) == table(first)
    assert paths(second) == paths(first)
    assert len(paths(first)["0"]["x"]) == 301
    assert (paths(first)["0"]["x"][0], paths(first)["0"]["y"][0]) == (-1.5, 2)
    assert not first.errors and not second.errors, first.errors + second.errors


def test_two_users_at_once_keep_their_own_views(open_page):
    alice = open_page()
    bob = open_page(SHARED)
    wait_drawn(alice)
    wait_drawn(bob, runs=3)
    alice_path, bob_paths = path0(alice), paths(bob)
    # Both change their view at the same time: Alice the learning rate, Bob the function.
    handle = alice.locator("#lr [role=slider]")
    handle.focus()
    bob.locator("#formula").fill("x**2 + 3*y**2")
    handle.press("ArrowLeft")
    bob.locator("#formula").press("Enter")
    alice_new = wait_path_changed(alice, alice_path)
    bob_new = wait_path_changed(bob, bob_paths["0"])
    alice_url = wait_query(alice, "lr", lambda lr: lr == "0.0794328")
    bob_url = wait_query(bob, "f", lambda f: f == "x**2 + 3*y**2")
    # Then Alice clicks on her contour while Bob turns a baseline off.
    where = plot_point(alice, 0.3, 0.8)
    alice.mouse.click(where["px"], where["py"])
    bob.locator("#baselines input[value=adam]").click()
    alice_new = wait_path_changed(alice, alice_new)
    wait_drawn(bob, runs=2)
    alice_url = wait_query(alice, "x0", lambda x0: x0 != "-4.0,3.0")
    bob_url = wait_query(bob, "vs", lambda vs: vs == "sgd")
    # Each sees exactly their own changes, and nothing of the other's.
    assert {k: alice_url[k] for k in ("f", "lr", "maxiter")} == {"f": "seed", "lr": "0.0794328", "maxiter": "50"}
    assert "vs" not in alice_url and "momentum" not in alice_url
    assert {k: bob_url[k] for k in ("f", "x0", "lr", "maxiter", "momentum")} == {
        "f": "x**2 + 3*y**2",
        "x0": "-1.5,2.0",
        "lr": "0.01",
        "maxiter": "300",
        "momentum": "0.5",
    }
    assert "seed" in title(alice) and "x**2 + 3*y**2" in title(bob)
    assert list(paths(alice)) == ["0"] and sorted(paths(bob)) == ["0", "1"]
    assert len(alice_new["x"]) == 51 and len(path0(bob)["x"]) == 301
    assert (alice_new["x"][0], alice_new["y"][0]) == tuple(float(v) for v in alice_url["x0"].split(","))
    assert (bob_new["x"][0], bob_new["y"][0]) == (-1.5, 2)
    # And each one's page shows exactly the numbers of the view at its own address.
    for page in (alice, bob):
        expected_table, expected_paths = computed(page.url)
        assert table(page) == expected_table
        assert paths(page) == expected_paths
    assert not alice.errors and not bob.errors, alice.errors + bob.errors


def test_play_runs_the_path_from_the_start_to_the_end(open_page):
    page = open_page()
    wait_drawn(page)
    page.wait_for_function("() => document.querySelector('#frame-value').innerText === 'step 50 / 50'")
    full = path0(page)
    # Record each step shown and the path's length at that moment.
    page.evaluate(f"""() => {{
        window.__frames = [];
        const shown = document.querySelector('#frame-value');
        new MutationObserver(() => {{
            const p = ({PATH0_JS})();
            window.__frames.push([shown.innerText, p ? p.x.length : -1]);
        }}).observe(shown, {{childList: true, subtree: true, characterData: true}});
    }}""")
    page.click("#play")
    page.wait_for_function("() => window.__frames.some(([text]) => /^step ([1-9]|[1-4][0-9]) \\/ 50$/.test(text))")
    page.wait_for_function(
        "() => document.querySelector('#frame-value').innerText === 'step 50 / 50'"
        " && document.querySelector('#play').innerText === 'Play'"
    )
    page.wait_for_function(f"() => ({PATH0_JS})().x.length === 51")
    frames = page.evaluate("() => window.__frames")
    steps = [int(re.fullmatch(r"step (\d+) / 50", text).group(1)) for text, _ in frames]
    assert steps == sorted(steps) and steps[0] <= 2 and steps[-1] == 50, steps
    assert len(set(steps)) >= 10, steps
    lengths = [length for _, length in frames]
    assert any(1 <= length < 51 for length in lengths), frames  # the path was drawn cut short on the way
    assert path0(page) == full
    assert slider_value(page, "frame") == 50
    assert not page.errors, page.errors


def test_bad_url_values_show_a_note_and_the_defaults(open_page):
    page = open_page("?lr=banana&n=999999&colour=red")
    wait_drawn(page)
    page.wait_for_function("() => document.querySelector('#url-message').innerText.trim() !== ''")
    note = page.inner_text("#url-message")
    assert "lr" in note and "banana" in note, note
    assert "URL n: maxiter must be in [1, 2000]" in note, note
    assert "colour" in note, note
    # n is the old name of maxiter: read, said once, and the URL is written anew with maxiter
    assert note.count("'n' is deprecated; the URL now says maxiter") == 1, note
    url = wait_query(page, "maxiter", lambda maxiter: maxiter == "50")
    assert "n" not in url and url["lr"] == "0.1", url
    page.wait_for_timeout(500)  # time for a callback the rewritten URL would start (none does)
    assert page.inner_text("#url-message") == note  # so the note stays
    assert page.inner_text("#message") == ""
    row = table(page)[0]
    assert row[1:5] == [SEED_X1, SEED_X2, SEED_F, "50"]  # the defaults stand in for the bad values
    assert slider_value(page, "lr") == pytest.approx(-1.0)
    assert page.input_value("#maxiter") == "50"
    assert len(path0(page)["x"]) == 51
    assert not page.errors, page.errors


def test_the_3d_view_and_an_online_problem_draw_without_errors(open_page):
    page = open_page()
    wait_drawn(page)
    contour = path0(page)
    # The contour becomes the 3-D surface: WebGL draws it, the paths keep their points, the URL says view=3d.
    page.click("#display input[value='3d']")
    wait_query(page, "view", lambda view: view == "3d")
    page.wait_for_function(
        f"""() => {{ const gd = {GD};
            return !!gd && !!gd.data && gd.data[0].type === 'surface' && !!gd._fullLayout.scene
                && document.querySelectorAll('#contour .gl-container canvas').length > 0; }}"""
    )
    assert path0(page) == contour  # the same run, drawn on the surface
    heights = page.evaluate(f"() => {{ const gd = {GD}; return gd.data.find(t => t.meta && t.meta.path === 0).z; }}")
    assert len(heights) == 51 and heights[0] > heights[-1] > 0  # f falls along the path, above the surface's floor
    assert "view=3d" in page.url and not page.errors, page.errors
    # An online problem from the list: x_t against t, its paper's settings, C shown and x2 off.
    page.click("#objective")
    page.keyboard.type("Theorem 1", delay=50)
    page.get_by_text(re.compile(r"Reddi et al\. 2018, Theorem 1")).last.click()
    wait_query(page, "f", lambda f: f == "reddi2018-theorem1")
    wait_drawn(page, runs=2)
    page.wait_for_function(f"() => ({PATH0_JS})()?.x.length === 1001")
    path = path0(page)
    assert path["x"] == list(range(1001)) and path["y"][0] == 0 and path["y"][-1] > 0.95  # RMSprop: the worst point
    assert "Theorem 1" in title(page)
    assert page.is_visible("#C") and page.is_disabled("#x2")
    url = query(page)
    assert (url["schedule"], url["lr"], url["decay"], url["vs"], url["x0"]) == ("sqrt", "0.5", "0.1", "amsgrad", "0.0")
    assert "view" not in url and page.is_checked("#display input[value='contour']")  # x_t against t: no 3-D
    rows = table(page)
    assert [row[0].split()[0] for row in rows] == ["rmsprop", "amsgrad"] and float(rows[1][1]) < -0.95
    assert page.inner_text("#message") == "" and not page.errors, page.errors
