"""Sphinx: what the extension uses of it beyond its documented API (doc/extdev/).

Used directly elsewhere, because Sphinx documents them: the application's add_*,
connect and emit; the environment's config, found_docs (read), titles, docname,
current_document and doc2path; the builder's name, format, outdir, get_target_uri and
get_relative_uri; the template bridge's newest_template_mtime; the events.

Used only through this module:
- the HTML builder's `build_info` (its `config_hash` and `tags_hash`): what the
  whole-site files (stamps.py) and the part pages are keyed on;
- `builder.templates`, where the template bridge is kept, and the bridge's Jinja
  `environment` (template_cache.py gives it a bytecode cache);
- the HTML builder's `get_outfilename`, `out_suffix`, `render_partial`, `imagedir` and
  `search` (the part pages, the chart files earlier versions published, the search);
- `env.toctree_includes` and `env.collect_relations()`, the toctree structure
  (navigation.py, schedule.py, safety.py);
- `env.all_docs`, `env.clear_doc` and removing a page from `env.found_docs`: how
  safety.py leaves out a page it cannot read;
- `env.config_status` and `CONFIG_OK` (stamps.py), `sphinx.util.osutil.relative_uri`,
  and `patch_docutils` / `docutils_namespace`, which cli/lint.py runs Sphinx inside;
- `Config.read` and `sphinx.util.tags.Tags`: conf.py run as sphinx-build runs it, for the
  scaffold, which reads `kb_series` without a build.
- the LaTeX builder's `document_data` (the `latex_documents` entries it writes, after
  `init_document_data`), `docnames` (the documents of the book being written: what a
  reference may link to, what the domain indices list), that `write_documents` writes one
  book per entry, and its `assemble_doctree`, re-done by `assemble_book` with
  `inline_all_toctrees`, and the `thebibliography` node it gathers the citations in
  (build/volumes.py writes the book in volumes).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.builders.latex import LaTeXBuilder
from sphinx.environment import BuildEnvironment
from sphinx.locale import _, __
from sphinx.util import logging
from sphinx.util.docutils import new_document

from .shape import Mismatch, lookup, missing, signature_problem, source_digest

PACKAGE = "Sphinx"

# -- the HTML builder -------------------------------------------------------------------


def build_hashes(builder: Any) -> tuple[str, str] | None:
    """The digests of the configuration and the tags that the HTML builder keeps in
    .buildinfo (None for other builders: what depends on them is then always written)."""
    info = getattr(builder, "build_info", None)
    config_hash = getattr(info, "config_hash", None)
    if config_hash is None:
        return None
    return str(config_hash), str(getattr(info, "tags_hash", ""))


def newest_template_mtime(builder: Any) -> float:
    """When the newest template was changed (0.0 for a builder without templates)."""
    templates = getattr(builder, "templates", None)
    return templates.newest_template_mtime() if templates is not None else 0.0


def jinja_environment(builder: Any) -> Any | None:
    """The Jinja environment of Sphinx's own template bridge (None for another bridge,
    or a builder without templates)."""
    return getattr(getattr(builder, "templates", None), "environment", None)


def renders_fragments(builder: Any) -> bool:
    """Whether `builder` renders a docutils node to an HTML fragment (HTML builders)."""
    return callable(getattr(builder, "render_partial", None))


def render_fragment(builder: Any, node: nodes.Node) -> str:
    return builder.render_partial(node)["fragment"]


def output_path(builder: Any, pagename: str) -> Path:
    """The file the HTML builder writes page `pagename` to."""
    return Path(builder.get_outfilename(pagename))


def output_suffix(builder: Any) -> str:
    return builder.out_suffix


def image_folder(builder: Any) -> str:
    """The images' folder in the output, relative to it ("_images" in HTML)."""
    return builder.imagedir


def switch_off_builtin_search(builder: Any) -> None:
    """No search index written and no page indexed as it is written."""
    builder.search = False


def relative_uri(base: str, to: str) -> str:
    """The URI of `to` relative to the page at `base` (both relative to the site)."""
    return lookup("sphinx.util.osutil", "relative_uri")(base, to)


# -- the environment --------------------------------------------------------------------


def toctree_children(env: BuildEnvironment) -> Mapping[str, list[str]]:
    """Each page's toctree entries, in order (read, never changed)."""
    return env.toctree_includes


def document_relations(env: BuildEnvironment) -> dict[str, list[str | None]]:
    """docname -> [parent, previous, next], as Sphinx makes the previous/next links."""
    return env.collect_relations()


def configuration_unchanged(env: BuildEnvironment) -> bool:
    """Whether the configuration is the one the environment was last built with."""
    unchanged = lookup("sphinx.environment", "CONFIG_OK")
    return unchanged is not None and getattr(env, "config_status", None) == unchanged


def leave_out_document(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    """Forget what earlier builds knew of `docname` and leave it out of this build: no
    writer asks for it, and a toctree listing it warns (at env-before-read-docs)."""
    if docname in env.all_docs:
        app.emit("env-purge-doc", env, docname)
        env.clear_doc(docname)
    env.found_docs.discard(docname)


def read_configuration(root: Path) -> Any:
    """The configuration of the project at `root` (its conf.py run), with no overrides or tags."""
    config_class = lookup("sphinx.config", "Config")
    tags = lookup("sphinx.util.tags", "Tags")
    return config_class.read(root, overrides={}, tags=tags())


@contextlib.contextmanager
def sphinx_in_process(confdir: Path) -> Iterator[None]:
    """What sphinx-build sets up around a build, for a build run in this process."""
    patch_docutils = lookup("sphinx.util.docutils", "patch_docutils")
    docutils_namespace = lookup("sphinx.util.docutils", "docutils_namespace")
    with patch_docutils(confdir), docutils_namespace():
        yield


# -- the LaTeX builder: the book in volumes (build/volumes.py) ------------------------------

logger = logging.getLogger(__name__)
# Sphinx 9.0's LaTeXBuilder.assemble_doctree, which assemble_book re-does: the sha256 of its
# source, dedented (shape.source_digest)
ASSEMBLE_DOCTREE = "f159a48faafe799d741fefe479e42796c113f698e5f336b06135c0ca1e50d251"


def book_entries(builder: Any) -> list[tuple[Any, ...]]:
    """The `latex_documents` entries the LaTeX builder writes, one book each."""
    return list(builder.document_data)


def set_book_entries(builder: Any, entries: list[tuple[Any, ...]]) -> None:
    builder.document_data = list(entries)


def book_documents(builder: Any) -> set[str]:
    """The documents of the book being written (after its toctrees are inlined)."""
    return set(builder.docnames)


def set_book_documents(builder: Any, docnames: set[str]) -> None:
    """The documents of the book being written: a reference to another one is text, and
    the domain indices list only these."""
    builder.docnames = set(docnames)


def book_bibliographies(doctree: nodes.document) -> list[nodes.Element]:
    """Where the LaTeX builder gathered the book's citations (its `thebibliography` nodes)."""
    bibliography = lookup("sphinx.builders.latex.nodes", "thebibliography")
    return list(doctree.findall(bibliography)) if bibliography is not None else []


def assemble_book(builder: Any, indexfile: str, toctree_only: bool, appendices: list[str],
                  left_out: set[str], resolving: Any, resolved: Any) -> nodes.document:
    """Sphinx's LaTeXBuilder.assemble_doctree, but the documents `left_out` are neither read
    nor inlined where a toctree lists them, and the tree goes to `resolving(tree)` before its
    references are resolved and to `resolved(tree)` after."""
    inline_all_toctrees = lookup("sphinx.util.nodes", "inline_all_toctrees")
    darkgreen = lookup("sphinx._cli.util.colour", "darkgreen") or str
    builder.docnames = {indexfile, *appendices}
    logger.info(darkgreen(indexfile))
    tree = builder.env.get_doctree(indexfile)
    tree["docname"] = indexfile
    if toctree_only:
        new_tree = new_document("<latex output>")
        new_sect = nodes.section()
        new_sect += nodes.title("<Set title in conf.py>", "<Set title in conf.py>")
        new_tree += new_sect
        for node in tree.findall(addnodes.toctree):
            new_sect += node
        tree = new_tree
    # a document already traversed is not inlined again: the left-out ones count as such
    largetree = inline_all_toctrees(builder, builder.docnames, indexfile, tree, darkgreen,
                                    [indexfile, *sorted(left_out)])
    largetree["docname"] = indexfile
    for docname in appendices:
        appendix = builder.env.get_doctree(docname)
        appendix["docname"] = docname
        largetree.append(appendix)
    logger.info("")
    logger.info(__("resolving references..."))
    resolving(largetree)
    builder.env.resolve_references(largetree, indexfile, builder)
    resolved(largetree)
    # resolve :ref:s to distant tex files -- we can't add a cross-reference,
    # but append the document name
    for pendingnode in largetree.findall(addnodes.pending_xref):
        docname = pendingnode["refdocname"]
        sectname = pendingnode["refsectname"]
        newnodes: list[nodes.Node] = [nodes.emphasis(sectname, sectname)]
        for subdir, title in builder.titles:
            if docname.startswith(subdir):
                newnodes.extend((nodes.Text(_(" (in ")), nodes.emphasis(title, title),
                                 nodes.Text(")")))
                break
        pendingnode.replace_self(newnodes)
    return largetree


# -- the check ----------------------------------------------------------------------------

STAMPS = ("the feeds and kb.json are written on every build, and a change of the "
          "configuration or templates alone does not rewrite a part of a split view")
TEMPLATES = "templates are compiled again in every build (no bytecode cache)"
NO_PARTS = "the parts of split views are not written: their parent pages link to no page"
PARTS = "the build stops where it writes the parts of split views or runs Pagefind"
SEARCH = "Sphinx's own search index is written beside Pagefind's"
CHARTS = "the build stops where it removes the chart files earlier versions published"
TOCTREE = "the build stops where it renders the sidebar or schedules what an edit rewrites"
UNREADABLE = "the build stops where it leaves out a page that is not UTF-8"
VOLUMES = ("the book's volumes are assembled as an earlier Sphinx assembled a book, or the "
           "build stops where it writes them")


def check(app: Sphinx) -> list[Mismatch]:
    found: list[Mismatch] = []

    def expect(problem: str | None, what: str, degrades: str) -> None:
        if problem:
            found.append(Mismatch(PACKAGE, f"{what} {problem}", degrades))

    builder, env = app.builder, app.env
    if isinstance(builder, StandaloneHTMLBuilder):
        expect("is gone" if build_hashes(builder) is None else None,
               "the HTML builder's build_info.config_hash", STAMPS)
        templates = getattr(builder, "templates", None)
        expect("is gone" if templates is None else None, "the HTML builder's templates",
               STAMPS)
        bridge = lookup("sphinx.jinja2glue", "BuiltinTemplateLoader")
        if bridge is not None and isinstance(templates, bridge):
            expect("is gone" if jinja_environment(builder) is None else None,
                   "BuiltinTemplateLoader.environment", TEMPLATES)
        expect(signature_problem(getattr(builder, "get_outfilename", None), "pagename"),
               "StandaloneHTMLBuilder.get_outfilename", PARTS)
        expect(signature_problem(getattr(builder, "render_partial", None), "node"),
               "StandaloneHTMLBuilder.render_partial", NO_PARTS)
        for name, degrades in (("out_suffix", PARTS), ("imagedir", CHARTS),
                               ("search", SEARCH)):
            expect("is gone" if missing(builder, name) else None,
                   f"StandaloneHTMLBuilder.{name}", degrades)
    expect("is gone" if not isinstance(getattr(env, "toctree_includes", None), dict) else None,
           "BuildEnvironment.toctree_includes", TOCTREE)
    expect(signature_problem(getattr(env, "collect_relations", None)),
           "BuildEnvironment.collect_relations", TOCTREE)
    expect(signature_problem(getattr(env, "clear_doc", None), "docname"),
           "BuildEnvironment.clear_doc", UNREADABLE)
    expect("is gone" if missing(env, "all_docs") else None, "BuildEnvironment.all_docs",
           UNREADABLE)
    expect(None if isinstance(env.found_docs, set) else "is no longer a set",
           "BuildEnvironment.found_docs", UNREADABLE)
    expect("is gone" if missing(env, "config_status") or lookup(
        "sphinx.environment", "CONFIG_OK") is None else None,
        "BuildEnvironment.config_status or CONFIG_OK", STAMPS)
    expect(signature_problem(lookup("sphinx.util.osutil", "relative_uri"), "base", "to"),
           "sphinx.util.osutil.relative_uri",
           "the build stops where it writes the subscribe links of feeds")
    expect(signature_problem(lookup("sphinx.util.docutils", "patch_docutils"), "confdir")
           or signature_problem(lookup("sphinx.util.docutils", "docutils_namespace")),
           "sphinx.util.docutils.patch_docutils or docutils_namespace",
           "`nox -s lint` stops before it runs the build")
    expect(None if source_digest(getattr(LaTeXBuilder, "assemble_doctree", None))
           == ASSEMBLE_DOCTREE else "has changed", "LaTeXBuilder.assemble_doctree", VOLUMES)
    expect(signature_problem(lookup("sphinx.util.nodes", "inline_all_toctrees"), "builder",
                             "docnameset", "docname", "tree", "colorfunc", "traversed"),
           "sphinx.util.nodes.inline_all_toctrees", VOLUMES)
    expect(signature_problem(getattr(LaTeXBuilder, "write_documents", None), "self",
                             "_docnames")
           or signature_problem(getattr(LaTeXBuilder, "init_document_data", None), "self"),
           "LaTeXBuilder.write_documents or init_document_data", VOLUMES)
    expect("is gone" if lookup("sphinx.builders.latex.nodes", "thebibliography") is None
           else None, "sphinx.builders.latex.nodes.thebibliography", VOLUMES)
    if isinstance(builder, LaTeXBuilder):
        expect("is gone" if missing(builder, "document_data", "docnames") else None,
               "LaTeXBuilder.document_data or docnames", VOLUMES)
    config_class = lookup("sphinx.config", "Config")
    expect(signature_problem(getattr(config_class, "read", None), "confdir", "*", "overrides",
                             "tags")
           or ("is gone" if lookup("sphinx.util.tags", "Tags") is None else None),
           "sphinx.config.Config.read or sphinx.util.tags.Tags",
           "`nox -s new` stops before it writes a page")
    return found
