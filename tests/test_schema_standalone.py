"""The published JSON Schema works on its own, without carbon-card.

Other tools validate the value of a card's `co2_eq_emissions` block with the schema file
alone: here the real `check-jsonschema` CLI does, on YAML files holding just that value,
with every proxy pointed at a dead port so that nothing can come from the network.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator
from jsonschema.validators import validator_for

from carbon_card.schema import SCHEMA_FILE, schema_text

# End to end: the real check-jsonschema CLI, a process per example (14 s); CI runs it.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
SCHEMA_PATH = ROOT / "schemas" / SCHEMA_FILE
EXAMPLES = ROOT / "examples"
TIMEOUT = 120

OFFLINE = {
    "http_proxy": "http://127.0.0.1:9",
    "https_proxy": "http://127.0.0.1:9",
    "HTTP_PROXY": "http://127.0.0.1:9",
    "HTTPS_PROXY": "http://127.0.0.1:9",
}

VALID = {
    "mapping": "emissions: 250\nsource: CodeCarbon\n",
    "bare-number": "1200\n",
    "bare-zero": "0\n",
    "bare-float": "12.5\n",
    "emissions-only": "emissions: 0.5\n",
    "on-cloud-boolean": "emissions: 250\non_cloud: true\n",
    "unknown-key-allowed": "emissions: 250\nmeasured_by: a wattmeter\n",
    "all-known-keys": (
        "emissions: 2150\nsource: CodeCarbon\ntraining_type: fine-tuning\n"
        "geographical_location: Quebec, Canada\nhardware_used: 1 x A100\nenergy_consumed: 6.3\n"
        "hours_used: 14.5\non_cloud: false\ncpu_model: AMD EPYC 7742\nram_total_size: 251.5\n"
        "cloud_provider: AWS\n"
    ),
}

INVALID = {
    "no-emissions": "source: CodeCarbon\ntraining_type: fine-tuning\n",
    "empty-mapping": "{}\n",
    "negative-emissions": "emissions: -3\n",
    "negative-bare-number": "-1\n",
    "emissions-with-unit": 'emissions: "12 g"\n',
    "emissions-numeric-string": 'emissions: "250"\n',
    "bare-string": '"1200"\n',
    "bare-boolean": "true\n",
    "emissions-null": "emissions: null\n",
    "list": "- 250\n",
    "on-cloud-string": 'emissions: 250\non_cloud: "yes"\n',
    "energy-as-text": "emissions: 250\nenergy_consumed: about 3 kWh\n",
    "negative-hours": "emissions: 250\nhours_used: -1\n",
    "source-not-string": "emissions: 250\nsource: 42\n",
}


def _venv_tool(name: str) -> str:
    """A console script installed next to the running interpreter (the test extra's)."""
    tool = shutil.which(name, path=str(Path(sys.executable).parent))
    assert tool, f"`{name}` is not installed next to {sys.executable}; install the `test` extra"
    return tool


def _check_jsonschema(*args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key.lower() != "no_proxy"}
    return subprocess.run(
        [_venv_tool("check-jsonschema"), "--color", "never", *map(str, args)],
        env={**env, **OFFLINE}, capture_output=True, text=True, timeout=TIMEOUT,
    )


def _instance(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _example_block(kind: str) -> str:
    """The `co2_eq_emissions` value of an example card, as a YAML document of its own."""
    card = (EXAMPLES / kind / "README.md").read_text(encoding="utf-8")
    front_matter = card.split("---\n")[1]
    return yaml.safe_dump(yaml.safe_load(front_matter)["co2_eq_emissions"])


# --- check-jsonschema ------------------------------------------------------------------------


@pytest.mark.parametrize("name", VALID)
def test_valid_block_passes(tmp_path: Path, name: str) -> None:
    result = _check_jsonschema("--schemafile", SCHEMA_PATH, _instance(tmp_path, name, VALID[name]))
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("name", INVALID)
def test_invalid_block_fails(tmp_path: Path, name: str) -> None:
    result = _check_jsonschema("--schemafile", SCHEMA_PATH, _instance(tmp_path, name, INVALID[name]))
    # 1 is a validation failure; anything else (a crash, a parse error) would prove nothing.
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Schema validation errors were encountered" in result.stdout, result.stdout + result.stderr


def test_example_cards_blocks(tmp_path: Path) -> None:
    good = _check_jsonschema("--schemafile", SCHEMA_PATH, _instance(tmp_path, "good", _example_block("good")))
    assert good.returncode == 0, good.stdout + good.stderr
    bad = _check_jsonschema("--schemafile", SCHEMA_PATH, "-o", "json",
                            _instance(tmp_path, "bad", _example_block("bad")))
    assert bad.returncode == 1, bad.stdout + bad.stderr
    report = json.loads(bad.stdout)
    assert [error["filename"] for error in report["errors"]] == [str(tmp_path / "bad.yaml")]


def test_check_jsonschema_accepts_the_schema_as_a_schema() -> None:
    result = _check_jsonschema("--check-metaschema", SCHEMA_PATH)
    assert result.returncode == 0, result.stdout + result.stderr


# --- the schema document ---------------------------------------------------------------------


def _schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def test_schema_is_a_valid_2020_12_schema() -> None:
    schema = _schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert validator_for(schema) is Draft202012Validator
    Draft202012Validator.check_schema(schema)


def test_schema_has_a_stable_https_id() -> None:
    schema_id = _schema()["$id"]
    assert schema_id.startswith("https://")
    assert schema_id.endswith("/schemas/" + SCHEMA_FILE)
    assert "#" not in schema_id and "?" not in schema_id
    # The package metadata advertises the same address.
    urls = dict(entry.split(", ", 1) for entry in metadata.metadata("carbon-card").get_all("Project-URL") or ())
    assert urls.get("Schema") == schema_id


def test_packaged_schema_is_the_published_file() -> None:
    assert schema_text().encode("utf-8") == SCHEMA_PATH.read_bytes()


def test_schema_command_prints_the_published_file() -> None:
    result = subprocess.run([_venv_tool("carbon-card"), "schema"], capture_output=True, timeout=TIMEOUT)
    assert result.returncode == 0, result.stderr
    assert result.stdout == SCHEMA_PATH.read_bytes()
