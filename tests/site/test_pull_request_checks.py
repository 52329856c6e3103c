"""What a pull request runs: the classifier of its changed files (.ci/changes.py), the
workflows' wiring around it, and the problem matcher that annotates the strict build.

A pull request that touches only content gets the CI's lint job alone (lint, then the strict
build, as annotations on the diff); anything else, a path the classifier does not know, or a
classifier that failed, runs everything. The workflows' `if:` expressions are evaluated here
for each case, the classifier runs against real git repositories, and the matcher against
the output of a real strict build. All offline.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
CHANGES = ROOT / ".ci" / "changes.py"
CI = ROOT / ".github" / "workflows" / "ci.yml"
PAGES = ROOT / ".github" / "workflows" / "pages.yml"
READTHEDOCS = ROOT / ".readthedocs.yaml"
MATCHER = ROOT / ".github" / "sphinx-problem-matcher.json"


def load_changes():
    spec = importlib.util.spec_from_file_location("ci_changes", CHANGES)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # NamedTuple records look their module up
    spec.loader.exec_module(module)
    return module


changes = load_changes()
Change = changes.Change


def load_yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


# -- the classifier, path by path ---------------------------------------------------------

CONTENT_PATHS = [
    "refs.bib", "index.md", "references.md", "archive.md", "authors.md", "book.md",
    "topics/gans.md", "topics/index.md",
    "newsletters/deep-learning-weekly/2021/issue-220.md", "newsletters/deep-learning-weekly/index.md",
    "reviews/hippocampus-garden/2022.md", "reviews/index.md",
    "topics/images/gan-samples.png", "newsletters/deep-learning-weekly/2021/figure.JPG",
    "reviews/hippocampus-garden/diagram.svg",
]

CODE_PATHS = [
    # the code the brief names
    "_ext/kb/__init__.py", "conf.py", "noxfile.py", "tests/site/test_site.py", "requirements/lock.txt",
    "pyproject.toml", "_templates/layout.html", "_static/logo.svg", "_static/kb.css",
    ".github/workflows/ci.yml", ".github/pull_request_template.md", ".ci/run", ".ci/changes.py",
    "bench/run.py", ".readthedocs.yaml",
    # pages of the test roots look like content but are the tests' code
    "tests/roots/test-kb/topics/gans.md", "tests/roots/test-kb/refs.bib",
    # repository documents the test suite reads, and maintainer docs
    "README.md", "CONTRIBUTING.md", "docs/publishing.md", "docs/images/search.png",
    # files the classifier does not know: code, to be safe
    "LICENSE", "CITATION.cff", ".pymarkdown.json", ".pre-commit-config.yaml", "other.md",
    "notes/draft.md", "topics/helper.py", "topics/data.yaml", "topics/page.rst", "topics/page.MD",
    "newsletters/feed.xml", "Topics/gans.md", "topics", "other.bib", "references.bib",
    "/topics/gans.md", "topics/../conf.py", "",
]


@pytest.mark.parametrize("path", CONTENT_PATHS)
def test_the_site_s_content_is_content(path: str) -> None:
    assert changes.kind(path) == changes.CONTENT


@pytest.mark.parametrize("path", CODE_PATHS)
def test_code_and_unknown_paths_are_code(path: str) -> None:
    assert changes.kind(path) == changes.CODE


def test_the_content_the_classifier_knows_is_what_conf_py_builds() -> None:
    """Its top-level pages, page folders and bibliography are conf.py's include_patterns and
    bibtex_bibfiles: a new folder of pages there must be added to the classifier too."""
    tree = ast.parse((ROOT / "conf.py").read_text(encoding="utf-8"))
    values = {node.targets[0].id: ast.literal_eval(node.value) for node in tree.body
              if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
              and node.targets[0].id in ("include_patterns", "bibtex_bibfiles")}
    patterns = values["include_patterns"]
    assert changes.TOP_LEVEL_PAGES == {p for p in patterns if "/" not in p}
    assert set(changes.PAGE_FOLDERS) == {p.removesuffix("/**") for p in patterns if "/" in p}
    assert set(patterns) == changes.TOP_LEVEL_PAGES | {f"{f}/**" for f in changes.PAGE_FOLDERS}
    assert changes.BIBLIOGRAPHY == set(values["bibtex_bibfiles"])


def test_every_page_sphinx_finds_in_this_repository_is_content() -> None:
    from sphinx.config import eval_config_file
    from sphinx.project import Project
    from sphinx.util.tags import Tags

    conf = eval_config_file(ROOT / "conf.py", Tags())
    project = Project(ROOT, [".md", ".rst"])
    docnames = project.discover(conf["exclude_patterns"], conf["include_patterns"])
    assert len(docnames) > 20, docnames
    for docname in docnames:
        path = project.doc2path(docname, absolute=False)
        assert changes.kind(str(path)) == changes.CONTENT, path


@pytest.mark.parametrize("folder", ["_ext", "tests", "requirements", "_templates", "_static",
                                    ".github", ".ci", "bench", "docs"])
def test_every_file_of_the_code_folders_is_code(folder: str) -> None:
    files = [path for path in (ROOT / folder).rglob("*")
             if path.is_file() and "__pycache__" not in path.parts]
    assert files, folder
    for path in files:
        assert changes.kind(path.relative_to(ROOT).as_posix()) == changes.CODE, path


# -- the classifier, change by change -----------------------------------------------------


def test_a_pull_request_of_pages_and_references_is_content_only() -> None:
    verdict = changes.classify([
        Change("A", ("newsletters/deep-learning-weekly/2021/issue-221.md",)),
        Change("M", ("newsletters/deep-learning-weekly/2021/index.md",)),
        Change("M", ("refs.bib",)),
        Change("A", ("topics/images/figure.png",)),
    ])
    assert verdict.content_only and verdict.code_paths == ()
    assert "all 4 changed files are content" in verdict.reason


def test_one_file_of_code_runs_everything_and_is_named() -> None:
    verdict = changes.classify([
        Change("M", ("topics/gans.md",)),
        Change("M", ("_ext/kb/build/reading.py",)),
        Change("M", ("conf.py",)),
    ])
    assert not verdict.content_only
    assert verdict.code_paths == ("_ext/kb/build/reading.py", "conf.py")
    assert "2 changed files outside the site's content" in verdict.reason


@pytest.mark.parametrize("old, new, content_only", [
    ("topics/gan.md", "topics/gans.md", True),  # a page renamed within the content
    ("topics/gans.md", "tests/roots/test-kb/topics/gans.md", False),  # content into the tests
    ("_ext/kb/notes.md", "topics/notes.md", False),  # code moved into the content
])
def test_a_rename_counts_both_of_its_paths(old: str, new: str, content_only: bool) -> None:
    for status in ("R", "C"):
        verdict = changes.classify([Change(status, (old, new))])
        assert verdict.content_only is content_only, (status, old, new)


def test_a_deleted_file_counts_by_the_path_it_had() -> None:
    assert changes.classify([Change("D", ("topics/old-topic.md",))]).content_only
    verdict = changes.classify([Change("D", ("_static/kb.css",))])
    assert not verdict.content_only and verdict.code_paths == ("_static/kb.css",)


def test_an_empty_diff_runs_everything() -> None:
    verdict = changes.classify([])
    assert not verdict.content_only
    assert "no changed files" in verdict.reason


def test_git_s_name_status_output_is_read_with_renames() -> None:
    output = "M\0refs.bib\0R087\0topics/a b.md\0topics/ä.md\0D\0conf.py\0C100\0x.md\0y.md\0"
    assert changes.parse_name_status(output) == [
        Change("M", ("refs.bib",)), Change("R", ("topics/a b.md", "topics/ä.md")),
        Change("D", ("conf.py",)), Change("C", ("x.md", "y.md"))]
    assert changes.parse_name_status("") == []


@pytest.mark.parametrize("output", ["M\0", "R100\0only-one.md\0", "?\0file\0", "\0\0"])
def test_unreadable_git_output_is_refused(output: str) -> None:
    with pytest.raises(ValueError):
        changes.parse_name_status(output)


# -- the classifier against real git repositories -----------------------------------------

GIT_ENV = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, env=GIT_ENV, check=True,
                          capture_output=True, text=True).stdout.strip()


def write(repo: Path, path: str, text: str) -> None:
    (repo / path).parent.mkdir(parents=True, exist_ok=True)
    (repo / path).write_text(text, encoding="utf-8")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A repository with a few content and code files, committed on main."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    for path in ("index.md", "refs.bib", "topics/gans.md", "topics/old.md", "conf.py",
                 "_ext/kb/__init__.py"):
        write(repo, path, f"{path}\n" + "a line of text that git can follow\n" * 20)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    return repo


def run_changes(repo: Path, base: str, head: str, tmp_path: Path) -> tuple[str, str, str]:
    """Run the script as CI does; return its stdout, $GITHUB_OUTPUT and $GITHUB_STEP_SUMMARY."""
    output, summary = tmp_path / "output", tmp_path / "summary"
    output.write_text(""), summary.write_text("")
    result = subprocess.run([sys.executable, str(CHANGES), base, head], cwd=repo,
                            capture_output=True, text=True, timeout=60,
                            env={**GIT_ENV, "GITHUB_OUTPUT": str(output),
                                 "GITHUB_STEP_SUMMARY": str(summary)})
    assert result.returncode == 0, result.stderr  # never fails: the verdict says what to run
    return result.stdout, output.read_text(), summary.read_text()


def test_a_content_pull_request_merged_as_ci_sees_it(repo: Path, tmp_path: Path) -> None:
    """On the merge commit of a branch that renamed, deleted, edited and added content, the
    first parent is main and the verdict is content-only."""
    git(repo, "switch", "-q", "-c", "feature")
    git(repo, "mv", "topics/gans.md", "topics/generative-adversarial-networks.md")
    git(repo, "rm", "-q", "topics/old.md")
    write(repo, "refs.bib", "refs.bib\n@article{x, title={X}}\n")
    write(repo, "newsletters/weekly/2021/issue-1.md", "# Issue 1\n")
    write(repo, "newsletters/weekly/2021/chart one.png", "not really a png\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "content")
    git(repo, "switch", "-q", "main")
    write(repo, "conf.py", "conf.py\nchanged on main meanwhile\n")  # not the pull request's
    git(repo, "commit", "-q", "-am", "main moves on")
    git(repo, "merge", "-q", "--no-ff", "-m", "merge", "feature")

    stdout, output, summary = run_changes(repo, "HEAD^1", "HEAD", tmp_path)
    assert output == "content-only=true\n"
    assert "R topics/gans.md (content), topics/generative-adversarial-networks.md (content)" in stdout
    assert "D topics/old.md (content)" in stdout
    assert "A newsletters/weekly/2021/chart one.png (content)" in stdout
    assert "conf.py" not in stdout  # main's own change is not the pull request's
    assert "All 5 changed files are content" in summary


def test_a_pull_request_with_code_runs_everything(repo: Path, tmp_path: Path) -> None:
    write(repo, "topics/gans.md", "edited\n")
    write(repo, "_ext/kb/new_module.py", "VALUE = 1\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "code")
    stdout, output, summary = run_changes(repo, "HEAD^1", "HEAD", tmp_path)
    assert output == "content-only=false\n"
    assert "A _ext/kb/new_module.py (code)" in stdout
    assert "- `_ext/kb/new_module.py`" in summary and "topics/gans.md" not in summary


def test_an_empty_diff_and_a_missing_commit_run_everything(repo: Path, tmp_path: Path) -> None:
    git(repo, "commit", "-q", "--allow-empty", "-m", "nothing")
    stdout, output, _ = run_changes(repo, "HEAD^1", "HEAD", tmp_path)
    assert output == "content-only=false\n" and "no changed files" in stdout
    # a shallow checkout without the first parent: git cannot compare, so everything runs
    stdout, output, summary = run_changes(repo, "HEAD~5", "HEAD", tmp_path)
    assert output == "content-only=false\n"
    assert "git could not compare HEAD~5 and HEAD" in stdout and "everything runs" in summary


def test_the_classifier_needs_only_the_standard_library() -> None:
    """The changes job runs it with the runner's python3, before anything is installed."""
    tree = ast.parse(CHANGES.read_text(encoding="utf-8"))
    imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                for alias in node.names}
    imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom) and node.module}
    assert imported and imported <= set(sys.stdlib_module_names) | {"__future__"}, imported


# -- the workflows' wiring ----------------------------------------------------------------

STATUS_FUNCTIONS = ("success", "failure", "cancelled", "always")
TOKEN = re.compile(r"\s*(?:(?P<op>&&|\|\||==|!=|!|\(|\))|(?P<string>'(?:[^']|'')*')"
                   r"|(?P<call>(?:success|failure|cancelled|always)\(\))|(?P<name>[A-Za-z_][\w.-]*))")


def evaluate(expression: str, context: dict[str, str], status: dict[str, bool]) -> bool:
    """A job's `if:` as GitHub evaluates it, for the operators these workflows use: `&&`, `||`,
    `!`, `==`, `!=`, strings, properties (missing ones are empty) and the status functions;
    without a status function, GitHub adds `success() &&`."""
    text = expression.strip()
    if text.startswith("${{") and text.endswith("}}"):
        text = text[3:-2]
    python = []
    position = 0
    while position < len(text.rstrip()):
        match = TOKEN.match(text, position)
        assert match, f"cannot read {text[position:]!r} in {expression!r}"
        position = match.end()
        if match["op"]:
            python.append({"&&": " and ", "||": " or ", "!": " not "}.get(match["op"], match["op"]))
        elif match["string"]:
            python.append(repr(match["string"][1:-1].replace("''", "'")))
        elif match["call"]:
            python.append(repr(status[match["call"][:-2]]))
        else:
            python.append(repr(context.get(match["name"], "")))
    value = eval("".join(python), {"__builtins__": {}})  # noqa: S307 - our own translation
    if not any(f"{name}()" in text for name in STATUS_FUNCTIONS):
        value = status["success"] and value
    return bool(value)


def runs(job: dict, event: str, classifier: str, content_only: str = "",
         cancelled: bool = False) -> bool:
    """Whether `job`, which needs the changes job, runs: `classifier` is how the changes job
    ended ("success" or "failure"), `content_only` its output."""
    status = {"success": classifier == "success" and not cancelled,
              "failure": classifier == "failure", "cancelled": cancelled, "always": True}
    context = {"github.event_name": event, "github.ref": "refs/heads/main",
               "needs.changes.outputs.content-only": content_only,
               "needs.changes.result": classifier}
    if "if" not in job:
        return status["success"]
    return evaluate(str(job["if"]), context, status)


def test_the_evaluator_adds_success_and_reads_status_functions() -> None:
    """The evaluator the checks below rely on, on expressions whose outcome GitHub documents."""
    everything = {"success": True, "failure": False, "cancelled": False, "always": True}
    failed = {"success": False, "failure": True, "cancelled": False, "always": True}
    assert evaluate("github.event_name == 'push'", {"github.event_name": "push"}, everything)
    assert not evaluate("github.event_name == 'push'", {"github.event_name": "push"}, failed)
    assert evaluate("${{ !cancelled() && github.event_name != 'push' }}", {}, failed)
    assert evaluate("always() || x == 'y'", {}, failed)
    assert not evaluate("x == 'it''s'", {"x": "its"}, everything)
    assert evaluate("x == 'it''s'", {"x": "it's"}, everything)


@pytest.mark.parametrize("workflow", [CI, PAGES], ids=lambda p: p.name)
def test_the_full_build_is_skipped_only_for_a_content_only_pull_request(workflow: Path) -> None:
    jobs = load_yaml(workflow)["jobs"]
    build = jobs["build"]
    needs = build["needs"] if isinstance(build["needs"], list) else [build["needs"]]
    assert "changes" in needs
    assert not runs(build, "pull_request", "success", "true")
    assert runs(build, "pull_request", "success", "false")
    assert runs(build, "pull_request", "failure", "")  # the classifier failed: fail safe
    assert runs(build, "push", "success", "")
    assert runs(build, "push", "success", "true")  # a push runs everything, whatever it says
    assert runs(build, "workflow_dispatch", "success", "")
    assert not runs(build, "pull_request", "success", "false", cancelled=True)


@pytest.mark.parametrize("workflow", [CI, PAGES], ids=lambda p: p.name)
def test_the_changes_job_classifies_the_merge_commit_and_never_blocks_a_push(workflow: Path) -> None:
    data = load_yaml(workflow)
    triggers = data.get("on", data.get(True))
    # a path filter would leave a required check waiting for ever; the classifier decides
    assert not {"paths", "paths-ignore"} & set(triggers["pull_request"] or {})
    job = data["jobs"]["changes"]
    assert "if" not in job and "needs" not in job  # always runs, so nothing after it is skipped
    checkout = job["steps"][0]
    assert checkout["uses"].startswith("actions/checkout@")
    assert checkout["with"]["fetch-depth"] >= 2  # HEAD^1, the base branch, is fetched
    classify = next(step for step in job["steps"] if step.get("id") == "classify")
    assert classify["run"].strip() == "python3 .ci/changes.py HEAD^1 HEAD"
    assert classify["if"] == "github.event_name == 'pull_request'"
    assert not any("setup-python" in step.get("uses", "") or "pip" in step.get("run", "")
                   for step in job["steps"])  # the runner's python3 (stdlib only, tested above)
    # the output the build reads is the one the script writes
    assert job["outputs"] == {"content-only": "${{ steps.classify.outputs.content-only }}"}
    assert "needs.changes.outputs.content-only" in data["jobs"]["build"]["if"]


def test_the_lint_job_runs_on_every_pull_request_lint_then_the_strict_build() -> None:
    job = load_yaml(CI)["jobs"]["lint"]
    assert "if" not in job and "needs" not in job  # every pull request, without waiting
    runs_ = [step["run"].strip() for step in job["steps"] if "run" in step]
    lint = next(i for i, run in enumerate(runs_) if run == ".venv/bin/nox -s lint -- --format github")
    html = next(i for i, run in enumerate(runs_) if run.endswith("\n.venv/bin/nox -s html"))
    assert lint < html  # the build's own annotations only once lint passes: none twice
    assert runs_[html].startswith(f"echo \"::add-matcher::{MATCHER.relative_to(ROOT)}\"")
    assert not any(".ci/run" in run or "apt-get" in run or "nox -s tests" in run
                   or "nox -s pdf" in run for run in runs_)  # no TeX, no browser, no suite
    assert job["timeout-minutes"] <= 10  # a guard against a hang; the job takes minutes


def test_the_pages_deploy_still_follows_a_push_build() -> None:
    """deploy needs build, which needs changes: on a push both succeed (the classifier's step
    is skipped, not its job), so deploy's implicit success() holds."""
    deploy = load_yaml(PAGES)["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    context = {"github.event_name": "push", "github.ref": "refs/heads/main"}
    assert evaluate(deploy["if"], context, {"success": True, "failure": False,
                                            "cancelled": False, "always": True})
    assert not evaluate(deploy["if"], {**context, "github.event_name": "pull_request"},
                        {"success": True, "failure": False, "cancelled": False, "always": True})


# -- the problem matcher on the strict build's output -------------------------------------


def matcher_pattern() -> tuple[re.Pattern[str], dict]:
    config = json.loads(MATCHER.read_text(encoding="utf-8"))
    (matcher,) = config["problemMatcher"]
    assert matcher["owner"] == "sphinx" and matcher["severity"] == "error"  # -W: errors
    (pattern,) = matcher["pattern"]
    return re.compile(pattern["regexp"]), pattern


def test_the_matcher_annotates_each_warning_of_a_strict_build_at_its_file_and_line(
        copy_root, tmp_path: Path) -> None:
    """`nox -s html`'s strict build (same options) of a root with two mistakes: a dangling
    reference (file and line) and a page in no toctree (file only). The matcher reads each
    warning, and nothing else the build prints."""
    from conftest import noxfile_module

    src = copy_root("kb")
    with (src / "topics" / "gans.md").open("a", encoding="utf-8") as page:
        page.write("\nSee {doc}`missing-page` for more.\n")
    (src / "orphan.md").write_text("# Orphan\n\nIn no toctree.\n", encoding="utf-8")
    dangling_line = len((src / "topics" / "gans.md").read_text(encoding="utf-8").splitlines())

    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", *noxfile_module().STRICT, "-j", "1",
         "-d", str(tmp_path / "doctrees"), str(src), str(tmp_path / "html")],
        capture_output=True, text=True, timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT / "_ext"), "NO_COLOR": "1"})
    assert result.returncode == 1, result.stdout + result.stderr

    regexp, pattern = matcher_pattern()
    found = []
    for line in (result.stdout + result.stderr).splitlines():
        match = regexp.match(line)
        if match:
            found.append((match[pattern["file"]], match[pattern["line"]], match[pattern["message"]]))
    assert sorted(found) == sorted([
        (str(src / "orphan.md"), None, "document isn't included in any toctree [toc.not_included]"),
        (str(src / "topics" / "gans.md"), str(dangling_line),
         "unknown document: 'missing-page' [ref.doc]"),
    ]), result.stderr


@pytest.mark.parametrize("line, expected", [
    ("/w/r/topics/gans.md:12: WARNING: unknown topic 'gan' [kb.topic]",
     ("/w/r/topics/gans.md", "12", "unknown topic 'gan' [kb.topic]")),
    ("/w/r/refs.bib:3: ERROR: broken entry", ("/w/r/refs.bib", "3", "broken entry")),
    ("WARNING: conf.py: something", (None, None, "conf.py: something")),
    ("/w/r/index.md:3:5: CRITICAL: stop", ("/w/r/index.md", "3", "stop")),
    ("build finished with problems, 2 warnings (with warnings treated as errors).", None),
    ("nox > Session html failed.", None),
])
def test_the_matcher_reads_sphinx_s_message_forms(line: str, expected: tuple | None) -> None:
    regexp, pattern = matcher_pattern()
    match = regexp.match(line)
    got = match and (match[pattern["file"]], match[pattern["line"]], match[pattern["message"]])
    assert got == expected


# -- Read the Docs: pull-request previews ---------------------------------------------------

NOX_STUB = """#!/bin/sh
# what `nox -s html` and `nox -s pdf` leave behind, without building anything
case "$2" in
  html) mkdir -p _build/doctrees _build/html && echo '<html></html>' > _build/html/index.html ;;
  pdf) mkdir -p _build/latex _build/pdf && echo '%PDF' > _build/pdf/dl-knowledge-base.pdf ;;
  *) exit 2 ;;
esac
"""


@pytest.mark.parametrize("version_type", ["external", "branch"])
def test_read_the_docs_jobs_leave_their_output_where_read_the_docs_takes_it(
        tmp_path: Path, version_type: str) -> None:
    """The build jobs of .readthedocs.yaml, run by a shell as Read the Docs runs them (each
    command in a fresh shell, from the checkout, with $READTHEDOCS_OUTPUT), with a stand-in
    for nox. A pull-request build (version type `external`) runs the html job alone, so its
    preview costs no PDF; a branch builds the book too. Afterwards, what Read the Docs checks:
    the site in $READTHEDOCS_OUTPUT/html, at most one file in .../pdf, and no _build/html
    left behind (Read the Docs fails a build that leaves one)."""
    if shutil.which("sh") is None:
        pytest.skip("no POSIX shell")
    jobs = load_yaml(READTHEDOCS)["build"]["jobs"]
    checkout = tmp_path / "checkout"
    (checkout / ".venv" / "bin").mkdir(parents=True)
    nox = checkout / ".venv" / "bin" / "nox"
    nox.write_text(NOX_STUB)
    nox.chmod(0o755)
    output = checkout / "_readthedocs"
    formats = ["html"] + (["pdf"] if version_type != "external" else [])
    for name in formats:
        for command in jobs["build"][name]:
            subprocess.run(["sh", "-c", command], cwd=checkout, check=True, timeout=60,
                           env={"PATH": os.environ["PATH"], "READTHEDOCS_OUTPUT": f"{output}/",
                                "READTHEDOCS_VERSION_TYPE": version_type})
    assert (output / "html" / "index.html").is_file()
    assert not (checkout / "_build" / "html").exists()
    pdfs = sorted(path.name for path in (output / "pdf").glob("*")) if (output / "pdf").exists() else []
    assert pdfs == ([] if version_type == "external" else ["dl-knowledge-base.pdf"])


def test_only_the_pdf_job_builds_the_book_so_previews_never_do() -> None:
    """Read the Docs skips build.jobs.build.pdf for a pull request; the book anywhere else
    (post_build, the html job) would be built for every preview."""
    jobs = load_yaml(READTHEDOCS)["build"]["jobs"]
    elsewhere = {name: commands for name, commands in jobs.items() if name != "build"}
    elsewhere["build.html"] = jobs["build"]["html"]
    for name, commands in elsewhere.items():
        assert not any("nox -s pdf" in command or "latex" in command for command in commands), name
    assert jobs["build"]["pdf"][0] == ".venv/bin/nox -s pdf"
