"""Hostile local input (issue 16, items 1-7): special files, unlistable folders, huge numbers and
huge side files, and `--fix`/`--diff` on cards built to break them. Each case ran into a hang,
a crash or unbounded memory before its fix; the CLI runs as a real subprocess where a hang, a crash,
another user or the memory is the point, else in this process (conftest.run_cli)."""

import json
import os
import stat
import subprocess
import sys
import time

import pytest

from carbon_card.card import MAX_CARD_BYTES, CardReadError, parse_card, read_card
from carbon_card.facts.files import MAX_CODECARBON_ROWS, MAX_JSON_MEMORY, facts_from_folder
from conftest import ROOT, run_cli

GOOD = (ROOT / "examples" / "good" / "README.md").read_text()

# Runs a command and prints the peak resident size of that command alone, in kB. A child of the
# test process itself would inherit the test's own peak (Linux carries it across exec).
_LAUNCHER = """
import resource, subprocess, sys
result = subprocess.run(sys.argv[1:], capture_output=True, text=True, timeout=300)
sys.stdout.write(result.stdout)
sys.stderr.write(result.stderr)
print(f"peak_kb={resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}", file=sys.stderr)
sys.exit(result.returncode)
"""


def run(*args, cwd=ROOT, timeout=None, user=None, process=False):
    """The command, as a process when asked, given a time limit (a hang fails the test, not the
    suite) or another user; else in this process."""
    if not (process or timeout or user):
        result = run_cli(*args, cwd=cwd)
        assert "Traceback" not in result.stderr, result.stderr
        return result
    command = [sys.executable, "-m", "carbon_card", *map(str, args)]
    if user:
        command = [*user, *command]
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=timeout or 60)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def run_measured(*args, cwd=ROOT):
    """(result, peak RSS in MB) of one check, measured through a small launcher."""
    result = subprocess.run([sys.executable, "-c", _LAUNCHER, sys.executable, "-m", "carbon_card", *map(str, args)],
                            cwd=cwd, capture_output=True, text=True, timeout=300)
    assert "Traceback" not in result.stderr, result.stderr
    peak = int(result.stderr.rsplit("peak_kb=", 1)[1]) / 1024
    return result, peak


def _unprivileged():
    """A command prefix that runs without the power to read what its mode forbids: nothing for a
    normal user; for root, a user namespace mapping it to an ordinary user (None if unavailable)."""
    if os.geteuid() != 0:
        return []
    prefix = ["unshare", "--user", "--map-user=1000", "--map-group=1000"]
    try:
        probe = subprocess.run([*prefix, "true"], capture_output=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return prefix if probe.returncode == 0 else None


# --- 1. special files ---------------------------------------------------------------------


def test_a_fifo_given_or_met_in_a_folder_is_refused_not_waited_on(tmp_path):
    (tmp_path / "fifo").mkdir()
    os.mkfifo(tmp_path / "fifo" / "README.md")
    (tmp_path / "good").mkdir()
    (tmp_path / "good" / "README.md").write_text(GOOD)
    for target in (tmp_path / "fifo" / "README.md", tmp_path):
        result = run("check", "--format", "json", target, timeout=30)
        records = json.loads(result.stdout)
        errors = [r for r in records if r["error"]]
        assert [r["path"] for r in errors] == [str(tmp_path / "fifo" / "README.md")]
        assert "FIFO, not a regular file" in errors[0]["error"]["message"]
        assert result.returncode == 2
    # The folder's good card was checked beside the refused FIFO.
    assert any(r["path"].endswith("good/README.md") and not r["error"] for r in records)


def test_a_fifo_as_a_clone_s_git_config_is_not_waited_on(tmp_path):
    # The Hub remote that names the model is read from .git/config only when it is a regular file.
    (tmp_path / "model" / ".git").mkdir(parents=True)
    os.mkfifo(tmp_path / "model" / ".git" / "config")
    (tmp_path / "model" / "README.md").write_text(GOOD)
    result = run("check", "--format", "json", tmp_path / "model", timeout=30)
    assert result.returncode == 0 and not json.loads(result.stdout)[0]["error"]


def test_read_card_refuses_a_fifo_without_blocking(tmp_path):
    os.mkfifo(tmp_path / "README.md")
    with pytest.raises(CardReadError, match="FIFO"):
        read_card(tmp_path / "README.md")


# --- 2 and 3. what cannot be read is a record, not silence or a usage error ----------------


@pytest.fixture
def unprivileged():
    prefix = _unprivileged()
    if prefix is None:
        pytest.skip("no way to drop root's power to read anything here (unshare unavailable)")
    return prefix


def _world_readable_copy(tmp_path):
    """A folder outside pytest's private tmp root, which an ordinary user can enter."""
    folder = tmp_path / "tree"
    folder.mkdir()
    for path in (tmp_path, folder):
        os.chmod(path, 0o755)
    return folder


def test_a_folder_that_cannot_be_listed_is_reported(tmp_path, unprivileged):
    tree = _world_readable_copy(tmp_path)
    (tree / "ok").mkdir()
    (tree / "ok" / "README.md").write_text(GOOD)
    (tree / "locked").mkdir()
    (tree / "locked" / "README.md").write_text("---\nco2_eq_emissions: -5\n---\n")  # an error, if it were read
    os.chmod(tree / "locked", 0)
    try:
        result = run("check", "--fail-on", "error", "--format", "json", tree, user=unprivileged)
    finally:
        os.chmod(tree / "locked", 0o755)
    records = json.loads(result.stdout)
    unlisted = [r for r in records if r["error"]]
    assert [r["path"] for r in unlisted] == [str(tree / "locked")]
    assert "cannot list the folder" in unlisted[0]["error"]["message"]
    assert result.returncode == 2  # not 0: the card in it was never checked


def test_one_unreadable_file_is_an_error_record_and_the_others_are_checked(tmp_path, unprivileged):
    tree = _world_readable_copy(tmp_path)
    (tree / "good.md").write_text(GOOD)
    (tree / "secret.md").write_text(GOOD)
    os.chmod(tree / "secret.md", 0)
    result = run("check", "--format", "json", tree / "good.md", tree / "secret.md", user=unprivileged)
    records = json.loads(result.stdout)
    assert [r["path"] for r in records] == [str(tree / "good.md"), str(tree / "secret.md")]
    assert records[0]["error"] is None and records[0]["disclosure_tier"].startswith("T1")
    assert "cannot read" in records[1]["error"]["message"]
    assert result.returncode == 2
    assert "Usage" not in result.stderr


# --- 4 and 5. side files: huge numbers, and memory bounded whatever their content ----------


@pytest.mark.parametrize("name, content", [
    ("trainer_state.json", '{"total_flos": 1%s}' % ("0" * 400)),
    ("trainer_state.json", '{"log_history": [{"train_runtime": 1%s}]}' % ("0" * 400)),
    ("train_results.json", '{"train_runtime": 1%s, "total_flos": 1e400}' % ("0" * 400)),
    ("model.safetensors.index.json",
     '{"metadata": {"total_parameters": 1%s}, "weight_map": {"w": "absent.safetensors"}}' % ("0" * 400)),
    ("model.safetensors.index.json",
     '{"metadata": {"total_size": 1%s}, "weight_map": {"w": "absent.safetensors"}}' % ("0" * 400)),
    ("emissions.csv", "run_id,emissions,duration\na,1e308,10\nb,1e308,10\n"),
    ("emissions.csv", "run_id,emissions,duration\na,1e306,10\n"),  # x 1000 g/kg overflows
])
def test_numbers_no_float_holds_are_cc406_not_a_crash(tmp_path, name, content):
    (tmp_path / "README.md").write_text(GOOD)
    (tmp_path / name).write_text(content)
    facts, problems = facts_from_folder(tmp_path)
    assert all(isinstance(f.value, str) or float(f.value) < float("inf") for f in facts)
    assert problems and all(p.where == name for p in problems)
    result = run("check", "--format", "json", tmp_path)
    record = json.loads(result.stdout)[0]  # valid JSON: the output is not cut after "["
    assert record["error"] is None
    assert any(f["code"] == "CC406" and f["message"].startswith(name) for f in record["findings"])


def test_a_config_of_nested_objects_is_refused_within_the_memory_bound(tmp_path):
    (tmp_path / "README.md").write_text(GOOD)
    # 63 MB of "{}," took 1.66 GB once parsed.
    with open(tmp_path / "config.json", "w") as file:
        file.write("[" + ",".join(["{}"] * (21 * 1024**2)) + "{}]")
    result, peak_mb = run_measured("check", "--format", "json", tmp_path)
    record = json.loads(result.stdout)[0]
    assert any(f["code"] == "CC406" and "once parsed" in f["message"] for f in record["findings"])
    assert peak_mb < 64 + MAX_JSON_MEMORY / 1024**2, peak_mb


def test_a_real_sized_trainer_state_is_still_read(tmp_path):
    entries = [{"epoch": i / 1000, "grad_norm": 1.5, "learning_rate": 1e-5, "loss": 2.0, "step": i}
               for i in range(50_000)]
    entries.append({"step": 50_000, "train_runtime": 7200.0})
    (tmp_path / "trainer_state.json").write_text(json.dumps({"log_history": entries, "total_flos": 1.5e18}, indent=2))
    facts, problems = facts_from_folder(tmp_path)
    assert not problems
    assert {(f.quantity, f.value) for f in facts} == {("train_flops", 1.5e18), ("wall_hours", 2.0)}


def test_a_codecarbon_file_of_a_million_rows_is_bounded(tmp_path):
    (tmp_path / "README.md").write_text(GOOD)
    with open(tmp_path / "emissions.csv", "w") as file:
        file.write("run_id,emissions,duration,gpu_model\n")
        file.writelines(f"{i},0.0123,100.5,{i % 7 + 1} x A100\n" for i in range(10**6))  # took 59 s and 670 MB
    started = time.process_time()
    facts, problems = facts_from_folder(tmp_path)
    elapsed = time.process_time() - started
    assert not facts and len(problems) == 1 and "runs: not summed" in problems[0].message
    # Bounded work: the reading stops at the cap of runs, long before the end of the file.
    assert problems[0].line is not None and problems[0].line < MAX_CODECARBON_ROWS
    assert elapsed < 10


def test_codecarbon_rows_of_one_run_keep_the_last_total(tmp_path):
    with open(tmp_path / "emissions.csv", "w") as file:
        file.write("run_id,emissions,duration\n")
        file.writelines(f"same,{i / 1000},{i}\n" for i in range(1, 5001))
    facts, problems = facts_from_folder(tmp_path)
    assert not problems
    assert {f.quantity: f.value for f in facts}["emissions"] == pytest.approx(5000.0)  # 5 kg, the last row


# --- 6. --fix and --diff ------------------------------------------------------------------

AUTOTRAIN_STRING_FIGURE = """---
tags:
- autotrain
co2_eq_emissions: '12'
---
# Model Trained Using AutoTrain

- Problem type: Binary Classification
- Model ID: 123
- CO2 Emissions (in grams): 12.0000
"""


def test_a_second_fix_changes_nothing(write_card):
    card = write_card(AUTOTRAIN_STRING_FIGURE)
    run("check", "--fix", card)
    once = card.read_bytes()
    assert b"emissions: 12\n" in once and b"source: AutoTrain" in once  # both in the first run
    result = run("check", "--fix", card)
    assert card.read_bytes() == once
    assert "Fixed" not in result.stdout
    assert run("check", "--diff", card).returncode == 0


def test_a_fix_never_grows_a_card_past_the_size_cap(write_card):
    head = "---\nlicense: mit\nco2_eq_emissions: '12 kg'\n---\n"
    text = head + "x" * (MAX_CARD_BYTES - len(head) - 2) + "\n"
    card = write_card(text)
    result = run("check", "--fix", card)
    assert card.read_text() == text
    assert result.returncode == 2
    assert "larger than 10 MB" in result.stderr


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another user needs root")
def test_a_fixed_file_keeps_its_owner_and_group(write_card):
    card = write_card(AUTOTRAIN_STRING_FIGURE)
    os.chown(card, 4321, 8765)
    os.chmod(card, 0o664)
    run("check", "--fix", card)
    info = os.stat(card)
    assert b"emissions: 12\n" in card.read_bytes()
    assert (info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)) == (4321, 8765, 0o664)


@pytest.mark.parametrize("depth", [101, 990, 5000])
def test_a_block_nested_deep_is_a_finding_not_an_internal_error(write_card, depth):
    card = write_card("---\nco2_eq_emissions:\n  emissions: 5\n  hardware_used: " + "[" * depth + "]" * depth
                      + "\n---\n# x\n")
    for args in (("check",), ("check", "--diff"), ("check", "--fix"), ("check", "--format", "json")):
        result = run(*args, card, process=True)  # a stack overflow must not take pytest down
        assert "internal error" not in result.stdout + result.stderr
    # carbon-card's own cap, or libyaml's ("while increasing flow level") where it is lower: CC001 either way.
    assert ": CC001 " in run("check", card, process=True).stdout


def test_diff_of_a_huge_card_costs_no_more_than_splitting_it(write_card):
    # A 10 MB card of blank lines took 14.6 s and 732 MB in difflib.
    head = "---\nlicense: mit\nco2_eq_emissions: '12 kg'\n---\n"
    text = head + "\n" * (MAX_CARD_BYTES - len(head) - 100)
    from carbon_card.assessment import assess
    from carbon_card.facts import gather
    from carbon_card.patch import propose

    card = parse_card(text, "README.md")
    patch = propose(assess(card, gather(card)))
    started = time.perf_counter()
    diff = patch.diff()
    took = time.perf_counter() - started
    started = time.perf_counter()
    text.splitlines(keepends=True)  # the least a line-by-line diff of the whole text would do
    baseline = time.perf_counter() - started
    assert "+  emissions: 12000" in diff and diff.count("\n") < 20
    assert took < baseline, (took, baseline)


# --- 7. the library API -------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "---\nlicense: \ud800\n---\n",
    "---\nlicense: mit\n---\nbody \udcff\n",
])
def test_parse_card_refuses_a_lone_surrogate_with_card_read_error(text):
    with pytest.raises(CardReadError, match="lone surrogate") as raised:
        parse_card(text, "x.md")
    assert raised.value.line == text[: text.index(next(c for c in text if 0xD800 <= ord(c) <= 0xDFFF))].count("\n") + 1
