"""Which views an edit can change (`kb.views.deps`): a view said to be unchanged must show
what it showed, under random edits of a random site (pure model, no Sphinx build).

The builds that compare incremental with clean output (test_incremental.py,
test_edit_sequences.py) check the same at the level of pages; this checks every view
of many more edits, on sites large enough that related pages are cut at their limit.
"""

from __future__ import annotations

import hashlib
import pickle
import random
from dataclasses import replace
from pathlib import Path

import pytest
from kb.model.graph import KnowledgeGraph
from kb.model.records import ItemRecord, PageRecord, PartialDate, Reference, TopicRef
from kb.views.data import ViewKey, view_data
from kb.views.deps import basis, changes, footprints, may_have_changed, related_shown

TOPICS = {"ai": None, "vision": "ai", "speech": "ai", "robotics": None, "graphs": None,
          "agents": "robotics"}
SERIES = ("weekly", "daily")
ANCHORS = ("intro", "news", "paper", "tool")  # shared between pages: anchor-only references


def topic_page(slug: str, title: str | None = None) -> PageRecord:
    parent = TOPICS[slug]
    return PageRecord(f"topics/{slug}", "topic", title or slug.title(),
                      parent=TopicRef(parent, 3) if parent else None)


class Site:
    """A random site: newsletters with items, topic tags and cross-references."""

    def __init__(self, rng: random.Random, pages: int) -> None:
        self.rng = rng
        self.pages: dict[str, PageRecord] = {f"topics/{s}": topic_page(s) for s in TOPICS}
        self.items: dict[str, list[ItemRecord]] = {}
        self.refs: dict[str, list[Reference]] = {}
        self.issue = 0
        for _ in range(pages):
            self.add_page()

    def newsletters(self) -> list[str]:
        return sorted(doc for doc, page in self.pages.items() if page.kind == "newsletter")

    def topics(self) -> tuple[TopicRef, ...]:
        return tuple(TopicRef(s, 5) for s in self.rng.sample(sorted(TOPICS), self.rng.randint(0, 3)))

    def item(self, docname: str, anchor: str) -> ItemRecord:
        return ItemRecord(docname, anchor, f"{anchor} of {docname}", "paper", self.topics())

    def reference(self, docname: str) -> Reference:
        rng = self.rng
        kind = rng.choice(["item", "item", "issue", "topic"])
        if kind == "item":
            target = rng.choice(ANCHORS)
            if rng.random() < 0.5 and self.newsletters():
                target = f"{rng.choice(self.newsletters())}#{target}"
        elif kind == "issue":
            target = f"{rng.choice(SERIES)}/{rng.randint(1, self.issue + 1)}"
        else:
            target = rng.choice(sorted(TOPICS))
        anchors = [i.anchor for i in self.items.get(docname, [])]
        return Reference(docname, rng.choice(["", *anchors]), kind, target)

    def add_page(self) -> str:
        self.issue += 1
        rng = self.rng
        docname = f"newsletters/n{self.issue}"
        self.pages[docname] = PageRecord(
            docname, "newsletter", f"Issue {self.issue}",
            date=PartialDate(rng.choice([2021, 2022]), rng.randint(1, 12)),
            series=rng.choice(SERIES), issue=self.issue, topics=self.topics())
        self.items[docname] = [self.item(docname, a)
                               for a in rng.sample(ANCHORS, rng.randint(0, 3))]
        self.refs[docname] = [self.reference(docname) for _ in range(rng.randint(0, 2))]
        return f"add {docname}"

    def edit(self) -> str:
        rng = self.rng
        doc = rng.choice(self.newsletters())
        page = self.pages[doc]
        edit = rng.choice(["topics", "title", "date", "series", "add", "delete", "add item",
                           "remove item", "item topics", "reference", "unreference",
                           "retitle item", "retitle topic"])
        if edit == "topics":
            self.pages[doc] = replace(page, topics=self.topics())
        elif edit == "title":
            self.pages[doc] = replace(page, title=page.title + " (new)")
        elif edit == "date":
            self.pages[doc] = replace(page, date=PartialDate(rng.choice([2020, 2023]), 1))
        elif edit == "series":
            self.pages[doc] = replace(page, series=rng.choice(SERIES))
        elif edit == "add":
            return self.add_page()
        elif edit == "delete":
            for records in (self.pages, self.items, self.refs):
                records.pop(doc, None)
        elif edit == "add item":
            free = [a for a in ANCHORS if a not in {i.anchor for i in self.items[doc]}]
            if free:
                self.items[doc] = [*self.items[doc], self.item(doc, rng.choice(free))]
        elif edit == "remove item" and self.items[doc]:
            self.items[doc] = self.items[doc][1:]
        elif edit == "item topics" and self.items[doc]:
            first, *rest = self.items[doc]
            self.items[doc] = [replace(first, topics=self.topics()), *rest]
        elif edit == "reference":
            self.refs[doc] = [*self.refs[doc], self.reference(doc)]
        elif edit == "unreference" and self.refs[doc]:
            self.refs[doc] = self.refs[doc][1:]
        elif edit == "retitle item" and self.items[doc]:
            first, *rest = self.items[doc]
            self.items[doc] = [replace(first, title=first.title + "!"), *rest]
        elif edit == "retitle topic":
            slug = rng.choice(sorted(TOPICS))
            self.pages[f"topics/{slug}"] = topic_page(slug, f"{slug} ({rng.randint(1, 99)})")
        return f"{edit} {doc}"

    def graph(self) -> KnowledgeGraph:
        # the topic tags, as build/reading.py writes them: generated references
        refs = {doc: [*self.refs.get(doc, []),
                      *(Reference(doc, "", "topic", t.name, generated=True) for t in page.topics)]
                for doc, page in self.pages.items()}
        return KnowledgeGraph(self.pages, self.items, refs)

    def digests(self) -> dict[str, str]:
        return {doc: hashlib.sha256(pickle.dumps(
            (page, self.items.get(doc), self.refs.get(doc)))).hexdigest()
            for doc, page in self.pages.items()}

    def views(self) -> set[ViewKey]:
        keys = {ViewKey(kind) for kind in ("overview", "busiest", "trends", "archive-year",
                                           "timeline", "newest", "authors", "paper-index")}
        keys |= {ViewKey("series", s) for s in SERIES}
        keys |= {ViewKey(kind, slug) for slug in TOPICS
                 for kind in ("listing", "trend", "topic-backlinks")}
        for doc in self.newsletters():
            keys |= {ViewKey(kind, doc) for kind in ("references", "series-nav", "related",
                                                     "backlinks")}
            keys |= {ViewKey("item-backlinks", f"{doc}#{i.anchor}") for i in self.items[doc]}
        return keys


@pytest.mark.parametrize("seed", range(12))
def test_a_view_said_unchanged_shows_what_it_showed(seed: int) -> None:
    rng = random.Random(seed)
    site = Site(rng, pages=rng.choice([8, 14, 20]))
    graph, digests = site.graph(), site.digests()
    before = {key: view_data(graph, key) for key in site.views()}
    prints, basis_before = footprints(graph, digests), basis(graph, None)
    shown = {key.argument: related_shown(data) for key, data in before.items()
             if key.kind == "related"}
    kept = 0
    for step in range(30):
        done = site.edit()
        graph, digests = site.graph(), site.digests()
        now = footprints(graph, digests)
        found = changes(graph, prints, now)
        # as the schedule does: a changed vocabulary (a topic retitled) recomputes everything
        found.everything = basis(graph, None) != basis_before
        after: dict[ViewKey, object] = {}
        for key in site.views():
            data = view_data(graph, key)
            if key in before and not may_have_changed(key, found, now, shown):
                kept += 1
                assert data == before[key], f"seed {seed}, step {step} ({done}): {key} changed"
            after[key] = data
        before, prints, basis_before = after, now, basis(graph, None)
        shown = {key.argument: related_shown(data) for key, data in after.items()
                 if key.kind == "related"}
    assert kept, "no view was ever kept: the test shows nothing"


# -- in a build: an edit costs the views it reaches ------------------------------------------


def every_view(build) -> set[ViewKey]:
    from kb.build.domain import kb_domain

    return {key for keys in kb_domain(build.env).views.values() for key in keys}


@pytest.fixture
def fingerprinted(monkeypatch) -> set[ViewKey]:
    """The views whose fingerprint the build's schedule works out (again), as it calls
    `fingerprint`; clear it before a build."""
    from kb.build import schedule

    found: set[ViewKey] = set()
    real = schedule.fingerprint
    monkeypatch.setattr(schedule, "fingerprint",
                        lambda graph, key, *rest: found.add(key) or real(graph, key, *rest))
    return found


@pytest.mark.slow
def test_an_edit_of_one_page_fingerprints_the_views_it_reaches_and_writes_what_a_clean_build_does(
        tmp_path, fingerprinted) -> None:
    import shutil
    import sys

    from conftest import Build, html_pages

    bench = Path(__file__).resolve().parents[2] / "bench"
    sys.path.insert(0, str(bench))
    import corpus as bench_corpus
    import run as bench_run

    site = bench_corpus.Corpus(40, 60)
    src = tmp_path / "kb"
    site.write(src, "kb")
    shutil.copy(bench / "probe.py", src / "probe.py")
    first = Build(src)
    assert fingerprinted == every_view(first)  # a clean build has nothing to keep
    for edit in (bench_run.add_topic, bench_run.add_issue):
        edit(site, src)
        fingerprinted.clear()
        again = Build(src)
        done = set(fingerprinted)
        clean_src = tmp_path / f"clean-{edit.__name__}"
        shutil.copytree(src, clean_src, ignore=shutil.ignore_patterns("_build"))
        clean = Build(clean_src)
        got, want = html_pages(again.outdir), html_pages(clean.outdir)
        assert {page: got.get(page) for page in want} == want, edit.__name__
        views = every_view(again)
        # the per-page views recomputed are those of pages the edit touched, a few of many
        per_page = {key for key in done if key.kind in ("series-nav", "backlinks", "references",
                                                        "item-backlinks")}
        assert len(per_page) < len(views) // 10, (edit.__name__, sorted(per_page))
        assert len(done) < len(views) // 3, (edit.__name__, len(done), len(views))
