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
  N processes write while the main process resolves.

The output is the same as Sphinx's own parallel build, and as a serial build's
(tests/build/test_incremental.py compares the pages byte for byte). Both replacements
reach into Sphinx's internals (compat/sphinx.py); where those are not as expected, the
start-up check warns and Sphinx's own parallel build runs.
"""

from __future__ import annotations

from functools import partial

from sphinx.application import Sphinx

from ..compat import sphinx as sphinx_compat


def pay_for_parallel(app: Sphinx) -> None:
    if app.parallel <= 1 or sphinx_compat.parallel_build_problems(app.builder, app.env):
        return  # serial, or not the Sphinx these were written for: compat.checks warned
    builder = app.builder
    builder._read_parallel = partial(sphinx_compat.read_in_shares, builder)  # type: ignore[method-assign]
    builder.write_documents = partial(sphinx_compat.write_with_every_worker, builder)  # type: ignore[method-assign]


def setup_parallel(app: Sphinx) -> None:
    app.connect("builder-inited", pay_for_parallel)
