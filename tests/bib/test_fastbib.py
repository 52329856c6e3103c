"""kb.bib.cite_domain: sphinxcontrib-bibtex's domain, indexed, must give sphinxcontrib-bibtex's output.

IndexedBibtexDomain overrides methods of sphinxcontrib-bibtex's domain that are not
a documented API, and uses its private `_FilterVisitor`. These tests pin the
behaviour it relies on: the same project built with the upstream domain and with
the subclass gives the same pages (citations, labels, links, filtered and styled
bibliographies, the warning for an entry with a missing field), on a clean build and
on an incremental one. An upgrade of sphinxcontrib-bibtex that changes what the
subclass copies fails here first.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import ROOTS, Build, append
from kb.bib.cite_domain import IndexedBibtexDomain
from kb.compat import bibtex
from sphinxcontrib.bibtex.nodes import bibliography as bibliography_node
from sphinxcontrib.bibtex.transforms import BibliographyTransform

PAGES = ("index", "first", "second", "sub/third")
INDEXED = {"extensions": ["sphinxcontrib.bibtex", "indexed"]}


def build(srcdir, indexed: bool) -> tuple[dict[str, str], str]:
    """Each page's body, and the warnings; `indexed`: with the subclassed domain."""
    built = Build(srcdir, confoverrides=INDEXED if indexed else None)
    bodies = {name: built.page(name).select_one("div.body, div[role=main]").decode()
              for name in PAGES}
    return bodies, built.warnings


def _messages(warnings: str) -> list[str]:
    """The warnings without the folder the project was built in."""
    return sorted(line.split("/", 1)[-1].split(": ", 1)[-1] for line in warnings.splitlines())


@pytest.fixture(scope="module")
def upstream(tmp_path_factory) -> tuple[dict[str, str], str]:
    srcdir = tmp_path_factory.mktemp("upstream") / "src"
    shutil.copytree(ROOTS / "test-fastbib", srcdir)
    return build(srcdir, indexed=False)


def test_the_fixture_exercises_what_the_subclass_overrides(upstream):
    bodies, warnings = upstream
    # a key in two bibliographies (the order of a multi-key citation depends on it)
    assert 'href="second.html#' in bodies["first"] and 'href="index.html#' in bodies["first"]
    # a filtered bibliography with its own style and label prefix, and a bullet list
    assert ">SHJA20<" in bodies["second"] and "<ul" in bodies["second"]
    # an entry missing a field its style requires is reported, not a crash
    assert "missing journal in nojournal2020" in warnings


def test_clean_build_matches_upstream(upstream, copy_root):
    bodies, warnings = build(copy_root("fastbib"), indexed=True)
    assert bodies == upstream[0]
    assert _messages(warnings) == _messages(upstream[1])


def test_incremental_build_with_kept_formatting_matches_upstream(upstream, copy_root):
    """The second build formats nothing again (kept entries) and still shows the same."""
    src = copy_root("fastbib")
    build(src, indexed=True)
    append(src / "first.rst", "\nMore text.\n")
    bodies, _ = build(src, indexed=True)
    assert {k: v.replace("<p>More text.</p>\n", "") for k, v in bodies.items()} == upstream[0]


def test_a_work_cited_from_several_pages_links_from_each_page_s_own_folder(copy_root):
    """The same references from first and sub/third: each page's link is made for that
    page (sub/third's go up a folder), and resolves to the citation's own page."""
    built = Build(copy_root("fastbib"), confoverrides=INDEXED)
    first = built.page("first").select("span.bibtex-citation a")
    third = built.page("sub/third").select("span.bibtex-citation a")
    assert first and third
    assert not any(a["href"].startswith("../") for a in first)
    assert all(a["href"].startswith("../") for a in third)
    outdir = Path(built.app.outdir)
    for name, links in (("first", first), ("sub/third", third)):
        folder = (outdir / name).parent
        assert all((folder / a["href"].split("#")[0]).resolve().is_file() for a in links)


def test_a_reference_is_formatted_once_for_the_pages_it_links_the_same_from(copy_root,
                                                                             monkeypatch):
    """Of the 14 references the 12 citations make, one is formatted again: sub/third cites
    ho2020ddpm with :cite:t: twice, and the second is the first's text again. The others
    differ in role, entry, words around it or link: first and sub/third cite the same
    works, and each keeps links made from its own folder (the test above)."""
    formatted, resolved = [], []
    format_reference = bibtex.format_reference
    resolve_xref = IndexedBibtexDomain.resolve_xref
    monkeypatch.setattr(bibtex, "format_reference",
                        lambda *args: formatted.append(args[1]) or format_reference(*args))
    monkeypatch.setattr(IndexedBibtexDomain, "resolve_xref",
                        lambda self, *args: resolved.append(args) or resolve_xref(self, *args))
    built = Build(copy_root("fastbib"), confoverrides=INDEXED)
    assert len(resolved) == 12 and sum(
        len(list(bibtex.parse_citation_targets(args[4]))) for args in resolved) == 14
    assert len(formatted) == 13
    twice = built.page("sub/third").select("span.bibtex-citation")[-2:]
    assert [a.decode() for a in twice[0]("a")] == [a.decode() for a in twice[1]("a")]
    assert twice[0].text == twice[1].text and "Ho" in twice[0].text


def test_a_bibliography_is_filled_from_its_own_page_s_references(copy_root, monkeypatch):
    """Upstream's post-transform scans every citation reference of the site for each
    entry of a bibliography; kb's runs it first, with the references cut to the page's own
    (its output is upstream's: test_clean_build_matches_upstream). Each bibliography page
    is filled once, by kb's transform, seeing its own references only; the entries cited
    on the page still link back to where they are cited."""
    filled = []
    upstream_run = BibliographyTransform.run

    def run(transform, **kwargs):
        pages = {node["docname"] for node in transform.document.findall(bibliography_node)}
        if pages:
            references = transform.env.get_domain("cite").citation_refs
            filled.append((type(transform).__name__, pages, {ref.docname for ref in references}))
        return upstream_run(transform, **kwargs)

    monkeypatch.setattr(BibliographyTransform, "run", run)
    built = Build(copy_root("fastbib"), confoverrides=INDEXED)
    assert sorted(sorted(pages) for _, pages, _ in filled) == [["index"], ["second"]]
    assert all(name == "BibliographyOnItsOwnReferences" and seen == pages
               for name, pages, seen in filled)
    backlinks = built.page("index").select('a[role="doc-backlink"]')
    assert len(backlinks) == 2  # its two citations of entries in its own bibliography
    assert all(built.page("index").find(id=a["href"][1:]) for a in backlinks)


def test_without_the_private_names_the_cite_domain_falls_back_to_upstreams_methods(
        copy_root, monkeypatch) -> None:
    """As if sphinxcontrib-bibtex had dropped `_FilterVisitor` and the reference classes:
    the subclass filters and resolves with upstream's own methods, and the pages are
    upstream's (test_fastbib's project, built both ways)."""
    upstream = build(copy_root("fastbib", "upstream"), indexed=False)
    for name in ("FilterVisitor", "SphinxReferenceInfo"):
        monkeypatch.setattr(bibtex, name, None)
    assert not bibtex.filters_indexed() and not bibtex.resolves_indexed()
    assert build(copy_root("fastbib", "indexed"), indexed=True)[0] == upstream[0]


def test_where_format_references_has_changed_each_citation_is_formatted_whole(
        upstream, copy_root, monkeypatch) -> None:
    """As if sphinxcontrib-bibtex's format_references were other code than the two steps
    the subclass does it in (compat/bibtex.py reports that): the subclass calls it whole,
    and the pages are upstream's."""
    monkeypatch.setattr(bibtex, "FORMATS_APART", False)
    called = []
    monkeypatch.setattr(bibtex, "format_reference", lambda *args: called.append(args))
    assert build(copy_root("fastbib"), indexed=True)[0] == upstream[0]
    assert not called


def test_a_page_holding_nothing_of_the_bibliography_is_not_cleared_from_it(copy_root,
                                                                          monkeypatch):
    """Sphinx's serial read clears each page just before reading it; upstream's clear_doc
    rebuilds the lists of citations and references each time (references x pages). A page
    that holds none is skipped: none in a clean build; the edited page in a rebuild."""
    from sphinxcontrib.bibtex.domain import BibtexDomain

    cleared: list[str] = []
    clear_doc = BibtexDomain.clear_doc
    monkeypatch.setattr(BibtexDomain, "clear_doc",
                        lambda self, docname: cleared.append(docname) or clear_doc(self, docname))
    src = copy_root("fastbib")
    Build(src, confoverrides=INDEXED)
    assert cleared == []
    append(src / "first.rst", "\nMore text.\n")
    bodies, _ = build(src, indexed=True)
    assert cleared == ["first"]
    assert "More text." in bodies["first"] and "bibtex-citation" in bodies["first"]
