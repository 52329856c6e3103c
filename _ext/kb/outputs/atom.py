"""Atom feeds of the knowledge base: which feeds there are, what each lists, and the XML.

Pure Python with no Sphinx import: `plan` takes the records (gathered from the
domain by `publishing.gather_site`) and returns the feeds; `render` makes the
Atom document of one with feedgen. Everything in a feed comes from the pages'
front matter and text, never from the clock, so the same sources give the same
bytes on every build, clean or incremental.

Conventions:
- An entry's id is its absolute URL (the page's, or the page's plus "#item" for an
  item in a topic feed); it never changes between builds of the same address.
- A date known only to the month is published on the first of that month at
  00:00 UTC; a day at 00:00 UTC. An entry's `updated` is its publication date.
- A feed's `updated` is its newest entry's date (an empty feed: the newest date
  of the whole site, so it is stable too).
- Entries are newest first, then by page and position; at most `limit` of them.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from ..model.records import Entry, PageRecord, PartialDate

FEEDS_DIR = "feeds"  # every file below it is a feed this module wrote
SITE_FEED = f"{FEEDS_DIR}/atom.xml"
FEED_TYPE = "application/atom+xml"
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.timezone.utc)


def series_feed_path(slug: str) -> str:
    return f"{FEEDS_DIR}/series/{slug}.xml"


def topic_feed_path(slug: str) -> str:
    return f"{FEEDS_DIR}/topics/{slug}.xml"


def published(date: PartialDate) -> dt.datetime:
    """The instant a page counts as published: its day (or the 1st of its month), 00:00 UTC."""
    return dt.datetime(date.year, date.month, date.day or 1, tzinfo=dt.timezone.utc)


@dataclass(frozen=True)
class FeedEntry:
    id: str
    title: str
    link: str
    summary: str
    published: dt.datetime
    sort_key: tuple = field(compare=False, repr=False, default=())


@dataclass(frozen=True)
class Feed:
    path: str  # relative to the output directory
    url: str  # absolute; also the feed's id
    title: str
    subtitle: str
    link: str  # the HTML page the feed belongs to (absolute)
    entries: tuple[FeedEntry, ...]
    updated: dt.datetime


@dataclass(frozen=True)
class Site:
    """What the feeds are made from, gathered from the knowledge base in one place."""

    base_url: str  # ends with "/"
    title: str
    author: str
    uri: Callable[[str], str]  # docname -> URI relative to the site root
    pages: Mapping[str, PageRecord]
    # (docname, anchor) -> what describes the page (anchor "") or the item: the page's
    # summary, else the first sentences of its first paragraph (build/excerpts.py)
    excerpt: Callable[[str, str], str]
    series: Mapping[str, str]  # slug -> name
    series_pages: Mapping[str, str]  # slug -> docname of its archive page
    series_docs: Mapping[str, Sequence[str]]  # slug -> its reviews and issues
    topics: Mapping[str, str]  # slug -> title
    topic_pages: Mapping[str, str]  # slug -> docname
    listing: Callable[[str], Sequence[Entry]]  # slug -> items and pages, subtopics included
    root_doc: str = "index"

    def url(self, docname: str, anchor: str = "") -> str:
        return self.base_url + self.uri(docname) + (f"#{anchor}" if anchor else "")

    def feed_url(self, path: str) -> str:
        return self.base_url + path


def _page_summary(site: Site, page: PageRecord) -> str:
    # a page without a summary was reported by the front-matter check; its first
    # paragraph stands in, so it is still listed with a description
    return site.excerpt(page.docname, "") or page.title


def _order(date: PartialDate, docname: str, position: int) -> tuple:
    """A feed's order: newest first, then by page, then the page (-1) before its items."""
    return (tuple(-n for n in date.sort_key), docname, position)


def page_entry(site: Site, page: PageRecord) -> FeedEntry | None:
    if page.date is None:  # its date was reported as missing or malformed
        return None
    return FeedEntry(
        id=site.url(page.docname), title=page.title, link=site.url(page.docname),
        summary=_page_summary(site, page), published=published(page.date),
        sort_key=_order(page.date, page.docname, -1),
    )


def listing_entry(site: Site, entry: Entry) -> FeedEntry | None:
    page = site.pages.get(entry.docname)
    if page is None or page.date is None:
        return None
    if not entry.anchor:
        return page_entry(site, page)
    text = site.excerpt(entry.docname, entry.anchor)
    where = f"{entry.kind.capitalize()} in {page.title}"
    return FeedEntry(
        id=site.url(entry.docname, entry.anchor), title=entry.title,
        link=site.url(entry.docname, entry.anchor),
        summary=f"{where}. {text}" if text else f"{where}.",
        published=published(page.date),
        sort_key=_order(page.date, entry.docname, entry.position),
    )


def _newest(entries: Sequence[FeedEntry | None], limit: int) -> tuple[FeedEntry, ...]:
    found = [e for e in entries if e is not None]
    return tuple(sorted(found, key=lambda e: e.sort_key)[:limit])


def _newest_listed(site: Site, entries: Sequence[Entry], limit: int) -> tuple[FeedEntry, ...]:
    """The newest `limit` entries of a topic's listing, as feed entries.

    A busy topic lists thousands of entries and its feed shows 20: the entries are
    ranked by `listing_entry`'s sort key, worked out from the page's date alone, and
    only the first `limit` are made into feed entries (the text and links of each)."""
    ranked = []
    for position, entry in enumerate(entries):
        page = site.pages.get(entry.docname)
        if page is None or page.date is None:  # listing_entry leaves these out too
            continue
        key = _order(page.date, entry.docname, entry.position if entry.anchor else -1)
        ranked.append((key, position, entry))
    return _newest([listing_entry(site, entry) for _, _, entry in heapq.nsmallest(limit, ranked)],
                   limit)


def plan(site: Site, limit: int) -> list[Feed]:
    """Every feed: the site's, one per series, one per topic; sorted by path."""
    dated = [p for p in site.pages.values() if p.kind in ("review", "newsletter")]
    site_entries = _newest([page_entry(site, p) for p in dated], limit)
    fallback = site_entries[0].published if site_entries else EPOCH

    def feed(path: str, title: str, subtitle: str, page: str, entries: tuple[FeedEntry, ...]) -> Feed:
        return Feed(path, site.feed_url(path), title, subtitle, site.url(page), entries,
                    entries[0].published if entries else fallback)

    feeds = [feed(SITE_FEED, site.title, "The newest reviews and newsletter issues",
                  site.root_doc, site_entries)]
    for slug in sorted(site.series):
        pages = [site.pages[d] for d in site.series_docs.get(slug, ()) if d in site.pages]
        feeds.append(feed(
            series_feed_path(slug), f"{site.title}: {site.series[slug]}",
            f"The newest pages of the series {site.series[slug]}",
            site.series_pages.get(slug, site.root_doc),
            _newest([page_entry(site, p) for p in pages], limit)))
    for slug in sorted(site.topics):
        feeds.append(feed(
            topic_feed_path(slug), f"{site.title}: {site.topics[slug]}",
            f"The newest items and pages on {site.topics[slug]} and its subtopics",
            site.topic_pages.get(slug, site.root_doc),
            _newest_listed(site, site.listing(slug), limit)))
    return sorted(feeds, key=lambda f: f.path)


def feeds_of_page(site: Site, docname: str) -> list[tuple[str, str]]:
    """(title, absolute URL) of the feeds a page advertises: the site's, its series', its topic's."""
    out = [(site.title, site.feed_url(SITE_FEED))]
    page = site.pages.get(docname)
    series = {slug for slug, doc in site.series_pages.items() if doc == docname}
    if page is not None and page.series in site.series:
        series.add(page.series)
    for slug in sorted(series):
        out.append((f"{site.title}: {site.series[slug]}", site.feed_url(series_feed_path(slug))))
    if page is not None and page.kind == "topic" and page.slug in site.topics:
        out.append((f"{site.title}: {site.topics[page.slug]}",
                    site.feed_url(topic_feed_path(page.slug))))
    return out


def render(feed: Feed, author: str) -> bytes:
    """The Atom document (feedgen escapes every text; no field comes from the clock)."""
    from feedgen.feed import FeedGenerator

    generator = FeedGenerator()
    generator.id(feed.url)
    generator.title(feed.title)
    generator.subtitle(feed.subtitle)
    generator.link(href=feed.url, rel="self", type=FEED_TYPE)
    generator.link(href=feed.link, rel="alternate", type="text/html")
    generator.author(name=author)
    generator.updated(feed.updated)
    generator.language("en")
    for item in feed.entries:
        entry = generator.add_entry(order="append")
        entry.id(item.id)
        entry.title(item.title)
        entry.link(href=item.link, rel="alternate", type="text/html")
        entry.summary(item.summary)
        entry.published(item.published)
        entry.updated(item.published)
        # no entry author: every page is the knowledge base's own retelling, so the feed's
        # author (its contributors) is each entry's; the original's author is on the page
    return generator.atom_str(pretty=True)
