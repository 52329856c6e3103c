"""stamps.py: the whole-site outputs are made again only when what they are made of changed
(the records, the configuration, the versions of the packages that draw them), and are
then what a clean build writes; the stamps stay beside the doctrees, out of the site."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from conftest import Build, replace
from kb.outputs import atom, export, stamps


@pytest.fixture
def site(copy_root) -> Path:
    src = copy_root("publishing")
    Build(src)
    return src


def outputs(src: Path) -> dict[str, bytes]:
    out = src / "_build" / "html"
    files = [out / export.EXPORT_FILE, *sorted((out / atom.FEEDS_DIR).rglob("*.xml"))]
    return {str(path.relative_to(out)): path.read_bytes() for path in files}


@pytest.fixture
def counted(monkeypatch) -> list[str]:
    """The names of the whole-site files made during a build."""
    made: list[str] = []
    build_export, plan = export.build_export, atom.plan
    monkeypatch.setattr(export, "build_export",
                        lambda *a, **k: made.append("kb.json") or build_export(*a, **k))
    monkeypatch.setattr(atom, "plan", lambda *a, **k: made.append("feeds") or plan(*a, **k))
    return made


def clean_copy(src: Path, tmp_path: Path) -> dict[str, bytes]:
    clean = tmp_path / "clean"
    shutil.copytree(src, clean, ignore=shutil.ignore_patterns("_build"))
    Build(clean)
    return outputs(clean)


def test_a_no_op_rebuild_makes_neither_the_feeds_nor_the_export(site: Path, counted) -> None:
    before = outputs(site)
    Build(site)
    assert counted == []
    assert outputs(site) == before


def test_an_edit_of_the_records_makes_both_again_as_a_clean_build(site: Path, counted,
                                                                     tmp_path: Path) -> None:
    replace(site / "newsletters" / "weekly" / "issue-2.md", "title: 'Issue 2:",
            "title: 'Issue 2 (retitled):")
    before = outputs(site)
    Build(site)
    assert sorted(counted) == ["feeds", "kb.json"]
    after = outputs(site)
    assert after != before
    assert after == clean_copy(site, tmp_path)


def test_a_deleted_file_is_made_again(site: Path, counted) -> None:
    before = outputs(site)
    (site / "_build" / "html" / export.EXPORT_FILE).unlink()
    shutil.rmtree(site / "_build" / "html" / atom.FEEDS_DIR)
    Build(site)
    assert sorted(counted) == ["feeds", "kb.json"]
    assert outputs(site) == before


def test_a_changed_configuration_makes_both_again(site: Path, counted) -> None:
    Build(site, confoverrides={"html_baseurl": "https://example.com/elsewhere/"})
    assert sorted(counted) == ["feeds", "kb.json"]
    assert any(b"https://example.com/elsewhere/" in data for data in outputs(site).values())


# -- one stamp scheme, kept out of the site ------------------------------------------------

SPLIT = {"kb_split_links": 2}  # the paper index and the listings split into part pages


ISSUE_OF_2022 = """---
kind: newsletter
date: 2022-02-01
series: weekly
issue: 3
summary: Third issue.
---
# Weekly: Issue 3

```{kb:item} GAN news
:kind: news
:topics: gans, protein-structure

More.
```
"""


@pytest.fixture
def whole(copy_root) -> Build:
    """The publishing root built with every output the extension writes: feeds, kb.json,
    previews, charts (an issue of 2022 gives its topics a second year), part pages and the
    search bundle."""
    src = copy_root("publishing")
    (src / "newsletters" / "weekly" / "issue-3.md").write_text(ISSUE_OF_2022, encoding="utf-8")
    return Build(src, confoverrides=SPLIT)


def kept_charts(build: Build) -> list[Path]:
    """The drawn charts, kept beside the doctrees (the pages hold them)."""
    return sorted((Path(build.app.doctreedir) / "kb-charts").glob("kb-trend*.svg"))


def test_nothing_the_stamps_write_is_in_the_published_site(whole: Build) -> None:
    published = sorted(path.relative_to(whole.outdir).as_posix()
                       for path in whole.outdir.rglob("*") if path.is_file())
    # every output is there, and stamped beside the doctrees
    assert "topics/gans-2021.html" in published  # a part of a split listing
    assert 'class="kb-chart-svg kb-chart-wide"' in (whole.outdir / "topics/gans.html").read_text()
    assert kept_charts(whole) and not [name for name in published if "kb-trend" in name]
    assert "pagefind/pagefind.js" in published and "kb.json" in published
    stamped = json.loads((Path(whole.app.doctreedir) / stamps.STAMP_FILE).read_text())
    parts = {key.rsplit(":", 1)[1] for key in stamped}
    assert parts == {"feeds", "data", "parts", "previews", "charts", "chart-drawing", "search"}
    # and nothing of the stamps is published: no stamp file, no hidden file (Sphinx's own
    # .buildinfo aside), nothing in the previews' folder but their scripts, no digest in
    # a page
    assert stamps.STAMP_FILE not in {Path(name).name for name in published}
    assert [name for name in published if Path(name).name.startswith(".")] == [".buildinfo"]
    assert all(name.endswith(".js") for name in published
               if name.startswith("_static/kb-previews/"))
    for name in published:
        if name.endswith(".html"):
            text = (whole.outdir / name).read_text(encoding="utf-8")
            assert 'name="kb-part"' not in text and stamped_digests(stamped) & words(text) == set()


def stamped_digests(stamped: dict) -> set[str]:
    found = {value["digest"] for value in stamped.values() if value["digest"]}
    return found | {digest for value in stamped.values() for digest in value["files"].values()
                    if digest}


def words(text: str) -> set[str]:
    return set(re.findall(r"[0-9a-f]{64}", text))


def count_calls(monkeypatch, made: list[str], module, name: str, label: str) -> None:
    real = getattr(module, name)
    monkeypatch.setattr(module, name, lambda *a, **k: made.append(label) or real(*a, **k))


@pytest.mark.parametrize(("package", "remade"), [
    ("feedgen", ["feeds"]),
    ("pybtex", ["formatted references", "kb.json", "parts", "previews"]),
    ("sphinxcontrib-bibtex", ["formatted references", "kb.json", "parts", "previews"]),
    ("matplotlib", ["charts"]),
    ("pagefind-bin", ["search"]),
    ("pydata-sphinx-theme", ["parts"]),
])
def test_a_new_version_of_a_package_makes_what_it_shapes_again(
        whole: Build, monkeypatch, package: str, remade: list[str]) -> None:
    """Nothing read changed, but `package` is another version: the outputs it draws are
    made again (and are then what a clean build with it makes), the others are not."""
    import pybtex.style.formatting
    from kb.outputs import chart_drawing, part_pages, previews, versions

    made: list[str] = []
    count_calls(monkeypatch, made, export, "build_export", "kb.json")
    count_calls(monkeypatch, made, atom, "plan", "feeds")
    count_calls(monkeypatch, made, part_pages, "planned_parts", "parts")
    count_calls(monkeypatch, made, previews, "preview_files", "previews")
    count_calls(monkeypatch, made, pybtex.style.formatting.BaseStyle, "format_entry",
                "formatted references")
    draw, summary = chart_drawing.DRAW["trend"]
    monkeypatch.setitem(chart_drawing.DRAW, "trend",
                        (lambda *a: made.append("charts") or draw(*a), summary))
    charts = kept_charts(whole)
    installed = versions.package_version
    monkeypatch.setattr(versions, "package_version",
                        lambda name: "99.0" if name == package else installed(name))

    again = Build(whole.srcdir, confoverrides=SPLIT)
    search = "search: Pagefind indexed the site" in again.status
    assert sorted(set(made) | ({"search"} if search else set())) == remade
    assert kept_charts(whole) == charts  # under their names
    Build(whole.srcdir, confoverrides=SPLIT)  # and stamped: the next build makes nothing
    assert sorted(set(made)) == sorted(set(remade) - {"search"})


def test_a_build_stopped_while_writing_leaves_no_claim(whole: Build, monkeypatch) -> None:
    """The feeds' stamp is taken back before they are written: a build that stops there
    leaves the next build to write them, though nothing read changed since."""
    feed = whole.outdir / atom.FEEDS_DIR / "atom.xml"
    before = feed.read_bytes()
    replace(whole.srcdir / "newsletters" / "weekly" / "issue-2.md", "title: 'Issue 2:",
            "title: 'Issue 2 (retitled):")

    def stopped(*args, **kwargs):
        raise KeyboardInterrupt  # as a build stopped by hand

    monkeypatch.setattr(atom, "render", stopped)
    with pytest.raises(KeyboardInterrupt):
        Build(whole.srcdir, confoverrides=SPLIT)
    monkeypatch.undo()
    assert feed.read_bytes() == before
    Build(whole.srcdir, confoverrides=SPLIT)
    assert b"Issue 2 (retitled)" in feed.read_bytes()


# -- incremental = clean, for every output ------------------------------------------------

# Sphinx's record of the build; the search bundle, whose files number the pages in the
# order Pagefind happened to read them (its fragments, each page's record, are compared)
VARIES = {".buildinfo"}


def site_files(outdir: Path) -> dict[str, bytes]:
    found = {}
    for path in sorted(outdir.rglob("*")):
        name = path.relative_to(outdir).as_posix()
        if path.is_file() and name not in VARIES and not name.startswith("pagefind/"):
            found[name] = path.read_bytes()
    return found


def test_an_incremental_build_writes_every_output_as_a_clean_build_does(
        whole: Build, tmp_path: Path) -> None:
    """An edit of what the excerpts, the part pages and the charts show: the feeds, kb.json,
    the previews, the charts, the part pages, the pages' metadata and the search index
    of the rebuilt site are those of a clean build of the edited sources."""
    from test_search import _fragments

    src = whole.srcdir
    issue = src / "newsletters" / "weekly" / "issue-1.md"  # its first paragraph describes it
    replace(issue, "summary: First issue, dated to the month only.\n", "")
    replace(issue, "Opening words of issue 1.",
            "Opening words on {kb:topic}`gans`, all of them new.")
    replace(src / "topics" / "gans.md", "# GANs", "# Generative adversarial networks")
    replace(src / "reviews" / "garden" / "2021.md", ":topics: gans", ":topics: protein-structure")
    again = Build(src, confoverrides=SPLIT)
    clean_src = tmp_path / "clean"
    shutil.copytree(src, clean_src, ignore=shutil.ignore_patterns("_build"))
    clean = Build(clean_src, confoverrides=SPLIT)
    got, want = site_files(again.outdir), site_files(clean.outdir)
    # the edit reached every output that shows it
    excerpt = b"Opening words on Generative adversarial networks, all of them new."
    for name in ("feeds/atom.xml", "_static/kb-previews/pages/newsletters/weekly/issue-1.js",
                 "newsletters/weekly/issue-1.html"):
        assert excerpt in got[name], name
    assert sorted(got) == sorted(want)
    assert [name for name in got if got[name] != want[name]] == []
    assert _fragments(again.outdir / "pagefind") == _fragments(clean.outdir / "pagefind")
