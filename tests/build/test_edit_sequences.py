"""Incremental == clean (and -j 2 == -j 1) under random sequences of edits.

A seeded generator keeps a model of a small site (newsletters in a series, a review,
topics, refs.bib; after tests/roots/test-navigation), applies random edits to it and
writes the sources that changed. After every step it compares, page by page, the
HTML of an incremental build (-j 1, and -j 2 on a second copy) with a clean build of
the same sources; only the asset checksums (`?v=...`) may differ. The warnings of an
incremental build are ones the clean build gives too, and a toctree entry left
pointing at a deleted page is reported by the incremental build that sees the
deletion (safety.py re-reads the pages listing it).

The default run is one sequence of 20 steps (-j 1 and -j 2); `-m slow` adds two
sequences of 25 steps (-j 1).
"""

from __future__ import annotations

import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import ROOTS, Build, differences_from_clean, html_pages, touch

ROOT = ROOTS / "test-navigation"
TOPIC_WORDS = ["diffusion", "transformers", "robotics", "vision", "speech", "graphs", "agents"]
KEYS = ["jumper2021alphafold", "evans2021multimer"]


@dataclass
class Newsletter:
    issue: int
    title: str
    date: str
    topics: list[str]
    items: list[tuple[str, str, list[str]]]  # title, topic, cited keys


@dataclass
class Site:
    """What the sources say; `files()` writes them."""

    letters: dict[str, Newsletter] = field(default_factory=dict)
    listed: list[str] = field(default_factory=list)  # weekly.md's toctree, dangling entries too
    topics: dict[str, str] = field(default_factory=dict)  # slug -> title
    bib: dict[str, str] = field(default_factory=dict)  # key -> title
    next_issue: int = 3

    @classmethod
    def initial(cls) -> Site:
        site = cls()
        site.letters = {
            "n1": Newsletter(1, "Weekly 1", "2021-10", ["gans"], [("IC-GAN", "gans", [])]),
            "n2": Newsletter(2, "Weekly 2", "2021-11-02", ["diffusion"],
                             [("Guided diffusion", "diffusion", ["jumper2021alphafold"])]),
        }
        site.listed = ["n1", "n2"]
        site.topics = {"gans": "GANs", "diffusion": "Diffusion"}
        site.bib = {"jumper2021alphafold": "Highly accurate protein structure prediction",
                    "evans2021multimer": "Protein complex prediction"}
        return site

    def files(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for name, letter in self.letters.items():
            items = "".join(
                f"\n```{{kb:item}} {title}\n:kind: paper\n:topics: {topic}\n\n"
                f"Text{''.join(f' {{cite:p}}`{key}`' for key in cites)}.\n```\n"
                for title, topic, cites in letter.items)
            out[f"newsletters/{name}.md"] = (
                f"---\nkind: newsletter\ndate: {letter.date}\nseries: weekly\n"
                f"issue: {letter.issue}\ntopics: [{', '.join(letter.topics)}]\n"
                f"summary: Issue {letter.issue}.\n---\n# {letter.title}\n{items}")
        out["weekly.md"] = ("# Weekly\n\n```{kb:archive} weekly\n```\n\n```{toctree}\n"
                            + "".join(f"newsletters/{name}\n" for name in self.listed) + "```\n")
        for slug, title in self.topics.items():
            out[f"topics/{slug}.md"] = f"---\nkind: topic\n---\n# {title}\n\nAbout {title}.\n"
        out["index.md"] = (
            "# Navigation test\n\n```{kb:newest}\n:limit: 2\n```\n\n```{kb:busiest-topics}\n"
            ":limit: 1\n```\n\n```{toctree}\narchive\nweekly\nreviews/r2022\n"
            + "".join(f"topics/{slug}\n" for slug in self.topics) + "```\n")
        out["refs.bib"] = "".join(
            f"@misc{{{key},\n  title = {{{title}}},\n  author = {{Jumper, John}},\n"
            f"  year = {{2021}},\n  doi = {{10.1000/{key}}},\n}}\n"
            for key, title in self.bib.items())
        return out


# -- the edits -------------------------------------------------------------------------


def _letter(site: Site, rng: random.Random) -> str | None:
    return rng.choice(sorted(site.letters)) if site.letters else None


def add_page(site: Site, rng: random.Random, listed: bool = True) -> str:
    issue = site.next_issue
    site.next_issue += 1
    name = f"n{issue}"
    site.letters[name] = Newsletter(issue, f"Weekly {issue}", f"2022-{rng.randint(1, 12):02d}",
                                    [rng.choice(sorted(site.topics))], [])
    if listed:
        site.listed.append(name)
    return f"add {name}" + ("" if listed else " (not in any toctree)")


def delete_page(site: Site, rng: random.Random, keep_entry: bool = False) -> str:
    name = _letter(site, rng)
    if name is None or len(site.letters) < 2:
        return add_page(site, rng)
    del site.letters[name]
    if not keep_entry and name in site.listed:
        site.listed.remove(name)
    return f"delete {name}" + (" (its toctree entry stays)" if keep_entry else "")


def rename_page(site: Site, rng: random.Random, update_entry: bool = True) -> str:
    name = _letter(site, rng)
    if name is None:
        return add_page(site, rng)
    new = f"{name}r"
    site.letters[new] = site.letters.pop(name)
    if update_entry:
        site.listed = [new if entry == name else entry for entry in site.listed]
    return f"rename {name} -> {new}" + ("" if update_entry else " (toctree not updated)")


def fix_toctree(site: Site, rng: random.Random) -> str:
    """The contributor lists what exists, and drops what does not."""
    site.listed = [entry for entry in site.listed if entry in site.letters]
    site.listed += [name for name in sorted(site.letters) if name not in site.listed]
    return "fix the toctree"


def retitle_page(site: Site, rng: random.Random) -> str:
    name = _letter(site, rng)
    if name is None:
        return add_page(site, rng)
    site.letters[name].title = f"Weekly {site.letters[name].issue}: {rng.choice(TOPIC_WORDS)}"
    return f"retitle {name}"


def redate_page(site: Site, rng: random.Random) -> str:
    name = _letter(site, rng)
    if name is None:
        return add_page(site, rng)
    site.letters[name].date = f"{rng.choice([2020, 2021, 2022])}-{rng.randint(1, 12):02d}"
    return f"redate {name}"


def change_topics(site: Site, rng: random.Random) -> str:
    name = _letter(site, rng)
    if name is None:
        return add_page(site, rng)
    site.letters[name].topics = rng.sample(sorted(site.topics), rng.randint(1, min(2, len(site.topics))))
    return f"topics of {name}"


def add_item(site: Site, rng: random.Random) -> str:
    name = _letter(site, rng)
    if name is None:
        return add_page(site, rng)
    letter = site.letters[name]
    title = f"Item {len(letter.items) + 1} {rng.choice(TOPIC_WORDS)}"
    if title in {t for t, _, _ in letter.items}:
        title += " again"
    letter.items.append((title, rng.choice(sorted(site.topics)),
                         [rng.choice(sorted(site.bib))] if rng.random() < 0.5 else []))
    return f"add an item to {name}"


def remove_item(site: Site, rng: random.Random) -> str:
    candidates = [name for name in sorted(site.letters) if site.letters[name].items]
    if not candidates:
        return add_item(site, rng)
    name = rng.choice(candidates)
    site.letters[name].items.pop(rng.randrange(len(site.letters[name].items)))
    return f"remove an item of {name}"


def toggle_citation(site: Site, rng: random.Random) -> str:
    candidates = [name for name in sorted(site.letters) if site.letters[name].items]
    if not candidates:
        return add_item(site, rng)
    name = rng.choice(candidates)
    items = site.letters[name].items
    index = rng.randrange(len(items))
    title, topic, cites = items[index]
    key = rng.choice(sorted(site.bib))
    items[index] = (title, topic, [c for c in cites if c != key] if key in cites else [*cites, key])
    return f"{'uncite' if key in cites else 'cite'} {key} in {name}"


def edit_bib(site: Site, rng: random.Random) -> str:
    key = rng.choice(sorted(site.bib))
    site.bib[key] = f"{site.bib[key].split(':')[0]}: {rng.choice(TOPIC_WORDS)} edition"
    return f"retitle {key} in refs.bib"


def add_topic(site: Site, rng: random.Random) -> str:
    unused = [w for w in TOPIC_WORDS if w not in site.topics]
    if not unused:
        return retitle_topic(site, rng)
    slug = rng.choice(unused)
    site.topics[slug] = slug.capitalize()
    return f"add topic {slug}"


def retitle_topic(site: Site, rng: random.Random) -> str:
    slug = rng.choice(sorted(site.topics))
    site.topics[slug] = f"{slug.capitalize()} ({rng.randint(1, 99)})"
    return f"retitle topic {slug}"


EDITS = [
    add_page, lambda s, r: add_page(s, r, listed=False), delete_page,
    lambda s, r: delete_page(s, r, keep_entry=True), rename_page,
    lambda s, r: rename_page(s, r, update_entry=False), fix_toctree, retitle_page, redate_page,
    change_topics, add_item, remove_item, toggle_citation, edit_bib, add_topic, retitle_topic,
]


# -- building and comparing --------------------------------------------------------------


def write_sources(src: Path, files: dict[str, str]) -> None:
    """Write the files that changed (conftest.touch: their mtime is now, never in the
    future, which would make Sphinx re-read them at every build and hide bugs), delete
    the ones gone."""
    for path in sorted(p for p in src.rglob("*") if p.is_file() and "_build" not in p.parts
                       and p.suffix in (".md", ".bib")):
        rel = path.relative_to(src).as_posix()
        if rel not in files and rel != "archive.md" and rel != "reviews/r2022.md":
            path.unlink()
    for rel, text in files.items():
        path = src / rel
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            touch(path, text)


def build(src: Path, parallel: int = 0) -> tuple[dict[str, str], list[str]]:
    """The HTML pages (conftest.html_pages) and the warnings, the source folder named SRC."""
    built = Build(src, parallel=parallel)
    return html_pages(built.outdir), [w.replace(str(src), "SRC") for w in built.warning_lines]


def new_copy(src: Path, dest: Path) -> Path:
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns("_build"))
    return dest


def run_sequence(tmp_path: Path, seed: int, steps: int, parallel_too: bool,
                 conf: str = "") -> int:
    """Apply `steps` random edits; compare after each; return the number of comparisons.
    `conf`: lines added to the root's conf.py."""
    rng = random.Random(seed)
    site = Site.initial()
    serial = new_copy(ROOT, tmp_path / "serial")
    parallel = new_copy(ROOT, tmp_path / "parallel")
    copies = [serial, parallel] if parallel_too else [serial]
    for copy in copies:
        with (copy / "conf.py").open("a", encoding="utf-8") as written:
            written.write(conf)
    for copy in copies:
        write_sources(copy, site.files())
    build(serial)
    if parallel_too:
        build(parallel, parallel=2)
    compared = 0
    log: list[str] = []
    for step in range(1, steps + 1):
        edit = rng.choice(EDITS)
        listed_before = set(site.listed)
        log.append(edit(site, rng))
        # deleted (or renamed) pages that a toctree still lists
        dangling = {name for name in listed_before & set(site.listed) if name not in site.letters}
        for copy in copies:
            write_sources(copy, site.files())
        incremental, inc_warnings = build(serial)
        clean, clean_warnings = build(new_copy(serial, tmp_path / "clean"))
        where = f"seed {seed}, step {step}: " + " / ".join(log)
        # every page of the clean build, the same in the incremental one (which may keep
        # the HTML of pages deleted since: Sphinx never removes output files)
        found = differences_from_clean(incremental, clean)
        assert not found.missing, f"{where}: not written incrementally: {found.missing}"
        assert not found.stale, f"{where}: incremental differs from clean on {found.stale}"
        # no warning the clean build would not give
        extra = sorted(set(inc_warnings) - set(clean_warnings))
        assert not extra, f"{where}: warnings only the incremental build gives: {extra}"
        for name in dangling:
            message = f"toctree contains reference to nonexisting document 'newsletters/{name}'"
            assert any(message in w for w in clean_warnings), f"{where}: {clean_warnings}"
            assert any(message in w for w in inc_warnings), (
                f"{where}: the incremental build does not report the dangling entry: {inc_warnings}")
        compared += 1
        if parallel_too:
            pages, _ = build(parallel, parallel=2)
            found = differences_from_clean(pages, clean)
            assert not found.missing, f"{where}: not written by -j 2: {found.missing}"
            assert not found.stale, f"{where}: -j 2 incremental differs from clean on {found.stale}"
            compared += 1
    print(f"seed {seed}: " + "; ".join(log))
    return compared


def test_incremental_equals_clean_under_a_random_edit_sequence(tmp_path):
    compared = run_sequence(tmp_path, seed=16, steps=20, parallel_too=True)
    print(f"edit sequences: 1, steps: 20, comparisons: {compared}")
    assert compared == 40


def test_deleting_a_listed_page_rereads_its_parent(tmp_path):
    """The bug of issue 16: the parent still listing a deleted page is re-read, so the
    incremental build warns about the dangling entry and drops it from the navigation."""
    site = Site.initial()
    src = new_copy(ROOT, tmp_path / "src")
    write_sources(src, site.files())
    build(src)
    del site.letters["n2"]  # weekly.md still lists newsletters/n2
    write_sources(src, site.files())
    pages, warnings = build(src)
    clean, clean_warnings = build(new_copy(src, tmp_path / "clean"))
    assert pages["newsletters/n1.html"] == clean["newsletters/n1.html"]
    assert pages["weekly.html"] == clean["weekly.html"]
    # at read time, as the clean build reports it (the unread page's toctree only warns
    # when each page's navigation is rendered: "non-existing")
    assert any("toctree contains reference to nonexisting document 'newsletters/n2'" in w
               for w in warnings), warnings
    assert "n2.html" not in clean["newsletters/n1.html"]


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2])
def test_incremental_equals_clean_longer_sequences(tmp_path, seed):
    compared = run_sequence(tmp_path, seed=seed, steps=25, parallel_too=False)
    print(f"seed {seed}: {compared} comparisons")
    assert compared == 25


@pytest.mark.slow
def test_incremental_equals_clean_with_lists_split_again(tmp_path):
    """Past a threshold of 2 links the archive, the timeline, the series' archive and the
    listings split by year, and a year again by month and day: pages added, deleted,
    redated and retitled move entries between parts, add parts and take them away."""
    compared = run_sequence(tmp_path, seed=26, steps=20, parallel_too=False,
                            conf="kb_split_links = 2\n")
    assert compared == 20
    # the last build has years split again, by month
    assert list((tmp_path / "serial" / "_build" / "html").glob("archive-20??-??.html"))
