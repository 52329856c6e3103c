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
- the parallel build's internals, for `-j N` (build/parallel.py): the builder's
  `_read_parallel`, `read_doc(..., _cache=False)`, `_write_parallel`, `_write_serial`,
  `parallel_ok`, `_app` and `events`; the environment's `_app`, `clear_doc` and
  `merge_info_from`; `sphinx.util.parallel.ParallelTasks` and
  `sphinx.util.display.status_iterator`.
"""

from __future__ import annotations

import contextlib
import pickle
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.environment import BuildEnvironment

from .shape import Mismatch, lookup, missing, signature_problem

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


def write_with_every_worker(builder: Any, docnames: Any,
                            order: Callable[[list[str]], list[str]] | None = None) -> None:
    """`Builder.write_documents` with as many writing processes as `-j` asks for. Sphinx
    starts one fewer, the main process being busy resolving each page before a writer
    takes it; with this extension the writers' share is the larger (the views, the
    charts, the theme's templates), and the main process is idle most of the time.
    `order`: the sorted documents in the order they are handed to the writers (Sphinx
    cuts them into chunks in that order; a serial build writes them sorted)."""
    ordered = sorted(docnames)
    if builder.parallel_ok:
        builder._write_parallel(order(ordered) if order else ordered, nproc=builder._app.parallel)
    else:
        builder._write_serial(ordered)


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
    config_class = lookup("sphinx.config", "Config")
    expect(signature_problem(getattr(config_class, "read", None), "confdir", "*", "overrides",
                             "tags")
           or ("is gone" if lookup("sphinx.util.tags", "Tags") is None else None),
           "sphinx.config.Config.read or sphinx.util.tags.Tags",
           "`nox -s new` stops before it writes a page")
    if app.parallel > 1:
        found += [Mismatch(PACKAGE, problem, PARALLEL)
                  for problem in parallel_build_problems(builder, env)]
    return found
