"""The README is part of the interface: its rules table and its commands must stay true."""

import re

from conftest import ROOT
from carbon_card.rules.docs import fixes_table, rules_table

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_rules_and_fixes_tables_are_generated_from_the_registry():
    # Regenerate with `python -m carbon_card.rules.docs` (tests/test_rules.py checks every generated file).
    table = re.search(r"<!-- rules:start -->\n(.*?)\n<!-- rules:end -->", README, re.S).group(1)
    assert table == rules_table("markdown")
    fixes = re.search(r"<!-- fixes:start -->\n(.*?)\n<!-- fixes:end -->", README, re.S).group(1)
    assert fixes == fixes_table()


def test_ci_runs_the_readme_test_command():
    commands = re.findall(r"```sh\n(python3 -m venv .*?)\n```", README)
    assert len(commands) == 2, commands
    install_and_run, install_and_test = commands
    assert "carbon-card check examples/" in install_and_run
    test_command = install_and_test.split("&&")[-1].strip()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci
    assert "pip install '.[test]'" in ci
