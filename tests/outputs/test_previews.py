"""Link previews: the data files written at build time, their escaping, their
incremental correctness, and that they touch nothing but the HTML."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import Build, add_issue_to_series, edited_and_clean, page, replace
from kb.build import excerpts
from kb.outputs import previews

# the `html` and `latex` fixtures: this root built once for the session (conftest);
# test_site checks that it builds without any warning
pytestmark = pytest.mark.sphinx(testroot="kb", confoverrides={"nitpicky": True})


def preview_data(outdir: Path) -> dict[str, object]:
    """Every preview file of a build, decoded: {'pages/reviews/r2021': {...}, ...}."""
    found = {}
    folder = Path(outdir) / "_static" / previews.FOLDER
    for path in sorted(folder.rglob("*.js")):
        text = path.read_text(encoding="utf-8")
        name, _, payload = text.removeprefix("window.kbPreviewData(").partition(",")
        found[json.loads(name)] = json.loads(payload.removesuffix(");\n"))
    return found


def test_preview_files_hold_what_each_target_shows(html):
    data = preview_data(html.outdir)
    review = data["pages/reviews/r2021"]
    assert review[""] == {"title": "Review of 2021", "kind": "Year review of 2021",
                          "date": "3 January 2022", "topics": ["AI for science"],
                          "text": "A review of 2021."}
    # the item's first sentences as the page shows them, its citation as rendered there;
    # its topics by title
    assert review["alphafold2"] == {
        "title": "AlphaFold2", "kind": "Application", "page": "Review of 2021",
        "date": "3 January 2022", "topics": ["Protein structure prediction"],
        "text": "Predicts structures [Jumper and Žídek, 2021]."}
    shown = page(html, "reviews/r2021").select_one("#alphafold2 span.bibtex-citation")
    assert shown.get_text() == "[Jumper and Žídek, 2021]"
    assert data["pages/topics/gans"][""] == {"title": "GANs", "kind": "Topic", "count": 1,
                                              "text": "Adversarial."}
    papers = {anchor: paper for name, found in data.items() if name.startswith("papers/")
              for anchor, paper in found.items()}
    jumper = next(p for p in papers.values() if p["title"].startswith("Highly accurate"))
    assert jumper["authors"] == "John Jumper and Augustin Žídek"
    assert jumper["venue"] == "Nature, 2021. doi:10.1038/s41586-021-03819-2."
    assert jumper["count"] == 2 and jumper["page"] == "references"
    for anchor in papers:  # each in the bucket the script looks in
        assert anchor in data[f"papers/{previews.paper_bucket(anchor)}"]


def test_a_long_author_list_is_cut_and_names_read_first_name_first():
    names = [f"Author{n}, First{n}" for n in range(58)]  # Codex's 58 authors
    assert previews.author_line([previews.reading_name(n) for n in names]) == \
        "First0 Author0, First1 Author1, First2 Author2 and 55 others"
    assert previews.author_line(["A", "B", "C", "D"]) == "A, B, C and D"  # 4: no "1 other"
    assert previews.author_line(["A", "B", "C", "D", "E"]) == "A, B, C and 2 others"
    assert previews.author_line(["A", "B"]) == "A and B"
    assert previews.author_line(["A"]) == "A" and previews.author_line([]) == ""
    assert previews.reading_name("Žídek, Augustin") == "Augustin Žídek"
    assert previews.reading_name("King, Jr., Martin") == "Martin King, Jr."
    assert previews.reading_name("OpenAI") == "OpenAI"


def test_contributor_text_is_data_never_markup():
    text = previews.script("pages/x", {"": {"title": "</script><img src=x onerror=alert(1)>"}})
    assert "<" not in text and ">" not in text.removeprefix("window.kbPreviewData(")[:-3]
    payload = text.partition(",")[2].removesuffix(");\n")
    assert json.loads(payload)[""]["title"] == "</script><img src=x onerror=alert(1)>"


def test_first_sentences_are_cut_at_a_sentence_or_a_word():
    assert excerpts.first_sentences("One. Two three. Four.") == "One. Two three."
    long = excerpts.first_sentences("word " * 200)
    assert len(long) <= excerpts.LIMIT and long.endswith("word…")


def rebuilt_equals_clean(copy_root, edit) -> dict[str, object]:
    second, fresh = edited_and_clean(copy_root("kb"), edit)
    got, want = preview_data(second.outdir), preview_data(fresh.outdir)
    assert got == want
    return got


def test_a_retitled_item_updates_its_previews_as_a_clean_build_does(copy_root):
    def retitle(src: Path) -> None:
        replace(src / "newsletters/n220.md", "{kb:item} AlphaFold-Multimer",
                "{kb:item} AlphaFold-Multimer v2\n:id: alphafold-multimer")
    data = rebuilt_equals_clean(copy_root, retitle)
    assert data["pages/newsletters/n220"]["alphafold-multimer"]["title"] == "AlphaFold-Multimer v2"


def test_an_issue_on_a_charted_topic_updates_previews_as_a_clean_build_does(copy_root):
    data = rebuilt_equals_clean(copy_root, add_issue_to_series)
    assert data["pages/topics/gans"][""]["count"] == 3
    assert data["pages/newsletters/n221"]["a-new-item"]["topics"] == ["GANs"]


def test_previews_change_nothing_in_latex(latex, copy_root):
    off = Build(copy_root("kb"), "latex", confoverrides={"kb_previews": False, "nitpicky": True})
    assert latex.tex == off.tex
    assert not list(latex.outdir.rglob("kb-previews*"))


def test_previews_can_be_switched_off(copy_root):
    built = Build(copy_root("kb"), confoverrides={"kb_previews": False})
    index = (built.outdir / "index.html").read_text(encoding="utf-8")
    assert "kb-previews" not in index and "tippy" not in index
    assert not (built.outdir / "_static" / previews.FOLDER).exists()


def test_a_citation_quoted_is_the_text_formatted_as_its_page_was_resolved(html):
    """The excerpts quote each citation as resolving the pages formatted it (kept for the
    build: bib/cite_domain.py), and that is what formatting it again for the quote gives."""
    from kb.bib.cite_domain import cite_domain
    from kb.build.domain import kb_domain

    cite = cite_domain(html.env)
    cited = {(kind.removeprefix(excerpts.CITE), target)
             for by_anchor in kb_domain(html.env).excerpts.values()
             for parts in by_anchor.values() for part in parts
             if isinstance(part, list) for kind, target in [part]
             if kind.startswith(excerpts.CITE)}
    kept = {cited_as: cite.citation_text(*cited_as) for cited_as in cited}
    assert cited and set(kept.values()) <= set(cite.plain_citations.values())
    saved, cite.plain_citations = cite.plain_citations, {}
    try:  # formatted again, without what resolving the pages kept
        assert {cited_as: cite.citation_text(*cited_as) for cited_as in cited} == kept
    finally:
        cite.plain_citations = saved
    assert "[Jumper and Žídek, 2021]" in kept.values()
