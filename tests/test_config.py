"""Configuration (`[tool.carbon-card]`, `carbon-card.toml`), selection, exclusion, suppression
and the command-line habits of `check` (--select, --exit-zero, --statistics, stdin), as ruff
users expect them; and the team repository of issue 14 under the real pre-commit."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import ROOT

# The hook repository and its installed environment (fixtures), as tests/test_precommit.py builds them.
from test_precommit import (  # noqa: F401
    FIX_HOOK_ID,
    HOOK_ID,
    OFFLINE,
    _commit_all,
    _git,
    _output,
    _run,
    hook_repo,
    installed,
    precommit_home,
)

from carbon_card import cli as cli_module
from carbon_card.cli import cli
from carbon_card.config import (
    CONFIG_FILES,
    ConfigError,
    Configuration,
    Settings,
    load,
    matches,
    select_rules,
)
from carbon_card.rules import RULES

GOOD = (ROOT / "examples" / "good" / "README.md").read_text(encoding="utf-8")
BAD = (ROOT / "examples" / "bad" / "README.md").read_text(encoding="utf-8")
assert "  geographical_location: Iowa, USA\n" in GOOD and "- **Compute Region:** Iowa, USA" in GOOD
# A card without the location: CC203 (line 10, the block's key), which `--fix` would fill from
# the template's Compute Region field.
NO_LOCATION = GOOD.replace("  geographical_location: Iowa, USA\n", "")
NO_LOCATION_OR_HARDWARE = NO_LOCATION.replace("  hardware_used: 1 x NVIDIA A100-SXM4-40GB\n", "")
# A card whose model-index names the large model of a family table: without being told which
# model it describes, the block's figure is "another model's" (CC403).
MODEL_C = GOOD.replace("- **Carbon Emitted:** 1.81 kg CO2eq\n", "").replace(
    "co2_eq_emissions:", "model-index:\n  - name: model-c-large\n    results: []\nco2_eq_emissions:"
) + ("\n## Emissions of the family\n\n| Model | Carbon emitted (kg CO2eq) |\n|---|---|\n"
     "| team/model-c | 1.81 |\n| team/model-c-large | 48.5 |\n")
PROJECT_README = "# Team models\n\nThe models of the team, one folder each, and how we train them.\n"
DOCS_README = "# Documentation\n\nSee the model folders.\n"

TEAM_CONFIG = """\
[project]
name = "team-models"
version = "0.1.0"

[tool.carbon-card]
# The project README and the docs are not model cards.
exclude = ["docs/", "./README.md"]

[tool.carbon-card.per-file-ignores]
# We never disclose where model b was trained.
"models/b/**" = ["CC203"]

[tool.carbon-card.model-id]
"models/a/**" = "team/model-a"
"models/b/**" = "team/model-b"
"models/c/**" = "team/model-c"
"""

TEAM_FILES = {
    "models/a/README.md": GOOD,
    "models/b/README.md": NO_LOCATION,
    "models/c/README.md": MODEL_C,
    "README.md": PROJECT_README,
    "docs/README.md": DOCS_README,
}


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def team(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The team repository of issue 14, as the working folder."""
    monkeypatch.chdir(tmp_path)
    return write(tmp_path, {**TEAM_FILES, "pyproject.toml": TEAM_CONFIG})


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def check(*args, input: bytes | str | None = None):
    result = CliRunner().invoke(cli, ["check", *map(str, args)], input=input)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def codes(result) -> list[tuple[str, str]]:
    """(path, code) of each finding printed."""
    return re.findall(r"^(.+?):\d+:\d+: (CC\d{3})", result.stdout, re.MULTILINE)


# --- the team repository, in process ------------------------------------------------------


def test_team_repository_passes_with_its_configuration(team: Path):
    result = check(".")
    assert result.exit_code == 0, result.output
    assert result.stdout == "All checks passed (3 cards). Disclosure: 3 state emissions (T1).\n"


def test_without_the_configuration_the_hidden_findings_come_back(team: Path):
    result = check("--isolated", ".")
    assert result.exit_code == 1
    assert sorted(codes(result)) == [
        ("./README.md", "CC004"), ("./README.md", "CC302"), ("./docs/README.md", "CC004"),
        ("./docs/README.md", "CC302"), ("./models/b/README.md", "CC203"), ("./models/c/README.md", "CC403"),
        # model-c-large's own row (48.5 kg) is its figure, ten times what the card's A100 for 14.5 h implies.
        ("./models/c/README.md", "CC501"),
    ]


def test_fix_does_not_readd_an_ignored_field(team: Path):
    result = check("--fix", ".")
    assert result.exit_code == 0, result.output
    assert (team / "models/b/README.md").read_text(encoding="utf-8") == NO_LOCATION
    # The same fix without the configuration puts the location back.
    check("--isolated", "--fix", "models/b")
    assert "geographical_location: Iowa, USA" in (team / "models/b/README.md").read_text(encoding="utf-8")


# --- discovery ----------------------------------------------------------------------------


def test_the_nearest_configuration_wins_and_is_not_merged(here: Path):
    write(here, {
        "pyproject.toml": '[tool.carbon-card]\nignore = ["CC203"]\n',
        "models/a/README.md": NO_LOCATION,
        "models/b/README.md": NO_LOCATION,
        # Nearer to b: its own settings only (ruff does not merge either).
        "models/b/carbon-card.toml": 'fail-on = "never"\n',
    })
    result = check(".")
    assert codes(result) == [("./models/b/README.md", "CC203")]
    assert result.exit_code == 0  # b's fail-on is never; a has nothing


def test_a_configuration_in_one_of_many_folders_with_none_above_is_found(here: Path):
    # No configuration above the cards: the walk answers a card's folder from its parent's answer, unless the
    # folder's own listing holds a configuration file (the last of the siblings here, and a nested one).
    write(here, {
        **{f"models/{name}/README.md": NO_LOCATION for name in "abcd"},
        "models/c/.carbon-card.toml": 'ignore = ["CC203"]\n',
        "models/d/e/README.md": NO_LOCATION,
        "models/d/e/carbon-card.toml": 'ignore = ["CC203"]\n',
    })
    found = {path for path, code in codes(check(".")) if code == "CC203"}
    assert found == {"./models/a/README.md", "./models/b/README.md", "./models/d/README.md"}


def test_in_one_folder_the_dotfile_then_carbon_card_toml_then_pyproject(here: Path):
    assert CONFIG_FILES == (".carbon-card.toml", "carbon-card.toml", "pyproject.toml")
    write(here, {
        "README.md": NO_LOCATION_OR_HARDWARE,
        ".carbon-card.toml": 'ignore = ["CC203"]\n',
        "carbon-card.toml": 'ignore = ["CC204"]\n',
        "pyproject.toml": '[tool.carbon-card]\nignore = ["CC2"]\n',
    })
    assert [code for _, code in codes(check("README.md"))] == ["CC204"]
    (here / ".carbon-card.toml").unlink()
    assert [code for _, code in codes(check("README.md"))] == ["CC203"]
    (here / "carbon-card.toml").unlink()
    assert codes(check("README.md")) == []


@pytest.mark.parametrize("pyproject", [
    '[project]\nname = "x"\n',
    '[project]\nname = "x"\ndependencies = ["carbon-card>=0.1"]\n\n[project.scripts]\ncarbon-card = "x:main"\n',
])
def test_a_pyproject_without_the_table_does_not_count(here: Path, pyproject: str):
    write(here, {
        "carbon-card.toml": 'ignore = ["CC203"]\n',
        "models/a/pyproject.toml": pyproject,
        "models/a/README.md": NO_LOCATION,
    })
    result = check("models/a")
    assert result.exit_code == 0, result.output


def test_config_option_names_one_file_for_every_card(here: Path):
    write(here, {
        "models/a/carbon-card.toml": 'ignore = ["CC203"]\n',
        "models/a/README.md": NO_LOCATION_OR_HARDWARE,
        # Its globs are relative to the working folder, as in ruff.
        "ci/carbon-card.toml": '[per-file-ignores]\n"models/a/**" = ["CC204"]\n',
    })
    assert [code for _, code in codes(check("models/a"))] == ["CC204"]
    assert [code for _, code in codes(check("--config", "ci/carbon-card.toml", "models/a"))] == ["CC203"]
    assert [code for _, code in codes(check("--isolated", "models/a"))] == ["CC203", "CC204"]
    result = check("--config", "ci/carbon-card.toml", "--isolated", "models/a")
    assert result.exit_code == 2 and "cannot be used together" in result.stderr


def test_configuration_object_caches_and_resolves(tmp_path: Path):
    write(tmp_path, {"pyproject.toml": TEAM_CONFIG, "models/a/README.md": GOOD})
    configuration = Configuration(Settings(root=str(tmp_path)))
    settings = configuration.settings(str(tmp_path / "models/a/README.md"))
    assert settings.path.endswith("pyproject.toml") and settings.root == str(tmp_path)
    assert configuration.settings(str(tmp_path / "models/b/README.md")) is settings
    card = configuration.for_card(str(tmp_path / "models/b/README.md"))
    assert "CC203" not in card.enabled and "CC204" in card.enabled and card.model_id == "team/model-b"
    assert configuration.for_card(str(tmp_path / "models/a/README.md")).enabled is None  # every rule
    assert configuration.excluded(str(tmp_path / "docs"))
    assert configuration.excluded(str(tmp_path / "README.md"))
    assert not configuration.excluded(str(tmp_path / "models/a/README.md"))
    assert not configuration.excluded(str(tmp_path / "README.md"), explicit=True)  # named: checked


# --- keys ---------------------------------------------------------------------------------


BAD_CODES = ["CC202", "CC204", "CC104", "CC108", "CC109", "CC301", "CC301", "CC301", "CC301", "CC301"]


@pytest.mark.parametrize(("table", "options", "expected"), [
    ("", (), BAD_CODES),
    ('select = ["CC1"]', (), ["CC104", "CC108", "CC109"]),
    ('select = ["CC1"]\nignore = ["CC104"]', (), ["CC108", "CC109"]),
    ('select = ["CC1"]\nextend-select = ["CC204"]', (), ["CC204", "CC104", "CC108", "CC109"]),
    ('ignore = ["CC3", "CC20"]', (), ["CC104", "CC108", "CC109"]),
    # The more specific selector wins within one level: CC204 stays though CC2 is ignored.
    ('select = ["CC204"]\nignore = ["CC2"]', (), ["CC204"]),
    ('select = ["ALL"]\nignore = ["CC1", "CC3"]', (), ["CC202", "CC204"]),
    # The command line is a level of its own over the file (ruff's example).
    ('select = ["CC1"]\nignore = ["CC104"]', ("--select", "CC104"), ["CC104"]),
    ('select = ["CC1"]\nignore = ["CC104"]', ("--extend-select", "CC204"), ["CC204", "CC108", "CC109"]),
    ('select = ["CC1"]', ("--ignore", "CC108,CC109"), ["CC104"]),
    ("", ("--select", "CC2", "--select", "CC109"), ["CC202", "CC204", "CC109"]),
])
def test_select_ignore_extend_select_and_prefixes(here: Path, table: str, options: tuple, expected: list[str]):
    write(here, {"README.md": BAD, "carbon-card.toml": table + "\n"})
    assert [code for _, code in codes(check(*options, "README.md"))] == expected


def test_select_rules_resolves_levels_as_ruff():
    assert select_rules([(None, (), ())]) == frozenset(RULES)
    assert select_rules([(("CC1",), ("CC104",), ()), (("CC104",), (), ())]) == {"CC104"}
    assert select_rules([(("CC2",), ("CC203",), ()), (None, (), ("CC203",))]) == {"CC201", "CC202", "CC203", "CC204"}
    assert select_rules([(None, ("ALL",), ("CC501",))]) == {"CC501"}


def test_per_file_ignores_by_path_and_by_name(here: Path):
    write(here, {
        "carbon-card.toml": '[per-file-ignores]\n"models/b/**" = ["CC203"]\n"README.md" = ["CC204"]\n',
        "models/a/README.md": NO_LOCATION_OR_HARDWARE,
        "models/b/README.md": NO_LOCATION_OR_HARDWARE,
    })
    assert codes(check(".")) == [("./models/a/README.md", "CC203")]


def test_exclude_extend_exclude_and_force_exclude(team: Path):
    # A path named on the command line is checked even when excluded, as in ruff ...
    result = check("docs/README.md")
    assert result.exit_code == 1 and [code for _, code in codes(result)] == ["CC004", "CC302"]
    # ... unless --force-exclude (the pre-commit hooks pass it) or `force-exclude = true`.
    result = check("--force-exclude", "docs/README.md", "README.md", "models/a/README.md")
    assert result.exit_code == 0 and result.stdout == "All checks passed (1 card). Disclosure: 1 state emissions (T1).\n"
    config = team / "pyproject.toml"
    config.write_text(TEAM_CONFIG.replace("exclude = [", "force-exclude = true\nextend-exclude = ['models/c']\n"
                                          "exclude = ["), encoding="utf-8")
    assert check("docs/README.md").stdout.startswith("All checks passed (0 cards)")
    # --exclude replaces the file's `exclude`; `extend-exclude` still applies.
    result = check("--exclude", "models/a", ".")
    assert sorted({path for path, _ in codes(result)}) == ["./README.md", "./docs/README.md"]
    assert "models/c" not in result.stdout


def test_a_folder_whose_cards_are_all_excluded_is_not_an_error(team: Path):
    result = check("docs")
    assert result.exit_code == 0 and result.stdout.startswith("All checks passed (0 cards)")
    result = check("--extend-exclude", "README.md", ".")  # a name glob: every README.md
    assert result.exit_code == 0 and result.stdout.startswith("All checks passed (0 cards)")


# --- cards named otherwise: `include`, `extend-include` ------------------------------------

CARD_NAMES = {
    "models/a/README.md": GOOD,
    "models/b/MODEL_CARD.md": NO_LOCATION,
    "models/c/model_card.md": NO_LOCATION,
    "models/d/tiny.modelcard.md": NO_LOCATION,
    "models/d/notes.md": DOCS_README,  # not a card: never checked from a directory
}


def test_a_directory_takes_only_readme_files_by_default(here: Path):
    write(here, CARD_NAMES)
    result = check(".")
    assert result.exit_code == 0 and result.stdout.startswith("All checks passed (1 card)"), result.output
    result = check("models/b")
    assert result.exit_code == 2 and "models/b: directory has no README.md (searched recursively)" in result.stderr


def test_include_names_the_cards_a_directory_holds(here: Path):
    write(here, {**CARD_NAMES, "pyproject.toml": '[tool.carbon-card]\ninclude = ["README.md", "MODEL_CARD.md", '
                                                  '"model_card.md", "*.modelcard.md"]\n'})
    result = check(".")
    assert sorted(path for path, code in codes(result) if code == "CC203") == [
        "./models/b/MODEL_CARD.md", "./models/c/model_card.md", "./models/d/tiny.modelcard.md"]
    assert "Found 3 findings (3 warnings) in 3 of 4 cards" in result.stdout
    # `include` replaces the default: without README.md in it, model a's card is not a card.
    (here / "pyproject.toml").write_text('[tool.carbon-card]\ninclude = ["MODEL_CARD.md"]\n', encoding="utf-8")
    assert [path for path, _ in codes(check("."))] == ["./models/b/MODEL_CARD.md"]
    result = check("models/a")
    assert result.exit_code == 2 and "models/a: directory has no MODEL_CARD.md (searched recursively)" in result.stderr
    # A file named on the command line is checked whatever its name (pre-commit names each file).
    assert codes(check("models/d/tiny.modelcard.md")) == [("models/d/tiny.modelcard.md", "CC203")]


def test_extend_include_from_the_file_and_the_command_line(here: Path):
    write(here, {**CARD_NAMES, "models/carbon-card.toml": 'extend-include = ["b/*.md"]\n'})
    # An anchored glob is relative to its file's folder; README.md stays included.
    assert sorted(path for path, _ in codes(check("."))) == ["./models/b/MODEL_CARD.md"]
    result = check("--extend-include", "model_card.md,*.modelcard.md", ".")
    assert sorted(path for path, _ in codes(result)) == [
        "./models/b/MODEL_CARD.md", "./models/c/model_card.md", "./models/d/tiny.modelcard.md"]
    result = check("--isolated", "--extend-include", "*.modelcard.md", "models/c", "models/d")
    assert result.exit_code == 2
    assert "models/c: directory has no README.md or *.modelcard.md (searched recursively)" in result.stderr
    assert codes(result) == [("models/d/tiny.modelcard.md", "CC203")]


def test_exclude_applies_to_included_cards(here: Path):
    write(here, {**CARD_NAMES, "carbon-card.toml": 'extend-include = ["*.md"]\nextend-exclude = ["notes.md"]\n'})
    result = check(".")
    assert "notes.md" not in result.stdout and "Found 3 findings (3 warnings) in 3 of 4 cards" in result.stdout


def test_include_through_the_console_script(here: Path):
    write(here, {**CARD_NAMES, "pyproject.toml": '[tool.carbon-card]\nextend-include = ["MODEL_CARD.md"]\n'})
    done = subprocess.run([sys.executable, "-m", "carbon_card", "check", "models"], cwd=here, capture_output=True,
                          text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 1, done.stderr
    assert done.stdout.startswith("models/b/MODEL_CARD.md:"), done.stdout
    assert "in 1 of 2 cards" in done.stdout


def test_fail_on_from_the_file_and_the_command_line_wins(here: Path):
    write(here, {"README.md": NO_LOCATION, "carbon-card.toml": 'fail-on = "error"\n'})
    result = check("README.md")
    assert result.exit_code == 0 and "CC203" in result.stdout
    assert check("--fail-on", "warning", "README.md").exit_code == 1


def test_unsafe_fixes_from_the_file_and_the_command_line_wins(here: Path):
    write(here, {"README.md": BAD, "carbon-card.toml": "unsafe-fixes = true\n"})
    assert "+  geographical_location: Iowa, USA" in check("--diff", "README.md").stdout
    assert "geographical_location" not in check("--diff", "--no-unsafe-fixes", "README.md").stdout
    assert "CC108 [*]" in check("README.md").stdout


def test_model_id_per_glob_and_the_command_line_wins(team: Path):
    assert check("models/c").exit_code == 0
    # Its own row (48.5 kg) is its figure: ten times what its A100 for 14.5 h implies (CC501).
    assert [code for _, code in codes(check("--model-id", "team/model-c-large", "models/c"))] == ["CC403", "CC501"]
    facts = check("--show-facts", "models/a").stdout
    assert "model: team/model-a (given)" in facts


def test_fill_template_from_the_file_and_the_command_line_wins(here: Path):
    write(here, {"README.md": BAD, "carbon-card.toml": "fill-template = true\n"})
    assert "+- **Carbon Emitted:** 500 g CO2eq" in check("--diff", "README.md").stdout
    assert "Carbon Emitted" not in check("--diff", "--no-fill-template", "README.md").stdout


# --- a broken configuration: one line, file and line, exit 2, nothing checked ---------------


def _only_error(result) -> str:
    assert result.exit_code == 2, result.output
    assert result.stdout == "", result.stdout  # nothing checked
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.parametrize(("table", "message"), [
    ('selct = ["CC1"]', "pyproject.toml:5: unknown key `selct`; did you mean `select`?"),
    ("colour = true", "pyproject.toml:5: unknown key `colour` (known keys: select, ignore, "),
    ('select = [\n  "CC1",\n  "CC999",\n]', "pyproject.toml:7: unknown rule code `CC999` in `select`"),
    ('ignore = ["E501"]', "pyproject.toml:5: unknown rule code `E501` in `ignore`"),
    ('extend-select = ["cc203"]', "pyproject.toml:5: unknown rule code `cc203` in `extend-select`"),
    ('[tool.carbon-card.per-file-ignores]\n"models/**" = ["CC203", "CC2O4"]',
     "pyproject.toml:6: unknown rule code `CC2O4` in `per-file-ignores`"),
    ('fail-on = "errors"', "pyproject.toml:5: `fail-on` must be one of error, warning, info, never, not 'errors'"),
    ('unsafe-fixes = "yes"', "pyproject.toml:5: `unsafe-fixes` must be true or false"),
    ('exclude = "docs"', "pyproject.toml:5: `exclude` must be a list of strings"),
    ('model-id = "team/a"', "pyproject.toml:5: `model-id` must be a table of globs"),
    ('include = "MODEL_CARD.md"', "pyproject.toml:5: `include` must be a list of strings"),
    ('include = [\n  "README.md",\n  "[z-a].md",\n]', "pyproject.toml:7: `include`: `[z-a].md` is not a glob (bad "),
    ('extend-include = ["cards/"]', "pyproject.toml:5: `extend-include`: `cards/` is a folder: `include` globs name"),
    ('extend-include = [""]', "pyproject.toml:5: `extend-include`: `` is an empty glob"),
    ('extend-exclude = ["[z-a]"]', "pyproject.toml:5: `extend-exclude`: `[z-a]` is not a glob"),
    ('[tool.carbon-card.per-file-ignores]\n"[9-0]/**" = ["CC203"]', "pyproject.toml:6: `per-file-ignores`: `[9-0]/**` is"),
    ("[tool.carbon-card.lint]\nselect = []", "pyproject.toml:5: unknown key `lint`"),
    ('select = ["CC1"', "pyproject.toml:6: invalid TOML: Unclosed array"),
    ("select = [\"CC1\"]\nselect = []", "pyproject.toml:6: invalid TOML: Cannot overwrite a value (column"),
])
def test_broken_configuration_is_one_line_with_file_and_line(here: Path, table: str, message: str):
    write(here, {"README.md": GOOD, "pyproject.toml": f'[project]\nname = "x"\n\n[tool.carbon-card]\n{table}\n'})
    assert _only_error(check("README.md")).startswith(message)


def test_a_broken_file_anywhere_stops_the_run_before_any_card(here: Path):
    write(here, {
        "a/README.md": BAD,  # listed first, and findings: none may be printed
        "z/README.md": GOOD,
        "z/carbon-card.toml": "select = [\n",
    })
    assert _only_error(check(".")).startswith("z/carbon-card.toml:2: invalid TOML")


def test_missing_config_file_is_an_error(here: Path):
    write(here, {"README.md": GOOD})
    assert _only_error(check("--config", "nope.toml", "README.md")).startswith("nope.toml: cannot read the configuration")


def test_unknown_code_on_the_command_line_is_a_usage_error(here: Path):
    write(here, {"README.md": GOOD})
    result = check("--ignore", "CC203,CC999", "README.md")
    assert result.exit_code == 2 and "unknown rule code 'CC999'" in result.stderr and result.stdout == ""


def test_a_glob_that_matches_nothing_is_a_warning(team: Path):
    config = team / "pyproject.toml"
    config.write_text(TEAM_CONFIG.replace('"models/b/**" = ["CC203"]', '"models/b/**" = ["CC203"]\n'
                                          '"model/z/**" = ["CC204"]'), encoding="utf-8")
    result = check(".")
    assert result.exit_code == 0, result.output
    assert result.stderr == "pyproject.toml:12: warning: per-file-ignores glob `model/z/**` matches no file\n"


def test_load_reads_a_file_directly(tmp_path: Path):
    path = tmp_path / "carbon-card.toml"
    path.write_text('select = ["CC2"]\n[model-id]\n"*" = "org/m"\n', encoding="utf-8")
    settings = load(str(path))
    assert settings.select == ("CC2",) and settings.model_id == (("*", "org/m"),)
    assert load(str(write(tmp_path, {"pyproject.toml": "[project]\n"}) / "pyproject.toml"), required=False) is None
    with pytest.raises(ConfigError):
        path.write_text("select = 1\n", encoding="utf-8")
        load(str(path))


@pytest.mark.parametrize(("glob", "path", "expected"), [
    ("docs/", "docs/README.md", True),
    ("docs", "sub/docs/README.md", True),  # a name: anywhere
    ("./README.md", "README.md", True),
    ("./README.md", "models/a/README.md", False),
    ("/README.md", "models/a/README.md", False),
    ("README.md", "models/a/README.md", True),
    ("models/*/README.md", "models/a/README.md", True),
    ("models/*", "models/a/b/README.md", True),  # the folder models/a matches: everything under it
    ("models/*.md", "models/a/README.md", False),
    ("models/**/README.md", "models/README.md", True),
    ("models/**/README.md", "models/a/b/README.md", True),
    ("models/[ab]/**", "models/b/README.md", True),
    ("models/[!ab]/**", "models/b/README.md", False),
    ("model?/a", "models/a/README.md", True),
])
def test_globs(tmp_path: Path, glob: str, path: str, expected: bool):
    assert matches(glob, str(tmp_path / path), str(tmp_path)) is expected


# --- suppression through check ------------------------------------------------------------


def test_suppression_comments_through_check(here: Path):
    write(here, {
        "a/README.md": NO_LOCATION + "\n<!-- carbon-card: ignore CC203 -- we never say where -->\n",
        "b/README.md": NO_LOCATION.replace("co2_eq_emissions:", "co2_eq_emissions:  # carbon-card: ignore CC203"),
        "c/README.md": GOOD.replace("co2_eq_emissions:", "co2_eq_emissions:  # carbon-card: ignore CC203"),
    })
    before = {name: (here / name / "README.md").read_bytes() for name in "abc"}
    result = check("--fix", ".")
    assert codes(result) == [("./c/README.md", "CC010")]
    assert "unused suppression (unused: CC203)" in result.stdout
    assert result.exit_code == 1
    assert {name: (here / name / "README.md").read_bytes() for name in "abc"} == before
    assert check("--ignore", "CC010", ".").exit_code == 0


# --- command-line habits ------------------------------------------------------------------


def test_exit_zero(here: Path):
    write(here, {"README.md": BAD})
    result = check("--exit-zero", "README.md")
    assert result.exit_code == 0 and "CC104" in result.stdout
    assert check("--exit-zero", "README.md", "missing.md").exit_code == 2  # an unreadable input still is


def test_statistics(here: Path):
    write(here, {"README.md": BAD, "b/README.md": NO_LOCATION})
    result = check("--statistics", ".")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[:7] == [
        "5\tCC301\t[ ] template-placeholder",
        "1\tCC104\t[*] emissions-string",
        "1\tCC108\t[ ] unknown-key",
        "1\tCC109\t[ ] field-wrong-type",
        "1\tCC202\t[ ] training-type-missing",
        "1\tCC203\t[*] location-missing",
        "1\tCC204\t[ ] hardware-missing",
    ]
    assert result.stdout.splitlines()[7].startswith("Found 11 findings")
    assert "1\tCC108\t[*] unknown-key" in check("--statistics", "--unsafe-fixes", ".").stdout
    stats = json.loads(check("--statistics", "--output-format", "json", ".").stdout)
    assert stats[0] == {"code": "CC301", "name": "template-placeholder", "count": 5, "fixable": False,
                        "fixable_count": 0}
    assert [row["code"] for row in stats] == ["CC301", "CC104", "CC108", "CC109", "CC202", "CC203", "CC204"]
    clean = check("--statistics", "--isolated", "b/README.md", "--ignore", "CC203")
    assert clean.stdout == "All checks passed (1 card). Disclosure: 1 state emissions (T1).\n" and clean.exit_code == 0


def test_output_format_and_its_alias_format(here: Path):
    write(here, {"README.md": BAD})
    assert check("--output-format", "json", "README.md").stdout == check("--format", "json", "README.md").stdout
    assert json.loads(check("--output-format", "json", "README.md").stdout)[0]["path"] == "README.md"


def test_stdin_is_reported_under_its_name_with_its_configuration(team: Path):
    result = check("--stdin-filename", "models/b/README.md", "-", input=NO_LOCATION)
    assert result.exit_code == 0, result.output  # models/b ignores CC203
    result = check("--stdin-filename", "models/a/README.md", "-", input=NO_LOCATION)
    assert result.exit_code == 1 and codes(result) == [("models/a/README.md", "CC203")]
    result = check("-", input=BAD)
    assert "-:6:14: CC104" in result.stdout


def test_stdin_fix_writes_the_card_to_stdout_and_the_report_to_stderr(team: Path):
    result = check("--fix", "--isolated", "--stdin-filename", "models/b/README.md", "-", input=NO_LOCATION)
    assert result.stdout == NO_LOCATION.replace("  hours_used: 14.5\n",
                                                "  hours_used: 14.5\n  geographical_location: Iowa, USA\n")
    assert "Fixed 1 finding." in result.stderr
    assert (team / "models/b/README.md").read_text(encoding="utf-8") == NO_LOCATION  # no file written
    # With the configuration, nothing to fix: the card comes back as it came.
    result = check("--fix", "--stdin-filename", "models/b/README.md", "-", input=NO_LOCATION)
    assert result.stdout == NO_LOCATION and result.exit_code == 0
    # An excluded name (with --force-exclude, as for any path) is echoed unchanged.
    result = check("--fix", "--force-exclude", "--stdin-filename", "docs/README.md", "-", input=DOCS_README)
    assert result.stdout == DOCS_README and result.exit_code == 0


def test_stdin_usage_errors(here: Path):
    write(here, {"README.md": GOOD})
    assert check("-", "README.md", input=GOOD).exit_code == 2
    assert check("--stdin-filename", "x/README.md", "README.md").exit_code == 2


def test_check_imports_the_configuration_only_when_a_file_or_option_needs_it(tmp_path: Path):
    write(tmp_path, {"solo/README.md": GOOD, "team/README.md": GOOD, "team/carbon-card.toml": 'ignore = ["CC2"]\n'})
    code = (
        "import sys; from carbon_card.cli import cli\n"
        "try:\n    cli(sys.argv[1:], standalone_mode=False)\nexcept SystemExit: pass\n"
        "print([m for m in ('carbon_card.config', 'tomllib', 'tomli') if m in sys.modules])"
    )

    def imported(*args: str) -> str:
        result = subprocess.run([sys.executable, "-c", code, "check", *args], cwd=tmp_path, capture_output=True,
                                text=True, timeout=60, check=False)
        return result.stdout.strip().splitlines()[-1]

    # The pre-commit hook's command line, in a repository without configuration.
    assert imported("--force-exclude", "--fail-on", "error", "solo/README.md") == "[]"
    assert imported("team/README.md") == "['carbon_card.config', 'tomllib']"
    assert imported("--ignore", "CC2", "solo/README.md") == "['carbon_card.config']"
    assert cli_module._CONFIG_FILES == CONFIG_FILES


# --- issue 14, done when: the team repository under the real pre-commit ---------------------


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed: pre-commit needs it")
def test_team_repository_under_pre_commit(installed: tuple[Path, str], precommit_home: Path,  # noqa: F811
                                          tmp_path: Path):
    snapshot, sha = installed
    repo = write(tmp_path / "team", {**TEAM_FILES, "pyproject.toml": TEAM_CONFIG})
    hooks = [{"id": HOOK_ID}, {"id": FIX_HOOK_ID}]
    config = {"repos": [{"repo": str(snapshot), "rev": sha, "hooks": hooks}]}
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    _commit_all(repo)

    # With the configuration: both hooks pass, and the fixer leaves model b without its location.
    result = _run(repo, precommit_home, **OFFLINE)
    output = _output(result)
    assert result.returncode == 0, output
    assert re.search(r"^carbon-card\.+Passed$", output, re.MULTILINE), output
    assert re.search(r"^carbon-card \(fix\)\.+Passed$", output, re.MULTILINE), output
    assert (repo / "models/b/README.md").read_text(encoding="utf-8") == NO_LOCATION
    assert _git("status", "--porcelain", cwd=repo) == ""

    # Without it, the same run fails with the findings it hid, and the fixer puts the location back.
    (repo / "pyproject.toml").write_text(TEAM_CONFIG.split("[tool.carbon-card]")[0], encoding="utf-8")
    _git("commit", "-qam", "no carbon-card configuration", "--no-verify", cwd=repo)
    result = _run(repo, precommit_home, **OFFLINE)
    output = _output(result)
    assert result.returncode == 1, output
    assert re.search(r"^carbon-card\.+Failed$", output, re.MULTILINE), output
    for finding in ("models/b/README.md:10:1: CC203", "models/c/README.md:14:14: CC403",
                    "docs/README.md:1:1: CC004", "docs/README.md:1:1: CC302", "README.md:1:1: CC302"):
        assert finding in output, output
    assert re.search(r"^README\.md:1:1: CC004", output, re.MULTILINE), output
    assert "files were modified by this hook" in output, output
    assert "geographical_location: Iowa, USA" in (repo / "models/b/README.md").read_text(encoding="utf-8")
