"""A Sphinx extension used only by the benchmark: how many documents a build read, and
where the extension's time went.

`env-before-read-docs` runs in the main process with the full list, also in a
parallel build. It writes `<outdir>/.bench-probe.json` when the build finishes,
with the seconds the other `build-finished` handlers took (the feeds, the sitemap,
robots.txt and the Pagefind index are written there: it runs first (priority 100)
and last (990)), and the seconds Sphinx's built-in search indexer took, where it
runs (kb_search = "sphinx").

It also times each generated part of the site in its own code: every event
handler, node visitor and post-transform the extension (and the libraries it
drives for that part) registered, by module (PARTS). Only the main process is
timed, so the figures are for `-j 1` builds.

And it marks the build's phases (PHASES), for any -j: at each, the wall seconds since the
extension was loaded, the main process's CPU seconds, and the CPU seconds of the worker
processes it has waited for (Sphinx's readers and writers, Pagefind), so that a phase's
main-process CPU against its wall time shows what ran in the main process alone. With each,
the main process's resident memory then (`memory`, MB; Linux's /proc, else absent), which
says what the process forked for the writers carries.
"""

from __future__ import annotations

import json
import resource
import time
from pathlib import Path

# where each phase starts, by the event that starts it (and its priority: first or last)
PHASES = (("read", "env-before-read-docs", 1), ("env-updated", "env-updated", 1),
          ("write", "write-started", 1), ("after writing", "html-collect-pages", 1),
          ("build-finished", "build-finished", 1))
LOADED = time.perf_counter()


def mark() -> list[float]:
    """[wall seconds since loaded, main-process CPU seconds, waited-for workers' CPU seconds]"""
    workers = resource.getrusage(resource.RUSAGE_CHILDREN)
    return [round(time.perf_counter() - LOADED, 3), round(time.process_time(), 3),
            round(workers.ru_utime + workers.ru_stime, 3)]

def resident_mb() -> float | None:
    """This process's resident memory now, in MB (None where /proc does not tell)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except (OSError, ValueError):
        pass
    return None


# the parts of a build the benchmark reports, by the module whose code does the work
PARTS = {
    "views": ("kb.views.render", "kb.views.translate", "kb.views.linking", "kb.build.schedule",
              "kb.build.topic_index", "kb.views.data"),
    "navigation": ("kb.build.navigation",),
    "references": ("kb.bib.cite_domain", "kb.bib.paper_index", "kb.bib.bibfile", "kb.bib.labels",
                   "sphinxcontrib.bibtex"),
    "feeds": ("kb.outputs.publishing", "kb.outputs.atom", "kb.outputs.sitemap", "sphinxext.opengraph"),
    "search": ("kb.outputs.search",),
    "charts": ("kb.outputs.charts",),
    "export": ("kb.outputs.structured_data",),
    "previews": ("kb.outputs.previews",),
}


# search.py wraps the views' HTML visitor (to keep listings out of the index): still views
BY_NAME = {"visit_view_html": "views", "depart_view_html": "views"}


def part_of(function) -> str | None:
    if getattr(function, "__name__", "") in BY_NAME:
        return BY_NAME[function.__name__]
    module = getattr(function, "__module__", "") or ""
    for part, prefixes in PARTS.items():
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return part
    return None


def time_parts(app, seconds: dict[str, float]) -> None:
    """Wrap every handler, visitor and post-transform of a part in a timer."""
    def timed(function, part):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                seconds[part] = seconds.get(part, 0.0) + time.perf_counter() - started
        wrapper.__wrapped__ = function
        return wrapper

    for listeners in app.events.listeners.values():
        for i, listener in enumerate(listeners):
            part = part_of(listener.handler)
            if part:
                listeners[i] = listener._replace(handler=timed(listener.handler, part))
    for handlers in app.registry.translation_handlers.values():
        for name, pair in list(handlers.items()):
            part = part_of(pair[0])
            if part:
                handlers[name] = tuple(timed(f, part) if f else f for f in pair)
    for transform in app.registry.get_post_transforms():
        part = part_of(transform)
        if part and "run" in vars(transform):
            transform.run = timed(transform.run, part)
    for indices in app.registry.domain_indices.values():  # the topic index's entries
        for index in indices:
            part = part_of(index)
            if part and "generate" in vars(index):
                index.generate = timed(index.generate, part)


def setup(app):
    counts = {"read": 0, "finish_started": 0.0, "builtin_search_seconds": 0.0}
    parts: dict[str, float] = {}

    def timed(function):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                counts["builtin_search_seconds"] += time.perf_counter() - started
        return wrapper

    def builder_inited(app):
        # Sphinx's built-in search index: fed page by page, then written as searchindex.js
        if getattr(app.builder, "search", False):
            app.builder.index_page = timed(app.builder.index_page)
            app.builder.dump_search_index = timed(app.builder.dump_search_index)
        if app.parallel <= 1:
            time_parts(app, parts)

    def before_read(_app, _env, docnames):
        counts["read"] = len(docnames)

    phases: dict[str, list[float]] = {}
    memory: dict[str, float | None] = {}

    def at_phase(name: str) -> None:
        if name not in phases:
            phases[name], memory[name] = mark(), resident_mb()

    for name, event, priority in PHASES:
        app.connect(event, lambda *args, name=name: at_phase(name) or (), priority=priority)

    def finish_starts(app, exception):
        counts["finish_started"] = time.perf_counter()

    def on_finished(app, exception):
        if exception is None:
            finish = time.perf_counter() - counts["finish_started"]
            at_phase("end")
            Path(app.outdir, ".bench-probe.json").write_text(
                json.dumps({"read": counts["read"], "docs": sorted(app.env.found_docs),
                            "finish_seconds": finish,
                            "builtin_search_seconds": counts["builtin_search_seconds"],
                            "parts": parts, "phases": phases, "memory": memory}))

    app.connect("builder-inited", builder_inited)
    app.connect("env-before-read-docs", before_read)
    app.connect("build-finished", finish_starts, priority=100)
    app.connect("build-finished", on_finished, priority=990)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
