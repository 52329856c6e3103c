"""Write a new newsletter issue or year review page, and link it into the navigation.

    python -m kb.cli.scaffold newsletter --series SLUG --issue N [--date YYYY-MM-DD|YYYY-MM] [--root DIR]
    python -m kb.cli.scaffold review --year YYYY [--series SLUG] [--date ...] [--root DIR]

(`nox -s new -- <arguments>` runs it.) No Sphinx build is needed: the series come
from conf.py's `kb_series` (read by config.load_series, as the build reads it),
existing pages are read with `frontmatter.load`, the new page's text comes from
pagetext.py and toctrees.py links it in, and the page is checked against the
front-matter contract (`contract.read_front_matter`) before anything touches the
disk. Every mistake is one line, `error: <what>; <what to do>`, on stderr, with
exit status 2.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from ..build import config
from ..model import contract, frontmatter, records
from ..model.records import Series
from .pagetext import render_page, series_index, year_index
from .toctrees import add_toctree_entry, entry_target

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


def load_series(root: Path) -> dict[str, Series]:
    """`kb_series` from the project's conf.py, read as the build reads it (config.py)."""
    if not (root / "conf.py").is_file():
        raise ScaffoldError(f"no conf.py in {root}; run from the project's root folder "
                            "or pass it with --root DIR")
    saved_path = list(sys.path)
    try:
        return config.load_series(root)
    except config.SettingError as err:  # a bad entry: its line in conf.py and the fix
        raise ScaffoldError(str(err)) from None
    except Exception as err:  # a broken conf.py is the user's to fix, not a traceback
        lines = [line for line in str(err).splitlines() if line.strip()]
        raise ScaffoldError(f"cannot read {root / 'conf.py'} ({type(err).__name__}: "
                            f"{lines[-1].strip() if lines else err}); "
                            "fix conf.py so that `nox -s html` can load it") from None
    finally:
        sys.path[:] = saved_path  # conf.py may add to it, as ours adds _ext


def _series_list(series: Mapping[str, Series]) -> str:
    return ", ".join(f"{slug} ({spec.kind or '?'})" for slug, spec in sorted(series.items())) \
        or "none"


def pick_series(slug: str | None, kind: str, series: Mapping[str, Series]) -> str:
    """The series slug to use for a page of `kind`, checked against kb_series."""
    of_kind = sorted(s for s, spec in series.items() if spec.kind == kind)
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
            f"unknown series {slug!r}{records.suggest(slug, series)} (series: {_series_list(series)}); "
            "pass one of these with --series, or define the new series in kb_series in conf.py")
    actual = series[slug].kind
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


# -- the command ------------------------------------------------------------------


@dataclass
class Plan:
    """Everything to write, decided before anything is written."""

    page: Path
    text: str
    created: dict[Path, str]
    changed: dict[Path, str]


def _check_page(root: Path, page: Path, text: str, title: str,
                series: Mapping[str, Series]) -> None:
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


def _link_series(root: Path, kind: str, spec: Series, entry: str, plan: Plan) -> None:
    """Add `entry` to the series index (newest first), creating that page if need be."""
    section = root / SECTIONS[kind]
    index = section / spec.slug / "index.md"
    if index.is_file():
        _update(root, index, plan, entry, descending=True)
    else:
        plan.created[index] = series_index(kind, spec, entry)
        _update(root, section / "index.md", plan, f"{spec.slug}/index", key=entry_target)


def plan_newsletter(root: Path, args: argparse.Namespace,
                    series: Mapping[str, Series]) -> Plan:
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
    name = series[slug].name
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
    _link_series(root, "newsletter", series[slug], f"{date.year:04d}/index", plan)
    return plan


def plan_review(root: Path, args: argparse.Namespace,
                series: Mapping[str, Series]) -> Plan:
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
    title, text = render_page(kind="review", series=slug, name=series[slug].name,
                              date=date, number=args.year, topic=example_topic(root))
    _check_page(root, page, text, title, series)
    plan = Plan(page, text, {}, {})
    _link_series(root, "review", series[slug], page.stem, plan)
    return plan


def _date(value: str | None) -> records.PartialDate:
    try:
        return records.PartialDate.parse(value if value is not None else dt.date.today())
    except records.FrontMatterError as err:
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
        prog="python -m kb.cli.scaffold",
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
