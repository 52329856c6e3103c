"""Compiled page templates, kept between builds.

Sphinx's template bridge compiles the theme's Jinja templates (some forty) again in every
build process, rebuilds included. Jinja's own bytecode cache keeps the compiled templates
beside the doctrees, so the next build loads them instead: the benchmark measures a small
gain on rebuilds and none on a clean build (docs/benchmark.md). It cannot serve a stale template: Jinja stores each
template's compiled code with a checksum of its source, and its own and Python's versions,
and compiles again when any of them differs. Its files are written to a temporary name and
renamed, so the processes of a parallel build can share it.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import FileSystemBytecodeCache
from sphinx.application import Sphinx

from ..compat.sphinx import jinja_environment

CACHE_FOLDER = "kb-templates"  # in the doctree folder, with the environment


def keep_compiled_templates(app: Sphinx) -> None:
    environment = jinja_environment(app.builder)
    if environment is None or environment.bytecode_cache is not None:
        return  # no Jinja template bridge (LaTeX, or a custom bridge), or one with a cache
    folder = Path(app.doctreedir) / CACHE_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    environment.bytecode_cache = FileSystemBytecodeCache(str(folder))


def setup_template_cache(app: Sphinx) -> None:
    app.connect("builder-inited", keep_compiled_templates)
