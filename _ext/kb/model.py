"""The knowledge base's data model: records, and the graph of the whole knowledge base.

Pure Python with no Sphinx or docutils import: the Sphinx glue, the scaffold and
lint read the same records.
"""

from __future__ import annotations

import calendar
import functools
import datetime as dt
import difflib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from itertools import groupby
from dataclasses import dataclass, field
from typing import Any

PAGE_KINDS = ("review", "newsletter", "topic")
# The anchor at the top of every knowledge-base page: index entries for whole pages
# point here (LaTeX's index needs an anchor to give a page number).
PAGE_ANCHOR = "kb-page-start"
ITEM_KINDS = (
    "paper", "application", "news", "article", "library", "dataset",
    "report", "course", "book", "event",
)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, with the fix in `message`."""

    message: str
    line: int | None
    subtype: str  # the warning subtype users can silence: kb.<subtype>


class FrontMatterError(ValueError):
    """A value that does not fit the contract; the message says what to write."""


# -- dates ----------------------------------------------------------------------

_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")


@functools.total_ordering
@dataclass(frozen=True)
class PartialDate:
    """A publication date known to the day, or only to the month."""

    year: int
    month: int
    day: int | None = None

    @classmethod
    def parse(cls, value: Any) -> PartialDate:
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            return cls(value.year, value.month, value.day)
        match = _ISO_DATE.match(str(value).strip())
        if not match:
            raise FrontMatterError(
                f"malformed date {value!r}: write YYYY-MM-DD, or YYYY-MM when the day is not known"
            )
        year, month = int(match[1]), int(match[2])
        day = int(match[3]) if match[3] else None
        try:
            dt.date(year, month, day or 1)
        except ValueError as err:
            raise FrontMatterError(
                f"malformed date {value!r} ({err}): write YYYY-MM-DD, "
                "or YYYY-MM when the day is not known"
            ) from None
        return cls(year, month, day)

    @property
    def sort_key(self) -> tuple[int, int, int]:
        # a month-only date sorts before the days of that month
        return (self.year, self.month, self.day or 0)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self.sort_key < other.sort_key

    def iso(self) -> str:
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def display(self) -> str:
        """'3 January 2022', or 'October 2021' where the day is not known."""
        month = calendar.month_name[self.month]
        if self.day is None:
            return f"{month} {self.year}"
        return f"{self.day} {month} {self.year}"


# -- records ----------------------------------------------------------------------


@dataclass(frozen=True)
class TopicRef:
    """A topic as a contributor wrote it (slug or alias), and where."""

    name: str
    line: int | None


@dataclass(frozen=True)
class PageRecord:
    """What the knowledge base knows of one page, from its front matter."""

    docname: str
    kind: str | None
    title: str
    date: PartialDate | None = None
    year: int | None = None
    series: str | None = None
    issue: int | None = None
    source: str | None = None
    authors: tuple[str, ...] = ()
    topics: tuple[TopicRef, ...] = ()
    summary: str = ""
    parent: TopicRef | None = None
    aliases: tuple[str, ...] = ()
    lines: Mapping[str, int] = field(default_factory=dict, compare=False, hash=False)

    @property
    def slug(self) -> str:
        """A topic page's slug is its file name."""
        return self.docname.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class ItemRecord:
    """One entry of a review or an issue: a paper, an application, a story..."""

    docname: str
    anchor: str
    title: str
    kind: str
    topics: tuple[TopicRef, ...] = ()
    cites: tuple[str, ...] = ()  # the keys of the cite roles in its body, for listings
    url: str | None = None
    line: int | None = None


@dataclass(frozen=True)
class Reference:
    """A cross-reference a contributor wrote with a kb role, and where."""

    docname: str
    anchor: str  # the item it was written in, "" for the page's own text
    reftype: str  # topic, item, issue or review
    target: str
    line: int | None = None
    # written by the extension (an item's or a page's topic tags), not by a person:
    # shown and kept current, but not a backlink
    generated: bool = False


@dataclass(frozen=True)
class Author:
    """A person, as the author index names them."""

    key: str  # "zidek|a": last name and first initial, so "Žídek, A." is "Augustin Žídek"
    name: str  # "Žídek, Augustin": the fullest form seen


def author_key(first: str, last: str) -> str:
    def fold(text: str) -> str:
        text = unicodedata.normalize("NFKD", text)
        return "".join(c for c in text if not unicodedata.combining(c)).casefold().strip(" .{}")
    return f"{fold(last)}|{fold(first)[:1]}"


@dataclass(frozen=True)
class Paper:
    """A cited work: its formatted reference, identifiers, and its bibliography entry."""

    key: str
    title: str
    text: str
    year: int | None
    authors: tuple[Author, ...]
    doi: str | None = None
    eprint: str | None = None
    url: str | None = None
    docname: str = ""  # the page holding its bibliography entry
    anchor: str = ""

    @property
    def label(self) -> str:
        """'Jumper and Žídek, 2021', 'Jumper et al., 2021', as in an author-year citation."""
        last = [a.name.split(",")[0].strip() for a in self.authors]
        who = (f"{last[0]} et al." if len(last) > 2 else " and ".join(last)) or self.title
        return f"{who}, {self.year}" if self.year else who

    @property
    def link(self) -> tuple[str, str] | None:
        """(label, URL) of the best identifier."""
        if self.doi:
            return f"doi:{self.doi}", f"https://doi.org/{self.doi}"
        if self.eprint:
            return f"arXiv:{self.eprint}", f"https://arxiv.org/abs/{self.eprint}"
        if self.url:
            return self.url, self.url
        return None


@dataclass(frozen=True)
class Citation:
    """A work cited on a page, in an item (anchor) or the page's own text."""

    docname: str
    anchor: str
    key: str
    line: int | None = None


# -- helpers ----------------------------------------------------------------------


def slugify(text: str) -> str:
    """'Multi-Game Decision Transformers' -> 'multi-game-decision-transformers'."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^a-zA-Z0-9]+", "-", text.lower()).strip("-")
    return text or "item"


def suggest(name: str, candidates: Iterable[str]) -> str:
    """"; did you mean 'x'?" or an empty string."""
    matches = difflib.get_close_matches(name, sorted(candidates), n=1, cutoff=0.6)
    return f"; did you mean {matches[0]!r}?" if matches else ""


# -- the graph of the whole knowledge base ---------------------------------------


@dataclass(frozen=True)
class Entry:
    """One row of a topic listing: an item, or a page that carries the topic itself."""

    docname: str
    anchor: str  # "" for a whole page
    title: str
    kind: str
    page_title: str
    date: PartialDate | None
    cites: tuple[str, ...]
    position: int = -1  # the item's place on its page; -1 for the page itself

    @property
    def sort_key(self) -> tuple:
        date = self.date.sort_key if self.date else (0, 0, 0)
        # newest first; then by page; the page before its items, items in page order
        return (tuple(-n for n in date), self.docname, self.position)


@dataclass
class TopicNode:
    slug: str
    docname: str
    title: str
    parent: str | None
    aliases: tuple[str, ...]
    children: list[str] = field(default_factory=list)


class KnowledgeGraph:
    """All records of one build, indexed once; every lookup is O(1).

    Building it is linear in pages + items + topic references; it also yields
    the cross-document problems (unknown topics, cycles, duplicate issues).
    """

    def __init__(
        self,
        pages: Mapping[str, PageRecord],
        items: Mapping[str, list[ItemRecord]],
        references: Mapping[str, list[Reference]] | None = None,
        citations: Mapping[str, list[Citation]] | None = None,
        papers: Mapping[str, Paper] | Callable[[], Mapping[str, Paper]] | None = None,
    ) -> None:
        self.pages = dict(pages)
        self.items = {doc: list(recs) for doc, recs in items.items()}
        self.references = dict(references or {})
        self.citations = dict(citations or {})
        # papers may be given as a function: formatting them is only needed for views
        self._papers_source = papers
        self._papers: dict[str, Paper] | None = None
        self.problems: list[tuple[str, Problem]] = []  # (docname, problem)
        self.topics: dict[str, TopicNode] = {}
        self.alias_to_slug: dict[str, str] = {}
        self._build_vocabulary()
        self.direct: dict[str, list[Entry]] = defaultdict(list)
        self._listings: dict[str, list[Entry]] = {}
        self._items_by_key: dict[str, ItemRecord] | None = None
        self._index_entries()
        self._check_issues()
        self._index_series()
        self._backlinks: dict[str, list[tuple[str, str]]] | None = None
        self._related: dict[str, list[tuple[str, list[str]]]] = {}
        self._pages_by_topic: dict[str, list[str]] | None = None
        self._cited_by: dict[str, list[tuple[str, str]]] | None = None

    # vocabulary ----------------------------------------------------------------
    def _build_vocabulary(self) -> None:
        for docname in sorted(self.pages):
            page = self.pages[docname]
            if page.kind != "topic":
                continue
            if page.slug in self.topics:
                other = self.topics[page.slug].docname
                self.problems.append((docname, Problem(
                    f"topic {page.slug!r} is already defined by {other}; rename one of the files",
                    1, "topic")))
                continue
            self.topics[page.slug] = TopicNode(
                page.slug, docname, page.title,
                page.parent.name if page.parent else None, page.aliases)
        for slug in sorted(self.topics):
            node = self.topics[slug]
            for alias in node.aliases:
                key = alias.casefold()
                owner = self.alias_to_slug.get(key)
                if key in self.topics and key != slug:
                    owner = key
                if owner and owner != slug:
                    self.problems.append((node.docname, Problem(
                        f"alias {alias!r} of topic {slug!r} already names topic {owner!r}; "
                        "remove it from one of them", self.pages[node.docname].lines.get("aliases"),
                        "topic")))
                    continue
                self.alias_to_slug[key] = slug
        # parents: must exist, must not loop
        for slug in sorted(self.topics):
            node = self.topics[slug]
            if node.parent is None:
                continue
            page = self.pages[node.docname]
            parent = self.resolve_topic(node.parent)
            if parent is None:
                self.problems.append((node.docname, Problem(
                    f"unknown parent topic {node.parent!r}"
                    + (suggest(node.parent, self.topics) or "; write the slug of a page in topics/"),
                    page.parent.line if page.parent else None, "topic")))
                node.parent = None
            elif parent == slug:
                self.problems.append((node.docname, Problem(
                    f"topic {slug!r} names itself as its parent; remove the parent key",
                    page.parent.line if page.parent else None, "topic")))
                node.parent = None
            else:
                node.parent = parent
        for slug in sorted(self.topics):
            seen = [slug]
            current = self.topics[slug].parent
            while current is not None:
                if current == slug:
                    node = self.topics[slug]
                    page = self.pages[node.docname]
                    cycle = " -> ".join([*seen, slug])
                    self.problems.append((node.docname, Problem(
                        f"topic parents form a cycle ({cycle}); remove the parent of one of them",
                        page.parent.line if page.parent else None, "topic")))
                    node.parent = None  # break the cycle so the hierarchy stays a tree
                    break
                if current in seen:
                    break  # a cycle that does not pass through slug; reported from its members
                seen.append(current)
                current = self.topics[current].parent
        for slug in sorted(self.topics):
            parent = self.topics[slug].parent
            if parent is not None:
                self.topics[parent].children.append(slug)

    def resolve_topic(self, name: str) -> str | None:
        """The slug for a slug or an alias (aliases are case-insensitive)."""
        if name in self.topics:
            return name
        return self.alias_to_slug.get(name.casefold())

    def _resolve_refs(self, docname: str, refs: Iterable[TopicRef]) -> list[str]:
        slugs: list[str] = []
        for ref in refs:
            slug = self.resolve_topic(ref.name)
            if slug is None:
                self.problems.append((docname, Problem(
                    f"unknown topic {ref.name!r}"
                    + (suggest(ref.name, [*self.topics, *self.alias_to_slug])
                       or "; use a slug of a page in topics/ or add that topic page"),
                    ref.line, "topic")))
            elif slug not in slugs:
                slugs.append(slug)
        return slugs

    # entries --------------------------------------------------------------------
    def _index_entries(self) -> None:
        self.page_topics: dict[str, list[str]] = {}
        self.item_topics: dict[tuple[str, str], list[str]] = {}
        for docname in sorted(self.pages):
            page = self.pages[docname]
            if page.kind == "topic":
                continue
            page_slugs = self._resolve_refs(docname, page.topics)
            self.page_topics[docname] = page_slugs
            for slug in page_slugs:
                self.direct[slug].append(Entry(
                    docname, "", page.title, page.kind or "page", page.title, page.date, ()))
        for docname in sorted(self.items):
            page = self.pages.get(docname)
            page_title = page.title if page else docname
            date = page.date if page else None
            for position, item in enumerate(self.items[docname]):
                slugs = self._resolve_refs(docname, item.topics)
                self.item_topics[(docname, item.anchor)] = slugs
                for slug in slugs:
                    self.direct[slug].append(Entry(
                        docname, item.anchor, item.title, item.kind, page_title, date,
                        item.cites, position))

    def find_item(self, target: str) -> ItemRecord | None:
        """An item by 'docname#anchor', or by its anchor alone where that is unique."""
        if self._items_by_key is None:
            self._items_by_key, by_anchor = {}, defaultdict(list)
            for docname, records in self.items.items():
                for item in records:
                    self._items_by_key[f"{docname}#{item.anchor}"] = item
                    by_anchor[item.anchor].append(item)
            for anchor, found in by_anchor.items():
                if len(found) == 1:
                    self._items_by_key.setdefault(anchor, found[0])
        return self._items_by_key.get(target.strip())

    def descendants(self, slug: str) -> list[str]:
        out, stack = [], [slug]
        while stack:
            current = stack.pop()
            out.append(current)
            stack.extend(reversed(self.topics[current].children))
        return out

    def listing(self, slug: str) -> list[Entry]:
        """Everything carrying the topic or a subtopic, newest first, each once."""
        if slug in self._listings:
            return self._listings[slug]
        seen: set[tuple[str, str]] = set()
        entries: list[Entry] = []
        for topic in self.descendants(slug):
            for entry in self.direct.get(topic, ()):
                if (entry.docname, entry.anchor) not in seen:
                    seen.add((entry.docname, entry.anchor))
                    entries.append(entry)
        self._listings[slug] = sorted(entries, key=lambda e: e.sort_key)
        return self._listings[slug]

    def count(self, slug: str) -> int:
        return len(self.listing(slug))

    def roots(self) -> list[str]:
        return sorted((s for s, n in self.topics.items() if n.parent is None),
                      key=lambda s: self.topics[s].title.lower())

    def children(self, slug: str) -> list[str]:
        return sorted(self.topics[slug].children, key=lambda s: self.topics[s].title.lower())

    # issues ---------------------------------------------------------------------
    def _check_issues(self) -> None:
        seen: dict[tuple[str, int], str] = {}
        for docname in sorted(self.pages):
            page = self.pages[docname]
            if page.kind != "newsletter" or page.series is None or page.issue is None:
                continue
            key = (page.series, page.issue)
            if key in seen:
                self.problems.append((docname, Problem(
                    f"issue {page.issue} of series {page.series!r} is already {seen[key]}; "
                    "give this page its own issue number", page.lines.get("issue"), "duplicate")))
            else:
                seen[key] = docname

    # pages by series -------------------------------------------------------------
    def _index_series(self) -> None:
        self.by_series: dict[str, list[str]] = defaultdict(list)
        self.issue_docs: dict[tuple[str, int], str] = {}
        self.review_docs: dict[tuple[str, int], list[str]] = defaultdict(list)
        for docname in sorted(self.pages):
            page = self.pages[docname]
            if page.kind in ("review", "newsletter") and page.series:
                self.by_series[page.series].append(docname)
                if page.kind == "newsletter" and page.issue is not None:
                    self.issue_docs.setdefault((page.series, page.issue), docname)
                if page.kind == "review" and page.year is not None:
                    self.review_docs[(page.series, page.year)].append(docname)
        for docs in self.by_series.values():
            docs.sort(key=self._series_order)

    def _series_order(self, docname: str) -> tuple:
        page = self.pages[docname]
        date = page.date.sort_key if page.date else (0, 0, 0)
        return (page.issue if page.issue is not None else page.year or 0, date, docname)

    def dated_pages(self) -> list[PageRecord]:
        """Every review and issue, oldest first (undated ones last)."""
        pages = [p for p in self.pages.values() if p.kind in ("review", "newsletter")]
        return sorted(pages, key=lambda p: (p.date is None, p.date.sort_key if p.date else (0,),
                                            p.docname))

    def series_neighbours(self, docname: str) -> tuple[str | None, str | None]:
        page = self.pages.get(docname)
        docs = self.by_series.get(page.series, []) if page and page.series else []
        if docname not in docs:
            return None, None
        index = docs.index(docname)
        return (docs[index - 1] if index else None,
                docs[index + 1] if index + 1 < len(docs) else None)

    # cross-references ----------------------------------------------------------------
    def find_page(self, reftype: str, target: str) -> str | None:
        """An issue by 'series/number', a review by 'series/year' (or either by docname)."""
        target = target.strip()
        page = self.pages.get(target)
        if page is not None:
            return target if page.kind == ("newsletter" if reftype == "issue" else "review") else None
        series, _, number = target.rpartition("/")
        if not number.isdigit():
            return None
        if reftype == "issue":
            return self.issue_docs.get((series, int(number)))
        found = self.review_docs.get((series, int(number)), [])
        return found[0] if len(found) == 1 else None

    def resolve(self, reftype: str, target: str) -> str | None:
        """The key of what a reference points to: a topic slug, 'doc#anchor', or a docname."""
        if reftype == "topic":
            return self.resolve_topic(target)
        if reftype == "item":
            item = self.find_item(target)
            return f"{item.docname}#{item.anchor}" if item else None
        if reftype in ("issue", "review"):
            return self.find_page(reftype, target)
        return None

    def backlinks(self, key: str) -> list[tuple[str, str]]:
        """(docname, anchor) of every page or item that references `key`, in page order."""
        if self._backlinks is None:
            found: dict[str, set[tuple[str, str]]] = defaultdict(set)
            for docname, refs in self.references.items():
                for ref in refs:
                    if ref.generated:
                        continue
                    target = self.resolve(ref.reftype, ref.target)
                    if target is not None and target not in (docname, f"{docname}#{ref.anchor}"):
                        found[target].add((ref.docname, ref.anchor))
            self._backlinks = {k: sorted(v) for k, v in found.items()}
        return self._backlinks.get(key, [])

    def topics_of_page(self, docname: str) -> list[str]:
        """The page's own topics and its items' topics, each once."""
        slugs = list(self.page_topics.get(docname, []))
        for item in self.items.get(docname, []):
            for slug in self.item_topics.get((docname, item.anchor), []):
                if slug not in slugs:
                    slugs.append(slug)
        return slugs

    def related(self, docname: str, limit: int = 5) -> list[tuple[str, list[str]]]:
        """Other reviews and issues ranked by the number of topics shared with this one."""
        if docname in self._related:
            return self._related[docname]
        if self._pages_by_topic is None:
            self._pages_by_topic = defaultdict(list)
            for doc in sorted(self.page_topics):
                for slug in self.topics_of_page(doc):
                    self._pages_by_topic[slug].append(doc)
        mine = self.topics_of_page(docname)
        shared: dict[str, list[str]] = defaultdict(list)
        for slug in mine:
            for other in self._pages_by_topic.get(slug, ()):
                if other != docname:
                    shared[other].append(slug)
        def newest(doc: str) -> tuple[int, int, int]:
            date = self.pages[doc].date
            return date.sort_key if date else (0, 0, 0)
        ranked = sorted(shared.items(), key=lambda kv: (-len(kv[1]), tuple(-n for n in newest(kv[0])), kv[0]))
        self._related[docname] = [(doc, sorted(slugs, key=lambda s: self.topics[s].title.lower()))
                                  for doc, slugs in ranked[:limit]]
        return self._related[docname]

    def busiest_topics(self, limit: int) -> list[str]:
        return sorted(self.topics, key=lambda s: (-self.count(s), self.topics[s].title.lower()))[:limit]

    # papers and authors --------------------------------------------------------------
    @property
    def papers(self) -> dict[str, Paper]:
        if self._papers is None:
            source = self._papers_source
            self._papers = dict((source() if callable(source) else source) or {})
        return self._papers

    def cited_on(self, docname: str) -> list[str]:
        """The keys a page cites (in its items or its text), each once, in page order."""
        return list(dict.fromkeys(c.key for c in self.citations.get(docname, ())))

    def cited_by(self, key: str) -> list[tuple[str, str]]:
        """(docname, anchor) of every item or page text citing the work, in page order."""
        if self._cited_by is None:
            found: dict[str, set[tuple[str, str]]] = defaultdict(set)
            for docname, cites in self.citations.items():
                for cite in cites:
                    found[cite.key].add((docname, cite.anchor))
            order = {(d, i.anchor): n for d, recs in self.items.items() for n, i in enumerate(recs)}
            self._cited_by = {
                k: sorted(v, key=lambda s: (s[0], order.get(s, -1))) for k, v in found.items()}
        return self._cited_by.get(key, [])

    def papers_by_year(self) -> list[tuple[int | None, list[Paper]]]:
        """Cited papers, newest year first, then by first author and title."""
        def order(paper: Paper) -> tuple:
            first = paper.authors[0].name.casefold() if paper.authors else ""
            return (-(paper.year or 0), first, paper.text.casefold())
        ranked = sorted(self.papers.values(), key=order)
        return [(year, list(group)) for year, group in
                groupby(ranked, key=lambda p: p.year)]

    def authors(self) -> list[tuple[Author, list[Paper]]]:
        """Every author of a cited paper, A to Z, with their papers (newest first)."""
        names: dict[str, str] = {}
        works: dict[str, list[Paper]] = defaultdict(list)
        for paper in self.papers.values():
            for author in paper.authors:
                if len(author.name) > len(names.get(author.key, "")):
                    names[author.key] = author.name
                works[author.key].append(paper)
        people = sorted(names, key=lambda k: (names[k].casefold(), k))
        return [(Author(k, names[k]),
                 sorted(works[k], key=lambda p: (-(p.year or 0), p.key))) for k in people]
