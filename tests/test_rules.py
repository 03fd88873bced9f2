"""The rules registry: each rule's explanation, its examples run through the real `check`, and
the docs generated from it (README, docs/rules.md, the hooks' manifest)."""

import json
import re
import subprocess
import sys

import pytest
import yaml
from click.testing import CliRunner

from conftest import ROOT, run_cli
from carbon_card.cli import cli
from carbon_card.rules import CHECKS, FIXES, RULES, FixSafety, frontmatter, block, recommended, disclosure, \
    conflicts, plausibility, rule
from carbon_card.rules.docs import DOCS_PATH, anchor, explanation, generated

FAMILIES = {"CC0": frontmatter, "CC1": block, "CC2": recommended, "CC3": disclosure, "CC4": conflicts,
            "CC5": plausibility}


def run(*args):
    return run_cli(*args)


def test_every_rule_lives_in_the_module_of_its_family():
    assert len({r.name for r in RULES.values()}) == len(RULES)
    for code, found in RULES.items():
        assert re.fullmatch(r"CC[0-5][0-9]{2}", code) and found.code == code
        assert found in FAMILIES[code[:3]].RULES
        assert found.why and found.bad != found.good
        assert found.check is None and code == "CC010" or found.check in CHECKS
        assert (found in FIXES) == (found.fix_safety is not FixSafety.NONE)


@pytest.fixture(scope="module")
def examples(tmp_path_factory):
    """Every rule's bad and good example, checked by one run of the real `check`: code -> kind ->
    the codes reported."""
    root = tmp_path_factory.mktemp("examples")
    for code, found in RULES.items():
        for kind in ("bad", "good"):
            example = getattr(found, kind)
            folder = root / f"{code}-{kind}" / "model"  # a folder name that names no model
            folder.mkdir(parents=True)
            (folder / "README.md").write_text(example.card, encoding="utf-8")
            for name, text in example.files:
                (folder / name).write_text(text, encoding="utf-8")
    result = run("check", "--isolated", "--format", "json", "--fail-on", "never", root)
    assert result.returncode == 0, result.stderr
    reported: dict[str, dict[str, list[str]]] = {}
    for record in json.loads(result.stdout):
        code, kind = record["path"].split("/")[-3].split("-")
        assert record["error"] is None
        reported.setdefault(code, {})[kind] = [finding["code"] for finding in record["findings"]]
    return reported


@pytest.mark.parametrize("code", list(RULES))
def test_the_bad_example_is_reported_and_the_good_one_is_clean(examples, code):
    assert code in examples[code]["bad"]
    assert examples[code]["good"] == []


def test_rule_prints_each_explanation_as_the_docs_have_it():
    docs = (ROOT / DOCS_PATH).read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    runner = CliRunner()
    for code, found in RULES.items():
        printed = runner.invoke(cli, ["rule", code])
        assert printed.exit_code == 0 and printed.output == explanation(found) + "\n"
        assert runner.invoke(cli, ["rules", code.lower()]).output == printed.output
        assert f"\n{printed.output}" in docs  # its section of docs/rules.md, whole
        assert f"| [{code}]({DOCS_PATH}#{anchor(found)}) | `{found.name}` |" in readme
        for line in (f"# {found.name} ({code})", found.bad.card.split("\n")[1], "Use instead:", "## Why is this bad?"):
            assert line in printed.output
        data = json.loads(runner.invoke(cli, ["rule", found.name, "--format", "json"]).output)
        assert data["code"] == code and data["bad"]["card"] == found.bad.card and data["why"] == found.why


def test_rule_from_the_command_line():
    explained = run("rule", "CC402")
    assert explained.returncode == 0
    assert explained.stdout.startswith("# emissions-unit-mismatch (CC402)\n")
    assert "- Severity: error\n- Fix: unsafe" in explained.stdout
    assert run("rules", "CC402").stdout == explained.stdout
    unknown = run("rule", "CC999")
    assert unknown.returncode == 2 and unknown.stdout == ""
    assert unknown.stderr == "carbon-card: unknown rule 'CC999' (see `carbon-card rules`)\n"


def test_generated_docs_are_up_to_date():
    # Regenerate with `python -m carbon_card.rules.docs`.
    for path, text in generated(ROOT).items():
        assert path.read_text(encoding="utf-8") == text, f"{path.relative_to(ROOT)} is stale"


def test_hooks_name_the_fixes_the_fix_hook_applies():
    hooks = {hook["id"]: hook for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    assert set(hooks) == {"carbon-card", "carbon-card-fix"}
    assert hooks["carbon-card-fix"]["description"].endswith("(CC104, CC201-CC204, CC303).")
    assert hooks["carbon-card-fix"]["entry"] == "carbon-card check --fix --force-exclude"
    assert f"{len(RULES)} rules, CC001 to CC501" in hooks["carbon-card"]["description"]
    assert [r.code for r in RULES.values() if r.fix_safety is FixSafety.SAFE] == \
        ["CC104", "CC201", "CC202", "CC203", "CC204", "CC303"]


def test_rule_looks_up_codes_and_names():
    assert rule("CC104") is rule("emissions-string") is rule("cc104") is RULES["CC104"]
    with pytest.raises(KeyError):
        rule("CC999")


def test_fixes_are_planned_stage_by_stage():
    stages = [found.fix.stage for found in FIXES]
    assert stages == sorted(stages)
    assert [found.code for found in FIXES][:2] == ["CC005", "CC108"]


def test_the_assessment_does_not_import_the_patch():
    code = "import sys, carbon_card.assessment; print('carbon_card.patch' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "False", result.stderr
