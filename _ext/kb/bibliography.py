"""References: refs.bib checks, papers from sphinxcontrib-bibtex, the paper index.

sphinxcontrib-bibtex parses refs.bib, formats every cited entry once (after each
read, for the one global bibliography) and resolves the cite roles. This module
reuses that work: it turns the formatted citations into `Paper` records for the
knowledge graph, checks the bib file with line numbers, and decorates the global
bibliography into the paper index ("discussed in", grouped by year).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import pybtex.errors
from docutils import nodes
from pybtex.plugin import find_plugin
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinxcontrib.bibtex.directives import BibliographyDirective

from . import bibcheck
from .model import Author, Citation, KnowledgeGraph, Paper, author_key
from .nodes import view

logger = logging.getLogger(__name__)
PLAINTEXT = find_plugin("pybtex.backends", "plaintext")()


def bib_paths(app: Sphinx) -> list[Path]:
    return [(Path(app.confdir) / name).resolve() for name in app.config.bibtex_bibfiles or ()]


def hold_bib_errors(app: Sphinx) -> None:
    """Let sphinxcontrib-bibtex load a bib file with a malformed entry.

    pybtex raises on the first syntax error, which stops the build with a
    traceback; while it is capturing, it skips the entry and loads the rest.
    `check_bibfiles` (connected after sphinxcontrib-bibtex) ends the capture and
    reports each problem with its line instead.
    """
    pybtex.errors.captured_errors = []


def check_bibfiles(app: Sphinx) -> None:
    """Report every problem of the bib files, with its line (on every build)."""
    pybtex.errors.captured_errors = None
    # sphinxcontrib-bibtex's author-year style raises (and stops the build) on an
    # entry with no author, editor or title, which is what a malformed entry leaves
    # behind; name such an entry by its key, reported below with its line.
    cite = cast(Any, app.env.get_domain("cite"))
    for key, entry in cite.bibdata.data.entries.items():
        if not entry.persons and "title" not in entry.fields:
            entry.fields["title"] = f"[{key}: incomplete entry, see refs.bib]"
    checked = cast(Any, app.env.get_domain("kb")).data["bibcheck"]
    for path in bib_paths(app):
        if not path.exists():
            continue  # sphinxcontrib-bibtex reports a missing file itself
        problems = _checked(checked, path)[1]
        for problem in problems:
            logger.warning(problem.message, location=f"{path}:{problem.line}",
                           type="kb", subtype=problem.subtype)


def _checked(checked: dict[str, Any], path: Path) -> tuple[dict[str, int], list[Any]]:
    """(line of each entry, problems) of a bib file, read again only when it changed."""
    mtime = path.stat().st_mtime_ns
    found = checked.get(str(path))
    if found is None or found[0] != mtime:
        entries, problems = bibcheck.read(path)
        found = checked[str(path)] = (mtime, {k: e.line for k, e in entries.items()}, problems)
    return found[1], found[2]


def _year(entry: Any) -> int | None:
    digits = "".join(c for c in entry.fields.get("year", "") if c.isdigit())
    return int(digits[:4]) if len(digits) >= 4 else None


def _plain(latex: str) -> str:
    # braces only protect capitals; pybtex's full LaTeX parser costs ~20 ms a call
    return " ".join(latex.replace("{", "").replace("}", "").split())


def papers(env: BuildEnvironment) -> dict[str, Paper]:
    """Every cited work, from the citations sphinxcontrib-bibtex formatted for this build."""
    cite = cast(Any, env.get_domain("cite"))
    found: dict[str, Paper] = {}
    for citation in cite.citations:
        entry = citation.entry
        authors = tuple(
            Author(author_key(" ".join(p.first_names + p.middle_names),
                              " ".join(p.prelast_names + p.last_names)), _plain(str(p)))
            for p in entry.persons.get("author", ())
        )
        found[citation.key] = Paper(
            key=citation.key,
            title=_plain(entry.fields.get("title", citation.key)),
            text=citation.formatted_entry.text.render(PLAINTEXT),
            year=_year(entry),
            authors=authors,
            doi=entry.fields.get("doi"),
            eprint=entry.fields.get("eprint"),
            url=entry.fields.get("url"),
            docname=citation.bibliography_key.docname,
            anchor=citation.citation_id,
        )
    return found


def check_citations(env: BuildEnvironment, citations: dict[str, list[Citation]]) -> None:
    """Unknown keys (with a suggestion) and entries nobody cites; on every build.

    `citations` holds every cite role of every page, in items or not (an item's
    `:cites:` option is written as a cite role too), so each is checked once.
    """
    cite = cast(Any, env.get_domain("cite"))
    known = set(cite.bibdata.data.entries)
    cited: set[str] = set()
    for docname in sorted(citations):
        for citation in citations[docname]:
            cited.add(citation.key)
            if citation.key not in known:
                logger.warning(bibcheck.unknown_key(citation.key, known),
                               location=(docname, citation.line), type="kb", subtype="citation")
    bibfiles = cite.bibdata.bibfiles
    checked = cast(Any, env.get_domain("kb")).data["bibcheck"]
    for path, bibfile in bibfiles.items():
        uncited = [key for key in bibfile.keys if key not in cited]
        if not uncited or not Path(path).exists():
            continue
        lines, _ = _checked(checked, Path(path))
        for key in uncited:
            if key not in lines:
                continue  # a malformed entry, reported as such
            line = lines[key]
            logger.warning(f"entry {key!r} is not cited anywhere: cite it from an item or "
                           "remove it (silence with suppress_warnings = ['kb.bib_uncited'])",
                           location=f"{path}:{line}" if line else str(path),
                           type="kb", subtype="bib_uncited")


class PaperIndexDirective(BibliographyDirective):
    """The global bibliography, shown as the paper index.

    It is sphinxcontrib-bibtex's `bibliography` (cited entries only), so every cite
    role in the site links to its entry here; at write time each entry gets the
    items and pages that discuss it, and in HTML the entries are grouped by year.
    """

    optional_arguments = 0
    has_content = False
    option_spec: dict[str, Any] = {}

    def run(self) -> list[nodes.Node]:
        box = nodes.container(classes=["kb-paper-index"])
        box.extend(super().run())
        return [box, view("paper-index", self.env.docname)]


def decorate_paper_index(document: nodes.document, graph: KnowledgeGraph, builder_format: str,
                         discussed_in: Any) -> None:
    """Add "discussed in" to each entry; group the entries by year (HTML)."""
    by_anchor = {paper.anchor: paper for paper in graph.papers.values()}
    for box in document.findall(nodes.container):
        if "kb-paper-index" not in box["classes"]:
            continue
        entries = [c for c in box.findall(nodes.citation) if c["ids"] and c["ids"][0] in by_anchor]
        for entry in entries:
            entry += discussed_in(by_anchor[entry["ids"][0]])
        if builder_format == "latex":
            continue  # LaTeX gathers all citations into the book's bibliography
        for entry in entries:
            entry.parent.remove(entry)
        box.children = []  # the (now empty) list sphinxcontrib-bibtex made
        order = {c["ids"][0]: c for c in entries}
        for year, group in graph.papers_by_year():
            heading = nodes.rubric(str(year or "Undated"), str(year or "Undated"),
                                   classes=["kb-paper-year"])
            heading["heading-level"] = 2
            box += heading
            box += [order[p.anchor] for p in group if p.anchor in order]
