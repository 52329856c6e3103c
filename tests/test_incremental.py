"""Incremental == clean, parallel == serial, and a rebuild reads and writes only what changed.

Each case copies the `kb` test root, builds it, edits the sources, rebuilds
incrementally, and compares every HTML page with a clean build of the edited
sources (lesson 1 of PRODUCT.md: aggregate pages must never go stale).
"""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

ROOTS = Path(__file__).parent / "roots"
ROOT = ROOTS / "test-kb"


class Build:
    """One Sphinx run, recording which documents it read and wrote."""

    def __init__(self, srcdir: Path, parallel: int = 0) -> None:
        self.read: list[str] = []
        self.written: list[str] = []
        self.merged = 0
        app = SphinxTestApp("html", srcdir=srcdir, parallel=parallel)
        try:
            app.connect("source-read", lambda _app, docname, _src: self.read.append(docname))
            app.connect("env-merge-info", self._merged)
            app.connect("html-page-context", self._page)
            app.build()
            self.warnings = app.warning.getvalue()
            self.found_docs = set(app.env.found_docs)
            self.outdir = Path(app.outdir)
        finally:
            app.cleanup()
        self.written_docs = set(self.written) & self.found_docs

    def _merged(self, *args: object) -> None:
        self.merged += 1

    def _page(self, _app: object, pagename: str, *args: object) -> None:
        self.written.append(pagename)


def html_pages(outdir: Path) -> dict[str, str]:
    pages = {}
    for path in sorted(outdir.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        # asset checksums ("?v=1a2b3c") are per build; nothing else may differ
        pages[str(path.relative_to(outdir))] = re.sub(r"\?v=[0-9a-f]+", "", text)
    return pages


def touch(path: Path, text: str) -> None:
    """Write and move the mtime forward, so Sphinx sees the change whatever the clock."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    later = time.time() + 5
    os.utime(path, (later, later))


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    touch(path, text.replace(old, new))


def add_to_index(src: Path, entry: str) -> None:
    replace(src / "index.md", "references\n```", f"{entry}\nreferences\n```")


NEW_ITEM = """
```{kb:item} IC-GAN
:kind: paper
:topics: gans

Generates unseen combinations {cite:p}`jumper2021alphafold`.
```
"""

NEW_ISSUE = """---
kind: newsletter
date: 2021-11-02
series: weekly
issue: 221
topics: [{topic}]
summary: Issue 221.
---
# Weekly 221

```{{kb:item}} A new item
:kind: news
:topics: {topic}

Text.
```
"""


def change_item_topics(src: Path) -> None:
    replace(src / "reviews/r2021.md", ":topics: protein-structure", ":topics: gans")


def add_item(src: Path) -> None:
    path = src / "newsletters/n220.md"
    touch(path, path.read_text(encoding="utf-8") + NEW_ITEM)


def delete_item(src: Path) -> None:
    path = src / "newsletters/n220.md"
    text = path.read_text(encoding="utf-8")
    touch(path, text[: text.index("```{kb:item} AlphaFold-Multimer")])


def add_page_with_new_topic(src: Path) -> None:
    touch(src / "topics/diffusion.md", "---\nkind: topic\n---\n# Diffusion models\n\nNoise.\n")
    touch(src / "newsletters/n221.md", NEW_ISSUE.format(topic="diffusion"))
    add_to_index(src, "newsletters/n221")


def add_issue_to_series(src: Path) -> None:
    touch(src / "newsletters/n221.md", NEW_ISSUE.format(topic="gans"))
    add_to_index(src, "newsletters/n221")


def delete_page(src: Path) -> None:
    (src / "newsletters/n220.md").unlink()
    replace(src / "index.md", "newsletters/n220\n", "")


def rename_page(src: Path) -> None:
    (src / "reviews/r2021.md").rename(src / "reviews/review-2021.md")
    replace(src / "index.md", "reviews/r2021\n", "reviews/review-2021\n")


def change_topic_parent(src: Path) -> None:
    replace(src / "topics/protein-structure.md", "parent: ai-for-science", "parent: gans")


def add_alias(src: Path) -> None:
    replace(src / "topics/gans.md", "kind: topic\n", "kind: topic\naliases: [adversarial networks]\n")


def use_new_alias(src: Path) -> None:
    add_alias(src)
    replace(src / "newsletters/n220.md", "topics: [gans]", "topics: [adversarial networks]")


def change_page_date(src: Path) -> None:
    replace(src / "newsletters/n220.md", "date: 2021-10", "date: 2022-02-01")


def change_topic_title(src: Path) -> None:
    replace(src / "topics/gans.md", "# GANs", "# Generative adversarial networks")


def change_page_title(src: Path) -> None:
    replace(src / "reviews/r2021.md", "# Review of 2021", "# The year 2021 in review")


def add_citation(src: Path) -> None:
    replace(src / "reviews/r2021.md", "{cite:p}`jumper2021alphafold`",
            "{cite:p}`jumper2021alphafold,evans2021multimer`")


def remove_citation(src: Path) -> None:
    replace(src / "newsletters/n220.md", "{cite:p}`evans2021multimer,jumper2021alphafold`",
            "{cite:p}`jumper2021alphafold`")


def change_bib_entry(src: Path) -> None:
    replace(src / "refs.bib", "Protein complex prediction with {AlphaFold-Multimer}",
            "Protein complex prediction with {AlphaFold-Multimer}, revised")


def cite_in_page_text(src: Path) -> None:
    path = src / "reviews/r2021.md"
    touch(path, path.read_text(encoding="utf-8") + "\nSee also {cite:t}`evans2021multimer`.\n")


EDITS: list[Callable[[Path], None]] = [
    change_item_topics, add_item, delete_item, add_page_with_new_topic, add_issue_to_series,
    delete_page, rename_page, change_topic_parent, add_alias, use_new_alias, change_page_date,
    change_topic_title, change_page_title, add_citation, remove_citation, change_bib_entry,
    cite_in_page_text,
]


# -- the navigation root: cross-references, series, archives ------------------------


def add_cross_reference(src: Path) -> None:
    replace(src / "newsletters/n2.md", "Follows", "Compare {kb:review}`garden/2022`. Follows")


def remove_cross_reference(src: Path) -> None:
    replace(src / "reviews/r2022.md", ", see {kb:issue}`weekly/1`", "")


def add_issue_to_weekly(src: Path) -> None:
    touch(src / "newsletters/n3.md", "---\nkind: newsletter\ndate: 2021-11-09\nseries: weekly\n"
          "issue: 3\ntopics: [diffusion]\nsummary: The third issue.\n---\n# Weekly 3\n\n"
          "Back to {kb:issue}`weekly/2`.\n")
    replace(src / "weekly.md", "newsletters/n2\n", "newsletters/n2\nnewsletters/n3\n")


def change_issue_date(src: Path) -> None:
    replace(src / "newsletters/n1.md", "date: 2021-10", "date: 2021-12-01")


def rename_referenced_item(src: Path) -> None:
    replace(src / "newsletters/n1.md", "{kb:item} IC-GAN", "{kb:item} Instance-conditioned GAN\n:id: ic-gan")


NAVIGATION_EDITS: list[Callable[[Path], None]] = [
    add_cross_reference, remove_cross_reference, add_issue_to_weekly, change_issue_date,
    rename_referenced_item,
]


@pytest.mark.parametrize(
    ("root", "edit"),
    [("test-kb", edit) for edit in EDITS]
    + [("test-navigation", edit) for edit in NAVIGATION_EDITS],
    ids=lambda value: getattr(value, "__name__", value),
)
def test_incremental_build_equals_clean_build(
    tmp_path: Path, root: str, edit: Callable[[Path], None],
) -> None:
    incremental = tmp_path / "incremental"
    shutil.copytree(ROOTS / root, incremental)
    first = Build(incremental)
    assert not first.warnings

    edit(incremental)
    second = Build(incremental)

    clean = tmp_path / "clean"
    shutil.copytree(incremental, clean, ignore=shutil.ignore_patterns("_build"))
    fresh = Build(clean)
    assert not fresh.warnings, fresh.warnings
    assert second.warnings == fresh.warnings

    got, want = html_pages(second.outdir), html_pages(fresh.outdir)
    # pages of deleted or renamed sources stay behind in an incremental build's
    # output directory, as with any Sphinx project; every live page must match
    live = {page for page in want}
    assert {page for page in got if page in live} == live
    stale = [page for page in sorted(live) if got[page] != want[page]]
    assert not stale, f"pages differ from a clean build after {edit.__name__}: {stale}"


@pytest.mark.parametrize("root", ["test-kb", "test-navigation", "test-references"])
def test_parallel_build_equals_serial_build(tmp_path: Path, root: str) -> None:
    serial_src, parallel_src = tmp_path / "serial", tmp_path / "parallel"
    shutil.copytree(ROOTS / root, serial_src)
    shutil.copytree(ROOTS / root, parallel_src)
    serial = Build(serial_src, parallel=1)
    parallel = Build(parallel_src, parallel=2)
    assert parallel.merged > 0, "the read phase did not run in parallel"
    assert "not safe for parallel" not in parallel.warnings
    # the same warnings (the references root has some on purpose), in any order
    assert sorted(parallel.warnings.replace(str(parallel_src), "SRC").splitlines()) == \
        sorted(serial.warnings.replace(str(serial_src), "SRC").splitlines())
    assert html_pages(parallel.outdir) == html_pages(serial.outdir)


def test_noop_rebuild_reads_and_writes_nothing(tmp_path: Path) -> None:
    shutil.copytree(ROOT, tmp_path / "src")
    Build(tmp_path / "src")
    again = Build(tmp_path / "src")
    assert again.read == []
    assert again.written_docs == set()


def test_text_edit_reads_and_writes_only_that_page(tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(ROOT, src)
    Build(src)
    replace(src / "reviews/r2021.md", "Predicts structures", "Predicts protein structures")
    again = Build(src)
    assert again.read == ["reviews/r2021"]
    # Sphinx itself also rewrites the page whose toctree lists the edited one
    # (its entry shows the title); the extension adds nothing
    assert again.written_docs == {"reviews/r2021", "index"}


def test_topic_edit_rewrites_only_the_pages_that_show_it(tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(ROOT, src)
    Build(src)
    change_item_topics(src)
    again = Build(src)
    assert again.read == ["reviews/r2021"]
    # the page itself, the topic pages whose listings changed (protein-structure
    # and its parent ai-for-science lose AlphaFold2, gans gains it), the overview,
    # and n220, whose related pages now show the shared topic GANs
    assert again.written_docs == {
        "reviews/r2021", "index", "newsletters/n220", "topics/protein-structure", "topics/ai-for-science",
        "topics/gans", "topics/index",
    }


def test_a_new_issue_rewrites_its_navigation_branch_not_the_whole_site(tmp_path: Path) -> None:
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-navigation", src)
    Build(src)
    add_issue_to_weekly(src)
    again = Build(src)
    assert again.read == ["newsletters/n3", "weekly"]
    # the series page and every issue under it show the new issue in their navigation
    assert {"weekly", "newsletters/n1", "newsletters/n2", "newsletters/n3"} <= again.written_docs
    # a page elsewhere, whose navigation, neighbours and views are unchanged, is not rewritten
    assert "topics/gans" not in again.written_docs
