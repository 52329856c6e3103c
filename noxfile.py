"""Maintainer entry points: `nox -s html`, `nox -s tests`, `nox -s lock`.

Every session but tests-latest installs the same pinned set (requirements/lock.txt), reuses its
environment between runs, and reinstalls only when the lock file changes.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import nox

ROOT = Path(__file__).parent
LOCK = ROOT / "requirements" / "lock.txt"
BUILD = ROOT / "_build"

nox.options.default_venv_backend = "uv|virtualenv"
nox.options.reuse_venv = "yes"
nox.options.sessions = ["html", "pdf", "tests"]

# -W: warnings are errors; --keep-going: report all of them; -n: nitpicky.
STRICT = ["-W", "--keep-going", "-n"]


LOCKED_INSTALL_ARGS = ("--require-hashes", "-r", str(LOCK))
# Compiled at install time (uv does not by default; pip does): otherwise the first build
# in every fresh process compiles some 700 modules, about 3 s of a no-op rebuild.
COMPILE_BYTECODE = {"UV_COMPILE_BYTECODE": "1"}


def install_locked(session: nox.Session) -> None:
    """Install the pinned stack, skipping the install when the lock is unchanged."""
    # the install's options are part of the digest, so changing them reinstalls
    digest = hashlib.sha256(LOCK.read_bytes() + repr(sorted(COMPILE_BYTECODE.items())).encode()
                            ).hexdigest()
    stamp = Path(session.virtualenv.location) / ".lock-digest"
    if stamp.exists() and stamp.read_text() == digest:
        session.log("environment matches requirements/lock.txt; not reinstalling")
        return
    # --require-hashes: every package must match a hash in the lock, or nothing installs
    session.install(*LOCKED_INSTALL_ARGS, env=COMPILE_BYTECODE)
    stamp.write_text(digest)


# Parallel writing pays from a few hundred documents: on this project's 2-core machine the
# benchmark (docs/benchmark.md, the run before 2026-12-02's) measured clean -j 2 at 0.91x, 0.88x
# and 0.88x of -j 1 at 279, 1,094 and 2,112 documents (2026-12-02: 0.95x, 0.81x and 0.95x). Below the smallest size it measures, where
# starting the workers weighs more against little work, -j 1 is kept.
PARALLEL_FROM = 250  # source documents
SKIPPED = {"_build", ".nox", ".venv", ".git", "tests", "node_modules"}


def jobs() -> str:
    """-j for `nox -s html`: `auto` from PARALLEL_FROM documents on, else 1."""
    documents = sum(1 for path in ROOT.rglob("*.md")
                    if not SKIPPED.intersection(path.relative_to(ROOT).parts))
    return "auto" if documents >= PARALLEL_FROM and (os.cpu_count() or 1) > 1 else "1"


@nox.session
def html(session: nox.Session) -> None:
    """Build the site into _build/html (strict, nitpicky)."""
    install_locked(session)
    session.run(
        "sphinx-build", "-b", "html", *STRICT, "-j", jobs(),
        "-d", str(BUILD / "doctrees"), str(ROOT), str(BUILD / "html"),
        *session.posargs,
    )


# Debian packages the PDF needs (docs/pdf.md).
TEX_PACKAGES = (
    "latexmk texlive-xetex texlive-latex-recommended texlive-latex-extra "
    "texlive-fonts-recommended tex-gyre fonts-freefont-otf xindy"
)
PDF_NAME = "dl-knowledge-base.pdf"  # the book; a volume is dl-knowledge-base-<year>.pdf
# nonstopmode + halt-on-error: never wait at a TeX prompt; stop at the first error
TEX_ENV = {"LATEXOPTS": "-interaction=nonstopmode -halt-on-error -file-line-error",
           "LATEXMKOPTS": "-silent"}


def require_tex(session: nox.Session) -> None:
    missing = [tool for tool in ("xelatex", "latexmk", "xindy") if shutil.which(tool) is None]
    if missing:
        session.error(
            f"the PDF needs TeX, but {', '.join(missing)} is not installed. "
            f"On Debian or Ubuntu: sudo apt-get install {TEX_PACKAGES}"
        )


def source_date() -> str:
    """The last commit's time (for reproducible output), or now outside a git checkout."""
    import subprocess
    import time

    try:
        return subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=ROOT, check=True,
                              capture_output=True, text=True).stdout.strip() or str(int(time.time()))
    except (OSError, subprocess.CalledProcessError):
        return str(int(time.time()))


@nox.session
def pdf(session: nox.Session) -> None:
    """Build the book as _build/pdf/dl-knowledge-base.pdf, or, once it is split into volumes
    (kb_book_volumes, docs/pdf.md), one PDF per volume (xelatex through latexmk)."""
    require_tex(session)
    install_locked(session)
    latex = BUILD / "latex"
    # each .tex is a book the builder writes now: none left by an earlier build (one book
    # then, volumes now) is made into a PDF
    for stale in latex.glob("*.tex"):
        stale.unlink()
    session.run(
        "sphinx-build", "-b", "latex", *STRICT, "-d", str(BUILD / "doctrees-latex"),
        str(ROOT), str(latex), *session.posargs,
        # the title page's date is the date of the last commit, not of the build
        env={"SOURCE_DATE_EPOCH": source_date()},
    )
    # Sphinx's Makefile runs latexmk, which runs xelatex and xindy as often as needed, for
    # each .tex; the volumes are independent books, so one TeX run per core at a time
    session.run(
        "make", "-C", str(latex), f"-j{os.cpu_count() or 1}", "all-pdf", external=True,
        env=TEX_ENV,
    )
    shutil.rmtree(BUILD / "pdf", ignore_errors=True)
    (BUILD / "pdf").mkdir(parents=True)
    for book in sorted(latex.glob("*.tex")):
        shutil.copy2(book.with_suffix(".pdf"), BUILD / "pdf" / f"{book.stem}.pdf")
        session.log(f"PDF written to {BUILD / 'pdf' / (book.stem + '.pdf')}")


@nox.session
def new(session: nox.Session) -> None:
    """Write a new page: `nox -s new -- newsletter --series SLUG --issue N [--date YYYY-MM-DD]`
    or `nox -s new -- review --year YYYY [--series SLUG] [--date YYYY-MM-DD]`."""
    install_locked(session)
    session.run("python", "-m", "kb.cli.scaffold", *session.posargs,
                env={"PYTHONPATH": str(ROOT / "_ext")})


@nox.session
def serve(session: nox.Session) -> None:
    """Live preview on http://127.0.0.1:8000, rebuilt on every save (_ext/kb/cli/serve.py:
    one Sphinx application kept warm between saves; a fresh one after conf.py or the
    extension changed)."""
    install_locked(session)
    # The extension writes nothing into the source tree, so watching it cannot loop;
    # build output and tool folders are ignored all the same.
    session.run(
        "python", "-m", "kb.cli.serve", str(ROOT), str(BUILD / "serve"),
        "-d", str(BUILD / "doctrees-serve"), "--port", "8000", "--host", "127.0.0.1",
        *PREVIEW_OPTIONS,
        "--watch", str(ROOT / "_ext"),
        *[arg for pattern in IGNORED_BY_PREVIEW for arg in ("--ignore", pattern)],
        *session.posargs, env={"PYTHONPATH": str(ROOT / "_ext")},
    )


# Search: the build runs no Pagefind; the preview reloads the page, then refreshes the index
# in the background (kb_search = "pagefind-deferred"), so a save waits for neither.
PREVIEW_OPTIONS = ("-D", "kb_search=pagefind-deferred")


IGNORED_BY_PREVIEW = ("*/_build/*", "*/.nox/*", "*/.venv/*", "*/.git/*", "*/tests/*",
                      "*/__pycache__/*", "*.pyc")


@nox.session
def lint(session: nox.Session) -> None:
    """Every problem as `file:line: message`: the strict build, refs.bib, Markdown style."""
    install_locked(session)
    session.run("python", "-m", "kb.cli.lint", str(ROOT), *session.posargs,
                env={"PYTHONPATH": str(ROOT / "_ext")})


@nox.session
def bench(session: nox.Session) -> None:
    """Build a generated corpus and print the table: `nox -s bench -- --pages N --refs M`."""
    install_locked(session)
    session.run("python", str(ROOT / "bench" / "run.py"), *session.posargs)


# Both cores (pytest-xdist): each test file runs whole on one worker, so a module's shared
# build is made once; `nox -s tests -- -n 0` runs in one process (e.g. with a debugger)
PARALLEL_TESTS = ("-n", "2", "--dist", "loadfile")


def pytest_args(posargs: list[str]) -> list[str]:
    """The session's arguments, after the parallel options unless they choose their own."""
    chosen = any(arg == "-n" or arg.startswith(("-n", "--numprocesses", "--dist"))
                 for arg in posargs)
    return [*posargs] if chosen else [*PARALLEL_TESTS, *posargs]


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite on both cores (pass `-- -m "not slow"` to skip the slow tests)."""
    install_locked(session)
    session.run("pytest", *pytest_args(session.posargs))


# Sphinx's deprecation warnings (sphinx/deprecation.py): what its next two major releases
# remove. tests-latest makes them errors.
SPHINX_DEPRECATIONS = ("sphinx.deprecation.RemovedInSphinx10Warning",
                       "sphinx.deprecation.RemovedInSphinx11Warning")


def _pyproject() -> dict:
    import tomllib

    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def unpinned_requirements() -> list[str]:
    """What requirements/lock.txt is compiled from: pyproject.toml's dependencies and its
    test and dev extras (dev: the quick suite imports noxfile.py), with their ranges."""
    project = _pyproject()["project"]
    extras = project["optional-dependencies"]
    return [*project["dependencies"], *extras["test"], *extras["dev"]]


def deprecations_as_errors() -> list[str]:
    """pytest's warning filters with Sphinx's deprecations as errors, placed before
    pyproject.toml's own (a later filter wins): its `ignore` entries still leave the
    deprecated calls of the themes and MyST to them, where `-W` would override them."""
    own = _pyproject()["tool"]["pytest"]["ini_options"]["filterwarnings"]
    return [*(f"error::{name}" for name in SPHINX_DEPRECATIONS), *own]


@nox.session(name="tests-latest", venv_backend="uv|virtualenv")
def tests_latest(session: nox.Session) -> None:
    """The quick suite on the newest releases pyproject.toml allows (no lock), with Sphinx's
    deprecations as errors: what the next `nox -s lock` would break, and where _ext/kb/compat/
    must follow upstream (a kb.compat warning fails the tests that expect a clean build)."""
    session.install("--upgrade", *unpinned_requirements())
    session.run("pytest", *pytest_args(["-m", "not slow", "-o",
                "filterwarnings=" + "\n".join(deprecations_as_errors()), *session.posargs]))


@nox.session(venv_backend="uv|virtualenv")
def lock(session: nox.Session) -> None:
    """Re-resolve requirements/lock.txt to the newest versions that work together."""
    session.install("uv")
    session.run(
        "uv", "pip", "compile", "pyproject.toml", "--extra", "test", "--extra", "dev",
        "--python-version", "3.11", "--generate-hashes", "--upgrade",
        "-o", str(LOCK),
    )


@nox.session(venv_backend="none")
def clean(session: nox.Session) -> None:
    """Remove build output."""
    shutil.rmtree(BUILD, ignore_errors=True)
