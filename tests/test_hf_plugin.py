"""carbon-card as an extension of the Hub's own CLI: the real `hf` runs `hf-carbon-card`.

`hf extensions install OWNER/hf-carbon-card` pip-installs the package into a virtual
environment and records it in `~/.local/share/hf/extensions/hf-carbon-card/manifest.json`
(huggingface_hub 2.x, `cli/extensions.py`; the folder follows HOME, no variable moves it).
Here the manifest is written by the installer's own `ExtensionManifest.save`, pointing at the
`hf-carbon-card` console script of the development environment instead of a fresh one.
"""

import json
import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest
from conftest import ROOT
from hub_server import HubServer, castano_repos, write_repo

from carbon_card.assessment import assess
from carbon_card.card import read_card
from carbon_card.estimate import estimate
from carbon_card.facts import gather
from carbon_card.report import card_json, estimate_json

BIN = Path(sys.executable).parent
HF = BIN / "hf"


@pytest.fixture
def hf_home(tmp_path):
    """A HOME in which `hf` has carbon-card installed as an extension; the environment to run it."""
    extensions = pytest.importorskip("huggingface_hub.cli.extensions")
    if not HF.exists() or not (BIN / "hf-carbon-card").exists():
        pytest.skip("the hf CLI or the hf-carbon-card console script is not installed here")
    env = {**os.environ, "HOME": str(tmp_path), "HF_HOME": str(tmp_path / "hf"),
           "HF_HUB_DISABLE_UPDATE_CHECK": "1", "HF_TOKEN": "hf_test"}
    env.pop("XDG_DATA_HOME", None)
    # The installer's manifest, where the installer puts it (`~` is this HOME).
    folder = Path(str(extensions.EXTENSIONS_ROOT).replace("~", str(tmp_path), 1)) / "hf-carbon-card"
    extensions.ExtensionManifest(
        owner="carbon-card", repo="hf-carbon-card", repo_id="carbon-card/hf-carbon-card", short_name="carbon-card",
        executable_path=str(BIN / "hf-carbon-card"), type="python", installed_at=datetime.now(timezone.utc),
        description="Lint the carbon disclosure of model cards", commit_sha=None,
    ).save(folder)
    assert json.loads((folder / "manifest.json").read_text())["executable_path"].endswith("hf-carbon-card")
    return env


def run(command, env):
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def test_hf_carbon_card_check_is_carbon_card_check(hf_home):
    through_hf = run([str(HF), "carbon-card", "check", "examples/bad/README.md"], hf_home)
    direct = run([str(BIN / "carbon-card"), "check", "examples/bad/README.md"], hf_home)
    assert through_hf.returncode == direct.returncode == 1
    assert through_hf.stdout == direct.stdout
    assert "examples/bad/README.md:6:14: CC104" in through_hf.stdout


@pytest.mark.slow  # end-to-end: CI runs it
def test_hf_carbon_card_audit_against_a_local_hub(hf_home, tmp_path):
    repos = castano_repos(3)
    with HubServer(repos, metadata=False) as hub:  # a Hub that lists nothing beyond the files: as check
        env = {**hf_home, "HF_ENDPOINT": hub.url}
        result = run([str(HF), "carbon-card", "audit", *(r.repo_id for r in repos), "--format", "jsonl",
                      "--fail-on", "never"], env)
        tokens = {r.authorization for r in hub.requests if r.route == "info"}
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    records = {r["repo_id"]: r for r in lines[:-1]}
    assert lines[-1]["summary"]["audited"] == 3
    assert tokens == {"Bearer hf_test"}
    for repo in repos:
        folder = write_repo(repo, tmp_path / "local")
        card = read_card(folder / "README.md", f"{repo.repo_id}/README.md")
        assessment = assess(card, gather(card, folder, repo.repo_id))
        expected = {**card_json(assessment), "estimate": estimate_json(estimate(assessment.facts))}
        record = records[repo.repo_id]
        assert record["sha"] == repo.main.sha
        assert {k: v for k, v in record.items() if k in expected} == expected


@pytest.mark.slow  # end-to-end: CI runs it
def test_hf_carbon_card_reports_errors_in_one_line(hf_home):
    with HubServer([]) as hub:
        result = run([str(HF), "carbon-card", "audit", "nobody/nothing"], {**hf_home, "HF_ENDPOINT": hub.url})
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "carbon-card: nobody/nothing: model info: repository not found (or private: set HF_TOKEN)"]
