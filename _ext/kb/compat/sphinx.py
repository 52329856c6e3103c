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
- the builders' `pickle` module (`sphinx.builders.pickle`), which `Builder.build` pickles
  the environment with after reading and before writing: the live preview stands in for
  it (`pickle_environment_aside`) so that a forked copy of the process writes the pickle
  while the pages are written;
- the HTML builder's `handle_finish`, which `finish` calls once every page is written (its
  finish tasks run as they are added): the live preview wraps it on its builder
  (`when_pages_written`) to reload the pages before the inventory is compressed and the
  whole-site files of `build-finished` are written;
- that `Builder.write` hands every page it writes to `write_documents` in one call, with
  the toctree parents of each (`env.files_to_rebuild`): the live preview wraps that on its
  builder (`write_some_first`) to write the documents the save changed before the others,
  and reload those pages at once, and adds the pages the extension names after them with
  their parents; and `sphinx.application.ENV_PICKLE_FILENAME`, the pickle a worker that
  ends in order writes again (`pickle_environment`);
- `sphinx.util.console`'s `color_terminal` and `nocolor`: the live preview's builds print
  without colour codes into a log, as sphinx-build does.
- what one application keeps from one build to the next, which the live preview's warm
  rebuilds (cli/warm_build.py) reset (`start_another_build`): the application's count of
  warnings (`_warncount`, which its summary reports) and its status code; the registry's
  `css_files` and `js_files`, where `app.add_css_file` and `app.add_js_file` also record a
  file a theme adds to one page as it is written (pydata-sphinx-theme's
  `DOCUMENTATION_OPTIONS.pagename`), and which the HTML builder adds to every page of each
  later build, and the HTML builder's own lists (`_css_files`, `_js_files`), which keep the
  last page's files into the next build; the environment's doctrees kept in memory (`_pickled_doctree_cache`, which
  sphinx.testing's own app clears before each build, and `_write_doc_doctree_cache`) and
  its `master_doctree`, a cached property that the global toctree is made from.
- the LaTeX builder's `document_data` (the `latex_documents` entries it writes, after
  `init_document_data`), `docnames` (the documents of the book being written: what a
  reference may link to, what the domain indices list), that `write_documents` writes one
  book per entry, and its `assemble_doctree`, re-done by `assemble_book` with
  `inline_all_toctrees`, and the `thebibliography` node it gathers the citations in
  (build/volumes.py writes the book in volumes).
- the parallel build's internals, for `-j N` (build/parallel.py): the builder's
  `_read_parallel`, `read_doc(..., _cache=False)`, `_write_parallel`, `_write_serial`,
  `write_doc` (what each writer calls for a page), `parallel_ok`, `_app` and `events`; the
  environment's `_app`, `clear_doc`, `merge_info_from` and `_pickled_doctree_cache`;
  `sphinx.util.parallel.ParallelTasks` and `sphinx.util.display.status_iterator`.
"""

from __future__ import annotations

import contextlib
import inspect
import os
import pickle
from collections.abc import Callable, Iterable, Iterator, Mapping
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


def plain_console_unless_terminal() -> None:
    """Sphinx's console colours off when its output is not a terminal (a log file), as
    sphinx-build switches them off (`color_terminal`, `nocolor`)."""
    color_terminal = lookup("sphinx.util.console", "color_terminal")
    nocolor = lookup("sphinx.util.console", "nocolor")
    if callable(color_terminal) and callable(nocolor) and not color_terminal():
        nocolor()


@contextlib.contextmanager
def sphinx_in_process(confdir: Path) -> Iterator[None]:
    """What sphinx-build sets up around a build, for a build run in this process."""
    patch_docutils = lookup("sphinx.util.docutils", "patch_docutils")
    docutils_namespace = lookup("sphinx.util.docutils", "docutils_namespace")
    with patch_docutils(confdir), docutils_namespace():
        yield


# -- another build on the same application --------------------------------------------

# The environment's caches that outlive a build in a process: the pickled doctrees read
# (the file of a page read again since is newer) and the doctrees the read phase hands to
# the writer; and `master_doctree`, cached at first use: the root page's toctree as it was.
DOCTREE_CACHES = ("_pickled_doctree_cache", "_write_doc_doctree_cache")
ROOT_DOCTREE = "master_doctree"


REGISTERED_ASSETS = ("css_files", "js_files")  # of app.registry
BUILDER_ASSETS = ("_css_files", "_js_files")  # of the HTML builder
_INITIAL_ASSETS = "_kb_initial_assets"  # on the app: the asset lists once it was made


def _asset_lists(app: Sphinx) -> dict[tuple[str, str], list]:
    found = {("registry", name): getattr(app.registry, name, None) for name in REGISTERED_ASSETS}
    found |= {("builder", name): getattr(app.builder, name, None) for name in BUILDER_ASSETS}
    return {key: value for key, value in found.items() if isinstance(value, list)}


def keep_initial_assets(app: Sphinx) -> None:
    """Note the style sheets and scripts registered, and those the HTML builder will link,
    by the time `app` is made (by the extensions' setup and `builder-inited`): what a
    fresh application starts each build with."""
    app.__dict__[_INITIAL_ASSETS] = {key: list(value) for key, value in _asset_lists(app).items()}


def start_another_build(app: Sphinx) -> None:
    """Make `app`, which has built before, ready to build again as a fresh application
    would: nothing read by an earlier build is taken for current, no page's own scripts
    are registered for every page, and the summary counts this build's warnings."""
    if isinstance(getattr(app, "_warncount", None), int):
        app._warncount = 0
    app.statuscode = 0
    initial = app.__dict__.get(_INITIAL_ASSETS, {})
    for key, assets in _asset_lists(app).items():
        if key in initial:
            assets[:] = initial[key]
    env = app.env
    for name in DOCTREE_CACHES:
        cache = getattr(env, name, None)
        if isinstance(cache, dict):
            cache.clear()
    env.__dict__.pop(ROOT_DOCTREE, None)


class EnvironmentPickledAside:
    """Stands for the `pickle` module in `sphinx.builders`, so that `Builder.build` pickles
    the environment in a forked copy of the process, not in it.

    Sphinx pickles the environment after reading and before writing (about 1.5 s at 2,000
    pages, on every build that read a page); the copy is an exact picture of the process
    at that moment (the pages are written, and the environment's data changed, only after),
    and writes the file on the other core while the pages are written. `wait` ends each
    copy's work; it is called before the next build and before the process ends, so no
    reader ever sees the pickle half written. Everything else is pickle's own."""

    def __init__(self, real: Any) -> None:
        self._real = real
        self._writers: list[tuple[int, str]] = []  # (process id, the pickle's path)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def dump(self, obj: Any, file: Any, *args: Any, **kwargs: Any) -> None:
        if not isinstance(obj, BuildEnvironment) or not hasattr(os, "fork"):
            self._real.dump(obj, file, *args, **kwargs)
            return
        file.flush()
        pid = os.fork()
        if pid == 0:  # the copy: write the pickle, then end at once (no cleanup of its own)
            code = 1
            try:
                self._real.dump(obj, file, *args, **kwargs)
                file.flush()
                code = 0
            finally:
                os._exit(code)
        self._writers.append((pid, str(getattr(file, "name", ""))))

    @property
    def pending(self) -> int:
        """The copies started and not yet waited for."""
        return len(self._writers)

    def wait(self) -> list[str]:
        """Wait for every copy still writing; returns the pickles that failed (deleted, so
        that the next application starts from a fresh environment)."""
        failed = []
        for pid, path in self._writers:
            _, status = os.waitpid(pid, 0)
            if os.waitstatus_to_exitcode(status) != 0 and path:
                Path(path).unlink(missing_ok=True)
                failed.append(path)
        self._writers.clear()
        return failed


def pickle_environment_aside() -> EnvironmentPickledAside | None:
    """From now on, this process's builds pickle the environment in a forked copy
    (`EnvironmentPickledAside`); None where Sphinx does not pickle it as expected (the
    builds then pickle it themselves, as always)."""
    import sphinx.builders as builders

    if pickle_aside_problem() or not hasattr(os, "fork"):
        return None
    aside = EnvironmentPickledAside(pickle)
    builders.pickle = aside
    return aside


def pickle_aside_problem() -> str | None:
    """Why `pickle_environment_aside` cannot stand in for Sphinx's pickling (None: it can)."""
    import sphinx.builders as builders

    found = getattr(builders, "pickle", None)
    if found is not pickle and not isinstance(found, EnvironmentPickledAside):
        return "sphinx.builders no longer imports pickle"
    try:
        source = inspect.getsource(builders.Builder.build)
    except (AttributeError, OSError, TypeError):
        return "Builder.build has no source to check"
    if "pickle.dump(self.env" not in source:
        return "Builder.build no longer pickles the environment with pickle.dump"
    return None


def when_pages_written(app: Sphinx, callback: Any) -> bool:
    """Call `callback()` in each build of `app` once every page is written: just before the
    HTML builder's `handle_finish` (its inventory and search index, after every page,
    the static files and the images). False where the builder has none as expected (the
    caller then waits for `build-finished`)."""
    builder = app.builder
    if handle_finish_problem(builder):
        return False
    finish = builder.handle_finish

    def handle_finish() -> None:
        callback()
        finish()

    builder.handle_finish = handle_finish
    return True


def write_some_first(builder: Any, first: Callable[[], set[str]],
                     written: Callable[[list[str]], None],
                     later: Callable[[], Iterable[str]] = tuple) -> bool:
    """Have each build of `builder` write the documents `first()` names (of those it
    writes) before the others, and call `written(docnames)` with them in between; the
    documents `later()` names then (asked once they are written) are written with the
    others. False where `Builder.write` does not hand its pages to `write_documents` as
    expected (the documents are then written in Sphinx's order)."""
    if write_documents_problem(builder):
        return False
    write = builder.write_documents

    def write_documents(docnames: Any) -> None:
        chosen = set(docnames) & first()
        if chosen:
            write(chosen)
            written(sorted(chosen))
        env = builder.env
        more = set(later())
        # with their toctree parents, as `Builder.write` adds them to the pages it writes
        more |= {parent for docname in more for parent in env.files_to_rebuild.get(docname, ())
                 if parent in env.found_docs}
        rest = (set(docnames) | more) - chosen
        if rest:
            write(rest)

    builder.write_documents = write_documents
    return True


def pickle_environment(app: Sphinx) -> None:
    """Pickle the environment where `Builder.build` does, as it does (a whole new file, so
    that no reader sees it half written)."""
    path = Path(app.doctreedir) / lookup("sphinx.application", "ENV_PICKLE_FILENAME")
    partial = path.with_suffix(".partial")
    with partial.open("wb") as file:
        pickle.dump(app.env, file, pickle.HIGHEST_PROTOCOL)
    partial.replace(path)


def write_documents_problem(builder: Any) -> str | None:
    """Why `write_some_first` cannot order `builder`'s writing (None: it can)."""
    problem = signature_problem(getattr(type(builder), "write_documents", None), "self",
                                "docnames")
    if problem:
        return f"Builder.write_documents {problem}"
    try:
        write = inspect.getsource(lookup("sphinx.builders", "Builder").write)
    except (OSError, TypeError, AttributeError):
        return "Builder.write has no source to check"
    if write.count("self.write_documents(") != 1 or "self._write_serial" in write:
        return "Builder.write no longer hands every page to write_documents at once"
    if "env.files_to_rebuild" not in write or not isinstance(
            getattr(builder.env, "files_to_rebuild", None), dict):
        return "Builder.write no longer adds the toctree parents of env.files_to_rebuild"
    if not isinstance(lookup("sphinx.application", "ENV_PICKLE_FILENAME"), str):
        return "sphinx.application.ENV_PICKLE_FILENAME is gone"
    return None


def handle_finish_problem(builder: Any) -> str | None:
    """Why `when_pages_written` cannot follow `builder` (None: it can)."""
    if not isinstance(builder, StandaloneHTMLBuilder):
        return "not an HTML builder"
    problem = signature_problem(getattr(builder, "handle_finish", None))
    if problem:
        return f"StandaloneHTMLBuilder.handle_finish {problem}"
    try:
        finish = inspect.getsource(type(builder).finish)
        build = inspect.getsource(lookup("sphinx.builders", "Builder").build)
    except (OSError, TypeError, AttributeError):
        return "StandaloneHTMLBuilder.finish has no source to check"
    # the pages are written by the tasks finish() adds before it calls handle_finish(),
    # which run as they are added while the build's finish tasks are serial
    if ("self.gen_additional_pages" not in finish or "self.handle_finish()" not in finish
            or finish.index("self.gen_additional_pages") > finish.index("self.handle_finish()")
            or "self.finish_tasks = SerialTasks()" not in build):
        return ("StandaloneHTMLBuilder.finish no longer writes every page before it calls "
                "handle_finish")
    return None


def warning_count(app: Sphinx) -> int:
    """The warnings of the application's build since `start_another_build` (or since it was
    made): what its summary line reports."""
    count = getattr(app, "_warncount", 0)
    return count if isinstance(count, int) else 0


def another_build_problems(app: Sphinx) -> list[str]:
    """What `start_another_build` relies on and does not find: each a reason a second
    build on `app` may differ from a fresh one (the live preview then builds in a fresh
    process every time)."""
    import functools

    found = []
    if not isinstance(getattr(app, "_warncount", None), int):
        found.append("Sphinx._warncount is gone")
    for name in REGISTERED_ASSETS:
        if not isinstance(getattr(app.registry, name, None), list):
            found.append(f"SphinxComponentRegistry.{name} is no longer a list")
    if isinstance(app.builder, StandaloneHTMLBuilder):
        for name in BUILDER_ASSETS:
            if not isinstance(getattr(app.builder, name, None), list):
                found.append(f"StandaloneHTMLBuilder.{name} is no longer a list")
    for name in DOCTREE_CACHES:
        if not isinstance(getattr(app.env, name, None), dict):
            found.append(f"BuildEnvironment.{name} is gone")
    if not isinstance(getattr(BuildEnvironment, ROOT_DOCTREE, None), functools.cached_property):
        found.append(f"BuildEnvironment.{ROOT_DOCTREE} is no longer a cached property")
    return found
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
# -- the parallel build (build/parallel.py says why) ------------------------------------


def read_in_shares(builder: Any, docnames: list[str], nproc: int) -> None:
    """Sphinx's parallel read (`Builder._read_parallel`), with one worker process for each
    of `nproc` shares of the documents (every nproc-th of them, so that each share holds
    pages of every kind), and the shares merged into the environment once all are read.

    Sphinx forks a process for each of many small chunks, each forked from the main
    process as it stands, and merges each chunk's environment as it comes back. A chunk
    forked after a merge carries every chunk merged before it, and sends the whole
    environment back pickled: the pickling and loading grow with the square of the
    documents. Here every worker is forked before any merge, and each sends back its
    share's environment once."""
    parallel_tasks = lookup("sphinx.util.parallel", "ParallelTasks")
    status_iterator = lookup("sphinx.util.display", "status_iterator")
    env, app = builder.env, builder._app
    parts = shares(docnames, nproc)
    for docname in docnames:  # as Sphinx: every outdated document cleared at once
        builder.events.emit("env-purge-doc", env, docname)
        env.clear_doc(docname)

    def read_share(docs: list[str]) -> bytes:  # in the worker
        env._app = app
        for docname in docs:
            builder.read_doc(docname, _cache=False)
        return pickle.dumps(env, pickle.HIGHEST_PROTOCOL)

    received: dict[int, bytes] = {}
    tasks = parallel_tasks(nproc)
    for n, share in enumerate(parts):
        tasks.add_task(read_share, share,
                       lambda _docs, pickled, n=n: received.__setitem__(n, pickled))
    tasks.join()
    shown = status_iterator(parts, "reading sources... ", "purple", len(parts),
                            builder.config.verbosity)  # each share as Sphinx shows a chunk
    for n, share in enumerate(shown):
        env.merge_info_from(share, pickle.loads(received.pop(n)), app)


def shares(docnames: list[str], nproc: int) -> list[list[str]]:
    """`docnames` dealt to `nproc` workers in turn (no empty share)."""
    return [share for share in (docnames[n::nproc] for n in range(nproc)) if share]


class _KeepsNothing(dict):
    """A cache that keeps nothing (for `_pickled_doctree_cache` while the main process
    resolves each page once for the writers)."""

    def __setitem__(self, key: Any, value: Any) -> None:
        pass


def write_with_every_worker(builder: Any, docnames: Any,
                            order: Callable[[list[str]], list[str]] | None = None,
                            in_each_writer: Callable[[], None] | None = None) -> None:
    """`Builder.write_documents` with as many writing processes as `-j` asks for. Sphinx
    starts one fewer, the main process being busy resolving each page before a writer
    takes it; with this extension the writers' share is the larger (the views, the
    charts, the theme's templates), and the main process is idle most of the time.
    `order`: the sorted documents in the order they are handed to the writers (Sphinx
    cuts them into chunks in that order; a serial build writes them sorted).
    `in_each_writer()` runs first in each forked writer, before its first page.

    The main process reads each page's doctree once, to resolve it for a writer; Sphinx
    keeps every doctree file it reads in memory (`_pickled_doctree_cache`: 347 MB at
    10,000 pages), which each writer forked later carries too. While the writers write,
    the cache keeps nothing."""
    ordered = sorted(docnames)
    if not builder.parallel_ok:
        builder._write_serial(ordered)
        return
    env, main = builder.env, os.getpid()
    write_doc, cache = builder.write_doc, env._pickled_doctree_cache
    seen = [main]  # the process each page is written in: a forked copy sees its own pid

    def each_writer_first(docname: str, doctree: Any) -> None:
        if seen[0] != os.getpid():
            seen[0] = os.getpid()
            if in_each_writer is not None:
                in_each_writer()
        write_doc(docname, doctree)

    builder.write_doc, env._pickled_doctree_cache = each_writer_first, _KeepsNothing()
    try:
        builder._write_parallel(order(ordered) if order else ordered, nproc=builder._app.parallel)
    finally:
        builder.write_doc, env._pickled_doctree_cache = write_doc, cache


def writes_in_parallel(builder: Any) -> bool:
    """Whether this build writes in forked processes (-j N, every extension parallel-safe,
    and the platform forks)."""
    return (bool(getattr(builder, "parallel_ok", False)) and builder._app.parallel > 1
            and bool(lookup("sphinx.util.parallel", "parallel_available")))


def forked_tasks(nproc: int) -> Any:
    """Sphinx's runner of tasks in forked processes (`ParallelTasks`): `add_task(function,
    argument)` starts one while fewer than `nproc` run, `join()` waits for all (raising
    the first failure; the workers' log records are logged by the main process)."""
    return lookup("sphinx.util.parallel", "ParallelTasks")(nproc)


def parallel_build_problems(builder: Any, env: BuildEnvironment) -> list[str]:
    """What the parallel build's replacements rely on and is not there ([] when all is)."""
    problems = []
    for name, function, expected in (
            ("Builder._read_parallel", getattr(builder, "_read_parallel", None), ("docnames", "nproc")),
            ("Builder.read_doc", getattr(builder, "read_doc", None), ("docname", "*", "_cache")),
            ("Builder._write_parallel", getattr(builder, "_write_parallel", None), ("docnames", "nproc")),
            ("Builder._write_serial", getattr(builder, "_write_serial", None), ("docnames",)),
            ("Builder.write_doc", getattr(builder, "write_doc", None), ("docname", "doctree")),
            ("Builder.write_documents", getattr(builder, "write_documents", None), ("docnames",)),
            ("BuildEnvironment.merge_info_from", getattr(env, "merge_info_from", None),
             ("docnames", "other", "app")),
            ("sphinx.util.parallel.ParallelTasks.add_task",
             getattr(lookup("sphinx.util.parallel", "ParallelTasks"), "add_task", None),
             ("self", "task_func", "arg", "result_func")),
            ("sphinx.util.display.status_iterator", lookup("sphinx.util.display", "status_iterator"),
             ("iterable", "summary", "color", "length", "verbosity"))):
        problem = signature_problem(function, *expected)
        if problem:
            problems.append(f"{name} {problem}")
    if lookup("sphinx.util.parallel", "parallel_available") is None:
        problems.append("sphinx.util.parallel.parallel_available is gone")
    for owner, label, names in ((builder, "Builder", ("_app", "events", "parallel_ok", "config")),
                                (env, "BuildEnvironment", ("_app", "clear_doc"))):
        problems += [f"{label}.{name} is gone" for name in missing(owner, *names)]
    if not isinstance(getattr(env, "_pickled_doctree_cache", None), dict):
        problems.append("BuildEnvironment._pickled_doctree_cache is gone")
    return problems


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
WARM = "the live preview (nox -s serve) builds in a fresh process on every save"
VOLUMES = ("the book's volumes are assembled as an earlier Sphinx assembled a book, or the "
           "build stops where it writes them")
PARALLEL = "-j N builds as Sphinx alone does it, no faster than -j 1 with this extension"


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
    found += [Mismatch(PACKAGE, problem, WARM) for problem in another_build_problems(app)]
    problem = handle_finish_problem(builder) if isinstance(builder, StandaloneHTMLBuilder) \
        else None
    if problem:
        found.append(Mismatch(PACKAGE, problem, "the live preview reloads the page only once "
                                                "the inventory and the whole-site files are "
                                                "written"))
    problem = write_documents_problem(builder) if isinstance(builder, StandaloneHTMLBuilder) \
        else None
    if problem:
        found.append(Mismatch(PACKAGE, problem, "the live preview reloads the page being "
                                                "edited only once every page is written"))
    problem = pickle_aside_problem()
    if problem:
        found.append(Mismatch(PACKAGE, problem, "the live preview's rebuilds wait for the "
                                                "environment to be pickled"))
    if app.parallel > 1:
        found += [Mismatch(PACKAGE, problem, PARALLEL)
                  for problem in parallel_build_problems(builder, env)]
    return found
