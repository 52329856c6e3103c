"""`-j N` made to pay: Sphinx's parallel read and write, changed where they serialise
this extension's build.

Profiled on the benchmark's corpus (docs/benchmark.md, "The parallel build"), Sphinx's own
`-j 2` gained nothing over `-j 1`, for two reasons in Sphinx, not in the extension:

- Reading: a worker process is forked for each small chunk of documents, from the main
  process as it stands, and each chunk's environment is merged back as it comes. A chunk
  forked after some merges carries all of them, and pickles the whole environment back:
  the main process spent its time loading ever larger pickles, a cost that grows with
  the square of the site. Here each of N workers reads one share of the documents, every
  worker forked before any merge, and the shares are merged once all are read.
- Writing: Sphinx resolves every page in the main process and hands it to N - 1 writing
  processes, so `-j 2` writes with one. Resolving is the smaller part with this extension
  (the views, the charts and the theme's templates are rendered by the writers), so here
  N processes write while the main process resolves. Sphinx hands the pages over in
  chunks of consecutive names, and the pages showing whole-site views (a topic's listing
  and chart, the indexes, the archives) sort together (`topics/...`): one chunk would
  hold most of the work, and one writer would be left with it at the end. So those pages
  are spread evenly among the others (`spread_heavy_pages`).

The output is the same as Sphinx's own parallel build, and as a serial build's
(tests/build/test_incremental.py compares the pages byte for byte). Both replacements
reach into Sphinx's internals (compat/sphinx.py); where those are not as expected, the
start-up check warns and Sphinx's own parallel build runs.

After the pages are written, Sphinx does the rest in the main process alone. Whole-site
work that writes its own files can be handed to forked processes instead (`in_background`:
the part pages of split views), while the main process goes on with the rest; it is waited
for at `build-finished` (`wait_for_background`, before Pagefind reads the site). Where the
build does not write in parallel, the same work runs in the main process, in place.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from sphinx.application import Sphinx

from ..compat import sphinx as sphinx_compat
from .domain import kb_domain
from .gc_thresholds import freeze_before_forking, freeze_in_writer

_PENDING = "_kb_background"  # on the builder: (tasks, what to do once they succeeded)


def pay_for_parallel(app: Sphinx) -> None:
    if app.parallel <= 1 or sphinx_compat.parallel_build_problems(app.builder, app.env):
        return  # serial, or not the Sphinx these were written for: compat.checks warned
    builder = app.builder
    builder._read_parallel = partial(sphinx_compat.read_in_shares, builder)  # type: ignore[method-assign]
    builder.write_documents = partial(  # type: ignore[method-assign]
        sphinx_compat.write_with_every_worker, builder,
        order=lambda docnames: spread_heavy_pages(docnames, heavy_pages(app)),
        in_each_writer=freeze_in_writer)


# the views that show one page's own neighbourhood; every other view shows a share of the
# whole site (a topic's items, the archive, the indexes), which grows with it
OWN_VIEWS = frozenset({"related", "backlinks", "item-backlinks", "topic-backlinks",
                       "series-nav", "references"})


def heavy_pages(app: Sphinx) -> set[str]:
    """The pages that show a view of the whole site."""
    views = kb_domain(app.env).views
    return {docname for docname, keys in views.items()
            if any(key.kind not in OWN_VIEWS for key in keys)}


def spread_heavy_pages(docnames: list[str], heavy: set[str]) -> list[str]:
    """`docnames` (sorted) with the `heavy` ones spread evenly among the others, each
    after its share of them (so the first, which Sphinx writes before the workers start,
    is a light one), so that every chunk a writer takes holds its share of the work."""
    heavy_docs = [doc for doc in docnames if doc in heavy]
    light = [doc for doc in docnames if doc not in heavy]
    if not heavy_docs or not light:
        return list(docnames)
    ordered: list[str] = []
    for n, doc in enumerate(heavy_docs):
        ordered.extend(light[len(light) * n // len(heavy_docs):
                             len(light) * (n + 1) // len(heavy_docs)])
        ordered.append(doc)
    if ordered[0] in heavy:  # fewer light pages than heavy ones
        ordered.remove(light[0])
        ordered.insert(0, light[0])
    return ordered


def in_background(app: Sphinx, work: Callable[[Any], None], shares: Sequence[Any],
                  then: Callable[[], None]) -> None:
    """`work(share)` for each share, each in a forked process where the build writes in
    parallel (at most -j of them at once), then `then()` in the main process once all
    succeeded; in place, one share after the other, where it does not. Its warnings are
    logged by the main process when it waits (`wait_for_background`)."""
    shares = [share for share in shares if share]
    if not sphinx_compat.writes_in_parallel(app.builder) or len(shares) < 2:
        for share in shares:
            work(share)
        then()
        return
    freeze_before_forking()  # what was made while the pages were written: shared too
    tasks = sphinx_compat.forked_tasks(app.parallel)
    for share in shares:
        tasks.add_task(work, share)
    pending = getattr(app.builder, _PENDING, None) or []
    pending.append((tasks, then))
    setattr(app.builder, _PENDING, pending)


def wait_for_background(app: Sphinx, exception: Exception | None) -> None:
    """Wait for the work handed to forked processes; a failed build stops it instead."""
    pending = getattr(app.builder, _PENDING, None) or []
    setattr(app.builder, _PENDING, None)
    for n, (tasks, then) in enumerate(pending):
        if exception is not None:
            tasks.terminate()
            continue
        try:
            tasks.join()  # a worker's failure is raised here: the build fails
        except BaseException:
            for others, _ in pending[n + 1:]:
                others.terminate()
            raise
        then()


def setup_parallel(app: Sphinx) -> None:
    app.connect("builder-inited", pay_for_parallel)
    # before anything that reads the pages written (Pagefind, outputs/search.py)
    app.connect("build-finished", wait_for_background, priority=300)
