"""What a reader's browser downloads to search, Pagefind against Sphinx's built-in search.

Both sites are built from the same generated corpus; each is served on 127.0.0.1 and its
search page loaded in Debian's Chromium (through Playwright, as the tests do). For a first
query (search page opened with ?q=) and a later one (a second word, in the same tab) it sums
the bytes of the search's own requests: Pagefind's pagefind*.js, WebAssembly, entry, index,
filter chunks and the fragments of the results shown; Sphinx's searchtools.js,
language_data.js, searchindex.js and the pages it fetches for the snippets. Bytes are the
bodies as transferred (http.server does not compress), and in brackets gzip -6 of the same
bodies, what a compressing server would send (Pagefind's chunks are already gzipped).
"""

from __future__ import annotations

import gzip
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT / "tests"))
from browser import CHROMIUM, CHROMIUM_ARGS, SEARCH_RESULTS_SHOWN, serve  # noqa: E402  (the tests' own harness)

# the search's own files (theme assets, the page itself and fonts are the same for both)
SEARCH_FILES = re.compile(r"/(pagefind/|searchindex\.js|_static/(searchtools|language_data|"
                          r"kb-search)\.js|_static/kb-search\.css)")
# the built-in search has shown its last result
DONE = ("() => /finished|did not match/.test("
        "document.querySelector('.search-summary:not([data-old])')?.textContent || '')")
# of which the user interface's code (the rest is the engine and the index)
UI_FILES = re.compile(r"(pagefind-ui\.(js|css)|kb-search\.(js|css)|searchtools\.js|language_data\.js)$")
QUIET_SECONDS = 1.5  # no new request for this long: the query's downloads are done
# the built-in search fetches every hit's page for its snippet: at 2,000 pages a common word
# means thousands of pages, which take minutes from a one-thread server
WAIT_MS = 900_000


@dataclass
class Payload:
    bytes: int = 0
    gzip_bytes: int = 0
    requests: int = 0
    ui_gzip_bytes: int = 0
    urls: list[str] = field(default_factory=list)


def _watch(page, payload_of):
    """Count each finished search request into the payload `payload_of()` returns now."""
    last = [time.monotonic()]

    def on_finished(request):
        last[0] = time.monotonic()
        path = request.url.split("?")[0]
        if not (SEARCH_FILES.search(path) or request.resource_type in ("fetch", "xhr")):
            return
        response = request.response()
        if response is None or response.status != 200:
            return
        body = response.body()
        payload = payload_of()
        payload.bytes += len(body)
        payload.gzip_bytes += len(gzip.compress(body, 6))
        payload.requests += 1
        if UI_FILES.search(path):
            payload.ui_gzip_bytes += len(gzip.compress(body, 6))
        payload.urls.append(path)

    page.on("requestfinished", on_finished)
    return last


def _settle(page, last, limit: float = 900.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        page.wait_for_timeout(250)
        if time.monotonic() - last[0] > QUIET_SECONDS:
            return
    raise SystemExit("bench: the search page kept downloading for fifteen minutes")


def measure(site: Path, engine: str, first: str, later: str,
            browser=None) -> tuple[Payload, Payload, Payload | None]:
    """(first query, later query, opening the filters) payloads of `engine` ("pagefind" or
    "sphinx", which has no filters: None) on `site`, in `browser` (a Playwright browser), or
    in a Chromium launched for it."""
    if browser is None:
        from playwright.sync_api import sync_playwright

        if not CHROMIUM.exists():
            raise SystemExit(f"bench: the search payload needs Chromium ({CHROMIUM}): "
                             "sudo apt-get install chromium, or pass --no-search")
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                return measure(site, engine, first, later, chromium)
            finally:
                chromium.close()
    payloads = [Payload(), Payload(), Payload()]
    current = [0]
    with serve(site) as url:
        context = browser.new_context()  # a fresh cache: nothing fetched before counts
        try:
            page = context.new_page()
            last = _watch(page, lambda: payloads[current[0]])
            page.goto(f"{url}search.html?q={first}")
            if engine == "pagefind":
                page.wait_for_function(SEARCH_RESULTS_SHOWN, timeout=60000)
            else:
                page.wait_for_function(DONE, timeout=WAIT_MS)
            _settle(page, last)
            current[0] = 1
            if engine == "pagefind":
                page.locator("#kb-search-input").fill(later)
                page.wait_for_function(
                    "q => document.querySelector('#kb-search-status')?.textContent.includes(q)"
                    " && !document.querySelector('#kb-search-results[aria-busy]')",
                    arg=later, timeout=60000)
            else:  # the index is loaded: search again in the same page, as a reader would
                page.evaluate("document.querySelector('.search-summary').dataset.old = 1")
                page.evaluate("q => Search.performSearch(q)", later)
                page.wait_for_function(DONE, timeout=WAIT_MS)
            _settle(page, last)
            if engine == "pagefind":  # the filters' indexes load when the panel opens
                current[0] = 2
                page.locator("#kb-search-filters > summary").click()
                page.wait_for_selector("#kb-search-filter-groups fieldset", timeout=60000)
                _settle(page, last)
        finally:
            context.close()
    return payloads[0], payloads[1], (payloads[2] if engine == "pagefind" else None)


def kb(n: int) -> str:
    return f"{n / 1024:,.1f} KB"


def report(pages: int, docs: int, rows: dict[str, tuple[Payload, Payload, float]],
           clean_seconds: float, first: str, later: str, filters: Payload | None = None) -> str:
    lines = [f"Search payload: {pages} reviews and issues ({docs} documents); "
             f"first query {first!r}, later query {later!r} (gzip -6 in brackets)", "",
             f"| {'search':<22} | {'first query':>28} | {'later query':>28} | {'index build':>11} |",
             f"| {'-' * 22} | {'-' * 28}: | {'-' * 28}: | {'-' * 11}: |"]
    for name, (first_p, later_p, seconds) in rows.items():
        cells = [f"{kb(p.bytes)} ({kb(p.gzip_bytes)}), {p.requests} req" for p in (first_p, later_p)]
        lines.append(f"| {name:<22} | {cells[0]:>28} | {cells[1]:>28} | {seconds:9.2f} s |")
    lines.append("")
    for name, (first_p, _, _) in rows.items():
        lines.append(f"{name}: of the first query's {kb(first_p.gzip_bytes)} (gzip), "
                     f"{kb(first_p.ui_gzip_bytes)} is the user interface's code")
    if filters is not None:
        lines.append(f"Pagefind: opening the filters then fetched {kb(filters.bytes)} "
                     f"({kb(filters.gzip_bytes)}), {filters.requests} req (every filter's index)")
    pagefind_seconds = rows["Pagefind"][2]
    lines += [f"Pagefind indexing / clean build -j 1: {pagefind_seconds / clean_seconds:.1%}"]
    return "\n".join(lines)
