"""The repository's own files: CI workflow, pre-commit config, and the docs' commands.

Everything here runs offline: the workflow is checked against the GitHub-workflow
schema that check-jsonschema ships (never a downloaded one), and the commands the
README and CONTRIBUTING.md tell people to run are checked against noxfile.py and
.ci/run, so the documentation cannot drift from what the project actually runs.
"""

from __future__ import annotations

import ast
import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"
PRE_COMMIT = ROOT / ".pre-commit-config.yaml"
CI_RUN = ROOT / ".ci" / "run"
DOCS = [ROOT / "README.md", ROOT / "CONTRIBUTING.md", ROOT / ".github" / "pull_request_template.md"]
PDF = "_build/pdf/dl-knowledge-base.pdf"

# Any attempt to reach the network fails at once: proxies that point at a closed port.
OFFLINE_ENV = {
    **os.environ,
    **{name: "http://127.0.0.1:9" for name in
       ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")},
    "NO_PROXY": "", "no_proxy": "",
}

needs_check_jsonschema = pytest.mark.skipif(
    importlib.util.find_spec("check_jsonschema") is None,
    reason="check-jsonschema is not installed (it is in requirements/lock.txt)",
)


def check_jsonschema(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", *args],
        capture_output=True, text=True, cwd=ROOT, env=OFFLINE_ENV, timeout=120,
    )


def builtin_schemas() -> set[str]:
    """The schema names this check-jsonschema bundles, as its --help lists them."""
    help_text = check_jsonschema("--help").stdout
    return set(re.findall(r"\b((?:vendor|custom)\.[a-z0-9-]+)", help_text))


def load_yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def workflow_steps() -> list[dict]:
    workflow = load_yaml(WORKFLOW)
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


# -- schemas ------------------------------------------------------------------------


@needs_check_jsonschema
def test_workflow_matches_the_bundled_github_workflow_schema() -> None:
    assert "vendor.github-workflows" in builtin_schemas()
    result = check_jsonschema("--builtin-schema", "vendor.github-workflows", str(WORKFLOW))
    assert result.returncode == 0, result.stdout + result.stderr


CITATION = ROOT / "CITATION.cff"


@needs_check_jsonschema
def test_citation_file_matches_the_bundled_citation_file_format_schema() -> None:
    assert "vendor.citation-file-format" in builtin_schemas()
    result = check_jsonschema("--builtin-schema", "vendor.citation-file-format", str(CITATION))
    assert result.returncode == 0, result.stdout + result.stderr
    citation = load_yaml(CITATION)
    assert citation["title"] == "Deep Learning Knowledge Base"
    assert set(citation["license"]) == {"MIT", "CC-BY-4.0"}  # as LICENSE and LICENSE-CONTENT


@needs_check_jsonschema
def test_the_schema_check_catches_a_broken_citation_file(tmp_path: Path) -> None:
    """A citation file without authors is rejected, offline."""
    citation = load_yaml(CITATION)
    del citation["authors"]
    broken = tmp_path / "CITATION.cff"
    broken.write_text(yaml.safe_dump(citation), encoding="utf-8")
    result = check_jsonschema("--builtin-schema", "vendor.citation-file-format", str(broken))
    assert result.returncode != 0 and "authors" in result.stdout + result.stderr


@needs_check_jsonschema
def test_the_schema_check_catches_a_broken_workflow(tmp_path: Path) -> None:
    """The check above can fail: a job without runs-on is rejected, offline too."""
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  build:\n    steps:\n      - run: true\n")
    result = check_jsonschema("--builtin-schema", "vendor.github-workflows", str(broken))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "runs-on" in result.stdout + result.stderr


def test_pre_commit_config_is_valid() -> None:
    """Against check-jsonschema's bundled schema where it has one, else pre-commit's own check."""
    if (importlib.util.find_spec("check_jsonschema") is not None
            and "vendor.pre-commit-config" in builtin_schemas()):
        command = [sys.executable, "-m", "check_jsonschema",
                   "--builtin-schema", "vendor.pre-commit-config", str(PRE_COMMIT)]
    elif importlib.util.find_spec("pre_commit") is not None:
        command = [sys.executable, "-m", "pre_commit", "validate-config", str(PRE_COMMIT)]
    else:
        pytest.skip("neither a bundled pre-commit schema nor pre-commit is available")
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT,
                            env=OFFLINE_ENV, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_pre_commit_hooks_are_pinned_and_use_the_lint_configuration() -> None:
    config = load_yaml(PRE_COMMIT)
    hooks: dict[str, dict] = {}
    for repo in config["repos"]:
        if repo["repo"] != "local":
            # a released tag, never a branch
            assert re.fullmatch(r"v?\d+\.\d+\.\d+", str(repo["rev"])), repo
        for hook in repo["hooks"]:
            hooks[hook["id"]] = {**hook, "repo": repo["repo"]}
    for hook_id in ("trailing-whitespace", "end-of-file-fixer", "check-yaml",
                    "check-merge-conflict", "check-added-large-files",
                    "pymarkdown", "check-github-workflows", "check-readthedocs", "kb-lint"):
        assert hook_id in hooks, hook_id
    assert hooks["pymarkdown"]["args"][:2] == ["--config", ".pymarkdown.json"]
    assert (ROOT / ".pymarkdown.json").is_file()
    assert hooks["kb-lint"]["entry"] == ".venv/bin/nox -s lint"
    assert hooks["kb-lint"]["language"] == "system"
    assert hooks["kb-lint"]["pass_filenames"] is False
    files = re.compile(hooks["kb-lint"]["files"])
    for changed in ("refs.bib", "index.md", "newsletters/deep-learning-weekly/2021/issue-220.md",
                    "reviews/hippocampus-garden/2022.md", "topics/gans.md"):
        assert files.search(changed), changed
    assert not files.search("tests/roots/test-kb/index.md")


# -- what the workflow runs ------------------------------------------------------------


def test_workflow_triggers_permissions_and_concurrency() -> None:
    workflow = load_yaml(WORKFLOW)
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert "pull_request" in triggers
    assert triggers["push"]["branches"] == ["main"]
    # nothing by default; the job reads the repository (tests/site/test_supply_chain.py
    # checks every workflow's permissions and pins)
    assert workflow["permissions"] == {}
    assert workflow["concurrency"]["cancel-in-progress"] is True
    for job in workflow["jobs"].values():
        assert job["runs-on"] == "ubuntu-latest"
        assert job["permissions"] == {"contents": "read"}


def test_workflow_runs_ci_run_then_builds_and_uploads_site_and_book() -> None:
    steps = workflow_steps()
    uses = [step.get("uses", "").split("@")[0] for step in steps]
    assert "actions/checkout" in uses
    setup = next(step for step in steps if step.get("uses", "").startswith("actions/setup-python@"))
    assert str(setup["with"]["python-version"]) == "3.11"

    runs = [step["run"].strip() for step in steps if "run" in step]
    assert "bash .ci/run" in runs
    assert ".venv/bin/nox -s html" in runs
    assert ".venv/bin/nox -s pdf" in runs
    # the venv the sessions use is the one .ci/run creates
    assert runs.index("bash .ci/run") < runs.index(".venv/bin/nox -s html")
    assert runs.index("bash .ci/run") < runs.index(".venv/bin/nox -s pdf")

    uploaded = [str(step["with"]["path"]).strip() for step in steps
                if step.get("uses", "").startswith("actions/upload-artifact@")]
    assert "_build/html" in uploaded
    assert PDF in uploaded


def test_workflow_uploads_the_browser_tests_screenshots_and_ci_installs_chromium() -> None:
    from browser import CHROMIUM, SCREENSHOTS

    steps = workflow_steps()
    upload = next(step for step in steps if str(step.get("uses", "")).startswith("actions/upload-artifact@")
                  and str(step["with"]["path"]).strip() == "_build/screenshots")
    assert ROOT / upload["with"]["path"] == SCREENSHOTS
    assert "cancelled()" in upload["if"]  # screenshots of a failing run are uploaded too
    assert re.search(r"apt-get install[^\n]*(\\\n[^\n]*)*\bchromium\b", CI_RUN.read_text())
    assert CHROMIUM == Path("/usr/bin/chromium")  # where Debian's package puts it


def test_the_pdf_the_workflow_uploads_is_the_one_nox_writes() -> None:
    noxfile = (ROOT / "noxfile.py").read_text(encoding="utf-8")
    assert f'PDF_NAME = "{Path(PDF).name}"' in noxfile


# -- documented commands -------------------------------------------------------------


def nox_sessions() -> set[str]:
    """Names of the functions in noxfile.py decorated with @nox.session (or a name= given)."""
    tree = ast.parse((ROOT / "noxfile.py").read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef):
            continue
        for decorator in node.decorator_list:
            call = decorator if isinstance(decorator, ast.Call) else None
            target = call.func if call else decorator
            if ast.unparse(target) not in ("nox.session", "session"):
                continue
            name = node.name
            for keyword in call.keywords if call else ():
                if keyword.arg == "name" and isinstance(keyword.value, ast.Constant):
                    name = keyword.value.value
            names.add(name)
    return names


def test_noxfile_sessions_are_found() -> None:
    assert {"html", "pdf", "tests", "lint", "serve", "new", "lock", "clean"} <= nox_sessions()


@pytest.mark.parametrize("doc", DOCS + [PRE_COMMIT, WORKFLOW], ids=lambda p: p.name)
def test_every_nox_session_mentioned_exists(doc: Path) -> None:
    text = doc.read_text(encoding="utf-8")
    mentioned = set(re.findall(r"\bnox\s+-s\s+([A-Za-z0-9_-]+)", text))
    # each of these files tells people to run a session: no name found is a broken pattern
    assert mentioned, f"{doc.name} names no nox session"
    missing = mentioned - nox_sessions()
    assert not missing, f"{doc.name} mentions sessions noxfile.py does not define: {missing}"


def first_code_block(markdown: str) -> list[str]:
    match = re.search(r"^```[^\n]*\n(.*?)^```", markdown, re.S | re.M)
    assert match, "no code block"
    return [line for line in match[1].splitlines() if line.strip()]


def command_of(line: str) -> str:
    """The command of a shell line, without a trailing `# comment`."""
    return re.sub(r"\s+#.*$", "", line).strip()


def ci_run_commands() -> list[str]:
    lines = CI_RUN.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def test_readme_commands_are_the_ones_ci_runs() -> None:
    commands = [command_of(line) for line in first_code_block(
        (ROOT / "README.md").read_text(encoding="utf-8"))]
    assert len(commands) == 2, commands
    build, test = commands
    assert test.endswith("nox -s tests") and build.endswith("nox -s html")
    # the test command is, character for character, the one .ci/run runs
    assert test in ci_run_commands()
    # the build command sets up the same way, then runs the session the workflow runs
    setup = test.rsplit(" && ", 1)[0]
    assert build == f"{setup} && .venv/bin/nox -s html"
    assert ".venv/bin/nox -s html" in [s["run"].strip() for s in workflow_steps() if "run" in s]


def test_contributing_uses_the_readme_set_up_line() -> None:
    test = command_of(first_code_block((ROOT / "README.md").read_text(encoding="utf-8"))[1])
    setup = test.rsplit(" && ", 1)[0]
    contributing = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert first_code_block(contributing) == [setup]


# -- CONTRIBUTING.md against the extension ----------------------------------------------


def test_contributing_front_matter_table_matches_the_model() -> None:
    sys.path.insert(0, str(ROOT / "_ext"))
    from kb.model import contract

    rows: dict[str, tuple[str, str]] = {}
    for line in (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 4 and re.fullmatch(r"`[a-z_]+`", cells[0]):
            rows[cells[0].strip("`")] = (cells[1], cells[3])
    keys = set(contract.CONTRACT_KEYS)
    assert set(rows) >= keys, f"keys missing from the table: {keys - set(rows)}"

    def kinds(cell: str) -> set[str]:
        return {part.strip() for part in cell.split(",")} - {""}

    for key in keys - {"kind"}:
        where, required = rows[key]
        if key in contract.COMMON_KEYS:
            assert where == "any", key
        else:
            assert kinds(where) == {k for k, keys in contract.KEYS_BY_KIND.items() if k and key in keys}, key
        needed = {k for k, keys in contract.REQUIRED_BY_KIND.items() if k and key in keys}
        assert (kinds(required) if required != "none" else set()) == needed, key


def warning_subtypes(sources: list[str]) -> set[str]:
    """Every literal warning subtype in the sources: `subtype="x"` in a call, or the `subtype`
    argument, by position or keyword, of a function or record (such as `Problem`) that
    declares a parameter or field of that name. Any other string is not a subtype."""
    trees = [ast.parse(source) for source in sources]
    position: dict[str, int] = {}  # callable name -> the index of its `subtype` argument
    for node in (n for tree in trees for n in ast.walk(tree)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names = [a.arg for a in node.args.posonlyargs + node.args.args]
        elif isinstance(node, ast.ClassDef):
            names = [s.target.id for s in node.body
                     if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)]
        else:
            continue
        if "subtype" in names:
            position[node.name] = names.index("subtype") - (names[:1] in (["self"], ["cls"]))
    found: set[str] = set()
    for call in (n for tree in trees for n in ast.walk(tree) if isinstance(n, ast.Call)):
        name = getattr(call.func, "id", getattr(call.func, "attr", None))
        values = [k.value for k in call.keywords if k.arg == "subtype"]
        if name in position and len(call.args) > position[name]:
            values.append(call.args[position[name]])
        found |= {v.value for v in values if isinstance(v, ast.Constant) and isinstance(v.value, str)}
    return found


def test_the_subtype_finder_reads_only_subtype_arguments() -> None:
    source = """
def warn(message, docname, line, subtype): ...
class Problem:
    message: str
    line: int
    subtype: str
KINDS = ("review", "topic")
OBJECTS = {"item": ObjType("item", "item")}
warn("m", "doc", 1, "front_matter")
Problem("m", 2, subtype="series")
Problem("m", 3, "bib_syntax")
logger.warning("m", type="kb", subtype="citation")
"""
    assert warning_subtypes([source]) == {"front_matter", "series", "bib_syntax", "citation"}


def test_warning_types_named_in_contributing_exist() -> None:
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    named = set(re.findall(r"\bkb\.([a-z_]+)\b", text)) - {"lint", "scaffold"}
    assert len(named) >= 10, named
    sources = [p.read_text(encoding="utf-8") for p in (ROOT / "_ext" / "kb").rglob("*.py")]
    emitted = warning_subtypes(sources)
    assert sorted(named - emitted) == [], "CONTRIBUTING.md names warning types never emitted"


# -- hosting: Read the Docs and GitHub Pages (docs/publishing.md, "Hosting") ---------------

READTHEDOCS = ROOT / ".readthedocs.yaml"
PAGES = ROOT / ".github" / "workflows" / "pages.yml"


def tex_packages() -> set[str]:
    """The Debian TeX packages noxfile.py names (docs/pdf.md)."""
    tree = ast.parse((ROOT / "noxfile.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == "TEX_PACKAGES":
            return set(ast.literal_eval(node.value).split())
    raise AssertionError("noxfile.py defines no TEX_PACKAGES")


@needs_check_jsonschema
@pytest.mark.parametrize("path, schema", [(READTHEDOCS, "vendor.readthedocs"),
                                          (PAGES, "vendor.github-workflows")],
                         ids=["readthedocs", "pages"])
def test_hosting_files_match_their_bundled_schemas(path: Path, schema: str) -> None:
    assert schema in builtin_schemas()
    result = check_jsonschema("--builtin-schema", schema, str(path))
    assert result.returncode == 0, result.stdout + result.stderr


@needs_check_jsonschema
def test_the_schema_check_catches_a_broken_readthedocs_file(tmp_path: Path) -> None:
    broken = tmp_path / ".readthedocs.yaml"
    broken.write_text(READTHEDOCS.read_text(encoding="utf-8").replace('python: "3.11"', 'python: "3.99"'))
    result = check_jsonschema("--builtin-schema", "vendor.readthedocs", str(broken))
    assert result.returncode == 1, result.stdout + result.stderr


def test_readthedocs_builds_what_nox_builds() -> None:
    config = load_yaml(READTHEDOCS)
    build = config["build"]
    assert build["os"].startswith("ubuntu-")
    assert str(build["tools"]["python"]) == "3.11"
    assert tex_packages() <= set(build["apt_packages"])
    jobs = build["jobs"]
    assert jobs["install"] == [".venv/bin/pip install -q -r requirements/nox.txt"]
    html, pdf = jobs["build"]["html"], jobs["build"]["pdf"]
    assert html[0] == ".venv/bin/nox -s html"
    assert pdf[0] == ".venv/bin/nox -s pdf"
    assert html[1] == 'mkdir -p "$READTHEDOCS_OUTPUT" && mv _build/html "$READTHEDOCS_OUTPUT/html"'
    assert f'cp {PDF} "$READTHEDOCS_OUTPUT/pdf/"' in pdf[1]
    assert config["formats"] == ["pdf"]


def test_pages_workflow_deploys_main_with_the_official_actions_and_least_permissions() -> None:
    workflow = load_yaml(PAGES)
    triggers = workflow.get("on", workflow.get(True))
    assert triggers["push"]["branches"] == ["main"] and "pull_request" in triggers
    assert workflow["permissions"] == {}
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    assert build["permissions"] == {"contents": "read", "pages": "read"}
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["needs"] == "build"
    assert "refs/heads/main" in deploy["if"] and "pull_request" in deploy["if"]
    assert deploy["environment"]["name"] == "github-pages"

    def action(step: dict) -> str:
        return step.get("uses", "").split("@")[0]

    build_steps = build["steps"]
    runs = [step["run"].strip() for step in build_steps if "run" in step]
    assert ".venv/bin/nox -s html" in runs and ".venv/bin/nox -s pdf" in runs
    assert "python3 -m venv .venv && .venv/bin/pip install -q -r requirements/nox.txt" in runs
    apt = next(r for r in runs if "apt-get install" in r)
    assert tex_packages() <= set(apt.replace("\\", " ").split())
    by_action = {action(step): step for step in build_steps if "uses" in step}
    assert by_action["actions/upload-pages-artifact"]["with"]["path"] == "_build/html"
    for name in ("actions/configure-pages", "actions/upload-pages-artifact"):
        assert by_action[name]["if"] == "github.event_name != 'pull_request'", name
    artifact = by_action["actions/upload-artifact"]
    assert artifact["if"] == "github.event_name == 'pull_request'"
    assert artifact["with"]["path"] == "_build/html"
    assert any(f"cp {PDF} _build/html/" == r for r in runs)  # the book is in the artifacts
    assert [action(s) for s in deploy["steps"]] == ["actions/deploy-pages"]


def test_pages_workflow_pins_every_action_to_a_commit_with_its_version() -> None:
    text = PAGES.read_text(encoding="utf-8")
    uses = re.findall(r"uses:\s*(\S+)(.*)", text)
    assert len(uses) == 7  # the changes job checks out too
    for ref, comment in uses:
        assert re.fullmatch(r"actions/[a-z-]+@[0-9a-f]{40}", ref), ref
        assert re.fullmatch(r"\s*# v\d+\.\d+\.\d+", comment), (ref, comment)


def test_every_test_file_is_collected() -> None:
    """`pytest` with no arguments collects every test module under tests/: a folder pytest
    skips by default (it skips any named "build") would leave its tests unrun, silently."""
    found = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q",
                            "-p", "no:cacheprovider"], cwd=ROOT, capture_output=True,
                           text=True, check=True).stdout
    collected = {line.split("::")[0] for line in found.splitlines() if "::" in line}
    on_disk = {str(path.relative_to(ROOT)) for path in (ROOT / "tests").rglob("test_*.py")
               if "roots" not in path.parts}
    assert collected == on_disk


def test_nox_runs_the_suite_on_both_cores_unless_told_otherwise() -> None:
    """`nox -s tests` adds pytest-xdist's options (each file whole on one worker), and a
    contributor's own `-n` or `--dist` replaces them."""
    from conftest import noxfile_module

    noxfile = noxfile_module()
    assert noxfile.pytest_args(["-m", "not slow"]) == [
        "-n", "2", "--dist", "loadfile", "-m", "not slow"]
    assert noxfile.pytest_args(["-n", "0", "-x"]) == ["-n", "0", "-x"]
    assert noxfile.pytest_args(["-n4"]) == ["-n4"]
    assert noxfile.pytest_args(["--dist", "load"]) == ["--dist", "load"]
    assert importlib.util.find_spec("xdist") is not None  # installed from requirements/lock.txt


def test_a_lint_job_annotates_the_diff_without_tex_or_a_browser() -> None:
    """Pull requests get every problem as an annotation on its file and line from a job
    that installs only the pinned Python stack (no .ci/run: no TeX Live, no Chromium)."""
    job = load_yaml(WORKFLOW)["jobs"]["lint"]
    runs = "\n".join(step["run"] for step in job["steps"] if "run" in step)
    assert ".venv/bin/nox -s lint -- --format github" in runs
    assert "pip install -q -r requirements/nox.txt" in runs
    assert ".ci/run" not in runs and "apt-get" not in runs
    assert job["timeout-minutes"] <= 15
