"""The book in volumes: Sphinx's LaTeX builder, writing one PDF per year past a size.

Sphinx's LaTeX builder writes one book per `latex_documents` entry, inlining the toctrees
of the entry's start document. `VolumeLaTeXBuilder` takes its place (the same builder,
`latex`) and does just that while the book is one PDF. When `kb_book_volumes` splits it
(model/volumes.py says into which volumes):

- each `latex_documents` entry becomes one per volume: the same start document (book.md),
  the target `<name>-<year>.tex`, the title `<title>, volume <year>` (the title page and
  the PDF's metadata say which volume it is);
- a volume is assembled as Sphinx assembles a book, but the reviews and issues of other
  years are neither read nor inlined, nor the pages whose toctree then lists nothing (a
  series' page of another year), so a volume costs what it holds;
- a paragraph after the contents says what the volume holds;
- a reference to a page of another volume resolves as in one book (the page's title),
  then is written as text naming that volume: "weekly issue #52 (in volume 2020)"; so do
  the links the generated views make (`volume_note`);
- the collections a volume shows are written from the knowledge graph of what it holds
  (`written_graph`): topic listings, the archive, the paper and author indexes and the
  bibliography show that volume's content, and the topic index (a domain index, which
  Sphinx gives the book's documents) lists that volume's entries. What is about one page
  (its series neighbours, related pages, what references it) and the busiest topics' trend
  are as in the whole knowledge base (views.data.AS_IN_THE_WHOLE), a page of another volume
  named with its volume; each topic's trend across the years is left out
  (views.data.NOT_IN_A_VOLUME).

A review or issue without a date is placed by its `year`, or in the newest volume, with a
warning (`kb.volume`) at its page: never left out.
"""

from __future__ import annotations

from collections.abc import Set
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders.latex import LaTeXBuilder

from ..compat.bibtex import bibliographies_as_read
from ..compat.sphinx import (
    assemble_book,
    book_documents,
    book_entries,
    set_book_documents,
    set_book_entries,
    toctree_children,
)
from ..model.graph import KnowledgeGraph
from ..model.volumes import Volume, VolumePlan, left_out, plan_volumes
from .config import kb_config
from .domain import kb_domain
from .reading import warn


def volume_entry(entry: tuple[Any, ...], volume: Volume) -> tuple[Any, ...]:
    """A `latex_documents` entry, for one volume: its file and its title say which."""
    start, target, title, *rest = entry
    return (start, f"{str(target).removesuffix('.tex')}-{volume.label}.tex",
            f"{title}, volume {volume.label}", *rest)


class VolumeLaTeXBuilder(LaTeXBuilder):
    """Sphinx's LaTeX builder, writing the book as one PDF per volume once it is split."""

    plan = VolumePlan()  # this build's volumes (none: one book)
    volume: Volume | None = None  # the volume being written
    volume_graph: KnowledgeGraph | None = None  # what it holds, indexed
    _volumes: dict[str, Volume]  # each entry's target file -> its volume

    def init_document_data(self) -> None:
        super().init_document_data()
        self.plan, problems = plan_volumes(kb_config(self.config).book_volumes,
                                           kb_domain(self.env).pages)
        for docname, problem in problems:
            warn(problem.message, docname, problem.line, problem.subtype)
        split = [(volume_entry(entry, volume), volume) for entry in book_entries(self)
                 for volume in self.plan.volumes]
        if split:
            self._volumes = {entry[1]: volume for entry, volume in split}
            set_book_entries(self, [entry for entry, _ in split])

    def write_documents(self, docnames: Set[str]) -> None:
        if not self.plan.volumes:
            super().write_documents(docnames)
            return
        entries = book_entries(self)
        try:
            for entry in entries:  # Sphinx's writing of a book, one volume at a time
                self.volume = self._volumes[entry[1]]
                set_book_entries(self, [entry])
                with bibliographies_as_read(self.env):
                    super().write_documents(docnames)
        finally:
            set_book_entries(self, entries)
            self.volume = self.volume_graph = None

    def assemble_doctree(self, indexfile: str, toctree_only: bool,
                         appendices: list[str]) -> nodes.document:
        volume = self.volume
        if volume is None:
            return super().assemble_doctree(indexfile, toctree_only, appendices)
        elsewhere = left_out(self.plan, volume, toctree_children(self.env)) - {indexfile}
        printed: set[str] = set()

        def resolving(tree: nodes.document) -> None:
            printed.update(book_documents(self))
            introduce(tree, volume, len(volume.docnames & printed))
            self.volume_graph = kb_domain(self.env).graph_of(printed)
            # a reference to another volume's page resolves as in one book, with its title
            set_book_documents(self, printed | elsewhere)

        def resolved(tree: nodes.document) -> None:
            for reference in list(tree.findall(nodes.reference)):
                uri = reference.get("refuri", "")
                # the LaTeX builder's own references are '%<docname>#<anchor>'
                docname = uri[1:].partition("#")[0] if uri.startswith("%") else None
                if docname is not None and docname not in printed:
                    reference.replace_self(nodes.inline("", "", *reference.children,
                                                        *volume_note(self, docname)))
            set_book_documents(self, printed)

        return assemble_book(self, indexfile, toctree_only, appendices, elsewhere, resolving,
                             resolved)


def introduce(tree: nodes.document, volume: Volume, pages: int) -> None:
    """What the volume holds, said where the book's root page starts (after the contents)."""
    what = "review or newsletter issue" if pages == 1 else "reviews and newsletter issues"
    text = (f"This volume holds the {pages} {what} of the knowledge base published in "
            f"{volume.label}. Its topic listings, archive, paper and author indexes, "
            "bibliography and topic index cover these pages only; a page of another year is "
            "named with the volume that holds it.")
    paragraph = nodes.paragraph(text, text, classes=["kb-volume-intro"])
    root = tree.next_node(nodes.section)
    if root is not None and root.children and isinstance(root[0], nodes.title):
        root.insert(1, paragraph)
    else:
        tree.insert(0, paragraph)


def volume_note(builder: Any, docname: str) -> list[nodes.Node]:
    """Where a page left out of the volume being written is: ' (in volume 2020)'; nothing
    for a page that is no volume's (a navigation page, or one the book leaves out)."""
    if not isinstance(builder, VolumeLaTeXBuilder) or builder.volume is None:
        return []
    volume = builder.plan.volume_of(docname)
    if volume is None or volume == builder.volume:  # not of a year, or not in the book at all
        return []
    return [nodes.Text(f" (in volume {volume.label})")]


def writing_volume(builder: Any) -> bool:
    """Whether `builder` is writing a volume of the book (not one book, nor another output)."""
    return isinstance(builder, VolumeLaTeXBuilder) and builder.volume is not None


def written_graph(builder: Any) -> KnowledgeGraph:
    """What a page is written from: the whole knowledge base, or while a volume of the book
    is written, what that volume holds."""
    if isinstance(builder, VolumeLaTeXBuilder) and builder.volume_graph is not None:
        return builder.volume_graph
    return kb_domain(builder.env).graph


def setup_volumes(app: Sphinx) -> None:
    app.add_builder(VolumeLaTeXBuilder, override=True)
