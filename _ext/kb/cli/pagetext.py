"""The Markdown of the pages the scaffold writes: a new issue or review, and the
series and year index pages it creates on the way.

Pure Python, for kb.scaffold.
"""

from __future__ import annotations

import textwrap

from ..model.records import ITEM_KINDS, PartialDate, Series
from .toctrees import toctree_block


def _fill(paragraph: str) -> str:
    # the width of the existing pages; never break inside `code`
    return textwrap.fill(paragraph, width=96, break_long_words=False, break_on_hyphens=False)


def render_page(
    *,
    kind: str,
    series: str,
    name: str,
    date: PartialDate,
    number: int,
    topic: str,
) -> tuple[str, str]:
    """(title, Markdown source) of a new issue (number = issue) or review (number = year)."""
    if kind == "newsletter":
        title = f"{name}: Issue #{number}"
        what, key_line = "issue", f"issue: {number}"
        intro = (f"Replace this paragraph with a short introduction to issue {number} of "
                 f"{name}: its subtitle or theme, when it appeared, and anything about the "
                 "issue itself that a reader should know (an uncertain date, a missing byline).")
        section = "## Papers & Publications"
        section_note = ("Use the issue's own section headings; where the issue has none, "
                        "give the block a heading of your own and say so.")
    else:
        title = f"{name}: {number} in review"
        what, key_line = "review", f"year: {number}"
        intro = (f"Replace this paragraph with a short introduction to this review of "
                 f"{number}: who wrote it, when and where it appeared, and how it is organised.")
        section = "## Research Papers"
        section_note = "Use the review's own section headings, in the review's order."
    summary = (f"Replace this sentence with one paragraph of plain text on what the {what} "
               "covers, shown in listings, the feed and link previews.")
    front = "\n".join([
        "---",
        f"kind: {kind}",
        f"date: {date.iso()}",
        f"series: {series}",
        key_line,
        f"# source: https://...   # uncomment and give the address of the original {what}",
        "# authors: [...]         # uncomment and list its authors, if known",
        "topics: []               # topic slugs (or aliases) from topics/, e.g. [" + topic + "]",
        f"summary: {summary}",
        "---",
    ])
    guide = (f"{intro} Retell every entry of the {what} in your own words, one `kb:item` "
             "each: facts, titles, names and figures carry over from the source, its sentences "
             "do not. Cite a paper with the `cite:p` role and its key in `refs.bib` (add the "
             "entry there first). CONTRIBUTING.md shows every option; "
             "`nox -s html` checks the page.")
    item_body = (f"Replace this item with the {what}'s first entry: its title as the argument "
                 "above, a `:kind:` (" + ", ".join(ITEM_KINDS) + "), its `:topics:`, a "
                 "`:url:` to the work itself, and two to five sentences in your own words on "
                 f"what it is and why the {what} picked it.")
    body = "\n\n".join([
        f"# {title}",
        _fill(guide),
        section,
        _fill(section_note),
        f"```{{kb:item}} Title of the paper, as the {what} gives it\n:kind: paper\n"
        f":topics: {topic}\n\n{_fill(item_body)}\n```",
    ])
    return title, front + "\n\n" + body + "\n"


def series_index(kind: str, spec: Series, entry: str) -> str:
    name, url, series = spec.name, spec.url, spec.slug
    what = "a newsletter" if kind == "newsletter" else "a series of year reviews"
    filed = "Its issues are filed here by year." if kind == "newsletter" else \
        "Its reviews are listed here newest first."
    home = f" Its home is [{url}]({url})." if url else ""
    heading = "Every issue in order" if kind == "newsletter" else "Every review in order"
    about = (f"{name} is {what}.{home} {filed} Replace these sentences with a description "
             "of the series: who publishes it, how often, and what it covers.")
    return "\n\n".join([
        f"# {name}", _fill(about), f"## {heading}", f"```{{kb:archive}} {series}\n```",
        toctree_block([entry], [":hidden:"]),
    ]) + "\n"


def year_index(name: str, year: int, issue_entry: str) -> str:
    return "\n\n".join([
        f"# {name} in {year}",
        _fill(f"The issues of {name} from {year} that are in this knowledge base."),
        toctree_block([issue_entry], [":maxdepth: 1"]),
    ]) + "\n"
