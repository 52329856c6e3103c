"""The attack corpus of test_safety.py in a reader's browser: every page of the attacked site
(built with the site's look) opened in Chromium with a sentinel that every attack calls,
installed before the page's own scripts, and with dialogs watched; the previews of the
attacked pages, the search and the phone's menu used. Nothing may run, and each attack must
read as text."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from browser import PHONE, SEARCH_RESULTS_SHOWN, serve, serve_under
from conftest import Build
from test_safety import IMG, ROOT, SCRIPT, SENTINEL, attack, site_look_build


@pytest.fixture(scope="module")
def attacked(tmp_path_factory) -> Build:
    """The `kb` root with the attacks (test_safety.attack), built with the site's look."""
    src = tmp_path_factory.mktemp("safety-browser") / "attacked"
    shutil.copytree(ROOT, src)
    attack(src)
    return site_look_build(src)

# -- what runs in a reader's browser ----------------------------------------------------------

# Installed before any script of a page: each call of the sentinel is recorded
RECORD_SENTINEL = (f"window.__kbRan = []; window.{SENTINEL} = (n) => "
                   "window.__kbRan.push(String(n));")
TOOLTIP = "[data-tippy-root] .tippy-box"


class ScriptWatch:
    """A browser context in which every call of the sentinel and every dialog is recorded,
    page after page (`ran`)."""

    def __init__(self, browser, width: int = 1280) -> None:
        self.context = browser.new_context(viewport={"width": width, "height": 900},
                                           reduced_motion="reduce")
        self.context.add_init_script(RECORD_SENTINEL)
        self.page = self.context.new_page()
        self.ran: list[str] = []
        self.page.on("dialog", self._dialog)

    def _dialog(self, dialog) -> None:
        self.ran.append(f"dialog {dialog.type}: {dialog.message}")
        dialog.dismiss()

    def open(self, url: str) -> None:
        self.collect()
        self.page.goto(url, wait_until="load")

    def collect(self) -> None:
        """What ran on the page open now (before leaving it)."""
        if self.page.url.startswith("http"):
            self.ran += [f"{self.page.url}: {SENTINEL}({n})"
                         for n in self.page.evaluate("window.__kbRan || []")]
            self.page.evaluate("window.__kbRan = []")

    def close(self) -> list[str]:
        self.collect()
        self.context.close()
        return self.ran


def test_the_watch_sees_script_that_runs(browser, tmp_path):
    """The browser check can fail: a page with a script, an image's error handler and a
    dialog is seen running all three."""
    (tmp_path / "run.html").write_text(
        f"<p>{SCRIPT}{IMG}<img src=x onerror=\"alert('dialog')\"></p>", encoding="utf-8")
    with serve(tmp_path) as url:
        watch = ScriptWatch(browser)
        watch.open(url + "run.html")
        watch.page.wait_for_function("window.__kbRan.length === 2")
        ran = watch.close()
    assert sorted(ran) == sorted([f"{url}run.html: {SENTINEL}(1)",
                                  f"{url}run.html: {SENTINEL}(2)", "dialog alert: dialog"])


# (page, link to a page or item carrying attacks, what its preview card shows as text)
ATTACKED_PREVIEWS = [
    ("topics/ai-for-science.html", "ul.kb-listing a[href='../reviews/r2021.html']",
     [f"Review of 2021 {SCRIPT}", "A review <img src=x"]),
    ("topics/ai-for-science.html", "ul.kb-listing a[href^='../reviews/r2021.html#alphafold2']",
     ["AlphaFold2 <img src=x", f"Predicts {SCRIPT}"]),
    ("topics/gans.html", "ul.kb-listing a[href='../newsletters/n220.html']",
     [f"Weekly {SCRIPT}"]),
    ("index.html", "article a.kb-previewable[href='topics/gans.html']", ["GANs <img src=x"]),
]


@pytest.mark.slow
def test_no_attack_runs_in_the_browser(attacked, browser, tmp_path):
    """Every page of the attacked site, opened in Chromium with the site's theme; the link
    previews of the attacked pages and item shown; the search run on the attacked titles;
    the phone's menu opened. No attack runs, and each title, summary and item is text."""
    outdir = Path(attacked.outdir)
    pages = sorted(path.relative_to(outdir).as_posix() for path in outdir.rglob("*.html")
                   if not {"_static", "_sources", "pagefind", ".doctrees"} & set(path.parts))
    assert {"reviews/r2021.html", "newsletters/n220.html", "404.html", "search.html"} <= set(pages)
    with serve_under(outdir, attacked.app.config.html_baseurl, tmp_path) as url:
        watch = ScriptWatch(browser)
        for name in pages:
            watch.open(url + name)
        watch.collect()
        assert watch.ran == []
        # the review's title, in the print-only header and the window's title, as text
        watch.open(url + "reviews/r2021.html")
        assert watch.page.text_content("#jb-print-docs-body h1") == f"Review of 2021 {SCRIPT}"
        assert f"Review of 2021 {SCRIPT}" in watch.page.title()
        for name, selector, shown in ATTACKED_PREVIEWS:
            watch.open(url + name)
            watch.page.locator(selector).first.focus()
            card = watch.page.locator(TOOLTIP)
            card.wait_for(state="visible")
            text = card.inner_text()
            assert all(part in text for part in shown), (name, text)
            watch.page.keyboard.press("Escape")
            card.wait_for(state="detached")
        watch.open(url + "search.html?q=review")
        watch.page.wait_for_function(SEARCH_RESULTS_SHOWN, timeout=15000)
        assert f"Review of 2021 {SCRIPT}" in watch.page.text_content("#kb-search-results")
        ran = watch.close()
        phone = ScriptWatch(browser, width=PHONE["width"])
        phone.open(url + "reviews/r2021.html")
        phone.page.locator(".primary-toggle:visible").click()
        phone.page.wait_for_selector("#pst-primary-sidebar-modal[open]")
        assert f"Test knowledge base {SCRIPT}" in phone.page.text_content(
            "#pst-primary-sidebar-modal")
        ran += phone.close()
    assert ran == []
