"""The maintainer's documentation: README.md, CONTRIBUTING.md and the pages under docs/.

The README stays short and starts with the two commands; every relative link in these files
reaches a file (and a heading, when it names one); every extension path they name exists;
docs/ stays out of the Sphinx site; and docs/architecture.md's map of the build's events
names every module that connects a handler to each event, so the map cannot go stale
unnoticed the way the old docstring map did.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
LINKED = [README, ROOT / "CONTRIBUTING.md", *DOCS]
EXTENSION = ROOT / "_ext" / "kb"
ARCHITECTURE = ROOT / "docs" / "architecture.md"

MAX_README_LINES = 150


def ids(paths: list[Path]) -> list[str]:
    return [str(path.relative_to(ROOT)) for path in paths]


def prose(markdown: str) -> str:
    """The text outside fenced code blocks and inline code, where links are links."""
    without_blocks = re.sub(r"^(```+|~~~+)[^\n]*\n.*?^\1[ \t]*$", "", markdown, flags=re.S | re.M)
    return re.sub(r"(`+)(?:(?!\1).)+?\1", "", without_blocks, flags=re.S)


def links(markdown: str) -> list[str]:
    """The targets of the inline links and images: `[text](target)`, `![alt](target)`."""
    return re.findall(r"!?\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)",
                      prose(markdown))


def heading_anchor(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens."""
    text = re.sub(r"[`*_]|<[^>]+>", "", heading).strip().lower()
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """Every heading anchor of a Markdown file, duplicates numbered as GitHub numbers them."""
    found: set[str] = set()
    seen: dict[str, int] = {}
    for heading in re.findall(r"^#{1,6}[ \t]+(.+?)[ \t#]*$", prose(path.read_text(encoding="utf-8")),
                              re.M):
        anchor = heading_anchor(heading)
        count = seen.get(anchor, 0)
        seen[anchor] = count + 1
        found.add(anchor if count == 0 else f"{anchor}-{count}")
    return found


def broken_links(path: Path) -> list[str]:
    broken = []
    for target in links(path.read_text(encoding="utf-8")):
        if re.match(r"[a-z][a-z0-9+.-]*:", target, re.I):
            continue  # http:, https:, mailto:: outside the repository
        file_part, _, fragment = target.partition("#")
        linked = (path.parent / file_part).resolve() if file_part else path
        if not linked.exists():
            broken.append(f"{target}: no such file")
        elif fragment and linked.suffix == ".md" and fragment not in anchors(linked):
            broken.append(f"{target}: no heading with the anchor #{fragment} in {linked.name}")
    return broken


# -- the README ---------------------------------------------------------------------------


def test_the_readme_is_short_and_starts_with_the_two_commands() -> None:
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= MAX_README_LINES, f"README.md has {len(lines)} lines"
    assert lines[0].startswith("# ") and lines[1] == "", lines[:2]
    # the first thing under the title: the code block of the two commands, build then test
    assert lines[2] == "```sh", lines[2]
    assert lines[5] == "```", lines[5]
    commands = [re.sub(r"\s+#.*$", "", line) for line in lines[3:5]]
    setup = "python3 -m venv .venv && .venv/bin/pip install -q -r requirements/nox.txt"
    assert commands == [f"{setup} && .venv/bin/nox -s html", f"{setup} && .venv/bin/nox -s tests"]


def test_the_readme_layout_names_every_top_level_file_and_folder() -> None:
    import subprocess

    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.split()
    if not tracked:
        pytest.skip("not a git checkout")
    top = {path.split("/")[0] for path in tracked} - {".gitignore", "README.md"}
    layout = README.read_text(encoding="utf-8").split("## Layout", 1)[1].split("\n## ", 1)[0]
    named = {name.rstrip("/").split("/")[0] for name in re.findall(r"`([^`]+)`", layout)}
    assert sorted(top - named) == []


def test_the_readme_table_lists_every_nox_session() -> None:
    from test_repository_files import nox_sessions

    rows = re.findall(r"^\| `nox -s ([A-Za-z0-9_-]+)[^`]*` \|", README.read_text(encoding="utf-8"), re.M)
    assert sorted(rows) == sorted(nox_sessions())


def test_the_readme_links_every_page_of_docs() -> None:
    linked = {(README.parent / target.partition("#")[0]).resolve()
              for target in links(README.read_text(encoding="utf-8"))}
    assert DOCS, "docs/ holds no Markdown page"
    assert [doc.name for doc in DOCS if doc.resolve() not in linked] == []


# -- links --------------------------------------------------------------------------------


def test_the_link_finder_sees_links_and_images_but_not_code() -> None:
    text = ("See [a](docs/a.md#x) and ![b](images/b.png), <https://example.org>, "
            "`[c](not-a-link.md)`.\n\n```md\n[d](in-a-block.md)\n```\n[e](../f.md \"title\")\n")
    assert links(text) == ["docs/a.md#x", "images/b.png", "../f.md"]


def test_heading_anchors_follow_github() -> None:
    assert heading_anchor("Build times: 2026-12-02, Intel Xeon, 2 cores") == \
        "build-times-2026-12-02-intel-xeon-2-cores"
    assert heading_anchor("Items: the `kb:item` directive") == "items-the-kbitem-directive"
    assert heading_anchor("kb.json") == "kbjson"


def test_a_broken_link_is_found(tmp_path: Path) -> None:
    (tmp_path / "there.md").write_text("# There\n\n## A section\n", encoding="utf-8")
    page = tmp_path / "page.md"
    page.write_text("[ok](there.md#a-section) [gone](missing.md) [no anchor](there.md#nowhere) "
                    "[here](#page) [web](https://example.org/x.md)\n\n# Page\n", encoding="utf-8")
    assert broken_links(page) == [
        "missing.md: no such file",
        "there.md#nowhere: no heading with the anchor #nowhere in there.md",
    ]


@pytest.mark.parametrize("path", LINKED, ids=ids(LINKED))
def test_every_relative_link_reaches_a_file_and_its_heading(path: Path) -> None:
    assert broken_links(path) == []


@pytest.mark.parametrize("path", LINKED, ids=ids(LINKED))
def test_every_extension_path_named_exists(path: Path) -> None:
    """`_ext/kb/model/contract.py` and the like: a module moved is a doc to update."""
    text = path.read_text(encoding="utf-8")
    named = set(re.findall(r"\b_ext/[\w./-]*\w", text))
    assert sorted(name for name in named if not (ROOT / name).exists()) == []


@pytest.mark.parametrize("path", DOCS, ids=ids(DOCS))
def test_every_nox_session_named_in_docs_exists(path: Path) -> None:
    from test_repository_files import nox_sessions

    mentioned = set(re.findall(r"\bnox\s+-s\s+([A-Za-z0-9_-]+)", path.read_text(encoding="utf-8")))
    assert mentioned - nox_sessions() == set()


def test_docs_stay_out_of_the_sphinx_site() -> None:
    from sphinx.util.matching import Matcher

    tree = ast.parse((ROOT / "conf.py").read_text(encoding="utf-8"))
    patterns = next(ast.literal_eval(node.value) for node in ast.walk(tree)
                    if isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == "include_patterns")
    matches = Matcher(patterns)
    assert matches("index.md") and matches("topics/gans.md")  # the matcher reads the patterns
    assert [doc.name for doc in DOCS if matches(str(doc.relative_to(ROOT)))] == []


# -- the architecture map against the code -------------------------------------------------


def modules() -> list[Path]:
    return sorted(path for path in EXTENSION.rglob("*.py") if path.name != "__init__.py")


def connected_events() -> set[tuple[str, str]]:
    """(event, module) for every `app.connect("event", handler)` in the extension; a handler
    connected from `__init__.py` counts for the module it is imported from."""
    found: set[tuple[str, str]] = set()
    for path in EXTENSION.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {alias.asname or alias.name: node.module
                    for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
                    for alias in node.names}
        for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
            if not (isinstance(call.func, ast.Attribute) and call.func.attr == "connect"
                    and call.args and isinstance(call.args[0], ast.Constant)):
                continue
            module = path.relative_to(EXTENSION).as_posix()
            if path == EXTENSION / "__init__.py":
                handler = ast.unparse(call.args[1])
                module = imported[handler].lstrip(".").replace(".", "/") + ".py"
            found.add((call.args[0].value, module))
    return found


def event_rows() -> dict[str, str]:
    """The rows of the architecture page's event table: {its first cell: the whole row}."""
    rows = {}
    for line in ARCHITECTURE.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) == 2 and cells[0] not in ("event (priority)", "---"):
            rows[cells[0]] = line
    return rows


def test_the_connect_finder_sees_handlers_in_every_package() -> None:
    events = connected_events()
    assert ("source-read", "build/reading.py") in events
    assert ("doctree-resolved", "views/translate.py") in events  # connected from __init__.py
    assert {module.split("/")[0] for _, module in events} >= {"build", "bib", "outputs", "views"}


def test_the_architecture_map_names_the_module_of_every_event_handler() -> None:
    rows = event_rows()
    assert len(rows) >= 12, list(rows)
    missing = []
    for event, module in sorted(connected_events()):
        row = next((text for text in rows.values() if f"`{event}`" in text), None)
        if row is None:
            missing.append(f"no row names the event {event}")
        elif f"`{module}`" not in row:
            missing.append(f"the row of {event} does not name {module}")
    assert missing == []


def test_the_architecture_map_names_every_module() -> None:
    text = ARCHITECTURE.read_text(encoding="utf-8")
    unnamed = [path.relative_to(EXTENSION).as_posix() for path in modules()
               if f"`{path.name}`" not in text and f"{path.parent.name}/{path.name}" not in text]
    assert unnamed == []


def test_every_module_path_in_the_architecture_map_exists() -> None:
    """`build/reading.py` and the like, relative to _ext/kb/."""
    named = set(re.findall(r"`((?:model|views|build|bib|outputs|compat|cli)/\w+\.\w+)`",
                           ARCHITECTURE.read_text(encoding="utf-8")))
    assert len(named) >= 40
    assert sorted(name for name in named if not (EXTENSION / name).exists()) == []
