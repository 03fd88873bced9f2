"""What a pre-commit run pays at start: `--version` before the command line is imported, and a
one-card `check` without jsonschema, the network stack or anything else it does not use.
The figures are measured by benchmarks/startup.py; here, what is imported.

Each probe runs in a fresh interpreter started with `-S` and this interpreter's site-packages
put on its path by hand: `.pth` hooks of the machine (one may import certifi at every start)
must not hide an import of carbon-card's own."""

from __future__ import annotations

import json
import site
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT

from carbon_card.cli import cli

# Never imported by `carbon-card --version`.
NOT_FOR_VERSION = ("click", "yaml", "carbon_card.cli", "carbon_card.card", "carbon_card.assessment")
# Never imported by a one-card `check` (without options or configuration).
NOT_FOR_CHECK = ("jsonschema", "referencing", "requests", "urllib3", "certifi", "huggingface_hub", "pyarrow",
                 "dask", "importlib.resources", "pathlib", "tempfile", "tomllib", "tomli", "carbon_card.config",
                 "carbon_card.audit", "carbon_card.hub", "carbon_card.github", "carbon_card.sarif", "html", "textwrap",
                 "difflib", "carbon_card.facts.listing", "carbon_card.patch")

_PROBE = """
import json, sys
started = set(sys.modules)
sys.path[:0] = json.loads(sys.argv[1])
sys.argv = ["carbon-card", *sys.argv[2:]]
from carbon_card.__main__ import main
try:
    main()
except SystemExit as stop:
    code = stop.code
else:
    code = 0
sys.stdout.flush()
print("\\nIMPORTED " + json.dumps(sorted(set(sys.modules) - started)) + " EXIT " + json.dumps(code))
"""


def _console(*args: str, cwd: Path = ROOT) -> tuple[str, set[str], int]:
    """(output, modules imported, exit code) of the console script's `main` run with `args`."""
    paths = [str(ROOT), *site.getsitepackages()]
    done = subprocess.run([sys.executable, "-S", "-c", _PROBE, json.dumps(paths), *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)
    output, _, tail = done.stdout.rpartition("\nIMPORTED ")
    assert tail, done.stderr
    modules, _, code = tail.partition(" EXIT ")
    return output, set(json.loads(modules)), json.loads(code)


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version_is_answered_before_the_command_line_is_imported(flag):
    output, imported, code = _console(flag)
    assert code == 0
    assert output == CliRunner().invoke(cli, [flag]).output  # what click's version option prints
    assert imported.isdisjoint(NOT_FOR_VERSION), imported & set(NOT_FOR_VERSION)
    assert "carbon_card.__main__" in imported


def test_anything_else_goes_to_the_command_line():
    output, imported, code = _console("--version", "check")  # not the fast path: click answers
    assert code == 0 and output == CliRunner().invoke(cli, ["--version"]).output
    assert "click" in imported
    output, _, code = _console("--help")
    assert code == 0 and "check" in output


def test_one_card_check_imports_only_what_it_uses():
    output, imported, code = _console("check", "examples/good/README.md")
    assert code == 0 and "All checks passed (1 card)" in output
    assert {"click", "yaml", "carbon_card.assessment", "carbon_card.schema"} <= imported  # the probe sees imports
    assert imported.isdisjoint(NOT_FOR_CHECK), imported & set(NOT_FOR_CHECK)


def test_a_card_with_a_field_error_is_still_checked_without_jsonschema(tmp_path):
    card = (ROOT / "examples" / "good" / "README.md").read_text(encoding="utf-8")
    (tmp_path / "README.md").write_text(card.replace("hours_used: 14.5", "hours_used: 14.5 h"), encoding="utf-8")
    output, imported, code = _console("check", "README.md", cwd=tmp_path)
    assert code == 1
    assert "CC109 `hours_used`: '14.5 h' is not of type 'number'" in output
    assert "jsonschema" not in imported


def test_python_m_carbon_card_runs_the_same_main():
    for args, expected in ((["--version"], CliRunner().invoke(cli, ["--version"]).output),
                           (["check", "-q", "examples/good/README.md"], "")):
        done = subprocess.run([sys.executable, "-m", "carbon_card", *args], cwd=ROOT, capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0 and done.stdout == expected, done.stderr


# --- a pyproject.toml is parsed only when it may hold the table -----------------------------


@pytest.mark.parametrize("pyproject, read", [
    ('[project]\nname = "x"\n\n[project.scripts]\ncarbon-card = "x.cli:main"\n', False),
    ('[project]\nname = "x"\ndependencies = ["carbon-card>=0.1"]  # [tool.carbon-card] below\n', False),
    ('# see [tool.carbon-card] in the docs\n[project]\nname = "x"\n', False),
    ('[tool.carbon-card]\nignore = ["CC203"]\n', True),
    ('[tool."carbon-card"]\nignore = ["CC203"]\n', True),
    ('[tool]\ncarbon-card = { ignore = ["CC203"] }\n', True),
    ('tool.carbon-card.ignore = ["CC203"]\n', True),
])
def test_a_pyproject_is_read_only_when_it_may_hold_the_table(tmp_path, pyproject, read):
    card = (ROOT / "examples" / "good" / "README.md").read_text(encoding="utf-8")
    (tmp_path / "README.md").write_text(card.replace("  geographical_location: Iowa, USA\n", ""), encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    output, imported, _ = _console("check", "--fail-on", "never", "README.md", cwd=tmp_path)
    assert ("carbon_card.config" in imported) is read
    assert ("CC203" in output) is not read  # the table, when there is one, is obeyed
