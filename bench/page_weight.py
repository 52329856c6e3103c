"""What a reader's browser downloads to show a page of the built site (issue 24's budget).

The site is served on 127.0.0.1 and each page loaded in Debian's Chromium (through
Playwright, as the tests do), in a fresh browser context: every response the page brings
in without a reader doing anything (the page, its style sheets and what they load: fonts,
images; its scripts and what they fetch) is counted, until no request has started for
QUIET_SECONDS. A body counts as a static host serves it: gzipped when that makes it
smaller (html, css, js, json, svg), as stored otherwise (woff2, png and Pagefind's chunks,
which are compressed already), so the figures do not depend on http.server, which does
not compress.

- **First visit**: the page with nothing cached.
- **Next page**: another page opened in the same tab, counting only the URLs the first
  visit had not fetched (they are in the browser's cache).

`python bench/page_weight.py SITE` prints the figures for the built site in SITE (this
project's pages by default); `nox -s bench` prints them for the site it builds.
"""

from __future__ import annotations

import argparse
import gzip
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT / "tests"))
from browser import CHROMIUM, CHROMIUM_ARGS, serve  # noqa: E402  (the tests' own harness)

QUIET_SECONDS = 1.0  # no request started for this long: the page has loaded what it loads
SETTLE_LIMIT = 60.0
# (first visit, next page) of this site: a year review, then a newsletter issue
REVIEW = "reviews/hippocampus-garden/2022.html"
NEXT_PAGE = "newsletters/deep-learning-weekly/2021/issue-220.html"
SEARCH = "search.html?q=alphafold"  # the search page, with the results of a query
FIRST_VISIT_BUDGET = 200 * 1024  # issue 24: bytes, compressed as a static host serves them
NEXT_PAGE_BUDGET = 60 * 1024


@dataclass
class Transfer:
    """The responses one page load brought in."""

    sizes: dict[str, int] = field(default_factory=dict)  # URL path -> bytes as served
    stored: int = 0  # the same files' bytes as stored (served uncompressed)

    @property
    def total(self) -> int:
        return sum(self.sizes.values())

    @property
    def requests(self) -> int:
        return len(self.sizes)

    def largest(self, n: int = 5) -> list[tuple[str, int]]:
        return sorted(self.sizes.items(), key=lambda pair: -pair[1])[:n]


@dataclass
class Weight:
    """A first visit to `page` and the next page, `following`, in the same tab."""

    page: str
    first: Transfer
    following: str = ""
    next: Transfer | None = None


def served_size(body: bytes) -> int:
    """The bytes a static host that compresses sends for `body`."""
    return min(len(body), len(gzip.compress(body, 6)))


def _load(page, url: str, seen: set[str]) -> Transfer:
    """Open `url` in `page` and count each response not in `seen` (then add it there)."""
    transfer = Transfer()
    last = [time.monotonic()]

    def started(request) -> None:
        last[0] = time.monotonic()

    def finished(request) -> None:
        last[0] = time.monotonic()
        key = request.url.split("#")[0]
        response = request.response()
        if key in seen or response is None or not 200 <= response.status < 300:
            return
        seen.add(key)
        try:
            body = response.body()
        except Exception:  # noqa: BLE001  (a redirect or an aborted body has none)
            return
        path = urlsplit(key)
        transfer.sizes[path.path + (f"?{path.query}" if path.query else "")] = served_size(body)
        transfer.stored += len(body)

    page.on("request", started)
    page.on("requestfinished", finished)
    try:
        page.goto(url, wait_until="load")
        deadline = time.monotonic() + SETTLE_LIMIT
        while time.monotonic() - last[0] < QUIET_SECONDS and time.monotonic() < deadline:
            page.wait_for_timeout(100)
    finally:
        page.remove_listener("request", started)
        page.remove_listener("requestfinished", finished)
    return transfer


def measure(site: Path, page: str, following: str = "", browser=None,
            width: int = 1280) -> Weight:
    """The first visit to `page` of the site in `site` (and then `following`, if given),
    in `browser` (a Playwright browser) or in a Chromium launched for it."""
    if browser is None:
        from playwright.sync_api import sync_playwright

        if not CHROMIUM.exists():
            raise SystemExit(f"page weight needs Chromium ({CHROMIUM}): "
                             "sudo apt-get install chromium")
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                                  args=CHROMIUM_ARGS)
            try:
                return measure(site, page, following, chromium, width)
            finally:
                chromium.close()
    with serve(site) as url:
        context = browser.new_context(viewport={"width": width, "height": 900})
        try:
            tab = context.new_page()
            seen: set[str] = set()
            weight = Weight(page, _load(tab, url + page, seen))
            if following:
                weight.following = following
                weight.next = _load(tab, url + following, seen)
        finally:
            context.close()
    return weight


def kb(n: int) -> str:
    return f"{n / 1024:,.1f} KB"


def report(weights: list[Weight]) -> str:
    """The figures: each first visit and next page, with their largest files."""
    lines = ["Page weight (bytes as a compressing static host sends them, uncompressed in "
             "brackets; nothing cached, then the next page in the same tab)", "",
             "| page | first visit | next page |", "| --- | ---: | ---: |"]

    def cell(transfer: Transfer) -> str:
        return f"{kb(transfer.total)} ({kb(transfer.stored)}), {transfer.requests} files"

    for weight in weights:
        after = (f"{cell(weight.next)}: {weight.following}" if weight.next is not None else "")
        lines.append(f"| {weight.page} | {cell(weight.first)} | {after} |")
    for weight in weights:
        largest = ", ".join(f"{path.rsplit('/', 1)[-1]} {kb(size)}"
                            for path, size in weight.first.largest())
        lines.append(f"\n{weight.page}, largest files of the first visit: {largest}")
    return "\n".join(lines)


def site_weights(site: Path, browser=None) -> list[Weight]:
    """This project's figures: a review then an issue, and the search page."""
    return [measure(site, REVIEW, NEXT_PAGE, browser), measure(site, SEARCH, REVIEW, browser)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("site", type=Path, help="the built HTML site (e.g. _build/html)")
    args = parser.parse_args(argv)
    print(report(site_weights(args.site)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
