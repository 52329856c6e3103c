"""The compatibility boundary (kb/compat/): with the installed versions no check reports
anything; an upstream with what the extension relies on removed or changed (monkeypatched
here) gives exactly one `kb.compat` warning, naming the package and its version.

The checks run on one Sphinx application of the `parts` root, set up (not built) with the
real site's theme and templates and Pagefind search, so every check has its subject."""

from __future__ import annotations

import inspect
import re
import shutil
from collections.abc import Callable
from importlib.metadata import distribution
from pathlib import Path
from typing import Any

import docutils.nodes
import pybtex.database.input.bibtex as pybtex_bibtex
import pybtex.errors
import pytest
import sphinxcontrib.bibtex.domain as bibtex_domain
from conftest import PROJECT, ROOTS, noxfile_module, plain
from docutils.writers.html5_polyglot import HTMLTranslator
from kb.compat import bibtex, fontawesome, opengraph, pagefind, themes
from kb.compat.checks import check_upstream, upstream_mismatches
from kb.compat.shape import installed_version, signature_problem
from sphinx.testing.util import SphinxTestApp
from sphinx.util import logging as sphinx_logging
from sphinxcontrib.bibtex.domain import BibtexDomain

SITE = {"html_theme": "sphinx_book_theme", "templates_path": ["_templates"],
        "kb_search": "pagefind"}


@pytest.fixture(scope="module")
def app(tmp_path_factory) -> Any:
    src = tmp_path_factory.mktemp("compat") / "src"
    shutil.copytree(ROOTS / "test-parts", src)
    shutil.copytree(PROJECT / "_templates", src / "_templates")
    app = SphinxTestApp("html", srcdir=src, confoverrides=SITE)
    yield app
    app.cleanup()


@pytest.fixture
def warned(app) -> Callable[[], list[str]]:
    """Run the start-up check again; the `kb.compat` warnings it gives."""
    sphinx_logging.setup(app, app.status, app.warning)  # this app's streams, again
    app.warning.seek(0)
    app.warning.truncate()

    def run() -> list[str]:
        check_upstream(app)
        lines = plain(app.warning.getvalue()).splitlines()
        return [line for line in lines if "[kb.compat]" in line]
    return run


def test_the_installed_versions_fit(app) -> None:
    assert upstream_mismatches(app) == []
    assert "kb.compat" not in app.warning.getvalue()  # at start-up (builder-inited) either


# -- one warning per package, naming its version ----------------------------------------------


def _without_build_info(mp, app):
    mp.delattr(app.builder, "build_info")


def _clear_doc_takes_more(mp, app):
    mp.setattr(type(app.env), "clear_doc", lambda self, docname, force: None)


def _no_toctree_includes(mp, app):
    mp.delattr(app.env, "toctree_includes")


def _citations_written_otherwise(mp, app):
    mp.setattr(HTMLTranslator, "visit_citation", lambda self, node: None)


def _no_previous_sibling(mp, app):
    mp.delattr(docutils.nodes.Element, "previous_sibling")


def _no_filtered_entries(mp, app):
    mp.delattr(BibtexDomain, "get_filtered_entries")


def _formatted_entries_takes_less(mp, app):
    mp.setattr(BibtexDomain, "get_formatted_entries", lambda self, bibliography_key: [])


def _no_filter_visitor(mp, app):
    mp.delattr(bibtex_domain, "_FilterVisitor")


def _no_split_name_list(mp, app):
    mp.delattr(pybtex_bibtex, "split_name_list")


def _no_captured_errors(mp, app):
    mp.delattr(pybtex.errors, "captured_errors")


def _other_social_card_defaults(mp, app):
    mp.setattr(opengraph, "SOCIAL_CARD_DEFAULTS",
               {**opengraph.SOCIAL_CARD_DEFAULTS, "enable": False})


def _theme_changed(package):
    def patch(mp, app):
        real = themes.upstream_text
        mp.setattr(themes, "upstream_text", lambda name, path, block: (
            real(name, path, block) + ("\n<!-- new -->" if name == package else "")))
    return patch


def _theme_file_gone(mp, app):
    real = themes.upstream_text
    mp.setattr(themes, "upstream_text", lambda name, path, block: (
        None if path.endswith("sbt-sidebar-nav.html") else real(name, path, block)))


def _relied_on_header_changed(mp, app):
    real = themes.upstream_text
    mp.setattr(themes, "upstream_text", lambda name, path, block: (
        real(name, path, block) + ("<button class='primary-toggle'></button>"
                                   if path.endswith("sections/header.html") else "")))


def _assemble_doctree_changed(mp, app):
    from sphinx.builders.latex import LaTeXBuilder

    def assemble_doctree(self, indexfile, toctree_only, appendices):
        return None

    mp.setattr(LaTeXBuilder, "assemble_doctree", assemble_doctree)


def _no_citation_nodes(mp, app):
    from typing import NamedTuple

    import sphinxcontrib.bibtex.directives as directives

    mp.setattr(directives, "BibliographyValue", NamedTuple("BibliographyValue", [("line", int)]))


def _bibliography_transform_changed(mp, app):
    from sphinxcontrib.bibtex.transforms import BibliographyTransform

    def run(self, **kwargs):
        return None

    mp.setattr(BibliographyTransform, "run", run)


def _format_references_changed(mp, app):
    from sphinxcontrib.bibtex.style import referencing

    def format_references(style, role_name, references):
        return None

    mp.setattr(referencing, "format_references", format_references)


def _ancestor_lookup_changed(mp, app):
    from pydata_sphinx_theme import toctree

    def _get_ancestor_pagename(app, pagename, startdepth):
        return None, None

    mp.setattr(toctree, "_get_ancestor_pagename", _get_ancestor_pagename)


def _config_read_takes_more(mp, app):
    import sphinx.config

    mp.setattr(sphinx.config.Config, "read", classmethod(
        lambda cls, confdir, *, overrides, tags, strict: None))


def _root_doctree_not_cached(mp, app):
    from sphinx.environment import BuildEnvironment

    mp.setattr(BuildEnvironment, "master_doctree", property(lambda env: None))


def _write_documents_takes_more(mp, app):
    from sphinx.builders import Builder

    mp.setattr(Builder, "write_documents", lambda self, docnames, order: None)


def _no_bib_loading(mp, app):
    import sphinxcontrib.bibtex

    mp.delattr(sphinxcontrib.bibtex, "builder_inited_cite")
def _parallel_read_takes_more(mp, app):
    mp.setattr(app, "parallel", 2)  # the parallel build's internals are checked for -j N only
    mp.setattr(type(app.builder), "_read_parallel", lambda self, docnames, nproc, chunks: None)


def _no_parallel_tasks(mp, app):
    import sphinx.util.parallel

    mp.setattr(app, "parallel", 2)
    mp.delattr(sphinx.util.parallel, "ParallelTasks")


def _no_pagefind_binary(mp, app):
    import pagefind_bin

    mp.delattr(pagefind_bin, "get_executable")


def _pagefind_without_an_option(mp, app, tmp_path):
    script = tmp_path / "pagefind"
    script.write_text("#!/bin/sh\necho '--site <SITE> --output-path <P> --quiet'\n")
    script.chmod(0o755)
    import pagefind_bin

    mp.setattr(pagefind_bin, "get_executable", lambda: script)


BROKEN = {
    "Sphinx: build_info removed": ("Sphinx", _without_build_info),
    "Sphinx: clear_doc's signature": ("Sphinx", _clear_doc_takes_more),
    "Sphinx: toctree_includes removed": ("Sphinx", _no_toctree_includes),
    "Sphinx: Config.read's signature": ("Sphinx", _config_read_takes_more),
    "Sphinx: LaTeXBuilder.assemble_doctree changed": ("Sphinx", _assemble_doctree_changed),
    "sphinxcontrib-bibtex: citation_nodes gone": ("sphinxcontrib-bibtex", _no_citation_nodes),
    "sphinxcontrib-bibtex: BibliographyTransform.run changed": ("sphinxcontrib-bibtex",
                                                              _bibliography_transform_changed),
    "sphinxcontrib-bibtex: format_references changed": ("sphinxcontrib-bibtex",
                                                        _format_references_changed),
    "Sphinx: _read_parallel's signature (-j 2)": ("Sphinx", _parallel_read_takes_more),
    "Sphinx: ParallelTasks removed (-j 2)": ("Sphinx", _no_parallel_tasks),
    "docutils: visit_citation changed": ("docutils", _citations_written_otherwise),
    "docutils: previous_sibling removed": ("docutils", _no_previous_sibling),
    "sphinxcontrib-bibtex: get_filtered_entries removed": ("sphinxcontrib-bibtex",
                                                           _no_filtered_entries),
    "sphinxcontrib-bibtex: get_formatted_entries' signature": ("sphinxcontrib-bibtex",
                                                               _formatted_entries_takes_less),
    "sphinxcontrib-bibtex: _FilterVisitor removed": ("sphinxcontrib-bibtex", _no_filter_visitor),
    "pybtex: split_name_list removed": ("pybtex", _no_split_name_list),
    "pybtex: captured_errors removed": ("pybtex", _no_captured_errors),
    "sphinxext-opengraph: other defaults": ("sphinxext-opengraph", _other_social_card_defaults),
    "sphinx-book-theme: a copied block changed": ("sphinx-book-theme",
                                                  _theme_changed("sphinx-book-theme")),
    "pydata-sphinx-theme: a copied block changed": ("pydata-sphinx-theme",
                                                    _theme_changed("pydata-sphinx-theme")),
    "pydata-sphinx-theme: its sidebar check changed": ("pydata-sphinx-theme",
                                                       _ancestor_lookup_changed),
    "sphinx-book-theme: a copied file gone": ("sphinx-book-theme", _theme_file_gone),
    "pydata-sphinx-theme: a template relied on changed": ("pydata-sphinx-theme",
                                                          _relied_on_header_changed),
    "Sphinx: master_doctree not cached": ("Sphinx", _root_doctree_not_cached),
    "Sphinx: write_documents' signature": ("Sphinx", _write_documents_takes_more),
    "sphinxcontrib-bibtex: builder_inited_cite removed": ("sphinxcontrib-bibtex",
                                                          _no_bib_loading),
    "pagefind: no binary": ("pagefind", _no_pagefind_binary),
    "pagefind: an option gone": ("pagefind", _pagefind_without_an_option),
}


@pytest.mark.parametrize("case", list(BROKEN), ids=list(BROKEN))
def test_a_changed_upstream_gives_one_warning_naming_it(case, app, warned, monkeypatch,
                                                        tmp_path) -> None:
    package, patch = BROKEN[case]
    arguments = (monkeypatch, app, tmp_path)[:len(inspect.signature(patch).parameters)]
    patch(*arguments)
    found = warned()
    assert len(found) == 1, found
    assert f"WARNING: {package} {installed_version(package)} is not what the kb extension " \
           "was written against." in found[0]
    assert installed_version(package) != "(not installed)"


def test_a_failing_check_is_reported_not_raised(app, warned, monkeypatch) -> None:
    def broken(app):
        raise RuntimeError("surprise")

    monkeypatch.setattr("kb.compat.checks.CHECKS", (("docutils", broken),))
    found = warned()
    assert len(found) == 1 and "the check of it failed (RuntimeError('surprise'))" in found[0]


def test_the_warning_comes_at_start_up(tmp_path, monkeypatch) -> None:
    """setup_compat runs the checks when the builder is set up: before anything is read."""
    _no_filter_visitor(monkeypatch, None)
    shutil.copytree(ROOTS / "test-parts", tmp_path / "src")
    app = SphinxTestApp("html", srcdir=tmp_path / "src")
    try:
        lines = [line for line in plain(app.warning.getvalue()).splitlines() if "kb.compat" in line]
    finally:
        app.cleanup()
    assert len(lines) == 1 and "sphinxcontrib-bibtex" in lines[0] and "_FilterVisitor" in lines[0]


# -- what the checks are made of ---------------------------------------------------------------


def test_a_signature_is_checked_by_name_place_and_keyword() -> None:
    def f(a, b, *, c, d=1): ...

    assert signature_problem(f, "a", "b", "*", "c") is None
    assert signature_problem(f, "a", "b") is not None  # c is required
    assert signature_problem(f, "b", "a", "*", "c") is not None
    assert signature_problem(None, "a") == "is not callable"


def test_a_jinja_block_is_taken_whole_with_the_blocks_inside_it() -> None:
    outer = "{% block a %}x{% block b %}y{% endblock %}z{%- endblock a %}"
    text = outer + " {% block c %}{% endblock %}"
    assert themes.block_text(text, "a") == outer
    assert themes.block_text(text, "c") == "{% block c %}{% endblock %}"
    assert themes.block_text(text, "d") is None


def test_every_project_template_records_what_it_was_copied_from() -> None:
    templates = sorted((PROJECT / "_templates").rglob("*.html"))
    assert PROJECT / "_templates" / "static" / "webpack-macros.html" in templates
    for template in templates:
        records = list(themes.RECORD.finditer(template.read_text(encoding="utf-8")))
        assert records, f"{template.name} has no 'kb-compat: copied from' record"
        assert not themes.copy_mismatches(template, template.name)


def test_the_stand_in_is_left_out_when_sphinxext_opengraph_imports_more(tmp_path) -> None:
    package = opengraph._package_dir()
    shutil.copytree(package, tmp_path / "opengraph")
    assert opengraph.stand_in_mismatches(tmp_path / "opengraph") == []
    init = tmp_path / "opengraph" / "__init__.py"
    init.write_text(init.read_text(encoding="utf-8").replace(
        "    create_social_card,\n", "    create_social_card,\n    render_card,\n", 1))
    (found,) = opengraph.stand_in_mismatches(tmp_path / "opengraph")
    assert "render_card" in found.found and "matplotlib" in found.degrades


def test_pybtex_is_checked_by_running_its_parser(monkeypatch) -> None:
    """A parser that no longer hands a syntax error to `handle_error` (it raises it)."""
    assert bibtex.check(None) == []
    original = pybtex_bibtex.LowLevelParser.__init__

    def raises_instead(self, text, handle_error=None, **kwargs):
        original(self, text, **kwargs)

    monkeypatch.setattr(pybtex_bibtex.LowLevelParser, "__init__", raises_instead)
    (found,) = bibtex.check(None)
    assert found.package == "pybtex" and "fails on a broken entry" in found.found


def test_tests_latest_makes_sphinxs_deprecations_errors_under_the_projects_own_filters() -> None:
    """`nox -s tests-latest`: the warning classes exist in the installed Sphinx, and come
    first, so pyproject.toml's filters (theirs: the themes' and MyST's) still win."""
    import sphinx.deprecation

    noxfile = noxfile_module()

    for name in noxfile.SPHINX_DEPRECATIONS:
        module, _, attribute = name.rpartition(".")
        assert module == "sphinx.deprecation" and hasattr(sphinx.deprecation, attribute), name
    filters = noxfile.deprecations_as_errors()
    assert filters[:2] == [f"error::{name}" for name in noxfile.SPHINX_DEPRECATIONS]
    assert "ignore::PendingDeprecationWarning:sphinx_book_theme" in filters[2:]
    assert not any(r.startswith("sphinx-sitemap") for r in noxfile.unpinned_requirements())


def test_a_bundle_without_the_search_script_is_a_mismatch(tmp_path) -> None:
    (tmp_path / pagefind.ENTRY).write_text("{}")
    (found,) = pagefind.layout_mismatches(tmp_path)
    assert found.package == "pagefind" and pagefind.SCRIPT in found.found


# -- the theme's icons without Font Awesome's script (compat/fontawesome.py) ------------------


def _theme(path: str) -> str:
    return fontawesome.installed_text(path)


def test_the_icon_style_sheet_is_the_one_the_installed_theme_gives() -> None:
    """_static/kb-icons.css is written from the installed theme's Font Awesome: another
    theme (a new Font Awesome, a renamed icon, another glyph for an admonition) gives
    another file, or none; then run `python -m kb.compat.fontawesome` from _ext/."""
    written = (PROJECT / "_static" / "kb-icons.css").read_text(encoding="utf-8")
    assert written == fontawesome.stylesheet(
        _theme(fontawesome.SCRIPT), _theme(fontawesome.STYLE), _theme(fontawesome.LICENCE))


def test_the_themes_rules_for_font_awesomes_svg_are_the_ones_mirrored() -> None:
    """The theme's style sheets style the script's SVG by its element name; kb-icons.css
    gives the icons drawn without it the same rules (fontawesome.SVG_RULES)."""
    book = distribution("sphinx-book-theme").locate_file(
        "sphinx_book_theme/theme/sphinx_book_theme/static/styles/sphinx-book-theme.css")
    sheets = [_theme(fontawesome.STYLE), Path(str(book)).read_text(encoding="utf-8")]
    selectors = set()
    for sheet in sheets:
        for rule in re.findall(r"([^{}]+)\{[^{}]*\}", re.sub(r'url\("data:[^)]*\)', "", sheet)):
            selectors |= {part.strip() for part in rule.split(",")
                          if re.search(r"(^|[\s>+~(:.])svg\b", part.strip())}
    assert selectors - {"img", "html[data-theme=dark] pre.mermaid>svg",
                        "details.sd-dropdown summary.sd-card-header span.sd-summary-icon svg",
                        "svg"} == set(fontawesome.THEME_SVG_SELECTORS)


def test_an_icon_the_theme_has_no_more_stops_the_icon_style_sheet() -> None:
    script, style, licence = (_theme(path) for path in (
        fontawesome.SCRIPT, fontawesome.STYLE, fontawesome.LICENCE))
    with pytest.raises(ValueError, match="no icon 'outdent'"):
        fontawesome.stylesheet(script.replace("outdent:[", "gone:[").replace(
            '"outdent":[', '"gone":['), style, licence)
    # the theme's admonition glyph no longer the icon drawn for it
    with pytest.raises(ValueError, match="--pst-icon-bell is not fas bell"):
        fontawesome.stylesheet(script, style.replace("--pst-icon-bell:", "--pst-icon-bell-old:"),
                               licence)
