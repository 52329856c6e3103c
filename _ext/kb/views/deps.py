"""Which generated views an edit can have changed: the schedule fingerprints only those.

Pure Python. A view's data (views/data.py) is a function of the graph, and the graph of
the page records and the cited works. When the works and the topic vocabulary are
as they were, an edit changes some pages' records; what each view shows of them is
known by kind: a topic's listing shows the entries tagged with it or a subtopic, a
page's backlinks the pages that reference it, its series links its series, its
related pages those sharing its topics. So from the records of the pages that
changed, before and after (their `Footprint`s), follow the views they can reach;
every other view shows what it showed, and keeps its fingerprint.

When in doubt a view is recomputed: the whole-site views (archive, indexes, overview)
after any change, every view when the vocabulary or the works changed, and any kind
not named here. Recomputing a view too many costs time; keeping one too many would
leave a page stale, which tests/build/test_edit_sequences.py looks for.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from ..model.graph import KnowledgeGraph
from ..model.links import RELATED_LIMIT
from .data import ViewKey


class Footprint(NamedTuple):
    """What other pages' views show of one page, besides its digest-covered fields."""

    digest: str  # of the page's records (domain.digests): any change to them
    topics: tuple[str, ...]  # its own and its items' topics, resolved (related pages, listings)
    series: str | None  # series links and series archives
    links: tuple[tuple[str, str], ...]  # (anchor, resolved target) of its own references


class RelatedShown(NamedTuple):
    """What a page's related view showed: the pages, and the fewest topics one shared."""

    docs: tuple[str, ...]
    fewest_shared: int


def footprints(graph: KnowledgeGraph, digests: Mapping[str, str]) -> dict[str, Footprint]:
    """Every page's footprint, from the current graph."""
    found = {}
    resolve = graph.links.resolve
    for docname, digest in digests.items():
        page = graph.pages.get(docname)
        links = set()
        for ref in graph.links.references.get(docname, ()):
            if ref.generated:  # topic tags: in `topics`, and never backlinks
                continue
            target = resolve(ref.reftype, ref.target)
            if target is not None and target not in (docname, f"{docname}#{ref.anchor}"):
                links.add((ref.anchor, target))
        found[docname] = Footprint(digest, tuple(graph.links.topics_of_page(docname)),
                                   page.series if page else None, tuple(sorted(links)))
    return found


def basis(graph: KnowledgeGraph, bib_state: Any) -> str:
    """A digest of what every view may show: the topic vocabulary and the cited works
    (and the bib files they come from). When it changes, every view is recomputed."""
    topics = [(slug, node.docname, node.title, node.parent, node.aliases, sorted(node.children))
              for slug, node in sorted(graph.taxonomy.topics.items())]
    works = sorted(graph.papers.papers.items())
    return hashlib.sha256(repr((topics, works, bib_state)).encode()).hexdigest()


@dataclass
class Changes:
    """What changed between two builds' records, as the views see it."""

    everything: bool = False  # no comparison possible, or the vocabulary or works changed
    docs: set[str] = field(default_factory=set)  # pages added, removed or with other records
    topics: set[str] = field(default_factory=set)  # their topics, before and after, and ancestors
    series: set[str] = field(default_factory=set)  # their series, before and after
    targets: set[str] = field(default_factory=set)  # what gained or lost a backlink or its text
    target_pages: set[str] = field(default_factory=set)  # the pages of those targets
    # per changed page that is a page now: its topics, for related pages
    new_topics: dict[str, frozenset[str]] = field(default_factory=dict)


def changes(graph: KnowledgeGraph, old: Mapping[str, Footprint],
            new: Mapping[str, Footprint]) -> Changes:
    """The changes from `old` footprints to `new` ones (the graph is the new one)."""
    found = Changes()
    found.docs = {doc for doc in old.keys() | new.keys()
                  if (old[doc].digest if doc in old else None)
                  != (new[doc].digest if doc in new else None)}
    for doc in found.docs:
        for print_ in (old.get(doc), new.get(doc)):
            if print_ is None:
                continue
            found.topics.update(print_.topics)
            if print_.series:
                found.series.add(print_.series)
            # a changed page's references may show another title or anchor as a backlink
            found.targets.update(target for _, target in print_.links)
        if doc in new:
            found.new_topics[doc] = frozenset(new[doc].topics)
    # an unchanged page whose references now resolve elsewhere (an item added or renamed)
    for doc in old.keys() & new.keys():
        if old[doc].links != new[doc].links:
            found.targets.update(t for _, t in set(old[doc].links) ^ set(new[doc].links))
    found.topics = {ancestor for slug in found.topics if slug in graph.taxonomy.topics
                    for ancestor in _ancestors(graph, slug)}
    found.target_pages = {target.split("#", 1)[0] for target in found.targets}
    return found


def _ancestors(graph: KnowledgeGraph, slug: str) -> Iterable[str]:
    current: str | None = slug
    while current is not None:
        yield current
        current = graph.taxonomy.topics[current].parent


# the kinds whose data spans the whole site: recomputed after any change
WHOLE_SITE = frozenset({"overview", "busiest", "trends", "archive-year", "timeline", "newest",
                        "paper-index", "authors"})


def may_have_changed(key: ViewKey, found: Changes, new: Mapping[str, Footprint],
                     related_shown: Mapping[str, RelatedShown]) -> bool:
    """Whether the view `key` can show something else after the changes `found`."""
    kind, argument = key
    if found.everything or kind in WHOLE_SITE:
        return True
    if kind in ("listing", "trend"):
        return argument in found.topics
    if kind == "topic-backlinks" or kind == "item-backlinks":
        return argument in found.targets
    if kind == "backlinks":
        return argument in found.docs or argument in found.target_pages
    if kind == "references":
        return argument in found.docs
    if kind == "series":
        return argument in found.series
    if kind == "series-nav":
        mine = new.get(argument)
        return argument in found.docs or (mine is not None and mine.series in found.series)
    if kind == "related":
        return _related_may_have_changed(argument, found, new, related_shown)
    return True  # a kind not named here


def _related_may_have_changed(docname: str, found: Changes, new: Mapping[str, Footprint],
                              related_shown: Mapping[str, RelatedShown]) -> bool:
    """A page's related pages are the RELATED_LIMIT pages sharing most topics with it
    (then newest first): a changed page can enter them only by sharing at least as many
    topics as the last one shown, and leave them (or show another title) only if shown."""
    shown, mine = related_shown.get(docname), new.get(docname)
    if docname in found.docs or shown is None or mine is None:
        return True
    topics = set(mine.topics)
    for doc in found.docs:
        if doc in shown.docs:
            return True
        shared = len(topics & found.new_topics.get(doc, frozenset()))
        if shared and (len(shown.docs) < RELATED_LIMIT or shared >= shown.fewest_shared):
            return True
    return False


def related_shown(data: tuple) -> RelatedShown:
    """The summary of a related view's data (views.data.related): ((page line, shared topics), ...)."""
    return RelatedShown(tuple(line.link.docname for line, _ in data),
                        min((len(shared) for _, shared in data), default=0))
