"""The building blocks every view is rendered from: links, headings, lists, paragraphs,
citations, a page's line, where an entry comes from. Plain docutils nodes, with each link
made for the builder at hand (`LinkMaker`, linking.py)."""

from __future__ import annotations

from collections.abc import Iterable

from docutils import nodes

from .data import Link, PageLine, Source
from .linking import LinkMaker
from .nodes import joined


def link_text(link: Link, make: LinkMaker) -> list[nodes.Node]:
    return [make(link, [nodes.Text(link.text)])]


def emphasised(link: Link, make: LinkMaker) -> list[nodes.Node]:
    return [make(link, [nodes.emphasis("", link.text)])]


def heading(text: str, level: int, classes: list[str], ids: list[str] | None = None) -> nodes.rubric:
    rubric = nodes.rubric(text, text, classes=classes, ids=ids or [])
    rubric["heading-level"] = level
    return rubric


def bullets(paragraphs: Iterable[nodes.paragraph], classes: list[str]) -> nodes.bullet_list:
    found = nodes.bullet_list(classes=classes)
    for para in paragraphs:
        found += nodes.list_item("", para)
    return found


def paragraph(children: list[nodes.Node], classes: list[str] | None = None) -> nodes.paragraph:
    return nodes.paragraph("", "", *children, classes=classes or [])


def citations(cites: tuple[Link, ...], make: LinkMaker) -> nodes.inline:
    """'[Jumper et al., 2021; Evans et al., 2021]', each linked to its entry.

    Written directly rather than as cite roles: sphinxcontrib-bibtex resolves each of
    those by scanning every citation, and the generated views would add thousands.
    """
    box = nodes.inline(classes=["kb-citations"])
    box += nodes.Text("[")
    box.extend(joined((link_text(c, make) if c.docname else [nodes.Text(c.text)] for c in cites), "; "))
    box += nodes.Text("]")
    return box


def page_line(line: PageLine, make: LinkMaker) -> list[nodes.Node]:
    """'Title (newsletter), October 2021'."""
    out = [*link_text(line.link, make), nodes.Text(f" ({line.kind})")]
    if line.date:
        out.append(nodes.Text(f", {line.date}"))
    return out


def source_line(source: Source, make: LinkMaker) -> list[nodes.Node]:
    """'Item title, in *Page title*', or 'Page title'."""
    if source.item is None:
        return link_text(source.page, make)
    return [*link_text(source.item, make), nodes.Text(", in "), *emphasised(source.page, make)]


def count_entries(n: int) -> str:
    return f"{n} {'entry' if n == 1 else 'entries'}"
