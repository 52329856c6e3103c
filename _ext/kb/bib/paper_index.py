"""References: refs.bib and citation checks, and the paper index directive.

sphinxcontrib-bibtex parses refs.bib, formats every cited entry once (after each
read, for the one global bibliography) and resolves the cite roles. This module
checks the bib file with line numbers and every citation key, and places the
global bibliography as the paper index (render.decorate_paper_index adds
"discussed in" and groups it by year).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinxcontrib.bibtex.directives import BibliographyDirective

from ..build.domain import kb_domain
from ..compat import bibtex as upstream
from ..compat.bibtex import hold_pybtex_errors, release_pybtex_errors
from ..model.records import Citation
from ..views.nodes import view
from . import bibfile
from .cite_domain import cite_domain
from .labels import PAPER_INDEX_STYLE

logger = logging.getLogger(__name__)

# Each entry's anchor is made from its cite key (sphinxcontrib-bibtex's `bibtex_cite_id`,
# which docutils' make_id turns into an id: `references.html#paper-jumper2021alphafold`).
# Left empty, as its default is, docutils numbers the entries (`#id7`), and every anchor
# after an entry added to refs.bib shifts, breaking the links readers shared.
PAPER_ID = "paper-{key}"


def name_entries_by_key(app: Sphinx, config: Config) -> None:
    """`bibtex_cite_id` defaults to PAPER_ID; a value of the project's own is kept, but
    one without `{key}` would number the anchors again, so it is reported."""
    if not config.bibtex_cite_id:
        config.bibtex_cite_id = PAPER_ID
    elif "{key}" not in config.bibtex_cite_id:
        logger.warning(f"bibtex_cite_id = {config.bibtex_cite_id!r} has no '{{key}}': the paper "
                       "index's anchors change whenever refs.bib does; leave it unset (the kb "
                       f"extension uses {PAPER_ID!r}) or include '{{key}}'",
                       type="kb", subtype="config")


def paper_anchor(config: Config, key: str) -> str | None:
    """The id the entry of `key` gets (None: the configured template does not say)."""
    try:
        return nodes.make_id(config.bibtex_cite_id.format(bibliography_count=1, key=key))
    except (KeyError, IndexError, ValueError):
        return None


def check_anchors(config: Config, path: Path, lines: dict[str, int]) -> None:
    """Two keys that make one id ('Jumper2021' and 'jumper2021'): the second entry would get
    no anchor of its own, so each such key is reported at its line."""
    if "{key}" not in config.bibtex_cite_id:
        return  # reported once, by name_entries_by_key
    first: dict[str, str] = {}
    for key, line in sorted(lines.items(), key=lambda kv: (kv[1], kv[0])):
        anchor = paper_anchor(config, key)
        if not anchor:
            continue
        if anchor in first:
            logger.warning(f"entry {key!r} gets the anchor {anchor!r} of entry {first[anchor]!r} "
                           f"(line {lines[first[anchor]]}): rename one of the keys, which make "
                           "the same id once lowercased and with punctuation as hyphens",
                           location=f"{path}:{line}", type="kb", subtype="bib_anchor")
        else:
            first[anchor] = key


def bib_paths(app: Sphinx) -> list[Path]:
    return [(Path(app.confdir) / name).resolve() for name in app.config.bibtex_bibfiles or ()]


def hold_bib_errors(app: Sphinx) -> None:
    """Let sphinxcontrib-bibtex load a bib file with a malformed entry.

    pybtex raises on the first syntax error, which stops the build with a
    traceback; while it is capturing, it skips the entry and loads the rest.
    `check_bibfiles` (connected after sphinxcontrib-bibtex) ends the capture and
    reports each problem with its line instead.
    """
    hold_pybtex_errors()


def check_bibfiles(app: Sphinx) -> None:
    """Report every problem of the bib files, with its line (on every build)."""
    release_pybtex_errors()
    # sphinxcontrib-bibtex's author-year style raises (and stops the build) on an
    # entry with no author, editor or title, which is what a malformed entry leaves
    # behind; name such an entry by its key, reported below with its line.
    for key, entry in cite_domain(app.env).bibdata.data.entries.items():
        if not entry.persons and "title" not in entry.fields:
            entry.fields["title"] = f"[{key}: incomplete entry, see refs.bib]"
    checked = kb_domain(app.env).bibcheck
    for path in bib_paths(app):
        if not path.exists():
            continue  # sphinxcontrib-bibtex reports a missing file itself
        lines, problems = _checked(checked, path)
        for problem in problems:
            logger.warning(problem.message, location=f"{path}:{problem.line}",
                           type="kb", subtype=problem.subtype)
        check_anchors(app.config, path, lines)


def reload_bib_files(app: Sphinx) -> bool:
    """Before another build on an application that has built (the live preview's warm
    rebuild): the bib files read and checked as a new application reads them when its
    builder is set up (`builder-inited` comes once per application). False when
    sphinxcontrib-bibtex's loading is not there to call (compat/bibtex.py reports it)."""
    if upstream.load_bib_files is None:
        return False
    hold_bib_errors(app)
    try:
        upstream.load_bib_files(app)
    finally:
        check_bibfiles(app)
    return True


def _checked(checked: dict[str, Any], path: Path) -> tuple[dict[str, int], list[Any]]:
    """(line of each entry, problems) of a bib file, read again only when it changed."""
    mtime = path.stat().st_mtime_ns
    found = checked.get(str(path))
    if found is None or found[0] != mtime:
        entries, problems = bibfile.read(path)
        found = checked[str(path)] = (mtime, {k: e.line for k, e in entries.items()}, problems)
    return found[1], found[2]


def check_citations(env: BuildEnvironment, citations: dict[str, list[Citation]]) -> None:
    """Unknown keys (with a suggestion) and entries nobody cites; on every build.

    `citations` holds every cite role of every page, in items or not (an item's
    `:cites:` option is written as a cite role too), so each is checked once.
    """
    cite = cite_domain(env)
    known = set(cite.bibdata.data.entries)
    cited: set[str] = set()
    for docname in sorted(citations):
        for citation in citations[docname]:
            cited.add(citation.key)
            if citation.key not in known:
                logger.warning(bibfile.unknown_key(citation.key, known),
                               location=(docname, citation.line), type="kb", subtype="citation")
    bibfiles = cite.bibdata.bibfiles
    checked = kb_domain(env).bibcheck
    for path, loaded in bibfiles.items():
        uncited = [key for key in loaded.keys if key not in cited]
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
        # numbered in the order the paper index shows them (bib/labels.py)
        self.options.setdefault("style", PAPER_INDEX_STYLE)
        box = nodes.container(classes=["kb-paper-index"])
        box.extend(super().run())
        return [box, view("paper-index", "", self.env.docname)]


def setup_paper_index(app: Sphinx) -> None:
    app.add_directive_to_domain("kb", "paper-index", PaperIndexDirective)
    app.connect("config-inited", name_entries_by_key)
    # around sphinxcontrib-bibtex's loading of the bib files (priority 500)
    app.connect("builder-inited", hold_bib_errors, priority=400)
    app.connect("builder-inited", check_bibfiles, priority=600)
