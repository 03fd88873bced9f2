"""SARIF 2.1.0 output, validated against the official schema vendored in tests/data/sarif."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from conftest import run_cli

from carbon_card.assessment import assess
from carbon_card.card import CardReadError, read_card
from carbon_card.facts import gather
from carbon_card.rules import RULES
from carbon_card.rules.docs import explanation
from carbon_card.sarif import artifact_uri, sarif_from_report, sarif_log

ROOT = Path(__file__).resolve().parents[1]
SCHEMA_FILE = ROOT / "tests" / "data" / "sarif" / "sarif-schema-2.1.0.json"
SCHEMA_SHA256 = "80cd7ffb9b62a4162d541aa9170862dd264f6cce0f04c57f1ac9f2337b808958"  # see PROVENANCE.md
CARDS = ["examples/good/README.md", "examples/bad/README.md",
         "tests/corpus/cards-real/meta-llama__llama3_2-MODEL_CARD.md"]


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft7Validator:
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)


@pytest.fixture(scope="module")
def assessments(monkeypatch_module) -> list:
    monkeypatch_module.chdir(ROOT)  # relative paths, as a run in a repository gives them
    return [assess(card, gather(card, os.path.dirname(card.path))) for card in map(read_card, CARDS)]


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


@pytest.fixture(scope="module")
def read_error(tmp_path_factory) -> CardReadError:
    binary = tmp_path_factory.mktemp("binary") / "README.md"
    binary.write_bytes(b"\x00\xff\x00 not a card")
    with pytest.raises(CardReadError) as raised:
        read_card(str(binary))
    return raised.value


def test_the_vendored_schema_is_the_official_file():
    assert hashlib.sha256(SCHEMA_FILE.read_bytes()).hexdigest() == SCHEMA_SHA256
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    assert schema["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"


def test_log_validates_and_holds_every_finding(validator, assessments, read_error):
    log = sarif_log(assessments, [read_error])
    errors = sorted(validator.iter_errors(log), key=str)
    assert not errors, errors[0]
    run = log["runs"][0]
    results = run["results"]
    findings = [(a.card.path, f) for a in assessments for f in a.findings]
    assert len(results) == len(findings) > 5
    for result, (path, finding) in zip(results, findings):
        assert result["ruleId"] == finding.code
        assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == finding.code
        assert result["message"]["text"] == finding.message
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == path  # relative, forward slashes
        assert location["region"] == {"startLine": finding.line, "startColumn": finding.column}
        assert result["level"] == {"error": "error", "warning": "warning", "info": "note"}[str(finding.severity)]
    notification = run["invocations"][0]["toolExecutionNotifications"][0]
    assert notification["level"] == "error" and notification["message"]["text"] == str(read_error)


def test_driver_lists_every_rule_with_help(assessments):
    driver = sarif_log(assessments)["runs"][0]["tool"]["driver"]
    assert driver["name"] == "carbon-card" and driver["informationUri"].startswith("https://")
    assert [rule["id"] for rule in driver["rules"]] == list(RULES)
    for descriptor, rule in zip(driver["rules"], RULES.values()):
        assert descriptor["name"] == rule.name and descriptor["shortDescription"]["text"] == rule.summary
        assert rule.summary in " ".join(descriptor["help"]["text"].split()) and rule.code in descriptor["help"]["markdown"]
        # The help is the rule's explanation, as `carbon-card rule CODE` prints it, and links to its docs.
        assert descriptor["help"]["markdown"] == explanation(rule) and "Use instead:" in descriptor["help"]["text"]
        assert descriptor["helpUri"].endswith(f"/docs/rules.md#{rule.name}-{rule.code.lower()}")
        assert descriptor["fullDescription"]["text"].endswith(rule.why)
        assert descriptor["defaultConfiguration"]["level"] == {"error": "error", "warning": "warning",
                                                                "info": "note"}[str(rule.severity)]


def test_a_clean_run_is_valid_too(validator):
    log = sarif_log([])
    assert list(validator.iter_errors(log)) == [] and log["runs"][0]["results"] == []
    assert "toolExecutionNotifications" not in log["runs"][0]["invocations"][0]
    log["runs"][0]["results"].append({"ruleId": "CC104", "level": "fatal", "message": {"text": "x"}})
    assert list(validator.iter_errors(log))  # the schema does catch a bad log


def test_the_json_report_gives_the_same_log(assessments, read_error, tmp_path, validator):
    report = run_cli("check", "--format", "json", "--fail-on", "never", *CARDS)
    records = json.loads(report.stdout)
    records.append({"path": read_error.path, "error": {"message": read_error.message, "line": read_error.line},
                    "findings": []})
    assert sarif_from_report(records) == sarif_log(assessments, [read_error])
    path = tmp_path / "report.json"
    path.write_text(json.dumps(records), encoding="utf-8")
    converted = subprocess.run([sys.executable, "-m", "carbon_card.sarif", str(path)], capture_output=True, text=True,
                               check=False)
    assert converted.returncode == 0 and not list(validator.iter_errors(json.loads(converted.stdout)))


def test_the_converter_reports_bad_input_in_one_line(tmp_path):
    path = tmp_path / "report.json"
    path.write_text("not json", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "carbon_card.sarif", str(path)], capture_output=True, text=True,
                            check=False)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip() == f"carbon-card: {path}:1: not valid JSON (Expecting value)"


def test_artifact_uris(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert artifact_uri("models/a b/README.md") == "models/a%20b/README.md"
    assert artifact_uri(str(tmp_path / "models" / "README.md")) == "models/README.md"
    outside = tmp_path.parent / "elsewhere" / "README.md"
    assert artifact_uri(str(outside)) == outside.as_uri()
