"""Compiled templates kept between builds (kb/build/template_cache.py): the next build loads
them, and a template edited since is compiled again, never served stale."""

from __future__ import annotations

from conftest import Build, append, touch
from kb.build.template_cache import CACHE_FOLDER

LAYOUT = '{%- extends "!layout.html" %}\n{% block extrahead %}{{ super() }}' \
         '<meta name="kb-test" content="{}"/>{% endblock %}\n'


def _mark(build: Build) -> str:
    return build.page("index").select_one("meta[name=kb-test]")["content"]


def test_templates_are_compiled_once_and_again_when_edited(copy_root):
    srcdir = copy_root("kb")
    layout = srcdir / "_templates" / "layout.html"
    touch(layout, LAYOUT.replace("{}", "first"))
    append(srcdir / "conf.py", 'templates_path = ["_templates"]\n')
    first = Build(srcdir)
    assert _mark(first) == "first"
    cache = first.app.doctreedir / CACHE_FOLDER
    compiled = {path.name: path.stat().st_mtime_ns for path in cache.iterdir()}
    assert compiled  # the theme's templates and ours

    touch(layout, LAYOUT.replace("{}", "second"))
    second = Build(srcdir)  # Sphinx rewrites every page when a template is newer
    assert "index" in second.written
    assert _mark(second) == "second"
    now = {path.name: path.stat().st_mtime_ns for path in cache.iterdir()}
    # the edited template was compiled again; the others were loaded as they were
    assert sum(1 for name, mtime in now.items() if compiled.get(name) != mtime) == 1
    assert second.app.builder.templates.environment.bytecode_cache is not None


def test_the_latex_builder_is_left_alone(shared_build):
    build = shared_build("kb", "latex", nitpicky=True)
    assert not (build.app.doctreedir / CACHE_FOLDER).exists()
