"""structured_data.py, data out in a built site: kb.json and its schema, BibTeX per item, the
whole refs.bib, and intersphinx from a second project (offline); JSON-LD: test_jsonld.py.

The test root (tests/roots/test-data) has titles with '</script>' and '<!--' in them,
an alias, a subtopic, and an item citing a key that refs.bib does not have.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import jsonschema
import pytest
from conftest import Build, html_pages, page, touch, with_site_look
from pybtex.database import parse_string
from sphinx.util.inventory import InventoryFile

ROOT = Path(__file__).resolve().parents[2]
DATA_ROOT = Path(__file__).parents[1] / "roots" / "test-data"
SCHEMA = json.loads((ROOT / "_ext" / "kb" / "outputs" / "kb.schema.json").read_text(encoding="utf-8"))
KIND = re.compile(r"^kind:\s*(\S+)", re.M)


def warnings_of(build: Build) -> list[str]:
    return [line for line in build.warning_lines if "WARNING" in line]


def kb_json(build: Build) -> dict:
    return json.loads((build.outdir / "kb.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def site(shared_build) -> Build:
    """The data root, built once for the session: never edit it."""
    return shared_build("data", nitpicky=True)


@pytest.fixture(scope="module")
def site_look(tmp_path_factory) -> Build:
    """The data root with the real site's theme, templates and static files, for what a
    reader meets (the BibTeX blocks, the paper index's download link)."""
    src = tmp_path_factory.mktemp("data-look") / "src"
    shutil.copytree(DATA_ROOT, src)
    return Build(src, confoverrides={**with_site_look(src), "nitpicky": True})


def test_the_only_warning_is_the_unknown_citation_key(site):
    assert len(warnings_of(site)) == 1, warnings_of(site)
    assert "r2022.md:28: WARNING: unknown citation key 'nosuch2020key'" in warnings_of(site)[0]


def test_kb_json_validates_against_its_published_schema_and_counts_match_the_sources(site):
    out = Path(site.outdir)
    data = kb_json(site)
    published = json.loads((out / "kb.schema.json").read_text(encoding="utf-8"))
    assert published == SCHEMA
    jsonschema.Draft202012Validator.check_schema(published)
    jsonschema.validate(data, published, cls=jsonschema.Draft202012Validator)
    assert data["schema_version"] == "2.0" and data["$schema"] == "kb.schema.json"
    # the counts, from the sources themselves
    sources = {p.relative_to(DATA_ROOT).with_suffix("").as_posix(): p.read_text(encoding="utf-8")
               for p in DATA_ROOT.rglob("*.md")}
    assert {p["docname"] for p in data["pages"]} == set(sources)
    kinds = {doc: (KIND.search(text)[1] if KIND.search(text) else None) for doc, text in sources.items()}
    assert {p["docname"]: p["kind"] for p in data["pages"]} == kinds
    assert len(data["items"]) == sum(text.count("{kb:item}") for text in sources.values()) == 4
    assert {t["slug"] for t in data["topics"]} == {
        doc.split("/")[1] for doc, kind in kinds.items() if kind == "topic"}
    bib_keys = set(re.findall(r"^@\w+\{([^,]+),", (DATA_ROOT / "refs.bib").read_text("utf-8"), re.M))
    assert {p["key"] for p in data["papers"]} == bib_keys
    assert {s["slug"] for s in data["series"]} == {"garden", "weekly"}


def test_kb_json_holds_the_graph(site):
    data = kb_json(site)
    items = {i["id"]: i for i in data["items"]}
    muse = items["reviews/r2022#muse-script"]
    assert muse["title"] == "Muse </script>" and muse["topics"] == ["text-to-image"]
    assert muse["url"] == "reviews/r2022.html#muse-script" and muse["date"] == "2023-01-17"
    # a review's items belong to the year it reviews, an issue's to the year of the issue
    assert muse["year"] == 2022 and items["newsletters/n7#alphafold"]["year"] == 2021
    # the unknown key (warned about) is left out; the rest of the item is there
    assert items["reviews/r2022#cql"]["cites"] == ["kumar2020cql"]
    assert items["reviews/r2022#cql"]["topics"] == ["rl"]
    topics = {t["slug"]: t for t in data["topics"]}
    assert topics["text-to-image"]["parent"] == "generative"
    assert topics["generative"]["children"] == ["text-to-image"]
    assert topics["text-to-image"]["aliases"] == ["txt2img", "image generation from text"]
    papers = {p["key"]: p for p in data["papers"]}
    assert papers["kumar2020cql"]["arxiv"] == "2006.04779"
    assert papers["kumar2020cql"]["unverified"] == ["pages"]  # what refs.bib could not verify
    assert papers["jumper2021alphafold"]["unverified"] == []
    assert papers["jumper2021alphafold"]["doi"] == "10.1038/s41586-021-03819-2"
    assert papers["kumar2020cql"]["cited_by"] == {
        "items": ["newsletters/n7#alphafold", "reviews/r2022#cql"],
        "pages": ["newsletters/n7", "reviews/r2022"]}
    # cited in the page's text, not in an item: the page cites it
    assert papers["chang2023muse"]["cited_by"]["pages"] == ["newsletters/n7", "reviews/r2022"]
    review = next(p for p in data["pages"] if p["docname"] == "reviews/r2022")
    assert review["title"].startswith("The year </script><script>")
    assert review["authors"] == ["Ana Example", "Žídek Augustin"]
    assert {a["name"] for a in data["authors"]} >= {"Žídek, Augustin", "Kumar, A."}


def test_kb_json_has_no_path_of_the_build_machine(site):
    text = (Path(site.outdir) / "kb.json").read_text(encoding="utf-8")
    for path in (site.srcdir, site.outdir, Path.home(), ROOT):
        assert str(path) not in text
    assert not re.search(r'"(/|[A-Za-z]:\\\\)', text)  # no absolute path as a value


def test_parallel_build_writes_the_same_bytes(site, copy_root):
    site_j2 = Build(copy_root("data"), parallel=2, confoverrides={"nitpicky": True})
    # the same warning (the unknown citation key), each naming its own copy of the source
    assert [w.replace(str(site_j2.srcdir), "SRC") for w in warnings_of(site_j2)] == \
        [w.replace(str(site.srcdir), "SRC") for w in warnings_of(site)]
    assert (site.outdir / "kb.json").read_bytes() == (site_j2.outdir / "kb.json").read_bytes()


def test_incremental_builds_write_what_a_clean_build_writes(copy_root):
    src = copy_root("data")
    before = (Build(src).outdir / "kb.json").read_bytes()
    assert (Build(src).outdir / "kb.json").read_bytes() == before  # a no-op build
    # edits: an item's topic and citation, a new issue, a paper gains an identifier
    review = src / "reviews" / "r2022.md"
    touch(review, review.read_text(encoding="utf-8").replace(
        ":topics: rl\n", ":topics: rl, generative\n").replace(
        "{cite:p}`nosuch2020key`", "{cite:p}`jumper2021alphafold`"))
    touch(src / "newsletters" / "n8.md", (src / "newsletters" / "n7.md").read_text(
        encoding="utf-8").replace("issue: 7", "issue: 8").replace("# Weekly 7", "# Weekly 8"))
    touch(src / "index.md", (src / "index.md").read_text(encoding="utf-8").replace(
        "newsletters/n7\n", "newsletters/n7\nnewsletters/n8\n"))
    bib = src / "refs.bib"
    touch(bib, bib.read_text(encoding="utf-8").replace(
        "  year = {2021},\n  doi", "  year = {2021},\n  eprint = {2000.00001},\n  doi"))
    incremental = Build(src)
    after = (incremental.outdir / "kb.json").read_bytes()
    assert after != before
    clean = Build(src, builddir=src.parent / "clean")
    assert (clean.outdir / "kb.json").read_bytes() == after
    # and the pages (their JSON-LD and BibTeX blocks) are those of the clean build
    assert html_pages(incremental.outdir) == html_pages(clean.outdir)
    data = json.loads(after)
    assert "newsletters/n8#alphafold" in {i["id"] for i in data["items"]}
    assert {p["key"]: p["arxiv"] for p in data["papers"]}["jumper2021alphafold"] == "2000.00001"


def test_each_citing_item_offers_its_bibtex_which_parses_back(site_look):
    site = site_look
    soup = page(site, "reviews/r2022")
    blocks = {b.find_parent(class_="kb-item-card")["id"]: b for b in soup.select(".kb-bibtex")}
    assert set(blocks) == {"muse-script", "cql"}  # 'A product' cites nothing
    muse = parse_string(blocks["muse-script"].select_one("pre").get_text(), "bibtex")
    assert list(muse.entries) == ["chang2023muse"]
    assert muse.entries["chang2023muse"].fields["eprint"] == "2301.00704"
    cql = parse_string(blocks["cql"].select_one("pre").get_text(), "bibtex")
    assert list(cql.entries) == ["kumar2020cql"]  # the unknown key is left out
    # standard fields only: refs.bib's `unverified` stays out of what readers copy (kb.json
    # keeps it); `note` is a standard field, and stays
    assert set(cql.entries["kumar2020cql"].fields) == {
        "title", "booktitle", "year", "eprint", "archiveprefix", "note"}
    assert "unverified" not in blocks["cql"].get_text()
    issue = parse_string(page(site, "newsletters/n7").select_one(
        "#alphafold .kb-bibtex pre").get_text(), "bibtex")
    assert list(issue.entries) == ["jumper2021alphafold", "kumar2020cql"]
    assert [str(p) for p in issue.entries["jumper2021alphafold"].persons["author"]] == [
        "Jumper, John", "Žídek, Augustin"]
    # collapsed until asked for, and kept out of the search index (Pagefind's ignore mark)
    assert blocks["cql"].name == "details" and "BibTeX" in blocks["cql"].summary.get_text()
    assert blocks["cql"]["data-pagefind-ignore"] == "all"


def test_paper_index_links_the_whole_bib_file_published_beside_it(site_look):
    site = site_look
    link = page(site, "references").select_one(".kb-bib-download a.kb-bib-file")
    assert link["href"] == "refs.bib"
    published = (Path(site.outdir) / "refs.bib").read_bytes()
    assert published == (DATA_ROOT / "refs.bib").read_bytes()
    assert len(parse_string(published.decode("utf-8"), "bibtex").entries) == 3


def test_dirhtml_urls_follow_the_builder(copy_root):
    built = Build(copy_root("data"), "dirhtml")
    data = kb_json(built)
    assert {i["id"]: i["url"] for i in data["items"]}["reviews/r2022#cql"] == "reviews/r2022/#cql"
    references = (built.outdir / "references" / "index.html").read_text("utf-8")
    assert 'href="../refs.bib"' in references


def test_latex_has_no_bibtex_block(copy_root):
    tex = (Build(copy_root("data"), "latex").outdir / "datatest.tex").read_text(encoding="utf-8")
    assert "howpublished" not in tex and "kb-bibtex" not in tex
    assert "Masked transformers" in tex


def test_objects_inv_carries_every_kind_of_object_with_display_names(site):
    with open(Path(site.outdir) / "objects.inv", "rb") as stream:
        inventory = InventoryFile.load(stream, "https://example.org/kb", lambda *a: "/".join(a))
    names = {kind: {name: entry.display_name for name, entry in entries.items()}
             for kind, entries in inventory.items() if kind.startswith("kb:")}
    assert names["kb:topic"]["text-to-image"] == "Text-to-image"
    assert names["kb:item"]["reviews/r2022#cql"] == "CQL"
    assert names["kb:issue"]["weekly/7"] == "Weekly 7"
    assert names["kb:review"]["garden/2022"].startswith("The year </script>")
    assert names["kb:paper"]["kumar2020cql"] == "Conservative Q-Learning for Offline Reinforcement Learning"
    assert set(names) == {"kb:topic", "kb:item", "kb:issue", "kb:review", "kb:paper"}


def test_a_second_project_links_to_each_kind_of_object_offline(site, copy_root):
    from kb.build.domain import KnowledgeBaseDomain
    from kb_intersphinx import OBJECT_TYPES

    assert set(OBJECT_TYPES) == set(KnowledgeBaseDomain.object_types)
    inventory = str(Path(site.outdir) / "objects.inv")

    def offline() -> dict:  # a new mapping each time: Sphinx normalises it in place
        return {"nitpicky": True, "intersphinx_mapping": {"dlkb": ("https://example.org/kb/", inventory)}}

    other = Build(copy_root("data-consumer"), confoverrides=offline())
    assert not warnings_of(other), warnings_of(other)
    links = {a.get_text(): a["href"] for a in page(other, "index").select("a.reference.external")}
    assert links == {
        "Text-to-image": "https://example.org/kb/topics/text-to-image.html",
        "Generative models": "https://example.org/kb/topics/generative.html",
        "CQL": "https://example.org/kb/reviews/r2022.html#cql",
        "Weekly 7": "https://example.org/kb/newsletters/n7.html",
        "The year </script><script>alert(1)</script> & <!-- more":
            "https://example.org/kb/reviews/r2022.html",
        "Highly accurate protein structure prediction with AlphaFold":
            links["Highly accurate protein structure prediction with AlphaFold"],
        "our words": "https://example.org/kb/topics/rl.html",
    }
    assert re.fullmatch(r"https://example\.org/kb/references\.html#paper-jumper2021alphafold",
                        links["Highly accurate protein structure prediction with AlphaFold"])
    # a target the knowledge base does not have is reported, not linked
    touch(other.srcdir / "index.md", "# X\n\n{external+dlkb:kb:topic}`nosuch`\n")
    again = Build(other.srcdir, confoverrides=offline())
    assert any("nosuch" in line for line in warnings_of(again))
