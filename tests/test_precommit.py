"""The pre-commit hook, run by the real `pre-commit` against a snapshot of this source tree.

A snapshot git repository of the carbon-card sources (tracked files plus untracked files
that are not ignored, so uncommitted work is tested too) plays the hook repository. A
second git repository plays the user's model repository, with a `.pre-commit-config.yaml`
pointing at the snapshot's commit. The hook environment is installed once per module in a
shared `PRE_COMMIT_HOME` (pip needs PyPI for that one install) and then reused, which the
offline tests rely on: with every proxy pointing at a dead port and pip forbidden an index,
the hook must still run.

`pre-commit try-repo` is tested once too, but it always installs into a throwaway store
(it ignores `PRE_COMMIT_HOME`), so it cannot be the shared, offline-reusable installation.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
MANIFEST = ROOT / ".pre-commit-hooks.yaml"
GOOD_CARD = ROOT / "examples" / "good" / "README.md"
BAD_CARD = ROOT / "examples" / "bad" / "README.md"
HOOK_ID = "carbon-card"
FIX_HOOK_ID = "carbon-card-fix"

INSTALL_TIMEOUT = 900  # seconds: creating the hook's virtualenv and pip-installing carbon-card
RUN_TIMEOUT = 300

OFFLINE = {
    "http_proxy": "http://127.0.0.1:9",
    "https_proxy": "http://127.0.0.1:9",
    "HTTP_PROXY": "http://127.0.0.1:9",
    "HTTPS_PROXY": "http://127.0.0.1:9",
    "PIP_NO_INDEX": "1",
    "HF_HUB_OFFLINE": "1",
}

# Left over in a snapshot taken without git (an unpacked sdist, say).
_JUNK = (".git", ".venv", "venv", "__pycache__", "*.egg-info", "build", "dist", ".pytest_cache",
         ".hypothesis", ".tox", ".nox", "*.pyc")

pytestmark = [
    pytest.mark.slow,  # real pre-commit environments: minutes; CI runs them
    pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed: pre-commit needs it"),
]


def _clean_env(**extra: str) -> dict[str, str]:
    """The caller's environment without the git and pre-commit variables that would leak in
    (a test run from inside a git hook has GIT_DIR and GIT_INDEX_FILE set) nor proxy bypasses."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("GIT_", "PRE_COMMIT")) and key.lower() != "no_proxy"
    }
    env.update(extra)
    return env


def _git(*args: str, cwd: Path) -> str:
    result = subprocess.run(
        ["git", "-c", "user.name=carbon-card tests", "-c", "user.email=tests@carbon-card.invalid",
         "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args],
        cwd=cwd, env=_clean_env(), capture_output=True, text=True, timeout=RUN_TIMEOUT,
    )
    assert result.returncode == 0, f"git {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def _commit_all(repo: Path) -> str:
    _git("init", "-q", cwd=repo)
    _git("add", "-A", cwd=repo)
    _git("commit", "-q", "--no-verify", "-m", "snapshot", cwd=repo)
    return _git("rev-parse", "HEAD", cwd=repo).strip()


def _source_files() -> list[str]:
    """The files of the source tree, relative to ROOT: git's view when ROOT is a checkout."""
    listing = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, env=_clean_env(), capture_output=True, text=True, timeout=RUN_TIMEOUT,
    )
    if listing.returncode == 0 and listing.stdout:
        return [name for name in listing.stdout.split("\0") if name and (ROOT / name).is_file()]
    # Not a git checkout: every file but the usual build and cache debris.
    files = []
    for dirpath, dirnames, filenames in os.walk(ROOT):
        dirnames[:] = [d for d in dirnames if not any(Path(d).match(p) for p in _JUNK)]
        files += [os.path.relpath(os.path.join(dirpath, f), ROOT) for f in filenames
                  if not any(Path(f).match(p) for p in _JUNK)]
    return files


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A git repository holding a snapshot of this source tree, and its commit."""
    assert MANIFEST.is_file(), f"{MANIFEST} is missing"
    snapshot = tmp_path_factory.mktemp("hook-repo")
    for name in _source_files():
        source, target = ROOT / name, snapshot / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)  # contents only: some corpus files are read-only
        if os.access(source, os.X_OK):
            target.chmod(0o755)
    return snapshot, _commit_all(snapshot)


@pytest.fixture(scope="module")
def precommit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def _precommit(*args: str, cwd: Path, home: Path, timeout: int = RUN_TIMEOUT,
               **extra_env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=cwd, env=_clean_env(PRE_COMMIT_HOME=str(home), PRE_COMMIT_COLOR="never", **extra_env),
        capture_output=True, text=True, timeout=timeout,
    )


def _user_repo(parent: Path, files: dict[str, Path | str], hook_repo: tuple[Path, str] | None = None,
               hook_id: str = HOOK_ID) -> Path:
    """A user's model repository holding `files` (a source card or a text), committed, with a
    `.pre-commit-config.yaml` using the hook at the snapshot's commit when `hook_repo` is given."""
    repo = parent / "user-repo"
    repo.mkdir()
    for name, content in files.items():
        target = repo / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content.read_bytes() if isinstance(content, Path) else content.encode())
    if hook_repo is not None:
        snapshot, sha = hook_repo
        config = {"repos": [{"repo": str(snapshot), "rev": sha, "hooks": [{"id": hook_id}]}]}
        (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    _commit_all(repo)
    return repo


def _output(result: subprocess.CompletedProcess[str]) -> str:
    return result.stdout + result.stderr


@pytest.fixture(scope="module")
def installed(hook_repo: tuple[Path, str], precommit_home: Path,
              tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The hook's environment, installed once in the shared PRE_COMMIT_HOME (needs PyPI)."""
    repo = _user_repo(tmp_path_factory.mktemp("install"), {"README.md": GOOD_CARD}, hook_repo)
    started = time.monotonic()
    result = _precommit("install-hooks", cwd=repo, home=precommit_home, timeout=INSTALL_TIMEOUT)
    assert result.returncode == 0, (
        "installing the hook environment failed (pip must reach PyPI for this one install):\n"
        + _output(result)
    )
    print(f"\npre-commit hook environment installed in {time.monotonic() - started:.1f}s")
    return hook_repo


def _run(repo: Path, home: Path, *args: str, **extra_env: str) -> subprocess.CompletedProcess[str]:
    return _precommit("run", "--color", "never", *(args or ("--all-files",)), cwd=repo, home=home, **extra_env)


# --- the manifest --------------------------------------------------------------------------


def test_manifest_is_valid_for_pre_commit(tmp_path: Path) -> None:
    result = _precommit("validate-manifest", str(MANIFEST), cwd=tmp_path, home=tmp_path / "home")
    assert result.returncode == 0, _output(result)


def test_manifest_declares_the_linter_and_fixer_hooks() -> None:
    hooks = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    assert [hook["id"] for hook in hooks] == [HOOK_ID, FIX_HOOK_ID]
    hook, fixer = hooks
    assert fixer["entry"] == "carbon-card check --fix --force-exclude"
    assert {k: v for k, v in fixer.items() if k not in ("id", "name", "description", "entry")} == \
        {k: v for k, v in hook.items() if k not in ("id", "name", "description", "entry")}
    assert hook["name"] == HOOK_ID
    assert hook["description"].strip()
    assert hook["entry"] == "carbon-card check --force-exclude"  # the configuration's `exclude` applies
    assert hook["language"] == "python"
    assert hook["types"] == ["markdown"]
    assert hook["require_serial"] is True  # one process: one summary, each configuration read once
    files = re.compile(hook["files"])
    for path in ("README.md", "models/bert-tiny/README.md", "a/b/c/README.md"):
        assert files.search(path), path
    for path in ("NOTREADME.md", "docs/MY_README.md", "README.md.orig", "README.txt", "readme/notes.md"):
        assert not files.search(path), path


# --- the hook, through pre-commit ---------------------------------------------------------


def test_try_repo_fails_on_a_bad_card(hook_repo: tuple[Path, str], tmp_path: Path) -> None:
    # try-repo installs into its own temporary store every time: this is a second install.
    snapshot, sha = hook_repo
    repo = _user_repo(tmp_path, {"README.md": BAD_CARD})
    result = _precommit("try-repo", "--color", "never", str(snapshot), HOOK_ID, "--ref", sha, "--all-files",
                        cwd=repo, home=tmp_path / "home", timeout=INSTALL_TIMEOUT)
    output = _output(result)
    assert result.returncode == 1, output
    assert "README.md:6:14: CC104" in output, output


def test_bad_card_fails(installed: tuple[Path, str], precommit_home: Path, tmp_path: Path) -> None:
    repo = _user_repo(tmp_path, {"README.md": BAD_CARD}, installed)
    result = _run(repo, precommit_home)
    output = _output(result)
    assert result.returncode == 1, output
    assert re.search(r"^carbon-card\.+Failed$", output, re.M), output
    assert "README.md:6:14: CC104" in output, output
    # CC109 comes from the JSON Schema: the schema ships inside the wheel pre-commit installed.
    assert "README.md:9:20: CC109" in output, output


def test_good_card_passes(installed: tuple[Path, str], precommit_home: Path, tmp_path: Path) -> None:
    repo = _user_repo(tmp_path, {"README.md": GOOD_CARD}, installed)
    result = _run(repo, precommit_home)
    output = _output(result)
    assert result.returncode == 0, output
    assert re.search(r"^carbon-card\.+Passed$", output, re.M), output
    assert "CC1" not in output and "CC2" not in output and "CC3" not in output, output


def test_only_model_card_files_are_checked(installed: tuple[Path, str], precommit_home: Path, tmp_path: Path) -> None:
    # A card in a subfolder is checked; other Markdown files, however bad, are not.
    repo = _user_repo(tmp_path, {
        "README.md": GOOD_CARD,
        "models/tiny-gpt/README.md": BAD_CARD,
        "NOTES.md": BAD_CARD,
        "docs/README.md.orig": BAD_CARD,
    }, installed)
    result = _run(repo, precommit_home)
    output = _output(result)
    assert result.returncode == 1, output
    assert "models/tiny-gpt/README.md:6:14: CC104" in output, output
    assert "NOTES.md" not in output and "README.md.orig" not in output, output
    assert not re.search(r"^README\.md:", output, re.M), output

    result = _run(repo, precommit_home, "--files", "NOTES.md")
    assert result.returncode == 0, _output(result)
    assert re.search(r"^carbon-card\.+\(no files to check\)Skipped$", _output(result), re.M), _output(result)


@pytest.mark.parametrize(("card", "expected_exit"), [(GOOD_CARD, 0), (BAD_CARD, 1)], ids=["good", "bad"])
def test_runs_offline_once_installed(installed: tuple[Path, str], precommit_home: Path, tmp_path: Path,
                                     card: Path, expected_exit: int) -> None:
    repo = _user_repo(tmp_path, {"README.md": card}, installed)
    result = _run(repo, precommit_home, "--files", "README.md", **OFFLINE)
    output = _output(result)
    assert result.returncode == expected_exit, output
    assert "Installing environment" not in output and "Initializing environment" not in output, output
    if expected_exit:
        assert "README.md:6:14: CC104" in output, output
    else:
        assert re.search(r"^carbon-card\.+Passed$", output, re.M), output


def test_fix_hook_fixes_the_block_and_nothing_else(installed: tuple[Path, str], precommit_home: Path,
                                                   tmp_path: Path) -> None:
    repo = _user_repo(tmp_path, {"README.md": BAD_CARD}, installed, hook_id=FIX_HOOK_ID)
    result = _run(repo, precommit_home, **OFFLINE)
    output = _output(result)
    assert result.returncode == 1, output  # pre-commit fails a hook that changed files
    assert "files were modified by this hook" in output, output
    before, after = BAD_CARD.read_bytes(), (repo / "README.md").read_bytes()
    assert after == before.replace(b'emissions: "0.5 kg CO2eq"', b"emissions: 500")

    # The second run changes nothing; the findings without a safe fix still fail the hook.
    result = _run(repo, precommit_home, **OFFLINE)
    output = _output(result)
    assert (repo / "README.md").read_bytes() == after
    assert "files were modified by this hook" not in output, output
    assert result.returncode == 1 and "CC108" in output and "CC104" not in output, output
