"""Write a new newsletter issue or year review page, and link it into the navigation.

    python -m kb.scaffold newsletter --series SLUG --issue N [--date YYYY-MM-DD|YYYY-MM] [--root DIR]
    python -m kb.scaffold review --year YYYY [--series SLUG] [--date ...] [--root DIR]

(`nox -s new -- <arguments>` runs it.) No Sphinx build is needed: the series come
from conf.py's `kb_series`, existing pages are read with `frontmatter.load`, and the
page written is checked against the front-matter contract with
`contract.read_front_matter` before anything touches the disk. Every mistake is one
line, `error: <what>; <what to do>`, on stderr, with exit status 2.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import fnmatch
import re
import runpy
import sys
import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from . import contract, frontmatter, model

EXIT_ERROR = 2
SECTIONS = {"newsletter": "newsletters", "review": "reviews"}


class ScaffoldError(Exception):
    """A mistake in the arguments or the tree; the message says what to do."""


class _Parser(argparse.ArgumentParser):
    """argparse, but its errors are one `error: ...` line like the scaffold's own."""

    def error(self, message: str) -> NoReturn:
        sys.stderr.write(f"error: {message}; run `{self.prog} --help` for the usage\n")
        sys.exit(EXIT_ERROR)


# -- configuration ----------------------------------------------------------------


def load_series(root: Path) -> dict[str, dict[str, Any]]:
    """`kb_series` from the project's conf.py.

    conf.py is executed (runpy.run_path), not parsed with `ast`: executing it is
    what Sphinx does, so the scaffold sees exactly the series the build sees, however
    conf.py computes the value (a dict built in a loop, merged from another module,
    ...), where `ast.literal_eval` only copes with a literal written inline. conf.py
    imports only the standard library, and, as in Sphinx, it runs from its own
    folder; the entry it adds to sys.path is removed again afterwards.
    """
    conf = root / "conf.py"
    if not conf.is_file():
        raise ScaffoldError(f"no conf.py in {root}; run from the project's root folder "
                            "or pass it with --root DIR")
    saved_path = list(sys.path)
    try:
        with contextlib.chdir(root):
            namespace = runpy.run_path(str(conf), run_name="conf")
    except Exception as err:  # a broken conf.py is the user's to fix, not a traceback
        raise ScaffoldError(f"cannot read {conf} ({type(err).__name__}: {err}); "
                            "fix conf.py so that `nox -s html` can load it") from None
    finally:
        sys.path[:] = saved_path
    series = namespace.get("kb_series", {})
    if not isinstance(series, Mapping) or not all(isinstance(v, Mapping) for v in series.values()):
        raise ScaffoldError("kb_series in conf.py must map each series slug to a dict with "
                            "name, url and kind; fix conf.py")
    return {str(slug): dict(spec) for slug, spec in series.items()}


def _series_list(series: Mapping[str, Mapping[str, Any]]) -> str:
    return ", ".join(f"{slug} ({spec.get('kind', '?')})" for slug, spec in sorted(series.items())) \
        or "none"


def pick_series(slug: str | None, kind: str, series: Mapping[str, Mapping[str, Any]]) -> str:
    """The series slug to use for a page of `kind`, checked against kb_series."""
    of_kind = sorted(s for s, spec in series.items() if spec.get("kind") == kind)
    if slug is None:
        if len(of_kind) == 1:
            return of_kind[0]
        if not of_kind:
            raise ScaffoldError(f"kb_series in conf.py defines no {kind} series; "
                                f"add one (with \"kind\": \"{kind}\") first")
        raise ScaffoldError(f"there are {len(of_kind)} {kind} series ({', '.join(of_kind)}); "
                            "say which with --series SLUG")
    if slug not in series:
        raise ScaffoldError(
            f"unknown series {slug!r}{model.suggest(slug, series)} (series: {_series_list(series)}); "
            "pass one of these with --series, or define the new series in kb_series in conf.py")
    actual = series[slug].get("kind")
    if actual != kind:
        other = f"`{actual} --series {slug}`" if actual in SECTIONS else "another series"
        raise ScaffoldError(
            f"series {slug!r} holds {actual} pages, not {kind} pages; use {other}, or pick a "
            f"{kind} series: {', '.join(of_kind) or 'none defined in kb_series'}")
    return slug


# -- reading the tree -------------------------------------------------------------


def _front_matter(path: Path) -> dict[str, Any]:
    try:
        return frontmatter.load(path.read_text(encoding="utf-8")).data
    except (OSError, UnicodeDecodeError):
        return {}  # unreadable pages are the build's to report


def _rel(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def find_issue(root: Path, series: str, issue: int) -> Path | None:
    """The page that already has this issue number in the series, if any."""
    folder = root / SECTIONS["newsletter"] / series
    for path in sorted(folder.rglob("*.md")) if folder.is_dir() else ():
        data = _front_matter(path)
        number = data.get("issue")
        if data.get("series", series) == series and type(number) is int and number == issue:
            return path
    return None


def find_review(root: Path, series: str, year: int) -> Path | None:
    """The page that already reviews this year in the series, if any."""
    folder = root / SECTIONS["review"] / series
    for path in sorted(folder.rglob("*.md")) if folder.is_dir() else ():
        data = _front_matter(path)
        if (data.get("kind") == "review" and data.get("series", series) == series
                and data.get("year") == year):
            return path
    return None


def example_topic(root: Path) -> str:
    """The slug of the first topic page (by file name): a real topic for the example item."""
    for path in sorted((root / "topics").glob("*.md")):
        if _front_matter(path).get("kind") == "topic":
            return path.stem
    raise ScaffoldError("no topic page (kind: topic) in topics/; add one before writing pages")


# -- toctrees ---------------------------------------------------------------------

_TOCTREE_OPEN = re.compile(r"^[ \t]*(`{3,}|:{3,})\{toctree\}")


@dataclass
class Toctree:
    """Where a fenced ```{toctree} block's parts are, as line indexes."""

    start: int  # the opening fence
    end: int  # the closing fence (len(lines) if unclosed)
    options: list[str]  # the option lines, as written
    entries: list[tuple[int, str]]  # (line index, entry) for each entry line


def find_toctree(lines: Sequence[str]) -> Toctree | None:
    """The first ```{toctree} (or :::{toctree}) block of a page."""
    for start, line in enumerate(lines):
        match = _TOCTREE_OPEN.match(line)
        if not match:
            continue
        fence = match[1]
        end = next((i for i in range(start + 1, len(lines))
                    if lines[i].strip().startswith(fence)
                    and set(lines[i].strip()) == {fence[0]}), len(lines))
        body = list(range(start + 1, end))
        options: list[str] = []
        if body and lines[body[0]].strip() == "---":  # options as a YAML block
            close = next((n for n, i in enumerate(body[1:], 1) if lines[i].strip() == "---"), None)
            if close is not None:
                options = [lines[i] for i in body[: close + 1]]
                body = body[close + 1:]
        else:
            while body and lines[body[0]].strip().startswith(":"):
                options.append(lines[body[0]])
                body = body[1:]
        entries = [(i, lines[i].strip()) for i in body if lines[i].strip()]
        return Toctree(start, end, options, entries)
    return None


def entry_target(entry: str) -> str:
    """'Title <path>' -> 'path'; 'path' -> 'path'."""
    match = re.match(r"^.*<(.+)>\s*$", entry)
    return (match[1] if match else entry).strip()


def leading_number(entry: str) -> int | None:
    """The first number in an entry: '2021/index' -> 2021, 'issue-220' -> 220."""
    match = re.search(r"\d+", entry_target(entry))
    return int(match[0]) if match else None


def add_toctree_entry(
    text: str,
    entry: str,
    key: Callable[[str], Any] = leading_number,
    *,
    descending: bool = False,
) -> tuple[str, bool]:
    """Add `entry` to the page's toctree in order of `key`; returns (text, changed).

    Entries whose key is None keep their place and are not compared; the new entry
    goes before the first one that sorts after it (or after the last entry). The
    options stay as written. An entry that is already listed, or that a `:glob:`
    pattern already matches, is left alone. A page without a toctree gets a hidden one.
    """
    lines = text.splitlines()
    tree = find_toctree(lines)
    if tree is None:
        block = ["```{toctree}", ":hidden:", "", entry, "```"]
        body = text.rstrip("\n")
        return (body + "\n\n" if body else "") + "\n".join(block) + "\n", True
    targets = [entry_target(e) for _, e in tree.entries]
    glob = any(option.strip() == ":glob:" for option in tree.options)
    if entry_target(entry) in targets or (glob and any(
            fnmatch.fnmatchcase(entry_target(entry), t) for t in targets)):
        return text, False
    new_key = key(entry)
    position = None
    for index, existing in tree.entries:
        existing_key = key(existing)
        if existing_key is None or new_key is None:
            continue
        if (existing_key < new_key) if descending else (existing_key > new_key):
            position = index
            break
    insert: list[str] = [entry]
    if position is None and tree.entries:
        position = tree.entries[-1][0] + 1
    elif position is None:
        position = tree.end
        if tree.options and lines[position - 1].strip():
            insert = ["", entry]  # a blank line between the options and the entries
    indent_from = lines[tree.entries[0][0]] if tree.entries else ""
    indent = indent_from[: len(indent_from) - len(indent_from.lstrip())]
    lines[position:position] = [indent + line if line else line for line in insert]
    return "\n".join(lines) + "\n", True


# -- page text --------------------------------------------------------------------


def _fill(paragraph: str) -> str:
    # the width of the existing pages; never break inside `code`
    return textwrap.fill(paragraph, width=96, break_long_words=False, break_on_hyphens=False)


def _toctree_block(entries: Sequence[str], options: Sequence[str]) -> str:
    return "\n".join(["```{toctree}", *options, "", *entries, "```"])


def render_page(
    *,
    kind: str,
    series: str,
    name: str,
    date: model.PartialDate,
    number: int,
    topic: str,
) -> tuple[str, str]:
    """(title, Markdown source) of a new issue (number = issue) or review (number = year)."""
    if kind == "newsletter":
        title = f"{name}: Issue #{number}"
        what, key_line = "issue", f"issue: {number}"
        intro = (f"Replace this paragraph with a short introduction to issue {number} of "
                 f"{name}: its subtitle or theme, when it appeared, and anything about the "
                 "issue itself that a reader should know (an uncertain date, a missing byline).")
        section = "## Papers & Publications"
        section_note = ("Use the issue's own section headings; where the issue has none, "
                        "give the block a heading of your own and say so.")
    else:
        title = f"{name}: {number} in review"
        what, key_line = "review", f"year: {number}"
        intro = (f"Replace this paragraph with a short introduction to this review of "
                 f"{number}: who wrote it, when and where it appeared, and how it is organised.")
        section = "## Research Papers"
        section_note = "Use the review's own section headings, in the review's order."
    summary = (f"Replace this sentence with one paragraph of plain text on what the {what} "
               "covers, shown in listings, the feed and link previews.")
    front = "\n".join([
        "---",
        f"kind: {kind}",
        f"date: {date.iso()}",
        f"series: {series}",
        key_line,
        f"# source: https://...   # uncomment and give the address of the original {what}",
        "# authors: [...]         # uncomment and list its authors, if known",
        "topics: []               # topic slugs (or aliases) from topics/, e.g. [" + topic + "]",
        f"summary: {summary}",
        "---",
    ])
    guide = (f"{intro} Retell every entry of the {what} in your own words, one `kb:item` "
             "each: facts, titles, names and figures carry over from the source, its sentences "
             "do not. Cite a paper with the `cite:p` role and its key in `refs.bib` (add the "
             "entry there first). The README's \"Contributing\" section shows every option; "
             "`nox -s html` checks the page.")
    item_body = (f"Replace this item with the {what}'s first entry: its title as the argument "
                 "above, a `:kind:` (" + ", ".join(model.ITEM_KINDS) + "), its `:topics:`, a "
                 "`:url:` to the work itself, and two to five sentences in your own words on "
                 f"what it is and why the {what} picked it.")
    body = "\n\n".join([
        f"# {title}",
        _fill(guide),
        section,
        _fill(section_note),
        f"```{{kb:item}} Title of the paper, as the {what} gives it\n:kind: paper\n"
        f":topics: {topic}\n\n{_fill(item_body)}\n```",
    ])
    return title, front + "\n\n" + body + "\n"


def series_index(kind: str, series: str, spec: Mapping[str, Any], entry: str) -> str:
    name = spec.get("name", series)
    url = spec.get("url")
    what = "a newsletter" if kind == "newsletter" else "a series of year reviews"
    filed = "Its issues are filed here by year." if kind == "newsletter" else \
        "Its reviews are listed here newest first."
    home = f" Its home is [{url}]({url})." if url else ""
    heading = "Every issue in order" if kind == "newsletter" else "Every review in order"
    about = (f"{name} is {what}.{home} {filed} Replace these sentences with a description "
             "of the series: who publishes it, how often, and what it covers.")
    return "\n\n".join([
        f"# {name}", _fill(about), f"## {heading}", f"```{{kb:archive}} {series}\n```",
        _toctree_block([entry], [":hidden:"]),
    ]) + "\n"


def year_index(name: str, year: int, issue_entry: str) -> str:
    return "\n\n".join([
        f"# {name} in {year}",
        _fill(f"The issues of {name} from {year} that are in this knowledge base."),
        _toctree_block([issue_entry], [":maxdepth: 1"]),
    ]) + "\n"


# -- the command ------------------------------------------------------------------


@dataclass
class Plan:
    """Everything to write, decided before anything is written."""

    page: Path
    text: str
    created: dict[Path, str]
    changed: dict[Path, str]


def _check_page(root: Path, page: Path, text: str, title: str,
                series: Mapping[str, Mapping[str, Any]]) -> None:
    """The new page must satisfy the front-matter contract (the build's own check)."""
    fm = frontmatter.load(text)
    docname = _rel(root, page).removesuffix(".md")
    record, problems = contract.read_front_matter(docname, title, fm.data, fm.lines, series)
    if fm.error or record is None or problems:
        message = fm.error or (problems[0].message if problems else "the page has no kind")
        raise ScaffoldError(f"{message}; correct the command's arguments")


def _update(root: Path, path: Path, plan: Plan, entry: str, **order: Any) -> None:
    """Add a toctree entry to an index page, planned or on disk."""
    if path in plan.created:
        plan.created[path], _ = add_toctree_entry(plan.created[path], entry, **order)
        return
    current = plan.changed.get(path)
    if current is None:
        if not path.is_file():
            raise ScaffoldError(f"{_rel(root, path)} is missing; restore it (git checkout -- "
                                f"{_rel(root, path)}) and run the scaffold again")
        current = path.read_text(encoding="utf-8")
    text, changed = add_toctree_entry(current, entry, **order)
    if changed:
        plan.changed[path] = text


def _link_series(root: Path, kind: str, slug: str, spec: Mapping[str, Any], entry: str,
                 plan: Plan) -> None:
    """Add `entry` to the series index (newest first), creating that page if need be."""
    section = root / SECTIONS[kind]
    index = section / slug / "index.md"
    if index.is_file():
        _update(root, index, plan, entry, descending=True)
    else:
        plan.created[index] = series_index(kind, slug, spec, entry)
        _update(root, section / "index.md", plan, f"{slug}/index", key=entry_target)


def plan_newsletter(root: Path, args: argparse.Namespace,
                    series: Mapping[str, Mapping[str, Any]]) -> Plan:
    slug = pick_series(args.series, "newsletter", series)
    if args.issue < 1:
        raise ScaffoldError(f"issue number {args.issue} is not positive; give the number the "
                            "issue carries (1 or more) with --issue N")
    date = _date(args.date)
    folder = root / SECTIONS["newsletter"] / slug / f"{date.year:04d}"
    page = folder / f"issue-{args.issue}.md"
    _refuse_existing(root, page)
    existing = find_issue(root, slug, args.issue)
    if existing is not None:
        raise ScaffoldError(f"issue {args.issue} of series {slug!r} is already "
                            f"{_rel(root, existing)}; edit that page, or give the new issue "
                            "its own number with --issue N")
    name = series[slug].get("name", slug)
    title, text = render_page(kind="newsletter", series=slug, name=name, date=date,
                              number=args.issue, topic=example_topic(root))
    _check_page(root, page, text, title, series)
    plan = Plan(page, text, {}, {})
    year_page = folder / "index.md"
    if year_page.is_file():
        _update(root, year_page, plan, page.stem)
    else:
        plan.created[year_page] = year_index(name, date.year, page.stem)
    # also when the year's page exists: an entry already listed is left alone
    _link_series(root, "newsletter", slug, series[slug], f"{date.year:04d}/index", plan)
    return plan


def plan_review(root: Path, args: argparse.Namespace,
                series: Mapping[str, Mapping[str, Any]]) -> Plan:
    slug = pick_series(args.series, "review", series)
    date = _date(args.date)
    page = root / SECTIONS["review"] / slug / f"{args.year}.md"
    _refuse_existing(root, page)
    existing = find_review(root, slug, args.year)
    if existing is not None:
        # two reviews of one year make {kb:review}`series/year` ambiguous (it then
        # resolves to nothing), so the scaffold does not write a second one
        existing_doc = _rel(root, existing).removesuffix(".md")
        raise ScaffoldError(
            f"the {args.year} review of series {slug!r} is already {_rel(root, existing)}; "
            f"edit that page, or, for another part of the same review, write the page by hand "
            f"and change every {{kb:review}} reference to {slug}/{args.year} into a page name "
            f"such as {existing_doc} (with two pages, {slug}/{args.year} is ambiguous)")
    title, text = render_page(kind="review", series=slug, name=series[slug].get("name", slug),
                              date=date, number=args.year, topic=example_topic(root))
    _check_page(root, page, text, title, series)
    plan = Plan(page, text, {}, {})
    _link_series(root, "review", slug, series[slug], page.stem, plan)
    return plan


def _date(value: str | None) -> model.PartialDate:
    try:
        return model.PartialDate.parse(value if value is not None else dt.date.today())
    except model.FrontMatterError as err:
        raise ScaffoldError(f"--date: {err}") from None


def _refuse_existing(root: Path, page: Path) -> None:
    if page.exists():
        raise ScaffoldError(f"{_rel(root, page)} already exists; the scaffold does not "
                            "overwrite pages: edit it, or choose another number")


def write(root: Path, plan: Plan) -> list[str]:
    """Write the planned files; returns the lines to print."""
    plan.page.parent.mkdir(parents=True, exist_ok=True)
    with plan.page.open("x", encoding="utf-8") as handle:  # never overwrite, even in a race
        handle.write(plan.text)
    out = [_rel(root, plan.page)]
    for path, text in plan.created.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        out.append(f"created {_rel(root, path)}")
    for path, text in plan.changed.items():
        path.write_text(text, encoding="utf-8")
        out.append(f"changed {_rel(root, path)}")
    return out


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m kb.scaffold",
        description="Write a new newsletter issue or year review page and add it to the "
                    "navigation (also: nox -s new -- ...).")
    commands = parser.add_subparsers(dest="command", required=True, metavar="{newsletter,review}")
    common = _Parser(add_help=False)
    common.add_argument("--date", help="publication date, YYYY-MM-DD, or YYYY-MM when the day "
                                       "is not known (default: today)")
    common.add_argument("--root", type=Path, default=None,
                        help="the project's root folder, holding conf.py (default: the "
                             "current folder)")
    issue = commands.add_parser("newsletter", parents=[common],
                                help="write newsletters/<series>/<year>/issue-<N>.md")
    issue.add_argument("--series", required=True, help="a newsletter series slug from kb_series")
    issue.add_argument("--issue", required=True, type=int, help="the issue number")
    review = commands.add_parser("review", parents=[common],
                                 help="write reviews/<series>/<year>.md")
    review.add_argument("--year", required=True, type=int, help="the year reviewed")
    review.add_argument("--series", help="a review series slug from kb_series (default: the "
                                         "only one, if there is just one)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    root = (args.root or Path.cwd()).resolve()
    try:
        series = load_series(root)
        plan = (plan_newsletter if args.command == "newsletter" else plan_review)(
            root, args, series)
        lines = write(root, plan)
    except ScaffoldError as err:
        print(f"error: {err}", file=sys.stderr)
        return EXIT_ERROR
    except OSError as err:
        print(f"error: cannot write {err.filename or 'a file'} ({err.strerror or err}); "
              "check the folder's permissions and the free space", file=sys.stderr)
        return EXIT_ERROR
    except Exception as err:  # a bug of ours: still one line, not a traceback
        print(f"error: the scaffold failed ({type(err).__name__}: {err}); please report this "
              "with the command you ran", file=sys.stderr)
        return EXIT_ERROR
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
