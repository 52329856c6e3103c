#!/usr/bin/env python3
"""Which checks a pull request needs: the fast check alone, or everything.

A pull request that changes only the knowledge base's content (the pages under reviews/,
newsletters/ and topics/, the top-level pages, refs.bib, images beside the pages) needs only
the CI's lint job: lint and the strict build, without TeX, Chromium or the test suite, which
test the code and cannot be broken by a page. Anything else is code, and the CI runs
everything, as for a push to main.

Fail safe: a path this file does not know is code, and so is an empty diff or one git could
not produce. A new kind of content file skips the full run only once it is added here.

    python3 .ci/changes.py BASE HEAD

classifies the files that differ between the two commits (in CI: HEAD^1 and HEAD of the pull
request's merge commit, which is exactly what merging would change), prints each with its
class and the verdict, writes `content-only=true|false` to $GITHUB_OUTPUT and a summary to
$GITHUB_STEP_SUMMARY when they are set, and exits 0 whatever it finds. Standard library
only: it runs before anything is installed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterable
from pathlib import PurePosixPath
from typing import NamedTuple

CONTENT = "content"
CODE = "code"

# What conf.py's include_patterns and bibtex_bibfiles make the site's sources (a test checks
# they agree): the top-level pages, the folders whose Markdown files are all pages, the
# bibliography.
TOP_LEVEL_PAGES = frozenset({"index.md", "references.md", "archive.md", "authors.md", "book.md"})
PAGE_FOLDERS = ("reviews", "newsletters", "topics")
BIBLIOGRAPHY = frozenset({"refs.bib"})
# Images a page shows from beside it. _static/ (the theme's images) is code.
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"})


class Change(NamedTuple):
    """One changed file, as git reports it."""

    status: str  # git's letter: A(dded), M(odified), D(eleted), R(enamed), C(opied), T(ype)
    paths: tuple[str, ...]  # the path; for a rename or copy, (old path, new path)


class Verdict(NamedTuple):
    """What the changes need."""

    content_only: bool  # True: the fast check is enough; False: run everything
    reason: str  # one sentence for the log and the job summary
    code_paths: tuple[str, ...]  # the paths that made it code, in the diff's order


def kind(path: str) -> str:
    """CONTENT for a file of the site's content, CODE for anything else."""
    posix = PurePosixPath(path)
    if posix.is_absolute() or ".." in posix.parts or not posix.parts:
        return CODE
    if path in TOP_LEVEL_PAGES or path in BIBLIOGRAPHY:
        return CONTENT
    if len(posix.parts) > 1 and posix.parts[0] in PAGE_FOLDERS:
        if posix.suffix == ".md" or posix.suffix.lower() in IMAGE_SUFFIXES:
            return CONTENT
    return CODE


def classify(changes: Iterable[Change]) -> Verdict:
    """Content only when there is at least one change and every path of every change (both
    sides of a rename) is content; a deleted file counts by the path it had."""
    changes = list(changes)
    if not changes:
        return Verdict(False, "no changed files were found, so everything runs", ())
    code = tuple(dict.fromkeys(path for change in changes for path in change.paths
                               if kind(path) == CODE))
    if code:
        return Verdict(False, f"{len(code)} changed file{'s' if len(code) != 1 else ''} "
                              "outside the site's content, so everything runs", code)
    which = "the one changed file is" if len(changes) == 1 else f"all {len(changes)} changed files are"
    return Verdict(True, f"{which} content, so lint and the strict build are enough", ())


def parse_name_status(output: str) -> list[Change]:
    """`git diff-tree -z --name-status` output: a status, then one path (two for R and C),
    each ended by NUL. Raises ValueError on anything else."""
    fields = output.split("\0")
    if fields and fields[-1] == "":
        fields.pop()
    changes = []
    position = 0
    while position < len(fields):
        status = fields[position]
        if not status or status[0] not in "AMDRCTUX":
            raise ValueError(f"unexpected status {status!r} in git's output")
        count = 2 if status[0] in "RC" else 1
        paths = tuple(fields[position + 1:position + 1 + count])
        if len(paths) != count or not all(paths):
            raise ValueError(f"status {status!r} without its path{'s' if count > 1 else ''}")
        changes.append(Change(status[0], paths))
        position += 1 + count
    return changes


def changed_files(base: str, head: str) -> tuple[list[Change] | None, str]:
    """The changes from `base` to `head`, or None and why git could not list them."""
    command = ["git", "diff-tree", "-r", "-z", "--no-commit-id", "--name-status",
               "--find-renames", base, head]
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=False)
    except OSError as error:
        return None, f"git could not run ({error})"
    if result.returncode != 0:
        detail = (result.stderr.strip().splitlines() or ["no message"])[0]
        return None, f"git could not compare {base} and {head} ({detail})"
    try:
        return parse_name_status(result.stdout), ""
    except ValueError as error:
        return None, f"git's list of changes could not be read ({error})"


def summary(changes: list[Change], verdict: Verdict) -> str:
    """The verdict as Markdown, for the job's summary page."""
    lines = ["### Changed files", "", verdict.reason[0].upper() + verdict.reason[1:] + ".", ""]
    if verdict.code_paths:
        lines += ["Outside the site's content:", ""]
        lines += [f"- `{path}`" for path in verdict.code_paths[:50]]
        if len(verdict.code_paths) > 50:
            lines.append(f"- and {len(verdict.code_paths) - 50} more")
    return "\n".join(lines) + "\n"


def _append(variable: str, text: str) -> None:
    target = os.environ.get(variable)
    if target:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(text)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python3 .ci/changes.py BASE HEAD", file=sys.stderr)
        return 2
    changes, problem = changed_files(*args)
    if changes is None:
        verdict = Verdict(False, f"{problem}, so everything runs", ())
        changes = []
    else:
        verdict = classify(changes)
    for change in changes:
        marks = ", ".join(f"{path} ({kind(path)})" for path in change.paths)
        print(f"{change.status} {marks}")
    print(f"content-only: {'true' if verdict.content_only else 'false'}: {verdict.reason}")
    _append("GITHUB_OUTPUT", f"content-only={'true' if verdict.content_only else 'false'}\n")
    _append("GITHUB_STEP_SUMMARY", summary(changes, verdict))
    return 0


if __name__ == "__main__":
    sys.exit(main())
