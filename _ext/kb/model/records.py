"""The knowledge base's records: pages, items, references, citations, papers, dates.

Pure Python with no Sphinx or docutils import: the Sphinx glue, the scaffold and
lint read the same records.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
import unicodedata
from collections.abc import Iterable, Mapping
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


# The site is in English whatever the build machine's locale (sphinx-build sets the
# locale from the environment, and calendar.month_name follows it); a constant is also
# cheaper than calendar's, which formats a date for every lookup (listings show tens
# of thousands of dates at 2,000 pages).
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


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
        month = MONTHS[self.month - 1]
        if self.day is None:
            return f"{month} {self.year}"
        return f"{self.day} {month} {self.year}"


# -- records ----------------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    """A newsletter or a series of year reviews."""

    slug: str  # its key in kb_series, used in front matter (`series: <slug>`)
    name: str  # shown under the title of each of its pages
    url: str | None = None  # the series' home page
    kind: str | None = None  # the kind of page it holds: review or newsletter (None: either)


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
    # written by the extension (an item's or a page's topic tags), or on a navigation page
    # (one without a kind: the home page, the topics overview), not a mention: shown and
    # kept current, but not a backlink
    generated: bool = False


@dataclass(frozen=True)
class Author:
    """A person, as the author index names them (model/people.py says who is one person)."""

    key: str  # their id: "lee--kuang-huei" (people.Name.key), the anchor of their entry
    name: str  # "Lee, Kuang-Huei": as the work spells it (the index shows one spelling)
    orcid: str | None = None  # from kb_people

    @property
    def anchor(self) -> str:
        """Their entry's id in the author index ("person-lee--kimin"): from their own id,
        so it is unique and stays when other people are added."""
        return PERSON_ANCHOR_PREFIX + self.key


PERSON_ANCHOR_PREFIX = "person-"


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
    # the fields its entry could not verify (refs.bib's `unverified`): kept in kb.json,
    # not in the BibTeX readers copy, where `unverified` is no standard field
    unverified: tuple[str, ...] = ()
    # the formatted reference after its authors and title: 'Nature, 596(7873):583–589, 2021.
    # doi:10.1038/...' (what a link preview shows below the title and the authors, cut)
    venue: str = ""

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


def unverified_fields(text: str) -> tuple[str, ...]:
    """refs.bib's `unverified = {doi, pages}` as ("doi", "pages"): the fields an entry
    leaves out, or gives as far as known, because no primary source confirmed them."""
    return tuple(dict.fromkeys(f.strip().lower() for f in text.split(",") if f.strip()))


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


# -- views ------------------------------------------------------------------------


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
