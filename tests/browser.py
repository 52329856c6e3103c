"""Browser fixtures: the built site over http, Debian's Chromium through Playwright, axe-core.

Loaded by conftest.py as a pytest plugin, so any test module can use them:

- `chromium_executable`: /usr/bin/chromium, or the test is skipped with the reason (locally),
  or fails (when the environment sets CI: CI must run the browser tests).
- `site_build`: the real site, built once a session (nitpicky, -j 2) into a temporary folder.
- `serve(directory)`: a threaded http.server on 127.0.0.1 at an ephemeral port, for any folder;
  `site_url` is the built site's.
- `browser`: Chromium launched once a session (never downloaded: Debian's, by path).
- `open_page(url, width=..., mode=...)`: a fresh page in its own context, colour mode set before
  the page's scripts run; `page.kb_errors` collects console errors, page errors and failed
  requests. `page.kb_axe()` runs axe-core (bundled by axe-playwright-python) and returns the
  serious and critical violations. `page.kb_screenshot(name)` saves a PNG into
  `_build/screenshots`, the folder CI uploads.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

PROJECT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
SCREENSHOTS = PROJECT / "_build" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
SERIOUS = ("serious", "critical")
# The search page (kb-search.js) shows results, and is not busy with a newer search (it shows
# a batch of results once each one's fragment, with its sub-results, has loaded)
SEARCH_RESULTS_SHOWN = ("() => document.querySelector('.kb-search-result') !== null"
                        " && document.querySelector('#kb-search-results[aria-busy]') === null")


def require_chromium() -> str:
    if CHROMIUM.exists():
        return str(CHROMIUM)
    message = (f"{CHROMIUM} is missing: install Debian's chromium package "
               "(sudo apt-get install chromium), as .ci/run does")
    if os.environ.get("CI"):
        pytest.fail(f"CI must run the browser tests, but {message}", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    return require_chromium()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve `directory` on 127.0.0.1 at an ephemeral port; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="session")
def site_build(real_site: Any, chromium_executable: str) -> Path:
    """The real site (built once, see conftest.real_site); returns its HTML folder."""
    assert not real_site.warnings, real_site.warnings
    return Path(real_site.outdir)


@pytest.fixture(scope="session")
def site_url(site_build: Path, real_site: Any,
             tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real site served under its published path (html_baseurl's, such as
    /dl-knowledge-base/), so the 404 page's links from the server root resolve as they
    do on the hosted site."""
    with serve_under(site_build, real_site.app.config.html_baseurl,
                     tmp_path_factory.mktemp("served")) as url:
        yield url


@contextlib.contextmanager
def serve_under(site: Path, html_baseurl: str, scratch: Path) -> Iterator[str]:
    """Serve the built `site` under html_baseurl's path (such as /dl-knowledge-base/), as the
    host does, through a link in the empty folder `scratch`; yields the site's URL."""
    from urllib.parse import urlsplit

    base_path = urlsplit(html_baseurl).path.strip("/")
    root = Path(site)
    if base_path:
        root = scratch
        (root / base_path).parent.mkdir(parents=True, exist_ok=True)
        (root / base_path).symlink_to(Path(site), target_is_directory=True)
    with serve(root) as url:
        yield url + (f"{base_path}/" if base_path else "")


@pytest.fixture(scope="session")
def browser(chromium_executable: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_executable,
                                              args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def _serious(results: dict) -> list[str]:
    found = []
    for violation in results.get("violations", []):
        if violation.get("impact") in SERIOUS:
            targets = [", ".join(node["target"]) for node in violation["nodes"]][:5]
            found.append(f"{violation['id']} ({violation['impact']}): {violation['help']} "
                         f"at {targets}")
    return found


@pytest.fixture
def open_page(browser: Any) -> Iterator[Callable[..., Any]]:
    """Open a URL in a fresh context: `open_page(url, width=1280, mode="light")`."""
    from axe_playwright_python.sync_playwright import Axe

    contexts = []
    axe = Axe()

    def opener(url: str, width: int = DESKTOP["width"], mode: str = "light",
               wait_until: str = "load") -> Any:
        viewport = PHONE if width == PHONE["width"] else {"width": width, "height": 900}
        context = browser.new_context(viewport=viewport, color_scheme=mode,
                                      reduced_motion="reduce")
        # pydata-sphinx-theme reads the mode from localStorage before it paints
        context.add_init_script(
            f"try {{ localStorage.setItem('mode', '{mode}'); "
            f"localStorage.setItem('theme', '{mode}'); }} catch (e) {{}}")
        contexts.append(context)
        page = context.new_page()
        page.kb_errors = []
        page.on("console", lambda msg: msg.type == "error" and page.kb_errors.append(
            f"console: {msg.text} ({msg.location.get('url', '')})"))
        page.on("pageerror", lambda err: page.kb_errors.append(f"page error: {err}"))
        # net::ERR_ABORTED is a request the reader's own navigation cancelled (the page
        # being left was still fetching its favicon); an asset that is missing answers
        # 404 (below) and one that cannot be reached fails with another net:: error
        page.on("requestfailed", lambda req: req.failure != "net::ERR_ABORTED"
                and page.kb_errors.append(f"request failed: {req.url} ({req.failure})"))
        page.on("response", lambda resp: resp.status >= 400 and page.kb_errors.append(
            f"HTTP {resp.status}: {resp.url}"))

        def run_axe() -> list[str]:
            # axe-core fetches stylesheets itself and resolves the theme's
            # `@import "../basic.css"` against the page, not the stylesheet (a 404 that
            # the page never makes): what happens while axe runs is not the page's error
            recorded = list(page.kb_errors)
            # axe-core's experimental rules too (off by default): one of them finds what
            # issue 13 reports on the theme's header buttons (label-content-name-mismatch)
            page.evaluate(axe.axe_script)
            experimental = page.evaluate("axe.getRules(['experimental']).map(r => r.ruleId)")
            options = {"resultTypes": ["violations"],
                       "rules": {rule: {"enabled": True} for rule in experimental}}
            results = axe.run(page, options=options).response
            page.kb_errors[:] = recorded
            return _serious(results)

        def screenshot(name: str) -> Path:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            path = SCREENSHOTS / f"{name}.png"
            page.screenshot(path=str(path), full_page=False)
            return path

        page.kb_axe = run_axe
        page.kb_screenshot = screenshot
        page.goto(url, wait_until=wait_until)
        return page

    yield opener
    for context in contexts:
        context.close()
