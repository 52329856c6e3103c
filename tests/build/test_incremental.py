"""Incremental == clean, parallel == serial, and a rebuild reads and writes only what changed.

Each case copies the `kb` test root, builds it, edits the sources, rebuilds
incrementally, and compares every HTML page with a clean build of the edited
sources (lesson 1 of PRODUCT.md: aggregate pages must never go stale).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import (
    NEW_ISSUE,
    Build,
    add_issue_to_series,
    add_to_index,
    append,
    edited_and_clean,
    html_pages,
    replace,
    touch,
)

NEW_ITEM = """
```{kb:item} IC-GAN
:kind: paper
:topics: gans

Generates unseen combinations {cite:p}`jumper2021alphafold`.
```
"""

def change_item_topics(src: Path) -> None:
    replace(src / "reviews/r2021.md", ":topics: protein-structure", ":topics: gans")


def add_item(src: Path) -> None:
    append(src / "newsletters/n220.md", NEW_ITEM)


def delete_item(src: Path) -> None:
    path = src / "newsletters/n220.md"
    text = path.read_text(encoding="utf-8")
    touch(path, text[: text.index("```{kb:item} AlphaFold-Multimer")])


def add_page_with_new_topic(src: Path) -> None:
    touch(src / "topics/diffusion.md", "---\nkind: topic\n---\n# Diffusion models\n\nNoise.\n")
    touch(src / "newsletters/n221.md", NEW_ISSUE.format(topic="diffusion"))
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
    append(src / "reviews/r2021.md", "\nSee also {cite:t}`evans2021multimer`.\n")


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
    [("kb", edit) for edit in EDITS] + [("navigation", edit) for edit in NAVIGATION_EDITS],
    ids=lambda value: getattr(value, "__name__", value),
)
def test_incremental_build_equals_clean_build(copy_root, root: str, edit: Callable[[Path], None]) -> None:
    # (both roots build without any warning: test_site)
    second, fresh = edited_and_clean(copy_root(root), edit)
    assert not fresh.warnings, fresh.warnings
    assert second.warnings == fresh.warnings

    got, want = html_pages(second.outdir), html_pages(fresh.outdir)
    # pages of deleted or renamed sources stay behind in an incremental build's
    # output directory, as with any Sphinx project; every live page must match
    assert set(want) <= set(got)
    stale = [page for page in sorted(want) if got[page] != want[page]]
    assert not stale, f"pages differ from a clean build after {edit.__name__}: {stale}"


@pytest.mark.parametrize("root", ["kb", "navigation", "references"])
def test_parallel_build_equals_serial_build(copy_root, root: str) -> None:
    serial_src, parallel_src = copy_root(root, "serial"), copy_root(root, "parallel")
    serial = Build(serial_src, parallel=1)
    parallel = Build(parallel_src, parallel=2)
    assert parallel.merged > 0, "the read phase did not run in parallel"
    assert "not safe for parallel" not in parallel.warnings
    # the same warnings (the references root has some on purpose), in any order
    assert sorted(parallel.warnings.replace(str(parallel_src), "SRC").splitlines()) == \
        sorted(serial.warnings.replace(str(serial_src), "SRC").splitlines())
    assert html_pages(parallel.outdir) == html_pages(serial.outdir)


def test_noop_rebuild_reads_and_writes_nothing(copy_root) -> None:
    src = copy_root("kb")
    first = Build(src)
    assert sorted(first.read) == sorted(first.env.found_docs)
    again = Build(src)
    assert again.read == []
    assert again.written_docs == set()


def test_text_edit_reads_and_writes_only_that_page(copy_root) -> None:
    src = copy_root("kb")
    Build(src)
    replace(src / "reviews/r2021.md", "Predicts structures", "Predicts protein structures")
    again = Build(src)
    assert again.read == ["reviews/r2021"]
    # Sphinx itself also rewrites the page whose toctree lists the edited one
    # (its entry shows the title); the extension adds nothing
    assert again.written_docs == {"reviews/r2021", "index"}


def test_topic_edit_rewrites_only_the_pages_that_show_it(copy_root) -> None:
    src = copy_root("kb")
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


def test_a_new_issue_rewrites_its_navigation_branch_not_the_whole_site(copy_root) -> None:
    src = copy_root("navigation")
    Build(src)
    add_issue_to_weekly(src)
    again = Build(src)
    assert again.read == ["newsletters/n3", "weekly"]
    # the series page and every issue under it show the new issue in their navigation
    assert {"weekly", "newsletters/n1", "newsletters/n2", "newsletters/n3"} <= again.written_docs
    # a page elsewhere, whose navigation, neighbours and views are unchanged, is not rewritten
    assert "topics/gans" not in again.written_docs
