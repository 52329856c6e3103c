"""The knowledge graph (`kb.model.graph.KnowledgeGraph`): topics, parents, aliases, issues, listings.

All that builds a graph is in `graph()` below, so that a change of the graph's API
is one edit here.
"""

from __future__ import annotations

import pytest
from kb.model.graph import KnowledgeGraph
from kb.model.records import ItemRecord, PageRecord, PartialDate, Problem, TopicRef


def topic(slug, title=None, parent=None, aliases=(), *, folder="topics", parent_line=3,
          aliases_line=4):
    lines = {"": 1, "kind": 2}
    if parent:
        lines["parent"] = parent_line
    if aliases:
        lines["aliases"] = aliases_line
    return PageRecord(
        docname=f"{folder}/{slug}", kind="topic", title=title or slug.title(),
        parent=TopicRef(parent, parent_line) if parent else None,
        aliases=tuple(aliases), lines=lines,
    )


def issue_page(docname, issue, series="weekly", date=PartialDate(2021, 10), topics=()):
    return PageRecord(
        docname=docname, kind="newsletter", title=docname, date=date, series=series,
        issue=issue, topics=tuple(TopicRef(t, 7) for t in topics),
        lines={"": 1, "kind": 2, "date": 3, "series": 4, "issue": 5},
    )


def item(docname, title, topics, line=15, anchor=None, cites=()):
    return ItemRecord(docname=docname, anchor=anchor or title.lower().replace(" ", "-"),
                      title=title, kind="paper",
                      topics=tuple(TopicRef(t, line) for t in topics), cites=tuple(cites),
                      line=line)


def graph(*pages, items=()):
    by_doc: dict[str, list[ItemRecord]] = {}
    for record in items:
        by_doc.setdefault(record.docname, []).append(record)
    return KnowledgeGraph({p.docname: p for p in pages}, by_doc)


BASE = (
    topic("ai-for-science", "AI for science"),
    topic("protein-structure", "Protein structure prediction", parent="ai-for-science",
          aliases=["Protein Folding", "AlphaFold"]),
    topic("gans", "GANs"),
)


def test_alias_resolution_is_case_insensitive():
    g = graph(*BASE)
    assert g.problems == []
    assert g.taxonomy.resolve("protein-structure") == "protein-structure"
    for name in ("Protein Folding", "protein folding", "PROTEIN FOLDING", "alphafold"):
        assert g.taxonomy.resolve(name) == "protein-structure"
    assert g.taxonomy.resolve("protein") is None


def test_unknown_topic_on_a_page_with_suggestion_and_line():
    page = issue_page("newsletters/n220", 220, topics=["protien-structure"])
    g = graph(*BASE, page)
    assert g.problems == [("newsletters/n220", Problem(
        "unknown topic 'protien-structure'; did you mean 'protein-structure'?", 7, "topic"))]
    assert g.listings.page_topics["newsletters/n220"] == []


def test_unknown_topic_in_an_item_carries_the_topic_ref_line():
    g = graph(*BASE, issue_page("newsletters/n220", 220),
              items=[item("newsletters/n220", "Multimer", ["gans", "protein foldin"], line=23)])
    assert g.problems == [("newsletters/n220", Problem(
        "unknown topic 'protein foldin'; did you mean 'protein folding'?", 23, "topic"))]
    assert g.listings.item_topics[("newsletters/n220", "multimer")] == ["gans"]


def test_unknown_topic_without_suggestion():
    g = graph(*BASE, issue_page("newsletters/n220", 220, topics=["quantum"]))
    assert [p.message for _, p in g.problems] == [
        "unknown topic 'quantum'; use a slug of a page in topics/ or add that topic page"]


def test_unknown_parent_with_suggestion():
    g = graph(topic("ai-for-science"), topic("gans", parent="ai-for-sciense", parent_line=5))
    assert g.problems == [("topics/gans", Problem(
        "unknown parent topic 'ai-for-sciense'; did you mean 'ai-for-science'?", 5, "topic"))]
    assert g.taxonomy.topics["gans"].parent is None
    assert sorted(g.taxonomy.roots) == ["ai-for-science", "gans"]


def test_unknown_parent_without_suggestion():
    g = graph(topic("gans", parent="zzz"))
    assert g.problems[0][1].message == (
        "unknown parent topic 'zzz'; write the slug of a page in topics/")


def test_parent_given_by_alias():
    g = graph(*BASE, topic("alphafold2", parent="protein folding"))
    assert g.problems == []
    assert g.taxonomy.topics["alphafold2"].parent == "protein-structure"


@pytest.mark.parametrize("parent", ["gans", "GAN"])
def test_self_parent(parent):
    g = graph(topic("gans", "GANs", parent=parent, aliases=["GAN"], parent_line=3))
    assert g.problems == [("topics/gans", Problem(
        "topic 'gans' names itself as its parent; remove the parent key", 3, "topic"))]
    assert g.taxonomy.roots == ["gans"]
    assert g.taxonomy.descendants("gans") == ["gans"]


def test_two_topic_cycle_is_reported_once_and_broken():
    g = graph(topic("a", parent="b", parent_line=3), topic("b", parent="a", parent_line=4))
    assert g.problems == [("topics/a", Problem(
        "topic parents form a cycle (a -> b -> a); remove the parent of one of them", 3, "topic"))]
    assert g.taxonomy.roots == ["a"]
    assert g.taxonomy.children("a") == ["b"]
    assert g.taxonomy.descendants("a") == ["a", "b"]
    assert g.taxonomy.descendants("b") == ["b"]
    assert g.listings.count("a") == 0


def test_three_topic_cycle_is_reported_once_and_broken():
    page = issue_page("newsletters/n1", 1, topics=["c"])
    g = graph(topic("a", parent="b"), topic("b", parent="c"), topic("c", parent="a"), page)
    assert [(doc, p.message, p.line) for doc, p in g.problems] == [(
        "topics/a",
        "topic parents form a cycle (a -> b -> c -> a); remove the parent of one of them", 3)]
    assert g.taxonomy.roots == ["a"]
    assert g.taxonomy.descendants("a") == ["a", "c", "b"]
    assert [e.docname for e in g.listings.listing("a")] == ["newsletters/n1"]


def test_cycle_reached_from_a_tail_is_reported_from_its_member():
    # 'a' hangs off the cycle x <-> y; only the cycle is reported, and everything terminates
    g = graph(topic("a", parent="x"), topic("x", parent="y"), topic("y", parent="x"))
    assert [(doc, p.message) for doc, p in g.problems] == [(
        "topics/x",
        "topic parents form a cycle (x -> y -> x); remove the parent of one of them")]
    assert g.taxonomy.roots == ["x"]
    assert sorted(g.taxonomy.descendants("x")) == ["a", "x", "y"]


def test_duplicate_alias_between_topics():
    g = graph(topic("a", aliases=["Shared"], aliases_line=4),
              topic("b", aliases=["shared"], aliases_line=6))
    assert g.problems == [("topics/b", Problem(
        "alias 'shared' of topic 'b' already names topic 'a'; remove it from one of them",
        6, "topic"))]
    assert g.taxonomy.resolve("SHARED") == "a"


def test_alias_that_is_another_topics_slug():
    g = graph(topic("gans"), topic("vae", aliases=["GANs"], aliases_line=4))
    assert g.problems == [("topics/vae", Problem(
        "alias 'GANs' of topic 'vae' already names topic 'gans'; remove it from one of them",
        4, "topic"))]
    assert g.taxonomy.resolve("gans") == "gans"


def test_alias_equal_to_the_own_slug_is_fine():
    g = graph(topic("gans", aliases=["GANS"]))
    assert g.problems == []


def test_duplicate_topic_slug_in_two_folders():
    g = graph(topic("gans"), topic("gans", folder="topics/old"))
    assert g.problems == [("topics/old/gans", Problem(
        "topic 'gans' is already defined by topics/gans; rename one of the files", 1, "topic"))]


def test_duplicate_issue_number_in_a_series():
    g = graph(issue_page("newsletters/n220", 220), issue_page("newsletters/n220b", 220))
    assert g.problems == [("newsletters/n220b", Problem(
        "issue 220 of series 'weekly' is already newsletters/n220; "
        "give this page its own issue number", 5, "duplicate"))]


def test_same_issue_number_in_different_series_is_fine():
    g = graph(issue_page("newsletters/n220", 220, series="weekly"),
              issue_page("other/n220", 220, series="digest"),
              issue_page("newsletters/n221", 221, series="weekly"))
    assert g.problems == []


def test_listing_includes_subtopics_newest_first_each_once():
    review = PageRecord("reviews/r2021", "review", "Review of 2021", date=PartialDate(2022, 1, 3),
                        topics=(TopicRef("ai-for-science", 8),))
    n220 = issue_page("newsletters/n220", 220, date=PartialDate(2021, 10))
    n300 = issue_page("newsletters/n300", 300, date=PartialDate(2023, 5, 1))
    g = graph(*BASE, review, n220, n300, items=[
        item("reviews/r2021", "AlphaFold2", ["protein-structure"], line=15),
        # tagged with the topic and its subtopic: listed once under the parent
        item("newsletters/n220", "Multimer", ["ai-for-science", "protein folding"], line=14),
        item("newsletters/n300", "StyleGAN", ["gans"]),
        item("newsletters/n300", "ESMFold", ["AlphaFold"], line=30),
    ])
    assert g.problems == []
    listing = [(e.docname, e.anchor, e.title, e.kind, e.date) for e in g.listings.listing("ai-for-science")]
    assert listing == [
        ("newsletters/n300", "esmfold", "ESMFold", "paper", PartialDate(2023, 5, 1)),
        ("reviews/r2021", "", "Review of 2021", "review", PartialDate(2022, 1, 3)),
        ("reviews/r2021", "alphafold2", "AlphaFold2", "paper", PartialDate(2022, 1, 3)),
        ("newsletters/n220", "multimer", "Multimer", "paper", PartialDate(2021, 10)),
    ]
    assert g.listings.count("ai-for-science") == 4
    assert [e.title for e in g.listings.listing("protein-structure")] == [
        "ESMFold", "AlphaFold2", "Multimer"]
    assert g.listings.count("protein-structure") == 3
    assert [e.title for e in g.listings.listing("gans")] == ["StyleGAN"]
    # entries carry the page's title and date
    entry = g.listings.listing("gans")[0]
    assert entry.page_title == "newsletters/n300"
    assert entry.date == PartialDate(2023, 5, 1)


def test_listing_puts_undated_entries_last_and_counts_unknown_topics_as_none():
    dated = issue_page("newsletters/n1", 1, date=PartialDate(2020, 1, 1), topics=["gans"])
    undated = PageRecord("misc/page", "review", "Undated", topics=(TopicRef("gans", 8),))
    g = graph(*BASE, dated, undated)
    assert [e.docname for e in g.listings.listing("gans")] == ["newsletters/n1", "misc/page"]
    assert g.listings.count("ai-for-science") == 0


def test_same_topic_twice_on_one_item_is_listed_once():
    g = graph(*BASE, issue_page("newsletters/n1", 1),
              items=[item("newsletters/n1", "X", ["gans", "GANS", "gans"])])
    assert g.listings.item_topics[("newsletters/n1", "x")] == ["gans"]
    assert g.listings.count("gans") == 1


def test_items_of_one_page_are_listed_in_page_order():
    g = graph(*BASE, issue_page("newsletters/n1", 1), items=[
        item("newsletters/n1", "Zeta", ["gans"], line=12),
        item("newsletters/n1", "Alpha", ["gans"], line=20),
    ])
    assert [e.title for e in g.listings.listing("gans")] == ["Zeta", "Alpha"]


def test_roots_and_children_are_ordered_by_title():
    g = graph(
        topic("zeta", "alpha topic"),
        topic("alpha", "Zeta topic"),
        topic("mid", "Middle"),
        topic("c1", "b child", parent="mid"),
        topic("c2", "A child", parent="mid"),
        topic("c3", "c child", parent="mid"),
    )
    assert g.problems == []
    assert g.taxonomy.roots == ["zeta", "mid", "alpha"]
    assert g.taxonomy.children("mid") == ["c2", "c1", "c3"]
    assert g.taxonomy.children("zeta") == []


# -- related pages: the ranking by bit slices is the plain count's ------------------------

def _related_by_counting(g, docname):
    """The related pages as counted page by page (the ranking `Links.related` must give)."""
    from collections import Counter

    links = g.links
    mine = links.topics_of_page(docname)
    shared = Counter(doc for slug in mine for doc in links._pages_by_topic.get(slug, ()))
    shared.pop(docname, None)
    order = links._newest_first
    best = sorted(shared, key=lambda doc: (-shared[doc], order[doc]))[:5]
    return [(doc, sorted((s for s in mine if s in set(links.topics_of_page(doc))),
                         key=lambda s: g.taxonomy.title(s).lower())) for doc in best]


def _random_site(seed: int, pages: int, topics: int):
    import random

    rng = random.Random(seed)
    slugs = [f"t{n:02d}" for n in range(topics)]
    records = [topic(slug) for slug in slugs]
    found_items = []
    for n in range(pages):
        doc = f"issues/i{n:03d}"
        # few dates, so that many pages tie on both the count and the date
        records.append(issue_page(doc, n + 1, date=PartialDate(2020 + rng.randrange(3),
                                                              1 + rng.randrange(2)),
                                  topics=rng.sample(slugs, rng.randrange(0, 4))))
        for k in range(rng.randrange(0, 4)):
            found_items.append(item(doc, f"Item {k}", rng.sample(slugs, rng.randrange(1, 4))))
    return graph(*records, items=found_items)


@pytest.mark.parametrize("seed", range(12))
def test_related_pages_rank_as_counting_the_shared_topics_page_by_page(seed):
    g = _random_site(seed, pages=40 + 17 * seed, topics=3 + seed)
    docs = sorted(d for d in g.pages if d.startswith("issues/"))
    assert any(len(g.links.related(doc)) == 5 for doc in docs)  # cut at the limit
    for doc in docs:
        assert g.links.related(doc) == _related_by_counting(g, doc), doc
