"""`python -m kb.cli.lint [ROOT]`: every problem of the knowledge base as `file:line: message`.

1. The strict build: a fresh, nitpicky Sphinx run (every page is read, so every
   read-time warning is seen), collecting the warnings instead of stopping at the
   first: front matter, items, topics, cross-references, citations and refs.bib.
2. People in refs.bib: an initials-only name with the surname and initials of a full name
   ("Lee, K." and "Lee, Kimin"), which the build keeps apart as two people; lint asks
   for the full name (model/people.py).
3. Markdown style, by pymarkdown, on the pages the site is built from.

Prints one line a problem, sorted by file and line, and exits 1 if there is any.
A crash of a tool is reported as one line too, never as a traceback. `--format github`
prints each as a GitHub Actions workflow command instead (`::error file=F,line=N::...`),
which a pull request shows on the line of the diff that caused it.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

# "/abs/file.md:12: WARNING: message [kb.topic]", "/abs/file.md: ERROR: ...", "WARNING: ..."
SPHINX_LINE = re.compile(
    r"^(?:(?P<path>[^\s:][^:]*?)(?::(?P<line>\d+))?(?::\d+)?: )?(?P<level>WARNING|ERROR|CRITICAL): "
    r"(?P<message>.*)$"
)
ANSI = re.compile(r"\x1b\[[0-9;]*m")
# "/abs/file.md:3:1: MD022: Headings should be surrounded ... (blanks-around-headings)"
PYMARKDOWN_LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<column>\d+): (?P<message>.*)$")


class Problem:
    def __init__(self, path: str, line: int | None, message: str) -> None:
        self.path, self.line, self.message = path, line, message

    def sort_key(self) -> tuple:
        return (self.path, self.line or 0, self.message)

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}" if where else self.message

    def annotation(self) -> str:
        """The problem as a GitHub Actions `error` command, escaped as the runner reads it
        (a property value also escapes ':' and ',', which separate the properties)."""
        properties = [f"file={_escape(self.path, True)}"] if self.path else []
        if self.path and self.line:
            properties.append(f"line={self.line}")
        properties.append("title=kb lint")
        return f"::error {','.join(properties)}::{_escape(self.message)}"


def _escape(text: str, property_value: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return text.replace(":", "%3A").replace(",", "%2C") if property_value else text


def relative(path: str, root: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(root))
    except ValueError:
        return path


def build_problems(root: Path, workdir: Path) -> tuple[list[Problem], list[str], list[Path]]:
    """Run Sphinx once, from scratch; return its warnings, the pages it built from and
    its bib files."""
    from sphinx.application import Sphinx

    from ..compat.sphinx import sphinx_in_process

    warnings = io.StringIO()
    try:
        with sphinx_in_process(root):
            app = Sphinx(
                srcdir=root, confdir=root, outdir=workdir / "out", doctreedir=workdir / "doctrees",
                buildername="dummy", status=io.StringIO(), warning=warnings, freshenv=True,
                confoverrides={"nitpicky": True}, parallel=os.cpu_count() or 1,
            )
            app.build()
            sources = sorted(str(app.env.doc2path(doc)) for doc in app.env.found_docs)
            bibs = [root / name for name in app.config.bibtex_bibfiles or ()]
    except Exception as error:  # noqa: BLE001 - reported as one line, not a traceback
        # a configuration error's message quotes its traceback: keep its last line
        lines = [line for line in str(error).splitlines() if line.strip()]
        detail = lines[-1].strip() if lines else type(error).__name__
        return [Problem("", None, f"the build stopped: {detail}")], [], []
    problems = []
    for text in warnings.getvalue().splitlines():
        match = SPHINX_LINE.match(ANSI.sub("", text).strip())
        if not match:
            continue  # continuation lines of a multi-line message
        path = relative(match["path"], root) if match["path"] else ""
        line = int(match["line"]) if match["line"] else None
        problems.append(Problem(path, line, match["message"]))
    return problems, sources, bibs


def people_problems(root: Path, bibs: list[Path]) -> list[Problem]:
    """Initials-only names that share a surname and initials with a full name
    (bib/bibfile.py), across all the bib files. Lint only: the build keeps the two
    people apart, so this asks a person to check, and a strict build does not stop."""
    from ..bib import bibfile

    entries = {}
    where = {}
    for path in bibs:
        if path.is_file():
            found, _ = bibfile.read(path)  # its other problems: the build's warnings
            entries.update(found)
            where.update(dict.fromkeys(found, relative(str(path), root)))
    return [Problem(where[key], problem.line, f"{problem.message} [kb.{problem.subtype}]")
            for key, problem in bibfile.initials_problems(entries)]


def style_problems(root: Path, sources: list[str]) -> list[Problem]:
    """Markdown style of the site's pages, by pymarkdown (config: .pymarkdown.json)."""
    pages = [s for s in sources if s.endswith(".md")]
    if not pages:
        return []
    command = [sys.executable, "-m", "pymarkdown"]
    config = root / ".pymarkdown.json"
    if config.exists():
        command += ["--config", str(config)]
    command += ["scan", *pages]
    try:
        result = subprocess.run(command, capture_output=True, text=True, cwd=root, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as error:
        return [Problem("", None, f"the Markdown check could not run: {error}")]
    problems = []
    for text in result.stdout.splitlines():
        match = PYMARKDOWN_LINE.match(text.strip())
        if match:
            problems.append(Problem(relative(match["path"], root), int(match["line"]),
                                    match["message"]))
    if result.returncode not in (0, 1) and not problems:
        detail = (result.stderr.strip().splitlines() or ["no output"])[-1]
        problems.append(Problem("", None, f"the Markdown check failed: {detail}"))
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kb.cli.lint", description=__doc__.split("\n")[0])
    parser.add_argument("root", nargs="?", default=".", help="the project (where conf.py is)")
    parser.add_argument("--no-style", action="store_true", help="skip the Markdown style check")
    parser.add_argument("--format", choices=("text", "github"), default="text",
                        help="text: file:line: message; github: GitHub Actions annotations")
    args = parser.parse_args(argv)
    root = Path(args.root).resolve()
    if not (root / "conf.py").exists():
        print(f"error: {root} has no conf.py; run from the project or pass its path", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="kb-lint-") as workdir:
        problems, sources, bibs = build_problems(root, Path(workdir))
    problems += people_problems(root, bibs)
    if not args.no_style:
        problems += style_problems(root, sources)
    # Sphinx repeats some warnings (a toctree entry without a title, once per page
    # whose navigation shows it): print each once
    problems = list({str(problem): problem for problem in problems}.values())
    for problem in sorted(problems, key=Problem.sort_key):
        print(problem.annotation() if args.format == "github" else problem)
    if problems:
        print(f"lint: {len(problems)} problem{'s' if len(problems) != 1 else ''}", file=sys.stderr)
        return 1
    print("lint: no problems", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
