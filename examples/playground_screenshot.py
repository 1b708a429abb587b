"""A screenshot of the playground
===============================

How ``docs/images/playground.png`` (the README's picture) is made: one view of the playground,
as its address gives it. Starts ``rmsprop playground`` on a free port, opens the view's URL in headless Chromium
(Debian's ``/usr/bin/chromium``, driven by Playwright), waits for the result table and
saves the page as a PNG, then stops the server. It needs the playground's extra and Playwright
(``pip install "rmsprop[playground]" playwright``; the ``test`` extra has both) and Debian's
``chromium`` package (Playwright drives it; it downloads no browser). The documentation's build
shows this script but does not run it: a server and a browser are more than a page needs (the
playground's page, :doc:`/playground`, explains the view instead)::

    python examples/playground_screenshot.py docs/images/playground.png \\
        "?f=rosenbrock&x0=-1.5,2&lr=0.01&maxiter=600&momentum=0.5&vs=sgd,adam"
"""

from __future__ import annotations

import signal
import subprocess
import sys

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def main(out: str, query: str = "") -> None:
    server = subprocess.Popen(
        [sys.executable, "-m", "rmsprop", "playground", "--port", "0"], stdout=subprocess.PIPE, text=True
    )
    try:
        address = server.stdout.readline().split()[3]  # "RMSprop playground on http://...:PORT/ (Ctrl-C ...)"
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 860})
            page.goto(address + query)
            page.wait_for_selector("#result-table")
            page.wait_for_function("document.querySelector('#contour .js-plotly-plot .scatterlayer .trace')")
            page.mouse.move(0, 0)  # no hover label in the picture
            page.screenshot(path=out)
            browser.close()
    finally:
        server.send_signal(signal.SIGINT)
        server.communicate(timeout=30)
    print(f"Wrote {out}")


if __name__ == "__main__":
    main(*sys.argv[1:])
