"""The topic vocabulary: one topic per page under topics/, with aliases and parents.

Pure Python. Built from the page records; the problems it finds (a slug defined
twice, an alias naming two topics, an unknown parent, a parent cycle) are kept
with the docname to report them on.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property

from .records import PageRecord, Problem, TopicRef, suggest


@dataclass
class TopicNode:
    """A topic of the vocabulary; `parent` and `children` are slugs, checked."""

    slug: str
    docname: str
    title: str
    parent: str | None
    aliases: tuple[str, ...]
    children: list[str] = field(default_factory=list)


class Taxonomy:
    """The topics by slug, their aliases (case-insensitive) and their hierarchy (a tree)."""

    def __init__(self, pages: Mapping[str, PageRecord]) -> None:
        self.topics: dict[str, TopicNode] = {}
        self.alias_to_slug: dict[str, str] = {}
        self.problems: list[tuple[str, Problem]] = []  # (docname, problem)
        topic_pages = [pages[doc] for doc in sorted(pages) if pages[doc].kind == "topic"]
        self._define(topic_pages)
        self._alias(pages)
        self._link_parents(pages)
        self._break_cycles(pages)
        for slug in sorted(self.topics):
            parent = self.topics[slug].parent
            if parent is not None:
                self.topics[parent].children.append(slug)

    def _report(self, docname: str, message: str, line: int | None) -> None:
        self.problems.append((docname, Problem(message, line, "topic")))

    def _define(self, topic_pages: list[PageRecord]) -> None:
        for page in topic_pages:
            if page.slug in self.topics:
                other = self.topics[page.slug].docname
                self._report(page.docname, f"topic {page.slug!r} is already defined by {other}; "
                             "rename one of the files", 1)
                continue
            self.topics[page.slug] = TopicNode(
                page.slug, page.docname, page.title,
                page.parent.name if page.parent else None, page.aliases)

    def _alias(self, pages: Mapping[str, PageRecord]) -> None:
        for slug in sorted(self.topics):
            node = self.topics[slug]
            for alias in node.aliases:
                key = alias.casefold()
                owner = key if key in self.topics and key != slug else self.alias_to_slug.get(key)
                if owner and owner != slug:
                    self._report(node.docname, f"alias {alias!r} of topic {slug!r} already names "
                                 f"topic {owner!r}; remove it from one of them",
                                 pages[node.docname].lines.get("aliases"))
                    continue
                self.alias_to_slug[key] = slug

    def _link_parents(self, pages: Mapping[str, PageRecord]) -> None:
        """Every parent must name a topic, and not the topic itself."""
        for slug in sorted(self.topics):
            node = self.topics[slug]
            if node.parent is None:
                continue
            line = _parent_line(pages[node.docname])
            parent = self.resolve(node.parent)
            if parent is None:
                self._report(node.docname, f"unknown parent topic {node.parent!r}"
                             + (suggest(node.parent, self.topics)
                                or "; write the slug of a page in topics/"), line)
            elif parent == slug:
                self._report(node.docname, f"topic {slug!r} names itself as its parent; "
                             "remove the parent key", line)
            node.parent = parent if parent != slug else None

    def _break_cycles(self, pages: Mapping[str, PageRecord]) -> None:
        """Report each parent cycle once, from each member, and cut it so the hierarchy is a tree."""
        for slug in sorted(self.topics):
            seen = [slug]
            current = self.topics[slug].parent
            while current is not None:
                if current == slug:
                    node = self.topics[slug]
                    cycle = " -> ".join([*seen, slug])
                    self._report(node.docname, f"topic parents form a cycle ({cycle}); "
                                 "remove the parent of one of them",
                                 _parent_line(pages[node.docname]))
                    node.parent = None
                    break
                if current in seen:
                    break  # a cycle that does not pass through slug; reported from its members
                seen.append(current)
                current = self.topics[current].parent

    # -- lookups ---------------------------------------------------------------------
    def resolve(self, name: str) -> str | None:
        """The slug for a slug or an alias (aliases are case-insensitive)."""
        if name in self.topics:
            return name
        return self.alias_to_slug.get(name.casefold())

    def resolve_refs(self, docname: str, refs: Iterable[TopicRef],
                     problems: list[tuple[str, Problem]]) -> list[str]:
        """The slugs of `refs`, each once; an unknown name is a problem at its line."""
        slugs: list[str] = []
        for ref in refs:
            slug = self.resolve(ref.name)
            if slug is None:
                problems.append((docname, Problem(
                    f"unknown topic {ref.name!r}"
                    + (suggest(ref.name, [*self.topics, *self.alias_to_slug])
                       or "; use a slug of a page in topics/ or add that topic page"),
                    ref.line, "topic")))
            elif slug not in slugs:
                slugs.append(slug)
        return slugs

    def title(self, slug: str) -> str:
        return self.topics[slug].title

    def descendants(self, slug: str) -> list[str]:
        """The topic and every topic below it, depth first (children in slug order)."""
        out, stack = [], [slug]
        while stack:
            current = stack.pop()
            out.append(current)
            stack.extend(reversed(self.topics[current].children))
        return out

    @cached_property
    def roots(self) -> list[str]:
        """The top-level topics, by title."""
        return sorted((s for s, n in self.topics.items() if n.parent is None),
                      key=lambda s: self.topics[s].title.lower())

    def children(self, slug: str) -> list[str]:
        return sorted(self.topics[slug].children, key=lambda s: self.topics[s].title.lower())


def _parent_line(page: PageRecord) -> int | None:
    return page.parent.line if page.parent else None
