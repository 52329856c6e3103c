"""Long generated lists split into parts, one HTML page per group (pure Python).

A view whose data is a list of groups (the author index by letter, the archive and a
topic's listing by year, the paper index by year; the timeline and a series' archive,
grouped by year here) shows them all on one page while it shows at most `threshold`
links (`kb_split_links`): each entry counts with the links it carries (a paper with the
item and the page of each place discussing it, an author with their works and the pages
discussing those), which is what a page's weight grows with; an entry count alone would
weigh an author with one paper like one with forty (a paper's formatted reference counts
too, a link for every REFERENCE_CHARS_PER_LINK characters). Past that, in HTML, its page
becomes the entry point that links to every part (with counts) and each group is a page of
its own, named after the page and the group (`authors-a`, `archive-2021`,
`topics/gans-2021`; the timeline's `archive-timeline-2021`): in the same folder as the
page, so a link that works from the page works from its parts. The PDF always keeps the
whole list.

A group that alone shows more than `threshold` links is split again, and so on, until each
page is under the bound or its entries cannot be told apart any further:

- by date (the archive, the timeline, a series, a listing): a year by the month of
  publication (`archive-2021-03`; a listing's year holds the year reviews about it,
  published the next January: `topics/gans-2021-2022-01`), a month by the day
  (`archive-2021-03-05`, and `archive-2021-03-no-day` for the pages dated to the month);
- by name: an author index's letter by the next letters of the names (`authors-l-le`,
  `authors-l-le-lee`; a level where every name shares the next letter is skipped, so
  "Kaur, Ana" and "Kaur, Ben" part at `authors-k-kaur-a`), a paper index's year by the
  first author's name in the same way (`references-2022-a`; works without an author,
  `references-2022-no-author`). The entries are in that order already (the paper index
  sorts a year by first author, so its numbering still runs down the pages).

Adjacent parts share a page while together they stay within the bound: a dated view's
years (`topics/gans-2019-to-2021`, '2019 to 2021', each year under its own heading), a
year's months (`archive-2021-01-to-03`, 'January to March 2021'), a letter's names
(`authors-l-la-to-le`, 'La… to Le…'). An index's letters and years keep a page each: its
jump bar links to each one's heading there. Split into every year, a topic of sixty years
of a few entries each made sixty pages: at 10,000 pages, such pages were most of the site
(docs/benchmark.md).

The page of a group split again stays where it was (`archive-2021.html`), with the
group's heading (the jump bars' `year-2021`, `letter-l`) and a list of its parts with
their counts, so a link to it still leads to the entries. A name is a page's group path;
it changes only when its group is split again or merged, or when the parts sharing a page
change, which the bound decides.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, NamedTuple

from ..model.records import MONTHS


class Part(NamedTuple):
    """One page of a split view: a group ('2021', 'L') or a part of one split again.

    `label` is how the page above lists it ('2021', 'March 2021', 'Le…', 'Lee, Kimin');
    `heading` its own title (the label; a paper index's '2022 (A…)'); `count` the entries
    under it.
    Its entries are those of the view's group `group` whose sort text (dates: ISO; names:
    casefolded) cut to `cut` characters is one of `keys` (a whole group: cut 0, keys ();
    adjacent small groups packed on one page: several keys); or, for a page of several of
    the view's whole groups (`groups`: their labels, in the view's order), all of theirs.
    `parts`: its own parts when it is split again (its page lists them; () holds the
    entries)."""

    pagename: str
    label: str
    count: int
    heading: str = ""
    group: str = ""
    cut: int = 0
    keys: tuple[str, ...] = ()
    parts: tuple[Part, ...] = ()
    groups: tuple[str, ...] = ()

    def leaves(self) -> Iterator[Part]:
        """The pages that hold its entries: itself, or its parts' leaves in order."""
        if not self.parts:
            yield self
        for part in self.parts:
            yield from part.leaves()


# -- each kind: its groups, the part of it a page shows, an entry's links, its sort text ----


def _whole(data: tuple) -> tuple:
    return data


def _listing_groups(data: tuple) -> tuple:
    return data[3] if data else ()


def _groups_only(data: tuple, groups: tuple) -> tuple:
    return groups


def _by_year(rows: tuple, line: Callable[[Any], Any]) -> tuple:
    """A flat list's rows grouped by the year of their dates, in their order."""
    groups: dict[str, list] = {}
    for row in rows:
        iso = line(row).iso
        groups.setdefault(iso[:4] if iso else "Undated", []).append(row)
    return tuple((year, tuple(found)) for year, found in groups.items())


def _flat(data: tuple, groups: tuple) -> tuple:
    return tuple(row for _, rows in groups for row in rows)


def _author_links(row: tuple) -> int:  # (anchor, name, ((work, year, (page, ...)), ...))
    return 1 + sum(1 + len(pages) for _work, _year, pages in row[2])


# the characters of a formatted reference that weigh as much as a link does: a link and its
# text come to 110 to 175 bytes of HTML in every view of the benchmark's pages, and this
# site's references are 160 to 980 characters long (about twice that in HTML, with their
# markup), so a long reference counts as the links its bytes are worth
REFERENCE_CHARS_PER_LINK = 150


def _paper_links(row: tuple) -> int:  # (anchor, places discussing it, first author, length)
    # each place: the item and its page (a page's own text is one link; counted as two, so
    # the model's planning, which knows only the places, weighs it the same: PaperIndex);
    # and the reference itself, by its length
    return 1 + 2 * len(row[1]) + row[3] // REFERENCE_CHARS_PER_LINK


def _listing_links(row: Any) -> int:  # views.data.EntryRow
    return 1 + (row.page is not None) + len(row.cites)


class Splittable(NamedTuple):
    """How a kind of view splits: its groups from its data; what a page showing some of
    its groups is given (`restrict`: the data cut to them); the links an entry shows;
    its entries' sort text, an ISO date (cut at the month, then the day) or, where
    `spelled` gives the name as written, a casefolded name (cut letter by letter); the
    prefix its parts' names add to the page's, and the heading of a part from its label
    (a date's); whether adjacent small groups share a page (not where a jump bar links to
    each group's heading on its own page)."""

    groups: Callable[[tuple], tuple]
    restrict: Callable[[tuple, tuple], tuple]
    weigh: Callable[[Any], int]
    text: Callable[[Any], str]
    spelled: Callable[[Any], str] | None = None
    prefix: str = ""
    title: str = "{}"
    packed: bool = True

    @property
    def dated(self) -> bool:
        return self.spelled is None


def _iso(row: Any) -> str:
    return row.iso or ""


# kind -> how it splits. A listing's part shows only its groups, not the topic's totals, so
# that an entry added in one year does not rewrite every year's part.
SPLITTABLE: dict[str, Splittable] = {
    "authors": Splittable(_whole, _groups_only, _author_links, lambda row: row[1].casefold(),
                          spelled=lambda row: row[1], packed=False),
    "archive-year": Splittable(_whole, _groups_only, lambda line: 1, _iso),
    "paper-index": Splittable(_whole, _groups_only, _paper_links,
                              lambda row: row[2].casefold(), spelled=lambda row: row[2],
                              packed=False),
    "listing": Splittable(_listing_groups, _groups_only, _listing_links, _iso),
    # (the timeline shares its page with the archive: its parts' names say which they are)
    "timeline": Splittable(lambda data: _by_year(data, lambda line: line), _flat,
                           lambda line: 1, _iso, prefix="timeline-", title="Timeline, {}"),
    "series": Splittable(lambda data: _by_year(data, lambda row: row[1]), _flat,
                         lambda row: 1, lambda row: row[1].iso or ""),
}


def links(kind: str, groups: Any) -> int:
    """The links a view's groups show (what `threshold` is compared with)."""
    weigh = SPLITTABLE[kind].weigh
    return sum(weigh(row) for _, rows in groups for row in rows)


def slug(label: str) -> str:
    """A group's label as part of a file name or an id: '2021', 'a', 'undated', 'kaur-a'
    ('Kaur, A'); a label with other characters by their code points ('u017d' for 'Ž'),
    so 'Z' and 'Ž' stay apart."""
    words = label.replace(", ", " ")
    if words.isascii() and words.replace(" ", "").isalnum():
        return words.lower().replace(" ", "-")
    return "-".join(f"u{ord(c):04x}" for c in label)


# -- groups split again ------------------------------------------------------------------


def _date_label(key: str, cut: int, done: int, group: str) -> tuple[str, str]:
    """A date group's label and what it adds to its parent's name, which names the year
    `group` and, when cut before (`done` 7), the month: ('March 2021', '03'), ('5 March
    2021', '05', or '03-05' below the year), ('March 2021, no day given', 'no-day');
    ('January 2022', '2022-01') in a listing's 2021; ('Undated', 'undated')."""
    if not key:
        return "Undated", "undated"
    month = f"{MONTHS[int(key[5:7]) - 1]} {key[:4]}"
    if cut == 7:
        label, segment = month, ""
    elif len(key) < 10:
        label, segment = f"{month}, no day given", "no-day"
    else:
        label, segment = f"{int(key[8:10])} {month}", key[8:10]
    if done < 7:  # the month is not in the parent's name yet
        segment = "-".join(filter(None, (key[5:7], segment)))
        if key[:4] != group:  # published in another year than the group's
            segment = f"{key[:4]}-{segment}"
    return label, segment


def _name_label(key: str, texts: list[str], spelled: str) -> tuple[str, str]:
    """A name group's label and its name's segment. The label is what all its names
    (`texts`, casefolded) begin with, as the first (`spelled`) writes it, with '…' where
    that is not a whole name: ('Le…', 'le'), ('Lee, K…', 'lee'), ('Lee, …', 'lee'),
    ('LeCun, Yann', 'lec'). The segment comes from `key`, where the group was cut, so it
    stays when names are added: 'kaur-a' for 'kaur, a', 'li' for 'li,'."""
    common = texts[0]
    for text in texts[1:]:
        while not text.startswith(common):
            common = common[:-1]
    shown = spelled[:len(common)]
    shown = shown if shown.casefold() == common else common.capitalize()
    if len(common) < len(texts[0]):
        shown = shown.rstrip(", ") + (", …" if common.rstrip().endswith(",") else "…")
    return shown, slug(key.rstrip(", ") or key)


def _cuts(rule: Splittable, texts: list[str], done: int) -> Iterator[int]:
    """The lengths at which to cut the sort texts next, after `done` characters."""
    if rule.dated:
        yield from (cut for cut in (7, 10) if cut > done)
    else:
        yield from range(done + 1, max(map(len, texts), default=0) + 1)


def _subgroups(rule: Splittable, rows: tuple, done: int) -> tuple[int, dict[str, list]] | None:
    """The first cut past `done` that parts `rows` in two or more groups, with the
    groups in the order their first entries come; None when no cut does."""
    texts = [rule.text(row) for row in rows]
    for cut in _cuts(rule, texts, done):
        found: dict[str, list] = {}
        for text, row in zip(texts, rows):
            found.setdefault(text[:cut], []).append(row)
        if len(found) > 1:
            return cut, found
    return None


def _packed(rule: Splittable, found: dict[str, Any], threshold: int, cut: int,
            alone: Callable[[str], bool] | None = None) -> list[list[str]]:
    """The subgroups' keys in runs of adjacent ones, each run as long as it stays within
    `threshold` links (a subgroup over it alone, to be split again): one page a run, so that
    a year of a dozen short months makes two or three pages, not twelve. The entries dated
    to the month alone, or not dated, keep a page of their own (a range of days cannot
    name them; nor can a range of years name the undated: `alone`)."""
    if alone is None:
        alone = lambda key: rule.dated and len(key) < cut  # noqa: E731
    runs: list[list[str]] = []
    weight = threshold + 1  # the first subgroup starts a run
    single = False
    for key, rows in found.items():
        links = sum(map(rule.weigh, rows))
        if weight + links > threshold or single or alone(key):
            runs.append([key])
            weight, single = links, alone(key)
        else:
            runs[-1].append(key)
            weight += links
    return runs


def _range(first: str, last: str) -> str:
    """Two labels as a range, their common ending said once: 'January to March 2021',
    '3 to 9 March 2021', 'La… to Lu…'."""
    head, tail = first.split(" "), last.split(" ")
    common = 0
    while (common < min(len(head), len(tail)) - 1
           and head[-1 - common] == tail[-1 - common]):
        common += 1
    return f"{' '.join(head[:len(head) - common])} to {last}"


def _part(kind: str, rule: Splittable, group: str, rows: tuple, pagename: str, label: str,
          heading: str, cut: int, keys: tuple[str, ...], threshold: int) -> Part:
    """The part holding `rows`, split again while it shows more than `threshold` links."""
    split = (_subgroups(rule, rows, cut)
             if sum(map(rule.weigh, rows)) > threshold else None)
    if split is None:
        return Part(pagename, label, len(rows), heading, group, cut, keys)
    at, found = split

    def named(sub: str) -> tuple[str, str]:  # a subgroup's label and its name's segment
        if rule.spelled is None:  # a date
            return _date_label(sub, at, cut, group)
        if not sub:
            return "No author", "no-author"
        return _name_label(sub, [rule.text(row) for row in found[sub]],
                           rule.spelled(found[sub][0]))

    parts, segments = [], set()
    for run in _packed(rule, found, threshold, at):
        # a range from its earliest date (a list may be newest first) or its first name
        ends = sorted(run) if rule.dated else run
        sub_label, segment = named(ends[0])
        if len(run) > 1:
            last_label, last_segment = named(ends[-1])
            sub_label, segment = _range(sub_label, last_label), f"{segment}-to-{last_segment}"
        sub_heading = (rule.title.format(sub_label) if rule.dated else
                       sub_label if kind == "authors" else f"{group} ({sub_label})")
        while segment in segments:  # two prefixes of one name slugged alike: kept apart
            segment += "-2"
        segments.add(segment)
        sub_rows = tuple(row for sub in run for row in found[sub])
        parts.append(_part(kind, rule, group, sub_rows, f"{pagename}-{segment}",
                           sub_label, sub_heading, at, tuple(run), threshold))
    return Part(pagename, label, len(rows), heading, group, cut, keys, tuple(parts))


def plan(kind: str, data: Any, docname: str, threshold: int) -> tuple[Part, ...]:
    """The parts of the view on `docname` (each counting its entries, each split again
    while it shows more than `threshold` links); () when it stays one page (not a
    splittable kind, `threshold` 0, or at most `threshold` links)."""
    if kind not in SPLITTABLE or threshold <= 0 or not data:
        return ()
    rule = SPLITTABLE[kind]
    groups = rule.groups(data)
    if links(kind, groups) <= threshold:
        return ()
    found = dict(groups)
    runs = ([[label] for label in found] if not rule.packed else
            _packed(rule, found, threshold, 0, alone=lambda label: not label[:1].isdigit()))
    parts = []
    for run in runs:
        if len(run) == 1:
            parts.append(_part(kind, rule, run[0], found[run[0]],
                               f"{docname}-{rule.prefix}{slug(run[0])}", run[0],
                               rule.title.format(run[0]), 0, (), threshold))
            continue
        first, *_, last = sorted(run)  # years, whatever the list's order
        label = f"{first} to {last}"
        parts.append(Part(f"{docname}-{rule.prefix}{slug(first)}-to-{slug(last)}", label,
                          sum(len(found[group]) for group in run), rule.title.format(label),
                          run[0], groups=tuple(run)))
    return tuple(parts)


def pages(parts: tuple[Part, ...]) -> Iterator[tuple[Part, tuple[Part, ...]]]:
    """Every page of a split view, top down (a group before its parts), each with the parts
    above it (nearest last)."""
    def walk(part: Part, above: tuple[Part, ...]) -> Iterator[tuple[Part, tuple[Part, ...]]]:
        yield part, above
        for sub in part.parts:
            yield from walk(sub, (*above, part))
    for part in parts:
        yield from walk(part, ())


def parted_by(kind: str, part: Part) -> str:
    """How a part split again is parted, for the sentence above its parts: 'by month'."""
    cut = part.parts[0].cut
    if SPLITTABLE[kind].spelled is None:
        return "by month of publication" if cut == 7 else "by day of publication"
    return "by name" if kind == "authors" else "by first author"


def group_pages(parts: tuple[Part, ...]) -> dict[str, str]:
    """Each group's label -> the page of its part (which has the group's heading, also when
    the group is split again): where a jump bar links to."""
    return {label: part.pagename for part in parts for label in part.groups or (part.label,)}


def leaves(parts: tuple[Part, ...]) -> list[Part]:
    """The pages holding a split view's entries, in the view's order."""
    return [leaf for part in parts for leaf in part.leaves()]


def part_data(kind: str, data: Any, part: Part) -> Any:
    """The view's data with only the entries of `part`, under its heading: what its page
    shows."""
    rule = SPLITTABLE[kind]
    if part.groups:
        found = dict(rule.groups(data))
        return rule.restrict(data, tuple((label, found[label]) for label in part.groups
                                         if found.get(label)))
    rows = next((rows for label, rows in rule.groups(data) if label == part.group), ())
    if part.cut:
        rows = tuple(row for row in rows if rule.text(row)[:part.cut] in part.keys)
    return rule.restrict(data, ((part.heading or part.label, rows),) if rows else ())


# the builders that write the parts' pages (html-collect-pages, one file per page); a
# single page, an EPUB and the PDF keep the whole lists
SPLIT_BUILDERS = ("html", "dirhtml")


def split_threshold(builder: Any) -> int:
    """Entries past which a view is split, for this builder; 0 never splits."""
    from ..build.config import kb_config  # Sphinx glue: imported here, so this module is pure

    return kb_config(builder.config).split_links if builder.name in SPLIT_BUILDERS else 0


def entry_pages(kind: str, data: Any, docname: str, threshold: int) -> dict[str, str]:
    """Each entry's id (its row's first field) -> the page holding it: the view's page, or
    its part's; for the views whose entries are linked to (the paper and author indexes)."""
    parts = plan(kind, data, docname, threshold)
    if not parts:
        return {row[0]: docname for _, rows in SPLITTABLE[kind].groups(data) for row in rows}
    return {row[0]: leaf.pagename for leaf in leaves(parts)
            for _, rows in part_data(kind, data, leaf) for row in rows}


def paper_pages(groups: list[tuple[str, list[tuple]]], docname: str,
                threshold: int) -> dict[str, str]:
    """Entry id (`Paper.anchor`) -> its part's page, for the paper index on `docname`
    given as its year groups of (anchor, places discussing it, first author, the length
    of its formatted reference), as
    views.data.paper_index has them; {} when the index stays one page."""
    data = tuple((label, tuple(rows)) for label, rows in groups)
    if not plan("paper-index", data, docname, threshold):
        return {}
    return entry_pages("paper-index", data, docname, threshold)


def author_pages(data: tuple, docname: str, threshold: int) -> dict[str, str]:
    """Person anchor -> the page holding their entry, for the author index on `docname`
    (its data, views.data.authors): the index itself, or the part holding them."""
    return entry_pages("authors", data, docname, threshold)
