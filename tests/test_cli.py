"""The command line as a user runs it: exit codes, no tracebacks. Most tests run it in this process
(conftest.run_cli); those of the process itself (exit codes, a pipe, a terminal) run it as one."""

import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT, run_cli, run_process
from test_card import billion_laughs

EXAMPLES = ROOT / "examples"


def run(*args, cwd=ROOT, process=False):
    result = (run_process if process else run_cli)(*args, cwd=cwd)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def test_good_example_passes():
    result = run("check", EXAMPLES / "good" / "README.md", process=True)
    assert result.returncode == 0
    assert result.stdout.strip() == "All checks passed (1 card). Disclosure: 1 state emissions (T1)."


def test_bad_example_fails_with_located_findings():
    result = run("check", "examples/bad/README.md", process=True)
    assert result.returncode == 1
    assert "examples/bad/README.md:6:14: CC104 [*] `emissions` is the string '0.5 kg CO2eq'; write the number 500 (grams)" in result.stdout
    summary = result.stdout.split("\nFound ", 1)[1]
    assert summary.startswith("10 findings (2 errors, 8 warnings) in 1 of 1 card.")
    # The summary fits 80 columns and says the tiers in words.
    assert all(len(line) <= 80 for line in summary.splitlines())
    assert "Disclosure: 1 state emissions (T1)." in " ".join(summary.split())


def test_directory_means_every_readme_below_it():
    result = run("check", "--quiet", "examples")
    assert result.returncode == 1
    assert {line.split(":")[0] for line in result.stdout.splitlines()} == {"examples/bad/README.md"}
    assert "Found" not in result.stdout


@pytest.mark.parametrize(
    "fail_on, code",
    [("error", 1), ("warning", 1), ("info", 1), ("never", 0)],
)
def test_fail_on_bad(fail_on, code):
    assert run("check", "--fail-on", fail_on, "examples/bad").returncode == code


def test_fail_on_threshold_counts_severity(write_card):
    warnings_only = write_card("---\nco2_eq_emissions: 120\n---\n")
    assert run("check", "--fail-on", "error", warnings_only).returncode == 0
    assert run("check", "--fail-on", "warning", warnings_only).returncode == 1


def test_json_output():
    result = run("check", "--format", "json", "examples")
    assert result.returncode == 1
    cards = json.loads(result.stdout)
    assert [card["path"] for card in cards] == ["examples/bad/README.md", "examples/good/README.md"]
    bad, good = cards
    assert good["findings"] == [] and good["error"] is None
    first = bad["findings"][0]
    assert set(first) == {"code", "rule", "severity", "message", "line", "column", "fixable", "fix", "fix_safety"}
    assert {(f["code"], f["line"], f["column"], f["fixable"]) for f in bad["findings"]} >= {
        ("CC104", 6, 14, True),
        ("CC109", 9, 20, False),
    }


def test_usage_errors_exit_2():
    assert run("check", process=True).returncode == 2
    assert run("check", "--format", "xml", "examples").returncode == 2
    assert run("frobnicate").returncode == 2


@pytest.mark.parametrize(
    "content, message",
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary file"),
        ("---\nlicense: mit\n---\ncaf\xe9\n".encode("latin-1"), ":4: not valid UTF-8"),
    ],
)
def test_unreadable_input_exit_2_one_line(write_card, content, message):
    path = write_card(content)
    result = run("check", path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(str(path)) and message in lines[0]


def test_missing_paths_and_empty_directories(tmp_path):
    result = run("check", tmp_path / "nope.md", tmp_path)
    assert result.returncode == 2
    assert f"{tmp_path / 'nope.md'}: no such file or directory" in result.stderr
    assert f"{tmp_path}: directory has no README.md" in result.stderr


def test_unreadable_file_does_not_stop_the_others(write_card):
    bad = write_card(b"\x00\x01")
    result = run("check", bad, "examples/bad/README.md")
    assert result.returncode == 2
    assert "CC104" in result.stdout
    assert "1 file could not be read" in result.stdout


def test_huge_card_is_refused(tmp_path):
    huge = tmp_path / "README.md"
    with open(huge, "wb") as handle:
        handle.write(b"---\nlicense: mit\n---\n")
        handle.truncate(50 * 1024 * 1024)
    result = run("check", huge)
    assert result.returncode == 2
    assert "larger than 10 MB" in result.stderr


@pytest.mark.parametrize(
    "text, code",
    [
        (billion_laughs(), "CC001"),
        ("---\nx: !!python/object/apply:os.system ['echo hi']\n---\n", "CC001"),
        ("---\nco2_eq_emissions:\n  emissions: \"12\"\n---\n", "CC104"),
        ("---\nco2_eq_emissions:\n  emissions: .nan\n---\n", "CC106"),
        ("---\nco2_eq_emissions:\n  - 12\n---\n", "CC101"),
        ("---\nx: [\n---\n", "CC001"),
    ],
)
def test_bad_yaml_is_a_finding_not_a_crash(write_card, text, code):
    path = write_card(text)
    result = run("check", "--format", "json", path)
    assert result.returncode == 1
    (card,) = json.loads(result.stdout)
    assert code in {f["code"] for f in card["findings"]}


def test_rules_and_schema_commands():
    rules = run("rules", "--format", "json")
    assert rules.returncode == 0
    assert {"code", "name", "severity", "fix", "summary"} <= set(json.loads(rules.stdout)[0])
    schema = run("schema")
    assert json.loads(schema.stdout)["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_console_script_and_version():
    script = os.path.join(os.path.dirname(sys.executable), "carbon-card")
    result = subprocess.run([script, "--version"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "carbon-card" in result.stdout


def test_check_does_not_import_the_network_stack():
    code = (
        "import sys; from carbon_card.cli import cli\n"
        "try:\n    cli(['check', 'examples'], standalone_mode=False)\nexcept SystemExit: pass\n"
        "print(sorted(m for m in ('requests', 'huggingface_hub', 'urllib3') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_sarif_format_is_valid_and_carries_every_finding(tmp_path):
    import jsonschema

    schema = json.loads((ROOT / "tests" / "data" / "sarif" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    result = run("check", "--format", "sarif", "examples/", str(tmp_path / "missing.md"))
    assert result.returncode == 2  # the missing file
    log = json.loads(result.stdout)
    jsonschema.validate(log, schema)
    (sarif_run,) = log["runs"]
    findings = json.loads(run("check", "--format", "json", "examples/").stdout)
    expected = sorted((f["code"], f["line"], f["column"]) for record in findings for f in record["findings"])
    got = sorted((r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"],
                  r["locations"][0]["physicalLocation"]["region"]["startColumn"]) for r in sarif_run["results"])
    assert got == expected
    notes = sarif_run["invocations"][0]["toolExecutionNotifications"]
    assert any("missing.md" in json.dumps(note) for note in notes)


def test_github_format_prints_one_annotation_per_finding(tmp_path):
    result = run("check", "--format", "github", "examples/", str(tmp_path / "missing.md"))
    lines = result.stdout.splitlines()
    assert result.returncode == 2
    assert "::error file=examples/bad/README.md,line=6,col=14,title=CC104 emissions-string::" in result.stdout
    assert sum(line.startswith(("::error file=examples", "::warning file=examples")) for line in lines) == 10
    assert lines[-1].startswith("::error file=") and lines[-1].endswith("::no such file or directory")


def test_show_fixes_lists_what_fix_wrote_per_file(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "README.md").write_bytes((ROOT / "examples" / "bad" / "README.md").read_bytes())
    result = run("check", "--fix", "--show-fixes", tmp_path)
    assert f"Fixed 1 finding:\n- {tmp_path / 'a' / 'README.md'}:\n    CC104 emissions-string (`emissions`)" \
        in result.stderr
    assert "emissions: 500" in (tmp_path / "a" / "README.md").read_text(encoding="utf-8")
    again = run("check", "--fix", "--show-fixes", tmp_path)
    assert "No fixes applied." in again.stderr


def test_color_always_never_and_auto_on_a_terminal():
    import pty

    assert "\x1b[31m\x1b[1mCC104\x1b[0m" in run("check", "--color", "always", "examples/bad").stdout
    assert "\x1b[" not in run("check", "--color", "never", "examples/bad").stdout
    assert "\x1b[" not in run("check", "examples/bad", process=True).stdout  # auto: a pipe is not a terminal

    def on_a_terminal(env):
        leader, follower = pty.openpty()
        process = subprocess.Popen([sys.executable, "-m", "carbon_card", "check", "examples/bad"], cwd=ROOT,
                                   stdout=follower, stderr=subprocess.DEVNULL, env=env)
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closed with the process
                break
            if not chunk:
                break
            chunks.append(chunk)
        process.wait(timeout=60)
        os.close(leader)
        return b"".join(chunks).decode()

    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    assert "\x1b[31m" in on_a_terminal(env)
    assert "\x1b[" not in on_a_terminal({**env, "NO_COLOR": "1"})
