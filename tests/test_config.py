"""Configuration (`[tool.carbon-card]`, `carbon-card.toml`): reading, rule selection, globs."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT

from carbon_card.config import (
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


def test_select_rules_resolves_levels_as_ruff():
    assert select_rules([(None, (), ())]) == frozenset(RULES)
    assert select_rules([(("CC1",), ("CC104",), ()), (("CC104",), (), ())]) == {"CC104"}
    assert select_rules([(("CC2",), ("CC203",), ()), (None, (), ("CC203",))]) == {"CC201", "CC202", "CC203", "CC204"}
    assert select_rules([(None, ("ALL",), ("CC501",))]) == {"CC501"}


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
