"""Supply chain: every workflow (today's and those added later) pins its actions to a
commit and states its permissions; the lock keeps its hashes and installs enforce them."""

from __future__ import annotations

import importlib.util
import re
import warnings
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))
LOCK = ROOT / "requirements" / "lock.txt"
# `uses: owner/repo[/path]@<40 hex> # vX[.Y[.Z]]`
PINNED = re.compile(r"^\s*(?:-\s*)?uses:\s*([\w.-]+/[\w./-]+)@([0-9a-f]{40})\s+#\s*v\d+(\.\d+)*\s*$")
USES = re.compile(r"^\s*(?:-\s*)?uses:\s*(\S+)")
# scopes that may be granted; anything broader (write-all, read-all) is refused
SCOPES = {"actions", "attestations", "checks", "contents", "deployments", "id-token", "issues",
          "discussions", "packages", "pages", "pull-requests", "repository-projects",
          "security-events", "statuses", "models"}

# the scopes an action writes with (actions/deploy-pages: the Pages site and its OIDC token)
WRITES_NEEDED = {"actions/deploy-pages": {"pages", "id-token"}}


def workflow_ids() -> list[str]:
    return [path.name for path in WORKFLOWS]


def uses_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if USES.match(line)]


def declared_actions(workflow: dict) -> list[str]:
    """Every action and reusable workflow the YAML itself declares: each job's `uses` and
    each step's."""
    found = []
    for job in workflow["jobs"].values():
        found += [job["uses"]] if "uses" in job else []
        found += [step["uses"] for step in job.get("steps", []) if "uses" in step]
    return found


def test_the_pin_check_reads_every_action_the_workflows_declare():
    """The pin check reads `uses:` lines; an action written another way (quoted, in a flow
    mapping, on a continued line) would escape it, so the lines it reads must be every action
    the parsed YAML declares."""
    assert WORKFLOWS, "no .github/workflows/*.yml found: the checks would pass on nothing"
    for workflow in WORKFLOWS:
        text = workflow.read_text(encoding="utf-8")
        declared = declared_actions(yaml.safe_load(text))
        assert declared, f"{workflow.name} declares no action"
        assert sorted(USES.match(line)[1] for line in uses_lines(text)) == sorted(declared), (
            f"{workflow.name}: write each action as one line 'uses: owner/repo@<sha> # vX.Y.Z'")


def test_the_pin_check_would_miss_an_action_in_a_flow_mapping():
    """What the test above guards against, shown: the line check alone passes this workflow."""
    text = "jobs:\n  build:\n    steps:\n      - {uses: actions/checkout@v4}\n"
    assert uses_lines(text) == []
    assert declared_actions(yaml.safe_load(text)) == ["actions/checkout@v4"]


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=workflow_ids())
def test_third_party_actions_are_pinned_to_a_commit_with_the_version_in_a_comment(workflow):
    lines = uses_lines(workflow.read_text(encoding="utf-8"))
    assert lines, f"{workflow.name} uses no action"
    for line in lines:
        target = USES.match(line)[1]
        if target.startswith("./") or target.startswith("docker://"):
            continue  # a local action, or an image (pin images by digest: checked below)
        assert PINNED.match(line), (
            f"{workflow.name}: {line.strip()!r}: pin to a full commit SHA, e.g. "
            "uses: actions/checkout@<40-hex commit> # v4.4.0")


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=workflow_ids())
def test_every_job_states_least_permissions(workflow):
    data = yaml.safe_load(workflow.read_text(encoding="utf-8"))
    # a missing top-level block means the repository's default token, often write-all
    assert "permissions" in data, f"{workflow.name}: add a top-level 'permissions: {{}}'"
    top = data["permissions"]
    assert isinstance(top, dict) and not any(v == "write" for v in top.values()), (
        f"{workflow.name}: the top-level permissions grant writes ({top}); grant them per job")
    for name, job in data["jobs"].items():
        assert "permissions" in job, f"{workflow.name}: job {name!r} states no permissions"
        granted = job["permissions"]
        assert isinstance(granted, dict), (
            f"{workflow.name}: job {name!r}: permissions {granted!r}; list each scope")
        assert set(granted) <= SCOPES, f"{workflow.name}: job {name!r}: unknown scopes {granted}"
        assert set(granted.values()) <= {"read", "write", "none"}
        # a write only where one of the job's actions needs it
        writes = {scope for scope, level in granted.items() if level == "write"}
        needed = set().union(*(WRITES_NEEDED.get(uses.split("@")[0], set())
                               for uses in declared_actions({"jobs": {name: job}})))
        assert writes <= needed, (
            f"{workflow.name}: job {name!r} may write {sorted(writes - needed)}, which none of "
            "its actions needs: grant read, or name the action in WRITES_NEEDED")


def test_the_checker_refuses_a_tag_and_accepts_a_commit():
    """The pin check can fail: a tag, a short SHA and a missing comment are refused."""
    sha = "11d5960a326750d5838078e36cf38b85af677262"
    assert PINNED.match(f"      - uses: actions/checkout@{sha} # v4.4.0")
    for bad in ("      - uses: actions/checkout@v4",
                f"      - uses: actions/checkout@{sha[:12]} # v4.4.0",
                f"      - uses: actions/checkout@{sha}"):
        assert not PINNED.match(bad), bad


def test_every_locked_package_has_a_hash():
    text = LOCK.read_text(encoding="utf-8").replace("\\\n", " ")
    requirements = [line for line in text.splitlines()
                    if line.strip() and not line.lstrip().startswith("#")]
    assert len(requirements) > 50
    for requirement in requirements:
        name = requirement.split()[0]
        assert re.match(r"^[A-Za-z0-9_.\[\],-]+==\S+$", name), f"not pinned: {name}"
        assert "--hash=sha256:" in requirement, f"{name} has no hash in {LOCK.name}"


def test_nox_installs_the_lock_with_hashes_enforced(tmp_path):
    """noxfile.install_locked passes --require-hashes to the installer, and asks uv to
    compile the bytecode as it installs."""
    spec = importlib.util.spec_from_file_location("project_noxfile", ROOT / "noxfile.py")
    module = importlib.util.module_from_spec(spec)
    pytest.importorskip("nox")
    with warnings.catch_warnings():
        # nox warns when another test has loaded the noxfile (its sessions re-register)
        warnings.simplefilter("ignore", FutureWarning)
        spec.loader.exec_module(module)

    calls: list[tuple[str, ...]] = []

    class Session:
        class virtualenv:  # noqa: N801 - mimics nox's attribute
            location = str(tmp_path)

        def install(self, *args: str, env: dict | None = None) -> None:
            calls.append((args, env))

        def log(self, *args: object) -> None:
            pass

    module.install_locked(Session())
    assert calls == [(("--require-hashes", "-r", str(LOCK)), {"UV_COMPILE_BYTECODE": "1"})]


def test_the_bootstrap_requirements_are_hashed_too():
    """requirements/nox.txt (the README's `pip install -r`) pins nox and uv and all their
    dependencies with hashes: pip then refuses anything else."""
    text = (ROOT / "requirements" / "nox.txt").read_text(encoding="utf-8").replace("\\\n", " ")
    requirements = [line.split()[0] for line in text.splitlines()
                    if line.strip() and not line.lstrip().startswith("#")]
    assert {"nox", "uv"} <= {r.split("==")[0] for r in requirements}
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            assert "==" in line and "--hash=sha256:" in line, line
